/**
 * The Tensor: a JS handle on a libtorch tensor, freed deterministically by `dispose()`, `using`, or
 * the enclosing `scope()`. Methods are thin calls into the generated operator wrappers.
 */
import {
  type DeviceSpec,
  DTYPE_SIZE,
  type DType,
  type MemoryFormat,
  type Scalar,
  type TypedArray,
} from './dtype.ts';
import * as ops from './generated/ops.ts';
import { native } from './native.ts';
import { type Scoped, track } from './scope.ts';

// Safety net only: a tensor that is garbage-collected without dispose() frees its native memory.
// Handles carry a generation, so a late finalizer never frees a newer tensor that reused the slot.
const finalizer =
  process.env.SEMISEG_GC_SAFETY === '0' ? null : new FinalizationRegistry<number>((h) => native.dispose(h));

/** Index spec for {@link Tensor.index}: a number selects, `[start, end, step?]` slices, null keeps. */
export type Slice = number | readonly [number, number, number?] | null;

export class Tensor implements Scoped, Disposable {
  /** The native handle; -1 once disposed. */
  id: number;
  /** Survives scopes (see `keep`). */
  kept = false;

  /** Wraps a native handle. Use the creation functions (`tensor`, `zeros`, ...) rather than this. */
  constructor(handle: number) {
    this.id = handle;
    track(this);
    if (finalizer !== null) finalizer.register(this, handle);
  }

