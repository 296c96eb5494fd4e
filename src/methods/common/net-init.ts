/**
 * The references' whole-network initialisers (dhc-baselines §2.6): Kaiming- or Xavier-normal on every
 * Conv3d weight (not transposed convolutions, not biases), BatchNorm3d weight 1 and bias 0.
 */
import { BatchNorm3d, Conv3d, init, type Module } from '../../torch/nn/index.ts';

export type NetInit = 'kaiming' | 'xavier' | 'default';

/** Re-initialises `net` in place as the references' `kaiming_normal_init_weight` / `xavier_...`. */
export function initNet<M extends Module>(net: M, scheme: NetInit): M {
  if (scheme === 'default') return net;
  for (const [, m] of net.namedModules()) {
    if (m instanceof Conv3d) {
      if (scheme === 'kaiming') init.kaimingNormal_(m.weight);
      else init.xavierNormal_(m.weight);
    } else if (m instanceof BatchNorm3d) {
      if (m.weight) init.ones_(m.weight);
      if (m.bias) init.zeros_(m.bias);
    }
  }
  return net;
}
