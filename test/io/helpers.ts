/** Shared helpers of the IO tests: fixture paths, the Python-made expectations, value comparison. */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { NumericArray } from '../../src/io/dtypes.ts';
import { IoError } from '../../src/io/errors.ts';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'io');
/** The shared real data: `../shared/data` from the project root (SEMISEG_SHARED_DATA overrides it). */
export const SHARED_DATA = process.env['SEMISEG_SHARED_DATA'] ?? resolve(ROOT, '..', 'shared', 'data');

/** A JSON value from io_fixtures.py: 64-bit integers and non-finite floats are strings. */
export type JValue = number | string;

export interface NiftiExpect {
  file: string;
  path?: string;
  format: 'nifti1' | 'nifti2';
  shape: number[];
  file_dtype: string;
  data_dtype: string;
  byte_order: 'little' | 'big';
  affine: number[][];
  zooms: number[];
  sform_code: number;
  qform_code: number;
  vox_offset: number;
  slope: number;
  inter: number;
  data?: JValue[];
  samples?: { index_f: number; value: JValue }[];
  sum: number;
  stats: StatsExpect;
}

export interface StatsExpect {
  min: JValue | null;
  max: JValue | null;
  mean: number | null;
  unique?: JValue[];
  unique_count?: number;
}

export interface NpyExpect {
  file: string;
  shape: number[];
  descr: string;
  fortran_order: boolean;
  version: [number, number];
  data_c: JValue[];
  stats: StatsExpect;
}

export interface H5Expect {
  file: string;
  datasets: Record<string, { shape: number[]; dtype: string; data_c: JValue[]; stats: StatsExpect }>;
}

export interface RealExpect {
  path: string;
  shape: number[];
  image_dtype: string;
  label_dtype: string;
  voxels: { at: number[]; image: number; label: number }[];
  image_sum: number;
  image_min: number;
  image_max: number;
  image_mean: number;
  label_unique: number[];
  label_counts: number[];
}

export interface QformRef {
  name: string;
  affine: number[][];
  quatern: [number, number, number];
  qoffset: [number, number, number];
  pixdim: [number, number, number, number];
  qform: number[][];
}

export interface Expected {
  nifti: NiftiExpect[];
  npy: NpyExpect[];
  h5: H5Expect[];
  real?: { la: RealExpect; acdc_volume: RealExpect; acdc_slice: RealExpect };
  nibabel_data?: (NiftiExpect & { path: string })[];
  qform_ref: QformRef[];
  ts_recipe: { shape: number[]; affine: number[][]; data_f: number[] };
}

export const expected: Expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function niftiCase(file: string): NiftiExpect {
  const e = expected.nifti.find((x) => x.file === file);
  assert.ok(e, `no expectation for ${file}`);
  return e;
}

/** The expected value as a JS value comparable with a typed-array element (bigint for 64-bit integers). */
export function parse(v: JValue, big: boolean): number | bigint {
  if (typeof v === 'number') return big ? BigInt(v) : v;
  if (v === 'nan') return Number.NaN;
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  return big ? BigInt(v) : Number(v);
}

/** Asserts every element of `data` equals the expected list exactly (Object.is semantics except -0 == 0). */
export function assertValues(data: NumericArray, want: JValue[], label: string): void {
  assert.equal(data.length, want.length, `${label}: length`);
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  for (let i = 0; i < want.length; i++) {
    const w = parse(want[i]!, big);
    const g = data[i]!;
    if (typeof w === 'number' && Number.isNaN(w))
      assert.ok(Number.isNaN(g as number), `${label}[${i}]: want NaN, got ${g}`);
    else assert.ok(g === w, `${label}[${i}]: got ${g}, want ${w}`);
  }
}

/** Asserts |got - want| <= tol elementwise for two 4x4 matrices. */
export function assertMatClose(got: number[][], want: number[][], tol: number, label: string): void {
  assert.equal(got.length, 4, `${label}: rows`);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const d = Math.abs(got[i]![j]! - want[i]![j]!);
      assert.ok(
        d <= tol,
        `${label}[${i}][${j}]: got ${got[i]![j]}, want ${want[i]![j]} (|diff| ${d} > ${tol})`,
      );
    }
  }
}

/** |a - b| <= rel * max(1, |b|). */
export function assertClose(a: number, b: number, rel: number, label: string): void {
  assert.ok(
    Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)),
    `${label}: got ${a}, want ${b} (rel tol ${rel})`,
  );
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'semiseg-io-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Asserts that `fn` throws (or rejects with) an IoError whose message is one line, names `path`, and
 * matches `pattern`.
 */
export async function assertIoError(fn: () => unknown, path: string, pattern: RegExp): Promise<IoError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(
    caught instanceof IoError,
    `expected an IoError, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`,
  );
  assert.ok(!/[\r\n]/.test(caught.message), `message is not one line: ${JSON.stringify(caught.message)}`);
  assert.ok(
    caught.message.startsWith(`${path}: `),
    `message does not start with the path: ${caught.message}`,
  );
  assert.match(caught.message, pattern);
  return caught;
}

export function sharedDataAvailable(): boolean {
  return existsSync(join(SHARED_DATA, 'LA')) && existsSync(join(SHARED_DATA, 'ACDC'));
}
