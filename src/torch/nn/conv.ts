/** Convolutions: Conv2d/3d and ConvTranspose2d/3d, input `[B, C, (D,) H, W]`, PyTorch's default init. */
import type { DeviceSpec, DType } from '../dtype.ts';
import * as ops from '../generated/ops.ts';
import type { Tensor } from '../tensor.ts';
import { defaultLayerInit_ } from './init.ts';
import { Module } from './module.ts';

type Size = number | readonly number[];

/** Options of the convolution layers (defaults as PyTorch: stride 1, padding 0, bias on). */
export interface ConvOptions {
  stride?: Size;
  padding?: Size;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  /** Transposed convolutions only: extra size added to one side of the output. */
  outputPadding?: Size;
  dtype?: DType;
  device?: DeviceSpec;
}

function expand(v: Size, n: number, what: string): number[] {
  const out = typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
  if (out.length !== n || out.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new Error(`${what}: expected ${n} non-negative integers, got ${JSON.stringify(v)}`);
  }
  return out;
}

abstract class ConvBase extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: number[];
  readonly padding: number[];
  readonly dilation: number[];
  readonly outputPadding: number[];
  readonly groups: number;

  constructor(
    readonly dims: 2 | 3,
    readonly transposed: boolean,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size,
    opts: ConvOptions = {},
  ) {
    super();
    const name = `${transposed ? 'ConvTranspose' : 'Conv'}${dims}d`;
    const k = expand(kernelSize, dims, `${name} kernelSize`);
    this.stride = expand(opts.stride ?? 1, dims, `${name} stride`);
    this.padding = expand(opts.padding ?? 0, dims, `${name} padding`);
    this.dilation = expand(opts.dilation ?? 1, dims, `${name} dilation`);
    this.outputPadding = expand(opts.outputPadding ?? 0, dims, `${name} outputPadding`);
    this.groups = opts.groups ?? 1;
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new Error(
        `${name}: channels ${inChannels}->${outChannels} must be divisible by groups ${this.groups}`,
      );
    }
    const shape = transposed
      ? [inChannels, outChannels / this.groups, ...k]
      : [outChannels, inChannels / this.groups, ...k];
    const options = { dtype: opts.dtype ?? ('float32' as DType), device: opts.device };
    this.weight = this.registerParameter('weight', ops.empty(shape, options));
    this.bias = this.registerParameter(
      'bias',
      opts.bias === false ? null : ops.empty([outChannels], options),
    );
    defaultLayerInit_(this.weight, this.bias);
  }
}

/** 2D convolution over `[B, C_in, H, W]` -> `[B, C_out, H', W']`. */
export class Conv2d extends ConvBase {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts?: ConvOptions) {
    super(2, false, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return ops.conv2d(x, this.weight, {
      bias: this.bias,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}

/** 3D convolution over `[B, C_in, D, H, W]` -> `[B, C_out, D', H', W']`. */
export class Conv3d extends ConvBase {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts?: ConvOptions) {
    super(3, false, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return ops.conv3d(x, this.weight, {
      bias: this.bias,
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }
}

/** 2D transposed convolution over `[B, C_in, H, W]`. */
export class ConvTranspose2d extends ConvBase {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts?: ConvOptions) {
    super(2, true, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return ops.convTranspose2d(x, this.weight, {
      bias: this.bias,
      stride: this.stride,
      padding: this.padding,
      output_padding: this.outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}

/** 3D transposed convolution over `[B, C_in, D, H, W]`. */
export class ConvTranspose3d extends ConvBase {
  constructor(inChannels: number, outChannels: number, kernelSize: Size, opts?: ConvOptions) {
    super(3, true, inChannels, outChannels, kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return ops.convTranspose3d(x, this.weight, {
      bias: this.bias,
      stride: this.stride,
      padding: this.padding,
      output_padding: this.outputPadding,
      groups: this.groups,
      dilation: this.dilation,
    });
  }
}
