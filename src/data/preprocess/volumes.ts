/**
 * From file arrays to the project's in-memory volumes: NIfTI (x fastest) and h5 (C order in the file's own axis
 * order) to C-order `[D, H, W]` = (z, y, x) float32 images and uint8 label maps, with the checks every adapter
 * needs (finite image values, integer label values inside the classes, matching shapes).
 *
 * Orientation (data-io spec "Memory order", DHC spec §1): like SimpleITK's `GetArrayFromImage`, the voxel array
 * is only viewed with its axes reversed; nothing is reoriented or resampled to a standard direction (DHC does no
 * reorientation, AMOS orientations are never normalised). The source affine is kept in the manifest instead.
 */

import type { NumericArray } from '../../io/dtypes.ts';
import { reorderAxes } from '../../io/layout.ts';
import type { NiftiVolume } from '../../io/nifti.ts';
import { dataFail } from '../data-error.ts';
import { firstNonFinite } from './intensity.ts';

/** A single-channel volume in the project's layout. */
export interface ZyxArray<T extends Float32Array | Uint8Array> {
  /** C order, `[D, H, W]` (or `[H, W]`). */
  data: T;
  shape: number[];
  /** mm per axis in the same order, or null when the file stores none. */
  spacing: number[] | null;
}

/** Converts any numeric typed array to float32 (int64 through Number). Empty input gives an empty array. */
export function toFloat32(data: NumericArray): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]!);
    return out;
  }
  return Float32Array.from(data as ArrayLike<number>);
}

/** The spatial shape of a NIfTI volume: rank 2 or 3 after dropping trailing axes of size 1. */
function niftiSpatial(vol: Pick<NiftiVolume, 'shape'>, where: string): number {
  let rank = vol.shape.length;
  while (rank > 3 && vol.shape[rank - 1] === 1) rank--;
  if (rank !== 2 && rank !== 3)
    dataFail(where, `has shape (${vol.shape.join(', ')})`, 'a 3D volume (x, y, z) or a 2D image (x, y)');
  checkNotEmpty(vol.shape, where);
  return rank;
}

function checkNotEmpty(shape: readonly number[], where: string): void {
  if (shape.some((s) => s === 0))
    dataFail(where, `has an empty axis (shape (${shape.join(', ')}))`, 'a non-empty volume');
}

/**
 * A NIfTI volume as a float32 `[D, H, W]` = (z, y, x) array (2D files: `[H, W]`), spacing reversed to the same
 * order (mm). Scaled data (scl_slope) arrives as float64 from the reader and is rounded to float32, as
 * SimpleITK's cast to float32. Throws `DataError` naming `where` for a 4D file, an empty axis, or a NaN /
 * infinite voxel (with its (x, y, z) index in the file).
 */
export function niftiImage(vol: NiftiVolume, where: string): ZyxArray<Float32Array> {
  const rank = niftiSpatial(vol, where);
  const shape = vol.shape.slice(0, rank);
  const data = vol.data instanceof Float32Array ? vol.data.slice() : toFloat32(vol.data);
  const bad = firstNonFinite(data);
  if (bad >= 0)
    dataFail(
      where,
      `voxel ${niftiIndex(bad, shape)} is ${data[bad]}`,
      'finite intensities (no NaN or infinity)',
    );
  return { data, shape: shape.reverse(), spacing: vol.spacing.slice(0, rank).reverse() };
}

/** `(x, y, z)` of flat index `i` in NIfTI (x fastest) order. */
export function niftiIndex(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  let r = i;
  for (const s of shape) {
    idx.push(r % s);
    r = Math.floor(r / s);
  }
  return `(${idx.join(', ')})`;
}

