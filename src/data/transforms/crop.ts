/**
 * Patch cropping with the reference padding rule.
 *
 * Reference rule (SKCDF spec §3.2 RandomCrop, CML spec §2.1 step 2; DHC spec §2 describes the same padding
 * branch, with offsets that are broken there and never reached):
 * - padding happens only if some spatial side is <= the patch side; then EVERY axis is padded on both sides
 *   by max(floor((patch - size) / 2) + 3, 0) zeros (floor division, so a side 1..5 voxels larger than the
 *   patch is still padded), image and label alike;
 * - the start on each axis is uniform in {0, ..., paddedSize - patch - 1} (numpy `randint(0, size - patch)`,
 *   exclusive upper bound: the last possible position is never drawn); the same window for image and label.
 * Centre crop (DHC spec §2 "Val transform", SKCDF §3.2): start round((size - patch) / 2) with Python's
 * round-half-even; if padding is needed the same padding rule is applied first and the offset is computed on
 * the padded size (the references compute it on the unpadded size, a latent bug that never triggers).
 *
 * Empty input: every function checks its sample with `checkSample`, so a zero-size or inconsistent sample
 * (image length, label length, rank) throws a one-line error naming the field; inputs are never modified.
 */

import type { Random } from '../random.ts';
import { checkSample, fmt, type Sample } from '../sample.ts';
import { checkSize, cropPad, dims3, shapeFrom, toInternal } from './geometry.ts';

/** How a crop treats a sample smaller than the patch: reference padding, or an error. */
export type PadMode = 'reference' | 'none';

/** Python floor division for integers. */
function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Python 3 `round` (half to even) for values that are integers or halves. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Per-axis padding of the reference rule for spatial sizes `size` and a patch `patch` (same rank):
 * all zeros unless some side <= patch, else max(floor((patch - size)/2) + 3, 0) per side on every axis.
 * Empty input (rank 0) gives an empty array.
 */
export function referencePadding(size: readonly number[], patch: readonly number[]): number[] {
  const need = size.some((s, a) => s <= patch[a]!);
  return size.map((s, a) => (need ? Math.max(floorDiv(patch[a]! - s, 2) + 3, 0) : 0));
}

/**
 * Crops the window starting at `start` (spatial voxel offsets, may be negative or run past the end: those
 * voxels are 0) with spatial size `size`. Layout `[C, D, H, W]` / `[C, H, W]`; image float32, label uint8.
 * Returns a new sample of shape `[C, ...size]`.
 */
export function cropAt(s: Sample, start: readonly number[], size: readonly number[]): Sample {
  checkSample(s, 'crop sample');
  checkSize(s.shape, size, 'crop size');
  if (start.length !== size.length || start.some((v) => !Number.isSafeInteger(v))) {
    throw new RangeError(`crop start: expected ${size.length} integers, got ${fmt(start)}`);
  }
  const d = dims3(s.shape);
  const st = toInternal(s.shape, start, 0);
  const sz = toInternal(s.shape, size, 1);
  const c = s.shape[0];
  const out: Sample = { image: cropPad(s.image, c, d, st, sz), shape: shapeFrom(s.shape.length, c, sz) };
  if (s.label) out.label = cropPad(s.label, 1, d, st, sz);
  return out;
}

function paddingFor(s: Sample, patch: readonly number[], pad: PadMode, where: string): number[] {
  checkSample(s, `${where} sample`);
  checkSize(s.shape, patch, `${where} patch`);
  const size = s.shape.slice(1);
  if (pad === 'none') {
    const bad = size.findIndex((v, a) => v < patch[a]!);
    if (bad >= 0) {
      throw new RangeError(
        `${where} patch: ${fmt(patch)} is larger than the sample's spatial shape ${fmt(size)} on axis ${bad} (pad is 'none')`,
      );
    }
    return size.map(() => 0);
  }
  if (pad !== 'reference')
    throw new RangeError(`${where} pad: expected 'reference' or 'none', got ${fmt(pad)}`);
  return referencePadding(size, patch);
}

/**
 * The start offsets (in unpadded voxel coordinates, possibly negative) of a reference random crop. Draws one
 * integer per spatial axis in axis order. With `pad: 'none'` a sample smaller than the patch is an error, and
 * an axis exactly as long as the patch gets start 0 (the reference would fail there).
 */
export function randomCropStart(
  s: Sample,
  patch: readonly number[],
  rng: Random,
  pad: PadMode = 'reference',
): number[] {
  const padding = paddingFor(s, patch, pad, 'randomCrop');
  return s.shape.slice(1).map((v, a) => {
    const room = v + 2 * padding[a]! - patch[a]!;
    return (room > 0 ? rng.int(0, room) : 0) - padding[a]!;
  });
}

/**
 * Random crop of spatial size `patch` by the reference rule (see the module comment): zero padding when
 * some side is <= patch, uniform start in [0, padded - patch). Layout `[C, D, H, W]` or `[C, H, W]`, sizes
 * in voxels. Returns a new sample `[C, ...patch]`; the input is not modified.
 */
export function randomCrop(
  s: Sample,
  patch: readonly number[],
  rng: Random,
  pad: PadMode = 'reference',
): Sample {
  return cropAt(s, randomCropStart(s, patch, rng, pad), patch);
}

/**
 * Centre crop of spatial size `patch`: start = round_half_even((padded - patch) / 2) - padding per axis,
 * with the reference padding rule. Layout `[C, D, H, W]` / `[C, H, W]`. Returns a new sample.
 */
export function centerCrop(s: Sample, patch: readonly number[], pad: PadMode = 'reference'): Sample {
  const padding = paddingFor(s, patch, pad, 'centerCrop');
  const start = s.shape
    .slice(1)
    .map((v, a) => roundHalfEven((v + 2 * padding[a]! - patch[a]!) / 2) - padding[a]!);
  return cropAt(s, start, patch);
}

/** The spatial size after the reference padding rule (equal to `size` when no axis is <= the patch). */
export function paddedSize(size: readonly number[], patch: readonly number[]): number[] {
  const p = referencePadding(size, patch);
  return size.map((v, a) => v + 2 * p[a]!);
}
