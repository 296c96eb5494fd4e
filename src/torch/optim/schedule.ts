/**
 * Learning-rate schedules. The scheduler classes follow PyTorch 1.13's recursive ("chainable") update
 * rules exactly (PolynomialLR, StepLR, CosineAnnealingLR), so their learning rates match bit for bit;
 * `polyLr` is the closed form the segmentation references compute by hand each iteration.
 */
import type { Optimizer } from './optimizer.ts';

/** lr = base * (1 - iter / maxIter) ^ power (iter clamped to [0, maxIter]); power 0.9 by default. */
export function polyLr(baseLr: number, iter: number, maxIter: number, power = 0.9): number {
  if (maxIter <= 0) throw new Error(`polyLr: maxIter must be positive, got ${maxIter}`);
  const t = Math.min(Math.max(iter, 0), maxIter);
  return baseLr * (1 - t / maxIter) ** power;
}

/** Base class: `step()` advances one epoch (or iteration) and writes each group's new lr. */
export abstract class LRScheduler {
  lastEpoch = 0;
  readonly baseLrs: number[];

  constructor(protected readonly optimizer: Optimizer) {
    for (const g of optimizer.paramGroups) g.initialLr ??= g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
  }

  /** The learning rates after the last step, one per group. */
  lastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  step(): void {
    this.lastEpoch += 1;
    const lrs = this.nextLrs();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i]!;
    });
  }

  protected abstract nextLrs(): number[];

  /** What must be saved to resume (the optimizer's lrs are in its own state). */
  stateDict(): { lastEpoch: number } {
    return { lastEpoch: this.lastEpoch };
  }

  loadStateDict(s: { lastEpoch: number }): void {
    this.lastEpoch = s.lastEpoch;
  }
}

/** Polynomial decay to 0 over `totalIters` steps (PyTorch's PolynomialLR; default power 1). */
export class PolynomialLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    readonly totalIters = 5,
    readonly power = 1,
  ) {
    super(optimizer);
  }
  protected nextLrs(): number[] {
    const e = this.lastEpoch;
    const lrs = this.lastLr();
    if (e === 0 || e > this.totalIters) return lrs;
    const factor = ((1 - e / this.totalIters) / (1 - (e - 1) / this.totalIters)) ** this.power;
    return lrs.map((lr) => lr * factor);
  }
}

/** Multiplies the lr by `gamma` every `stepSize` steps (PyTorch's StepLR). */
export class StepLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    readonly stepSize: number,
    readonly gamma = 0.1,
  ) {
    super(optimizer);
  }
  protected nextLrs(): number[] {
    const lrs = this.lastLr();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
}

/** Cosine annealing from the base lr to `etaMin` over `tMax` steps (PyTorch's CosineAnnealingLR). */
export class CosineAnnealingLR extends LRScheduler {
  constructor(
    optimizer: Optimizer,
    readonly tMax: number,
    readonly etaMin = 0,
  ) {
    super(optimizer);
  }
  protected nextLrs(): number[] {
    const e = this.lastEpoch;
    const T = this.tMax;
    const lrs = this.lastLr();
    if (e === 0) return lrs;
    if ((e - 1 - T) % (2 * T) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i]! - this.etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return lrs.map(
      (lr) =>
        ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - this.etaMin) +
        this.etaMin,
    );
  }
}
