/**
 * Axis flips and quarter turns, deterministic and random.
 *
 * Reference rules:
 * - DHC spec §2 / SKCDF spec §3.2: after the crop, flip spatial axis 1 (H) with p = 0.5, then spatial axis
 *   2 (W) with p = 0.5, independent draws, same decision for image and label ("RandomFlip_LR/UD", "X/Y").
 * - CML spec §2.1 (LA RandomRotFlip): k ~ U{0..3}, numpy `rot90(k, axes=(0, 1))` on the (x, y, z) array,
 *   then always flip one of the two plane axes, chosen uniformly. Our volumes are `[C, D, H, W]` = (z, y, x),
 *   so the same rotation is plane `[2, 1]` here (see `cmlLaTrain` in pipeline.ts).
 * - CML spec §2.2 (ACDC RandomGenerator): rot90 in plane (0, 1) of the (H, W) slice plus a flip of axis 0 or 1.
 *
 * Empty input: every function checks its sample with `checkSample`, so a zero-size or inconsistent sample
 * (image length, label length, rank) throws a one-line error naming the field; inputs are never modified.
 */

import type { Random } from '../random.ts';
import { checkSample, fmt, type Sample } from '../sample.ts';
import { type Dims3, dims3, gatherSample, internalAxis, strides } from './geometry.ts';

/**
 * Reverses the listed spatial axes (0-based over the sample's spatial axes: 0 = D, 1 = H, 2 = W for
 * `[C, D, H, W]`; 0 = H, 1 = W for `[C, H, W]`). Image and label alike; returns a new sample of the same
 * shape. An empty axis list returns a copy.
 */
export function flip(s: Sample, axes: readonly number[]): Sample {
  checkSample(s, 'flip sample');
  const d = dims3(s.shape);
  const t = strides(d);
  let offset = 0;
  const seen = new Set<number>();
  for (const axis of axes) {
    const a = internalAxis(s.shape, axis, 'flip axes');
    if (seen.has(a)) throw new RangeError(`flip axes: axis ${axis} listed twice in ${fmt(axes)}`);
    seen.add(a);
    offset += (d[a]! - 1) * t[a]!;
    t[a] = -t[a]!;
  }
  return gatherSample(s, d, offset, t);
}

/**
 * numpy `rot90(m, k, axes=plane)` applied to the spatial axes of image and label: rotates by k quarter turns
 * from `plane[0]` towards `plane[1]` (spatial axis indices as in `flip`). k may be any integer (taken mod 4);
 * odd k swaps the two sizes. Returns a new sample.
 */
export function rot90(s: Sample, k: number, plane: readonly [number, number]): Sample {
  checkSample(s, 'rot90 sample');
  if (!Number.isInteger(k)) throw new RangeError(`rot90 k: expected an integer, got ${k}`);
  if (!Array.isArray(plane) || plane.length !== 2)
    throw new RangeError(`rot90 plane: expected two axes, got ${fmt(plane)}`);
  const a = internalAxis(s.shape, plane[0], 'rot90 plane');
  const b = internalAxis(s.shape, plane[1], 'rot90 plane');
  if (a === b) throw new RangeError(`rot90 plane: expected two different axes, got ${fmt(plane)}`);
  const d = dims3(s.shape);
  const st = strides(d);
  const kk = ((k % 4) + 4) % 4;
  const o: Dims3 = [d[0], d[1], d[2]];
  const t: Dims3 = [st[0], st[1], st[2]];
  let offset = 0;
  if (kk === 2) {
    offset = (d[a]! - 1) * st[a]! + (d[b]! - 1) * st[b]!;
    t[a] = -st[a]!;
    t[b] = -st[b]!;
  } else if (kk === 1) {
    // out[i @a, j @b] = m[j @a, n_b - 1 - i @b]
    o[a] = d[b]!;
    o[b] = d[a]!;
    t[a] = -st[b]!;
    t[b] = st[a]!;
    offset = (d[b]! - 1) * st[b]!;
  } else if (kk === 3) {
    // out[i @a, j @b] = m[n_a - 1 - j @a, i @b]
    o[a] = d[b]!;
    o[b] = d[a]!;
    t[a] = st[b]!;
    t[b] = -st[a]!;
    offset = (d[a]! - 1) * st[a]!;
  }
  return gatherSample(s, o, offset, t);
}

/**
 * Flips each listed spatial axis independently with probability `p` (one uniform draw per axis, in list
 * order; flip when the draw is < p). DHC/SKCDF use axes [1, 2] of `[C, D, H, W]` with p = 0.5.
 */
export function randomFlip(s: Sample, rng: Random, axes: readonly number[], p = 0.5): Sample {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`randomFlip p: expected a probability in [0, 1], got ${p}`);
  const chosen = axes.filter(() => rng.float() < p);
  return flip(s, chosen);
}

/**
 * CML's RandomRotFlip: k ~ U{0..3} quarter turns in `plane`, then a flip of one plane axis chosen uniformly
 * (always applied). `plane` holds spatial axis indices as in `rot90`. Because the flip is unconditional, the
 * result is always one of the 4 reflections of the plane, each with probability 1/4, never the identity or a
 * pure rotation (as in the reference).
 */
export function randomRot90Flip(s: Sample, rng: Random, plane: readonly [number, number]): Sample {
  const k = rng.int(0, 4);
  const axis = plane[rng.int(0, 2)]!;
  return flip(rot90(s, k, plane), [axis]);
}