  /** Frees the native tensor now. Idempotent. */
  dispose(): void {
    if (this.id >= 0) {
      native.dispose(this.id);
      this.id = -1;
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  get isDisposed(): boolean {
    return this.id < 0;
  }

  /** Marks this tensor to survive every scope (it must be disposed explicitly). */
  keep(): this {
    this.kept = true;
    return this;
  }

  // ---- metadata ----------------------------------------------------------------------------
  /** Sizes per dimension, e.g. `[B, C, D, H, W]`. */
  get shape(): number[] {
    return native.shape(this.id);
  }
  get dtype(): DType {
    return native.dtype(this.id) as DType;
  }
  get device(): DeviceSpec {
    return native.device(this.id) as DeviceSpec;
  }
  get ndim(): number {
    return native.shape(this.id).length;
  }
  get numel(): number {
    return native.meta(this.id)[0];
  }
  /** Size in bytes of the elements (numel x element size). */
  get nbytes(): number {
    return this.numel * DTYPE_SIZE[this.dtype];
  }
  size(dim: number): number {
    const s = this.shape;
    const d = dim < 0 ? s.length + dim : dim;
    const v = s[d];
    if (v === undefined) throw new RangeError(`size(${dim}): tensor has ${s.length} dimensions`);
    return v;
  }

  // ---- data --------------------------------------------------------------------------------
  /** A C-order copy of the data (float16/bfloat16 as Float32Array, bool as Uint8Array). */
  toArray(): TypedArray {
    return native.toArray(this.id);
  }
  /** The data as a Float32Array copy (converted when the dtype differs). */
  toFloat32Array(): Float32Array {
    if (this.dtype === 'float32') return native.toArray(this.id) as Float32Array;
    const t = ops.toDtype(this, 'float32');
    try {
      return native.toArray(t.id) as Float32Array;
    } finally {
      t.dispose();
    }
  }
  /** The single value of a one-element tensor. */
  item(): number {
    return Number(native.item(this.id));
  }

  // ---- autograd ----------------------------------------------------------------------------
  get requiresGrad(): boolean {
    return native.meta(this.id)[1];
  }
  set requiresGrad(value: boolean) {
    native.setRequiresGrad(this.id, value);
  }
  requiresGrad_(value = true): this {
    native.setRequiresGrad(this.id, value);
    return this;
  }
  get isLeaf(): boolean {
    return native.meta(this.id)[2];
  }
  /** Name of the autograd node that made this tensor (e.g. `ConvolutionBackward0`), or null. */
  get gradFn(): string | null {
    return native.meta(this.id)[3];
  }
  /** The accumulated gradient as a new handle (sharing storage), or null. */
  get grad(): Tensor | null {
    const h = native.grad(this.id);
    return h === null ? null : new Tensor(h);
  }
  set grad(g: Tensor | null) {
    native.setGrad(this.id, g === null ? null : g.id);
  }
  /** Back-propagates from this tensor (a scalar unless `gradient` is given). */
  backward(gradient?: Tensor, opts?: { retainGraph?: boolean; createGraph?: boolean }): void {
    native.backward(this.id, gradient ? gradient.id : null, opts?.retainGraph, opts?.createGraph);
  }
  /** Zeroes (or with `setToNone`, drops) the accumulated gradient. */
  zeroGrad(setToNone = false): void {
    native.zeroGrad(this.id, setToNone);
  }
  detach(): Tensor {
    return ops.detach(this);
  }

  // ---- arithmetic (a number operand is a Scalar) -------------------------------------------
  add(other: Tensor | number, alpha?: number): Tensor {
    const o = alpha === undefined ? undefined : { alpha };
    return typeof other === 'number' ? ops.addScalar(this, other, o) : ops.add(this, other, o);
  }
  sub(other: Tensor | number, alpha?: number): Tensor {
    const o = alpha === undefined ? undefined : { alpha };
    return typeof other === 'number' ? ops.subScalar(this, other, o) : ops.sub(this, other, o);
  }
  /** `other - this`. */
  rsub(other: number): Tensor {
    return ops.rsubScalar(this, other);
  }
  mul(other: Tensor | number): Tensor {
    return typeof other === 'number' ? ops.mulScalar(this, other) : ops.mul(this, other);
  }
  div(other: Tensor | number): Tensor {
    return typeof other === 'number' ? ops.divScalar(this, other) : ops.div(this, other);
  }
  add_(other: Tensor | number, alpha?: number): this {
    const o = alpha === undefined ? undefined : { alpha };
    if (typeof other === 'number') ops.addScalar_(this, other, o);
    else ops.add_(this, other, o);
    return this;
  }
  sub_(other: Tensor, alpha?: number): this {
    ops.sub_(this, other, alpha === undefined ? undefined : { alpha });
    return this;
  }
  mul_(other: Tensor | number): this {
    if (typeof other === 'number') ops.mulScalar_(this, other);
    else ops.mul_(this, other);
    return this;
  }
  div_(other: Tensor | number): this {
    if (typeof other === 'number') ops.divScalar_(this, other);
    else ops.div_(this, other);
    return this;
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  pow(exponent: number | Tensor): Tensor {
    return typeof exponent === 'number' ? ops.pow(this, exponent) : ops.powTensor(this, exponent);
  }
  square(): Tensor {
    return ops.square(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return ops.clamp(this, { min: min ?? null, max: max ?? null });
  }
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }

  // ---- comparison ----------------------------------------------------------------------------
  eq(other: Tensor | number): Tensor {
    return typeof other === 'number' ? ops.eqScalar(this, other) : ops.eq(this, other);
  }
  ne(other: Tensor | number): Tensor {
    return typeof other === 'number' ? ops.neScalar(this, other) : ops.ne(this, other);
  }
  gt(other: Tensor | number): Tensor {
    return typeof other === 'number' ? ops.gtScalar(this, other) : ops.gt(this, other);
  }
  ge(other: Tensor | number): Tensor {
    return typeof other === 'number' ? ops.geScalar(this, other) : ops.ge(this, other);
  }
  lt(other: Tensor | number): Tensor {
    return typeof other === 'number' ? ops.ltScalar(this, other) : ops.lt(this, other);
  }
  le(other: Tensor | number): Tensor {
    return typeof other === 'number' ? ops.leScalar(this, other) : ops.le(this, other);
  }

  // ---- reductions (dim may be negative; no dim reduces everything) ---------------------------
  sum(dim?: number | readonly number[], keepdim = false): Tensor {
    return dim === undefined ? ops.sum(this) : ops.sumDim(this, dim, { keepdim });
  }
  mean(dim?: number | readonly number[], keepdim = false): Tensor {
    return dim === undefined ? ops.mean(this) : ops.meanDim(this, dim, { keepdim });
  }
  max(): Tensor {
    return ops.maxAll(this);
  }
  min(): Tensor {
    return ops.minAll(this);
  }
  /** Values and indices of the maximum along `dim`. */
  maxDim(dim: number, keepdim = false): [Tensor, Tensor] {
    return ops.maxDim(this, dim, { keepdim });
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return ops.argmax(this, { dim: dim ?? null, keepdim });
  }
  softmax(dim: number): Tensor {
    return ops.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return ops.logSoftmax(this, dim);
  }

  // ---- shape ---------------------------------------------------------------------------------
  view(...shape: number[]): Tensor {
    return ops.view(this, shape);
  }
  reshape(...shape: number[]): Tensor {
    return ops.reshape(this, shape);
  }
  permute(...dims: number[]): Tensor {
    return ops.permute(this, dims);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  squeeze(dim?: number): Tensor {
    return dim === undefined ? ops.squeeze(this) : ops.squeezeDim(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return ops.flatten(this, { start_dim: startDim, end_dim: endDim });
  }
  expand(...shape: number[]): Tensor {
    return ops.expand(this, shape);
  }
  contiguous(): Tensor {
    return ops.contiguous(this);
  }
  clone(): Tensor {
    return ops.clone(this);
  }
  /** Slices along every leading dimension: a number selects, `[start, end, step?]` slices, null keeps. */
  index(...spec: Slice[]): Tensor {
    let out: Tensor = this;
    let dim = 0;
    for (const s of spec) {
      const prev = out;
      if (s === null) {
        dim += 1;
        continue;
      }
      if (typeof s === 'number') {
        out = ops.select(prev, dim, s);
      } else {
        out = ops.slice(prev, { dim, start: s[0], end: s[1], step: s[2] ?? 1 });
        dim += 1;
      }
      if (prev !== this) prev.dispose();
    }
    return out === this ? ops.alias(this) : out;
  }

  // ---- conversion ------------------------------------------------------------------------------
  /** A copy with another dtype (or this tensor's values as a new handle when it already has it). */
  to(target: DType | DeviceSpec): Tensor {
    return target === 'cpu' || target.startsWith('cuda')
      ? ops.toDevice(this, target as DeviceSpec, this.dtype)
      : ops.toDtype(this, target as DType);
  }
  float(): Tensor {
    return ops.toDtype(this, 'float32');
  }
  long(): Tensor {
    return ops.toDtype(this, 'int64');
  }
  contiguousFormat(format: MemoryFormat): Tensor {
    return ops.contiguous(this, { memory_format: format });
  }

  // ---- in place ------------------------------------------------------------------------------
  copy_(src: Tensor): this {
    ops.copy_(this, src);
    return this;
  }
  fill_(value: Scalar): this {
    ops.fill_(this, value);
    return this;
  }
  zero_(): this {
    ops.zero_(this);
    return this;
  }

  toString(): string {
    return this.isDisposed
      ? 'Tensor(disposed)'
      : `Tensor(shape=[${this.shape}], dtype=${this.dtype}, device=${this.device})`;
  }
}

// ---- helpers used by the generated wrappers --------------------------------------------------

/** Wraps a handle returned by the addon. */
export function wrap(h: number): Tensor {
  return new Tensor(h);
}

/** Wraps a list of handles. */
export function wrapList(hs: number[]): Tensor[] {
  return hs.map((h) => new Tensor(h));
}

/** Handle of an optional tensor: undefined stays undefined (the default), null is None. */
export function idOf(t: Tensor | null | undefined): number | null | undefined {
  return t == null ? t : t.id;
}

export function ids(ts: readonly Tensor[] | undefined): number[] | undefined {
  return ts === undefined ? undefined : ts.map((t) => t.id);
}

export function optIds(ts: readonly (Tensor | null)[] | undefined): (number | null)[] | undefined {
  return ts === undefined ? undefined : ts.map((t) => (t === null ? null : t.id));
}
