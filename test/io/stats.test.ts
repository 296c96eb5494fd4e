/**
 * arrayStats on cases the fixtures do not reach: NaNs, empty arrays, and the two unique-value strategies for
 * 32-bit integers (a Set for few values, a sorted copy beyond 65536 distinct values). The reference is a
 * plain sort-based computation written here; min / max / unique exact, mean 1e-12 relative.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrayStats, UNIQUE_CAP } from '../../src/io/stats.ts';
import { assertClose } from './helpers.ts';

function reference(values: number[]) {
  const v = values.filter((x) => !Number.isNaN(x));
  const sorted = [...v].sort((a, b) => a - b);
  const unique = [...new Set(sorted)];
  return {
    min: sorted[0],
    max: sorted[sorted.length - 1],
    mean: v.reduce((a, b) => a + b, 0) / v.length,
    unique: unique.slice(0, UNIQUE_CAP),
    count: unique.length,
  };
}

test('stats skip NaNs and count them; float labels get unique values', () => {
  const data = Float32Array.of(3, Number.NaN, 1, 2, Number.NaN, 3, 0);
  const s = arrayStats(data);
  const r = reference([...data]);
  assert.equal(s.nanCount, 2);
  assert.equal(s.min, r.min);
  assert.equal(s.max, r.max);
  assertClose(s.mean, r.mean, 1e-12, 'mean');
  assert.deepEqual(s.unique, r.unique);
  const frac = arrayStats(Float64Array.of(0.5, 1, 2));
  assert.equal(frac.unique, undefined);
});

test('stats of empty arrays are NaN', () => {
  for (const a of [new Float32Array(0), new Int16Array(0), new BigInt64Array(0)]) {
    const s = arrayStats(a);
    assert.ok(Number.isNaN(s.min) && Number.isNaN(s.max) && Number.isNaN(s.mean));
  }
  const allNaN = arrayStats(Float64Array.of(Number.NaN, Number.NaN));
  assert.ok(Number.isNaN(allNaN.mean));
  assert.equal(allNaN.nanCount, 2);
});

test('stats unique for 32-bit integers: few values (Set) and > 65536 values (sorted copy)', () => {
  const few = Int32Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 300) - 150_000);
  const many = Uint32Array.from({ length: 100_000 }, (_, i) => (i * 2_654_435_761) >>> 0);
  for (const data of [few, many]) {
    const s = arrayStats(data);
    const r = reference([...data]);
    assert.equal(s.min, r.min);
    assert.equal(s.max, r.max);
    assertClose(s.mean, r.mean, 1e-12, 'mean');
    assert.deepEqual(s.unique, r.unique);
    assert.equal(s.uniqueCount, r.count);
  }
});

test('stats unique for signed 8/16-bit integers (offset count tables)', () => {
  const i8 = Int8Array.from({ length: 1000 }, (_, i) => ((i * 37) % 256) - 128);
  const i16 = Int16Array.from({ length: 3000 }, (_, i) => ((i * 7919) % 65536) - 32768);
  for (const data of [i8, i16]) {
    const s = arrayStats(data);
    const r = reference([...data]);
    assert.equal(s.min, r.min);
    assert.deepEqual(s.unique, r.unique);
    assert.equal(s.uniqueCount, r.count);
  }
});
