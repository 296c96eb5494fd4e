import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  aggregateRuns,
  type CaseResult,
  type EvaluationSummary,
  evaluateCase,
  evaluateCases,
  summarize,
} from '../../src/metrics/evaluate.ts';
import { close } from './helpers.ts';

const m = (dice: number, jaccard: number, hd95: number, asd: number) => ({ dice, jaccard, hd95, asd });

function twoCases(): CaseResult[] {
  return [
    { case: 'a', classes: { '1': m(0.8, 0.6, 2, 1), '2': m(0.4, 0.2, 6, 3) } },
    { case: 'b', classes: { '1': m(0.6, 0.4, 4, 2), '2': m(0.2, 0.1, 10, 5) } },
  ];
}

test('summarize: per-class mean and population std over cases; foreground = mean of class means', () => {
  const s = summarize(twoCases(), 'strict', 'mm');
  assert.deepEqual(s.classes, [1, 2]);
  close(s.mean.classes['1']!.dice, 0.7, 1e-15, 'mean dice 1');
  close(s.std.classes['1']!.dice, 0.1, 1e-15, 'std dice 1 (ddof 0)');
  close(s.mean.classes['2']!.hd95, 8, 1e-15, 'mean hd95 2');
  close(s.std.classes['2']!.hd95, 2, 1e-15, 'std hd95 2');
  close(s.mean.foreground.dice, 0.5, 1e-15, 'fg mean dice');
  close(s.mean.foreground.asd, 2.75, 1e-15, 'fg mean asd');
  // per-case class means: dice 0.6 and 0.4 -> std 0.1; asd 2 and 3.5 -> std 0.75
  close(s.std.foreground.dice, 0.1, 1e-15, 'fg std dice');
  close(s.std.foreground.asd, 0.75, 1e-15, 'fg std asd');
  assert.equal(s.mean.all, undefined);
});

test('summarize: with background, `all` includes class 0 and `foreground` excludes it', () => {
  const cases = twoCases().map((c) => ({ ...c, classes: { ...c.classes, '0': m(1, 1, 0, 0) } }));
  const s = summarize(cases, 'strict', 'mm');
  assert.deepEqual(s.classes, [0, 1, 2]);
  close(s.mean.foreground.dice, 0.5, 1e-15, 'fg');
  close(s.mean.all!.dice, (1 + 0.7 + 0.3) / 3, 1e-15, 'all');
});

test('aggregateRuns: mean over runs and population std of run means (spec/skcdf.md §7 anchor: 64.27 ± 1.36)', () => {
  // three folds whose class-averaged Dice are 64.790, 65.622, 62.404 % and ASD 1.361, 1.566, 1.423 voxels
  const folds: [number, number][] = [
    [0.6479, 1.361],
    [0.65622, 1.566],
    [0.62404, 1.423],
  ];
  const runs: EvaluationSummary[] = folds.map(([d, a]) =>
    summarize([{ case: 'x', classes: { '1': m(d, d, a, a) } }], 'reference-dhc', 'voxel'),
  );
  const agg = aggregateRuns(runs);
  assert.equal(agg.runs, 3);
  close(agg.mean.foreground.dice * 100, 64.272, 1e-9, 'final Dice');
  assert.equal((agg.std.foreground.dice * 100).toFixed(2), '1.36'); // ddof 1 would give 1.67
  close(agg.mean.foreground.asd, 1.45, 1e-9, 'final ASD');
  assert.equal(agg.std.foreground.asd.toFixed(2), '0.09');
  const one = aggregateRuns(runs.slice(0, 1));
  assert.equal(one.std.foreground.dice, 0);
  assert.throws(() => aggregateRuns([]), RangeError);
  assert.throws(() => aggregateRuns([runs[0]!, summarize(twoCases(), 'strict', 'mm')]), RangeError);
});

test('evaluateCases: end to end on 2D label maps, Dice/Jaccard as fractions, JSON shape', () => {
  // 4x5 image, class 1 a 2x2 square, class 2 a column; prediction shifts class 1 by one column
  const label = Uint8Array.from([0, 1, 1, 0, 2, 0, 1, 1, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2]);
  const pred = Uint8Array.from([0, 0, 1, 1, 2, 0, 0, 1, 1, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2]);
  const s = evaluateCases(
    [
      { case: 'p1', pred, label, shape: [4, 5] },
      { case: 'p2', pred: label, label, shape: [4, 5] },
    ],
    { numClasses: 3, spacing: [1, 2] },
  );
  assert.equal(s.policy, 'strict');
  assert.equal(s.units, 'mm');
  const c1 = s.cases[0]!.classes['1']!;
  close(c1.dice, 0.5, 1e-15, 'dice'); // 2 of 4 + 4 voxels
  close(c1.jaccard, 1 / 3, 1e-15, 'jaccard');
  // every voxel of the 2x2 squares is surface; shifted by one column (2 mm): distances [2, 0, 2, 0]
  close(c1.asd, 1, 1e-15, 'asd');
  close(c1.hd95, 2, 1e-15, 'hd95');
  assert.deepEqual(s.cases[1]!.classes['2'], { dice: 1, jaccard: 1, hd95: 0, asd: 0 });
  close(s.mean.classes['1']!.dice, 0.75, 1e-15, 'mean over cases');
  const json = JSON.parse(JSON.stringify(s));
  assert.deepEqual(Object.keys(json).sort(), ['cases', 'classes', 'mean', 'policy', 'std', 'units']);
  assert.deepEqual(Object.keys(json.cases[0].classes), ['1', '2']);
  assert.deepEqual(Object.keys(json.cases[0].classes['1']).sort(), ['asd', 'dice', 'hd95', 'jaccard']);
});

test('evaluateCase: class selection, background, validation', () => {
  const label = Int32Array.from([0, 1, 1, 2]);
  const pred = Int32Array.from([0, 1, 2, 2]);
  const withBg = evaluateCase('x', pred, label, [4], { numClasses: 3, includeBackground: true });
  assert.deepEqual(Object.keys(withBg.classes), ['0', '1', '2']);
  assert.equal(withBg.classes['0']!.dice, 1);
  const only2 = evaluateCase('x', pred, label, [4], { numClasses: 3, classes: [2] });
  assert.deepEqual(Object.keys(only2.classes), ['2']);
  close(only2.classes['2']!.dice, 2 / 3, 1e-15, 'dice 2');
  assert.throws(() => evaluateCase('x', pred, label, [5], { numClasses: 3 }), RangeError);
  assert.throws(() => evaluateCase('x', pred, label, [4], { numClasses: 3, classes: [3] }), RangeError);
  assert.throws(() => evaluateCase('x', pred, label, [4], { numClasses: 3, spacing: [1, 1] }), RangeError);
});
