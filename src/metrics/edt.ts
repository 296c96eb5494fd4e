/**
 * Exact Euclidean distance transform with anisotropic spacing.
 *
 * Separable algorithm: a linear two-sided scan along the last axis gives exact 1D distances, then each further
 * axis takes the lower envelope of the parabolas `s^2 (x - q)^2 + f(q)` (Felzenszwalb & Huttenlocher,
 * "Distance Transforms of Sampled Functions", 2012). Squared distances are kept in Float64 throughout, so the
 * result is the exact minimum over feature voxels of `sum_a (s_a * delta_a)^2` up to rounding; total cost is
 * O(N) per axis.
 *
 * Relation to scipy: `edt(feature, shape, spacing)` equals
 * `scipy.ndimage.distance_transform_edt(feature == 0, sampling=spacing)` wherever the feature set is not empty.
 * With an empty feature set scipy returns finite but meaningless numbers (distances to a virtual point outside
 * the array); here every voxel is `Infinity`.
 *
 * `distancesAtSamples` returns the same distances only at chosen voxels and skips the lines of the H and D
 * passes that no chosen voxel needs; surface metrics use it, which makes them several times cheaper than a
 * full transform.
 */

import { checkLength, type Grid, makeGrid, type Shape, type Spacing } from './grid.ts';

/** Line buffers of the 1D envelope, sized for the longest strided axis. */
interface Scratch {
  f: Float64Array;
  g: Float64Array;
  v: Int32Array;
  z: Float64Array;
}

function scratch(n: number): Scratch {
  return { f: new Float64Array(n), g: new Float64Array(n), v: new Int32Array(n), z: new Float64Array(n + 1) };
}

/**
 * Lower envelope of parabolas for one line: `g[p] = min_q w2 * (p - q)^2 + f[q]` over the finite `f[q]`.
 * Lines without any finite entry come out all `Infinity`. The intersection test `x <= z[k]` with
 * `x = num / den` (den > 0) is evaluated as `num <= z[k] * den` so each step costs one division at most.
 */
function envelope1d(n: number, w2: number, s: Scratch): void {
  const { f, g, v, z } = s;
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q]!;
    if (fq === Number.POSITIVE_INFINITY) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = Number.NEGATIVE_INFINITY;
      z[1] = Number.POSITIVE_INFINITY;
      continue;
    }
    const hq = fq + w2 * q * q;
    let p = v[k]!;
    let num = hq - (f[p]! + w2 * p * p);
    let den = 2 * w2 * (q - p);
    while (num <= z[k]! * den) {
      k--;
      p = v[k]!;
      num = hq - (f[p]! + w2 * p * p);
      den = 2 * w2 * (q - p);
    }
    k++;
    v[k] = q;
    z[k] = num / den;
    z[k + 1] = Number.POSITIVE_INFINITY;
  }
  if (k < 0) {
    g.fill(Number.POSITIVE_INFINITY, 0, n);
    return;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const p = v[k]!;
    const dq = q - p;
    g[q] = w2 * dq * dq + f[p]!;
  }
}

/**
 * Runs the envelope along every line of one strided axis of `buf`, in place. With `need`, only lines whose
 * flag is set are computed: for axis 1 (H) the flag of line (d, w) is `need[w]`, for axis 0 (D) the flag of
 * line (h, w) is `need[h * W + w]`.
 */
function envelopeAxis(buf: Float64Array, grid: Grid, axis: 0 | 1, s: Scratch, need?: Uint8Array): void {
  const [D, H, W] = grid.dims;
  const n = axis === 0 ? D : H;
  if (n <= 1) return;
  const stride = axis === 0 ? H * W : W;
  const w2 = grid.spacing[axis] * grid.spacing[axis];
  const outer = axis === 0 ? 1 : D;
  const inner = axis === 0 ? H * W : W;
  const block = axis === 0 ? 0 : H * W;
  const { f, g } = s;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      if (need !== undefined && need[i] === 0) continue;
      const base = o * block + i;
      let any = false;
      for (let k = 0, j = base; k < n; k++, j += stride) {
        const val = buf[j]!;
        f[k] = val;
        if (val !== Number.POSITIVE_INFINITY) any = true;
      }
      if (!any) continue;
      envelope1d(n, w2, s);
      for (let k = 0, j = base; k < n; k++, j += stride) buf[j] = g[k]!;
    }
  }
}

/** Last axis: exact 1D squared distances by a forward and a backward scan. */
function scanRows(feature: ArrayLike<number>, grid: Grid, buf: Float64Array): void {
  const [D, H, W] = grid.dims;
  const sw2 = grid.spacing[2] * grid.spacing[2];
  const rows = D * H;
  for (let r = 0; r < rows; r++) {
    const base = r * W;
    let last = Number.NEGATIVE_INFINITY;
    for (let w = 0; w < W; w++) {
      if (feature[base + w] !== 0) last = w;
      buf[base + w] = w - last;
    }
    let next = Number.POSITIVE_INFINITY;
    for (let w = W - 1; w >= 0; w--) {
      if (feature[base + w] !== 0) next = w;
      const a = buf[base + w]!;
      const b = next - w;
      const m = a < b ? a : b;
      buf[base + w] = m * m * sw2;
    }
  }
}

