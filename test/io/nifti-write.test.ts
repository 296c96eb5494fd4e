/**
 * NIfTI writing: round trips through our reader for every dtype and both containers, the qform parameters
 * against nibabel's set_qform (expected.json `qform_ref`), and the committed TS-written golden files that
 * nibabel verified (scripts/golden/io_fixtures.py verify): our writer must still produce them byte for byte.
 * Tolerances: quaternion / pixdim values 2e-7 relative (nibabel stores float32, the reference is float32 of
 * a float64/long-double computation); qform affines 1e-6 absolute; all voxel data exact.
 */

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { allocArray, type DType, type NumericArray } from '../../src/io/dtypes.ts';
import { fortranToC } from '../../src/io/layout.ts';
import {
  affineToQform,
  encodeNifti,
  qformAffine,
  readNifti,
  readNiftiSync,
  writeNifti,
  writeNiftiSync,
} from '../../src/io/nifti.ts';
import { encodeNpy } from '../../src/io/npy.ts';
import { assertMatClose, expected, fixture, tempDir } from './helpers.ts';

const AFFINE = [
  [0.8, 0.1, 0, -12.5],
  [-0.1, 0.9, 0.2, 30.25],
  [0, -0.15, 2.5, 4],
  [0, 0, 0, 1],
];

function ramp(dtype: DType, n: number): NumericArray {
  const a = allocArray(dtype, n);
  for (let i = 0; i < n; i++) {
    const v = (i * 37) % 200;
    (a as unknown as unknown[])[i] =
      dtype.endsWith('64') && dtype.includes('int') ? BigInt(v) : dtype.startsWith('float') ? v / 8 - 3 : v;
  }
  return a;
}

const DTYPES: DType[] = [
  'uint8',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'float32',
  'float64',
];

test('nifti write/read round trip for every dtype, .nii.gz and .nii, both byte orders', () => {
  const { dir, cleanup } = tempDir();
  try {
    const shape = [6, 5, 4];
    for (const dtype of DTYPES) {
      for (const [name, byteOrder] of [
        ['a.nii.gz', 'little'],
        ['b.nii', 'big'],
      ] as const) {
        const data = ramp(dtype, 120);
        const p = join(dir, `${dtype}-${name}`);
        writeNiftiSync(p, { data, shape, affine: AFFINE }, { byteOrder });
        const v = readNiftiSync(p);
        assert.equal(v.fileDtype, dtype);
        assert.equal(v.compressed, name.endsWith('.gz'));
        assert.equal(v.header.littleEndian, byteOrder === 'little');
        assert.deepEqual(v.shape, shape);
        assert.deepEqual([...v.data], [...data], `${dtype} ${name}`);
        // NIfTI-1 keeps the sform in float32
        assertMatClose(
          v.affine,
          AFFINE.map((r) => r.map(Math.fround)),
          0,
          `${dtype} affine`,
        );
        assert.equal(v.affineSource, 'sform');
        assert.equal(v.header.sformCode, 1);
        assert.equal(v.header.qformCode, 1);
        assert.equal(v.scaling, null);
      }
    }
  } finally {
    cleanup();
  }
});

test('nifti affineToQform reproduces nibabel set_qform (quaternion, qfac, zooms, offsets)', () => {
  for (const ref of expected.qform_ref) {
    const q = affineToQform(ref.affine);
    assert.ok(typeof q !== 'string', `${ref.name}: ${q}`);
    const rel = (a: number, b: number, label: string) =>
      assert.ok(
        Math.abs(a - b) <= 2e-7 * Math.max(1, Math.abs(b)),
        `${ref.name} ${label}: got ${a}, nibabel ${b}`,
      );
    // with a = 0 (180-degree rotations) q and -q are the same rotation: compare up to sign there
    const w = Math.sqrt(Math.max(0, 1 - ref.quatern.reduce((s, v) => s + v * v, 0)));
    const got = [q.quaternB, q.quaternC, q.quaternD];
    const sign =
      w < 1e-6 && got.some((v, i) => Math.abs(v + ref.quatern[i]!) < 1e-6 && Math.abs(v) > 1e-6) ? -1 : 1;
    for (const [i, v] of got.entries()) rel(sign * v, ref.quatern[i]!, `quatern[${i}]`);
    rel(q.qfac, ref.pixdim[0], 'qfac');
    for (const [i, z] of q.zooms.entries()) rel(z, ref.pixdim[i + 1]!, `zoom[${i}]`);
    rel(q.qoffsetX, ref.qoffset[0], 'qoffset_x');
    rel(q.qoffsetY, ref.qoffset[1], 'qoffset_y');
    rel(q.qoffsetZ, ref.qoffset[2], 'qoffset_z');
    // and the matrix rebuilt from our parameters is nibabel's get_qform (float32 storage aside)
    const m = qformAffine(q, -3 * 2 ** -23);
    assert.ok(typeof m !== 'string');
    assertMatClose(m, ref.qform, 1e-6, `${ref.name} qform`);
  }
});

