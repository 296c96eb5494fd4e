/**
 * Fully supervised training on the labeled stream only (`train_fully.py`, dhc-baselines §3.12):
 * one net with PyTorch's default initialisation, unweighted CE + soft Dice on the labeled images.
 * Deviation: the reference trains on its own loader of batch 4; here the labeled half of the
 * two-stream batch is used (the unlabeled half is ignored), which is the "labeled part only" baseline.
 */
import { diceCeLoss } from '../losses/index.ts';
import type { Tensor } from '../torch/index.ts';
import { SGD } from '../torch/optim/index.ts';
import { guardedStep } from './common/grads.ts';
import { putPrefixed, takePrefixed } from './common/state.ts';
import type {
  MethodContext,
  Progress,
  SegmentationNet,
  SemiSupervisedMethod,
  StepResult,
  TrainBatch,
} from './method.ts';

export class Supervised implements SemiSupervisedMethod {
  readonly name = 'supervised';
  readonly models: { net: SegmentationNet };
  readonly optimizers: { net: SGD };

  constructor(ctx: MethodContext) {
    const net = ctx.createNet();
    const o = ctx.optimizer;
    this.models = { net };
    this.optimizers = {
      net: new SGD(net.parameters(), {
        lr: o.lr,
        momentum: o.momentum,
        weightDecay: o.weightDecay,
        nesterov: o.nesterov,
      }),
    };
  }

  trainStep(batch: TrainBatch, _progress: Progress): StepResult {
    const opt = this.optimizers.net;
    opt.zeroGrad();
    const loss = diceCeLoss(this.models.net.forward(batch.labeled.image), batch.labeled.label);
    loss.backward();
    const skipped = guardedStep(opt) ? [] : ['net'];
    const total = loss.item();
    return { losses: { total, sup: total }, skipped, tolerated: [] };
  }

  predict(x: Tensor): Tensor {
    return this.models.net.forward(x);
  }

  state(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    putPrefixed(out, 'model.net', this.models.net.stateDict());
    putPrefixed(out, 'optim.net', this.optimizers.net.stateDict());
    return out;
  }

  load(state: ReadonlyMap<string, Tensor>): void {
    this.models.net.loadStateDict(takePrefixed(state, 'model.net'));
    this.optimizers.net.loadStateDict(takePrefixed(state, 'optim.net'));
  }

  dispose(): void {
    this.optimizers.net.dispose();
    this.models.net.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
