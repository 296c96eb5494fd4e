/**
 * The 3D U-Nets of the DHC repository (from SSL4MIS/URPC): `unet_3D_ds` (`code/models/unet_ds.py`),
 * URPC's network with four deep-supervision heads, and `unet_3D` (`code/models/unet.py`, used by no
 * training script). Filters [64, 128, 256, 512, 1024] / featureScale (4 -> [16, 32, 64, 128, 256]);
 * each `UnetConv3` is 2 x (Conv3d 3^3 pad 1, InstanceNorm3d without affine or running statistics —
 * the reference calls this "is_batchnorm" — and ReLU); max-pooling down, trilinear x2 up
 * (align_corners False) concatenated as [skip, up]. Initialisation as the reference: every Conv3d
 * weight Kaiming-normal (fan_in, gain sqrt 2), drawn in the reference's order, biases PyTorch default.
 */
import * as ops from '../torch/generated/ops.ts';
import {
  Conv3d,
  Dropout,
  Dropout3d,
  InstanceNorm3d,
  init,
  MaxPool3d,
  Module,
  ReLU,
  Sequential,
  type TensorModule,
  Upsample,
} from '../torch/nn/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import { consume } from './layers.ts';
import type { SegmentationNetwork } from './network.ts';

/** Options of the 3D U-Nets (the reference's `in_channels`, `n_classes`, `feature_scale`, `is_batchnorm`). */
export interface UNet3DOptions {
  /** Input channels; default 1. */
  inChannels?: number;
  /** Output classes; default 14. */
  numClasses?: number;
  /** Divides [64, 128, 256, 512, 1024] (truncating, as `int(x / s)`); default 4. */
  featureScale?: number;
  /** InstanceNorm3d after every convolution (the reference's `is_batchnorm`); default true. */
  isBatchnorm?: boolean;
}

function resolve(o: UNet3DOptions): Required<UNet3DOptions> {
  return {
    inChannels: o.inChannels ?? 1,
    numClasses: o.numClasses ?? 14,
    featureScale: o.featureScale ?? 4,
    isBatchnorm: o.isBatchnorm ?? true,
  };
}

/** Kaiming-normal (fan_in, a = 0, gain sqrt 2) on every Conv3d weight of `m`, in module order. */
function kaimingConvs(m: Module): void {
  for (const [, sub] of m.namedModules()) {
    if (sub instanceof Conv3d) init.kaimingNormal_(sub.weight, { a: 0, mode: 'fan_in' });
  }
}

/** `UnetConv3`: `conv1`, `conv2` = Sequential(Conv3d 3^3 pad 1, [InstanceNorm3d,] ReLU); `[B, cin, D, H, W]` float32. */
export class UnetConv3 extends Module {
  readonly conv1: Sequential;
  readonly conv2: Sequential;
  constructor(cin: number, cout: number, isBatchnorm: boolean) {
    super();
    const unit = (a: number): Sequential => {
      const layers: TensorModule[] = [new Conv3d(a, cout, 3, { padding: 1 })];
      if (isBatchnorm) layers.push(new InstanceNorm3d(cout));
      layers.push(new ReLU(true));
      return new Sequential(...layers);
    };
    this.conv1 = this.registerModule('conv1', unit(cin));
    this.conv2 = this.registerModule('conv2', unit(cout));
    // The reference re-initialises its children right away (before the network's final pass).
    kaimingConvs(this.conv1);
    kaimingConvs(this.conv2);
  }
  /** `[B, cin, D, H, W]` -> `[B, cout, D, H, W]`. */
  forward(x: Tensor): Tensor {
    return consume(this.conv2, this.conv1.forward(x));
  }
}

/**
 * `UnetUp3_CT`: trilinear x2 of the deeper map, the skip padded by the size offset as the reference
 * does (a no-op when D, H, W are multiples of 16), concatenated [skip, up], then a UnetConv3.
 */
export class UnetUp3CT extends Module {
  readonly conv: UnetConv3;
  readonly up: Upsample;
  constructor(inSize: number, outSize: number, isBatchnorm: boolean) {
    super();
    this.conv = this.registerModule('conv', new UnetConv3(inSize + outSize, outSize, isBatchnorm));
    this.up = this.registerModule('up', new Upsample({ scaleFactor: 2, mode: 'trilinear' }));
  }
  /** skip `[B, out, ...]`, deeper `[B, in, .../2]` -> `[B, out, ...]`; the inputs are left alone. */
  forward(skip: Tensor, deeper: Tensor): Tensor {
    const up = this.up.forward(deeper);
    const offset = up.size(2) - skip.size(2);
    const p = Math.floor(offset / 2);
    const padded = offset === 0 ? skip : ops.pad(skip, [p, p, 0, p, p, 0]);
    const cat = ops.cat([padded, up], { dim: 1 });
    up.dispose();
    if (padded !== skip) padded.dispose();
    return consume(this.conv, cat);
  }
}

