/**
 * Soft Dice of the references ("batch dice"): true/false positives and false negatives are summed
 * over the batch and every voxel, one Dice per class, and the loss is the NEGATIVE mean Dice
 * (`-mean_c d_c`, no `1 -`), optionally class-weighted: `-(1/K) sum_c w_c d_c` over the K kept classes.
 */
import { noGrad, ops, type Tensor } from '../torch/index.ts';

/** Options of {@link softDiceLoss}: smooth 1, background dropped, unweighted by default. */
export interface SoftDiceOptions {
  /** Added to numerator and denominator (the references use 1 in training, 1e-8 for scoring). */
  smooth?: number;
  /** Keep the background class (index 0). Default false. */
  includeBackground?: boolean;
  /** Class weights `[C]`; entry c multiplies class c's Dice (the background entry is unused without it). */
  weight?: Tensor | null;
}

/** `[B, ...spatial]` int64 labels -> `[B, C, ...spatial]` float one-hot (no gradient). */
export function oneHot(target: Tensor, numClasses: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  return noGrad(() => {
    const oh = ops.oneHot(target, { num_classes: numClasses });
    const nd = oh.ndim;
    const perm = [0, nd - 1, ...Array.from({ length: nd - 2 }, (_, i) => i + 1)];
    return ops.toDtype(oh.permute(...perm), dtype).contiguous();
  });
}

/** Axes of `[B, C, ...spatial]` other than C: the batch and every spatial axis. */
function reduceAxes(ndim: number): number[] {
  return [0, ...Array.from({ length: ndim - 2 }, (_, i) => i + 2)];
}

/**
 * Per-class soft Dice `d_c = (2 TP + s) / (2 TP + FP + FN + s + 1e-8)` of probabilities
 * `probs` `[B, C, ...]` against a one-hot (or soft) target of the same shape, pooled over the batch
 * and all voxels. Returns `[C]`. FP and FN are computed as `sum p - TP` and `sum y - TP`.
 */
export function softDicePerClass(probs: Tensor, target1h: Tensor, smooth: number): Tensor {
  const axes = reduceAxes(probs.ndim);
  const tp = probs.mul(target1h).sum(axes);
  const fp = probs.sum(axes).sub(tp);
  const fn = target1h.sum(axes).sub(tp);
  const num = tp.mul(2).add(smooth);
  const den = tp
    .mul(2)
    .add(fp)
    .add(fn)
    .add(smooth + 1e-8);
  return num.div(den);
}

/**
 * The references' SoftDiceLoss on logits `[B, C, ...spatial]` (softmax over C, float32) against
 * integer targets `[B, ...spatial]`: `-mean_c w_c d_c` over the foreground classes (or all classes
 * with `includeBackground`). Returns a scalar tensor; gradients flow through the softmax.
 */
export function softDiceLoss(logits: Tensor, target: Tensor, opts: SoftDiceOptions = {}): Tensor {
  const numClasses = logits.size(1);
  const probs = logits.softmax(1);
  const y = oneHot(target, numClasses, logits.dtype === 'float64' ? 'float64' : 'float32');
  let d = softDicePerClass(probs, y, opts.smooth ?? 1);
  if (opts.weight) d = d.mul(opts.weight);
  if (!opts.includeBackground) d = ops.slice(d, { dim: 0, start: 1 });
  return d.mean().neg();
}

/**
 * `DC_and_CE_loss`: cross-entropy plus soft Dice (smooth 1, no background). `weight` goes to both
 * terms (`w_ce+dice`), `ceWeight`/`diceWeight` to one each (`wce+dice` passes only `ceWeight`).
 */
export function diceCeLoss(
  logits: Tensor,
  target: Tensor,
  opts: { weight?: Tensor | null; ceWeight?: Tensor | null; diceWeight?: Tensor | null } = {},
): Tensor {
  const ceW = opts.ceWeight ?? opts.weight ?? null;
  const dcW = opts.diceWeight ?? opts.weight ?? null;
  const ce = ops.crossEntropyLoss(logits, target, ceW ? { weight: ceW } : undefined);
  return ce.add(softDiceLoss(logits, target, { weight: dcW }));
}
