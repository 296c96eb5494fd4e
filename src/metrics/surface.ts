/**
 * Surfaces and surface distances with medpy's definitions (`medpy.metric.binary`, connectivity 1).
 *
 * - Surface of a mask = mask XOR its binary erosion by the connectivity-1 cross (6 neighbours in 3D, 4 in 2D),
 *   one iteration, everything outside the array counting as background (scipy's `border_value=0`): so mask
 *   voxels on the array border are always surface voxels.
 * - Directed surface distances result -> reference = for each surface voxel of `result`, the Euclidean distance
 *   (with spacing) to the nearest surface voxel of `reference` (not to the reference mask: a result surface voxel
 *   inside the reference is at a positive distance unless it lies on the reference surface).
 * - HD95 = 95th percentile (numpy's default linear interpolation) of the concatenation of both directed lists
 *   (medpy's `hd95`; not the maximum of two directed percentiles).
 * - ASD = mean of the directed distances result -> reference (medpy's `asd(result, reference)`, one direction).
 * - ASSD = mean of `asd(result, reference)` and `asd(reference, result)` (medpy 0.4's `assd`).
 *
 * All functions crop to the bounding box of both masks grown by one voxel before the distance transform. This
 * does not change any value: every surface voxel of either mask lies in the box, the nearest surface voxel is
 * therefore found inside it, and voxels outside the box are background in the full volume as well, so the
 * erosion (border value 0) sees the same neighbourhoods.
 *
 * Empty masks: medpy raises when either mask is empty. Here the distance lists are well defined (no surface
 * voxels -> empty list; distances to an empty surface -> `Infinity`), and the scalar metrics return `NaN`
 * whenever either mask is empty. What an evaluation reports then is the job of `policy.ts`.
 */

import { distancesAtSamples } from './edt.ts';
import {
  boxGrid,
  checkLength,
  cropBinary,
  type Grid,
  growBox,
  makeGrid,
  maskBox,
  type Shape,
  type Spacing,
  unionBox,
} from './grid.ts';

/** Both directed surface distance lists of a pair of masks, in the unit of the spacing. */
export interface SurfaceDistances {
  /** For each surface voxel of `result` (C order), distance to the nearest `reference` surface voxel. */
  readonly resultToReference: Float64Array;
  /** For each surface voxel of `reference` (C order), distance to the nearest `result` surface voxel. */
  readonly referenceToResult: Float64Array;
}

/**
 * Surface voxels (mask AND NOT erosion by the cross) of a binary mask on a lifted grid.
 *
 * @param mask - C-order array on `grid`, non-zero = foreground.
 * @returns Uint8Array of 0/1 on the same grid; empty mask -> all zeros.
 */
export function surfaceOnGrid(mask: ArrayLike<number>, grid: Grid, out?: Uint8Array): Uint8Array {
  checkLength(mask, grid, 'mask');
  const [D, H, W] = grid.dims;
  const HW = H * W;
  const useH = grid.ndim >= 2;
  const useD = grid.ndim === 3;
  const res = out ?? new Uint8Array(grid.size);
  let i = 0;
  for (let d = 0; d < D; d++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++, i++) {
        if (mask[i] === 0) {
          res[i] = 0;
          continue;
        }
        let interior = w > 0 && w < W - 1 && mask[i - 1] !== 0 && mask[i + 1] !== 0 ? 1 : 0;
        if (interior && useH) {
          interior = h > 0 && h < H - 1 && mask[i - W] !== 0 && mask[i + W] !== 0 ? 1 : 0;
        }
        if (interior && useD) {
          interior = d > 0 && d < D - 1 && mask[i - HW] !== 0 && mask[i + HW] !== 0 ? 1 : 0;
        }
        res[i] = interior ? 0 : 1;
      }
    }
  }
  return res;
}

/**
 * medpy's surface of a binary mask: `mask XOR binary_erosion(mask, cross, border_value=0)`.
 *
 * @param mask - C-order `[D, H, W]`, `[H, W]` or `[W]` array, non-zero = foreground (Uint8/Int32/...).
 * @returns Uint8Array of 0/1, same shape; an empty mask has an empty surface.
 */
export function surfaceMask(mask: ArrayLike<number>, shape: Shape): Uint8Array {
  return surfaceOnGrid(mask, makeGrid(shape));
}

/**
 * Both directed surface distance lists for two binary masks on the same (already cropped) grid.
 *
 * @param result - C-order 0/1 (or non-zero) array on `grid`.
 * @param reference - same layout.
 * @returns lists in the spacing's unit; an empty mask gives an empty list from it and `Infinity` towards it.
 */
export function surfaceDistancesOnGrid(
  result: ArrayLike<number>,
  reference: ArrayLike<number>,
  grid: Grid,
): SurfaceDistances {
  const rs = surfaceOnGrid(result, grid);
  const gs = surfaceOnGrid(reference, grid);
  const work = new Float64Array(grid.size);
  const resultToReference = distancesAtSamples(gs, rs, grid, work);
  const referenceToResult = distancesAtSamples(rs, gs, grid, work);
  return { resultToReference, referenceToResult };
}

