/** Test helpers for src/metrics: a seeded PRNG, fixture decoding and brute-force references. */

import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

/** mulberry32: small deterministic PRNG, uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random 0/1 mask with the given foreground probability. */
export function randomMask(size: number, p: number, r: () => number): Uint8Array {
  const m = new Uint8Array(size);
  for (let i = 0; i < size; i++) m[i] = r() < p ? 1 : 0;
  return m;
}

/** Decodes base64(zlib(bytes)) as written by scripts/golden/metrics.py. */
export function unpackU8(s: string): Uint8Array {
  return new Uint8Array(inflateSync(Buffer.from(s, 'base64')));
}

/** Decodes base64(zlib(float64 little-endian)). */
export function unpackF64(s: string): Float64Array {
  const b = inflateSync(Buffer.from(s, 'base64'));
  const out = new Float64Array(b.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = b.readDoubleLE(8 * i);
  return out;
}

/** Reads a JSON fixture from test/fixtures/metrics/. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/metrics/${name}`, import.meta.url), 'utf8')) as T;
}

/** Coordinates of flat index `i` in a C-order shape. */
export function coords(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    c[a] = i % shape[a]!;
    i = Math.floor(i / shape[a]!);
  }
  return c;
}

/** Squared Euclidean distance between two coordinate vectors with spacing. */
export function dist2(a: readonly number[], b: readonly number[], spacing: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) {
    const e = (a[k]! - b[k]!) * spacing[k]!;
    s += e * e;
  }
  return s;
}

/**
 * Surface by the definition, coordinate by coordinate: a foreground voxel is interior iff each of its 2*ndim
 * axis neighbours exists inside the array and is foreground.
 */
export function bruteSurface(mask: ArrayLike<number>, shape: readonly number[]): Uint8Array {
  const out = new Uint8Array(mask.length);
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    const c = coords(i, shape);
    let interior = true;
    for (let a = 0; a < shape.length && interior; a++) {
      for (const s of [-1, 1]) {
        const x = c[a]! + s;
        if (x < 0 || x >= shape[a]! || mask[i + s * strides[a]!] === 0) interior = false;
      }
    }
    out[i] = interior ? 0 : 1;
  }
  return out;
}

/** For each non-zero voxel of `from` (C order), the distance to the nearest non-zero voxel of `to`. */
export function bruteDirected(
  from: Uint8Array,
  to: Uint8Array,
  shape: readonly number[],
  spacing: readonly number[],
): number[] {
  const targets: number[][] = [];
  for (let j = 0; j < to.length; j++) if (to[j]) targets.push(coords(j, shape));
  const out: number[] = [];
  for (let i = 0; i < from.length; i++) {
    if (!from[i]) continue;
    const c = coords(i, shape);
    let best = Number.POSITIVE_INFINITY;
    for (const t of targets) best = Math.min(best, dist2(c, t, spacing));
    out.push(Math.sqrt(best));
  }
  return out;
}

/** Asserts |actual - expected| <= tol (both NaN, or both the same infinity, also pass). */
export function close(actual: number, expected: number, tol: number, what: string): void {
  if (Number.isNaN(expected) && Number.isNaN(actual)) return;
  if (expected === actual) return;
  if (!(Math.abs(actual - expected) <= tol)) {
    throw new Error(`${what}: got ${actual}, expected ${expected} (tol ${tol})`);
  }
}
