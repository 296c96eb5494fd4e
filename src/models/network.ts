/** The interface every network of `src/models` implements, used by inference and evaluation. */
import type { Module } from '../torch/nn/index.ts';
import type { Tensor } from '../torch/tensor.ts';

/**
 * A network that produces segmentation logits from an image batch the way the reference's test
 * script does with one network (each model's documentation says which output that is).
 */
export interface SegmentationNetwork extends Module {
  /**
   * `[B, C_in, D, H, W]` float32 (the 2D UNet: `[B, C_in, H, W]`) -> logits `[B, numClasses, ...]`
   * of the same spatial size. Spatial sizes the network cannot take throw a one-line error.
   */
  inferLogits(x: Tensor): Tensor;
}
