/**
 * The mechanics shared by two-network methods (CPS, DHC and the CPS-skeleton baselines): nets A and B
 * with their own SGD, a forward of the concatenated batch, hard pseudo-labels, guarded steps, A/B
 * averaged logits for prediction, and state under `model.A`, `optim.A`, ...
 */
import { cat, noGrad, ops, type Tensor } from '../../torch/index.ts';
import { SGD } from '../../torch/optim/index.ts';
import type { MethodContext, SegmentationNet } from '../method.ts';
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

/** Rows `[start, end)` of a batch tensor along dim 0. */
export function rows(t: Tensor, start: number, end: number): Tensor {
  return t.index([start, end]);
}

/** True when a loss value is NaN while every logit is finite: the weighted-CE 0/0 case. */
export function isDegenerateNaN(value: number, logits: Tensor): boolean {
  if (!Number.isNaN(value)) return false;
  return noGrad(() => ops.all(ops.isfinite(logits.detach())).item() !== 0);
}
