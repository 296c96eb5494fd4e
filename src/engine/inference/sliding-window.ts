/**
 * Sliding-window prediction of a whole volume with a network trained on patches.
 *
 * The volume `[C, ...spatial]` is padded where it is smaller than the patch (constant value, split
 * symmetrically, spec/cml.md §7.1), cut into windows whose starts follow the seeds' formula (`windows.ts`),
 * predicted in batches of windows, converted to class probabilities (`combine.ts`), accumulated per voxel with
 * constant or Gaussian weights and divided by the accumulated weight, cropped back to the input size, and
 * turned into labels by argmax (ties to the lowest class, as `torch.argmax`) or by a binary threshold.
 * Everything runs under `inferenceMode` (or `noGrad`) inside memory scopes: only the returned tensors survive.
 *
 * Seeds' settings (see `presets.ts`): DHC/SKCDF patch `[64, 128, 128]`, stride `[16, 32, 32]`, constant
 * weights, logits of A and B averaged (spec/dhc.md §7); CML LA patch `[80, 112, 112]` and stride `[4, 18, 18]`
 * in `[D, H, W]` order, threshold 0.5 on the foreground probability (spec/cml.md §7.1).
 */

import {
  type DeviceSpec,
  inferenceMode,
  isFloatingDType,
  noGrad,
  ops,
  scope,
  stack,
  type Tensor,
  zeros,
} from '../../torch/index.ts';
import { type CombineMode, type Forward, forwardList, windowProbabilities } from './combine.ts';
import { gaussianImportanceMap } from './weights.ts';
import { paddingFor, type WindowRule, windowGrid } from './windows.ts';

/** Options of {@link slidingWindowInference}. Sizes are in voxels, one per spatial axis (`[d, h, w]`). */
export interface SlidingWindowOptions {
  /** Window size per spatial axis. */
  patchSize: readonly number[];
  /** Step between window starts per spatial axis (at most the patch size). */
  stride: readonly number[];
  /** Windows per forward call; default 1 (the seeds run one window at a time). */
  batchSize?: number;
  /** Blending weights: `constant` (default, the seeds) or `gaussian` (nnU-Net, sigma = patch * sigmaScale). */
  weighting?: 'constant' | 'gaussian';
  /** Gaussian sigma as a fraction of the patch; default 1/8. */
  sigmaScale?: number;
  /** How several members are combined; default `logits` (softmax of the mean logits, all seeds). */
  combine?: CombineMode;
  /** Window placement: `clamped` (default, the seeds) or `even` (nnU-Net). */
  windowRule?: WindowRule;
  /** Value used to pad an axis smaller than the patch; default 0 (the seeds' `np.pad` constant). */
  padValue?: number;
  /** Device the forwards run on (windows are moved there, results back); default the volume's device. */
  windowDevice?: DeviceSpec;
  /** Binary decision instead of argmax: label 1 where the class-1 probability is > threshold (CML: 0.5). */
  threshold?: number;
  /** `inference` (default, `torch.inference_mode`) or `no-grad` (`torch.no_grad`, the seeds' choice). */
  gradMode?: 'inference' | 'no-grad';
  /** Return the probabilities too; default true. */
  keepProbabilities?: boolean;
}

/** A predicted volume. */
export interface Prediction {
  /** Labels over the spatial axes, `[D, H, W]` (or `[H, W]`): uint8 for at most 256 classes, else int32. */
  labels: Tensor;
  /** Class probabilities `[K, D, H, W]` float32 (weighted mean over windows), or null when not kept. */
  probabilities: Tensor | null;
}

function checkOptions(volume: Tensor, o: SlidingWindowOptions): void {
  const n = o.patchSize.length;
  if (n === 0 || o.stride.length !== n || volume.ndim !== n + 1) {
    throw new RangeError(
      `sliding window: volume [${volume.shape.join(', ')}] must be [C, ...spatial] with one patch size and ` +
        `one stride per spatial axis (patch [${o.patchSize.join(', ')}], stride [${o.stride.join(', ')}])`,
    );
  }
  if (volume.shape.some((s) => s === 0)) {
    throw new RangeError(`sliding window: volume [${volume.shape.join(', ')}] is empty`);
  }
  if (!isFloatingDType(volume.dtype)) {
    throw new RangeError(
      `sliding window: volume has dtype ${volume.dtype}; expected a floating type (float32)`,
    );
  }
  const b = o.batchSize ?? 1;
  if (!Number.isInteger(b) || b < 1) throw new RangeError(`sliding window: batchSize must be >= 1, got ${b}`);
  if (o.threshold !== undefined && !(o.threshold >= 0 && o.threshold < 1)) {
    throw new RangeError(`sliding window: threshold must be in [0, 1), got ${o.threshold}`);
  }
}

