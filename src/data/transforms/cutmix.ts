/**
 * CML's CutMix box (CML spec §4.1, `generate_mask_3D/2D`).
 *
 * For a sub-batch with spatial size (n_0, n_1[, n_2]) and ratio r: the box side on axis a is
 * s_a = floor(n_a * r); its start is o_a ~ U{0 .. n_a - s_a - 1} (numpy randint with exclusive upper bound,
 * so the box never touches the far edge); one draw per axis in axis order. The mask M is 1 everywhere and 0
 * inside the box; Mix(A, B) = A*M + B*(1 - M): outside the box from A, inside from B, the same M for images
 * and labels. One box per call, shared by every pair of the sub-batch. LA: r = 2/3 gives a 74x74x53 box in
 * 112x112x80 (53x74x74 in our [D, H, W] order); ACDC: r = 1/2 gives 128x128 in 256x256.
 *
 * Empty input: a zero spatial size, a box that does not fit, mismatched lengths or an odd/empty batch throw
 * a one-line error naming the field (a box side of 0, from a tiny ratio, is allowed and mixes nothing);
 * inputs are never modified.
 */

import type { Random } from '../random.ts';
import { checkSample, fmt, product, type Sample, type StackedBatch } from '../sample.ts';
import type { Voxels } from './geometry.ts';

/** A box in voxel coordinates over the spatial axes: [start, start + size) per axis. */
export interface Box {
  start: number[];
  size: number[];
}

function checkSpatial(spatial: readonly number[], where: string): void {
  if (
    !Array.isArray(spatial) ||
    spatial.length < 1 ||
    spatial.length > 3 ||
    spatial.some((v) => !Number.isSafeInteger(v) || v <= 0)
  ) {
    throw new RangeError(`${where}: expected 1 to 3 positive integer spatial sizes, got ${fmt(spatial)}`);
  }
}

/** Box sides floor(n_a * ratio) for spatial sizes `spatial`; ratio in [0, 1). */
export function cutmixBoxSize(spatial: readonly number[], ratio: number): number[] {
  checkSpatial(spatial, 'cutmix spatial shape');
  if (!(ratio >= 0 && ratio < 1))
    throw new RangeError(`cutmix ratio: expected a value in [0, 1), got ${ratio}`);
  return spatial.map((n) => Math.floor(n * ratio));
}

/** Draws the box of the reference rule (see module comment) for spatial sizes `spatial` (`[D, H, W]` or `[H, W]`). */
export function cutmixBox(spatial: readonly number[], ratio: number, rng: Random): Box {
  const size = cutmixBoxSize(spatial, ratio);
  const start = spatial.map((n, a) => rng.int(0, n - size[a]!));
  return { start, size };
}

function checkBox(spatial: readonly number[], box: Box): void {
  checkSpatial(spatial, 'cutmix spatial shape');
  const ok =
    box.start.length === spatial.length &&
    box.size.length === spatial.length &&
    spatial.every(
      (n, a) =>
        Number.isSafeInteger(box.start[a]) &&
        Number.isSafeInteger(box.size[a]) &&
        box.start[a]! >= 0 &&
        box.size[a]! >= 0 &&
        box.start[a]! + box.size[a]! <= n,
    );
  if (!ok)
    throw new RangeError(
      `cutmix box: start ${fmt(box.start)} size ${fmt(box.size)} does not fit spatial shape ${fmt(spatial)}`,
    );
}

/** The reference mask M over `spatial` (C order): 1 outside the box, 0 inside. */
export function boxMask(spatial: readonly number[], box: Box): Uint8Array {
  checkBox(spatial, box);
  const m = new Uint8Array(product(spatial)).fill(1);
  forEachBoxRow(spatial, box, (off, len) => m.fill(0, off, off + len));
  return m;
}

