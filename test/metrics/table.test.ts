import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aggregateRuns, type EvaluationSummary, summarize } from '../../src/metrics/evaluate.ts';
import { formatClassTable, formatSummaryTable } from '../../src/metrics/table.ts';

const m = (dice: number, jaccard: number, hd95: number, asd: number) => ({ dice, jaccard, hd95, asd });

function run(d1: number, d2: number, asd: number): EvaluationSummary {
  return summarize(
    [{ case: 'c', classes: { '1': m(d1, d1 / 2, 2 * asd, asd), '2': m(d2, d2 / 2, 2 * asd, asd) } }],
    'reference-dhc',
    'voxel',
  );
}

test('formatClassTable: DHC layout, Dice in %, averages as mean±std over runs', () => {
  const dhc = aggregateRuns([run(0.8, 0.4, 1), run(0.6, 0.2, 3)]);
  const table = formatClassTable([{ method: '**DHC (ours)**', result: dhc }], {
    classNames: { 1: 'Sp', 2: 'RK' },
  });
  assert.equal(
    table,
    '|Method|Avg Dice|Avg ASD|Sp|RK|\n|---|---|---|---|---|\n|**DHC (ours)**|50.00±10.00|2.00±1.00|70.0|30.0|\n',
  );
  const noStd = formatClassTable([{ method: 'X', result: dhc }], { showStd: false, distance: 'hd95' });
  assert.equal(noStd.split('\n')[0], '|Method|Avg Dice|Avg HD95|1|2|');
  assert.equal(noStd.split('\n')[2], '|X|50.00|4.00|70.0|30.0|');
});

test('formatSummaryTable: CML layout with Jaccard and units', () => {
  const r = aggregateRuns([run(0.9, 0.8, 1.5)]);
  assert.equal(
    formatSummaryTable([{ method: 'CML', result: r }]),
    '|Method|Dice (%)|Jaccard (%)|95HD (voxel)|ASD (voxel)|\n|---|---|---|---|---|\n|CML|85.00|42.50|3.00|1.50|\n',
  );
  const nanRun = aggregateRuns([
    summarize([{ case: 'c', classes: { '1': m(Number.NaN, 0, Number.POSITIVE_INFINITY, 0) } }], 'x', 'mm'),
  ]);
  assert.match(formatSummaryTable([{ method: 'N', result: nanRun }]), /\|N\|nan\|0\.00\|inf\|0\.00\|/);
  assert.throws(
    () =>
      formatSummaryTable([
        { method: 'a', result: r },
        { method: 'b', result: nanRun },
      ]),
    RangeError,
  );
});
