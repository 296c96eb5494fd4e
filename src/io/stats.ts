/**
 * Summary statistics of a volume for `inspect`: min, max, mean and, for label-like data, the sorted unique
 * values. One pass over typed arrays; NaNs are counted and skipped.
 */

import type { NumericArray } from './dtypes.ts';

/** Statistics of one array. */
export interface ArrayStats {
  /** Smallest value, NaN skipped; NaN when there is no (non-NaN) value. 64-bit integers are converted to number. */
  min: number;
  /** Largest value, as `min`. */
  max: number;
  /** Mean of the non-NaN values, accumulated in float64; NaN when there is none. */
  mean: number;
  /** Number of NaN elements (0 for integer data). */
  nanCount: number;
  /**
   * Sorted distinct values, at most `UNIQUE_CAP` (the smallest ones). Present for integer arrays, and for float
   * arrays whose values are all integers with at most `UNIQUE_CAP` distinct ones (labels stored as float).
   */
  unique?: number[];
  /** Total number of distinct values (exact), present with `unique`. */
  uniqueCount?: number;
}

/** At most this many unique values are listed. */
export const UNIQUE_CAP = 256;

const BLOCK = 4096;

function uniqueFromTable(counts: Uint32Array, offset: number): { unique: number[]; uniqueCount: number } {
  const unique: number[] = [];
  let uniqueCount = 0;
  for (let v = 0; v < counts.length; v++) {
    if (counts[v]! > 0) {
      uniqueCount++;
      if (unique.length < UNIQUE_CAP) unique.push(v - offset);
    }
  }
  return { unique, uniqueCount };
}

function uniqueOfLarge(data: NumericArray): { unique: number[]; uniqueCount: number } {
  // a Set is fast while the values are few (labels); beyond that a sorted copy bounds the cost
  const seen = new Set<number | bigint>();
  let small = true;
  for (let i = 0; i < data.length; i++) {
    seen.add(data[i]!);
    if (seen.size > 65536) {
      small = false;
      break;
    }
  }
  let sorted: (number | bigint)[] | NumericArray;
  if (small) {
    sorted = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } else {
    sorted = data.slice().sort() as NumericArray;
  }
  const unique: number[] = [];
  let uniqueCount = 0;
  let prev: number | bigint | undefined;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (i > 0 && v === prev) continue;
    prev = v;
    uniqueCount++;
    if (unique.length < UNIQUE_CAP) unique.push(Number(v));
  }
  return { unique, uniqueCount };
}

function floatStats(data: Float32Array | Float64Array): ArrayStats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let total = 0;
  let nanCount = 0;
  let integral = true;
  for (let start = 0; start < data.length; start += BLOCK) {
    const end = Math.min(data.length, start + BLOCK);
    let block = 0;
    for (let i = start; i < end; i++) {
      const v = data[i]!;
      if (Number.isNaN(v)) {
        nanCount++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      block += v;
      if (integral && !Number.isInteger(v)) integral = false;
    }
    total += block;
  }
  const n = data.length - nanCount;
  const out: ArrayStats =
    n > 0
      ? { min, max, mean: total / n, nanCount }
      : { min: Number.NaN, max: Number.NaN, mean: Number.NaN, nanCount };
  if (integral && n > 0) {
    const seen = new Set<number>();
    for (let i = 0; i < data.length && seen.size <= UNIQUE_CAP; i++) {
      const v = data[i]!;
      if (!Number.isNaN(v)) seen.add(v === 0 ? 0 : v);
    }
    if (seen.size <= UNIQUE_CAP) {
      out.unique = [...seen].sort((a, b) => a - b);
      out.uniqueCount = seen.size;
    }
  }
  return out;
}

/**
 * min / max / mean / unique of `data` (any layout and axis order: the order does not matter; 64-bit integers
 * are summed as float64). Empty input gives NaN min / max / mean (and an empty unique list for integers).
 */
export function arrayStats(data: NumericArray): ArrayStats {
  if (data instanceof Float32Array || data instanceof Float64Array) return floatStats(data);
  if (data.length === 0)
    return { min: Number.NaN, max: Number.NaN, mean: Number.NaN, nanCount: 0, unique: [], uniqueCount: 0 };
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    let min = data[0]!;
    let max = data[0]!;
    let total = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
      total += Number(v);
    }
    return {
      min: Number(min),
      max: Number(max),
      mean: total / data.length,
      nanCount: 0,
      ...uniqueOfLarge(data),
    };
  }
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let total = 0;
  const small = data.BYTES_PER_ELEMENT <= 2;
  const offset = data instanceof Int8Array ? 128 : data instanceof Int16Array ? 32768 : 0;
  const counts = small ? new Uint32Array(data.BYTES_PER_ELEMENT === 1 ? 256 : 65536) : undefined;
  for (let start = 0; start < data.length; start += BLOCK) {
    const end = Math.min(data.length, start + BLOCK);
    let block = 0;
    for (let i = start; i < end; i++) {
      const v = data[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
      block += v;
      if (counts) counts[v + offset]!++;
    }
    total += block;
  }
  const uniq = counts ? uniqueFromTable(counts, offset) : uniqueOfLarge(data);
  return { min, max, mean: total / data.length, nanCount: 0, ...uniq };
}
