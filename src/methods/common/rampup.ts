/**
 * Ramp-ups and the per-epoch schedule of the DHC training skeleton (dhc.md §4, dhc-baselines §1.3).
 */
import { polyLr } from '../../torch/optim/index.ts';

/** `exp(-5 (1 - clip(t, 0, R) / R)^2)`, and 1 when `R` is 0 (the references' `sigmoid_rampup`). */
export function sigmoidRampup(t: number, rampLength: number): number {
  if (rampLength === 0) return 1;
  const p = 1 - Math.min(Math.max(t, 0), rampLength) / rampLength;
  return Math.exp(-5 * p * p);
}

/** Learning rate and unsupervised weight used during one epoch. */
export interface EpochSchedule {
  lr: number;
  lambda: number;
}

/**
 * What epoch `e` (0-based, of `E + 1` epochs) trains with, reproducing the references' lag: the lr and
 * the weight are updated after each epoch, so epochs 0 and 1 both use `baseLr` and `w * ramp(0)`, and
 * epoch `e >= 1` uses `poly(e - 1)` and `w * ramp(e - 1)`. Without ramp-up the weight is `w`.
 */
export function epochSchedule(
  e: number,
  opts: { maxEpoch: number; baseLr: number; unsupWeight: number; rampup?: boolean; rampLength?: number },
): EpochSchedule {
  const done = Math.max(e - 1, 0);
  const lr = e === 0 ? opts.baseLr : polyLr(opts.baseLr, done, opts.maxEpoch, 0.9);
  const ramp = opts.rampup === false ? 1 : sigmoidRampup(done, opts.rampLength ?? opts.maxEpoch);
  return { lr, lambda: opts.unsupWeight * ramp };
}
