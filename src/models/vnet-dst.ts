/**
 * DST's decoupled VNet in the DHC repository (`code/models/vnet_dst.py`, class `VNet_Decoupled`):
 * the VNet encoder (blocks at the top level, Dropout3d(0.5) on x5) and three independent VNet
 * decoders `decoder` (main), `decoder_pseudo` and `decoder_worst`, each with its own Dropout3d(0.5)
 * on x9 and its own 1x1x1 head named `head`. The worst-case decoder first passes all five features
 * through a warm-start gradient-reversal layer (`grl_layer`: alpha 1, lo 0, hi 0.1, 500 iterations,
 * stepped explicitly by {@link VNetDecoupled.step}). 54,343,786 parameters at f = 32, 14 classes.
 */
import { Conv3d, Dropout3d, Module } from '../torch/nn/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import { consume, type Normalization, WarmStartGradientReverseLayer } from './layers.ts';
import type { SegmentationNetwork } from './network.ts';
import { type ResolvedVNetOptions, type VNetOptions, vnetDefaults } from './vnet.ts';
import {
  addDecoderBlocks,
  addEncoderBlocks,
  type DecoderBlocks,
  disposeFeatures,
  type EncoderBlocks,
  type Features,
  runDecoder,
  runEncoder,
} from './vnet-blocks.ts';

/** One of DST's three decoders (`Decoder` in `vnet_dst.py`): the five VNet features -> logits `[B, C, D, H, W]`. */
export class DSTDecoder extends Module {
  protected readonly blocks: DecoderBlocks;
  readonly head: Conv3d;
  readonly grlLayer: WarmStartGradientReverseLayer;
  readonly dropout: Dropout3d;

  constructor(
    numClasses: number,
    filters: number,
    normalization: Normalization,
    readonly worstCase = false,
  ) {
    super();
    const reg = <M extends Module>(name: string, m: M): M => this.registerModule(name, m);
    this.blocks = addDecoderBlocks(reg, filters, normalization);
    this.head = reg('head', new Conv3d(filters, numClasses, 1));
    this.grlLayer = reg(
      'grl_layer',
      new WarmStartGradientReverseLayer({ alpha: 1, lo: 0, hi: 0.1, maxIters: 500, autoStep: false }),
    );
    this.dropout = reg('dropout', new Dropout3d(0.5));
  }

  /**
   * The five features -> logits `[B, numClasses, D, H, W]`; the worst-case decoder reverses the
   * gradient of every feature first. The features are left alone.
   */
  forward(f: Features, hasDropout: boolean): Tensor {
    const input = this.worstCase ? (f.map((t) => this.grlLayer.forward(t)) as Features) : f;
    try {
      let x9 = runDecoder(this.blocks, input);
      if (hasDropout) x9 = consume(this.dropout, x9);
      return consume(this.head, x9);
    } finally {
      if (input !== f) disposeFeatures(input);
    }
  }
}

/** The three outputs of {@link VNetDecoupled.forward}, each `[B, numClasses, D, H, W]`. */
export interface DecoupledOutput {
  main: Tensor;
  pseudo: Tensor;
  worst: Tensor;
}

/**
 * DST's `VNet_Decoupled`. Input `[B, C_in, D, H, W]` float32 (multiples of 16; B = 0 gives empty
 * outputs). PyTorch default initialisation (DST's script re-initialises A with Kaiming, B with Xavier).
 */
export class VNetDecoupled extends Module implements SegmentationNetwork {
  readonly options: ResolvedVNetOptions;
  hasDropout: boolean;
  protected readonly enc: EncoderBlocks;
  readonly decoder: DSTDecoder;
  readonly decoderPseudo: DSTDecoder;
  readonly decoderWorst: DSTDecoder;
  readonly dropout: Dropout3d;

  constructor(opts: VNetOptions = {}) {
    super();
    const o = vnetDefaults(opts);
    this.options = o;
    this.hasDropout = o.hasDropout;
    const reg = <M extends Module>(name: string, m: M): M => this.registerModule(name, m);
    this.enc = addEncoderBlocks(reg, o.inChannels, o.filters, o.normalization);
    this.decoder = reg('decoder', new DSTDecoder(o.numClasses, o.filters, o.normalization));
    this.decoderPseudo = reg('decoder_pseudo', new DSTDecoder(o.numClasses, o.filters, o.normalization));
    this.decoderWorst = reg('decoder_worst', new DSTDecoder(o.numClasses, o.filters, o.normalization, true));
    this.dropout = reg('dropout', new Dropout3d(0.5));
  }

  /** `[B, C_in, D, H, W]` float32 (multiples of 16) -> features; x5 after dropout when `hasDropout`. */
  encoder(x: Tensor): Features {
    return runEncoder(this.enc, x, this.hasDropout ? this.dropout : null, 'VNetDecoupled');
  }

  /**
   * `[B, C_in, D, H, W]` float32 -> main, pseudo and worst-case logits, computed in that order (so
   * dropout masks are drawn as in the reference's training-mode forward: encoder, main, pseudo,
   * worst). The reference's eval-mode forward computes the main head only: {@link forwardMain}.
   */
  forward(x: Tensor): DecoupledOutput {
    const f = this.encoder(x);
    try {
      const main = this.decoder.forward(f, this.hasDropout);
      const pseudo = this.decoderPseudo.forward(f, this.hasDropout);
      const worst = this.decoderWorst.forward(f, this.hasDropout);
      return { main, pseudo, worst };
    } finally {
      disposeFeatures(f);
    }
  }

  /** `[B, C_in, D, H, W]` -> main logits only (the reference's eval-mode forward). */
  forwardMain(x: Tensor): Tensor {
    const f = this.encoder(x);
    try {
      return this.decoder.forward(f, this.hasDropout);
    } finally {
      disposeFeatures(f);
    }
  }

  /** Main logits (DHC's test script averages the main heads of nets A and B). */
  inferLogits(x: Tensor): Tensor {
    return this.forwardMain(x);
  }

  /** Advances the worst-case decoder's gradient-reversal counter (once per training iteration). */
  step(): void {
    this.decoderWorst.grlLayer.step();
  }
}
