/**
 * Optimizer steps guarded as the references' GradScaler guards them: a network whose gradients
 * contain NaN or Inf skips its step (dhc-baselines §1.3), decided per optimizer.
 */
import { noGrad, ops, type Tensor } from '../../torch/index.ts';
import type { Optimizer } from '../../torch/optim/index.ts';

/** True when every gradient of `params` is finite (parameters without a gradient are ignored). */
export function gradientsFinite(params: readonly Tensor[]): boolean {
  return noGrad(() => {
    for (const p of params) {
      const g = p.grad;
      if (g === null) continue;
      const ok = ops.all(ops.isfinite(g)).item() !== 0;
      g.dispose();
      if (!ok) return false;
    }
    return true;
  });
}

/** Steps `opt` unless its gradients are non-finite; returns whether it stepped. */
export function guardedStep(opt: Optimizer): boolean {
  const params = opt.paramGroups.flatMap((g) => g.params);
  if (!gradientsFinite(params)) return false;
  opt.step();
  return true;
}