/** `UnetDsv3`: `dsv` = Sequential(Conv3d 1^3, trilinear x scale) — convolution first, then upsampling; `[B, in, d, h, w]` -> `[B, out, s d, s h, s w]`. */
export class UnetDsv3 extends Module {
  readonly dsv: Sequential;
  constructor(inSize: number, outSize: number, scaleFactor: number) {
    super();
    this.dsv = this.registerModule(
      'dsv',
      new Sequential(new Conv3d(inSize, outSize, 1), new Upsample({ scaleFactor, mode: 'trilinear' })),
    );
  }
  forward(x: Tensor): Tensor {
    return this.dsv.forward(x);
  }
}

/** The shared encoder/up-path layout of both U-Nets. */
abstract class UNet3DBase extends Module {
  readonly options: Required<UNet3DOptions>;
  readonly filters: number[];
  readonly conv1: UnetConv3;
  readonly conv2: UnetConv3;
  readonly conv3: UnetConv3;
  readonly conv4: UnetConv3;
  readonly center: UnetConv3;
  readonly pool: MaxPool3d[];
  readonly upConcat4: UnetUp3CT;
  readonly upConcat3: UnetUp3CT;
  readonly upConcat2: UnetUp3CT;
  readonly upConcat1: UnetUp3CT;

  constructor(opts: UNet3DOptions) {
    super();
    const o = resolve(opts);
    this.options = o;
    const f = [64, 128, 256, 512, 1024].map((x) => Math.trunc(x / o.featureScale));
    if (f.some((x) => x < 1)) throw new Error(`UNet3D: featureScale ${o.featureScale} leaves no filters`);
    this.filters = f;
    const bn = o.isBatchnorm;
    const reg = <M extends Module>(name: string, m: M): M => this.registerModule(name, m);
    this.pool = [];
    this.conv1 = reg('conv1', new UnetConv3(o.inChannels, f[0]!, bn));
    this.pool.push(reg('maxpool1', new MaxPool3d(2)));
    this.conv2 = reg('conv2', new UnetConv3(f[0]!, f[1]!, bn));
    this.pool.push(reg('maxpool2', new MaxPool3d(2)));
    this.conv3 = reg('conv3', new UnetConv3(f[1]!, f[2]!, bn));
    this.pool.push(reg('maxpool3', new MaxPool3d(2)));
    this.conv4 = reg('conv4', new UnetConv3(f[2]!, f[3]!, bn));
    this.pool.push(reg('maxpool4', new MaxPool3d(2)));
    this.center = reg('center', new UnetConv3(f[3]!, f[4]!, bn));
    this.upConcat4 = reg('up_concat4', new UnetUp3CT(f[4]!, f[3]!, bn));
    this.upConcat3 = reg('up_concat3', new UnetUp3CT(f[3]!, f[2]!, bn));
    this.upConcat2 = reg('up_concat2', new UnetUp3CT(f[2]!, f[1]!, bn));
    this.upConcat1 = reg('up_concat1', new UnetUp3CT(f[1]!, f[0]!, bn));
  }

  /** The reference's last constructor step: Kaiming-normal again on every Conv3d, in module order. */
  protected finishInit(): void {
    kaimingConvs(this);
  }

  /** `[B, C, D, H, W]` -> [conv1, conv2, conv3, conv4, center]; pooled maps are released. */
  protected encode(x: Tensor): [Tensor, Tensor, Tensor, Tensor, Tensor] {
    const s = x.shape;
    if (s.length !== 5) throw new Error(`${this.constructor.name}: expected [B, C, D, H, W], got [${s}]`);
    const c1 = this.conv1.forward(x);
    const c2 = consume(this.conv2, this.pool[0]!.forward(c1));
    const c3 = consume(this.conv3, this.pool[1]!.forward(c2));
    const c4 = consume(this.conv4, this.pool[2]!.forward(c3));
    const center = consume(this.center, this.pool[3]!.forward(c4));
    return [c1, c2, c3, c4, center];
  }
}

/** The four outputs of {@link UNet3DDeepSup.forward}, all `[B, numClasses, D, H, W]`. */
export interface DeepSupervisionOutput {
  /** Full-resolution head on up1 (the inference output). */
  dsv1: Tensor;
  /** Head on up2, trilinear x2. */
  dsv2: Tensor;
  /** Head on up3, trilinear x4. */
  dsv3: Tensor;
  /** Head on up4, trilinear x8. */
  dsv4: Tensor;
}

