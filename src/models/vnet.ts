/**
 * DHC's VNet (`xmed-lab/DHC`, `code/models/vnet.py`, class `VNet`), the network of DHC and of most
 * of its baselines (CPS, UA-MT, DePL, ADSH, CReST, SimiS, Acisis, CLD, CLS, fully supervised).
 * Encoder stages of 1/2/3/3/3 convolutions (f, 2f, 4f, 8f, 16f channels), strided-conv downsampling,
 * transposed-conv upsampling, additive skips, Dropout3d(0.5) on the bottleneck and on the last
 * feature map when `hasDropout`, a 1x1x1 head. With f = 32 and 14 classes: 37,778,126 parameters.
 */
import { Conv3d, Dropout3d, Module } from '../torch/nn/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import { consume, type Normalization } from './layers.ts';
import type { SegmentationNetwork } from './network.ts';
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

/** Options of the VNet family (the reference's `n_channels`, `n_classes`, `n_filters`, ...). */
export interface VNetOptions {
  /** Input channels (`n_channels`); default 1. */
  inChannels?: number;
  /** Output classes incl. background (`n_classes`); default 14 (Synapse). */
  numClasses?: number;
  /** Base width f (`n_filters`); default 32. */
  filters?: number;
  /** Normalisation of every block; default 'batchnorm'. */
  normalization?: Normalization;
  /** Dropout3d(0.5) on x5 and x9 in training mode (`has_dropout`); default true. */
  hasDropout?: boolean;
}

/** Every option resolved to its value. */
export type ResolvedVNetOptions = Required<VNetOptions>;

/** Fills in the defaults of {@link VNetOptions}. */
export function vnetDefaults(o: VNetOptions = {}): ResolvedVNetOptions {
  return {
    inChannels: o.inChannels ?? 1,
    numClasses: o.numClasses ?? 14,
    filters: o.filters ?? 32,
    normalization: o.normalization ?? 'batchnorm',
    hasDropout: o.hasDropout ?? true,
  };
}

/**
 * DHC's VNet (input `[B, C_in, D, H, W]` float32, D/H/W multiples of 16). State-dict keys `block_one.conv.0.weight` ... `out_conv.bias`; PyTorch default
 * initialisation (DHC's training script re-initialises with `kaimingNormalInitWeight` (init.ts)).
 */
export class VNet extends Module implements SegmentationNetwork {
  readonly options: ResolvedVNetOptions;
  /** Dropout on x5 and x9 (the reference's `has_dropout`); mutable like the reference's attribute. */
  hasDropout: boolean;
  protected readonly enc: EncoderBlocks;
  protected readonly dec: DecoderBlocks;
  readonly outConv: Conv3d;
  readonly dropout: Dropout3d;

  constructor(opts: VNetOptions = {}) {
    super();
    const o = vnetDefaults(opts);
    this.options = o;
    this.hasDropout = o.hasDropout;
    const reg = <M extends Module>(name: string, m: M): M => this.registerModule(name, m);
    this.enc = addEncoderBlocks(reg, o.inChannels, o.filters, o.normalization);
    this.dec = addDecoderBlocks(reg, o.filters, o.normalization);
    this.outConv = reg('out_conv', new Conv3d(o.filters, o.numClasses, 1));
    this.dropout = reg('dropout', new Dropout3d(0.5));
  }

  /**
   * `[B, C_in, D, H, W]` float32 (D, H, W multiples of 16; anything else throws) -> the five
   * features; x5 after dropout when `hasDropout` (training mode).
   */
  encoder(x: Tensor): Features {
    return runEncoder(this.enc, x, this.hasDropout ? this.dropout : null, this.constructor.name);
  }

  /** Features -> x9 `[B, f, D, H, W]` after dropout (when `hasDropout`); the features are kept. */
  decoderFeatures(f: Features): Tensor {
    const x9 = runDecoder(this.dec, f);
    return this.hasDropout ? consume(this.dropout, x9) : x9;
  }

  /** Features -> logits `[B, numClasses, D, H, W]`; the features are kept. */
  decoder(f: Features): Tensor {
    return consume(this.outConv, this.decoderFeatures(f));
  }

  /**
   * `[B, C_in, D, H, W]` float32 (the parameters' dtype) -> logits `[B, numClasses, D, H, W]` float32.
   * D, H, W must be multiples of 16 (anything else throws one line naming the shape); B = 0 gives an
   * empty result. Training mode: BN batch statistics (updating the running ones) and, with
   * `hasDropout`, channel dropout on x5 and x9.
   */
  forward(x: Tensor): Tensor {
    const f = this.encoder(x);
    try {
      return this.decoder(f);
    } finally {
      disposeFeatures(f);
    }
  }

  /** The logits of {@link forward} (DHC's test script uses the plain forward in eval mode). */
  inferLogits(x: Tensor): Tensor {
    return this.forward(x);
  }
}
