/**
 * Shapes, spacing and bounding boxes shared by the metric kernels.
 *
 * Every volume in `src/metrics/` is a flat typed array in C order (last axis fastest): a 3D volume has shape
 * `[D, H, W]`, a 2D image `[H, W]`, a 1D profile `[W]`. Internally everything is lifted to three axes by
 * prepending axes of length 1; `ndim` remembers which axes are real, because the erosion used for surfaces
 * treats a missing axis differently from a real axis of length 1 (a real axis of length 1 has background
 * neighbours on both sides, a missing axis has no neighbours at all).
 */

/** Shape of a C-order volume: `[D, H, W]`, `[H, W]` or `[W]`, positive integers. */
export type Shape = readonly number[];

/** Per-axis voxel spacing in mm, same length and axis order as the shape. */
export type Spacing = readonly number[];

/** A volume's geometry lifted to three axes. */
export interface Grid {
  /** Axis lengths `[D, H, W]`; missing leading axes have length 1. */
  readonly dims: readonly [number, number, number];
  /** Number of real axes (1, 2 or 3); the real axes are the last `ndim` of `dims`. */
  readonly ndim: 1 | 2 | 3;
  /** Spacing `[sD, sH, sW]` in mm (1 for missing axes). */
  readonly spacing: readonly [number, number, number];
  /** Number of voxels, `D * H * W`. */
  readonly size: number;
}

/** Half-open box `[lo, hi)` per axis on a lifted grid, `[D, H, W]` order. */
export interface Box {
  readonly lo: readonly [number, number, number];
  readonly hi: readonly [number, number, number];
}

/**
 * Validates a shape and an optional spacing and lifts them to three axes.
 *
 * @param shape - `[D, H, W]`, `[H, W]` or `[W]`; every entry a positive integer.
 * @param spacing - per-axis spacing in mm, one entry per shape axis, each finite and > 0; default all 1
 *   (distances then come out in voxels).
 * @throws RangeError on a malformed shape or spacing.
 */
export function makeGrid(shape: Shape, spacing?: Spacing): Grid {
  const n = shape.length;
  if (n < 1 || n > 3) throw new RangeError(`metrics: shape must have 1 to 3 axes, got [${shape.join(', ')}]`);
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 1) throw new RangeError(`metrics: bad shape [${shape.join(', ')}]`);
  }
  if (spacing !== undefined) {
    if (spacing.length !== n) {
      throw new RangeError(
        `metrics: spacing [${spacing.join(', ')}] does not match shape [${shape.join(', ')}]`,
      );
    }
    for (const s of spacing) {
      if (!Number.isFinite(s) || s <= 0) throw new RangeError(`metrics: bad spacing [${spacing.join(', ')}]`);
    }
  }
  const dims: [number, number, number] = [1, 1, 1];
  const sp: [number, number, number] = [1, 1, 1];
  for (let i = 0; i < n; i++) {
    dims[3 - n + i] = shape[i]!;
    sp[3 - n + i] = spacing === undefined ? 1 : spacing[i]!;
  }
  return { dims, ndim: n as 1 | 2 | 3, spacing: sp, size: dims[0] * dims[1] * dims[2] };
}

/** Throws unless `array.length` equals the grid's voxel count. */
export function checkLength(array: ArrayLike<number>, grid: Grid, what: string): void {
  if (array.length !== grid.size) {
    throw new RangeError(`metrics: ${what} has ${array.length} elements, shape needs ${grid.size}`);
  }
}

/**
 * Bounding box of the non-zero voxels of a mask, or `null` when the mask is empty.
 *
 * @param mask - C-order `[D, H, W]` (or lifted 2D/1D) array; any non-zero value is foreground.
 */
export function maskBox(mask: ArrayLike<number>, grid: Grid): Box | null {
  const [D, H, W] = grid.dims;
  let d0 = D;
  let d1 = -1;
  let h0 = H;
  let h1 = -1;
  let w0 = W;
  let w1 = -1;
  let i = 0;
  for (let d = 0; d < D; d++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++, i++) {
        if (mask[i] !== 0) {
          if (d < d0) d0 = d;
          if (d > d1) d1 = d;
          if (h < h0) h0 = h;
          if (h > h1) h1 = h;
          if (w < w0) w0 = w;
          if (w > w1) w1 = w;
        }
      }
    }
  }
  if (d1 < 0) return null;
  return { lo: [d0, h0, w0], hi: [d1 + 1, h1 + 1, w1 + 1] };
}

/** Smallest box containing both (either may be `null`); `null` when both are. */
export function unionBox(a: Box | null, b: Box | null): Box | null {
  if (a === null) return b;
  if (b === null) return a;
  return {
    lo: [Math.min(a.lo[0], b.lo[0]), Math.min(a.lo[1], b.lo[1]), Math.min(a.lo[2], b.lo[2])],
    hi: [Math.max(a.hi[0], b.hi[0]), Math.max(a.hi[1], b.hi[1]), Math.max(a.hi[2], b.hi[2])],
  };
}

