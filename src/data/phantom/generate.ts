/**
 * One phantom case: a procedurally generated abdominal CT volume in Hounsfield units and its 13-organ label
 * map (Synapse's classes), computed on the CPU from the project's seeded `Random` streams only, so the same
 * (seed, index, options) gives the same arrays on every run.
 *
 * Pipeline: body and background tissues -> organs (label and clean HU painted together) -> smooth tissue
 * texture -> [1, 6, 1] / 8 blur (partial volume) -> smooth multiplicative bias field on the attenuation
 * (HU + 1000) -> white Gaussian noise -> rounding to whole HU, clamped to [-1024, 3071].
 */

import { Random } from '../random.ts';
import { drawOrgans } from './anatomy.ts';
import { drawBody, paintBody } from './body.ts';
import { PHANTOM_NUM_CLASSES } from './classes.ts';
import { addGaussianNoise, blur3, SmoothField } from './fields.ts';
import { type Grid, gridAffine, makeGrid, type Vec3 } from './geometry.ts';
import { type Canvas, paintShape } from './shapes.ts';

/** Version of the generator: bumped whenever the same seed would give different volumes. */
export const PHANTOM_GENERATOR_VERSION = 1;

/** Default volume size `[D, H, W]` (z, y, x). */
export const DEFAULT_PHANTOM_SHAPE: readonly [number, number, number] = [48, 96, 96];

/** The field of view (mm, `[D, H, W]` order) the anatomy is laid out in; default spacing = FOV / shape. */
export const PHANTOM_FOV_MM: readonly [number, number, number] = [240, 384, 384];

/** Options of `generatePhantomCase`. */
export interface PhantomOptions {
  /** Volume size `[D, H, W]`; default `[48, 96, 96]`. */
  shape?: readonly number[];
  /** Voxel size in mm, `[D, H, W]` order; default `PHANTOM_FOV_MM / shape` (5 x 4 x 4 mm at the default shape). */
  spacing?: readonly number[];
  /** Standard deviation of the white noise in HU; default drawn per case in [10, 20]; 0 disables. */
  noiseHu?: number;
  /** Relative amplitude of the bias field on (HU + 1000); default 0.015 (about +-16 HU on soft tissue); 0 disables. */
  biasAmplitude?: number;
}

/** One generated case. */
export interface PhantomCase {
  /** Case identifier, `phantom_000` style (3 digits at least). */
  id: string;
  /** Intensities in HU (whole numbers stored as float32), C order `[D, H, W]`. */
  image: Float32Array;
  /** Label values 0..13 (Synapse's organs, see `PHANTOM_CLASSES`), C order `[D, H, W]`. */
  label: Uint8Array;
  /** `[D, H, W]`. */
  shape: [number, number, number];
  /** Voxel size in mm, `[D, H, W]` order. */
  spacing: [number, number, number];
  /** NIfTI voxel (i = W index, j = H index, k = D index) to world mm, RAS+, 4x4 row-major, centred on 0. */
  affine: number[][];
  /** Voxels per label value, index = label (length 14). */
  counts: number[];
  /** The noise standard deviation used (HU). */
  noiseHu: number;
}

/** The case identifier of case `index`: `phantom_000`, ..., `phantom_999`, `phantom_1000`. */
export function phantomCaseId(index: number): string {
  return `phantom_${String(index).padStart(3, '0')}`;
}

/** The spacing the options ask for (mm, `[D, H, W]`): explicit, or the field of view divided by the shape. */
export function phantomSpacing(shape: readonly number[], spacing?: readonly number[]): number[] {
  return spacing ? [...spacing] : shape.map((n, a) => PHANTOM_FOV_MM[a]! / n);
}

/**
 * Validates generator options and returns the grid and bias amplitude they ask for. Throws RangeError for a
 * shape that is not three positive integers, a bad spacing, or a negative noise or bias amplitude.
 */
