/**
 * SKCDF's network (`yinguanchun/SKCDF`, `SKCDF/code/models/SKCDF.py`, class
 * `VNet_Decouple_Attention_ABC`): one shared VNet `encoder` (Dropout3d(0.5) on x5), the bottleneck
 * complementarity module (`cross_attention_local` then `cross_attention_global`, see
 * `skcdf-attention.ts`), and two VNet decoders `decoder_l` (labeled flow) and `decoder_u` (unlabeled
 * flow), each with a Dropout3d(0.5) on x9 and two 1x1x1 heads on it: `out_conv9` (main) and
 * `out_conv9_abc` (auxiliary balanced). Mode 'labeled' runs decoder_l, 'unlabeled' decoder_u.
 * f = 32, 14 classes: 50,917,320 parameters (65,864 of them in the unused `map_in` convolutions).
 */
import { Conv3d, Dropout3d, Module } from '../torch/nn/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import { consume, type Normalization } from './layers.ts';
import type { SegmentationNetwork } from './network.ts';
import { CrossAttentionGlobalBlock, CrossAttentionLocalBlock, type SkcdfMode } from './skcdf-attention.ts';
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

/** Options of the SKCDF network (the reference's `n_channels`, `n_classes`, `n_filters`, ...). */
export interface SkcdfOptions {
  /** Input channels; default 1. */
  inChannels?: number;
  /** Classes incl. background; default 14 (Synapse). */
  numClasses?: number;
  /** Base width f (the bottleneck has 16f channels); default 32. */
  filters?: number;
  /** Default 'batchnorm'. */
  normalization?: Normalization;
  /** Dropout3d on x5 and x9 (training); default true (the test script builds it false). */
  hasDropout?: boolean;
  /** Attention heads; default 2. */
  numHeads?: number;
  /** Attention and projection dropout of both blocks; default 0.1. */
  attentionDropoutRate?: number;
  /**
   * The input patch `[D, H, W]` the attention blocks are built for; default [64, 128, 128] (the
   * reference hard-codes its 4x8x8 bottleneck). Each size must be a multiple of 32.
   */
  patchSize?: readonly number[];
}

/** SKCDF's VNet encoder module (`Encoder`: blocks plus `dropout`) over `[B, C_in, D, H, W]` float32. */
export class SkcdfEncoder extends Module {
  hasDropout: boolean;
  protected readonly blocks: EncoderBlocks;
  readonly dropout: Dropout3d;
  constructor(inChannels: number, filters: number, norm: Normalization, hasDropout: boolean) {
    super();
    this.hasDropout = hasDropout;
    const reg = <M extends Module>(name: string, m: M): M => this.registerModule(name, m);
    this.blocks = addEncoderBlocks(reg, inChannels, filters, norm);
    this.dropout = reg('dropout', new Dropout3d(0.5));
  }
  /** `[B, C_in, D, H, W]` (multiples of 16) -> [x1, ..., x5]; x5 after dropout when `hasDropout`. */
  forward(x: Tensor): Features {
    return runEncoder(this.blocks, x, this.hasDropout ? this.dropout : null, 'SKCDF');
  }
}

/** Main and balanced-head logits, each `[B, numClasses, D, H, W]`. */
export interface SkcdfOutput {
  logits: Tensor;
  logitsAbc: Tensor;
}

/** SKCDF's `Decoder`: VNet decoder blocks, dropout on x9, heads `out_conv9` and `out_conv9_abc` (`[B, C, D, H, W]`). */
export class SkcdfDecoder extends Module {
  hasDropout: boolean;
  protected readonly blocks: DecoderBlocks;
  readonly outConv9: Conv3d;
  readonly outConv9Abc: Conv3d;
  readonly dropout: Dropout3d;
  constructor(numClasses: number, filters: number, norm: Normalization, hasDropout: boolean) {
    super();
    this.hasDropout = hasDropout;
    const reg = <M extends Module>(name: string, m: M): M => this.registerModule(name, m);
    this.blocks = addDecoderBlocks(reg, filters, norm);
    this.outConv9 = reg('out_conv9', new Conv3d(filters, numClasses, 1));
    this.outConv9Abc = reg('out_conv9_abc', new Conv3d(filters, numClasses, 1));
    this.dropout = reg('dropout', new Dropout3d(0.5));
  }
  /** Features -> both heads' logits; the features are left alone. */
  forward(f: Features): SkcdfOutput {
    let x9 = runDecoder(this.blocks, f);
    if (this.hasDropout) x9 = consume(this.dropout, x9);
    const logits = this.outConv9.forward(x9);
    const logitsAbc = consume(this.outConv9Abc, x9);
    return { logits, logitsAbc };
  }
}

