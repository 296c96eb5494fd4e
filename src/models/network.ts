/**
 * The interface every network of `src/models` implements, used by inference and evaluation.
 *
 * Conventions of all networks: inputs are `[B, C, D, H, W]` (the 2D UNet: `[B, C, H, W]`) in the
 * parameters' dtype (float32 unless moved with `to()`), on the parameters' device; outputs have the
 * same dtype and spatial size. B = 0 gives empty outputs. Spatial sizes a network cannot take (not a
 * multiple of 16, or not the patch an SKCDF network was built for) throw a one-line error naming the
 * expected and the actual shape. Forwards release their intermediate tensors; the caller owns the
 * outputs (dispose them, or run inside `scope`).
 */
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
