/**
 * Shared helpers of the model tests: the fixtures written by scripts/golden/models.py (read with
 * semiseg's own loader), the deterministic inputs and loss weights both sides build from formulas,
 * and comparisons of an output with PyTorch's (a strided sample compared element-wise, plus sums).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromArray, loadTensors, ops, setNumThreads, type Tensor } from '../../src/torch/index.ts';

// The tensors of these tests are small: one intra-op thread is faster than two and does not fight
// other test processes for the cores.
setNumThreads(1);

export const FIXTURES = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

/** Summary of one PyTorch output (models.json). */
export interface OutputInfo {
  shape: number[];
  sum: number;
  sumSq: number;
  sumAbs: number;
  /** The stored sample holds elements 0, stride, 2*stride, ... of the flattened output. */
  stride: number;
}

/** One small configuration (models.json `cases`). */
export interface Case {
  id: string;
  name: string;
  options: Record<string, unknown>;
  input: number[];
  initSeed: number;
  init: Record<string, [number, number]>;
  numParameters: number;
  numBuffers: number;
  outputs: Record<string, OutputInfo | Record<string, number> | number>;
}

/** A full-size network (models.json `full`). */
export interface FullNet {
  name: string;
  options: Record<string, unknown>;
  numParameters: number;
  numBuffers: number;
  state?: [string, number[]][];
}

export interface ModelsJson {
  full: FullNet[];
  cases: Case[];
}

let json: ModelsJson | undefined;

export function modelsJson(): ModelsJson {
  json ??= JSON.parse(readFileSync(`${FIXTURES}models.json`, 'utf8')) as ModelsJson;
  return json;
}

/** The tensors of a case's .pt file (kept for the whole process). */
export function caseTensors(id: string): Map<string, Tensor> {
  const m = loadTensors(`${FIXTURES}${id}.pt`);
  for (const t of m.values()) t.keep();
  return m;
}

/** The entries under `prefix.` with the prefix removed (a state dict from the fixture). */
export function withPrefix(m: ReadonlyMap<string, Tensor>, prefix: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, v] of m) if (k.startsWith(`${prefix}.`)) out.set(k.slice(prefix.length + 1), v);
  return out;
}

/** x[k] = ((7919 k + 13) mod 10007) / 10007 - 0.5 in row-major order, float32 (as the golden script). */
export function formulaInput(shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const a = new Float32Array(n);
  for (let k = 0; k < n; k++) a[k] = ((k * 7919 + 13) % 10007) / 10007 - 0.5;
  return fromArray(a, shape);
}

/** cos(0.1 k + phase) computed in float64 then rounded to float32, shaped like `shape`. */
export function gradWeights(shape: readonly number[], phase: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const k = ops.arange(0, n, { dtype: 'float64' });
  const arg = ops.addScalar(ops.mulScalar(k, 0.1), phase);
  const w = ops.toDtype(ops.cos(arg), 'float32');
  return ops.reshape(w, shape);
}

/** Float64 view of a tensor's elements. */
export function values(t: Tensor): Float64Array {
  return Float64Array.from(t.toFloat32Array());
}

/** Result of {@link compareOutput}: the largest element difference over the sample. */
export interface Comparison {
  maxAbsDiff: number;
  maxAbsRef: number;
}

/**
 * Compares `t` with PyTorch's output: shape, the strided sample element-wise (|diff| <= tol, with
 * tol = absTol + relTol * max|reference sample|), and sum / sum of squares (relative 1e-5 of the sum of
 * |x| or of the squares, plus a small absolute slack).
 */
export function compareOutput(
  label: string,
  t: Tensor,
  info: OutputInfo,
  sample: Tensor,
  absTol = 1e-4,
  relTol = 0,
): Comparison {
  assert.deepEqual(t.shape, info.shape, `${label}: shape`);
  const v = values(t);
  const ref = values(sample);
  let maxAbsDiff = 0;
  let maxAbsRef = 0;
  for (let i = 0; i < ref.length; i++) maxAbsRef = Math.max(maxAbsRef, Math.abs(ref[i]!));
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(v[i * info.stride]! - ref[i]!);
    if (!(d <= maxAbsDiff)) maxAbsDiff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  assert.equal(ref.length, Math.ceil(v.length / info.stride), `${label}: sample length`);
  const tol = absTol + relTol * maxAbsRef;
  assert.ok(maxAbsDiff <= tol, `${label}: max |diff| ${maxAbsDiff} > ${tol}`);
  let sum = 0;
  let sumSq = 0;
  for (const x of v) {
    sum += x;
    sumSq += x * x;
  }
  const sumTol = 1e-5 * info.sumAbs + 1e-4 + relTol * info.sumAbs;
  assert.ok(Math.abs(sum - info.sum) <= sumTol, `${label}: sum ${sum} vs ${info.sum}`);
  const sqTol = 1e-5 * info.sumSq + 1e-4 + 2 * relTol * info.sumSq;
  assert.ok(Math.abs(sumSq - info.sumSq) <= sqTol, `${label}: sum of squares ${sumSq} vs ${info.sumSq}`);
  return { maxAbsDiff, maxAbsRef };
}

/** Relative closeness of two float64 numbers. */
export function close(a: number, b: number, rel: number, abs = 0): boolean {
  return Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b));
}
