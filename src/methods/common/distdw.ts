/**
 * DistDW, distribution-aware debiased weighting (DHC, network B; dhc.md §5.1): class weights from the
 * class-frequency imbalance of B's own predictions on the unlabeled batch, smoothed by an EMA.
 * `g(n)_c = C ln r_c / max_k ln r_k` with `r_c = (max_k n_k + eps) / (n_c + eps)`, in float32.
 */
import { noGrad, ops, scope, type Tensor, tensor } from '../../torch/index.ts';

const EPS = 1e-8;

/** `g(n)`: weights in [0, C] from class counts `n` (`[C]` float32 tensor); 0 for the majority class. */
export function distributionWeights(counts: Tensor): Tensor {
  return scope(() =>
    noGrad(() => {
      const c = counts.numel;
      const n = ops.toDtype(counts, 'float32');
      const ratio = n.max().add(EPS).div(n.add(EPS));
      const l = ratio.log();
      return l.mul(c).div(l.max());
    }),
  );
}

/** Voxel counts per class of integer labels (any shape), as a `[C]` float32 tensor. */
export function classCounts(labels: Tensor, numClasses: number): Tensor {
  return noGrad(() => ops.toDtype(ops.bincount(labels.flatten(), { minlength: numClasses }), 'float32'));
}

/** The DistDW weighting state of one network. */
export class DistDW implements Disposable {
  /** Current weights `[C]` (float32), kept alive by this object. */
  weights: Tensor;

  /**
   * @param numClasses C, background included.
   * @param labeledCounts voxel counts per class over every labeled volume (whole volumes), `[C]`.
   * @param momentum the EMA factor beta (DHC trains with 0.99; the class default is 0.95).
   */
  constructor(
    readonly numClasses: number,
    labeledCounts: readonly number[] | Tensor,
    readonly momentum = 0.99,
  ) {
    const counts = Array.isArray(labeledCounts)
      ? tensor(labeledCounts as number[])
      : (labeledCounts as Tensor);
    if (counts.numel !== numClasses)
      throw new Error(`DistDW: expected ${numClasses} class counts, got ${counts.numel}`);
    this.weights = distributionWeights(counts).keep();
    if (counts !== labeledCounts) counts.dispose();
  }

  /**
   * One iteration: counts the argmax of `logits` `[B, C, ...]` (detached), then
   * `W <- beta W + (1 - beta) g(n)`. Returns the new weights (owned by this object).
   */
  update(logits: Tensor): Tensor {
    const next = noGrad(() => {
      const pred = logits.detach().argmax(1);
      const g = distributionWeights(classCounts(pred, this.numClasses));
      return this.weights.mul(this.momentum).add(g.mul(1 - this.momentum));
    }).keep();
    this.weights.dispose();
    this.weights = next;
    return next;
  }

  /** State for checkpoints: `{ weights }`. */
  state(): Map<string, Tensor> {
    return new Map([['weights', this.weights]]);
  }

  load(state: ReadonlyMap<string, Tensor>): void {
    const w = state.get('weights');
    if (!w || w.numel !== this.numClasses) throw new Error('DistDW state: expected weights of length C');
    this.weights.copy_(w);
  }

  dispose(): void {
    this.weights.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
