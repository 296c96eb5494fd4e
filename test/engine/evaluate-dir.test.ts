import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { evaluateDirectories } from '../../src/engine/inference/evaluate-dir.ts';
import { checkLabels, pairVolumeFiles } from '../../src/engine/inference/label-volumes.ts';
import { writeNiftiSync, writeNpySync } from '../../src/io/index.ts';
import { evaluateCase } from '../../src/metrics/index.ts';

const root = mkdtempSync(join(tmpdir(), 'semiseg-evaldir-'));
after(() => rmSync(root, { recursive: true, force: true }));

type Vol = { data: Uint8Array; shape: [number, number, number] };

/** A [D, H, W] label volume filled with `value` on boxes given as [d0, d1, h0, h1, w0, w1] (inclusive). */
function volume(shape: [number, number, number], boxes: [number, number[], number?][]): Vol {
  const [D, H, W] = shape;
  const data = new Uint8Array(D * H * W);
  for (const [value, b] of boxes)
    for (let d = b[0]!; d <= b[1]!; d++)
      for (let h = b[2]!; h <= b[3]!; h++)
        for (let w = b[4]!; w <= b[5]!; w++) data[(d * H + h) * W + w] = value;
  return { data, shape };
}

/** Writes a [D, H, W] volume as NIfTI (x = W fastest) with spacing given in x, y, z order. */
function nifti(path: string, v: Vol, spacingXyz: number[] = [1, 1, 1]): void {
  const [sx, sy, sz] = spacingXyz as [number, number, number];
  const affine = [
    [sx, 0, 0, 0],
    [0, sy, 0, 0],
    [0, 0, sz, 0],
    [0, 0, 0, 1],
  ];
  writeNiftiSync(path, { data: v.data, shape: [...v.shape].reverse(), affine });
}

// DHC spec §12 G10: grid (4,6,6); P = d 1..2, h 1..3, w 1..3; G = d 1..3, h 2..4, w 1..4;
// class 2 only in the prediction at (0,5,5), class 3 only in the label at (3,0,0); class 4 in neither.
const G10_PRED = volume(
  [4, 6, 6],
  [
    [1, [1, 2, 1, 3, 1, 3]],
    [2, [0, 0, 5, 5, 5, 5]],
  ],
);
const G10_LABEL = volume(
  [4, 6, 6],
  [
    [1, [1, 3, 2, 4, 1, 4]],
    [3, [3, 3, 0, 0, 0, 0]],
  ],
);

