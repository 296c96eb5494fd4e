/**
 * Transform composition and serialisable pipelines.
 *
 * A `Transform` is a pure function of (sample, random stream) returning a new sample. Pipelines are
 * described as plain JSON (`TransformSpec[]`) so that they can be sent to prefetch workers and written into
 * run manifests; `buildPipeline` turns a description into a function. `compose` hands transform i the child
 * stream `rng.fork(i)`, so adding or removing one transform never changes the draws of the others.
 */

import type { Random } from '../random.ts';
import { fmt, type Sample } from '../sample.ts';
import { centerCrop, type PadMode, randomCrop } from './crop.ts';
import { randomFlip, randomRot90Flip } from './flip.ts';
import { gaussianNoise, intensityJitter } from './intensity.ts';
import { type Order, randomRotate } from './rotate.ts';
import { zoomNearest } from './zoom.ts';

/** A pure transform: must not modify its input. */
export type Transform = (s: Sample, rng: Random) => Sample;

/** Serialisable description of one transform. Axes are spatial axis indices (0 = first spatial axis). */
export type TransformSpec =
  | { type: 'randomCrop'; patch: number[]; pad?: PadMode }
  | { type: 'centerCrop'; patch: number[]; pad?: PadMode }
  | { type: 'randomFlip'; axes: number[]; p?: number }
  | { type: 'randomRot90Flip'; plane: [number, number] }
  | { type: 'randomRotate'; plane: [number, number]; minDeg: number; maxDeg: number; imageOrder?: Order }
  | { type: 'zoomNearest'; size: number[] }
  | { type: 'gaussianNoise'; std: number; mean?: number; clip?: [number, number] }
  | { type: 'intensityJitter'; brightness?: number; contrast?: number; gamma?: [number, number] }
  | { type: 'oneOf'; p: number; apply: TransformSpec[]; otherwise?: TransformSpec[] };

/** Applies `transforms` in order, transform i drawing from `rng.fork(i)`. An empty list returns the input unchanged. */
export function compose(transforms: readonly Transform[]): Transform {
  const list = [...transforms];
  return (s, rng) => {
    let out = s;
    for (let i = 0; i < list.length; i++) out = list[i]!(out, rng.fork(i));
    return out;
  };
}

function need(cond: boolean, where: string, what: string, got: unknown): void {
  if (!cond) throw new RangeError(`${where}: expected ${what}, got ${fmt(got)}`);
}

function isIntList(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => Number.isSafeInteger(x));
}

/** Builds one transform from its description; throws a one-line error naming the field on a bad spec. */
export function buildTransform(spec: TransformSpec, where = 'transform'): Transform {
  const w = `${where}.${(spec as { type?: unknown })?.type ?? '?'}`;
  switch (spec?.type) {
    case 'randomCrop':
      need(isIntList(spec.patch) && spec.patch.length >= 2, `${w}.patch`, '2 or 3 integers', spec.patch);
      return (s, rng) => randomCrop(s, spec.patch, rng, spec.pad ?? 'reference');
    case 'centerCrop':
      need(isIntList(spec.patch) && spec.patch.length >= 2, `${w}.patch`, '2 or 3 integers', spec.patch);
      return (s) => centerCrop(s, spec.patch, spec.pad ?? 'reference');
    case 'randomFlip':
      need(isIntList(spec.axes), `${w}.axes`, 'a list of spatial axes', spec.axes);
      return (s, rng) => randomFlip(s, rng, spec.axes, spec.p ?? 0.5);
    case 'randomRot90Flip':
      need(isIntList(spec.plane) && spec.plane.length === 2, `${w}.plane`, 'two spatial axes', spec.plane);
      return (s, rng) => randomRot90Flip(s, rng, spec.plane);
    case 'randomRotate':
      need(isIntList(spec.plane) && spec.plane.length === 2, `${w}.plane`, 'two spatial axes', spec.plane);
      need(
        Number.isInteger(spec.minDeg) && Number.isInteger(spec.maxDeg) && spec.minDeg < spec.maxDeg,
        `${w}.minDeg/maxDeg`,
        'integers min < max',
        [spec.minDeg, spec.maxDeg],
      );
      return (s, rng) => randomRotate(s, rng, spec.plane, spec.minDeg, spec.maxDeg, spec.imageOrder ?? 1);
    case 'zoomNearest':
      need(isIntList(spec.size) && spec.size.length >= 2, `${w}.size`, '2 or 3 integers', spec.size);
      return (s) => zoomNearest(s, spec.size);
    case 'gaussianNoise':
      need(typeof spec.std === 'number' && spec.std >= 0, `${w}.std`, 'a number >= 0', spec.std);
      return (s, rng) => gaussianNoise(s, rng, spec.std, spec.mean ?? 0, spec.clip);
    case 'intensityJitter':
      return (s, rng) => intensityJitter(s, rng, spec);
    case 'oneOf': {
      need(
        typeof spec.p === 'number' && spec.p >= 0 && spec.p <= 1,
        `${w}.p`,
        'a probability in [0, 1]',
        spec.p,
      );
      need(Array.isArray(spec.apply), `${w}.apply`, 'a list of transforms', spec.apply);
      const yes = buildPipeline(spec.apply, `${w}.apply`);
      const no = spec.otherwise === undefined ? undefined : buildPipeline(spec.otherwise, `${w}.otherwise`);
      // One draw decides; the chosen branch gets a separate child stream.
      return (s, rng) =>
        rng.float() < spec.p ? yes(s, rng.split('apply')) : no ? no(s, rng.split('otherwise')) : s;
    }
    default:
      throw new RangeError(
        `${where}.type: unknown transform ${fmt((spec as { type?: unknown })?.type)} (expected randomCrop, centerCrop, randomFlip, randomRot90Flip, randomRotate, zoomNearest, gaussianNoise, intensityJitter or oneOf)`,
      );
  }
}

