/**
 * The building blocks of the VNet family shared by DHC, its baselines, CML and SKCDF
 * (`code/models/vnet.py` and its copies): convolution stages, strided down convolutions, transposed
 * or interpolating up blocks, and the five-level encoder / four-level decoder wiring with additive
 * skips. Every block keeps its layers in a Sequential named `conv`, as the references do, so the
 * state-dict keys are `block_two.conv.3.weight` and so on.
 */

import {
  Conv3d,
  ConvTranspose3d,
  type Dropout3d,
  Module,
  ReLU,
  Sequential,
  type TensorModule,
  Upsample,
} from '../torch/nn/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import { addInto, consume, type Normalization, normLayer3d, type Registrar } from './layers.ts';

/** The five encoder outputs `[x1, x2, x3, x4, x5]`, each `[B, C_l, D_l, H_l, W_l]`. */
export type Features = [Tensor, Tensor, Tensor, Tensor, Tensor];

/** Disposes every tensor of a feature list (those already disposed are skipped; empty list: no-op). */
export function disposeFeatures(f: readonly Tensor[]): void {
  for (const t of f) t.dispose();
}

/**
 * `nStages` x [Conv3d 3^3 pad 1 (bias) -> normalisation -> ReLU(inplace)]; the first convolution maps
 * `cin` to `cout`, the others `cout` to `cout`. No residual. `[B, cin, D, H, W]` -> `[B, cout, D, H, W]`.
 */
export class ConvBlock extends Module {
  readonly conv: Sequential;
  constructor(nStages: number, cin: number, cout: number, normalization: Normalization = 'none') {
    super();
    const layers: TensorModule[] = [];
    for (let i = 0; i < nStages; i++) {
      layers.push(new Conv3d(i === 0 ? cin : cout, cout, 3, { padding: 1 }));
      const n = normLayer3d(normalization, cout);
      if (n) layers.push(n);
      layers.push(new ReLU(true));
    }
    this.conv = this.registerModule('conv', new Sequential(...layers));
  }
  forward(x: Tensor): Tensor {
    return this.conv.forward(x);
  }
}

/**
 * CML's `ResidualConvBlock`: the stage of {@link ConvBlock} without the last ReLU, plus the input
 * (broadcast over channels when `cin` is 1, as PyTorch's addition does), then ReLU.
 */
export class ResidualConvBlock extends Module {
  readonly conv: Sequential;
  readonly relu: ReLU;
  constructor(nStages: number, cin: number, cout: number, normalization: Normalization = 'none') {
    super();
    const layers: TensorModule[] = [];
    for (let i = 0; i < nStages; i++) {
      layers.push(new Conv3d(i === 0 ? cin : cout, cout, 3, { padding: 1 }));
      const n = normLayer3d(normalization, cout);
      if (n) layers.push(n);
      if (i !== nStages - 1) layers.push(new ReLU(true));
    }
    this.conv = this.registerModule('conv', new Sequential(...layers));
    this.relu = this.registerModule('relu', new ReLU(true));
  }
  forward(x: Tensor): Tensor {
    const y = this.conv.forward(x);
    return consume(this.relu, addInto(y, x));
  }
}

/** Conv3d kernel = stride (2), no padding -> normalisation -> ReLU: `[B, cin, D, H, W]` -> `[B, cout, D/2, H/2, W/2]` (floor; a size below 2 throws in the convolution). */
export class DownsamplingConvBlock extends Module {
  readonly conv: Sequential;
  constructor(cin: number, cout: number, stride = 2, normalization: Normalization = 'none') {
    super();
    const layers: TensorModule[] = [new Conv3d(cin, cout, stride, { stride })];
    const n = normLayer3d(normalization, cout);
    if (n) layers.push(n);
    layers.push(new ReLU(true));
    this.conv = this.registerModule('conv', new Sequential(...layers));
  }
  forward(x: Tensor): Tensor {
    return this.conv.forward(x);
  }
}

