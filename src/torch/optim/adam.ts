/**
 * Adam and AdamW: PyTorch 1.13's single-tensor algorithms, op for op (`step` is a float32 0-d state
 * tensor; bias corrections are computed in double precision as Python floats).
 */
import * as ops from '../generated/ops.ts';
import type { Tensor } from '../tensor.ts';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.ts';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

abstract class AdamBase extends Optimizer {
  constructor(params: ParamsInput, opts: AdamOptions, defaultWeightDecay: number) {
    const [beta1, beta2] = opts.betas ?? [0.9, 0.999];
    if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1))
      throw new Error(`Adam: betas must be in [0, 1)`);
    super(params, {
      lr: opts.lr ?? 1e-3,
      beta1,
      beta2,
      eps: opts.eps ?? 1e-8,
      weight_decay: opts.weightDecay ?? defaultWeightDecay,
      amsgrad: opts.amsgrad ?? false,
      maximize: opts.maximize ?? false,
    });
  }

  /** Decoupled (AdamW) or L2 (Adam) weight decay; returns the gradient to use. */
  protected abstract decay(param: Tensor, grad: Tensor, group: ParamGroup): Tensor;

  protected update(param: Tensor, g: Tensor, state: Map<string, Tensor>, group: ParamGroup): void {
    const beta1 = group.beta1 as number;
    const beta2 = group.beta2 as number;
    if (!state.has('step')) {
      state.set('step', ops.scalarTensor(0, { dtype: 'float32' }).keep());
      state.set('exp_avg', ops.zerosLike(param, { memory_format: 'preserve' }).keep());
      state.set('exp_avg_sq', ops.zerosLike(param, { memory_format: 'preserve' }).keep());
      if (group.amsgrad)
        state.set('max_exp_avg_sq', ops.zerosLike(param, { memory_format: 'preserve' }).keep());
    }
    const stepT = state.get('step')!;
    const expAvg = state.get('exp_avg')!;
    const expAvgSq = state.get('exp_avg_sq')!;
    let grad = group.maximize ? ops.neg(g) : g;
    ops.addScalar_(stepT, 1);
    grad = this.decay(param, grad, group);
    ops.add_(ops.mulScalar_(expAvg, beta1), grad, { alpha: 1 - beta1 });
    ops.addcmul_(ops.mulScalar_(expAvgSq, beta2), grad, grad, { value: 1 - beta2 });
    const step = stepT.item();
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    const stepSize = group.lr / biasCorrection1;
    const bc2Sqrt = Math.sqrt(biasCorrection2);
    let denom: Tensor;
    if (group.amsgrad) {
      const maxSq = state.get('max_exp_avg_sq')!;
      ops.copy_(maxSq, ops.maximum(maxSq, expAvgSq));
      denom = ops.addScalar_(ops.divScalar(ops.sqrt(maxSq), bc2Sqrt), group.eps as number);
    } else {
      denom = ops.addScalar_(ops.divScalar(ops.sqrt(expAvgSq), bc2Sqrt), group.eps as number);
    }
    ops.addcdiv_(param, expAvg, denom, { value: -stepSize });
  }
}

/** Adam with L2 weight decay added to the gradient (PyTorch's `torch.optim.Adam`). */
export class Adam extends AdamBase {
  constructor(params: ParamsInput, opts: AdamOptions = {}) {
    super(params, opts, 0);
  }
  protected decay(param: Tensor, grad: Tensor, group: ParamGroup): Tensor {
    const wd = group.weight_decay as number;
    return wd !== 0 ? ops.add(grad, param, { alpha: wd }) : grad;
  }
}

/** AdamW: decoupled weight decay `param *= 1 - lr * wd` (default wd 0.01, as PyTorch). */
export class AdamW extends AdamBase {
  constructor(params: ParamsInput, opts: AdamOptions = {}) {
    super(params, opts, 1e-2);
  }
  protected decay(param: Tensor, grad: Tensor, group: ParamGroup): Tensor {
    ops.mulScalar_(param, 1 - group.lr * (group.weight_decay as number));
    return grad;
  }
}
