/**
 * Small layers the networks need beyond `src/torch/nn`: BatchNorm1d (SS-Net heads), LayerNorm and
 * GELU (SKCDF attention blocks), the VNet normalisation choice, and the gradient-reversal layer of
 * DST. Names of parameters and buffers are PyTorch's, so reference state dicts load unchanged.
 */
import { ones, zeros } from '../torch/creation.ts';
import type { DeviceSpec } from '../torch/dtype.ts';
import * as ops from '../torch/generated/ops.ts';
import {
  BatchNorm3d,
  GroupNorm,
  InstanceNorm3d,
  Module,
  type Sequential,
  type TensorModule,
} from '../torch/nn/index.ts';
import type { Tensor } from '../torch/tensor.ts';

/** A function that registers a child module under a name (a module's protected `registerModule`). */
export type Registrar = <M extends Module>(name: string, m: M) => M;

/** The normalisation choices of the reference ConvBlocks (`normalization=` argument). */
export const NORMALIZATIONS = ['batchnorm', 'groupnorm', 'instancenorm', 'none'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

/**
 * The normalisation layer of the VNet blocks for `channels` channels: BatchNorm3d (eps 1e-5, momentum
 * 0.1), GroupNorm with 16 groups (the references hard-code 16; `channels` must be divisible by 16),
 * InstanceNorm3d (no affine, no running statistics), or null for 'none'.
 */
export function normLayer3d(kind: Normalization, channels: number): TensorModule | null {
  switch (kind) {
    case 'batchnorm':
      return new BatchNorm3d(channels);
    case 'groupnorm':
      return new GroupNorm(16, channels);
    case 'instancenorm':
      return new InstanceNorm3d(channels);
    case 'none':
      return null;
    default:
      throw new Error(`normalization: expected one of ${NORMALIZATIONS.join(', ')}, got '${String(kind)}'`);
  }
}

/**
 * Batch normalisation over `[N, C]` or `[N, C, L]` (as `torch.nn.BatchNorm1d`: eps 1e-5, momentum
 * 0.1, affine, running statistics). Training mode with one value per channel throws, as PyTorch does.
 */
export class BatchNorm1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly numBatchesTracked: Tensor;

  constructor(
    readonly numFeatures: number,
    readonly opts: { eps?: number; momentum?: number; device?: DeviceSpec } = {},
  ) {
    super();
    const dev = { device: opts.device };
    this.weight = this.registerParameter('weight', ones([numFeatures], dev));
    this.bias = this.registerParameter('bias', zeros([numFeatures], dev));
    this.runningMean = this.registerBuffer('running_mean', zeros([numFeatures], dev));
    this.runningVar = this.registerBuffer('running_var', ones([numFeatures], dev));
    this.numBatchesTracked = this.registerBuffer(
      'num_batches_tracked',
      zeros([], { dtype: 'int64', device: opts.device }),
    );
  }

  /** `[N, C]` or `[N, C, L]` float -> same shape; batch statistics in training, running ones in eval. */
  forward(x: Tensor): Tensor {
    const shape = x.shape;
    if (shape.length !== 2 && shape.length !== 3) {
      throw new Error(`BatchNorm1d: expected 2D or 3D input, got ${shape.length}D input [${shape}]`);
    }
    if (this.training) {
      const perChannel = shape[0]! * (shape.length === 3 ? shape[2]! : 1);
      if (perChannel <= 1) {
        throw new Error(`BatchNorm1d: expected more than 1 value per channel when training, got [${shape}]`);
      }
      ops.addScalar_(this.numBatchesTracked, 1); // in place: returns the buffer itself
    }
    return ops.batchNorm(
      x,
      this.weight,
      this.bias,
      this.runningMean,
      this.runningVar,
      this.training,
      this.opts.momentum ?? 0.1,
      this.opts.eps ?? 1e-5,
      true,
    );
  }
}

/** Layer normalisation over the last dimension (as `torch.nn.LayerNorm(n, eps)`, affine). */
export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(
    readonly normalizedShape: number,
    readonly eps = 1e-5,
    opts: { device?: DeviceSpec } = {},
  ) {
    super();
    this.weight = this.registerParameter('weight', ones([normalizedShape], { device: opts.device }));
    this.bias = this.registerParameter('bias', zeros([normalizedShape], { device: opts.device }));
  }
  /** `[..., n]` float -> same shape, each last-axis vector standardised then scaled and shifted. */
  forward(x: Tensor): Tensor {
    return ops.layerNorm(x, [this.normalizedShape], { weight: this.weight, bias: this.bias, eps: this.eps });
  }
}

/** GELU with the exact erf form (PyTorch's default `approximate='none'`). Any shape. */
export class GELU extends Module {
  forward(x: Tensor): Tensor {
    return ops.gelu(x);
  }
}

/**
 * Gradient reversal: the forward value is `x` exactly, the gradient is `-coeff` times the incoming
 * gradient. Built from ordinary ops: with `d = x.detach()`, `d + (x - d) * (-coeff)`; `x - d` is an
 * exact zero with gradient 1, so the sum equals `d` bit for bit and back-propagates `-coeff * grad`.
 * (Only an infinite element differs from the reference's `x * 1.0`: inf - inf gives NaN there.)
 * Any shape and float dtype; an empty tensor gives an empty tensor.
 */
export function gradientReverse(x: Tensor, coeff: number): Tensor {
  const d = ops.detach(x);
  const zero = ops.sub(x, d);
  const scaled = ops.mulScalar(zero, -coeff);
  zero.dispose();
  const out = ops.add(d, scaled);
  d.dispose();
  scaled.dispose();
  return out;
}

/**
 * DST's warm-start gradient-reversal layer (`WarmStartGradientReverseLayer`): identity forward,
 * gradient times `-coeff` with coeff = 2(hi-lo)/(1+exp(-alpha*i/maxIters)) - (hi-lo) + lo, i the
 * iteration counter advanced by `step()` (or by every forward with `autoStep`). No parameters; the
 * counter is not part of the state dict (as in the reference).
 */
export class WarmStartGradientReverseLayer extends Module {
  iterNum = 0;
  constructor(
    readonly opts: { alpha?: number; lo?: number; hi?: number; maxIters?: number; autoStep?: boolean } = {},
  ) {
    super();
  }
  /** The current coefficient (float64, as the reference's `np.float`). */
  coeff(): number {
    const alpha = this.opts.alpha ?? 1;
    const lo = this.opts.lo ?? 0;
    const hi = this.opts.hi ?? 1;
    const maxIters = this.opts.maxIters ?? 1000;
    return (2 * (hi - lo)) / (1 + Math.exp((-alpha * this.iterNum) / maxIters)) - (hi - lo) + lo;
  }
  /** Any shape: the same values, reversed and scaled gradient. */
  forward(x: Tensor): Tensor {
    const c = this.coeff();
    if (this.opts.autoStep) this.step();
    return gradientReverse(x, c);
  }
  /** Advances the iteration counter by one. */
  step(): void {
    this.iterNum += 1;
  }
}

/**
 * Runs `layer` on `x` and disposes `x` (unless the layer returned `x` itself): the pattern of a forward
 * that drops its reference to an intermediate result, as Python's reference counting would.
 */
export function consume(layer: TensorModule | Sequential, x: Tensor): Tensor {
  const y = layer.forward(x);
  if (y !== x) x.dispose();
  return y;
}

/** `a + b` (broadcasting), disposing `a`. */
export function addInto(a: Tensor, b: Tensor): Tensor {
  const s = ops.add(a, b);
  a.dispose();
  return s;
}
