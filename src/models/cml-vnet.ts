/**
 * CML's 3D network for LA (`SongwuJob/CML`, `code/networks/VNet.py`, class `VNet`): two full VNet
 * branches with separate weights, `encoder1` + `decoder1` (transposed-convolution upsampling) and
 * `encoder2` + `decoder2` (trilinear x2, align_corners=True, then Conv3d 3^3). The forward returns both
 * logits and both encoders' bottleneck features x5 (after dropout), which CML's discrepancy loss
 * pushes apart. PyTorch default initialisation. f = 16, 2 classes: 19,724,612 parameters.
 */
import { Conv3d, Dropout3d, Module } from '../torch/nn/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import { consume, type Normalization } from './layers.ts';
import type { SegmentationNetwork } from './network.ts';
import {
  addDecoderBlocks,
  addEncoderBlocks,
  type DecoderBlocks,
  type EncoderBlocks,
  type Features,
  runDecoder,
  runEncoder,
  UpsamplingFunction,
} from './vnet-blocks.ts';

/** Options of CML's VNet (the reference's `n_channels`, `n_classes`, `n_filters`, ...). */
export interface CMLVNetOptions {
  /** Input channels; default 1. */
  inChannels?: number;
  /** Classes incl. background; default 2 (LA). */
  numClasses?: number;
  /** Base width; default 16. */
  filters?: number;
  /** Default 'batchnorm'. */
  normalization?: Normalization;
  /** Dropout3d(0.5) on x5 and x9 in training mode; default true (the test script builds it false). */
  hasDropout?: boolean;
  /** Residual convolution stages (`has_residual`); default false (CML never sets it). */
  hasResidual?: boolean;
}

/** CML's `Encoder`: the VNet encoder blocks and a Dropout3d(0.5) on x5 (`[B, C_in, D, H, W]` float32). */
export class CMLEncoder extends Module {
  hasDropout: boolean;
  protected readonly blocks: EncoderBlocks;
  readonly dropout: Dropout3d;
  constructor(o: Required<CMLVNetOptions>) {
    super();
    this.hasDropout = o.hasDropout;
    const reg = <M extends Module>(name: string, m: M): M => this.registerModule(name, m);
    this.blocks = addEncoderBlocks(reg, o.inChannels, o.filters, o.normalization, o.hasResidual);
    this.dropout = reg('dropout', new Dropout3d(0.5));
  }
  /** `[B, C_in, D, H, W]` (multiples of 16) -> [x1, ..., x5]; x5 after dropout when `hasDropout`. */
  forward(x: Tensor): Features {
    return runEncoder(this.blocks, x, this.hasDropout ? this.dropout : null, 'CMLVNet');
  }
}

/** CML's `Decoder` with up type 0 (transposed convolution) or 1 (trilinear + conv): features -> `[B, C, D, H, W]`. */
export class CMLDecoder extends Module {
  hasDropout: boolean;
  protected readonly blocks: DecoderBlocks;
  readonly outConv: Conv3d;
  readonly dropout: Dropout3d;
  constructor(o: Required<CMLVNetOptions>, upType: 0 | 1 | 2) {
    super();
    this.hasDropout = o.hasDropout;
    const reg = <M extends Module>(name: string, m: M): M => this.registerModule(name, m);
    this.blocks = addDecoderBlocks(
      reg,
      o.filters,
      o.normalization,
      (cin, cout) => new UpsamplingFunction(cin, cout, 2, o.normalization, upType),
      o.hasResidual,
    );
    this.outConv = reg('out_conv', new Conv3d(o.filters, o.numClasses, 1));
    this.dropout = reg('dropout', new Dropout3d(0.5));
  }
  /** Features -> logits `[B, numClasses, D, H, W]`; the features are left alone. */
  forward(f: Features): Tensor {
    let x9 = runDecoder(this.blocks, f);
    if (this.hasDropout) x9 = consume(this.dropout, x9);
    return consume(this.outConv, x9);
  }
}

/** The four outputs of {@link CMLVNet.forward}. */
export interface CMLOutput {
  /** Branch 1 (transposed-conv decoder) logits `[B, numClasses, D, H, W]`. */
  logits1: Tensor;
  /** Branch 2 (trilinear decoder) logits. */
  logits2: Tensor;
  /** Encoder 1's x5 after dropout, `[B, 16f, D/16, H/16, W/16]`. */
  feat1: Tensor;
  /** Encoder 2's x5 after dropout. */
  feat2: Tensor;
}

/**
 * CML's two-branch VNet for LA. Input `[B, C_in, D, H, W]` float32 (multiples of 16, e.g. the
 * 112x112x80 patch; anything else throws one line; B = 0 gives empty outputs).
 */
export class CMLVNet extends Module implements SegmentationNetwork {
  readonly options: Required<CMLVNetOptions>;
  readonly encoder1: CMLEncoder;
  readonly encoder2: CMLEncoder;
  readonly decoder1: CMLDecoder;
  readonly decoder2: CMLDecoder;

  constructor(opts: CMLVNetOptions = {}) {
    super();
    const o: Required<CMLVNetOptions> = {
      inChannels: opts.inChannels ?? 1,
      numClasses: opts.numClasses ?? 2,
      filters: opts.filters ?? 16,
      normalization: opts.normalization ?? 'batchnorm',
      hasDropout: opts.hasDropout ?? true,
      hasResidual: opts.hasResidual ?? false,
    };
    this.options = o;
    this.encoder1 = this.registerModule('encoder1', new CMLEncoder(o));
    this.encoder2 = this.registerModule('encoder2', new CMLEncoder(o));
    this.decoder1 = this.registerModule('decoder1', new CMLDecoder(o, 0));
    this.decoder2 = this.registerModule('decoder2', new CMLDecoder(o, 1));
  }

  /**
   * `[B, C_in, D, H, W]` float32 (multiples of 16) -> both branches' logits and bottleneck features,
   * computed in the reference's order (encoder1, encoder2, decoder1, decoder2: dropout masks match).
   */
  forward(x: Tensor): CMLOutput {
    const f1 = this.encoder1.forward(x);
    const f2 = this.encoder2.forward(x);
    try {
      const logits1 = this.decoder1.forward(f1);
      const logits2 = this.decoder2.forward(f2);
      return { logits1, logits2, feat1: f1[4], feat2: f2[4] };
    } finally {
      for (let i = 0; i < 4; i++) {
        f1[i]!.dispose();
        f2[i]!.dispose();
      }
    }
  }

  /** (logits1 + logits2) / 2, as CML's LA test script averages the branches before the softmax. */
  inferLogits(x: Tensor): Tensor {
    const o = this.forward(x);
    o.feat1.dispose();
    o.feat2.dispose();
    const s = o.logits1.add(o.logits2);
    o.logits1.dispose();
    o.logits2.dispose();
    const avg = s.div(2);
    s.dispose();
    return avg;
  }
}