test('reference-dhc on the DHC spec G10 maps: (44.444444 %, 0.4444444), (0, 128), (0, 128), (1 %, 0)', async () => {
  const dir = join(root, 'g10');
  mkdirSync(join(dir, 'pred'), { recursive: true });
  mkdirSync(join(dir, 'gt'), { recursive: true });
  nifti(join(dir, 'pred', 'case.nii.gz'), G10_PRED, [0.8, 0.8, 2.5]);
  writeNpySync(join(dir, 'gt', 'case.npy'), G10_LABEL.data, G10_LABEL.shape); // npy label, as SKCDF
  const { summary, markdown } = await evaluateDirectories({
    predDir: join(dir, 'pred'),
    gtDir: join(dir, 'gt'),
    numClasses: 5,
    policy: 'reference-dhc',
  });
  assert.equal(summary.units, 'voxel');
  const c = summary.cases[0]!.classes;
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`);
  near(c['1']!.dice * 100, 44.444444);
  near(c['1']!.asd, 0.4444444);
  assert.deepEqual([c['2']!.dice, c['2']!.asd, c['3']!.dice, c['3']!.asd], [0, 128, 0, 128]);
  assert.deepEqual([c['4']!.dice, c['4']!.asd], [0.01, 0]);
  near(summary.mean.foreground.dice * 100, 11.361111);
  near(summary.mean.foreground.asd, 64.111111);
  assert.match(markdown, /\|pred\|11\.36\|/, 'table row with the Average Dice in %');
});

test('strict: spacing from the NIfTI header (x, y, z -> [D, H, W] reversed), equal to src/metrics directly', async () => {
  const dir = join(root, 'strict');
  mkdirSync(join(dir, 'pred'), { recursive: true });
  mkdirSync(join(dir, 'gt'), { recursive: true });
  const cases: [string, Vol, Vol][] = [
    ['a', G10_PRED, G10_LABEL],
    ['b', volume([4, 6, 6], [[1, [0, 3, 0, 2, 0, 5]]]), volume([4, 6, 6], [[1, [1, 3, 0, 3, 1, 5]]])],
  ];
  for (const [id, p, g] of cases) {
    nifti(join(dir, 'pred', `${id}.nii.gz`), p, [0.75, 0.625, 2.5]);
    nifti(join(dir, 'gt', `${id}.nii`), g, [0.75, 0.625, 2.5]);
  }
  const res = await evaluateDirectories({
    predDir: join(dir, 'pred'),
    gtDir: join(dir, 'gt'),
    numClasses: 4,
  });
  assert.equal(res.summary.policy, 'strict');
  assert.equal(res.summary.units, 'mm');
  assert.deepEqual(res.summary.cases[0]!.spacing, [2.5, 0.625, 0.75]);
  for (const [i, [id, p, g]] of cases.entries()) {
    const direct = evaluateCase(id, p.data, g.data, p.shape, { numClasses: 4, spacing: [2.5, 0.625, 0.75] });
    assert.deepEqual(res.summary.cases[i]!.classes, direct.classes, id);
  }
  // case b, class 1 by hand: |P| = 4*3*6 = 72, |G| = 3*4*5 = 60, |P∩G| = 3*3*5 = 45
  const b1 = res.summary.cases[1]!.classes['1']!;
  assert.ok(Math.abs(b1.dice - 90 / 132) < 1e-12);
  assert.ok(Math.abs(b1.jaccard - 45 / 87) < 1e-12);
  // --spacing overrides the header
  const over = await evaluateDirectories({
    predDir: join(dir, 'pred'),
    gtDir: join(dir, 'gt'),
    numClasses: 4,
    spacing: [1, 2, 3],
  });
  const direct = evaluateCase('a', G10_PRED.data, G10_LABEL.data, [4, 6, 6], {
    numClasses: 4,
    spacing: [3, 2, 1],
  });
  assert.deepEqual(over.summary.cases[0]!.classes, direct.classes);
  assert.notEqual(over.summary.cases[0]!.classes['1']!.hd95, res.summary.cases[0]!.classes['1']!.hd95);
});

test('number of classes: from the names, else the largest label over both sides + 1', async () => {
  const dir = join(root, 'count');
  mkdirSync(join(dir, 'pred'), { recursive: true });
  mkdirSync(join(dir, 'gt'), { recursive: true });
  writeNpySync(join(dir, 'pred', 'x.npy'), G10_PRED.data, G10_PRED.shape);
  writeNpySync(join(dir, 'gt', 'x.npy'), G10_LABEL.data, G10_LABEL.shape);
  const inferred = await evaluateDirectories({ predDir: join(dir, 'pred'), gtDir: join(dir, 'gt') });
  assert.equal(inferred.summary.numClasses, 4, 'labels go up to 3');
  assert.deepEqual(inferred.summary.classes, [1, 2, 3]);
  assert.equal(inferred.summary.units, 'voxel', 'npy without spacing: voxels');
  const named = await evaluateDirectories({
    predDir: join(dir, 'pred'),
    gtDir: join(dir, 'gt'),
    classNames: ['Sp', 'RK', 'LK', 'Ga'],
  });
  assert.equal(named.summary.numClasses, 5);
  assert.deepEqual(named.summary.classNames, { '1': 'Sp', '2': 'RK', '3': 'LK', '4': 'Ga' });
  assert.match(named.markdown, /\|Method\|Avg Dice\|Avg ASD\|Sp\|RK\|LK\|Ga\|/);
});

test('pairing: sorted by case id, other files ignored; checkLabels accepts integral floats only', () => {
  const dir = join(root, 'pairs');
  mkdirSync(join(dir, 'p'), { recursive: true });
  mkdirSync(join(dir, 'g'), { recursive: true });
  for (const id of ['b', 'a']) {
    writeNpySync(join(dir, 'p', `${id}.npy`), new Uint8Array(1), [1]);
    nifti(join(dir, 'g', `${id}.nii.gz`), volume([1, 1, 1], []));
  }
  writeNpySync(join(dir, 'p', 'summary.json'), new Uint8Array(1), [1]);
  const pairs = pairVolumeFiles(join(dir, 'p'), join(dir, 'g'));
  assert.deepEqual(
    pairs.map((p) => p.case),
    ['a', 'b'],
  );
  assert.equal(pairs[0]!.label, join(dir, 'g', 'a.nii.gz'));
  const ok = checkLabels(Float32Array.from([0, 2, 1]), 'f.nii', 3);
  assert.deepEqual(Array.from(ok.labels), [0, 2, 1]);
  assert.equal(ok.max, 2);
  assert.throws(
    () => checkLabels(Float32Array.from([0, 1.5]), 'f.nii'),
    /f\.nii: holds the value 1\.5 at voxel 1/,
  );
  assert.throws(
    () => checkLabels(Int16Array.from([0, -1]), 'g.nii'),
    /value -1 .*non-negative integer labels/,
  );
  assert.throws(() => checkLabels(Uint8Array.from([0, 3]), 'h.npy', 3), /expected integer labels in 0\.\.2/);
});
