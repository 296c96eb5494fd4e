/**
 * DHC, dual-debiased heterogeneous co-training (Wang & Li, MICCAI 2023), checked against the
 * official `code/train_dhc.py` (spec: dhc.md §4-6). Two Kaiming-initialised nets in CPS; A's losses
 * are weighted by DiffDW (difficulty), B's by DistDW (distribution), each used in its own supervised
 * (weighted CE + weighted Dice) and CPS (weighted CE) terms:
 * `L = WDCCE(zA_l; W_A) + WDCCE(zB_l; W_B) + lambda (WCE(zA, argmax zB; W_A) + WCE(zB, argmax zA; W_B))`.
 * Order per iteration: forwards, argmaxes, DiffDW update (A, labeled half), DistDW update (B,
 * unlabeled half), losses, one backward, step A, step B.
 * Deviations: fp32 instead of AMP; AMP's one observable effect is kept (a net whose gradients are not
 * finite skips its step). The weighting state is saved in checkpoints (the reference does not), so
 * that resume is exact.
 */
import { asNumbers } from '../torch/arrays.ts';
import type { Tensor } from '../torch/index.ts';
import { DiffDW } from './common/diffdw.ts';
import { DistDW } from './common/distdw.ts';
import { putPrefixed, takePrefixed } from './common/state.ts';
import { coTrainingStep, rows, TwoNets } from './common/two-net.ts';
import type { MethodContext, Progress, SemiSupervisedMethod, StepResult, TrainBatch } from './method.ts';

/** DHC's options (the references' defaults: DistDW momentum 0.99, DiffDW accumulation 50). */
export interface DHCOptions {
  distMomentum?: number;
  diffAccumulateIters?: number;
}

export class DHC implements SemiSupervisedMethod {
  readonly name = 'dhc';
  private readonly nets: TwoNets;
  readonly diffdw: DiffDW;
  readonly distdw: DistDW;

  constructor(ctx: MethodContext, opts: DHCOptions = {}) {
    this.nets = new TwoNets(ctx, 'kaiming', 'kaiming');
    this.diffdw = new DiffDW(ctx.numClasses, opts.diffAccumulateIters ?? 50);
    this.distdw = new DistDW(ctx.numClasses, ctx.labeledCounts, opts.distMomentum ?? 0.99);
  }

  get models() {
    return this.nets.models;
  }
  get optimizers() {
    return this.nets.optimizers;
  }

  trainStep(batch: TrainBatch, progress: Progress): StepResult {
    const r = coTrainingStep(this.nets, batch, progress.lambda, ({ zA, zB, nLabeled, label }) => ({
      A: this.diffdw.update(rows(zA, 0, nLabeled), label),
      B: this.distdw.update(rows(zB, nLabeled, zB.size(0))),
    }));
    return {
      ...r,
      vectors: { weights_A: asNumbers(this.diffdw.weights), weights_B: asNumbers(this.distdw.weights) },
    };
  }

  predict(x: Tensor): Tensor {
    return this.nets.predict(x);
  }

  state(): Map<string, Tensor> {
    const out = this.nets.state();
    putPrefixed(out, 'diffdw', this.diffdw.state());
    putPrefixed(out, 'distdw', this.distdw.state());
    return out;
  }

  load(state: ReadonlyMap<string, Tensor>): void {
    this.nets.load(state);
    this.diffdw.load(takePrefixed(state, 'diffdw'));
    this.distdw.load(takePrefixed(state, 'distdw'));
  }

  dispose(): void {
    this.nets.dispose();
    this.diffdw.dispose();
    this.distdw.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
