/**
 * Small in-plane rotations with scipy.ndimage.rotate semantics (reshape=False, mode 'constant', cval 0).
 *
 * Reference (CML spec §2.2, ACDC RandomGenerator): angle ~ U{-20..19} integer degrees, scipy `rotate` with
 * order 0 (nearest) for BOTH image and label, same angle for both. scipy maps output (r, c) of the plane to
 * input R·(r - m, c - m') + (m, m') with R = [[cos, sin], [-sin, cos]] and centre m = (n - 1) / 2; a
 * coordinate outside [0, n - 1] on either axis gives 0; order 0 takes index floor(x + 0.5), order 1 is linear
 * between the two neighbours. The plane axes are sorted first, as scipy does.
 *
 * Empty input: every function checks its sample with `checkSample`, so a zero-size or inconsistent sample
 * (image length, label length, rank) throws a one-line error naming the field; inputs are never modified.
 */

import type { Random } from '../random.ts';
import { checkSample, fmt, type Sample } from '../sample.ts';
import { alloc, dims3, internalAxis, type Voxels } from './geometry.ts';

/** Interpolation order: 0 nearest, 1 linear. */
export type Order = 0 | 1;

/** cos and sin of an angle in degrees, exact at multiples of 90 (like scipy's cosdg/sindg). */
function cosSinDeg(deg: number): [number, number] {
  const r = ((deg % 360) + 360) % 360;
  if (r === 0) return [1, 0];
  if (r === 90) return [0, 1];
  if (r === 180) return [-1, 0];
  if (r === 270) return [0, -1];
  const rad = (deg * Math.PI) / 180;
  return [Math.cos(rad), Math.sin(rad)];
}

/** Per-output-pixel source lookup of one plane: nearest index (or -1), or linear corners and weights. */
interface PlaneMap {
  idx: Int32Array; // order 0: source flat index or -1; order 1: top-left corner or -1
  dy: Int32Array; // order 1: row step to the lower neighbour (0 at the last row)
  dx: Int32Array; // order 1: column step to the right neighbour (0 at the last column)
  wy: Float64Array;
  wx: Float64Array;
}

function planeMap(n0: number, n1: number, s0: number, s1: number, deg: number, order: Order): PlaneMap {
  const [c, s] = cosSinDeg(deg);
  const m0 = (n0 - 1) / 2;
  const m1 = (n1 - 1) / 2;
  // offset = in_center - R @ out_center (scipy's order of operations)
  const off0 = m0 - (c * m0 + s * m1);
  const off1 = m1 - (-s * m0 + c * m1);
  const n = n0 * n1;
  const map: PlaneMap = {
    idx: new Int32Array(n),
    dy: new Int32Array(order === 1 ? n : 0),
    dx: new Int32Array(order === 1 ? n : 0),
    wy: new Float64Array(order === 1 ? n : 0),
    wx: new Float64Array(order === 1 ? n : 0),
  };
  let p = 0;
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++, p++) {
      const y = c * i + s * j + off0;
      const x = -s * i + c * j + off1;
      if (!(y >= 0 && y <= n0 - 1 && x >= 0 && x <= n1 - 1)) {
        map.idx[p] = -1;
      } else if (order === 0) {
        map.idx[p] = Math.floor(y + 0.5) * s0 + Math.floor(x + 0.5) * s1;
      } else {
        const y0 = Math.floor(y);
        const x0 = Math.floor(x);
        map.idx[p] = y0 * s0 + x0 * s1;
        map.dy[p] = y0 < n0 - 1 ? s0 : 0;
        map.dx[p] = x0 < n1 - 1 ? s1 : 0;
        map.wy[p] = y - y0;
        map.wx[p] = x - x0;
      }
    }
  }
  return map;
}

/** Applies a plane map to every plane of every channel. `outer` lists the base offsets of the planes. */
function applyMap<T extends Voxels>(
  src: T,
  map: PlaneMap,
  order: Order,
  planes: Int32Array,
  planeOut: Int32Array,
): T {
  const out = alloc(src, src.length);
  const idx = map.idx;
  const n = idx.length;
  for (let q = 0; q < planes.length; q++) {
    const base = planes[q]!;
    for (let p = 0; p < n; p++) {
      const k = idx[p]!;
      if (k < 0) continue;
      const dst = base + planeOut[p]!;
      if (order === 0) {
        out[dst] = src[base + k]!;
      } else {
        const a = base + k;
        const dy = map.dy[p]!;
        const dx = map.dx[p]!;
        const wy = map.wy[p]!;
        const wx = map.wx[p]!;
        const top = (1 - wx) * src[a]! + wx * src[a + dx]!;
        const bottom = (1 - wx) * src[a + dy]! + wx * src[a + dy + dx]!;
        out[dst] = (1 - wy) * top + wy * bottom;
      }
    }
  }
  return out;
}