/** `constant_pad_nd` argument: (before, after) pairs from the last axis to the first. */
export function padArgument(pads: readonly { before: number; after: number }[]): number[] {
  const out: number[] = [];
  for (let a = pads.length - 1; a >= 0; a--) out.push(pads[a]!.before, pads[a]!.after);
  return out;
}

/**
 * Turns probabilities `[K, ...spatial]` into labels: argmax over K (ties to the lowest index), or with
 * `threshold` the binary rule `p[1] > threshold` (K must be 2). Returns uint8 (K <= 256) or int32 labels.
 */
export function probabilitiesToLabels(probabilities: Tensor, threshold?: number): Tensor {
  const K = probabilities.size(0);
  return scope(() => {
    if (threshold !== undefined) {
      if (K !== 2) throw new RangeError(`inference: a threshold needs 2 classes, the network gives ${K}`);
      return probabilities.index(1).gt(threshold).to('uint8');
    }
    return ops.argmax(probabilities, { dim: 0 }).to(K <= 256 ? 'uint8' : 'int32');
  });
}

/**
 * Predicts a whole volume window by window.
 *
 * @param volume - image `[C, D, H, W]` (or `[C, H, W]` with 2D patches), float32, on any device. Not modified.
 * @param forward - one forward or several (see {@link Forward}); each maps `[N, C, d, h, w]` windows to logits
 *   `[N, K, d, h, w]`. Put modules in eval mode first.
 * @param options - patch, stride (voxels) and the blending choices ({@link SlidingWindowOptions}).
 * @returns labels `[D, H, W]` (uint8/int32) and probabilities `[K, D, H, W]` float32, both on the volume's
 *   device, cropped to the input size. Made under inference mode by default: they cannot enter autograd
 *   and in-place updates outside inference mode are refused.
 * @throws RangeError for an empty or non-floating volume, mismatched ranks, a stride larger than the patch,
 *   a threshold with other than 2 classes, or logits whose batch/spatial sizes differ from the windows'.
 */
export function slidingWindowInference(
  volume: Tensor,
  forward: Forward | readonly Forward[],
  options: SlidingWindowOptions,
): Prediction {
  checkOptions(volume, options);
  const forwards = forwardList(forward);
  const patch = options.patchSize;
  const batchSize = options.batchSize ?? 1;
  const guard = options.gradMode === 'no-grad' ? noGrad : inferenceMode;
  return guard(() =>
    scope(() => {
      const device = volume.device;
      const spatial = volume.shape.slice(1);
      const pads = paddingFor(spatial, patch);
      const padded = pads.some((p) => p.before + p.after > 0);
      const x = padded ? ops.pad(volume, padArgument(pads), { value: options.padValue ?? 0 }) : volume;
      const size = x.shape.slice(1);
      const grid = windowGrid(size, patch, options.stride, options.windowRule ?? 'clamped');
      const weight =
        options.weighting === 'gaussian'
          ? gaussianImportanceMap(patch, { sigmaScale: options.sigmaScale ?? 1 / 8, device })
          : null;
      const count = zeros(size, { device });
      let acc: Tensor | null = null;
      for (let b = 0; b < grid.length; b += batchSize) {
        const starts = grid.slice(b, b + batchSize);
        const created = scope(() => {
          const ranges = starts.map((s) => s.map((v, a) => [v, v + patch[a]!] as const));
          let batch = stack(
            ranges.map((r) => x.index(null, ...r)),
            0,
          );
          if (options.windowDevice !== undefined && options.windowDevice !== device) {
            batch = batch.to(options.windowDevice);
          }
          let probs = windowProbabilities(batch, forwards, options.combine ?? 'logits');
          if (probs.device !== device) probs = probs.to(device);
          if (weight !== null) probs = probs.mul(weight);
          const fresh = acc === null ? zeros([probs.size(1), ...size], { device }) : null;
          const target = (acc ?? fresh)!;
          ranges.forEach((r, i) => {
            target.index(null, ...r).add_(probs.index(i));
            const c = count.index(...r);
            if (weight === null) c.add_(1);
            else c.add_(weight);
          });
          return fresh;
        });
        if (created !== null) acc = created;
      }
      const score = acc!.div_(count);
      const cropped = padded
        ? score.index(null, ...pads.map((p, a) => [p.before, p.before + spatial[a]!] as const)).contiguous()
        : score;
      const labels = probabilitiesToLabels(cropped, options.threshold);
      return { labels, probabilities: options.keepProbabilities === false ? null : cropped };
    }),
  );
}
