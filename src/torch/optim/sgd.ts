/**
 * SGD with momentum, dampening, Nesterov and weight decay: PyTorch 1.13's single-tensor algorithm,
 * op for op (the first momentum buffer is a clone of the gradient).
 */
import * as ops from '../generated/ops.ts';
import type { Tensor } from '../tensor.ts';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.ts';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export class SGD extends Optimizer {
  constructor(params: ParamsInput, opts: SGDOptions) {
    const momentum = opts.momentum ?? 0;
    const dampening = opts.dampening ?? 0;
    const nesterov = opts.nesterov ?? false;
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new Error('SGD: nesterov momentum requires a momentum > 0 and zero dampening');
    }
    super(params, {
      lr: opts.lr,
      momentum,
      dampening,
      weight_decay: opts.weightDecay ?? 0,
      nesterov,
      maximize: opts.maximize ?? false,
    });
  }

  protected update(param: Tensor, grad: Tensor, state: Map<string, Tensor>, group: ParamGroup): void {
    const momentum = group.momentum as number;
    const wd = group.weight_decay as number;
    let d = group.maximize ? ops.neg(grad) : grad;
    if (wd !== 0) d = ops.add(d, param, { alpha: wd });
    if (momentum !== 0) {
      let buf = state.get('momentum_buffer');
      if (buf === undefined) {
        buf = ops.detach(ops.clone(d)).keep();
        state.set('momentum_buffer', buf);
      } else {
        ops.add_(ops.mulScalar_(buf, momentum), d, { alpha: 1 - (group.dampening as number) });
      }
      d = group.nesterov ? ops.add(d, buf, { alpha: momentum }) : buf;
    }
    ops.add_(param, d, { alpha: -group.lr });
  }
}