/**
 * Both directed surface distance lists of two binary masks (medpy's `__surface_distances` in each direction),
 * computed on the bounding box of both masks grown by one voxel (identical results, much less work).
 *
 * @param result - C-order `[D, H, W]` / `[H, W]` array, non-zero = foreground (the prediction).
 * @param reference - same shape (the ground truth).
 * @param spacing - per-axis spacing in mm; default 1 (voxel units).
 * @returns `{resultToReference, referenceToResult}`, Float64 distances; see the module note on empty masks.
 */
export function surfaceDistances(
  result: ArrayLike<number>,
  reference: ArrayLike<number>,
  shape: Shape,
  spacing?: Spacing,
): SurfaceDistances {
  const grid = makeGrid(shape, spacing);
  checkLength(result, grid, 'result');
  checkLength(reference, grid, 'reference');
  const rb = maskBox(result, grid);
  const gb = maskBox(reference, grid);
  const box = unionBox(rb, gb);
  if (box === null) return { resultToReference: new Float64Array(0), referenceToResult: new Float64Array(0) };
  const crop = growBox(box, grid, 1);
  const cg = boxGrid(crop, grid);
  return surfaceDistancesOnGrid(cropBinary(result, grid, crop), cropBinary(reference, grid, crop), cg);
}

/**
 * Percentile with numpy's default (`method='linear'`) rule: sort, virtual index `(n - 1) * q / 100`,
 * linear interpolation between its neighbours (numpy's `_lerp`, including its `t >= 0.5` branch).
 *
 * @param values - the sample (not modified); `q` in [0, 100].
 * @returns the percentile; `NaN` for an empty sample.
 */
export function percentile(values: Float64Array, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const virt = (n - 1) * (q / 100);
  const lo = Math.floor(virt);
  const hi = Math.min(lo + 1, n - 1);
  const t = virt - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

function mean(values: Float64Array): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

function bothNonEmpty(sd: SurfaceDistances): boolean {
  return sd.resultToReference.length > 0 && sd.referenceToResult.length > 0;
}

/** HD95 (medpy): 95th percentile of both directed lists concatenated; `NaN` if either mask is empty. */
export function hd95FromDistances(sd: SurfaceDistances): number {
  if (!bothNonEmpty(sd)) return Number.NaN;
  const all = new Float64Array(sd.resultToReference.length + sd.referenceToResult.length);
  all.set(sd.resultToReference, 0);
  all.set(sd.referenceToResult, sd.resultToReference.length);
  return percentile(all, 95);
}

/** ASD (medpy `asd(result, reference)`): mean distance result -> reference; `NaN` if either is empty. */
export function asdFromDistances(sd: SurfaceDistances): number {
  if (!bothNonEmpty(sd)) return Number.NaN;
  return mean(sd.resultToReference);
}

/** ASSD (medpy 0.4 `assd`): mean of the two directed ASDs; `NaN` if either mask is empty. */
export function assdFromDistances(sd: SurfaceDistances): number {
  if (!bothNonEmpty(sd)) return Number.NaN;
  return (mean(sd.resultToReference) + mean(sd.referenceToResult)) / 2;
}

/**
 * 95th-percentile Hausdorff distance of two binary masks (medpy `hd95`, connectivity 1).
 *
 * @param result - prediction, C-order `[D, H, W]` / `[H, W]`, non-zero = foreground.
 * @param reference - ground truth, same shape.
 * @param spacing - mm per axis; default 1 (result in voxels).
 * @returns distance in the spacing's unit; `NaN` when either mask is empty (medpy raises).
 */
export function hd95(
  result: ArrayLike<number>,
  reference: ArrayLike<number>,
  shape: Shape,
  spacing?: Spacing,
): number {
  return hd95FromDistances(surfaceDistances(result, reference, shape, spacing));
}

/**
 * Average surface distance result -> reference (medpy `asd`, directed, connectivity 1).
 *
 * @param result - prediction, C-order `[D, H, W]` / `[H, W]`, non-zero = foreground.
 * @param reference - ground truth, same shape.
 * @param spacing - mm per axis; default 1 (result in voxels).
 * @returns mean distance in the spacing's unit; `NaN` when either mask is empty (medpy raises).
 */
export function asd(
  result: ArrayLike<number>,
  reference: ArrayLike<number>,
  shape: Shape,
  spacing?: Spacing,
): number {
  return asdFromDistances(surfaceDistances(result, reference, shape, spacing));
}

/**
 * Average symmetric surface distance (medpy 0.4 `assd`: mean of both directed ASDs).
 *
 * @param result - C-order `[D, H, W]` / `[H, W]`, non-zero = foreground; `reference` the same shape.
 * @param spacing - mm per axis; default 1 (result in voxels).
 * @returns distance in the spacing's unit; `NaN` when either mask is empty.
 */
export function assd(
  result: ArrayLike<number>,
  reference: ArrayLike<number>,
  shape: Shape,
  spacing?: Spacing,
): number {
  return assdFromDistances(surfaceDistances(result, reference, shape, spacing));
}
