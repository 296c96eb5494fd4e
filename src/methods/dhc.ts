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
import { crossEntropy, diceCeLoss } from '../losses/index.ts';
import { asNumbers } from '../torch/arrays.ts';
import type { Tensor } from '../torch/index.ts';
import { DiffDW } from './common/diffdw.ts';
import { DistDW } from './common/distdw.ts';
import { putPrefixed, takePrefixed } from './common/state.ts';
import { isDegenerateNaN, rows, TwoNets } from './common/two-net.ts';
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
    return { A: this.nets.A, B: this.nets.B };
  }
  get optimizers() {
    return { A: this.nets.optA, B: this.nets.optB };
  }

  trainStep(batch: TrainBatch, progress: Progress): StepResult {
    this.nets.zeroGrad();
    const { zA, zB, nLabeled } = this.nets.forward(batch.labeled.image, batch.unlabeled.image);
    const n = zA.size(0);
    const y = batch.labeled.label;
    const qA = TwoNets.pseudoLabels(zA);
    const qB = TwoNets.pseudoLabels(zB);
    const zAl = rows(zA, 0, nLabeled);
    const zBl = rows(zB, 0, nLabeled);
    const wA = this.diffdw.update(zAl, y);
    const wB = this.distdw.update(rows(zB, nLabeled, n));
    const supA = diceCeLoss(zAl, y, { weight: wA });
    const supB = diceCeLoss(zBl, y, { weight: wB });
    const cpsA = crossEntropy(zA, qB, wA);
    const cpsB = crossEntropy(zB, qA, wB);
    const total = supA.add(supB).add(cpsA.add(cpsB).mul(progress.lambda));
    total.backward();
    const skipped = this.nets.step();
    const losses = {
      total: total.item(),
      sup_A: supA.item(),
      sup_B: supB.item(),
      cps_A: cpsA.item(),
      cps_B: cpsB.item(),
    };
    // A weighted CE whose target weights sum to 0 is 0/0 = NaN in the reference too (its GradScaler then
    // skips that net's step); that is tolerated, any other non-finite value is not.
    const tolerated: string[] = [];
    for (const [k, z] of [
      ['sup_A', zA],
      ['sup_B', zB],
      ['cps_A', zA],
      ['cps_B', zB],
    ] as const) {
      if (isDegenerateNaN(losses[k], z)) tolerated.push(k);
    }
    if (tolerated.length > 0 && Number.isNaN(losses.total)) tolerated.push('total');
    return {
      losses,
      skipped,
      tolerated,
      vectors: { weights_A: asNumbers(wA), weights_B: asNumbers(wB) },
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
