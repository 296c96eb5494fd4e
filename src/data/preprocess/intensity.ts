/**
 * Intensity normalisation per volume (DHC spec §1 "Intensity", SKCDF spec §3.1): clip to the CT window
 * [-75, 275] HU, then min-max with the clipped volume's own minimum and maximum to [0, 1], in float32 through
 * libtorch (`clamp`, `min`, `max`, `sub`, `div`: the same float32 arithmetic as the references' numpy code).
 * Also the plain per-volume min-max (ACDC's preprocessing, CML spec §2.2) and a finite-value check.
 *
 * Each function takes ONE volume (one channel, any spatial layout, e.g. `[D, H, W]` flattened in C order) as a
 * Float32Array and returns a new Float32Array of the same length; apply them per channel of `[C, D, H, W]`.
 */

import { fromArray, ops, scope, type Tensor } from '../../torch/index.ts';

/** DHC's abdominal CT window in HU. */
export const CT_WINDOW: Readonly<{ min: number; max: number }> = { min: -75, max: 275 };

/** (x - min) / (max - min) over the whole tensor; an all-equal tensor gives zeros (the references divide by 0). */
function minMaxTensor(t: Tensor): Float32Array {
  const lo = ops.minAll(t);
  const hi = ops.maxAll(t);
  const range = hi.sub(lo);
  if (range.item() === 0) return new Float32Array(t.numel);
  return t.sub(lo).div(range).toArray() as Float32Array;
}

/**
 * Clips a float32 volume to `[window.min, window.max]` (HU; default the CT window -75..275), then scales it
 * by the clipped volume's own min and max to [0, 1]. Deviation from the references, which divide by zero: a
 * volume that is constant after clipping becomes all zeros. Empty input gives an empty array. NaN is not
 * checked here (see `checkFinite`): it would propagate.
 */
export function ctWindowNormalize(
  volume: Float32Array,
  window: Readonly<{ min: number; max: number }> = CT_WINDOW,
): Float32Array {
  if (!(window.min < window.max))
    throw new RangeError(`window: min ${window.min} is not below max ${window.max}`);
  if (volume.length === 0) return new Float32Array(0);
  return scope(() => {
    const t = fromArray(volume, [volume.length]);
    return minMaxTensor(ops.clamp(t, { min: window.min, max: window.max }));
  });
}

/**
 * Per-volume min-max scaling of a float32 volume to [0, 1] ((x - min) / (max - min), float32). A constant
 * volume becomes all zeros. Empty input gives an empty array.
 */
export function minMaxNormalize(volume: Float32Array): Float32Array {
  if (volume.length === 0) return new Float32Array(0);
  return scope(() => minMaxTensor(fromArray(volume, [volume.length])));
}

/**
 * Index of the first NaN or infinite value of a float32 array, or -1 when all are finite (and for an empty
 * array). The scan runs in libtorch (`isfinite`, `all`); only a failing array is searched element by element.
 */
export function firstNonFinite(values: Float32Array): number {
  if (values.length === 0) return -1;
  const ok = scope(() => ops.all(ops.isfinite(fromArray(values, [values.length]))).item() !== 0);
  if (ok) return -1;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}
