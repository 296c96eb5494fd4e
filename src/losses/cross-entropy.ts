/**
 * Cross-entropy losses of the segmentation references: PyTorch's class-weighted cross-entropy with
 * mean reduction, i.e. `sum_v w[y_v] * -log p(y_v) / sum_v w[y_v]` over every voxel of the batch.
 */
import { ops, type Tensor } from '../torch/index.ts';

/**
 * Class-weighted cross-entropy of logits `[B, C, ...spatial]` (float) against integer targets
 * `[B, ...spatial]` (int64). Without `weight` this is the plain voxel mean. With `weight` (`[C]`,
 * float, on the logits' device) the mean is normalised by the sum of the targets' weights, as
 * PyTorch's `F.cross_entropy(weight=w)`; weights that are zero on every target give NaN (0/0), as in
 * the references. An empty batch gives NaN.
 */
export function crossEntropy(logits: Tensor, target: Tensor, weight?: Tensor | null): Tensor {
  return ops.crossEntropyLoss(logits, target, weight ? { weight } : undefined);
}

/**
 * Voxel-map-weighted cross-entropy: `mean_v m_v * w[t_v] * -log p(t_v)` over every voxel, not
 * normalised by the sum of `m` or `w` (the references' `WeightedCrossEntropyLoss`). `mask` has the
 * target's shape `[B, ...spatial]` (float).
 */
export function maskedCrossEntropy(
  logits: Tensor,
  target: Tensor,
  mask: Tensor,
  weight?: Tensor | null,
): Tensor {
  const perVoxel = ops.crossEntropyLoss(logits, target, { weight: weight ?? null, reduction: 0 });
  return perVoxel.mul(mask).mean();
}
