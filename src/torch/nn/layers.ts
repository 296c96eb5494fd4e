/** Stateless and small layers: activations, dropout, pooling, upsampling, linear. */
import { full } from '../creation.ts';
import type { DeviceSpec } from '../dtype.ts';
import * as ops from '../generated/ops.ts';
import type { Tensor } from '../tensor.ts';
import { defaultLayerInit_ } from './init.ts';
import { Module } from './module.ts';

type Size = number | readonly number[];

/** max(x, 0); `inplace` overwrites the input. */
export class ReLU extends Module {
  constructor(readonly inplace = false) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.inplace ? ops.relu_(x) : ops.relu(x);
  }
}

/** max(x, 0) + slope * min(x, 0) (PyTorch's default slope 0.01). */
export class LeakyReLU extends Module {
  constructor(
    readonly negativeSlope = 0.01,
    readonly inplace = false,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    const o = { negative_slope: this.negativeSlope };
    return this.inplace ? ops.leakyRelu_(x, o) : ops.leakyRelu(x, o);
  }
}

/** Leaky ReLU with a learned slope per channel (or one shared), initialised to `init` (0.25). */
export class PReLU extends Module {
  readonly weight: Tensor;
  constructor(numParameters = 1, init = 0.25, opts: { device?: DeviceSpec } = {}) {
    super();
    this.weight = this.registerParameter('weight', full([numParameters], init, { device: opts.device }));
  }
  forward(x: Tensor): Tensor {
    return ops.prelu(x, this.weight);
  }
}

/** Element dropout with probability p, scaled by 1/(1-p) in training; identity in eval. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (p < 0 || p > 1) throw new Error(`Dropout: p must be in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return ops.dropout(x, this.p, this.training);
  }
}

/** Channel dropout for `[B, C, H, W]`: whole channels are zeroed. */
export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor {
    return ops.featureDropout(x, this.p, this.training);
  }
}

/** Channel dropout for `[B, C, D, H, W]`: whole channels are zeroed. */
export class Dropout3d extends Dropout {
  override forward(x: Tensor): Tensor {
    return ops.featureDropout(x, this.p, this.training);
  }
}

/** Max pooling over `[B, C, H, W]` (stride defaults to the kernel size). */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Size,
    readonly stride: Size = kernelSize,
    readonly padding: Size = 0,
    readonly ceilMode = false,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return ops.maxPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceil_mode: this.ceilMode,
    });
  }
}

/** Max pooling over `[B, C, D, H, W]` (stride defaults to the kernel size). */
export class MaxPool3d extends Module {
  constructor(
    readonly kernelSize: Size,
    readonly stride: Size = kernelSize,
    readonly padding: Size = 0,
    readonly ceilMode = false,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return ops.maxPool3d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceil_mode: this.ceilMode,
    });
  }
}

export type UpsampleMode = 'nearest' | 'bilinear' | 'trilinear';

/**
 * Resizes `[B, C, H, W]` (nearest, bilinear) or `[B, C, D, H, W]` (nearest, trilinear) by a scale
 * factor or to a size, calling the same kernels with the same arguments as `F.interpolate`.
 */
export class Upsample extends Module {
  constructor(
    readonly opts: {
      scaleFactor?: number;
      size?: readonly number[];
      mode?: UpsampleMode;
      alignCorners?: boolean;
    },
  ) {
    super();
    if ((opts.scaleFactor === undefined) === (opts.size === undefined)) {
      throw new Error('Upsample: give exactly one of scaleFactor and size');
    }
    if ((opts.mode ?? 'nearest') === 'nearest' && opts.alignCorners !== undefined) {
      throw new Error('Upsample: alignCorners applies only to bilinear and trilinear modes');
    }
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, this.opts);
  }
}

/** Functional form of {@link Upsample}. */
export function interpolate(
  x: Tensor,
  opts: { scaleFactor?: number; size?: readonly number[]; mode?: UpsampleMode; alignCorners?: boolean },
): Tensor {
  const spatial = x.ndim - 2;
  const size = opts.size ?? null;
  const scales = opts.scaleFactor === undefined ? null : Array<number>(spatial).fill(opts.scaleFactor);
  const mode = opts.mode ?? 'nearest';
  const align = opts.alignCorners ?? false;
  if (mode === 'nearest') {
    if (spatial === 3) return ops.upsampleNearest3d(x, size, scales);
    if (spatial === 2) return ops.upsampleNearest2d(x, size, scales);
  } else if (mode === 'trilinear' && spatial === 3) {
    return ops.upsampleTrilinear3d(x, size, align, scales);
  } else if (mode === 'bilinear' && spatial === 2) {
    return ops.upsampleBilinear2d(x, size, align, scales);
  }
  throw new Error(`interpolate: mode '${mode}' does not apply to ${x.ndim}D input [${x.shape}]`);
}

/** y = x W^T + b over `[..., in]` -> `[..., out]`. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: { bias?: boolean; device?: DeviceSpec } = {},
  ) {
    super();
    this.weight = this.registerParameter(
      'weight',
      ops.empty([outFeatures, inFeatures], { device: opts.device }),
    );
    this.bias = this.registerParameter(
      'bias',
      opts.bias === false ? null : ops.empty([outFeatures], { device: opts.device }),
    );
    defaultLayerInit_(this.weight, this.bias);
  }
  forward(x: Tensor): Tensor {
    return ops.linear(x, this.weight, { bias: this.bias });
  }
}

/** Identity. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return ops.alias(x);
  }
}
