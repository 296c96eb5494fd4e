/**
 * h5 reading through h5wasm: small h5py-made fixtures (every value compared) and the real shared LA / ACDC
 * files (known voxels read with h5py, stored in expected.json `real`). The real-data tests skip, with the
 * reason, when ../shared/data is absent. Voxel values exact; sums / means 1e-9 relative.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { listH5Datasets, readH5Case, readH5Dataset } from '../../src/io/h5.ts';
import { elementAt, reorderAxes } from '../../src/io/layout.ts';
import {
  assertClose,
  assertIoError,
  assertValues,
  expected,
  fixture,
  type RealExpect,
  SHARED_DATA,
  sharedDataAvailable,
} from './helpers.ts';

for (const e of expected.h5) {
  test(`h5 ${e.file}: every dataset matches h5py (shape, dtype, values)`, async () => {
    const infos = await listH5Datasets(fixture(e.file));
    assert.deepEqual(
      infos.map((d) => d.name),
      Object.keys(e.datasets).sort(),
    );
    for (const [name, d] of Object.entries(e.datasets)) {
      const info = infos.find((x) => x.name === name)!;
      assert.deepEqual(info.shape, d.shape);
      assert.equal(info.dtype, d.dtype);
      const arr = await readH5Dataset(fixture(e.file), name);
      assert.deepEqual(arr.shape, d.shape);
      assert.equal(arr.dtype, d.dtype);
      assertValues(arr.data, d.data_c, `${e.file}/${name}`);
    }
  });
}

test('h5 readH5Case reads image and label; checks label type and shape', async () => {
  const c = await readH5Case(fixture('case3d.h5'));
  assert.ok(c.image.data instanceof Float32Array);
  assert.ok(c.label?.data instanceof Uint8Array);
  assert.deepEqual(c.label?.shape, c.image.shape);
  const onlyImage = await readH5Case(fixture('image_only.h5'), { label: false });
  assert.equal(onlyImage.label, undefined);
  await assertIoError(
    () => readH5Case(fixture('image_only.h5')),
    fixture('image_only.h5'),
    /no dataset 'label'.*the file has: image/,
  );
  await assertIoError(
    () => readH5Case(fixture('label_shape_mismatch.h5')),
    fixture('label_shape_mismatch.h5'),
    /label shape \(5, 4, 2\) differs from image shape \(5, 4, 3\)/,
  );
});

function checkReal(t: { skip: (m: string) => void }, e: RealExpect | undefined, axes: string | null) {
  return async () => {
    if (!sharedDataAvailable()) {
      t.skip(`the shared data folder ${SHARED_DATA} is absent`);
      return;
    }
    assert.ok(
      e,
      'expected.json has no real-data values: run scripts/golden/io_fixtures.py where ../shared/data exists',
    );
    const path = join(SHARED_DATA, e.path);
    const c = await readH5Case(path);
    assert.deepEqual(c.image.shape, e.shape);
    assert.equal(c.image.dtype, e.image_dtype);
    assert.equal(c.label!.dtype, e.label_dtype);
    for (const v of e.voxels) {
      assert.equal(elementAt(c.image.data, c.image.shape, v.at), v.image, `image at ${v.at}`);
      assert.equal(elementAt(c.label!.data, c.label!.shape, v.at), v.label, `label at ${v.at}`);
    }
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const x of c.image.data as Float32Array) {
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    assertClose(sum, e.image_sum, 1e-9, 'image sum');
    assert.equal(min, e.image_min);
    assert.equal(max, e.image_max);
    const counts = new Map<number, number>();
    for (const x of c.label!.data as Uint8Array) counts.set(x, (counts.get(x) ?? 0) + 1);
    assert.deepEqual(
      [...counts.keys()].sort((a, b) => a - b),
      e.label_unique,
    );
    assert.deepEqual(
      e.label_unique.map((u) => counts.get(u)),
      e.label_counts,
    );
    if (axes) {
      // to the project's (z, y, x): h5py's [i, j, k] in (x, y, z) is element [k, j, i]
      const zyx = reorderAxes(c.image.data, c.image.shape, axes, 'zyx');
      for (const v of e.voxels) {
        const named: Record<string, number> = Object.fromEntries([...axes].map((a, n) => [a, v.at[n]!]));
        assert.equal(elementAt(zyx.data, zyx.shape, [named['z']!, named['y']!, named['x']!]), v.image);
      }
    }
  };
}

test('h5 real LA case (x, y, z): known voxels, sums and labels as h5py; (z, y, x) reorder', (t) =>
  checkReal(t, expected.real?.la, 'xyz')());
test('h5 real ACDC volume (z, y, x): known voxels, sums and labels as h5py', (t) =>
  checkReal(t, expected.real?.acdc_volume, 'zyx')());
test('h5 real ACDC slice (H, W): known pixels, sums and labels as h5py', (t) =>
  checkReal(t, expected.real?.acdc_slice, null)());
