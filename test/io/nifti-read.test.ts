/**
 * NIfTI reading against nibabel 5 (values in test/fixtures/io/expected.json, made by
 * scripts/golden/io_fixtures.py): shape, dtypes, byte order, affine, zooms, scaling, and every voxel.
 * Tolerances: sform and pixdim affines exact; qform affines 1e-12 absolute (nibabel builds them in extended
 * precision, we in float64); voxels exact; sums of the larger real files 1e-9 relative.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseNifti, readNifti, readNiftiSync } from '../../src/io/nifti.ts';
import { assertClose, assertMatClose, assertValues, expected, fixture, niftiCase, parse } from './helpers.ts';

for (const e of expected.nifti) {
  test(`nifti ${e.file}: matches nibabel (shape, dtypes, affine, zooms, every voxel)`, () => {
    const v = readNiftiSync(fixture(e.file));
    assert.equal(v.format, e.format);
    assert.deepEqual(v.shape, e.shape);
    assert.equal(v.fileDtype, e.file_dtype);
    assert.equal(v.dtype, e.data_dtype);
    assert.equal(v.header.littleEndian, e.byte_order === 'little');
    assert.equal(v.header.voxOffset, e.vox_offset);
    assert.equal(v.compressed, e.file.endsWith('.gz'));
    assert.deepEqual(v.spacing, e.zooms);
    const tol = v.affineSource === 'qform' ? 1e-12 : 0;
    assertMatClose(v.affine, e.affine, tol, `${e.file} affine (${v.affineSource})`);
    if (v.scaling) {
      assert.equal(v.scaling.slope, e.slope);
      assert.equal(v.scaling.inter, e.inter);
    } else {
      // nibabel's proxy reports (1, 0) when there is nothing to apply
      assert.equal(e.slope, 1);
      assert.equal(e.inter, 0);
    }
    assertValues(v.data, e.data!, e.file);
  });
}

test('nifti affine source follows nibabel: sform if set, else qform, else pixdim', () => {
  assert.equal(readNiftiSync(fixture('aff_oblique_sform.nii.gz')).affineSource, 'sform');
  // qform_code 2 > sform_code 1 still gives the sform (nifti-reader-js would pick the qform here)
  assert.equal(readNiftiSync(fixture('aff_both.nii.gz')).affineSource, 'sform');
  assert.equal(readNiftiSync(fixture('aff_qform_only.nii')).affineSource, 'qform');
  assert.equal(readNiftiSync(fixture('aff_none.nii')).affineSource, 'pixdim');
  // the left-handed qform fixture has qfac -1: the z column points the other way
  const q = readNiftiSync(fixture('aff_qform_only.nii'));
  assert.equal(q.header.pixdim[0], -1);
  assertMatClose(q.affine, niftiCase('aff_qform_only.nii').affine, 1e-12, 'left-handed qform');
});

test('nifti scaling: slope 0 and NaN mean none, identity gives the stored type, inter alone applies', () => {
  assert.equal(readNiftiSync(fixture('scl_slope0.nii.gz')).scaling, null);
  assert.equal(readNiftiSync(fixture('scl_slopenan.nii.gz')).scaling, null);
  const ident = readNiftiSync(fixture('scl_identity.nii.gz'));
  assert.equal(ident.scaling, null);
  assert.ok(ident.data instanceof Int16Array);
  const inter = readNiftiSync(fixture('scl_inter_only.nii.gz'));
  assert.deepEqual(inter.scaling, { slope: 1, inter: 100 });
  assert.ok(inter.data instanceof Float64Array);
});

test('nifti typed arrays: 64-bit integers as BigInt arrays, others as their own type', () => {
  assert.ok(readNiftiSync(fixture('dt_int64.nii.gz')).data instanceof BigInt64Array);
  assert.ok(readNiftiSync(fixture('dt_uint64.nii')).data instanceof BigUint64Array);
  assert.ok(readNiftiSync(fixture('be_int64.nii')).data instanceof BigInt64Array);
  assert.ok(readNiftiSync(fixture('dt_uint32.nii')).data instanceof Uint32Array);
  assert.ok(readNiftiSync(fixture('dt_int8.nii')).data instanceof Int8Array);
  assert.ok(readNiftiSync(fixture('be_float64.nii.gz')).data instanceof Float64Array);
});

test('nifti async reader and in-memory parser give the same volume as the sync reader', async () => {
  for (const file of ['be_float32.nii', 'nifti2_f32.nii.gz', 'scl_int16.nii.gz', 'multimember.nii.gz']) {
    const a = readNiftiSync(fixture(file));
    const b = await readNifti(fixture(file));
    const c = parseNifti(readFileSync(fixture(file)), file);
    for (const v of [b, c]) {
      assert.deepEqual(v.shape, a.shape);
      assert.deepEqual(v.affine, a.affine);
      assert.deepEqual(Array.from(v.data as Float64Array), Array.from(a.data as Float64Array));
    }
  }
});

test('nifti parseNifti does not alias the caller buffer unless asked', () => {
  const bytes = readFileSync(fixture('dt_float64.nii'));
  const copy = parseNifti(bytes, 'dt_float64.nii');
  assert.notEqual(copy.data.buffer, bytes.buffer);
  const before = copy.data[5];
  bytes.fill(0);
  assert.equal(copy.data[5], before);
});

test('nifti two-member gzip is read completely', () => {
  const v = readNiftiSync(fixture('multimember.nii.gz'));
  assert.equal(v.data.length, 60);
  assertValues(v.data, niftiCase('multimember.nii.gz').data!, 'multimember');
});

for (const e of expected.nibabel_data ?? []) {
  test(`nifti real header ${e.file} (Debian nibabel test data): matches nibabel`, (t) => {
    if (!existsSync(e.path)) {
      t.skip(`${e.path} is absent (Debian's python3-nibabel test data is not installed)`);
      return;
    }
    const v = readNiftiSync(e.path);
    assert.equal(v.format, e.format);
    assert.deepEqual(v.shape, e.shape);
    assert.equal(v.fileDtype, e.file_dtype);
    assert.equal(v.dtype, e.data_dtype);
    assert.equal(v.header.littleEndian, e.byte_order === 'little');
    assert.equal(v.header.voxOffset, e.vox_offset);
    assert.deepEqual(v.spacing, e.zooms);
    assertMatClose(v.affine, e.affine, v.affineSource === 'qform' ? 1e-12 : 0, `${e.file} affine`);
    for (const s of e.samples ?? []) {
      assert.equal(Number(v.data[s.index_f]), parse(s.value, false), `${e.file} voxel ${s.index_f}`);
    }
    let sum = 0;
    for (let i = 0; i < v.data.length; i++) sum += Number(v.data[i]);
    assertClose(sum, e.sum, 1e-9, `${e.file} sum`);
  });
}
