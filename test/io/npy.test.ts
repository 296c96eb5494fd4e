/**
 * .npy reading against numpy (expected.json: numpy's shape, descr, Fortran flag, version and its C-order
 * values) and writing round trips. All comparisons are exact (float16 values are exactly representable in
 * float32, so numpy's float16 -> float64 values must match ours).
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { allocArray, type DType } from '../../src/io/dtypes.ts';
import { cToFortran } from '../../src/io/layout.ts';
import { encodeNpy, parseNpy, readNpy, readNpySync, writeNpySync } from '../../src/io/npy.ts';
import { assertValues, expected, fixture, tempDir } from './helpers.ts';

const STORAGE: Record<string, string> = {
  b1: 'bool',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
};

for (const e of expected.npy) {
  test(`npy ${e.file}: matches numpy (shape, dtype, order, version, every value)`, () => {
    const a = readNpySync(fixture(e.file));
    assert.deepEqual(a.shape, e.shape);
    assert.equal(a.dtype, STORAGE[e.descr.slice(1)]);
    assert.equal(a.byteOrder, e.descr[0] === '>' ? 'big' : 'little');
    assert.equal(a.fortranOrder, e.fortran_order);
    assert.equal(a.dataFortranOrder, false);
    assert.deepEqual(a.version, e.version);
    assertValues(a.data, e.data_c, e.file);
  });
}

test('npy element types: bool as Uint8Array, float16 as Float32Array, int64 as BigInt64Array', () => {
  const b = readNpySync(fixture('npy_bool.npy'));
  assert.ok(b.data instanceof Uint8Array);
  assert.equal(b.dataDtype, 'uint8');
  const h = readNpySync(fixture('npy_float16_be.npy'));
  assert.ok(h.data instanceof Float32Array);
  assert.equal(h.dataDtype, 'float32');
  assert.ok(readNpySync(fixture('npy_be_int64.npy')).data instanceof BigInt64Array);
  assert.ok(readNpySync(fixture('npy_uint64.npy')).data instanceof BigUint64Array);
});

test("npy { order: 'file' } keeps a Fortran-order file's memory order", () => {
  const e = expected.npy.find((x) => x.file === 'npy_fortran_be_i2.npy')!;
  const a = readNpySync(fixture(e.file), { order: 'file' });
  assert.equal(a.dataFortranOrder, true);
  const want = cToFortran(Int16Array.from(e.data_c as number[]), e.shape).data;
  assert.deepEqual([...a.data], [...want]);
});

test('npy async reader and parser agree with the sync reader', async () => {
  for (const file of ['npy_fortran_f4.npy', 'npy_v3.npy', 'npy_be_float64.npy']) {
    const a = readNpySync(fixture(file));
    const b = await readNpy(fixture(file));
    const c = parseNpy(readFileSync(fixture(file)), file);
    assert.deepEqual([...b.data], [...a.data]);
    assert.deepEqual([...c.data], [...a.data]);
    assert.deepEqual(c.shape, a.shape);
  }
});

test('npy 0-d and empty arrays', () => {
  const s = readNpySync(fixture('npy_scalar.npy'));
  assert.deepEqual(s.shape, []);
  assert.equal(s.data.length, 1);
  const e = readNpySync(fixture('npy_empty.npy'));
  assert.deepEqual(e.shape, [0, 3]);
  assert.equal(e.data.length, 0);
});

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

test('npy write/read round trip for every dtype, C and Fortran file order, bool, 0-d', () => {
  const { dir, cleanup } = tempDir();
  try {
    const shape = [3, 5, 2];
    for (const dtype of DTYPES) {
      const data = allocArray(dtype, 30);
      for (let i = 0; i < 30; i++) {
        const v = (i * 13) % 97;
        (data as unknown as unknown[])[i] = dtype.endsWith('int64')
          ? BigInt(v)
          : dtype.startsWith('float')
            ? v / 4
            : v;
      }
      for (const fileOrder of ['C', 'F'] as const) {
        const p = join(dir, `${dtype}-${fileOrder}.npy`);
        writeNpySync(p, data, shape, { fileOrder });
        const back = readNpySync(p);
        assert.equal(back.dtype, dtype);
        assert.equal(back.fortranOrder, fileOrder === 'F');
        assert.deepEqual(back.shape, shape);
        assert.deepEqual([...back.data], [...data], `${dtype} ${fileOrder}`);
        // numpy aligns the data to 64 bytes; so do we
        const raw = readFileSync(p);
        assert.equal((raw.length - data.byteLength) % 64, 0);
      }
    }
    const b = join(dir, 'bool.npy');
    writeNpySync(b, Uint8Array.of(0, 3, 1, 0), [2, 2], { bool: true });
    const bb = readNpySync(b);
    assert.equal(bb.dtype, 'bool');
    assert.deepEqual([...bb.data], [0, 1, 1, 0]);
    const z = join(dir, 'scalar.npy');
    writeNpySync(z, Float64Array.of(2.5), []);
    assert.deepEqual(readNpySync(z).shape, []);
  } finally {
    cleanup();
  }
});

test('npy header text is what numpy writes for a simple array', () => {
  const bytes = encodeNpy(new Float32Array(6), [2, 3]);
  const len = bytes.readUInt16LE(8);
  const text = bytes.subarray(10, 10 + len).toString('latin1');
  assert.match(text, /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
  assert.equal((10 + len) % 64, 0);
  const one = encodeNpy(new Uint16Array(4), [4]);
  assert.match(one.subarray(10, 10 + one.readUInt16LE(8)).toString('latin1'), /'shape': \(4,\)/);
});