/** `[d, h, w]` of flat index `i` in C order. */
export function cIndex(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  let r = i;
  for (let k = shape.length - 1; k >= 0; k--) {
    idx.unshift(r % shape[k]!);
    r = Math.floor(r / shape[k]!);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * Checks and converts label values to uint8: every value must be an integer in `0..numClasses-1` (float
 * labels with integral values are accepted, as the references' float32 label arrays). `locate(i)` formats the
 * position of flat index `i` for the message. Throws `DataError` naming `where`, the value and its position.
 * Empty input gives an empty array.
 */
export function toLabelMap(
  data: NumericArray,
  numClasses: number,
  where: string,
  locate: (i: number) => string,
  classNote = '',
): Uint8Array {
  const out = new Uint8Array(data.length);
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  for (let i = 0; i < data.length; i++) {
    const v = big ? Number(data[i]!) : (data[i] as number);
    if (Number.isInteger(v) && v >= 0 && v < numClasses) {
      out[i] = v;
      continue;
    }
    const why = Number.isInteger(v) ? 'is outside the classes' : 'is not an integer class';
    dataFail(
      where,
      `label value ${v} at voxel ${locate(i)} ${why}`,
      `integer values 0..${numClasses - 1}${classNote ? ` (${classNote})` : ''}`,
    );
  }
  return out;
}

/**
 * A NIfTI label map as uint8 `[D, H, W]` = (z, y, x) with spacing in mm in the same order (see `toLabelMap`);
 * positions in messages are the file's (x, y, z). An empty axis or a 4D file throws `DataError`.
 */
export function niftiLabel(
  vol: NiftiVolume,
  numClasses: number,
  where: string,
  classNote = '',
): ZyxArray<Uint8Array> {
  const rank = niftiSpatial(vol, where);
  const shape = vol.shape.slice(0, rank);
  const data = toLabelMap(vol.data, numClasses, where, (i) => niftiIndex(i, shape), classNote);
  return { data, shape: shape.reverse(), spacing: vol.spacing.slice(0, rank).reverse() };
}

/**
 * An h5 array in axis order `axes` (LA: 'xyz'; ACDC volumes: 'zyx'; slices: 'yx') to C-order (z, y, x) /
 * (y, x) float32 (spacing null: h5 files store none). Throws `DataError` for a rank that does not match `axes`,
 * an empty axis, or a non-finite value.
 */
export function h5Image(
  a: { data: NumericArray; shape: number[] },
  axes: string,
  where: string,
): ZyxArray<Float32Array> {
  if (a.shape.length !== axes.length)
    dataFail(
      where,
      `image has shape (${a.shape.join(', ')})`,
      `${axes.length} axes (${[...axes].join(', ')})`,
    );
  checkNotEmpty(a.shape, where);
  const to = axes.length === 3 ? 'zyx' : 'yx';
  const { data, shape } = reorderAxes(toFloat32(a.data), a.shape, axes, to);
  const out = data === a.data ? (data as Float32Array).slice() : (data as Float32Array);
  const bad = firstNonFinite(out);
  if (bad >= 0)
    dataFail(
      where,
      `image value at ${cIndex(bad, shape)} is ${out[bad]}`,
      'finite intensities (no NaN or infinity)',
    );
  return { data: out, shape, spacing: null };
}

/**
 * An h5 label array in axis order `axes` to uint8 (z, y, x) / (y, x); checks values as `toLabelMap`. The shape
 * is the image's (the IO layer checks that); an empty array gives an empty map.
 */
export function h5Label(
  a: { data: NumericArray; shape: number[] },
  axes: string,
  numClasses: number,
  where: string,
): ZyxArray<Uint8Array> {
  const to = axes.length === 3 ? 'zyx' : 'yx';
  const lab = toLabelMap(a.data, numClasses, where, (i) => `(${axes}) ${cIndex(i, a.shape)}`);
  const { data, shape } = reorderAxes(lab, a.shape, axes, to);
  return { data: data as Uint8Array, shape, spacing: null };
}

/** Sorted distinct values of a uint8 label map (a 256-bin histogram). Empty input gives []. */
export function distinctLabels(label: Uint8Array): number[] {
  const seen = new Uint8Array(256);
  for (let i = 0; i < label.length; i++) seen[label[i]!] = 1;
  const out: number[] = [];
  for (let v = 0; v < 256; v++) if (seen[v]) out.push(v);
  return out;
}
