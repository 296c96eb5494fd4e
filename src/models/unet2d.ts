/**
 * CML's 2D U-Net for ACDC (`SongwuJob/CML`, `code/networks/unet.py`, class `UNet`, from PyMIC), as
 * coded: one shared `encoder` (5 levels, 16..256 channels, ConvBlock = Conv3x3-BN-LeakyReLU(0.01)-
 * Dropout(p)-Conv3x3-BN-LeakyReLU with p = 0.05/0.1/0.2/0.3/0.5), `decoder1` (1x1 conv then bilinear
 * x2, align_corners=True) and `decoder2` (transposed convolution). The forward runs the encoder twice
 * and **decoder1 for both outputs**; decoder2 is built (its parameters count and are in the state
 * dict) but never used — the reference's behaviour, kept (see docs/models.md). The reference also
 * builds the encoder twice (a duplicated assignment) and keeps the second; the first one's random
 * draws are replayed here so that the same seed gives the same weights. 2,577,624 parameters.
 */
import * as ops from '../torch/generated/ops.ts';
import {
  BatchNorm2d,
  Conv2d,
  ConvTranspose2d,
  Dropout,
  LeakyReLU,
  MaxPool2d,
  Module,
  Sequential,
  Upsample,
} from '../torch/nn/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import { consume } from './layers.ts';
import type { SegmentationNetwork } from './network.ts';

/** Options of the 2D U-Net. */
export interface UNet2DOptions {
  /** Input channels (`in_chns`); default 1. */
  inChannels?: number;
  /** Classes incl. background (`class_num`); default 4 (ACDC). */
  numClasses?: number;
  /** Channels of the five levels (`feature_chns`); default [16, 32, 64, 128, 256]. */
  featureChannels?: readonly number[];
  /** Encoder dropout per level (`dropout`); default [0.05, 0.1, 0.2, 0.3, 0.5]. */
  dropout?: readonly number[];
}

/** `ConvBlock` (`conv_conv` = Conv2d, BN2d, LeakyReLU, Dropout, Conv2d, BN2d, LeakyReLU). */
export class ConvBlock2D extends Module {
  readonly convConv: Sequential;
  constructor(cin: number, cout: number, p: number) {
    super();
    this.convConv = this.registerModule(
      'conv_conv',
      new Sequential(
        new Conv2d(cin, cout, 3, { padding: 1 }),
        new BatchNorm2d(cout),
        new LeakyReLU(),
        new Dropout(p),
        new Conv2d(cout, cout, 3, { padding: 1 }),
        new BatchNorm2d(cout),
        new LeakyReLU(),
      ),
    );
  }
  /** `[B, cin, H, W]` -> `[B, cout, H, W]`. */
  forward(x: Tensor): Tensor {
    return this.convConv.forward(x);
  }
}

/** `DownBlock` (`maxpool_conv` = MaxPool2d(2), ConvBlock). */
export class DownBlock2D extends Module {
  readonly maxpoolConv: Sequential;
  constructor(cin: number, cout: number, p: number) {
    super();
    this.maxpoolConv = this.registerModule(
      'maxpool_conv',
      new Sequential(new MaxPool2d(2), new ConvBlock2D(cin, cout, p)),
    );
  }
  /** `[B, cin, H, W]` -> `[B, cout, H/2, W/2]` (floor). */
  forward(x: Tensor): Tensor {
    return this.maxpoolConv.forward(x);
  }
}

/** `UpBlock`: mode 1 = `conv1x1` then bilinear x2 (align_corners); mode 0 = transposed conv `up`. */
export class UpBlock2D extends Module {
  readonly conv1x1: Conv2d | null;
  readonly up: Module & { forward(x: Tensor): Tensor };
  readonly conv: ConvBlock2D;
  constructor(
    in1: number,
    in2: number,
    out: number,
    p: number,
    readonly mode: 0 | 1,
  ) {
    super();
    if (mode === 0) {
      this.conv1x1 = null;
      this.up = this.registerModule('up', new ConvTranspose2d(in1, in2, 2, { stride: 2 }));
    } else {
      this.conv1x1 = this.registerModule('conv1x1', new Conv2d(in1, in2, 1));
      this.up = this.registerModule(
        'up',
        new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }),
      );
    }
    this.conv = this.registerModule('conv', new ConvBlock2D(in2 * 2, out, p));
  }
  /** deeper `[B, in1, h, w]`, skip `[B, in2, 2h, 2w]` -> `[B, out, 2h, 2w]` (inputs left alone). */
  forward(deeper: Tensor, skip: Tensor): Tensor {
    const a = this.conv1x1 === null ? deeper : this.conv1x1.forward(deeper);
    const up = this.up.forward(a);
    if (a !== deeper) a.dispose();
    const cat = ops.cat([skip, up], { dim: 1 });
    up.dispose();
    return consume(this.conv, cat);
  }
}

/** The U-Net encoder (`in_conv`, `down1` ... `down4`) over `[B, C_in, H, W]` float32. */
export class UNet2DEncoder extends Module {
  readonly blocks: Module[];
  constructor(cin: number, ch: readonly number[], dropout: readonly number[]) {
    super();
    this.blocks = [
      this.registerModule('in_conv', new ConvBlock2D(cin, ch[0]!, dropout[0]!)),
      this.registerModule('down1', new DownBlock2D(ch[0]!, ch[1]!, dropout[1]!)),
      this.registerModule('down2', new DownBlock2D(ch[1]!, ch[2]!, dropout[2]!)),
      this.registerModule('down3', new DownBlock2D(ch[2]!, ch[3]!, dropout[3]!)),
      this.registerModule('down4', new DownBlock2D(ch[3]!, ch[4]!, dropout[4]!)),
    ];
  }
  /** `[B, C_in, H, W]` -> [x0, ..., x4] (x4 at 1/16 size). */
  forward(x: Tensor): Tensor[] {
    const out: Tensor[] = [];
    let cur = x;
    for (const b of this.blocks as ConvBlock2D[]) {
      cur = b.forward(cur);
      out.push(cur);
    }
    return out;
  }
}