/** Grows a box by `margin` voxels on every real axis, clamped to the grid. */
export function growBox(box: Box, grid: Grid, margin: number): Box {
  const lo: [number, number, number] = [box.lo[0], box.lo[1], box.lo[2]];
  const hi: [number, number, number] = [box.hi[0], box.hi[1], box.hi[2]];
  for (let a = 3 - grid.ndim; a < 3; a++) {
    lo[a] = Math.max(0, lo[a]! - margin);
    hi[a] = Math.min(grid.dims[a]!, hi[a]! + margin);
  }
  return { lo, hi };
}

/** The grid of a box cut out of `grid`: same `ndim` and spacing, the box's extent. */
export function boxGrid(box: Box, grid: Grid): Grid {
  const dims: [number, number, number] = [
    box.hi[0] - box.lo[0],
    box.hi[1] - box.lo[1],
    box.hi[2] - box.lo[2],
  ];
  return { dims, ndim: grid.ndim, spacing: grid.spacing, size: dims[0] * dims[1] * dims[2] };
}

/**
 * Copies the box of a volume into a binary crop: `out[j] = volume[i] === value ? 1 : 0`, or
 * `volume[i] !== 0 ? 1 : 0` when `value` is `undefined`.
 *
 * @param volume - C-order `[D, H, W]` array on `grid` (Uint8, Int32 or any integer-valued array).
 * @param out - optional destination of length `boxGrid(box).size`; allocated when absent.
 * @returns the crop, C-order on `boxGrid(box, grid)`, values 0/1.
 */
export function cropBinary(
  volume: ArrayLike<number>,
  grid: Grid,
  box: Box,
  value?: number,
  out?: Uint8Array,
): Uint8Array {
  const cd = box.hi[0] - box.lo[0];
  const ch = box.hi[1] - box.lo[1];
  const cw = box.hi[2] - box.lo[2];
  const res = out ?? new Uint8Array(cd * ch * cw);
  const H = grid.dims[1];
  const W = grid.dims[2];
  let j = 0;
  for (let d = 0; d < cd; d++) {
    for (let h = 0; h < ch; h++) {
      let i = ((box.lo[0] + d) * H + box.lo[1] + h) * W + box.lo[2];
      if (value === undefined) {
        for (let w = 0; w < cw; w++, i++, j++) res[j] = volume[i] !== 0 ? 1 : 0;
      } else {
        for (let w = 0; w < cw; w++, i++, j++) res[j] = volume[i] === value ? 1 : 0;
      }
    }
  }
  return res;
}

/**
 * Largest distance between two voxel centres of the grid, `sqrt(sum(((n_a - 1) * s_a)^2))`, in the unit
 * of the spacing (mm, or voxels for unit spacing). Used as the worst-case distance penalty of the `strict`
 * policy; no surface distance on this grid can exceed it.
 */
export function gridDiagonal(grid: Grid): number {
  let s = 0;
  for (let a = 0; a < 3; a++) {
    const e = (grid.dims[a]! - 1) * grid.spacing[a]!;
    s += e * e;
  }
  return Math.sqrt(s);
}

/**
 * Bounding box of every class of a label volume in one pass (`null` for absent classes).
 *
 * @param labels - C-order `[D, H, W]` integer label volume on `grid`.
 * @param numClasses - classes `0..numClasses-1`; other values are ignored.
 */
export function classBoxes(labels: ArrayLike<number>, grid: Grid, numClasses: number): (Box | null)[] {
  checkLength(labels, grid, 'label volume');
  const [D, H, W] = grid.dims;
  const lo = new Int32Array(3 * numClasses).fill(0x7fffffff);
  const hi = new Int32Array(3 * numClasses).fill(-1);
  let i = 0;
  for (let d = 0; d < D; d++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++, i++) {
        const c = labels[i]!;
        if (!(c >= 0 && c < numClasses)) continue;
        const k = 3 * c;
        if (d < lo[k]!) lo[k] = d;
        if (d > hi[k]!) hi[k] = d;
        if (h < lo[k + 1]!) lo[k + 1] = h;
        if (h > hi[k + 1]!) hi[k + 1] = h;
        if (w < lo[k + 2]!) lo[k + 2] = w;
        if (w > hi[k + 2]!) hi[k + 2] = w;
      }
    }
  }
  const out: (Box | null)[] = [];
  for (let c = 0; c < numClasses; c++) {
    const k = 3 * c;
    out.push(
      hi[k]! < 0
        ? null
        : { lo: [lo[k]!, lo[k + 1]!, lo[k + 2]!], hi: [hi[k]! + 1, hi[k + 1]! + 1, hi[k + 2]! + 1] },
    );
  }
  return out;
}
