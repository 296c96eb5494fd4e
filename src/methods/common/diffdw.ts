/**
 * DiffDW, difficulty-aware debiased weighting (DHC, network A; dhc.md §5.2): class weights from how
 * each class's batch Dice on the labeled half is being learned or unlearned (EMAs over iterations),
 * times an EMA of (1 - Dice). All state is float32, per class, background included.
 */
import { full, noGrad, ops, scope, type Tensor, zeros } from '../../torch/index.ts';

const EPS = 1e-8;

/**
 * Hard batch Dice per class (background included) of integer predictions and labels of one shape:
 * `(2 TP + eps) / (2 TP + FP + FN + 2 eps)`; a class absent from both gives 0.5. Returns `[C]` float32.
 */
export function hardDicePerClass(pred: Tensor, label: Tensor, numClasses: number, smooth = EPS): Tensor {
  return scope(() =>
    noGrad(() => {
      const c = numClasses;
      const joint = ops.bincount(pred.flatten().mul(c).add(label.flatten()), { minlength: c * c }).view(c, c);
      const tp = ops.toDtype(ops.diagonal(joint), 'float32');
      const predCount = ops.toDtype(joint.sum(1), 'float32');
      const labelCount = ops.toDtype(joint.sum(0), 'float32');
      const fp = predCount.sub(tp);
      const fn = labelCount.sub(tp);
      return tp
        .mul(2)
        .add(smooth)
        .div(
          tp
            .mul(2)
            .add(fp)
            .add(fn)
            .add(2 * smooth),
        );
    }),
  );
}

/** The DiffDW weighting state of one network. */
export class DiffDW implements Disposable {
  private last: Tensor;
  private learn: Tensor;
  private unlearn: Tensor;
  private dw: Tensor;
  /** Current weights `[C]`; starts at C everywhere. */
  weights: Tensor;
  readonly momentum: number;

  /**
   * @param numClasses C, background included.
   * @param accumulateIters K: the EMA factor is (K - 1) / K (DHC trains with 50; class default 20).
   */
  constructor(
    readonly numClasses: number,
    readonly accumulateIters = 50,
  ) {
    this.momentum = (accumulateIters - 1) / accumulateIters;
    this.last = full([numClasses], EPS).keep();
    this.learn = zeros([numClasses]).keep();
    this.unlearn = zeros([numClasses]).keep();
    this.dw = full([numClasses], 1).keep();
    this.weights = full([numClasses], numClasses).keep();
  }

  /**
   * One iteration from A's labeled logits `[B, C, ...]` and labels `[B, ...]` (int64), both detached.
   * Returns the new weights (owned by this object).
   */
  update(logits: Tensor, label: Tensor): Tensor {
    const m = this.momentum;
    const next = noGrad(() => {
      const d = hardDicePerClass(logits.detach().argmax(1), label, this.numClasses);
      const delta = d.sub(this.last);
      const rho = d.div(this.last).log();
      const gain = delta.mul(rho);
      const up = delta.gt(0);
      const learnCur = ops.where(up, gain, ops.zerosLike(gain));
      const unlearnCur = ops.where(up, ops.zerosLike(gain), gain);
      const learn = this.learn.mul(m).add(learnCur.mul(1 - m));
      const unlearn = this.unlearn.mul(m).add(unlearnCur.mul(1 - m));
      const diff = unlearn.add(EPS).div(learn.add(EPS)).pow(0.2);
      const dw = this.dw.mul(m).add(d.rsub(1).mul(1 - m));
      const v = diff.mul(dw);
      const w = v.div(v.max()).mul(this.numClasses);
      return { d, learn, unlearn, dw, w };
    });
    for (const t of [this.last, this.learn, this.unlearn, this.dw, this.weights]) t.dispose();
    this.last = next.d.keep();
    this.learn = next.learn.keep();
    this.unlearn = next.unlearn.keep();
    this.dw = next.dw.keep();
    this.weights = next.w.keep();
    return this.weights;
  }

  /** Diagnostic view of the EMA state (last Dice, learn, unlearn, dw). */
  get stats(): { last: Tensor; learn: Tensor; unlearn: Tensor; dw: Tensor } {
    return { last: this.last, learn: this.learn, unlearn: this.unlearn, dw: this.dw };
  }

  /** State for checkpoints (the reference does not save it; exact resume needs it). */
  state(): Map<string, Tensor> {
    return new Map([
      ['last', this.last],
      ['learn', this.learn],
      ['unlearn', this.unlearn],
      ['dw', this.dw],
      ['weights', this.weights],
    ]);
  }

  load(state: ReadonlyMap<string, Tensor>): void {
    for (const [k, t] of [
      ['last', this.last],
      ['learn', this.learn],
      ['unlearn', this.unlearn],
      ['dw', this.dw],
      ['weights', this.weights],
    ] as const) {
      const src = state.get(k);
      if (!src || src.numel !== this.numClasses)
        throw new Error(`DiffDW state: '${k}' missing or not of length C`);
      t.copy_(src);
    }
  }

  dispose(): void {
    for (const t of [this.last, this.learn, this.unlearn, this.dw, this.weights]) t.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
