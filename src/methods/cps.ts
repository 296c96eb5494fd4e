/**
 * CPS, cross pseudo supervision (Chen et al., CVPR 2021), as in the DHC repository's `train_cps.py`
 * (dhc-baselines §3.1): nets A (Kaiming) and B (Xavier) supervise each other with hard argmax
 * pseudo-labels on all samples (labeled ones included); unweighted CE + Dice on the labeled half.
 * `L = DCCE(zA_l) + DCCE(zB_l) + lambda (CE(zA, argmax zB) + CE(zB, argmax zA))`.
 */
import type { Tensor } from '../torch/index.ts';
import { coTrainingStep, TwoNets } from './common/two-net.ts';
import type { MethodContext, Progress, SemiSupervisedMethod, StepResult, TrainBatch } from './method.ts';

export class CPS implements SemiSupervisedMethod {
  readonly name = 'cps';
  private readonly nets: TwoNets;

  constructor(ctx: MethodContext) {
    this.nets = new TwoNets(ctx, 'kaiming', 'xavier');
  }

  get models() {
    return this.nets.models;
  }
  get optimizers() {
    return this.nets.optimizers;
  }

  trainStep(batch: TrainBatch, progress: Progress): StepResult {
    return coTrainingStep(this.nets, batch, progress.lambda);
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