/** Builds a composed pipeline from descriptions (see `compose` for how random streams are assigned). */
export function buildPipeline(specs: readonly TransformSpec[], where = 'pipeline'): Transform {
  if (!Array.isArray(specs))
    throw new RangeError(`${where}: expected a list of transform descriptions, got ${fmt(specs)}`);
  return compose(specs.map((s, i) => buildTransform(s, `${where}[${i}]`)));
}

/**
 * Reference training and validation pipelines. Patch sizes are spatial `[D, H, W]` (3D) or `[H, W]` (2D)
 * in voxels, in the project's axis order (LA volumes are `[C, z, y, x]` after io/).
 */
export const presets = {
  /** DHC spec §2 / SKCDF spec §3.2: RandomCrop(64,128,128) -> flip H (p .5) -> flip W (p .5). */
  dhcTrain(patch: number[] = [64, 128, 128]): TransformSpec[] {
    return [
      { type: 'randomCrop', patch },
      { type: 'randomFlip', axes: [1, 2], p: 0.5 },
    ];
  },
  /** DHC / SKCDF validation: one centre crop, round-half-even offsets. */
  dhcVal(patch: number[] = [64, 128, 128]): TransformSpec[] {
    return [{ type: 'centerCrop', patch }];
  },
  /**
   * CML spec §2.1 (LA): RandomRotFlip in the (x, y) plane, then RandomCrop 112x112x80 (x, y, z). In our
   * (z, y, x) order that is plane [2, 1] (numpy rot90 axes (0, 1) of the (x, y, z) array) and patch
   * [80, 112, 112].
   */
  cmlLaTrain(patch: number[] = [80, 112, 112]): TransformSpec[] {
    return [
      { type: 'randomRot90Flip', plane: [2, 1] },
      { type: 'randomCrop', patch },
    ];
  },
  /**
   * CML spec §2.2 (ACDC RandomGenerator, 2D slices `[1, H, W]`): with p .5 rot90+flip; otherwise with p .5 a
   * rotation by U{-20..19} degrees with nearest interpolation for image and label; then scipy order-0 zoom to
   * 256x256.
   */
  cmlAcdcTrain(size: number[] = [256, 256]): TransformSpec[] {
    return [
      {
        type: 'oneOf',
        p: 0.5,
        apply: [{ type: 'randomRot90Flip', plane: [0, 1] }],
        otherwise: [
          {
            type: 'oneOf',
            p: 0.5,
            apply: [{ type: 'randomRotate', plane: [0, 1], minDeg: -20, maxDeg: 20, imageOrder: 0 }],
          },
        ],
      },
      { type: 'zoomNearest', size },
    ];
  },
} as const;
