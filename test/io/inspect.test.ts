/**
 * inspect(): shape, dtype, spacing, affine and statistics against the numpy / nibabel / h5py values in
 * expected.json. Tolerances: min / max exact; mean 1e-12 relative (we sum in float64 blocks, numpy pairwise);
 * 64-bit integer min / max compared after conversion to number; the real LA mean 1e-9 relative.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspect } from '../../src/io/inspect.ts';
import { UNIQUE_CAP } from '../../src/io/stats.ts';
import {
  assertClose,
  assertMatClose,
  expected,
  fixture,
  type JValue,
  parse,
  SHARED_DATA,
  type StatsExpect,
  sharedDataAvailable,
} from './helpers.ts';

function num(v: JValue | null): number {
  return v === null ? Number.NaN : (parse(v, false) as number);
}

/** The unique list inspect must report: numpy's for integer data; for float data, computed from the values. */
function wantUnique(stats: StatsExpect, values: JValue[]): { unique: number[]; count: number } | undefined {
  if (stats.unique) return { unique: stats.unique.map(num), count: stats.unique_count! };
  const nums = values.map(num).filter((v) => !Number.isNaN(v));
  if (nums.length === 0 || !nums.every(Number.isInteger)) return undefined;
  const set = [...new Set(nums)].sort((a, b) => a - b);
  return set.length <= UNIQUE_CAP ? { unique: set, count: set.length } : undefined;
}

function checkStats(
  got: { min: number; max: number; mean: number; unique?: number[]; uniqueCount?: number },
  stats: StatsExpect,
  values: JValue[],
  label: string,
) {
  if (stats.min === null) {
    assert.ok(
      Number.isNaN(got.min) && Number.isNaN(got.max) && Number.isNaN(got.mean),
      `${label}: empty gives NaN`,
    );
    return;
  }
  assert.equal(got.min, num(stats.min), `${label} min`);
  assert.equal(got.max, num(stats.max), `${label} max`);
  assertClose(got.mean, stats.mean!, 1e-12, `${label} mean`);
  const u = wantUnique(stats, values);
  if (u) {
    assert.deepEqual(got.unique, u.unique, `${label} unique`);
    assert.equal(got.uniqueCount, u.count, `${label} unique count`);
  } else {
    assert.equal(got.unique, undefined, `${label}: no unique list for non-integer data`);
  }
}

for (const e of expected.nifti) {
  test(`inspect ${e.file}: as nibabel (shape, dtype, spacing, affine, min/max/mean, unique)`, async () => {
    const r = await inspect(fixture(e.file));
    assert.equal(r.format, e.format);
    assert.deepEqual(r.shape, e.shape);
    assert.equal(r.dtype, e.file_dtype);
    assert.equal(r.dataDtype, e.data_dtype);
    assert.deepEqual(r.spacing, e.zooms);
    assertMatClose(r.affine!, e.affine, r.affineSource === 'qform' ? 1e-12 : 0, `${e.file} affine`);
    checkStats(r, e.stats, e.data!, e.file);
  });
}

for (const e of expected.npy) {
  test(`inspect ${e.file}: as numpy`, async () => {
    const r = await inspect(fixture(e.file));
    assert.equal(r.format, 'npy');
    assert.deepEqual(r.shape, e.shape);
    assert.equal(r.spacing, null);
    assert.equal(r.affine, null);
    checkStats(r, e.stats, e.data_c, e.file);
  });
}

test('inspect caps the unique list at 256 values and counts them all', async () => {
  const e = expected.nifti.find((x) => x.file === 'unique_many.nii.gz')!;
  const r = await inspect(fixture(e.file));
  assert.equal(r.unique?.length, 256);
  assert.equal(r.uniqueCount, e.stats.unique_count);
  assert.ok(e.stats.unique_count! > 256);
  assert.deepEqual(r.unique, e.stats.unique!.map(num));
});

test('inspect h5: top level describes image, datasets hold every dataset with label uniques', async () => {
  for (const e of expected.h5.filter((x) => x.file === 'case3d.h5' || x.file === 'slice2d.h5')) {
    const r = await inspect(fixture(e.file));
    assert.equal(r.format, 'h5');
    assert.equal(r.dataset, 'image');
    assert.deepEqual(r.shape, e.datasets['image']!.shape);
    assert.equal(r.dtype, 'float32');
    assert.deepEqual(Object.keys(r.datasets!).sort(), Object.keys(e.datasets).sort());
    for (const [name, d] of Object.entries(e.datasets)) {
      const got = r.datasets![name]!;
      assert.deepEqual(got.shape, d.shape);
      assert.equal(got.dtype, d.dtype);
      checkStats(got, d.stats, d.data_c, `${e.file}/${name}`);
    }
    assert.ok(r.datasets!['label']!.unique!.length > 1);
  }
});

test('inspect real LA case: image statistics and label values as h5py', async (t) => {
  if (!sharedDataAvailable()) {
    t.skip(`the shared data folder ${SHARED_DATA} is absent`);
    return;
  }
  const e = expected.real?.la;
  assert.ok(e, 'expected.json lacks the real-data values');
  const r = await inspect(join(SHARED_DATA, e.path));
  assert.deepEqual(r.shape, e.shape);
  assert.equal(r.min, e.image_min);
  assert.equal(r.max, e.image_max);
  assertClose(r.mean, e.image_mean, 1e-9, 'LA mean');
  assert.deepEqual(r.datasets!['label']!.unique, e.label_unique);
});
