/**
 * Nearest-neighbour resizing with scipy.ndimage.zoom(order=0) semantics (scipy 1.10, mode 'constant',
 * grid_mode False), as the ACDC reference resizes every training slice to 256x256 (CML spec §2.2 and the
 * exact rule in CML spec §10): per axis, output index i reads input floor(x + 0.5) with
 * x = i * ((in - 1) / (out - 1)) in float64 (ratio first; x = 0 when out = 1); if x > in - 1 (floating
 * overshoot) the output is 0.
 *
 * Empty input: every function checks its sample with `checkSample`, so a zero-size or inconsistent sample
 * (image length, label length, rank) throws a one-line error naming the field; inputs are never modified.
 */

import { checkSample, type Sample } from '../sample.ts';
import { alloc, checkSize, type Dims3, dims3, shapeFrom, toInternal, type Voxels } from './geometry.ts';

/** Source index per output index of one axis (-1 = fill with 0). Empty output gives an empty map. */
export function zoomIndexMap(inSize: number, outSize: number): Int32Array {
  const map = new Int32Array(outSize);
  const ratio = outSize > 1 ? (inSize - 1) / (outSize - 1) : 1;
  for (let i = 0; i < outSize; i++) {
    const x = outSize > 1 ? i * ratio : 0;
    map[i] = x > inSize - 1 ? -1 : Math.floor(x + 0.5);
  }
  return map;
}

function zoomArray<T extends Voxels>(src: T, channels: number, d: Dims3, o: Dims3, maps: Int32Array[]): T {
  const out = alloc(src, channels * o[0] * o[1] * o[2]);
  const [m0, m1, m2] = maps as [Int32Array, Int32Array, Int32Array];
  const vol = d[0] * d[1] * d[2];
  let p = 0;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < o[0]; i++) {
      const a = m0[i]!;
      for (let j = 0; j < o[1]; j++) {
        const b = m1[j]!;
        if (a < 0 || b < 0) {
          p += o[2];
          continue;
        }
        const row = c * vol + (a * d[1] + b) * d[2];
        for (let k = 0; k < o[2]; k++, p++) {
          const x = m2[k]!;
          if (x >= 0) out[p] = src[row + x]!;
        }
      }
    }
  }
  return out;
}

/**
 * Resizes image and label to spatial size `size` (one entry per spatial axis) by scipy order-0 zoom.
 * Layout `[C, D, H, W]` / `[C, H, W]`; float32 image, uint8 label. Returns a new sample.
 */
export function zoomNearest(s: Sample, size: readonly number[]): Sample {
  checkSample(s, 'zoomNearest sample');
  checkSize(s.shape, size, 'zoomNearest size');
  const d = dims3(s.shape);
  const o = toInternal(s.shape, size, 1);
  const maps = [0, 1, 2].map((a) => zoomIndexMap(d[a]!, o[a]!));
  const c = s.shape[0];
  const out: Sample = { image: zoomArray(s.image, c, d, o, maps), shape: shapeFrom(s.shape.length, c, o) };
  if (s.label) out.label = zoomArray(s.label, 1, d, o, maps);
  return out;
}