/**
 * Rotates image and label by `degrees` in the plane of two spatial axes (any order; sorted as scipy does),
 * keeping the shape (reshape=False) and filling with 0 outside. `imageOrder`/`labelOrder`: 0 nearest,
 * 1 linear (labels must be 0: linear would invent classes). Layout `[C, D, H, W]` / `[C, H, W]`; a 3D
 * sample is rotated slice by slice. Rotation by 0 degrees returns an identical copy.
 */
export function rotate(
  s: Sample,
  degrees: number,
  plane: readonly [number, number],
  imageOrder: Order = 1,
  labelOrder: Order = 0,
): Sample {
  checkSample(s, 'rotate sample');
  if (!Number.isFinite(degrees))
    throw new RangeError(`rotate degrees: expected a finite number, got ${degrees}`);
  if (imageOrder !== 0 && imageOrder !== 1)
    throw new RangeError(`rotate imageOrder: expected 0 or 1, got ${fmt(imageOrder)}`);
  if (labelOrder !== 0)
    throw new RangeError(`rotate labelOrder: expected 0 (nearest) for a label map, got ${fmt(labelOrder)}`);
  if (!Array.isArray(plane) || plane.length !== 2)
    throw new RangeError(`rotate plane: expected two axes, got ${fmt(plane)}`);
  let a = internalAxis(s.shape, plane[0], 'rotate plane');
  let b = internalAxis(s.shape, plane[1], 'rotate plane');
  if (a === b) throw new RangeError(`rotate plane: expected two different axes, got ${fmt(plane)}`);
  if (a > b) [a, b] = [b, a];
  const d = dims3(s.shape);
  const st = [d[1] * d[2], d[2], 1];
  const r = 3 - a - b; // the axis not in the plane
  // Offsets of every output pixel within a plane, and the base offset of every plane of one channel.
  const planeOut = new Int32Array(d[a]! * d[b]!);
  for (let i = 0, p = 0; i < d[a]!; i++)
    for (let j = 0; j < d[b]!; j++) planeOut[p++] = i * st[a]! + j * st[b]!;
  const vol = d[0] * d[1] * d[2];
  const c = s.shape[0];
  const basesFor = (channels: number): Int32Array => {
    const bases = new Int32Array(channels * d[r]!);
    for (let ch = 0, q = 0; ch < channels; ch++)
      for (let k = 0; k < d[r]!; k++) bases[q++] = ch * vol + k * st[r]!;
    return bases;
  };
  const imgMap = planeMap(d[a]!, d[b]!, st[a]!, st[b]!, degrees, imageOrder);
  const out: Sample = {
    image: applyMap(s.image, imgMap, imageOrder, basesFor(c), planeOut),
    shape: [...s.shape] as Sample['shape'],
  };
  if (s.label) {
    const labMap = imageOrder === 0 ? imgMap : planeMap(d[a]!, d[b]!, st[a]!, st[b]!, degrees, 0);
    out.label = applyMap(s.label, labMap, 0, basesFor(1), planeOut);
  }
  return out;
}

/**
 * Random rotation by an integer angle uniform in [minDeg, maxDeg) degrees (the ACDC reference draws
 * U{-20..19}: minDeg -20, maxDeg 20), in `plane`, with the given interpolation orders.
 */
export function randomRotate(
  s: Sample,
  rng: Random,
  plane: readonly [number, number],
  minDeg: number,
  maxDeg: number,
  imageOrder: Order = 1,
): Sample {
  if (!Number.isInteger(minDeg) || !Number.isInteger(maxDeg) || maxDeg <= minDeg) {
    throw new RangeError(`randomRotate degrees: expected integers min < max, got [${minDeg}, ${maxDeg})`);
  }
  return rotate(s, rng.int(minDeg, maxDeg), plane, imageOrder, 0);
}
