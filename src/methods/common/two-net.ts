/**
 * The mechanics shared by two-network methods (CPS, DHC and the CPS-skeleton baselines): nets A and B
 * with their own SGD, a forward of the concatenated batch, hard pseudo-labels, guarded steps, A/B
 * averaged logits for prediction, and state under `model.A`, `optim.A`, ...
 */

import { crossEntropy, diceCeLoss } from '../../losses/index.ts';
import { cat, noGrad, ops, type Tensor } from '../../torch/index.ts';
import { SGD } from '../../torch/optim/index.ts';
import type { MethodContext, SegmentationNet, StepResult, TrainBatch } from '../method.ts';
import { guardedStep } from './grads.ts';
import { initNet, type NetInit } from './net-init.ts';
import { putPrefixed, takePrefixed } from './state.ts';

export class TwoNets implements Disposable {
  readonly A: SegmentationNet;
  readonly B: SegmentationNet;
  readonly optA: SGD;
  readonly optB: SGD;

  constructor(ctx: MethodContext, initA: NetInit, initB: NetInit) {
    this.A = initNet(ctx.createNet(), initA);
    this.B = initNet(ctx.createNet(), initB);
    const o = ctx.optimizer;
    const sgd = (net: SegmentationNet) =>
      new SGD(net.parameters(), {
        lr: o.lr,
        momentum: o.momentum,
        weightDecay: o.weightDecay,
        nesterov: o.nesterov,
      });
    this.optA = sgd(this.A);
    this.optB = sgd(this.B);
  }

  /** Logits of both nets on the labeled and unlabeled images concatenated (labeled first). */
  forward(labeled: Tensor, unlabeled: Tensor): { zA: Tensor; zB: Tensor; nLabeled: number } {
    const x = cat([labeled, unlabeled], 0);
    return { zA: this.A.forward(x), zB: this.B.forward(x), nLabeled: labeled.size(0) };
  }

  /** Hard pseudo-labels: argmax over classes of detached logits (ties to the lowest index). */
  static pseudoLabels(logits: Tensor): Tensor {
    return noGrad(() => logits.detach().argmax(1));
  }

  /** The networks by role, as `SemiSupervisedMethod.models`. */
  get models(): { A: SegmentationNet; B: SegmentationNet } {
    return { A: this.A, B: this.B };
  }

  /** The optimizers by role, as `SemiSupervisedMethod.optimizers`. */
  get optimizers(): { A: SGD; B: SGD } {
    return { A: this.optA, B: this.optB };
  }

  zeroGrad(): void {
    this.optA.zeroGrad();
    this.optB.zeroGrad();
  }

  /** Steps A then B, each skipped when its gradients are not finite; returns the skipped roles. */
  step(): string[] {
    const skipped: string[] = [];
    if (!guardedStep(this.optA)) skipped.push('A');
    if (!guardedStep(this.optB)) skipped.push('B');
    return skipped;
  }

  /** `(z_A + z_B) / 2`, the references' two-net prediction. */
  predict(x: Tensor): Tensor {
    return this.A.forward(x).add(this.B.forward(x)).div(2);
  }

  state(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    putPrefixed(out, 'model.A', this.A.stateDict());
    putPrefixed(out, 'model.B', this.B.stateDict());
    putPrefixed(out, 'optim.A', this.optA.stateDict());
    putPrefixed(out, 'optim.B', this.optB.stateDict());
    return out;
  }

  load(state: ReadonlyMap<string, Tensor>): void {
    this.A.loadStateDict(takePrefixed(state, 'model.A'));
    this.B.loadStateDict(takePrefixed(state, 'model.B'));
    this.optA.loadStateDict(takePrefixed(state, 'optim.A'));
    this.optB.loadStateDict(takePrefixed(state, 'optim.B'));
  }

  dispose(): void {
    this.optA.dispose();
    this.optB.dispose();
    this.A.dispose();
    this.B.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Class weights of each network for one step (null: unweighted). */
export interface StepWeights {
  A: Tensor | null;
  B: Tensor | null;
}

/**
 * One co-training iteration of the CPS skeleton: both forwards on the concatenated batch, hard
 * pseudo-labels, then `weigh` (DHC's weight updates; called after the argmaxes and before the
 * losses, as in the reference), `L = DCCE(zA_l; W_A) + DCCE(zB_l; W_B) + lambda (CE(zA, argmax zB;
 * W_A) + CE(zB, argmax zA; W_B))`, one backward, guarded steps of A then B. A weighted term that is
 * NaN while the logits are finite (target weights summing to 0, as in the reference) is reported as
 * tolerated.
 */
export function coTrainingStep(
  nets: TwoNets,
  batch: TrainBatch,
  lambda: number,
  weigh?: (z: { zA: Tensor; zB: Tensor; nLabeled: number; label: Tensor }) => StepWeights,
): StepResult {
  nets.zeroGrad();
  const { zA, zB, nLabeled } = nets.forward(batch.labeled.image, batch.unlabeled.image);
  const y = batch.labeled.label;
  const qA = TwoNets.pseudoLabels(zA);
  const qB = TwoNets.pseudoLabels(zB);
  const w = weigh ? weigh({ zA, zB, nLabeled, label: y }) : { A: null, B: null };
  const supA = diceCeLoss(rows(zA, 0, nLabeled), y, { weight: w.A });
  const supB = diceCeLoss(rows(zB, 0, nLabeled), y, { weight: w.B });
  const cpsA = crossEntropy(zA, qB, w.A);
  const cpsB = crossEntropy(zB, qA, w.B);
  const total = supA.add(supB).add(cpsA.add(cpsB).mul(lambda));
  total.backward();
  const skipped = nets.step();
  const losses = {
    total: total.item(),
    sup_A: supA.item(),
    sup_B: supB.item(),
    cps_A: cpsA.item(),
    cps_B: cpsB.item(),
  };
  const tolerated: string[] = [];
  if (weigh) {
    for (const [k, z] of [
      ['sup_A', zA],
      ['sup_B', zB],
      ['cps_A', zA],
      ['cps_B', zB],
    ] as const) {
      if (isDegenerateNaN(losses[k], z)) tolerated.push(k);
    }
    if (tolerated.length > 0 && Number.isNaN(losses.total)) tolerated.push('total');
  }
  return { losses, skipped, tolerated };
}

/** Rows `[start, end)` of a batch tensor along dim 0. */
export function rows(t: Tensor, start: number, end: number): Tensor {
  return t.index([start, end]);
}

/** True when a loss value is NaN while every logit is finite: the weighted-CE 0/0 case. */
export function isDegenerateNaN(value: number, logits: Tensor): boolean {
  if (!Number.isNaN(value)) return false;
  return noGrad(() => ops.all(ops.isfinite(logits.detach())).item() !== 0);
}
