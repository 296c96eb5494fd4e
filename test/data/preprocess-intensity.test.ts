/**
 * Intensity steps: hand-computed CT windows (clip to [-75, 275], then min-max with the clipped volume's own
 * min and max), numpy float32 golden values (`scripts/golden/preprocess.py`, tolerance 1e-7 absolute: the same
 * float32 operations), the plain min-max, the finite-value scan, and the axis / label conversions.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CT_WINDOW,
  ctWindowNormalize,
  firstNonFinite,
  minMaxNormalize,
} from '../../src/data/preprocess/intensity.ts';
import {
  distinctLabels,
  h5Image,
  h5Label,
  niftiImage,
  niftiLabel,
  toLabelMap,
} from '../../src/data/preprocess/volumes.ts';
import type { NiftiVolume } from '../../src/io/nifti.ts';
import { assertClose, fixtureJson } from './preprocess-helpers.ts';

const f32 = (xs: number[]) => Float32Array.from(xs);

test('CT window by hand: clip to [-75, 275] then (x - min) / (max - min) over the clipped volume', () => {
  assert.deepEqual(CT_WINDOW, { min: -75, max: 275 });
  // clipped: [-75, -75, 0, 100, 275, 275]; min -75, max 275, range 350
  assertClose(
    ctWindowNormalize(f32([-100, -75, 0, 100, 275, 400])),
    [0, 0, 75 / 350, 175 / 350, 1, 1],
    1e-7,
    'full',
  );
  // inside the window the volume's own range is used, not the window's: [0, 35, 70] -> [0, 0.5, 1]
  assertClose(ctWindowNormalize(f32([0, 35, 70])), [0, 0.5, 1], 0, 'own range');
  // only the top clipped: [-20, 275, 275] -> min -20, range 295
  assertClose(ctWindowNormalize(f32([-20, 300, 1000])), [0, 1, 1], 0, 'top');
  assertClose(ctWindowNormalize(f32([-20, 50, 300])), [0, 70 / 295, 1], 1e-7, 'mixed');
  // a custom window
  assertClose(ctWindowNormalize(f32([-10, 0, 5, 20]), { min: 0, max: 10 }), [0, 0, 0.5, 1], 0, 'custom');
});

test('CT window equals numpy float32 (DHC loader code) on golden arrays', () => {
  const g = fixtureJson<{
    cases: { in?: number[]; out?: number[]; n?: number; sum?: number; samples?: [number, number][] }[];
  }>('intensity.json');
  for (const c of g.cases) {
    if (c.in) {
      assertClose(ctWindowNormalize(f32(c.in)), c.out!, 1e-7, `window ${c.in}`);
      continue;
    }
    const x = Float32Array.from({ length: c.n! }, (_, i) => ((i * 7919) % 1009) - 500);
    const w = ctWindowNormalize(x);
    let sum = 0;
    for (const v of w) sum += v;
    assert.ok(Math.abs(sum - c.sum!) < 1e-6 * c.sum!, `sum ${sum} vs ${c.sum}`);
    for (const [i, v] of c.samples!) assert.ok(Math.abs(w[i]! - v) <= 1e-7, `[${i}] ${w[i]} vs ${v}`);
  }
});

test('constant and empty volumes: zeros (documented deviation from the references 0/0) and empty', () => {
  assert.deepEqual([...ctWindowNormalize(f32([-500, -400, -100]))], [0, 0, 0]); // all clipped to -75
  assert.deepEqual([...minMaxNormalize(f32([3, 3]))], [0, 0]);
  assert.equal(ctWindowNormalize(new Float32Array(0)).length, 0);
  assert.equal(minMaxNormalize(new Float32Array(0)).length, 0);
  assert.throws(() => ctWindowNormalize(f32([1]), { min: 5, max: 5 }), /window: min 5 is not below max 5/);
});

test('plain per-volume min-max (ACDC convention) and input left unchanged', () => {
  const x = f32([2, 4, 6, 10]);
  assertClose(minMaxNormalize(x), [0, 0.25, 0.5, 1], 0, 'minmax');
  assert.deepEqual([...x], [2, 4, 6, 10]);
});

test('firstNonFinite finds NaN and infinities (libtorch scan, then the index)', () => {
  assert.equal(firstNonFinite(f32([1, 2, 3])), -1);
  assert.equal(firstNonFinite(f32([1, Number.NaN, 3])), 1);
  assert.equal(firstNonFinite(f32([1, 2, Number.NEGATIVE_INFINITY])), 2);
  assert.equal(firstNonFinite(new Float32Array(0)), -1);
});

function nifti(data: NiftiVolume['data'], shape: number[], spacing: number[]): NiftiVolume {
  return { data, shape, spacing } as NiftiVolume;
}

test('NIfTI (x, y, z), x fastest, becomes [D, H, W] = (z, y, x) without copying axes around', () => {
  // shape (X, Y, Z) = (4, 3, 2): voxel (i, j, k) holds 100 i + 10 j + k, stored x fastest
  const X = 4;
  const Y = 3;
  const Z = 2;
  const data = new Int16Array(X * Y * Z);
  for (let k = 0; k < Z; k++)
    for (let j = 0; j < Y; j++) for (let i = 0; i < X; i++) data[i + X * (j + Y * k)] = 100 * i + 10 * j + k;
  const v = niftiImage(nifti(data, [X, Y, Z], [0.7, 0.8, 2.5]), 'img.nii.gz');
  assert.deepEqual(v.shape, [2, 3, 4]);
  assert.deepEqual(v.spacing, [2.5, 0.8, 0.7]);
  // element [d, h, w] = voxel (w, h, d)
  assert.equal(v.data[(1 * Y + 2) * X + 3], 100 * 3 + 10 * 2 + 1);
  assert.ok(v.data instanceof Float32Array);
  const lab = niftiLabel(
    nifti(
      Uint8Array.from(data, (x) => x % 3),
      [X, Y, Z, 1],
      [1, 1, 1, 1],
    ),
    3,
    'lab.nii.gz',
  );
  assert.deepEqual(lab.shape, [2, 3, 4]);
  assert.throws(
    () => niftiImage(nifti(new Float32Array(16), [2, 2, 2, 2], [1, 1, 1, 1]), 'img4d.nii.gz'),
    /^DataError: img4d.nii.gz: has shape \(2, 2, 2, 2\); expected a 3D volume/,
  );
});

test('LA h5 (x, y, z) transposes to (z, y, x); ACDC (z, y, x) stays; labels checked', () => {
  const shape = [2, 3, 4]; // x, y, z
  const data = new Float32Array(24);
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) data[(i * 3 + j) * 4 + k] = 100 * i + 10 * j + k;
  const v = h5Image({ data, shape }, 'xyz', 'la.h5');
  assert.deepEqual(v.shape, [4, 3, 2]);
  assert.equal(v.data[(3 * 3 + 1) * 2 + 1], 100 + 10 + 3); // [z=3, y=1, x=1]
  const same = h5Image({ data, shape }, 'zyx', 'acdc.h5');
  assert.deepEqual([...same.data], [...data]);
  assert.notEqual(same.data, data);
  assert.throws(
    () => h5Image({ data, shape }, 'yx', 'slice.h5'),
    /slice.h5: image has shape \(2, 3, 4\); expected 2 axes/,
  );
  const lab = h5Label({ data: Uint8Array.from(data, (x) => x % 2), shape }, 'xyz', 2, 'la.h5');
  assert.deepEqual(lab.shape, [4, 3, 2]);
});

test('label conversion: integral floats accepted, out-of-range and fractional values named with their voxel', () => {
  assert.deepEqual([...toLabelMap(Float32Array.from([0, 1, 2]), 3, 'l', String)], [0, 1, 2]);
  assert.deepEqual([...toLabelMap(BigInt64Array.from([0n, 2n]), 3, 'l', String)], [0, 2]);
  assert.throws(
    () => toLabelMap(Int16Array.from([0, 5]), 3, 'labelsTr/x.nii.gz', (i) => `(${i})`),
    /^DataError: labelsTr\/x.nii.gz: label value 5 at voxel \(1\) is outside the classes; expected integer values 0..2$/,
  );
  assert.throws(
    () => toLabelMap(Float32Array.from([0.5]), 3, 'l', String),
    /label value 0.5 at voxel 0 is not an integer class/,
  );
  assert.throws(
    () => toLabelMap(Int8Array.from([-1]), 3, 'l', String),
    /label value -1 at voxel 0 is outside the classes/,
  );
  assert.deepEqual(distinctLabels(Uint8Array.from([3, 0, 3, 7])), [0, 3, 7]);
  assert.deepEqual(distinctLabels(new Uint8Array(0)), []);
});
