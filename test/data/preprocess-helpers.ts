/** Shared helpers of the preprocessing and dataset tests: fixture paths, input formulas, temp folders. */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'preprocess');
/** The shared real data: `../shared/data` from the project root (SEMISEG_SHARED_DATA overrides it). */
export const SHARED_DATA = process.env['SEMISEG_SHARED_DATA'] ?? resolve(ROOT, '..', 'shared', 'data');

/** Skip reason when the shared LA/ACDC data is absent, else false. */
export function sharedSkip(sub: string): string | false {
  return existsSync(join(SHARED_DATA, sub)) ? false : `shared data ${join(SHARED_DATA, sub)} is absent`;
}

/** A JSON fixture of test/fixtures/preprocess. */
export function fixtureJson<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

/** scripts/golden/preprocess.py's small image: ((i * 7919) % 1009) / 1009 - 0.3 in float32. */
export function smallImage(n: number): Float32Array {
  const out = new Float32Array(n);
  const c = Math.fround(0.3);
  for (let i = 0; i < n; i++) out[i] = Math.fround(Math.fround(((i * 7919) % 1009) / 1009) - c);
  return out;
}

/** The big (HU-like) image: ((i * 7919) % 1009) - 500. */
export function bigImage(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((i * 7919) % 1009) - 500;
  return out;
}

/** Labels: (i * 31 + floor(i / 7)) % 14. */
export function labelsOf(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + Math.floor(i / 7)) % 14;
  return out;
}

/** sum of value * (index % 9973), exact. */
export function checksum(a: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * (i % 9973);
  return s;
}

/** Asserts |a[i] - b[i]| <= tol for every i (and equal lengths), reporting the worst index. */
export function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(worst <= tol, `${what}: |diff| ${worst} at ${at} (${a[at]} vs ${b[at]}) > ${tol}`);
}

/** A temporary folder and its cleanup. */
export function tempDir(prefix = 'semiseg-ds-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
