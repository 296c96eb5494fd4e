/**
 * Parameter initialisers with PyTorch's formulas and random-draw order, so that the same seed gives
 * the same weights as `torch.nn.init` (all run in place, without recording gradients).
 */
import { noGrad } from '../autograd.ts';
import * as ops from '../generated/ops.ts';
import type { Tensor } from '../tensor.ts';

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu';
export type FanMode = 'fan_in' | 'fan_out';

/** The recommended gain of a nonlinearity (as `torch.nn.init.calculate_gain`). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    default:
      return 1;
  }
}

/**
 * Fan-in and fan-out of a weight of shape `[out, in, *kernel]` (for transposed convolutions the
 * weight is `[in, out, *kernel]` and, as in PyTorch, dim 1 still counts as fan-in).
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new Error(`fans: need at least 2 dimensions, got [${shape}]`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** Fills with U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return noGrad(() => ops.uniform_(t, { from: a, to: b }));
}

/** Fills with N(mean, std^2). */
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => ops.normal_(t, { mean, std }));
}

/** Fills with a constant. */
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => ops.fill_(t, value));
}

export function zeros_(t: Tensor): Tensor {
  return noGrad(() => ops.zero_(t));
}

export function ones_(t: Tensor): Tensor {
  return noGrad(() => ops.fill_(t, 1));
}

/** He uniform: U(-b, b), b = gain * sqrt(3 / fan). PyTorch's default `a = 0`, `leaky_relu`. */
export function kaimingUniform_(
  t: Tensor,
  opts: { a?: number; mode?: FanMode; nonlinearity?: Nonlinearity } = {},
): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  const fan = (opts.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  const bound = Math.sqrt(3) * (gain / Math.sqrt(fan));
  return uniform_(t, -bound, bound);
}

/** He normal: N(0, std^2), std = gain / sqrt(fan). */
export function kaimingNormal_(
  t: Tensor,
  opts: { a?: number; mode?: FanMode; nonlinearity?: Nonlinearity } = {},
): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  const fan = (opts.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(fan));
}

/** Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a);
}

/** Glorot normal: N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

/**
 * PyTorch's default for convolution and linear layers: weight `kaiming_uniform_(a = sqrt(5))`
 * (that is U(-1/sqrt(fan_in), 1/sqrt(fan_in))), then bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 */
export function defaultLayerInit_(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias !== null) {
    const { fanIn } = fans(weight.shape);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}