/**
 * URPC's `unet_3D_ds` (input `[B, C_in, D, H, W]` float32, multiples of 16; B = 0 gives empty
 * outputs; other sizes throw where the skip and the upsampled map disagree): Dropout3d 0.5/0.3/0.2/0.1 after up4/up3/up2/up1 (the dropped map feeds both
 * the next level and that level's head). 5,887,432 parameters for 14 classes (featureScale 4).
 */
export class UNet3DDeepSup extends UNet3DBase implements SegmentationNetwork {
  readonly dsv4: UnetDsv3;
  readonly dsv3: UnetDsv3;
  readonly dsv2: UnetDsv3;
  readonly dsv1: Conv3d;
  readonly dropouts: Dropout3d[];

  constructor(opts: UNet3DOptions = {}) {
    super(opts);
    const f = this.filters;
    const c = this.options.numClasses;
    this.dsv4 = this.registerModule('dsv4', new UnetDsv3(f[3]!, c, 8));
    this.dsv3 = this.registerModule('dsv3', new UnetDsv3(f[2]!, c, 4));
    this.dsv2 = this.registerModule('dsv2', new UnetDsv3(f[1]!, c, 2));
    this.dsv1 = this.registerModule('dsv1', new Conv3d(f[0]!, c, 1));
    this.dropouts = [0.5, 0.3, 0.2, 0.1].map((p, i) =>
      this.registerModule(`dropout${i + 1}`, new Dropout3d(p)),
    );
    this.finishInit();
  }

  /**
   * `[B, C_in, D, H, W]` float32 (multiples of 16) -> the four deep-supervision logits (the
   * reference's training-mode output; its eval-mode forward returns dsv1 only).
   */
  forward(x: Tensor): DeepSupervisionOutput {
    const [c1, c2, c3, c4, center] = this.encode(x);
    const up4 = consume(this.dropouts[0]!, this.upConcat4.forward(c4, center));
    center.dispose();
    c4.dispose();
    const up3 = consume(this.dropouts[1]!, this.upConcat3.forward(c3, up4));
    c3.dispose();
    const up2 = consume(this.dropouts[2]!, this.upConcat2.forward(c2, up3));
    c2.dispose();
    const up1 = consume(this.dropouts[3]!, this.upConcat1.forward(c1, up2));
    c1.dispose();
    const dsv4 = consume(this.dsv4, up4);
    const dsv3 = consume(this.dsv3, up3);
    const dsv2 = consume(this.dsv2, up2);
    const dsv1 = consume(this.dsv1, up1);
    return { dsv1, dsv2, dsv3, dsv4 };
  }

  /** dsv1 (what the reference's eval-mode forward and URPC's test use). */
  inferLogits(x: Tensor): Tensor {
    const o = this.forward(x);
    o.dsv2.dispose();
    o.dsv3.dispose();
    o.dsv4.dispose();
    return o.dsv1;
  }
}

/**
 * `unet_3D` (input as {@link UNet3DDeepSup}; no deep supervision; element-wise Dropout(0.3) on the centre and on up1, a 1x1x1
 * `final` head). Present in the reference repository but used by no training script.
 */
export class UNet3D extends UNet3DBase implements SegmentationNetwork {
  readonly final: Conv3d;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;

  constructor(opts: UNet3DOptions = {}) {
    super(opts);
    this.final = this.registerModule('final', new Conv3d(this.filters[0]!, this.options.numClasses, 1));
    this.dropout1 = this.registerModule('dropout1', new Dropout(0.3));
    this.dropout2 = this.registerModule('dropout2', new Dropout(0.3));
    this.finishInit();
  }

  /** `[B, C_in, D, H, W]` float32 (multiples of 16) -> logits `[B, numClasses, D, H, W]`. */
  forward(x: Tensor): Tensor {
    const [c1, c2, c3, c4, c] = this.encode(x);
    const center = consume(this.dropout1, c);
    const up4 = this.upConcat4.forward(c4, center);
    center.dispose();
    c4.dispose();
    const up3 = this.upConcat3.forward(c3, up4);
    up4.dispose();
    c3.dispose();
    const up2 = this.upConcat2.forward(c2, up3);
    up3.dispose();
    c2.dispose();
    const up1 = this.upConcat1.forward(c1, up2);
    up2.dispose();
    c1.dispose();
    return consume(this.final, consume(this.dropout2, up1));
  }

  /** The logits of {@link forward}. */
  inferLogits(x: Tensor): Tensor {
    return this.forward(x);
  }
}
