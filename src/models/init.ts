/**
 * The re-initialisation helpers the training scripts apply after building a network
 * (`kaiming_normal_init_weight` / `xavier_normal_init_weight` in DHC's and SKCDF's `utils`): every
 * Conv3d weight Kaiming-normal (fan_in, gain sqrt 2) or Xavier-normal (gain 1), BatchNorm3d weight 1
 * and bias 0, in module order (the reference's `model.modules()`, so the same seed gives the same
 * weights). Conv3d biases, ConvTranspose3d (not a Conv3d subclass in PyTorch either), Linear,
 * BatchNorm1d/2d, LayerNorm and 2D layers keep their initialisation.
 */
import { BatchNorm3d, Conv3d, init, type Module } from '../torch/nn/index.ts';

function reinit(model: Module, conv: (c: Conv3d) => void): void {
  for (const [, m] of model.namedModules()) {
    if (m instanceof Conv3d) conv(m);
    else if (m instanceof BatchNorm3d) {
      if (m.weight !== null) init.ones_(m.weight);
      if (m.bias !== null) init.zeros_(m.bias);
    }
  }
}

/** DHC's `kaiming_normal_init_weight` (in place; returns the model). */
export function kaimingNormalInitWeight<M extends Module>(model: M): M {
  reinit(model, (c) => init.kaimingNormal_(c.weight));
  return model;
}

/** DHC's and SKCDF's `xavier_normal_init_weight` (in place; returns the model). */
export function xavierNormalInitWeight<M extends Module>(model: M): M {
  reinit(model, (c) => init.xavierNormal_(c.weight));
  return model;
}

/** The initialisation choices of `createModel`: the class's own, or a helper applied after it. */
export const INITS = ['default', 'kaiming', 'xavier'] as const;
export type InitName = (typeof INITS)[number];

/** Applies the named initialisation ('default' leaves the network as constructed). */
export function applyInit<M extends Module>(model: M, name: InitName): M {
  if (name === 'kaiming') return kaimingNormalInitWeight(model);
  if (name === 'xavier') return xavierNormalInitWeight(model);
  return model;
}