/**
 * Squared exact Euclidean distance from every voxel to the nearest feature voxel, on a lifted grid.
 *
 * @param feature - C-order array on `grid`; non-zero marks a feature voxel.
 * @param grid - geometry from {@link makeGrid}; distances use its spacing (mm, or voxels for unit spacing).
 * @param out - optional Float64Array of `grid.size` to write into.
 * @returns squared distances (Float64, unit^2); 0 on feature voxels; all `Infinity` if there is no feature.
 */
export function squaredEdtOnGrid(feature: ArrayLike<number>, grid: Grid, out?: Float64Array): Float64Array {
  checkLength(feature, grid, 'feature mask');
  const [D, H] = grid.dims;
  const buf = out ?? new Float64Array(grid.size);
  if (buf.length !== grid.size) throw new RangeError('metrics: edt output has the wrong length');
  scanRows(feature, grid, buf);
  const s = scratch(Math.max(D, H));
  envelopeAxis(buf, grid, 1, s);
  envelopeAxis(buf, grid, 0, s);
  return buf;
}

/**
 * Exact distances from the sample voxels to the nearest feature voxel, on a lifted grid. Same values as
 * `sqrt(squaredEdtOnGrid(feature, grid))` read at the samples, but lines of the last passes that contain no
 * sample are skipped, which saves most of the work when the samples are sparse (surface voxels).
 *
 * @param feature - C-order array on `grid`; non-zero = feature voxel.
 * @param samples - C-order array on `grid`; non-zero = voxel whose distance is wanted.
 * @param work - optional Float64Array of `grid.size` used as scratch (its content is overwritten).
 * @returns Float64Array with one distance per sample voxel, in C order (spacing's unit); `Infinity` for
 *   every sample when the feature set is empty.
 */
export function distancesAtSamples(
  feature: ArrayLike<number>,
  samples: ArrayLike<number>,
  grid: Grid,
  work?: Float64Array,
): Float64Array {
  checkLength(feature, grid, 'feature mask');
  checkLength(samples, grid, 'sample mask');
  const [D, H, W] = grid.dims;
  const HW = H * W;
  const buf = work ?? new Float64Array(grid.size);
  if (buf.length !== grid.size) throw new RangeError('metrics: edt work buffer has the wrong length');
  // needLine[h * W + w]: column (h, w) holds a sample; needCol[w]: some sample has this w.
  const needLine = new Uint8Array(HW);
  const needCol = new Uint8Array(W);
  let count = 0;
  for (let d = 0, i = 0; d < D; d++) {
    for (let j = 0; j < HW; j++, i++) {
      if (samples[i] !== 0) {
        needLine[j] = 1;
        count++;
      }
    }
  }
  for (let j = 0; j < HW; j++) if (needLine[j] !== 0) needCol[j % W] = 1;
  scanRows(feature, grid, buf);
  const s = scratch(Math.max(D, H));
  envelopeAxis(buf, grid, 1, s, needCol);
  envelopeAxis(buf, grid, 0, s, needLine);
  const out = new Float64Array(count);
  for (let i = 0, k = 0; i < grid.size; i++) {
    if (samples[i] !== 0) out[k++] = Math.sqrt(buf[i]!);
  }
  return out;
}

/**
 * Squared exact Euclidean distance transform.
 *
 * @param feature - C-order `[D, H, W]` (or `[H, W]`, `[W]`) array, any integer dtype; non-zero = feature.
 * @param shape - the array's shape.
 * @param spacing - per-axis spacing in mm (default 1: result in voxel units squared).
 * @returns Float64Array of squared distances to the nearest feature voxel (0 on features); all `Infinity`
 *   when the feature set is empty.
 */
export function squaredEdt(feature: ArrayLike<number>, shape: Shape, spacing?: Spacing): Float64Array {
  return squaredEdtOnGrid(feature, makeGrid(shape, spacing));
}

/**
 * Exact Euclidean distance transform: distance from each voxel to the nearest non-zero voxel of `feature`,
 * as `scipy.ndimage.distance_transform_edt(feature == 0, sampling=spacing)`.
 *
 * @param feature - C-order `[D, H, W]` (or `[H, W]`, `[W]`) array, any integer dtype; non-zero = feature.
 * @param shape - the array's shape.
 * @param spacing - per-axis spacing in mm (default 1: distances in voxels).
 * @returns Float64Array of distances in the spacing's unit; all `Infinity` when the feature set is empty.
 */
export function edt(feature: ArrayLike<number>, shape: Shape, spacing?: Spacing): Float64Array {
  const d = squaredEdtOnGrid(feature, makeGrid(shape, spacing));
  for (let i = 0; i < d.length; i++) d[i] = Math.sqrt(d[i]!);
  return d;
}
