/**
 * Malformed inputs: every reader (and the writers) must throw one IoError whose single-line message starts
 * with the file path and says what is wrong, never return a wrong array and never crash. Broken files are
 * made in a temporary folder from the valid fixtures, byte by byte.
 */

import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { listH5Datasets, readH5Case, readH5Dataset } from '../../src/io/h5.ts';
import { inspect } from '../../src/io/inspect.ts';
import { encodeNifti, parseNifti, readNifti, readNiftiSync, writeNiftiSync } from '../../src/io/nifti.ts';
import { encodeNpy, readNpy, readNpySync } from '../../src/io/npy.ts';
import { assertIoError, fixture, tempDir } from './helpers.ts';

let dir = '';
let cleanup = () => {};
before(() => {
  ({ dir, cleanup } = tempDir());
});
after(() => cleanup());

/** Writes `bytes` to a new file in the temp folder and returns its path. */
function make(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** The uncompressed little-endian NIfTI-1 fixture dt_int16 (5x4x3 int16: 352 + 120 bytes), edited. */
function niftiWith(edit: (b: Buffer) => void): Buffer {
  const raw = Buffer.from(gunzipSync(readFileSync(fixture('dt_int16.nii.gz'))));
  edit(raw);
  return raw;
}

/** Both readers must fail the same way. */
async function niftiFails(path: string, pattern: RegExp): Promise<void> {
  await assertIoError(() => readNiftiSync(path), path, pattern);
  await assertIoError(() => readNifti(path), path, pattern);
}

// ---- files that are not there or not files ---------------------------------------------------------------

test('error: nonexistent file (NIfTI, npy, h5, inspect)', async () => {
  const p = join(dir, 'missing.nii.gz');
  await niftiFails(p, /no such file; expected a NIfTI-1 or NIfTI-2 file/);
  await assertIoError(() => readNpySync(join(dir, 'missing.npy')), join(dir, 'missing.npy'), /no such file/);
  await assertIoError(
    () => readH5Case(join(dir, 'missing.h5')),
    join(dir, 'missing.h5'),
    /no such file; expected an HDF5 file/,
  );
  await assertIoError(() => inspect(p), p, /no such file/);
});

test('error: a directory instead of a file', async () => {
  const d = join(dir, 'folder.nii');
  mkdirSync(d);
  await niftiFails(d, /is a directory, not a file/);
  await assertIoError(() => readNpy(d), d, /is a directory/);
  await assertIoError(() => listH5Datasets(d), d, /is a directory/);
  await assertIoError(() => inspect(d), d, /is a directory/);
});

test('error: empty file', async () => {
  const p = make('empty.nii', new Uint8Array(0));
  await niftiFails(p, /is empty \(0 bytes\)/);
  await assertIoError(
    () => readNpySync(make('empty.npy', new Uint8Array(0))),
    join(dir, 'empty.npy'),
    /is empty/,
  );
  await assertIoError(
    () => readH5Case(make('empty.h5', new Uint8Array(0))),
    join(dir, 'empty.h5'),
    /is empty/,
  );
});

// ---- gzip ----------------------------------------------------------------------------------------------------

test('error: truncated gzip', async () => {
  const gz = readFileSync(fixture('dt_int16.nii.gz'));
  const p = make('trunc.nii.gz', gz.subarray(0, Math.floor(gz.length / 2)));
  await niftiFails(p, /truncated gzip data \(zlib: unexpected end of file/);
});

test('error: corrupt gzip stream (damaged deflate data)', async () => {
  const gz = Buffer.from(readFileSync(fixture('dt_float32.nii.gz')));
  for (let i = 20; i < 40; i++) gz[i] = gz[i]! ^ 0x5a;
  const p = make('corrupt.nii.gz', gz);
  await niftiFails(p, /corrupt gzip data \(zlib: .+\); expected a complete gzip stream/);
});

test('error: gzip CRC mismatch', async () => {
  const gz = Buffer.from(readFileSync(fixture('dt_int16.nii.gz')));
  gz[gz.length - 6] = gz[gz.length - 6]! ^ 0xff;
  await niftiFails(make('crc.nii.gz', gz), /corrupt gzip data \(zlib: incorrect data check/);
});

// ---- NIfTI header ----------------------------------------------------------------------------------------------

test('error: file shorter than a NIfTI-1 header', async () => {
  const p = make('short.nii', niftiWith(() => {}).subarray(0, 100));
  await niftiFails(p, /is 100 bytes long, shorter than a NIfTI-1 header; expected 348 bytes/);
});

test('error: not a NIfTI file (sizeof_hdr)', async () => {
  const p = make(
    'notnifti.nii',
    niftiWith((b) => b.writeInt32LE(123, 0)),
  );
  await niftiFails(p, /not a NIfTI file: sizeof_hdr is 123.*expected 348 \(NIfTI-1\) or 540 \(NIfTI-2\)/);
});

test('error: bad magic', async () => {
  const p = make(
    'magic.nii',
    niftiWith((b) => b.write('abc\0', 344, 'latin1')),
  );
  await niftiFails(p, /bad NIfTI-1 magic "abc\\u0000"; expected 'n\+1' followed by a zero byte/);
});

test('error: NIfTI pair header (ni1) given as a single file', async () => {
  const p = make(
    'pair.nii',
    niftiWith((b) => b.write('ni1\0', 344, 'latin1')),
  );
  await niftiFails(p, /NIfTI-1 pair \(magic 'ni1'\); its data is in a separate \.img file/);
});

test('error: unsupported datatype (complex64) and unknown datatype code', async () => {
  await niftiFails(
    make(
      'complex.nii',
      niftiWith((b) => b.writeInt16LE(32, 70)),
    ),
    /unsupported datatype 32 \(complex64\)/,
  );
  await niftiFails(
    make('rgb.nii.gz', gzipSync(niftiWith((b) => b.writeInt16LE(128, 70)))),
    /unsupported datatype 128 \(rgb24\)/,
  );
  await niftiFails(
    make(
      'dt999.nii',
      niftiWith((b) => b.writeInt16LE(999, 70)),
    ),
    /unknown datatype code 999; expected one of 2 uint8/,
  );
});

test('error: vox_offset inside the header, fractional, or past the end', async () => {
  await niftiFails(
    make(
      'vo100.nii',
      niftiWith((b) => b.writeFloatLE(100, 108)),
    ),
    /vox_offset is 100; expected an integer >= 352/,
  );
  await niftiFails(
    make(
      'vofrac.nii',
      niftiWith((b) => b.writeFloatLE(352.5, 108)),
    ),
    /vox_offset is 352.5/,
  );
  await niftiFails(
    make(
      'vo0.nii',
      niftiWith((b) => b.writeFloatLE(0, 108)),
    ),
    /vox_offset is 0/,
  );
  await niftiFails(
    make(
      'vofar.nii',
      niftiWith((b) => b.writeFloatLE(4096, 108)),
    ),
    /vox_offset 4096 is past the end of the file \(472 bytes\)/,
  );
});

test('error: header/data size mismatch (truncated voxel data, .nii and .nii.gz)', async () => {
  const raw = niftiWith(() => {});
  await niftiFails(
    make('short-data.nii', raw.subarray(0, raw.length - 10)),
    /voxel data truncated: header says 5x4x3 int16 = 120 bytes from vox_offset 352, but the file has only 110 bytes there; expected 472 bytes in total/,
  );
  await niftiFails(
    make('short-data.nii.gz', gzipSync(raw.subarray(0, raw.length - 2))),
    /decompressed file has only 118 bytes/,
  );
  // a header claiming more voxels than stored
  await niftiFails(
    make(
      'big-dim.nii',
      niftiWith((b) => b.writeInt16LE(50, 44)),
    ),
    /header says 5x50x3 int16 = 1500 bytes/,
  );
});

test('error: dim[0] out of range, negative size', async () => {
  await niftiFails(
    make(
      'rank0.nii',
      niftiWith((b) => b.writeInt16LE(0, 40)),
    ),
    /dim\[0\] \(the number of dimensions\) is 0; expected a value in 1..7/,
  );
  await niftiFails(
    make(
      'rank9.nii',
      niftiWith((b) => b.writeInt16LE(9, 40)),
    ),
    /dim\[0\] .* is 9/,
  );
  await niftiFails(
    make(
      'negdim.nii',
      niftiWith((b) => b.writeInt16LE(-4, 44)),
    ),
    /dim\[2\] is -4; expected a size >= 0/,
  );
});

test('error: valid scl_slope with a non-finite scl_inter', async () => {
  const p = make(
    'inter.nii',
    niftiWith((b) => {
      b.writeFloatLE(2, 112);
      b.writeFloatLE(Number.POSITIVE_INFINITY, 116);
    }),
  );
  await niftiFails(p, /scl_slope is 2 but scl_inter is Infinity; expected a finite scl_inter/);
});

test('error: invalid quaternion when the qform is the affine', async () => {
  const p = make(
    'quat.nii',
    niftiWith((b) => {
      b.writeInt16LE(0, 254); // sform_code 0
      b.writeInt16LE(1, 252); // qform_code 1
      for (const off of [256, 260, 264]) b.writeFloatLE(0.9, off);
    }),
  );
  await niftiFails(
    p,
    /invalid qform \(qform_code 1, no sform\): quaternion .* > 1; expected a unit quaternion/,
  );
});

test('error: NIfTI-2 with damaged end-of-line magic bytes, and a truncated NIfTI-2 header', async () => {
  const raw = Buffer.from(readFileSync(fixture('nifti2_i16.nii')));
  raw[9] = 13; // "\r\r\x1a\n": what a text-mode transfer does
  await niftiFails(
    make('eol.nii', raw),
    /NIfTI-2 magic end-of-line bytes are 13 13 26 10.*expected 13 10 26 10/,
  );
  await niftiFails(
    make('short2.nii', readFileSync(fixture('nifti2_i16.nii')).subarray(0, 400)),
    /shorter than a NIfTI-2 header; expected 540 bytes/,
  );
});

test('error: parseNifti labels in-memory input', async () => {
  await assertIoError(
    () => parseNifti(Buffer.from('hello world, not nifti'), 'mem.nii'),
    'mem.nii',
    /not a NIfTI file/,
  );
});

// ---- npy -------------------------------------------------------------------------------------------------------

function npyWithHeader(dict: string, body = Buffer.alloc(0), version = 1): Buffer {
  const text = Buffer.from(`${dict}\n`, 'latin1');
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0, 0, 0]);
  pre.writeUInt16LE(text.length, 8);
  return Buffer.concat([pre, text, body]);
}

test('error: npy bad magic and unsupported version', async () => {
  const good = readFileSync(fixture('npy_int16.npy'));
  const bad = Buffer.from(good);
  bad.write('NOTNPY', 0, 'latin1');
  await assertIoError(
    () => readNpySync(make('magic.npy', bad)),
    join(dir, 'magic.npy'),
    /bad npy magic \(first bytes 4e 4f 54 4e 50 59\)/,
  );
  const v4 = Buffer.from(good);
  v4[6] = 4;
  await assertIoError(
    () => readNpySync(make('v4.npy', v4)),
    join(dir, 'v4.npy'),
    /unsupported npy format version 4.0; expected version 1.0, 2.0 or 3.0/,
  );
});

test('error: npy header length past the end, malformed header, wrong keys', async () => {
  const good = Buffer.from(readFileSync(fixture('npy_int16.npy')));
  good.writeUInt16LE(5000, 8);
  await assertIoError(
    () => readNpySync(make('hlen.npy', good)),
    join(dir, 'hlen.npy'),
    /npy header length 5000 runs past the end of the file/,
  );
  const p = make('dict.npy', npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), "));
  await assertIoError(() => readNpySync(p), p, /malformed npy header \(expected a string/);
  const q = make('keys.npy', npyWithHeader("{'descr': '<f4', 'shape': (2,), }", Buffer.alloc(8)));
  await assertIoError(
    () => readNpySync(q),
    q,
    /npy header has keys \{descr,shape\}; expected exactly descr, fortran_order and shape/,
  );
  const r = make('shape.npy', npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }"));
  await assertIoError(() => readNpySync(r), r, /malformed npy header \(expected a non-negative integer/);
});

test('error: npy unsupported dtypes (complex, object, structured, datetime)', async () => {
  for (const [name, descr] of [
    ['c8', "'<c8'"],
    ['obj', "'|O'"],
    ['dt', "'<M8[s]'"],
    ['str', "'<U3'"],
  ]) {
    const p = make(
      `${name}.npy`,
      npyWithHeader(`{'descr': ${descr}, 'fortran_order': False, 'shape': (2,), }`, Buffer.alloc(64)),
    );
    await assertIoError(() => readNpySync(p), p, /unsupported npy dtype/);
  }
  const s = make(
    'struct.npy',
    npyWithHeader("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (2,), }", Buffer.alloc(8)),
  );
  await assertIoError(() => readNpySync(s), s, /structured dtype .* not supported/);
});

test('error: npy truncated data', async () => {
  const good = readFileSync(fixture('npy_float64.npy'));
  const p = make('trunc.npy', good.subarray(0, good.length - 9));
  await assertIoError(
    () => readNpySync(p),
    p,
    /npy data truncated: shape \(3, 4, 2\) float64 needs 192 bytes after the header, the file has 183/,
  );
  await assertIoError(() => readNpy(p), p, /npy data truncated/);
});

// ---- h5 --------------------------------------------------------------------------------------------------------

test('error: h5 missing dataset names the datasets present', async () => {
  const p = fixture('case3d.h5');
  await assertIoError(
    () => readH5Dataset(p, 'mask'),
    p,
    /no dataset 'mask'; expected a dataset 'mask' \(the file has: image, label\)/,
  );
});

test('error: h5 file that is not HDF5, and a truncated HDF5 file', async () => {
  const p = make('fake.h5', Buffer.from('this is not an hdf5 file at all'));
  await assertIoError(() => readH5Case(p), p, /not an HDF5 file \(no HDF5 signature/);
  const real = readFileSync(fixture('case3d.h5'));
  const t = make('trunc.h5', real.subarray(0, 600));
  await assertIoError(
    () => readH5Case(t),
    t,
    /HDF5 read failed: H5Fopen: unable to .*open file \(.*truncated file: eof = 600/,
  );
});

test('error: h5 datasets of unsupported types (float16, strings)', async () => {
  const p = fixture('bad_types.h5');
  await assertIoError(() => readH5Dataset(p, 'image'), p, /dataset 'image' has unsupported type/);
  await assertIoError(() => readH5Dataset(p, 'label'), p, /dataset 'label' has unsupported type/);
  await assertIoError(() => inspect(p), p, /no numeric dataset at the root \(found: image, label\)/);
});

test('error: h5 label stored as float is refused by readH5Case', async () => {
  const p = join(dir, 'copy with space.h5');
  copyFileSync(fixture('float_label.h5'), p);
  await assertIoError(() => readH5Case(p), p, /label is float32; expected an integer label dataset/);
});

// ---- inspect and writers -----------------------------------------------------------------------------------------

test('error: inspect on an unrecognised format', async () => {
  const p = make('notes.txt', Buffer.from('just some text\n'));
  await assertIoError(
    () => inspect(p),
    p,
    /unrecognised file format \(extension '\.txt', first bytes 6a 75 73 74/,
  );
  const q = make('garbage.nii', Buffer.from('garbage garbage garbage'));
  await assertIoError(() => inspect(q), q, /not a NIfTI file/);
});

test('error: writers refuse bad input (length, shape, affine, codes, type, destination)', async () => {
  const p = join(dir, 'out.nii.gz');
  await assertIoError(
    () => encodeNifti({ data: new Int16Array(5), shape: [2, 3] }, {}, p),
    p,
    /data has 5 elements but shape \[2, 3\] needs 6/,
  );
  await assertIoError(
    () => encodeNifti({ data: new Int16Array(0), shape: [] }, {}, p),
    p,
    /cannot write a 0-dimensional array/,
  );
  await assertIoError(
    () => encodeNifti({ data: new Int16Array(6), shape: [2, 3.5] }, {}, p),
    p,
    /non-negative integer sizes/,
  );
  const singular = [
    [1, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
  await assertIoError(
    () => encodeNifti({ data: new Int16Array(1), shape: [1], affine: singular }, {}, p),
    p,
    /cannot write the qform: .*zero/,
  );
  await assertIoError(
    () => encodeNifti({ data: new Int16Array(1), shape: [1] }, { sformCode: 9 }, p),
    p,
    /sform_code 9 cannot be written; expected an integer in 1..5/,
  );
  await assertIoError(
    () => encodeNifti({ data: [1, 2] as never, shape: [2] }, {}, p),
    p,
    /unsupported array type/,
  );
  const q = join(dir, 'no', 'such', 'dir', 'x.nii.gz');
  await assertIoError(
    () => writeNiftiSync(q, { data: new Uint8Array(1), shape: [1] }),
    q,
    /no such file; expected a writable file path/,
  );
  await assertIoError(
    () => encodeNpy(new Float32Array(3), [2, 2], {}, 'x.npy'),
    'x.npy',
    /data has 3 elements but shape \(2, 2\) needs 4/,
  );
});
