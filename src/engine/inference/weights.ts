/**
 * Per-voxel weights of a window when overlapping windows are blended.
 *
 * - constant (the seeds: DHC, SKCDF, CML, UA-MT): every voxel of a window weighs 1, so the blend is the mean
 *   of the covering windows' probabilities.
 * - Gaussian (nnU-Net v2 `compute_gaussian`, MONAI `mode='gaussian'`): voxels near the window centre weigh
 *   more, so seams between windows fade. nnU-Net filters a unit impulse at `floor(patch / 2)` with scipy's
 *   `gaussian_filter(sigma = patch * sigmaScale, truncate 4, mode='constant')` and divides by the maximum;
 *   filtering an impulse gives the sampled kernel itself, i.e. `prod_a exp(-(i_a - c_a)^2 / (2 sigma_a^2))`,
 *   set to 0 beyond `int(4 sigma + 0.5)` voxels from the centre; zeros are then replaced by the smallest
 *   non-zero weight so that no voxel has zero total weight.
 */

import { type DeviceSpec, fromArray, noGrad, ops, scope, type Tensor } from '../../torch/index.ts';

/** Options of {@link gaussianImportanceMap}. */
export interface GaussianOptions {
  /** sigma = patch size * sigmaScale per axis; default 1/8 (nnU-Net, MONAI). */
  sigmaScale?: number;
  /** Device of the map; default cpu. */
  device?: DeviceSpec;
}

/** The 1D factor of the Gaussian along one axis (float64, max 1 at `floor(patch / 2)`, 0 beyond truncation). */
export function gaussianFactor(patch: number, sigmaScale = 1 / 8): Float64Array {
  if (!Number.isInteger(patch) || patch < 1) throw new RangeError(`gaussian: bad patch size ${patch}`);
  if (!(sigmaScale > 0) || !Number.isFinite(sigmaScale)) {
    throw new RangeError(`gaussian: sigmaScale must be a positive number, got ${sigmaScale}`);
  }
  const sigma = patch * sigmaScale;
  const centre = Math.floor(patch / 2);
  const radius = Math.trunc(4 * sigma + 0.5); // scipy: int(truncate * sd + 0.5)
  const out = new Float64Array(patch);
  for (let i = 0; i < patch; i++) {
    const d = i - centre;
    out[i] = Math.abs(d) > radius ? 0 : Math.exp((-0.5 * d * d) / (sigma * sigma));
  }
  return out;
}

/**
 * nnU-Net's Gaussian importance map for a window.
 *
 * @param patch - window size per spatial axis, e.g. `[d, h, w]` (any number of axes >= 1), in voxels.
 * @returns float32 tensor of shape `patch`, maximum exactly 1 at the centre `floor(patch / 2)`, strictly
 *   positive everywhere (truncated zeros replaced by the smallest positive weight). A tensor the caller owns.
 * @throws RangeError for an empty patch list or non-positive sizes.
 */
export function gaussianImportanceMap(patch: readonly number[], options: GaussianOptions = {}): Tensor {
  if (patch.length === 0) throw new RangeError('gaussian: patch needs at least one axis');
  const factors = patch.map((p) => gaussianFactor(p, options.sigmaScale ?? 1 / 8));
  return noGrad(() =>
    scope(() => {
      // outer product of the 1D factors in float64, then float32 (nnU-Net casts its float64 scipy map)
      let map: Tensor = fromArray(factors[0]!, [patch[0]!]);
      for (let a = 1; a < patch.length; a++) map = map.unsqueeze(-1).mul(fromArray(factors[a]!, [patch[a]!]));
      let out = map.to('float32');
      const zero = out.eq(0);
      if (ops.any(zero).item() !== 0) {
        const smallest = ops.maskedSelect(out, out.gt(0)).min().item();
        out = ops.maskedFill(out, zero, smallest);
      }
      const device = options.device ?? 'cpu';
      return device === 'cpu' ? out : out.to(device);
    }),
  );
}