/** ConvTranspose3d kernel = stride (2) -> normalisation -> ReLU: `[B, cin, D, H, W]` -> `[B, cout, 2D, 2H, 2W]`. */
export class UpsamplingDeconvBlock extends Module {
  readonly conv: Sequential;
  constructor(cin: number, cout: number, stride = 2, normalization: Normalization = 'none') {
    super();
    const layers: TensorModule[] = [new ConvTranspose3d(cin, cout, stride, { stride })];
    const n = normLayer3d(normalization, cout);
    if (n) layers.push(n);
    layers.push(new ReLU(true));
    this.conv = this.registerModule('conv', new Sequential(...layers));
  }
  forward(x: Tensor): Tensor {
    return this.conv.forward(x);
  }
}

/**
 * CML's `Upsampling_function`: mode 0 = ConvTranspose3d (k = s = stride); mode 1 = trilinear x stride
 * (align_corners=True) then Conv3d 3^3 pad 1; mode 2 = nearest x stride then Conv3d 3^3; then
 * normalisation and ReLU. Keys: mode 0 `conv.0` (deconv), `conv.1` (norm); modes 1/2 `conv.1`
 * (conv), `conv.2` (norm) — the parameterless Upsample takes index 0.
 */
export class UpsamplingFunction extends Module {
  readonly conv: Sequential;
  constructor(cin: number, cout: number, stride = 2, normalization: Normalization = 'none', mode = 1) {
    super();
    const layers: TensorModule[] = [];
    if (mode === 0) {
      layers.push(new ConvTranspose3d(cin, cout, stride, { stride }));
    } else if (mode === 1) {
      layers.push(new Upsample({ scaleFactor: stride, mode: 'trilinear', alignCorners: true }));
      layers.push(new Conv3d(cin, cout, 3, { padding: 1 }));
    } else if (mode === 2) {
      layers.push(new Upsample({ scaleFactor: stride, mode: 'nearest' }));
      layers.push(new Conv3d(cin, cout, 3, { padding: 1 }));
    } else {
      throw new Error(`UpsamplingFunction: mode must be 0, 1 or 2, got ${mode}`);
    }
    const n = normLayer3d(normalization, cout);
    if (n) layers.push(n);
    layers.push(new ReLU(true));
    this.conv = this.registerModule('conv', new Sequential(...layers));
  }
  forward(x: Tensor): Tensor {
    return this.conv.forward(x);
  }
}

/** The encoder blocks of a VNet (registered as `block_one`, `block_one_dw`, ..., `block_five`). */
export interface EncoderBlocks {
  one: TensorModule;
  oneDw: TensorModule;
  two: TensorModule;
  twoDw: TensorModule;
  three: TensorModule;
  threeDw: TensorModule;
  four: TensorModule;
  fourDw: TensorModule;
  five: TensorModule;
}

/**
 * Creates and registers (in the reference's order, which is also its random-draw order) the encoder:
 * stages of 1, 2, 3, 3, 3 convolutions with f, 2f, 4f, 8f, 16f channels and four down blocks.
 */
export function addEncoderBlocks(
  reg: Registrar,
  nChannels: number,
  f: number,
  norm: Normalization,
  residual = false,
): EncoderBlocks {
  const Stage = residual ? ResidualConvBlock : ConvBlock;
  return {
    one: reg('block_one', new Stage(1, nChannels, f, norm)),
    oneDw: reg('block_one_dw', new DownsamplingConvBlock(f, 2 * f, 2, norm)),
    two: reg('block_two', new Stage(2, 2 * f, 2 * f, norm)),
    twoDw: reg('block_two_dw', new DownsamplingConvBlock(2 * f, 4 * f, 2, norm)),
    three: reg('block_three', new Stage(3, 4 * f, 4 * f, norm)),
    threeDw: reg('block_three_dw', new DownsamplingConvBlock(4 * f, 8 * f, 2, norm)),
    four: reg('block_four', new Stage(3, 8 * f, 8 * f, norm)),
    fourDw: reg('block_four_dw', new DownsamplingConvBlock(8 * f, 16 * f, 2, norm)),
    five: reg('block_five', new Stage(3, 16 * f, 16 * f, norm)),
  };
}