/** The U-Net decoder (`up1` ... `up4`, `out_conv` Conv2d 3x3 pad 1): five features -> `[B, C, H, W]`. */
export class UNet2DDecoder extends Module {
  readonly ups: UpBlock2D[];
  readonly outConv: Conv2d;
  constructor(ch: readonly number[], numClasses: number, mode: 0 | 1) {
    super();
    this.ups = [
      this.registerModule('up1', new UpBlock2D(ch[4]!, ch[3]!, ch[3]!, 0, mode)),
      this.registerModule('up2', new UpBlock2D(ch[3]!, ch[2]!, ch[2]!, 0, mode)),
      this.registerModule('up3', new UpBlock2D(ch[2]!, ch[1]!, ch[1]!, 0, mode)),
      this.registerModule('up4', new UpBlock2D(ch[1]!, ch[0]!, ch[0]!, 0, mode)),
    ];
    this.outConv = this.registerModule('out_conv', new Conv2d(ch[0]!, numClasses, 3, { padding: 1 }));
  }
  /** [x0, ..., x4] -> logits `[B, numClasses, H, W]`; the features are left alone. */
  forward(f: readonly Tensor[]): Tensor {
    let x = this.ups[0]!.forward(f[4]!, f[3]!);
    for (let i = 1; i < 4; i++) {
      const next = this.ups[i]!.forward(x, f[3 - i]!);
      x.dispose();
      x = next;
    }
    return consume(this.outConv, x);
  }
}

/** The four outputs of {@link UNet2D.forward}. */
export interface UNet2DOutput {
  /** First pass logits `[B, numClasses, H, W]`. */
  logits1: Tensor;
  /** Second pass logits (decoder1 again, as coded; equal to logits1 in eval mode). */
  logits2: Tensor;
  /** The encoder bottleneck x4 of the first pass, `[B, 256, H/16, W/16]`. */
  feat1: Tensor;
  /** x4 of the second pass. */
  feat2: Tensor;
}

/**
 * CML's 2D `UNet` for ACDC, as coded (see the file comment). Input `[B, C_in, H, W]` float32 (H, W
 * multiples of 16, e.g. 256x256 slices; anything else throws one line; B = 0 gives empty outputs).
 */
export class UNet2D extends Module implements SegmentationNetwork {
  readonly options: Required<UNet2DOptions>;
  readonly encoder: UNet2DEncoder;
  readonly decoder1: UNet2DDecoder;
  readonly decoder2: UNet2DDecoder;

  constructor(opts: UNet2DOptions = {}) {
    super();
    const o: Required<UNet2DOptions> = {
      inChannels: opts.inChannels ?? 1,
      numClasses: opts.numClasses ?? 4,
      featureChannels: [...(opts.featureChannels ?? [16, 32, 64, 128, 256])],
      dropout: [...(opts.dropout ?? [0.05, 0.1, 0.2, 0.3, 0.5])],
    };
    if (o.featureChannels.length !== 5 || o.dropout.length !== 5) {
      throw new Error('UNet2D: featureChannels and dropout need 5 entries each');
    }
    this.options = o;
    // `self.encoder = Encoder(params1)` appears twice in the reference: the first encoder draws its
    // initial weights and is discarded. Replaying it keeps the random stream (and weights) equal.
    new UNet2DEncoder(o.inChannels, o.featureChannels, o.dropout).dispose();
    this.encoder = this.registerModule(
      'encoder',
      new UNet2DEncoder(o.inChannels, o.featureChannels, o.dropout),
    );
    this.decoder1 = this.registerModule('decoder1', new UNet2DDecoder(o.featureChannels, o.numClasses, 1));
    this.decoder2 = this.registerModule('decoder2', new UNet2DDecoder(o.featureChannels, o.numClasses, 0));
  }

  /**
   * `[B, C_in, H, W]` float32 (H, W multiples of 16) -> two passes of encoder + decoder1 (encoder,
   * encoder, decoder1, decoder1: dropout masks as in the reference) and both bottlenecks.
   */
  forward(x: Tensor): UNet2DOutput {
    const s = x.shape;
    if (s.length !== 4 || s.slice(2).some((v) => v % 16 !== 0 || v === 0)) {
      throw new Error(`UNet2D: expected [B, C, H, W] with H, W positive multiples of 16, got [${s}]`);
    }
    const f1 = this.encoder.forward(x);
    const f2 = this.encoder.forward(x);
    try {
      const logits1 = this.decoder1.forward(f1);
      const logits2 = this.decoder1.forward(f2);
      return { logits1, logits2, feat1: f1[4]!, feat2: f2[4]! };
    } finally {
      for (let i = 0; i < 4; i++) {
        f1[i]!.dispose();
        f2[i]!.dispose();
      }
    }
  }

  /** (logits1 + logits2) / 2, as CML's ACDC validation and test do. */
  inferLogits(x: Tensor): Tensor {
    const o = this.forward(x);
    o.feat1.dispose();
    o.feat2.dispose();
    const sum = o.logits1.add(o.logits2);
    o.logits1.dispose();
    o.logits2.dispose();
    const avg = sum.div(2);
    sum.dispose();
    return avg;
  }
}
