/**
 * Axis orders and memory layouts: NIfTI (x fastest) to the project's C-order (z, y, x) and back, general
 * C-order permutations, Fortran/C conversion. Known voxel values come from nibabel (expected.json).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cToFortran,
  elementAt,
  fortranToC,
  niftiToZyx,
  permuteAxes,
  reorderAxes,
  zyxToNifti,
} from '../../src/io/layout.ts';
import { readNiftiSync } from '../../src/io/nifti.ts';
import { expected, fixture, niftiCase, parse } from './helpers.ts';

/** nibabel's img.dataobj[i, j, k]: the expected list is in Fortran order, index i + X * (j + Y * k). */
function nibabelVoxel(file: string, i: number, j: number, k: number): number {
  const e = niftiCase(file);
  const [X, Y] = e.shape as [number, number, number];
  return parse(e.data![i + X * (j + Y * k)]!, false) as number;
}

test('niftiToZyx: file voxel (i, j, k) is element [k, j, i] of the (z, y, x) C-order view, no copy', () => {
  for (const file of ['dt_float32.nii.gz', 'be_int16.nii', 'scl_int16.nii.gz', 'nifti2_i16.nii']) {
    const v = readNiftiSync(fixture(file));
    const zyx = niftiToZyx(v);
    assert.deepEqual(zyx.shape, [3, 4, 5]);
    assert.equal(zyx.data, v.data);
    assert.deepEqual(zyx.spacing, [...v.spacing].reverse());
    for (const [i, j, k] of [
      [0, 0, 0],
      [4, 3, 2],
      [1, 2, 0],
      [3, 0, 1],
      [2, 3, 2],
    ] as const) {
      assert.equal(
        elementAt(zyx.data, zyx.shape, [k, j, i]),
        nibabelVoxel(file, i, j, k),
        `${file} (${i}, ${j}, ${k})`,
      );
    }
    const back = zyxToNifti(zyx);
    assert.deepEqual(back.shape, v.shape);
    assert.deepEqual(back.spacing, v.spacing);
  }
});

test('niftiToZyx on 4D: file voxel (i, j, k, t) is element [t, k, j, i]', () => {
  const v = readNiftiSync(fixture('rank4.nii.gz'));
  const zyx = niftiToZyx(v);
  assert.deepEqual(zyx.shape, [2, 2, 3, 4]);
  const e = niftiCase('rank4.nii.gz');
  const [i, j, k, t] = [3, 1, 1, 1];
  const want = parse(e.data![i + 4 * (j + 3 * (k + 2 * t))]!, false);
  assert.equal(elementAt(zyx.data, zyx.shape, [t, k, j, i]), want);
});

test('permuteAxes matches a direct index computation on a 2x3x4 array', () => {
  const shape = [2, 3, 4];
  const data = Int32Array.from({ length: 24 }, (_, n) => n * 10 + 1);
  for (const perm of [
    [0, 1, 2],
    [2, 1, 0],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [0, 2, 1],
  ]) {
    const out = permuteAxes(data, shape, perm);
    assert.deepEqual(
      out.shape,
      perm.map((p) => shape[p]),
    );
    for (let a = 0; a < 2; a++) {
      for (let b = 0; b < 3; b++) {
        for (let c = 0; c < 4; c++) {
          const src = [a, b, c];
          const dst = perm.map((p) => src[p]!);
          assert.equal(
            elementAt(out.data, out.shape, dst),
            elementAt(data, shape, src),
            `perm ${perm} at ${src}`,
          );
        }
      }
    }
  }
});

test('permuteAxes keeps the element type (BigInt64Array too) and handles empty arrays', () => {
  const big = BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 6n]);
  const out = permuteAxes(big, [2, 3], [1, 0]);
  assert.ok(out.data instanceof BigInt64Array);
  assert.deepEqual([...out.data], [1n, 4n, 2n, 5n, 3n, 6n]);
  const empty = permuteAxes(new Float32Array(0), [0, 3], [1, 0]);
  assert.deepEqual(empty.shape, [3, 0]);
  assert.equal(empty.data.length, 0);
});

test('permuteAxes rejects a bad permutation or a length mismatch', () => {
  assert.throws(() => permuteAxes(new Uint8Array(6), [2, 3], [0, 0]), RangeError);
  assert.throws(() => permuteAxes(new Uint8Array(5), [2, 3], [1, 0]), RangeError);
});

test('fortranToC / cToFortran agree with numpy on a Fortran-order npy fixture and round-trip', () => {
  // npy_fortran_f4.npy holds (3, 4, 2) float32 in Fortran order; data_c is numpy's C-order ravel
  const e = expected.npy.find((x) => x.file === 'npy_fortran_f4.npy')!;
  const c = Float32Array.from(e.data_c as number[]);
  const f = cToFortran(c, e.shape);
  // element [i, j, k] of a Fortran array of shape (3, 4, 2) is at i + 3 * (j + 4 * k)
  assert.equal(f.data[2 + 3 * (1 + 4 * 1)], elementAt(c, e.shape, [2, 1, 1]));
  const back = fortranToC(f.data, e.shape);
  assert.deepEqual([...back.data], [...c]);
});

test('reorderAxes turns LA-style (x, y, z) C order into (z, y, x)', () => {
  const shape = [4, 3, 2]; // x, y, z
  const data = Float32Array.from({ length: 24 }, (_, n) => n);
  const out = reorderAxes(data, shape, 'xyz', 'zyx');
  assert.deepEqual(out.shape, [2, 3, 4]);
  assert.equal(elementAt(out.data, out.shape, [1, 2, 3]), elementAt(data, shape, [3, 2, 1]));
  const same = reorderAxes(data, shape, 'xyz', 'xyz');
  assert.equal(same.data, data);
  assert.throws(() => reorderAxes(data, shape, 'xyz', 'zyq'), RangeError);
});
