/**
 * Slice-by-slice prediction of a volume with a 2D network (ACDC in CML and SSL4MIS, spec/cml.md §7.2 and §6).
 *
 * Each axial slice `[H, W]` is resized to the network's input size with scipy's `zoom(order=0)` (nearest,
 * spec/cml.md §10: output index i reads input `floor(i * ((in - 1) / (out - 1)) + 0.5)`, computed in float64,
 * and becomes 0 where that position overshoots `in - 1`), predicted, and resized back the same way. The seeds
 * take the argmax on the network grid and zoom the label map back; zooming the probabilities back with the same
 * nearest map and taking the argmax there gives the same labels (nearest only copies values, and a filled 0
 * position has all-zero probabilities, whose argmax is class 0 like the seeds' filled label).
 */

import {
  type DeviceSpec,
  inferenceMode,
  isFloatingDType,
  noGrad,
  ops,
  scope,
  type Tensor,
  tensor,
  zeros,
} from '../../torch/index.ts';
import { type CombineMode, type Forward, forwardList, windowProbabilities } from './combine.ts';
import type { Prediction } from './sliding-window.ts';
import { probabilitiesToLabels } from './sliding-window.ts';

/**
 * Source index of every output index of scipy's `ndimage.zoom(order=0)` along one axis (`grid_mode=False`,
 * `mode='constant'`, cval 0), or -1 where scipy writes the fill value 0 (float overshoot past `in - 1`).
 *
 * @param inSize - input length in voxels (>= 1).
 * @param outSize - output length in voxels (>= 1).
 */
export function scipyNearestIndices(inSize: number, outSize: number): Int32Array {
  if (!Number.isInteger(inSize) || inSize < 1 || !Number.isInteger(outSize) || outSize < 1) {
    throw new RangeError(`zoom: sizes must be positive integers, got ${inSize} -> ${outSize}`);
  }
  const ratio = outSize > 1 ? (inSize - 1) / (outSize - 1) : 1;
  const out = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const x = i * ratio;
    out[i] = x > inSize - 1 ? -1 : Math.floor(x + 0.5);
  }
  return out;
}

/**
 * Resizes one axis of a tensor with scipy's nearest (`order=0`) rule.
 *
 * @param t - any tensor; `dim` is the axis to resize (negative counts from the end).
 * @param outSize - new length of that axis.
 * @returns a new tensor, same dtype and device; positions scipy fills get 0. Same length: a copy.
 */
export function zoomNearestAxis(t: Tensor, dim: number, outSize: number): Tensor {
  const d = dim < 0 ? t.ndim + dim : dim;
  const inSize = t.size(d);
  const idx = scipyNearestIndices(inSize, outSize);
  return scope(() => {
    const fill = idx.includes(-1);
    const src = fill ? ops.pad(t, [...Array<number>(2 * (t.ndim - 1 - d)).fill(0), 0, 1]) : t;
    const index = tensor(
      Array.from(idx, (i) => (i < 0 ? inSize : i)),
      { dtype: 'int64', device: t.device },
    );
    return ops.indexSelect(src, d, index);
  });
}

/** Options of {@link slicewiseInference}. */
export interface SlicewiseOptions {
  /** Network input size `[h, w]`; each slice is zoomed to it and back (CML/SSL4MIS: `[256, 256]`). Omit to
   * feed slices at their own size. */
  size?: readonly [number, number];
  /** Slices per forward call; default 1 (the seeds run one slice at a time). */
  batchSize?: number;
  /** How several members are combined; default `logits` (CML: softmax((z1 + z2) / 2)). */
  combine?: CombineMode;
  /** Device the forwards run on; default the volume's. */
  windowDevice?: DeviceSpec;
  /** `inference` (default) or `no-grad`. */
  gradMode?: 'inference' | 'no-grad';
  /** Return the probabilities too; default true. */
  keepProbabilities?: boolean;
}

/**
 * Predicts a volume slice by slice along its first spatial axis.
 *
 * @param volume - image `[D, H, W]` (one channel) or `[C, D, H, W]`, float32, any device. Not modified.
 * @param forward - 2D forward(s): `[N, C, h, w]` to logits `[N, K, h, w]`; modules in eval mode.
 * @param options - network input size, batching, combination ({@link SlicewiseOptions}).
 * @returns labels `[D, H, W]` (uint8, int32 beyond 256 classes) and probabilities `[K, D, H, W]` float32 on
 *   the input grid (all zero where scipy's zoom fills, see the module comment), on the volume's device.
 * @throws RangeError for an empty or non-floating volume, a rank other than 3 or 4, or logits whose
 *   batch/spatial sizes differ from the slices'.
 */
export function slicewiseInference(
  volume: Tensor,
  forward: Forward | readonly Forward[],
  options: SlicewiseOptions = {},
): Prediction {
  if (volume.ndim !== 3 && volume.ndim !== 4) {
    throw new RangeError(
      `slice inference: volume [${volume.shape.join(', ')}] must be [D, H, W] or [C, D, H, W]`,
    );
  }
  if (volume.shape.some((s) => s === 0))
    throw new RangeError(`slice inference: volume [${volume.shape}] is empty`);
  if (!isFloatingDType(volume.dtype)) {
    throw new RangeError(
      `slice inference: volume has dtype ${volume.dtype}; expected a floating type (float32)`,
    );
  }
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`slice inference: bad batchSize ${batchSize}`);
  const forwards = forwardList(forward);
  const guard = options.gradMode === 'no-grad' ? noGrad : inferenceMode;
  return guard(() =>
    scope(() => {
      const device = volume.device;
      const x = volume.ndim === 3 ? volume.unsqueeze(0) : volume;
      const [, D, H, W] = x.shape as [number, number, number, number];
      let out: Tensor | null = null;
      for (let d0 = 0; d0 < D; d0 += batchSize) {
        const d1 = Math.min(d0 + batchSize, D);
        const created = scope(() => {
          let batch = x.index(null, [d0, d1]).transpose(0, 1).contiguous(); // [n, C, H, W]
          if (options.size !== undefined) {
            batch = zoomNearestAxis(zoomNearestAxis(batch, 2, options.size[0]), 3, options.size[1]);
          }
          if (options.windowDevice !== undefined && options.windowDevice !== device) {
            batch = batch.to(options.windowDevice);
          }
          let probs = windowProbabilities(batch, forwards, options.combine ?? 'logits');
          if (probs.device !== device) probs = probs.to(device);
          if (options.size !== undefined) probs = zoomNearestAxis(zoomNearestAxis(probs, 2, H), 3, W);
          const fresh = out === null ? zeros([probs.size(1), D, H, W], { device }) : null;
          (out ?? fresh)!.index(null, [d0, d1]).copy_(probs.transpose(0, 1));
          return fresh;
        });
        if (created !== null) out = created;
      }
      const labels = probabilitiesToLabels(out!);
      return { labels, probabilities: options.keepProbabilities === false ? null : out! };
    }),
  );
}