/** Calls `row(offset, length)` for every contiguous run of the box along the last axis (one sample, one channel). */
function forEachBoxRow(
  spatial: readonly number[],
  box: Box,
  row: (offset: number, length: number) => void,
): void {
  const d = spatial.length === 3 ? spatial : spatial.length === 2 ? [1, ...spatial] : [1, 1, ...spatial];
  const st =
    spatial.length === 3 ? box.start : spatial.length === 2 ? [0, ...box.start] : [0, 0, ...box.start];
  const sz = spatial.length === 3 ? box.size : spatial.length === 2 ? [1, ...box.size] : [1, 1, ...box.size];
  if (sz[0] === 0 || sz[1] === 0 || sz[2] === 0) return;
  for (let i = st[0]!; i < st[0]! + sz[0]!; i++) {
    for (let j = st[1]!; j < st[1]! + sz[1]!; j++) row((i * d[1]! + j) * d[2]! + st[2]!, sz[2]!);
  }
}

/**
 * Mix(A, B) for `count` stacked items of `channels` channels each over `spatial`: a copy of `a` with the box
 * of every item and channel taken from `b`. Arrays must have equal length count * channels * |spatial|.
 */
export function mixArrays<T extends Voxels>(
  a: T,
  b: T,
  spatial: readonly number[],
  box: Box,
  channels = 1,
): T {
  checkBox(spatial, box);
  const vol = product(spatial);
  if (a.length !== b.length || a.length % (vol * channels) !== 0) {
    throw new RangeError(
      `cutmix arrays: lengths ${a.length} and ${b.length} do not hold whole items of ${channels} x ${fmt(spatial)}`,
    );
  }
  const out = a.slice() as T;
  const items = a.length / vol;
  for (let k = 0; k < items; k++) {
    const base = k * vol;
    forEachBoxRow(spatial, box, (off, len) => out.set(b.subarray(base + off, base + off + len), base + off));
  }
  return out;
}

/** Mixes two samples of equal shape: outside the box from `a`, inside from `b` (image and, if both have one, label). */
export function mixSamples(a: Sample, b: Sample, box: Box): Sample {
  checkSample(a, 'cutmix a');
  checkSample(b, 'cutmix b');
  if (a.shape.length !== b.shape.length || a.shape.some((v, i) => v !== b.shape[i])) {
    throw new RangeError(`cutmix b.shape: ${fmt(b.shape)} differs from a.shape ${fmt(a.shape)}`);
  }
  const spatial = a.shape.slice(1);
  const out: Sample = {
    image: mixArrays(a.image, b.image, spatial, box, a.shape[0]),
    shape: [...a.shape] as Sample['shape'],
  };
  if (a.label && b.label) out.label = mixArrays(a.label, b.label, spatial, box, 1);
  return out;
}

/**
 * The reference sub-batch mix: with a stacked batch of 2h items `[A_0..A_{h-1}, B_0..B_{h-1}]`, returns the h
 * items Mix(A_i, B_i) with one shared box (image `[h, C, ...]`, label `[h, ...]`, ids `a+b`). An odd or
 * empty batch is an error.
 */
export function cutmixHalves(batch: StackedBatch, box: Box): StackedBatch {
  const [n, c, ...spatial] = batch.shape;
  if (n === undefined || c === undefined || n < 2 || n % 2 !== 0) {
    throw new RangeError(`cutmix batch.shape: expected an even batch size >= 2, got ${fmt(batch.shape)}`);
  }
  const h = n / 2;
  const per = c * product(spatial);
  const img = mixArrays(batch.image.subarray(0, h * per), batch.image.subarray(h * per), spatial, box, c);
  const out: StackedBatch = {
    image: img,
    shape: [h, c, ...spatial],
    ids: batch.ids.slice(0, h).map((id, i) => `${id}+${batch.ids[h + i]}`),
  };
  if (batch.label) {
    const per1 = product(spatial);
    out.label = mixArrays(batch.label.subarray(0, h * per1), batch.label.subarray(h * per1), spatial, box, 1);
  }
  return out;
}
