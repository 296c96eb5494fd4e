/** Normalisation layers: BatchNorm2d/3d, InstanceNorm3d, GroupNorm (PyTorch's defaults and updates). */
import { ones, zeros } from '../creation.ts';
import type { DeviceSpec } from '../dtype.ts';
import * as ops from '../generated/ops.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

/** Options of the normalisation layers (PyTorch defaults: eps 1e-5, momentum 0.1). */
export interface NormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
  device?: DeviceSpec;
}

function checkDims(x: Tensor, expected: number, layer: string): void {
  const n = x.ndim;
  if (n !== expected) throw new Error(`${layer}: expected ${expected}D input, got ${n}D input [${x.shape}]`);
}

abstract class BatchNormBase extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    private readonly inputDims: number,
    private readonly layerName: string,
    opts: NormOptions = {},
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const affine = opts.affine ?? true;
    const dev = { device: opts.device };
    this.weight = this.registerParameter('weight', affine ? ones([numFeatures], dev) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numFeatures], dev) : null);
    const track = this.trackRunningStats;
    this.runningMean = this.registerBuffer('running_mean', track ? zeros([numFeatures], dev) : null);
    this.runningVar = this.registerBuffer('running_var', track ? ones([numFeatures], dev) : null);
    this.numBatchesTracked = this.registerBuffer(
      'num_batches_tracked',
      track ? zeros([], { dtype: 'int64', device: opts.device }) : null,
    );
  }

  /** Training: batch statistics and a running-average update; eval: the running statistics. */
  forward(x: Tensor): Tensor {
    checkDims(x, this.inputDims, this.layerName);
    if (this.training && this.numBatchesTracked !== null) ops.addScalar_(this.numBatchesTracked, 1);
    const useBatchStats = this.training || this.runningMean === null;
    return ops.batchNorm(
      x,
      this.weight,
      this.bias,
      !this.training || this.trackRunningStats ? this.runningMean : null,
      !this.training || this.trackRunningStats ? this.runningVar : null,
      useBatchStats,
      this.momentum,
      this.eps,
      true,
    );
  }
}

/** Batch normalisation over `[B, C, H, W]`. */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, opts?: NormOptions) {
    super(numFeatures, 4, 'BatchNorm2d', opts);
  }
}

/** Batch normalisation over `[B, C, D, H, W]`. */
export class BatchNorm3d extends BatchNormBase {
  constructor(numFeatures: number, opts?: NormOptions) {
    super(numFeatures, 5, 'BatchNorm3d', opts);
  }
}

/** Instance normalisation over `[B, C, D, H, W]` (PyTorch's defaults: no affine, no running stats). */
export class InstanceNorm3d extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly eps: number;
  readonly momentum: number;
  readonly trackRunningStats: boolean;

  constructor(
    readonly numFeatures: number,
    opts: NormOptions = {},
  ) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    this.trackRunningStats = opts.trackRunningStats ?? false;
    const affine = opts.affine ?? false;
    const dev = { device: opts.device };
    this.weight = this.registerParameter('weight', affine ? ones([numFeatures], dev) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numFeatures], dev) : null);
    this.runningMean = this.registerBuffer(
      'running_mean',
      this.trackRunningStats ? zeros([numFeatures], dev) : null,
    );
    this.runningVar = this.registerBuffer(
      'running_var',
      this.trackRunningStats ? ones([numFeatures], dev) : null,
    );
    if (this.trackRunningStats) {
      this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int64', device: opts.device }));
    }
  }

  forward(x: Tensor): Tensor {
    checkDims(x, 5, 'InstanceNorm3d');
    return ops.instanceNorm(
      x,
      this.weight,
      this.bias,
      this.runningMean,
      this.runningVar,
      this.training || !this.trackRunningStats,
      this.momentum,
      this.eps,
      true,
    );
  }
}

/** Group normalisation over `[B, C, ...]` with `numGroups` groups of channels. */
export class GroupNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly eps: number;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    opts: { eps?: number; affine?: boolean; device?: DeviceSpec } = {},
  ) {
    super();
    if (numChannels % numGroups !== 0) {
      throw new Error(`GroupNorm: ${numChannels} channels are not divisible by ${numGroups} groups`);
    }
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.affine ?? true;
    this.weight = this.registerParameter(
      'weight',
      affine ? ones([numChannels], { device: opts.device }) : null,
    );
    this.bias = this.registerParameter('bias', affine ? zeros([numChannels], { device: opts.device }) : null);
  }

  forward(x: Tensor): Tensor {
    return ops.groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
}
