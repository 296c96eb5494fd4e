/**
 * The interface every semi-supervised method implements (DESIGN.md "Methods"). A method owns its
 * networks, optimizers and weighting state; the trainer owns data, schedules, validation,
 * checkpoints and early stopping.
 */
import type { Tensor } from '../torch/index.ts';
import type { Module } from '../torch/nn/index.ts';
import type { Optimizer } from '../torch/optim/index.ts';

/** A network as methods use it: logits `[B, C, D, H, W]` from images `[B, 1, D, H, W]`. */
export type SegmentationNet = Module & { forward(x: Tensor): Tensor };

/** One iteration's data as tensors. */
export interface TrainBatch {
  /** `[B_l, 1, D, H, W]` float32 images and `[B_l, D, H, W]` int64 labels. */
  labeled: { image: Tensor; label: Tensor };
  /** `[B_u, 1, D, H, W]` float32 images (labels are never used). */
  unlabeled: { image: Tensor };
}

/** Where training is: the epoch's learning rate and unsupervised weight come from the trainer. */
export interface Progress {
  epoch: number;
  /** Global iteration, 0-based. */
  iteration: number;
  maxEpoch: number;
  lr: number;
  /** The unsupervised (consistency) weight of this epoch. */
  lambda: number;
}

/** What one training step reports. */
export interface StepResult {
  /** Loss terms by name (e.g. `sup_A`, `cps_B`, `total`), as plain numbers. */
  losses: Record<string, number>;
  /** Networks whose optimizer step was skipped because their gradients were not finite. */
  skipped: string[];
  /**
   * Loss terms that were not finite for a reason the reference also meets (a weighted CE whose
   * target weights sum to 0): the affected network skipped its step and training goes on.
   * Any other non-finite term stops the run.
   */
  tolerated: string[];
  /** Extra vectors to log (class weights, ...). */
  vectors?: Record<string, number[]>;
}

/** Everything a method needs to build itself. */
export interface MethodContext {
  numClasses: number;
  /** Creates one network of the task's architecture (fresh, default-initialised). */
  createNet: () => SegmentationNet;
  /** Voxel counts per class over every labeled volume (DistDW's initial histogram). */
  labeledCounts: number[];
  /** SGD settings (the references: momentum 0.9, Nesterov, weight decay 3e-5). */
  optimizer: { lr: number; momentum: number; weightDecay: number; nesterov: boolean };
}

export interface SemiSupervisedMethod extends Disposable {
  readonly name: string;
  /** What is optimised and checkpointed, by role (`A`, `B`, `net`). */
  readonly models: Record<string, SegmentationNet>;
  readonly optimizers: Record<string, Optimizer>;
  /** Forward, losses, backward and optimizer steps of one iteration (inside the caller's scope). */
  trainStep(batch: TrainBatch, progress: Progress): StepResult;
  /** Logits used for validation and testing, `[B, C, D, H, W]` (eval mode set by the caller). */
  predict(x: Tensor): Tensor;
  /** Everything needed for exact resume: models, optimizers, weighting state. */
  state(): Map<string, Tensor>;
  load(state: ReadonlyMap<string, Tensor>): void;
  /** Frees networks, optimizer state and weighting state. */
  dispose(): void;
}

/** Sets the learning rate of every optimizer of a method. */
export function setLearningRate(method: SemiSupervisedMethod, lr: number): void {
  for (const opt of Object.values(method.optimizers)) for (const g of opt.paramGroups) g.lr = lr;
}
