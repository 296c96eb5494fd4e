/**
 * Intensity augmentations. None of the three reference methods uses them (DHC spec §2: "No
 * rotation/scale/elastic/intensity/noise augmentation"; SKCDF §3.2 and CML §2 likewise list none); they are
 * offered for new work and are never part of a reference preset. Labels pass through unchanged.
 *
 * Empty input: every function checks its sample with `checkSample`, so a zero-size or inconsistent sample
 * (image length, label length, rank) throws a one-line error naming the field; inputs are never modified.
 */

import type { Random } from '../random.ts';
import { checkSample, fmt, type Sample } from '../sample.ts';

function withImage(s: Sample, image: Float32Array): Sample {
  const out: Sample = { image, shape: [...s.shape] as Sample['shape'] };
  if (s.label) out.label = s.label.slice();
  return out;
}

/**
 * Adds i.i.d. Gaussian noise N(mean, std^2) to every image voxel (float32, intensity units of the image).
 * std = 0 returns an identical copy. Optional `clip` = [lo, hi] clamps the result.
 */
export function gaussianNoise(
  s: Sample,
  rng: Random,
  std: number,
  mean = 0,
  clip?: readonly [number, number],
): Sample {
  checkSample(s, 'gaussianNoise sample');
  if (!(std >= 0) || !Number.isFinite(std))
    throw new RangeError(`gaussianNoise std: expected a finite value >= 0, got ${std}`);
  if (clip !== undefined && !(clip.length === 2 && clip[0] <= clip[1])) {
    throw new RangeError(`gaussianNoise clip: expected [lo, hi] with lo <= hi, got ${fmt(clip)}`);
  }
  const src = s.image;
  const out = new Float32Array(src.length);
  const lo = clip ? clip[0] : -Infinity;
  const hi = clip ? clip[1] : Infinity;
  for (let i = 0; i < src.length; i++) {
    const v = std === 0 ? src[i]! + mean : src[i]! + mean + std * rng.normal();
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
  return withImage(s, out);
}

/** Options of `intensityJitter`; each omitted part is skipped (and draws nothing). */
export interface JitterOptions {
  /** Additive shift drawn uniformly in [-brightness, brightness). */
  brightness?: number;
  /** Multiplicative factor drawn uniformly in [1 - contrast, 1 + contrast), applied around the channel mean. */
  contrast?: number;
  /** Exponent drawn uniformly in [gamma[0], gamma[1]), applied to the channel's min-max normalised values. */
  gamma?: readonly [number, number];
}

/**
 * Per-channel intensity jitter, in this order: gamma (x -> min + (max - min) * ((x - min) / (max - min))^g;
 * a constant channel is left as is), contrast (mean + f * (x - mean)), brightness (x + b). One draw per part
 * per channel. Layout `[C, ...spatial]` float32; returns a new sample.
 */
export function intensityJitter(s: Sample, rng: Random, opts: JitterOptions): Sample {
  checkSample(s, 'intensityJitter sample');
  const { brightness, contrast, gamma } = opts;
  if (brightness !== undefined && !(brightness >= 0))
    throw new RangeError(`intensityJitter brightness: expected >= 0, got ${brightness}`);
  if (contrast !== undefined && !(contrast >= 0 && contrast < 1))
    throw new RangeError(`intensityJitter contrast: expected in [0, 1), got ${contrast}`);
  if (gamma !== undefined && !(gamma.length === 2 && gamma[0] > 0 && gamma[0] <= gamma[1])) {
    throw new RangeError(`intensityJitter gamma: expected [lo, hi] with 0 < lo <= hi, got ${fmt(gamma)}`);
  }
  const out = s.image.slice();
  const c = s.shape[0];
  const n = out.length / c;
  for (let ch = 0; ch < c; ch++) {
    const x = out.subarray(ch * n, (ch + 1) * n);
    if (gamma) {
      const g = rng.uniform(gamma[0], gamma[1]);
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      const range = mx - mn;
      if (range > 0) for (let i = 0; i < n; i++) x[i] = mn + range * ((x[i]! - mn) / range) ** g;
    }
    if (contrast !== undefined) {
      const f = rng.uniform(1 - contrast, 1 + contrast);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[i]!;
      const mean = sum / n;
      for (let i = 0; i < n; i++) x[i] = mean + f * (x[i]! - mean);
    }
    if (brightness !== undefined) {
      const b = rng.uniform(-brightness, brightness);
      for (let i = 0; i < n; i++) x[i] = x[i]! + b;
    }
  }
  return withImage(s, out);
}