export function checkPhantomOptions(options: PhantomOptions): { grid: Grid; bias: number } {
  const shape = options.shape ?? DEFAULT_PHANTOM_SHAPE;
  const grid = makeGrid(shape, phantomSpacing(shape, options.spacing));
  const bias = options.biasAmplitude ?? 0.015;
  if (!(bias >= 0 && Number.isFinite(bias)))
    throw new RangeError(`phantom bias amplitude: expected >= 0, got ${bias}`);
  const noise = options.noiseHu;
  if (noise !== undefined && !(noise >= 0 && Number.isFinite(noise))) {
    throw new RangeError(`phantom noise: expected >= 0 HU, got ${noise}`);
  }
  return { grid, bias };
}

/**
 * Generates case `index` of the phantom of `seed`: a `[D, H, W]` float32 CT volume in HU (air -1000, fat
 * about -100, organs 10..200, bone up to 700) and its uint8 label map with Synapse's 13 organs. The same
 * (seed, index, options) always gives the same arrays; the anatomy does not depend on `noiseHu` or
 * `biasAmplitude`, so switching them off yields the clean counterpart of a case. With the default grid every
 * organ is present in every case; a much coarser grid can lose the adrenal glands (thinner than a voxel).
 * Throws RangeError for a shape that is not three positive integers (empty volumes are refused), a bad spacing,
 * a negative `index`, or a negative noise or bias amplitude.
 */
export function generatePhantomCase(
  seed: number | bigint | string,
  index: number,
  options: PhantomOptions = {},
): PhantomCase {
  if (!Number.isSafeInteger(index) || index < 0)
    throw new RangeError(`phantom case index: expected >= 0, got ${index}`);
  const { grid, bias } = checkPhantomOptions(options);
  const rng = new Random(seed).split('phantom').fork(index);
  const anatomy = rng.split('anatomy');
  const n = grid.shape[0] * grid.shape[1] * grid.shape[2];
  const canvas: Canvas = {
    grid,
    label: new Uint8Array(n),
    hu: new Float32Array(n),
    cavity: new Uint8Array(n),
  };
  const body = drawBody(anatomy.split('body'));
  paintBody(canvas, anatomy.split('background'), body);
  const organs = drawOrgans(anatomy.split('organs'), body);
  const shapes = anatomy.split('shapes');
  organs.forEach((step, s) => {
    paintShape(canvas, shapes.fork(s), step);
  });

  const [d, h, w] = grid.shape;
  const lo: Vec3 = [grid.xs[0]!, grid.ys[0]!, grid.zs[0]!];
  const hi: Vec3 = [grid.xs[w - 1]!, grid.ys[h - 1]!, grid.zs[d - 1]!];
  const image = canvas.hu;
  const texture = new SmoothField(rng.split('texture'), lo, hi, 9).sample(grid);
  for (let i = 0; i < n; i++) {
    const v = image[i]!;
    if (v > -500) image[i] = v + texture[i]! * (canvas.label[i] === 0 ? 10 : 5);
  }
  blur3(image, grid.shape);
  const biasRng = rng.split('bias');
  if (bias > 0) {
    const field = new SmoothField(biasRng, lo, hi, 90).sample(grid);
    for (let i = 0; i < n; i++) image[i] = (image[i]! + 1000) * (1 + bias * field[i]!) - 1000;
  }
  const noiseRng = rng.split('noise');
  const noiseHu = options.noiseHu ?? noiseRng.uniform(10, 20);
  addGaussianNoise(noiseRng, image, noiseHu);
  // whole HU (+ 0 turns -0 into 0), clamped to the 12-bit CT range
  for (let i = 0; i < n; i++) image[i] = Math.min(3071, Math.max(-1024, Math.round(image[i]!) + 0));

  const counts = new Array<number>(PHANTOM_NUM_CLASSES).fill(0);
  for (let i = 0; i < n; i++) counts[canvas.label[i]!]!++;
  return {
    id: phantomCaseId(index),
    image,
    label: canvas.label,
    shape: grid.shape,
    spacing: grid.spacing,
    affine: gridAffine(grid),
    counts,
    noiseHu,
  };
}
