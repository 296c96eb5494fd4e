/**
 * SS-Net's network in the DHC repository (`code/models/vnet.py`, class `VNet4SSNet`): the DHC VNet
 * plus per-voxel MLP heads for the contrastive class-separation term — a projection head
 * (Linear f->2f, BN1d, ReLU, Linear 2f->2f), a prediction head (same at 2f->2f), and for every class
 * a feature selector and a memory selector (Linear 2f->2f, BN1d, LeakyReLU 0.2, Linear 2f->1), named
 * `contrastive_class_selector_<c>` and `contrastive_class_selector_memory<c>` (no underscore, as in
 * the reference). The forward returns the logits and x9 (the f-channel full-resolution feature after
 * dropout), which the reference returns in training mode only.
 */
import { LeakyReLU, Linear, ReLU, Sequential, type TensorModule } from '../torch/nn/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import { BatchNorm1d } from './layers.ts';
import { VNet, type VNetOptions } from './vnet.ts';
import { disposeFeatures } from './vnet-blocks.ts';

/** Logits and embedding of {@link VNet4SSNet.forwardWithEmbedding}. */
export interface SSNetOutput {
  /** `[B, numClasses, D, H, W]`. */
  logits: Tensor;
  /** x9 after dropout, `[B, filters, D, H, W]`. */
  embedding: Tensor;
}

function mlp(cin: number, hidden: number, cout: number, act: TensorModule): Sequential {
  return new Sequential(new Linear(cin, hidden), new BatchNorm1d(hidden), act, new Linear(hidden, cout));
}

/**
 * VNet4SSNet: {@link VNet} plus SS-Net's heads (136,732 extra parameters at f = 32, 14 classes).
 * Image input `[B, C_in, D, H, W]` float32 (multiples of 16, B = 0 gives empty outputs); the heads
 * take per-voxel feature rows `[N, f]` / `[N, 2f]`.
 */
export class VNet4SSNet extends VNet {
  readonly projectionHead: Sequential;
  readonly predictionHead: Sequential;
  readonly selectors: Sequential[] = [];
  readonly memorySelectors: Sequential[] = [];

  constructor(opts: VNetOptions = {}) {
    super(opts);
    const dimIn = this.options.filters;
    const feat = 2 * dimIn;
    this.projectionHead = this.registerModule('projection_head', mlp(dimIn, feat, feat, new ReLU(true)));
    this.predictionHead = this.registerModule('prediction_head', mlp(feat, feat, feat, new ReLU(true)));
    for (let c = 0; c < this.options.numClasses; c++) {
      const s = mlp(feat, feat, 1, new LeakyReLU(0.2, true));
      this.selectors.push(this.registerModule(`contrastive_class_selector_${c}`, s));
    }
    for (let c = 0; c < this.options.numClasses; c++) {
      const s = mlp(feat, feat, 1, new LeakyReLU(0.2, true));
      this.memorySelectors.push(this.registerModule(`contrastive_class_selector_memory${c}`, s));
    }
  }

  /**
   * `[B, C_in, D, H, W]` float32 (multiples of 16) -> logits and the x9 embedding (what the
   * reference's forward returns in training mode; in eval mode it returns the logits only).
   */
  forwardWithEmbedding(x: Tensor): SSNetOutput {
    const f = this.encoder(x);
    try {
      const embedding = this.decoderFeatures(f);
      return { logits: this.outConv.forward(embedding), embedding };
    } finally {
      disposeFeatures(f);
    }
  }

  /** Per-voxel features `[N, filters]` float32 -> `[N, 2*filters]`; training mode needs N >= 2 (throws). */
  forwardProjectionHead(features: Tensor): Tensor {
    return this.projectionHead.forward(features);
  }

  /** `[N, 2*filters]` float32 -> `[N, 2*filters]`; training mode needs N >= 2 (throws). */
  forwardPredictionHead(features: Tensor): Tensor {
    return this.predictionHead.forward(features);
  }

  /** Logits `[B, numClasses, D, H, W]` (the reference's eval-mode forward); x9 is released. */
  override inferLogits(x: Tensor): Tensor {
    const { logits, embedding } = this.forwardWithEmbedding(x);
    embedding.dispose();
    return logits;
  }

  /** As {@link inferLogits}. */
  override forward(x: Tensor): Tensor {
    return this.inferLogits(x);
  }
}