test('nifti writer: the stored qform encodes an unsheared affine (to float32 precision)', () => {
  const ref = expected.qform_ref.find((r) => r.name === 'recipe')!;
  const v = readNiftiSync(fixture('ts_written.nii'));
  const h = v.header;
  const m = qformAffine(
    { ...h, qfac: h.pixdim[0]!, zooms: [h.pixdim[1]!, h.pixdim[2]!, h.pixdim[3]!] },
    -3 * 2 ** -23,
  );
  assert.ok(typeof m !== 'string');
  assertMatClose(m, ref.affine, 1e-6, 'qform vs affine');
  assertMatClose(v.affine, ref.affine, 1e-6, 'sform vs affine');
});

test('nifti writer reproduces the committed, nibabel-verified TS-written files byte for byte', () => {
  const r = expected.ts_recipe;
  const vol = { data: Int16Array.from(r.data_f), shape: r.shape, affine: r.affine };
  const raw = encodeNifti(vol);
  assert.ok(raw.equals(readFileSync(fixture('ts_written.nii'))), 'ts_written.nii differs');
  // compare the .nii.gz after decompression: gzip bytes may change with the zlib version
  assert.ok(
    raw.equals(gunzipSync(readFileSync(fixture('ts_written.nii.gz')))),
    'ts_written.nii.gz content differs',
  );
  const npy = encodeNpy(fortranToC(vol.data, r.shape).data, r.shape);
  assert.ok(npy.equals(readFileSync(fixture('ts_written.npy'))), 'ts_written.npy differs');
  // and reading them gives the recipe back
  const back = readNiftiSync(fixture('ts_written.nii.gz'));
  assert.deepEqual([...back.data], r.data_f);
  assertMatClose(
    back.affine,
    r.affine.map((row) => row.map(Math.fround)),
    0,
    'affine',
  );
});

test('nifti async writer round trip, and codes of a source header are kept', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const src = readNiftiSync(fixture('aff_both.nii.gz')); // sform_code 1, qform_code 2
    const p = join(dir, 'copy.nii.gz');
    await writeNifti(p, src);
    const v = await readNifti(p);
    assert.equal(v.header.sformCode, src.header.sformCode);
    assert.equal(v.header.qformCode, src.header.qformCode);
    assert.deepEqual([...v.data], [...src.data]);
    assert.deepEqual(v.affine, src.affine);
    // options override
    await writeNifti(p, src, { sformCode: 4, qformCode: 3 });
    const w = readNiftiSync(p);
    assert.equal(w.header.sformCode, 4);
    assert.equal(w.header.qformCode, 3);
  } finally {
    cleanup();
  }
});

test('nifti writer: default affine from spacing, 4D time spacing and units, empty volume', () => {
  const { dir, cleanup } = tempDir();
  try {
    const p = join(dir, 's.nii');
    writeNiftiSync(p, {
      data: new Float32Array(2 * 3 * 4 * 5),
      shape: [2, 3, 4, 5],
      spacing: [0.5, 0.75, 2, 3],
    });
    const v = readNiftiSync(p);
    assert.deepEqual(v.spacing, [0.5, 0.75, 2, 3]);
    assertMatClose(
      v.affine,
      [
        [0.5, 0, 0, 0],
        [0, 0.75, 0, 0],
        [0, 0, 2, 0],
        [0, 0, 0, 1],
      ],
      0,
      'spacing affine',
    );
    assert.equal(v.header.xyztUnits, 10); // mm + s
    const e = join(dir, 'empty.nii.gz');
    writeNiftiSync(e, { data: new Uint8Array(0), shape: [4, 0, 3] });
    const ev = readNiftiSync(e);
    assert.deepEqual(ev.shape, [4, 0, 3]);
    assert.equal(ev.data.length, 0);
  } finally {
    cleanup();
  }
});

test('nifti writer switches to NIfTI-2 when a size exceeds 32767, and refuses it for version 1', () => {
  const { dir, cleanup } = tempDir();
  try {
    const p = join(dir, 'long.nii');
    const data = Uint8Array.from({ length: 40000 }, (_, i) => i % 251);
    writeNiftiSync(p, { data, shape: [40000, 1, 1] });
    const v = readNiftiSync(p);
    assert.equal(v.format, 'nifti2');
    assert.equal(v.header.voxOffset, 544);
    assert.deepEqual(v.shape, [40000, 1, 1]);
    assert.deepEqual([...v.data], [...data]);
    assert.throws(() => encodeNifti({ data, shape: [40000, 1, 1] }, { version: 1 }), /does not fit NIfTI-1/);
    // explicit version 2 with a double-precision affine keeps it exactly
    const q = join(dir, 'v2.nii.gz');
    writeNiftiSync(q, { data: new Int16Array(8), shape: [2, 2, 2], affine: AFFINE }, { version: 2 });
    const w = readNiftiSync(q);
    assert.equal(w.format, 'nifti2');
    assert.deepEqual(w.affine, AFFINE);
  } finally {
    cleanup();
  }
});

test('nifti writer output is accepted by our reader when written to a buffer and parsed', () => {
  const { dir, cleanup } = tempDir();
  try {
    const bytes = encodeNifti({ data: Float64Array.of(1.5, -2, 3.25, 4), shape: [2, 2] });
    const p = join(dir, 'two-d.nii');
    writeFileSync(p, bytes);
    const v = readNiftiSync(p);
    assert.deepEqual(v.shape, [2, 2]);
    assert.deepEqual([...v.data], [1.5, -2, 3.25, 4]);
  } finally {
    cleanup();
  }
});
