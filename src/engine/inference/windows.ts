/**
 * Window geometry of sliding-window inference: where windows start along each axis, and how a volume smaller
 * than the patch is padded. Pure integer arithmetic on sizes, no tensors.
 *
 * Rules (per axis, `size` = volume size after padding, `patch` = window size, `stride` = step in voxels):
 * - `clamped` (DHC/SKCDF `test_all_case`, spec/dhc.md §7 and §12 G9; CML/UA-MT `test_3d_patch.py`,
 *   spec/cml.md §7.1; spec/skcdf.md §6): `n = ceil((size - patch) / stride) + 1` windows starting at
 *   `min(i * stride, size - patch)`, so the last window is flush with the end.
 * - `even` (nnU-Net's `compute_steps_for_sliding_window`): the same count `n`, but the starts are spread evenly,
 *   `round(i * (size - patch) / (n - 1))` with numpy's round-half-to-even.
 * Padding (spec/cml.md §7.1, UA-MT): an axis shorter than the patch is padded to the patch size with
 * `before = floor(deficit / 2)`, `after = deficit - before`; an axis at least as long as the patch is not
 * padded. DHC never pads (its volumes are never smaller than the patch), so the rule is common to all.
 */

/** How window starts are placed along an axis (see the module comment). */
export type WindowRule = 'clamped' | 'even';

/** Padding of one axis: voxels added before and after. */
export interface AxisPad {
  before: number;
  after: number;
}

function checkPositiveInts(values: readonly number[], what: string): void {
  for (const v of values) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`sliding window: ${what} must be positive integers, got [${values.join(', ')}]`);
    }
  }
}

/** numpy's `np.round` on a float: round half to even. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Start indices of the windows along one axis.
 *
 * @param size - axis length in voxels, at least `patch` (pad first, see {@link paddingFor}).
 * @param patch - window length in voxels (positive integer).
 * @param stride - step between window starts in voxels (positive integer, at most `patch` so that every voxel
 *   is covered).
 * @param rule - `clamped` (default, the seeds' formula) or `even` (nnU-Net).
 * @returns `ceil((size - patch) / stride) + 1` increasing starts; the first is 0, the last `size - patch`.
 *   `size === patch` gives `[0]`.
 * @throws RangeError when a size is not a positive integer, `size < patch` or `stride > patch`.
 */
export function windowStarts(
  size: number,
  patch: number,
  stride: number,
  rule: WindowRule = 'clamped',
): number[] {
  checkPositiveInts([size, patch, stride], 'size, patch and stride');
  if (size < patch)
    throw new RangeError(`sliding window: axis of ${size} voxels is shorter than the patch ${patch}`);
  if (stride > patch) {
    throw new RangeError(
      `sliding window: stride ${stride} exceeds the patch ${patch}; voxels would be skipped`,
    );
  }
  const n = Math.ceil((size - patch) / stride) + 1;
  const last = size - patch;
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (rule === 'clamped') starts.push(Math.min(i * stride, last));
    else starts.push(n === 1 ? 0 : roundHalfEven((last / (n - 1)) * i));
  }
  return starts;
}

/**
 * Padding that brings each axis up to the patch size (symmetric, the extra voxel after), zero where the axis
 * is already long enough.
 *
 * @param shape - spatial sizes, e.g. `[D, H, W]` in voxels.
 * @param patch - window sizes, one per axis.
 * @returns one `{before, after}` per axis.
 */
export function paddingFor(shape: readonly number[], patch: readonly number[]): AxisPad[] {
  if (shape.length !== patch.length) {
    throw new RangeError(
      `sliding window: patch [${patch.join(', ')}] does not match shape [${shape.join(', ')}]`,
    );
  }
  checkPositiveInts(patch, 'patch sizes');
  return shape.map((s, a) => {
    const deficit = Math.max(patch[a]! - s, 0);
    const before = Math.floor(deficit / 2);
    return { before, after: deficit - before };
  });
}

/**
 * Every window of a padded volume as its start per axis, in C order over the axes (the first axis outermost,
 * as the seeds' nested loops visit them).
 *
 * @param shape - padded spatial sizes (each at least the patch).
 * @param patch - window sizes, one per axis.
 * @param stride - steps, one per axis.
 * @returns `[start_0, start_1, ...]` per window; the count is the product of the per-axis counts.
 */
export function windowGrid(
  shape: readonly number[],
  patch: readonly number[],
  stride: readonly number[],
  rule: WindowRule = 'clamped',
): number[][] {
  if (shape.length !== patch.length || shape.length !== stride.length) {
    throw new RangeError(
      `sliding window: shape [${shape.join(', ')}], patch [${patch.join(', ')}] and stride ` +
        `[${stride.join(', ')}] need the same number of axes`,
    );
  }
  const perAxis = shape.map((s, a) => windowStarts(s, patch[a]!, stride[a]!, rule));
  let grid: number[][] = [[]];
  for (const starts of perAxis) {
    const next: number[][] = [];
    for (const prefix of grid) for (const s of starts) next.push([...prefix, s]);
    grid = next;
  }
  return grid;
}
