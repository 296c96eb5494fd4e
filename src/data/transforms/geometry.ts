/**
 * Typed-array kernels shared by the spatial transforms. Everything works on a 3-axis spatial view: a 2D
 * sample `[C, H, W]` is handled as `[C, 1, H, W]`, so spatial axis `a` of a 2D sample is internal axis
 * `a + 1`. No per-voxel allocations: rows are copied with `TypedArray.set` or flat strided loops.
 */

import { fmt, type Sample, type SampleShape } from '../sample.ts';

/** Three spatial sizes `[D, H, W]` (D = 1 for 2D samples). */
export type Dims3 = [number, number, number];

/** Float32 image or uint8 label data. */
export type Voxels = Float32Array | Uint8Array;

/** Allocates a zero-filled array of the same kind as `like`. */
export function alloc<T extends Voxels>(like: T, n: number): T {
  return (like instanceof Float32Array ? new Float32Array(n) : new Uint8Array(n)) as T;
}

/** Internal 3-axis spatial sizes of a sample shape. */
export function dims3(shape: SampleShape): Dims3 {
  return shape.length === 4 ? [shape[1], shape[2], shape[3]] : [1, shape[1], shape[2]];
}

/** Rebuilds a sample shape of the original rank from C and internal spatial sizes. */
export function shapeFrom(rank: number, channels: number, d: Dims3): SampleShape {
  return rank === 4 ? [channels, d[0], d[1], d[2]] : [channels, d[1], d[2]];
}

/** Maps a user spatial axis (0-based over the sample's spatial axes) to the internal 3-axis index. */
export function internalAxis(shape: SampleShape, axis: number, where: string): number {
  const rank = shape.length - 1;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
    throw new RangeError(
      `${where}: spatial axis ${axis} is out of range for a ${rank}D sample (expected 0..${rank - 1})`,
    );
  }
  return rank === 3 ? axis : axis + 1;
}

/** Expands per-spatial-axis values of a sample to the internal 3 axes (`fill` for the dummy D axis of 2D). */
export function toInternal(shape: SampleShape, values: readonly number[], fill: number): Dims3 {
  return shape.length === 4 ? [values[0]!, values[1]!, values[2]!] : [fill, values[0]!, values[1]!];
}

/** Checks a patch/size argument: one positive integer per spatial axis of the sample. */
export function checkSize(shape: SampleShape, size: readonly number[], where: string): void {
  const rank = shape.length - 1;
  if (!Array.isArray(size) || size.length !== rank || size.some((v) => !Number.isSafeInteger(v) || v <= 0)) {
    throw new RangeError(
      `${where}: expected ${rank} positive integers for a sample of shape ${fmt(shape)}, got ${fmt(size)}`,
    );
  }
}

/**
 * Copies the window `[start, start + size)` of every channel; voxels of the window outside the source are
 * 0 (constant zero padding). `start` may be negative. Layout `[C, D, H, W]` in, `[C, size...]` out.
 */
export function cropPad<T extends Voxels>(src: T, channels: number, d: Dims3, start: Dims3, size: Dims3): T {
  const [s0, s1, s2] = size;
  const out = alloc(src, channels * s0 * s1 * s2);
  const lo = [0, 0, 0];
  const hi = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    lo[a] = Math.max(0, -start[a]!);
    hi[a] = Math.min(size[a]!, d[a]! - start[a]!);
    if (hi[a]! <= lo[a]!) return out; // window entirely outside: all padding
  }
  const srcPlane = d[1] * d[2];
  const srcVol = d[0] * srcPlane;
  const dstVol = s0 * s1 * s2;
  const len = hi[2]! - lo[2]!;
  for (let c = 0; c < channels; c++) {
    for (let i0 = lo[0]!; i0 < hi[0]!; i0++) {
      for (let i1 = lo[1]!; i1 < hi[1]!; i1++) {
        const from = c * srcVol + (start[0] + i0) * srcPlane + (start[1] + i1) * d[2] + start[2] + lo[2]!;
        const to = c * dstVol + (i0 * s1 + i1) * s2 + lo[2]!;
        out.set(src.subarray(from, from + len), to);
      }
    }
  }
  return out;
}

/**
 * Strided gather: out[c, i0, i1, i2] = src[c * |d| + offset + i0*t0 + i1*t1 + i2*t2] for an output of
 * spatial size `o`. Flips are negative strides, axis swaps are permuted strides.
 */
export function gather<T extends Voxels>(
  src: T,
  channels: number,
  d: Dims3,
  o: Dims3,
  offset: number,
  t: Dims3,
): T {
  const [o0, o1, o2] = o;
  const [t0, t1, t2] = t;
  const srcVol = d[0] * d[1] * d[2];
  const out = alloc(src, channels * o0 * o1 * o2);
  let p = 0;
  for (let c = 0; c < channels; c++) {
    const base = c * srcVol + offset;
    for (let i0 = 0; i0 < o0; i0++) {
      const b0 = base + i0 * t0;
      for (let i1 = 0; i1 < o1; i1++) {
        const b1 = b0 + i1 * t1;
        if (t2 === 1) {
          out.set(src.subarray(b1, b1 + o2), p);
          p += o2;
        } else {
          for (let i2 = 0; i2 < o2; i2++) out[p++] = src[b1 + i2 * t2]!;
        }
      }
    }
  }
  return out;
}

/** C-order strides of internal spatial sizes. */
export function strides(d: Dims3): Dims3 {
  return [d[1] * d[2], d[2], 1];
}

/** Applies the same geometric gather to the image (all channels) and the label (one channel). */
export function gatherSample(s: Sample, o: Dims3, offset: number, t: Dims3): Sample {
  const d = dims3(s.shape);
  const c = s.shape[0];
  const out: Sample = {
    image: gather(s.image, c, d, o, offset, t),
    shape: shapeFrom(s.shape.length, c, o),
  };
  if (s.label) out.label = gather(s.label, 1, d, o, offset, t);
  return out;
}
