/**
 * CPS, cross pseudo supervision (Chen et al., CVPR 2021), as in the DHC repository's `train_cps.py`
 * (dhc-baselines §3.1): nets A (Kaiming) and B (Xavier) supervise each other with hard argmax
 * pseudo-labels on all samples (labeled ones included); unweighted CE + Dice on the labeled half.
 * `L = DCCE(zA_l) + DCCE(zB_l) + lambda (CE(zA, argmax zB) + CE(zB, argmax zA))`.
 */
import { crossEntropy, diceCeLoss } from '../losses/index.ts';
import type { Tensor } from '../torch/index.ts';
import { rows, TwoNets } from './common/two-net.ts';
import type { MethodContext, Progress, SemiSupervisedMethod, StepResult, TrainBatch } from './method.ts';

export class CPS implements SemiSupervisedMethod {
  readonly name = 'cps';
  private readonly nets: TwoNets;

  constructor(ctx: MethodContext) {
    this.nets = new TwoNets(ctx, 'kaiming', 'xavier');
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
    const y = batch.labeled.label;
    const qA = TwoNets.pseudoLabels(zA);
    const qB = TwoNets.pseudoLabels(zB);
    const supA = diceCeLoss(rows(zA, 0, nLabeled), y);
    const supB = diceCeLoss(rows(zB, 0, nLabeled), y);
    const cpsA = crossEntropy(zA, qB);
    const cpsB = crossEntropy(zB, qA);
    const total = supA.add(supB).add(cpsA.add(cpsB).mul(progress.lambda));
    total.backward();
    const skipped = this.nets.step();
    return {
      losses: {
        total: total.item(),
        sup_A: supA.item(),
        sup_B: supB.item(),
        cps_A: cpsA.item(),
        cps_B: cpsB.item(),
      },
      skipped,
      tolerated: [],
    };
  }

  predict(x: Tensor): Tensor {
    return this.nets.predict(x);
  }

  state(): Map<string, Tensor> {
    return this.nets.state();
  }

  load(state: ReadonlyMap<string, Tensor>): void {
    this.nets.load(state);
  }

  dispose(): void {
    this.nets.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