/**
 * SKCDF's `VNet_Decouple_Attention_ABC`. Input `[B, C_in, D, H, W]` float32 with (D, H, W) =
 * `patchSize` (the attention blocks are built for it; other sizes throw one line). B = 0 gives empty
 * outputs in 'unlabeled' mode; 'labeled' mode needs exactly 4. PyTorch default initialisation
 * (SKCDF's script then applies `xavierNormalInitWeight` (init.ts)).
 */
export class SKCDFNet extends Module implements SegmentationNetwork {
  readonly options: Required<SkcdfOptions>;
  readonly encoder: SkcdfEncoder;
  readonly decoderL: SkcdfDecoder;
  readonly decoderU: SkcdfDecoder;
  readonly crossAttentionLocal: CrossAttentionLocalBlock;
  readonly crossAttentionGlobal: CrossAttentionGlobalBlock;

  constructor(opts: SkcdfOptions = {}) {
    super();
    const o: Required<SkcdfOptions> = {
      inChannels: opts.inChannels ?? 1,
      numClasses: opts.numClasses ?? 14,
      filters: opts.filters ?? 32,
      normalization: opts.normalization ?? 'batchnorm',
      hasDropout: opts.hasDropout ?? true,
      numHeads: opts.numHeads ?? 2,
      attentionDropoutRate: opts.attentionDropoutRate ?? 0.1,
      patchSize: [...(opts.patchSize ?? [64, 128, 128])],
    };
    if (o.patchSize.length !== 3 || o.patchSize.some((v) => !Number.isInteger(v) || v <= 0 || v % 32 !== 0)) {
      throw new Error(`SKCDF: patchSize must be three positive multiples of 32, got [${o.patchSize}]`);
    }
    this.options = o;
    const n = o.normalization;
    this.encoder = this.registerModule('encoder', new SkcdfEncoder(o.inChannels, o.filters, n, o.hasDropout));
    this.decoderL = this.registerModule(
      'decoder_l',
      new SkcdfDecoder(o.numClasses, o.filters, n, o.hasDropout),
    );
    this.decoderU = this.registerModule(
      'decoder_u',
      new SkcdfDecoder(o.numClasses, o.filters, n, o.hasDropout),
    );
    const block = {
      numHeads: o.numHeads,
      channels: 16 * o.filters,
      dropoutRate: o.attentionDropoutRate,
      bottleneck: o.patchSize.map((v) => v / 16),
    };
    this.crossAttentionLocal = this.registerModule(
      'cross_attention_local',
      new CrossAttentionLocalBlock(block),
    );
    this.crossAttentionGlobal = this.registerModule(
      'cross_attention_global',
      new CrossAttentionGlobalBlock(block),
    );
  }

  /** Sets `hasDropout` on the encoder and both decoders. */
  set hasDropout(v: boolean) {
    this.encoder.hasDropout = v;
    this.decoderL.hasDropout = v;
    this.decoderU.hasDropout = v;
  }
  get hasDropout(): boolean {
    return this.encoder.hasDropout;
  }

  /**
   * `[B, C_in, D, H, W]` float32 with (D, H, W) = patchSize -> main and balanced logits of
   * decoder_l ('labeled': training mode, B = 2 labeled + 2 unlabeled) or decoder_u ('unlabeled').
   */
  forward(x: Tensor, mode: SkcdfMode): SkcdfOutput {
    if (mode !== 'labeled' && mode !== 'unlabeled') {
      throw new Error(`SKCDF: mode must be 'labeled' or 'unlabeled', got '${String(mode)}'`);
    }
    const s = x.shape;
    const p = this.options.patchSize;
    if (s.length !== 5 || s[2] !== p[0] || s[3] !== p[1] || s[4] !== p[2]) {
      throw new Error(
        `SKCDF: expected [B, C, ${p.join(', ')}] (the patch size it was built for), got [${s}]`,
      );
    }
    const f = this.encoder.forward(x);
    try {
      const local = this.crossAttentionLocal.forward(f[4], mode);
      f[4].dispose();
      f[4] = this.crossAttentionGlobal.forward(local, mode);
      local.dispose();
      return (mode === 'labeled' ? this.decoderL : this.decoderU).forward(f);
    } finally {
      disposeFeatures(f);
    }
  }

  /** decoder_u's main head in 'unlabeled' mode (SKCDF's validation and test). */
  inferLogits(x: Tensor): Tensor {
    const o = this.forward(x, 'unlabeled');
    o.logitsAbc.dispose();
    return o.logits;
  }
}
