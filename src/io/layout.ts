/**
 * Memory layouts and axis orders. The project keeps volumes in memory in C order (last axis fastest) with
 * axes [D, H, W] = (z, y, x) (DESIGN.md, data conventions). Files differ:
 * - NIfTI stores x fastest: data of shape (X, Y, Z) in Fortran order, which is *the same memory* as a C-order
 *   array of shape (Z, Y, X). So `niftiToZyx` / `zyxToNifti` only reverse the shape (and spacing), no copy.
 * - npy / h5 are C order in their own axis order: LA h5 is (x, y, z) (z fastest) and needs a real transpose,
 *   `permuteAxes(data, [X, Y, Z], [2, 1, 0])`; ACDC h5 is already (z, y, x).
 */

import { allocArray, dtypeOf, type NumericArray, voxelCount } from './dtypes.ts';

/** A C-order array and its shape. */
export interface CArray<T extends NumericArray = NumericArray> {
  data: T;
  shape: number[];
}

function checkShape(data: NumericArray, shape: readonly number[]): void {
  const n = voxelCount(shape);
  if (data.length !== n) {
    throw new RangeError(`data has ${data.length} elements but shape [${shape.join(', ')}] needs ${n}`);
  }
}

/**
 * Transposes a C-order array: output axis k is input axis `perm[k]`, so the output shape is
 * `perm.map(p => shape[p])` and `out[i0, i1, ...] = in[j]` with `j[perm[k]] = ik`. Always copies (a new
 * array of the same type). Empty input gives an empty array. Throws RangeError if `perm` is not a permutation
 * of 0..rank-1 or the data length does not match the shape.
 */
export function permuteAxes<T extends NumericArray>(
  data: T,
  shape: readonly number[],
  perm: readonly number[],
): CArray<T> {
  const rank = shape.length;
  checkShape(data, shape);
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new RangeError(`[${perm.join(', ')}] is not a permutation of the ${rank} axes`);
  }
  const outShape = perm.map((p) => shape[p]!);
  const out = allocArray(dtypeOf(data), data.length) as T;
  if (data.length === 0) return { data: out, shape: outShape };
  if (rank <= 1) {
    out.set(data as never);
    return { data: out, shape: outShape };
  }
  const inStride = new Array<number>(rank);
  let s = 1;
  for (let k = rank - 1; k >= 0; k--) {
    inStride[k] = s;
    s *= shape[k]!;
  }
  // stride in the input of each output axis
  const step = perm.map((p) => inStride[p]!);
  const inner = outShape[rank - 1]!;
  const innerStep = step[rank - 1]!;
  const idx = new Array<number>(rank - 1).fill(0);
  let base = 0;
  const src = data as unknown as ArrayLike<number>;
  const dst = out as unknown as { [i: number]: number };
  for (let o = 0; o < out.length; o += inner) {
    for (let i = 0, j = base; i < inner; i++, j += innerStep) dst[o + i] = src[j]!;
    // odometer over the outer output axes
    for (let k = rank - 2; k >= 0; k--) {
      idx[k]!++;
      base += step[k]!;
      if (idx[k]! < outShape[k]!) break;
      base -= step[k]! * outShape[k]!;
      idx[k] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/**
 * Fortran-order data (first axis fastest) of logical shape `shape` to a C-order copy of the same logical
 * shape: element [i0, ..., in] keeps its value. Empty input gives an empty array.
 */
export function fortranToC<T extends NumericArray>(data: T, shape: readonly number[]): CArray<T> {
  const rank = shape.length;
  const rev = [...shape].reverse();
  const perm = rev.map((_, k) => rank - 1 - k);
  return permuteAxes(data, rev, perm);
}

/** C-order data of logical shape `shape` to a Fortran-order (first axis fastest) copy. */
export function cToFortran<T extends NumericArray>(data: T, shape: readonly number[]): CArray<T> {
  const rank = shape.length;
  const perm = shape.map((_, k) => rank - 1 - k);
  return { data: permuteAxes(data, shape, perm).data, shape: [...shape] };
}

/** A volume in the project's in-memory layout: C order, axes reversed from the file, e.g. [D, H, W]. */
export interface ZyxVolume<T extends NumericArray = NumericArray> {
  /** The same memory as the NIfTI data (no copy). */
  data: T;
  /** [Z, Y, X] for 3D ([T, Z, Y, X] for 4D, [Y, X] for 2D). */
  shape: number[];
  /** Voxel sizes in the same (reversed) order, mm for spatial axes. */
  spacing: number[];
}

/**
 * NIfTI order (x fastest, shape [X, Y, Z, ...]) to the project's C-order layout (shape [..., Z, Y, X]):
 * voxel (i, j, k) of the file is element [k, j, i], i.e. `data[(k * Y + j) * X + i]`. Zero-copy: the data is
 * shared, only `shape` and `spacing` are reversed. Empty volumes stay empty.
 */
export function niftiToZyx<T extends NumericArray>(vol: {
  data: T;
  shape: readonly number[];
  spacing?: readonly number[];
}): ZyxVolume<T> {
  checkShape(vol.data, vol.shape);
  return {
    data: vol.data,
    shape: [...vol.shape].reverse(),
    spacing: [...(vol.spacing ?? vol.shape.map(() => 1))].reverse(),
  };
}

/** Inverse of `niftiToZyx`: C-order [..., Z, Y, X] back to NIfTI's x-fastest [X, Y, Z, ...]. Zero-copy. */
export function zyxToNifti<T extends NumericArray>(vol: {
  data: T;
  shape: readonly number[];
  spacing?: readonly number[];
}): ZyxVolume<T> {
  return niftiToZyx(vol);
}

/** Reads element `index` (one index per axis) of a C-order array, as a number (BigInt elements converted). */
export function elementAt(data: NumericArray, shape: readonly number[], index: readonly number[]): number {
  let off = 0;
  for (let k = 0; k < shape.length; k++) {
    const i = index[k] ?? -1;
    if (!(i >= 0 && i < shape[k]!))
      throw new RangeError(`index [${index.join(', ')}] outside shape [${shape.join(', ')}]`);
    off = off * shape[k]! + i;
  }
  return Number(data[off]!);
}

/**
 * Reorders the axes of a C-order array whose axes are named by letters, e.g. LA h5 to the project's layout:
 * `reorderAxes(data, [X, Y, Z], 'xyz', 'zyx')` gives shape [Z, Y, X] with element [k, j, i] = input [i, j, k].
 * Copies (returns the input unchanged, not copied, when `from === to`). Throws RangeError when `from` and `to`
 * are not the same distinct letters, one per axis.
 */
export function reorderAxes<T extends NumericArray>(
  data: T,
  shape: readonly number[],
  from: string,
  to: string,
): CArray<T> {
  const ok =
    from.length === shape.length &&
    to.length === from.length &&
    new Set(from).size === from.length &&
    [...to].every((c) => from.includes(c));
  if (!ok) throw new RangeError(`cannot reorder axes '${from}' (shape [${shape.join(', ')}]) to '${to}'`);
  if (from === to) {
    checkShape(data, shape);
    return { data, shape: [...shape] };
  }
  return permuteAxes(
    data,
    shape,
    [...to].map((c) => from.indexOf(c)),
  );
}
