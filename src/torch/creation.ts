/** Tensor creation: from JS data, and filled/random tensors on a given device. */
import { type DeviceSpec, type DType, dtypeOfArray, type TypedArray } from './dtype.ts';
import * as ops from './generated/ops.ts';
import { native } from './native.ts';
import { Tensor } from './tensor.ts';

/** Options shared by the creation functions: element type (default float32), device (default cpu). */
export interface CreateOptions {
  dtype?: DType;
  device?: DeviceSpec;
  requiresGrad?: boolean;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function finish(t: Tensor, opts?: CreateOptions): Tensor {
  if (opts?.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * A tensor from a typed array (copied) and a C-order shape. The dtype defaults to the array's
 * (Float32Array -> float32, Uint8Array -> uint8, ...); `opts.dtype` converts (e.g. `bool`,
 * `float16`). Throws when the element count does not match the shape.
 */
export function fromArray(data: TypedArray, shape: readonly number[], opts?: CreateOptions): Tensor {
  const h = native.fromArray(data, shape, opts?.dtype ?? dtypeOfArray(data), opts?.device);
  return finish(new Tensor(h), opts);
}

type Nested = number | boolean | readonly Nested[];

function flattenNested(data: Nested, shape: number[], out: number[], depth: number): void {
  if (Array.isArray(data)) {
    if (shape.length === depth) shape.push(data.length);
    else if (shape[depth] !== data.length) throw new Error(`tensor(): ragged nested array at depth ${depth}`);
    for (const d of data) flattenNested(d as Nested, shape, out, depth + 1);
  } else {
    if (shape.length !== depth) throw new Error(`tensor(): ragged nested array at depth ${depth}`);
    out.push(Number(data));
  }
}

/**
 * A tensor from a number or nested arrays of numbers (float32 unless `opts.dtype` says otherwise).
 * `tensor([])` is an empty 1-D tensor; `tensor(3)` is 0-dimensional.
 */
export function tensor(data: Nested, opts?: CreateOptions): Tensor {
  const shape: number[] = [];
  const flat: number[] = [];
  flattenNested(data, shape, flat, 0);
  const dtype = opts?.dtype ?? 'float32';
  let arr: TypedArray;
  if (dtype === 'float64') arr = Float64Array.from(flat);
  else if (dtype === 'int64') arr = BigInt64Array.from(flat.map((v) => BigInt(Math.trunc(v))));
  else if (dtype === 'int32') arr = Int32Array.from(flat);
  else if (dtype === 'uint8' || dtype === 'bool') arr = Uint8Array.from(flat);
  else arr = Float32Array.from(flat);
  return fromArray(arr, shape, opts);
}

/** A tensor of zeros of the given shape. */
export function zeros(shape: readonly number[], opts?: CreateOptions): Tensor {
  return finish(ops.zeros(shape, { dtype: opts?.dtype ?? 'float32', device: opts?.device }), opts);
}

/** A tensor of ones of the given shape. */
export function ones(shape: readonly number[], opts?: CreateOptions): Tensor {
  return finish(ops.ones(shape, { dtype: opts?.dtype ?? 'float32', device: opts?.device }), opts);
}

/** A tensor filled with `value`. */
export function full(shape: readonly number[], value: number, opts?: CreateOptions): Tensor {
  return finish(ops.full(shape, value, { dtype: opts?.dtype ?? 'float32', device: opts?.device }), opts);
}

/** Values `start, start+step, ...` below `end` (int64 when all three are integers, else float32). */
export function arange(start: number, end?: number, step = 1, opts?: CreateOptions): Tensor {
  const [s, e] = end === undefined ? [0, start] : [start, end];
  const integral = Number.isInteger(s) && Number.isInteger(e) && Number.isInteger(step);
  const dtype = opts?.dtype ?? (integral ? 'int64' : 'float32');
  return finish(ops.arange(s, e, { step, dtype, device: opts?.device }), opts);
}

/** Uniform samples in [0, 1) from the default generator (same stream as PyTorch's). */
export function rand(shape: readonly number[], opts?: CreateOptions): Tensor {
  return finish(ops.rand(shape, { dtype: opts?.dtype ?? 'float32', device: opts?.device }), opts);
}

/** Standard normal samples from the default generator (same stream as PyTorch's). */
export function randn(shape: readonly number[], opts?: CreateOptions): Tensor {
  return finish(ops.randn(shape, { dtype: opts?.dtype ?? 'float32', device: opts?.device }), opts);
}

/** Integers uniform in [low, high) (int64 by default). */
export function randint(low: number, high: number, shape: readonly number[], opts?: CreateOptions): Tensor {
  return finish(ops.randint(low, high, shape, { dtype: opts?.dtype ?? 'int64', device: opts?.device }), opts);
}

/** Concatenates along `dim`. An empty list throws. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error('cat: expected at least one tensor');
  return ops.cat(tensors, { dim });
}

/** Stacks along a new dimension `dim`. An empty list throws. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new Error('stack: expected at least one tensor');
  return ops.stack(tensors, { dim });
}

/** Number of elements of a shape (1 for `[]`). */
export function numelOf(shape: readonly number[]): number {
  return product(shape);
}