/** Input dims must be multiples of 16 for the additive skips to line up. */
function checkVNetInput(x: Tensor, who: string): void {
  const s = x.shape;
  if (s.length !== 5 || s.slice(2).some((v) => v % 16 !== 0 || v === 0)) {
    throw new Error(`${who}: expected [B, C, D, H, W] with D, H, W positive multiples of 16, got [${s}]`);
  }
}

/**
 * Runs the encoder on `[B, C_in, D, H, W]` (D, H, W multiples of 16): returns x1 (f channels, full
 * size) ... x5 (16f channels, 1/16 size). With `dropout`, x5 passes through it (Dropout3d, active in
 * training mode only). The input is left alone; intermediate down-sampled maps are released.
 */
export function runEncoder(b: EncoderBlocks, x: Tensor, dropout: Dropout3d | null, who: string): Features {
  checkVNetInput(x, who);
  const x1 = b.one.forward(x);
  const x2 = consume(b.two, b.oneDw.forward(x1));
  const x3 = consume(b.three, b.twoDw.forward(x2));
  const x4 = consume(b.four, b.threeDw.forward(x3));
  let x5 = consume(b.five, b.fourDw.forward(x4));
  if (dropout !== null) x5 = consume(dropout, x5);
  return [x1, x2, x3, x4, x5];
}

/** The decoder blocks of a VNet (`block_five_up`, `block_six`, ..., `block_nine`). */
export interface DecoderBlocks {
  fiveUp: TensorModule;
  six: TensorModule;
  sixUp: TensorModule;
  seven: TensorModule;
  sevenUp: TensorModule;
  eight: TensorModule;
  eightUp: TensorModule;
  nine: TensorModule;
}

/**
 * Creates and registers the decoder: up blocks 16f->8f->4f->2f->f (`makeUp(cin, cout)`, the
 * transposed-convolution block by default) and stages of 3, 3, 2, 1 convolutions.
 */
export function addDecoderBlocks(
  reg: Registrar,
  f: number,
  norm: Normalization,
  makeUp: (cin: number, cout: number) => TensorModule = (cin, cout) =>
    new UpsamplingDeconvBlock(cin, cout, 2, norm),
  residual = false,
): DecoderBlocks {
  const Stage = residual ? ResidualConvBlock : ConvBlock;
  return {
    fiveUp: reg('block_five_up', makeUp(16 * f, 8 * f)),
    six: reg('block_six', new Stage(3, 8 * f, 8 * f, norm)),
    sixUp: reg('block_six_up', makeUp(8 * f, 4 * f)),
    seven: reg('block_seven', new Stage(3, 4 * f, 4 * f, norm)),
    sevenUp: reg('block_seven_up', makeUp(4 * f, 2 * f)),
    eight: reg('block_eight', new Stage(2, 2 * f, 2 * f, norm)),
    eightUp: reg('block_eight_up', makeUp(2 * f, f)),
    nine: reg('block_nine', new Stage(1, f, f, norm)),
  };
}

/**
 * Runs the decoder on the five features: each level is up(previous) + skip (added after the up
 * block's ReLU), then its stage. Returns x9 (`[B, f, D, H, W]`, before dropout and head). The features
 * are left alone (several decoders may read them); intermediate maps are released.
 */
export function runDecoder(b: DecoderBlocks, f: readonly Tensor[]): Tensor {
  const [x1, x2, x3, x4, x5] = f as Features;
  const x6 = consume(b.six, addInto(b.fiveUp.forward(x5), x4));
  const x7 = consume(b.seven, addInto(consume(b.sixUp, x6), x3));
  const x8 = consume(b.eight, addInto(consume(b.sevenUp, x7), x2));
  return consume(b.nine, addInto(consume(b.eightUp, x8), x1));
}
