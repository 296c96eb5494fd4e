import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateCase } from '../../src/metrics/evaluate.ts';
import { makeGrid } from '../../src/metrics/grid.ts';
import {
  EmptyReferenceError,
  getPolicy,
  referenceCml,
  referenceDhc,
  strict,
} from '../../src/metrics/policy.ts';
import { close } from './helpers.ts';

/** spec/dhc.md §12 G10 label maps: pred = 1 on P, 2 at (0,5,5); GT = 1 on G, 3 at (3,0,0); classes 1..4. */
function g10Labels(): { pred: Uint8Array; gt: Uint8Array; shape: number[] } {
  const pred = new Uint8Array(144);
  const gt = new Uint8Array(144);
  const at = (d: number, h: number, w: number): number => (d * 6 + h) * 6 + w;
  for (let d = 1; d <= 2; d++)
    for (let h = 1; h <= 3; h++) for (let w = 1; w <= 3; w++) pred[at(d, h, w)] = 1;
  for (let d = 1; d <= 3; d++) for (let h = 2; h <= 4; h++) for (let w = 1; w <= 4; w++) gt[at(d, h, w)] = 1;
  pred[at(0, 5, 5)] = 2;
  gt[at(3, 0, 0)] = 3;
  return { pred, gt, shape: [4, 6, 6] };
}

test('reference-dhc reproduces evaluate_Ntimes.py on spec G10 (Dice %, ASD voxels, 1e-6)', () => {
  const { pred, gt, shape } = g10Labels();
  // spacing must be ignored: the script calls medpy without voxelspacing
  const r = evaluateCase('g10', pred, gt, shape, {
    numClasses: 5,
    policy: 'reference-dhc',
    spacing: [3, 2, 1],
  });
  const want: [number, number][] = [
    [44.444444, 0.4444444],
    [0, 128],
    [0, 128],
    [1, 0],
  ];
  want.forEach(([dicePct, asdVox], k) => {
    const c = r.classes[String(k + 1)]!;
    close(c.dice * 100, dicePct, 1e-6, `class ${k + 1} dice`);
    close(c.asd, asdVox, 1e-6, `class ${k + 1} asd`);
  });
  assert.equal(r.classes['2']!.empty, 'label');
  assert.equal(r.classes['3']!.empty, 'pred');
  assert.equal(r.classes['4']!.empty, 'both');
  assert.equal(r.classes['1']!.empty, undefined);
  const meanDice = [1, 2, 3, 4].reduce((s, c) => s + r.classes[String(c)]!.dice * 100, 0) / 4;
  const meanAsd = [1, 2, 3, 4].reduce((s, c) => s + r.classes[String(c)]!.asd, 0) / 4;
  close(meanDice, 11.361111, 1e-6, 'case mean Dice');
  close(meanAsd, 64.111111, 1e-6, 'case mean ASD');
});

test('reference-cml: class absent from the prediction scores (0,0,0,0); absent only from the label throws', () => {
  const { pred, gt, shape } = g10Labels();
  const ok = evaluateCase('g10', pred, gt, shape, {
    numClasses: 5,
    policy: 'reference-cml',
    classes: [1, 3, 4],
  });
  for (const c of ['3', '4']) {
    const m = ok.classes[c]!;
    assert.deepEqual([m.dice, m.jaccard, m.hd95, m.asd], [0, 0, 0, 0]);
  }
  close(ok.classes['1']!.dice, 0.4444444, 1e-7, 'class 1 dice');
  close(ok.classes['1']!.jaccard, 12 / 42, 1e-12, 'class 1 jaccard'); // |P∪G| = 18 + 36 - 12
  assert.throws(
    () => evaluateCase('g10', pred, gt, shape, { numClasses: 5, policy: 'reference-cml' }),
    EmptyReferenceError,
  );
});

test('strict: both empty is perfect, one empty scores 0 and the volume diagonal in mm', () => {
  const grid = makeGrid([10, 20, 30], [2, 1, 0.5]);
  const diag = Math.sqrt(18 ** 2 + 19 ** 2 + 14.5 ** 2);
  assert.deepEqual(strict.empty('both', grid, 1), { dice: 1, jaccard: 1, hd95: 0, asd: 0 });
  for (const kind of ['pred', 'label'] as const) {
    const m = strict.empty(kind, grid, 1);
    assert.equal(m.dice, 0);
    assert.equal(m.jaccard, 0);
    close(m.hd95, diag, 1e-12, 'hd95 penalty');
    close(m.asd, diag, 1e-12, 'asd penalty');
  }
  // the penalty exceeds every distance a non-empty pair can have on that grid
  const { pred, gt, shape } = g10Labels();
  const r = evaluateCase('g10', pred, gt, shape, { numClasses: 5, policy: 'strict', spacing: [2, 1, 0.5] });
  const d = Math.sqrt(6 ** 2 + 5 ** 2 + 2.5 ** 2);
  close(r.classes['2']!.asd, d, 1e-12, 'class 2 diag');
  assert.ok(r.classes['1']!.hd95 < d);
  assert.equal(r.classes['4']!.dice, 1);
});

test('policies: units and name resolution', () => {
  assert.equal(referenceDhc.units, 'voxel');
  assert.equal(referenceCml.units, 'voxel');
  assert.equal(strict.units, 'mm');
  assert.equal(getPolicy('reference-skcdf'), referenceDhc);
  assert.equal(getPolicy('strict'), strict);
  assert.throws(() => getPolicy('reference' as 'strict'), RangeError);
  // strict uses the spacing, reference-dhc does not
  const a = new Uint8Array(20);
  const b = new Uint8Array(20);
  a[0] = 1;
  b[19] = 1;
  const s = evaluateCase('x', a, b, [4, 5], { numClasses: 2, spacing: [2, 3] });
  close(s.classes['1']!.asd, Math.sqrt(36 + 144), 1e-12, 'strict mm');
  const v = evaluateCase('x', a, b, [4, 5], { numClasses: 2, spacing: [2, 3], policy: 'reference-dhc' });
  close(v.classes['1']!.asd, 5, 1e-12, 'reference voxels');
});
