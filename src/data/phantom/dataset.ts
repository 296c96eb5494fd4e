/**
 * Writing the phantom as an nnU-Net v2 raw dataset:
 *
 * ```
 * OUT/dataset.json
 * OUT/imagesTr/phantom_000_0000.nii.gz   float32 HU, one channel ("CT")
 * OUT/labelsTr/phantom_000.nii.gz        uint8 labels 0..13
 * ```
 *
 * Files are NIfTI-1, gzip level 1 (fixed), x fastest on disk (the `[D, H, W]` C-order arrays reinterpreted as
 * NIfTI `[W, H, D]`, see `zyxToNifti`), with the RAS+ affine of the case grid. The same seed and options give
 * the same bytes in every file.
 */

import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNifti, zyxToNifti } from '../../io/index.ts';
import { PHANTOM_CLASSES, PHANTOM_NUM_CLASSES } from './classes.ts';
import {
  checkPhantomOptions,
  DEFAULT_PHANTOM_SHAPE,
  generatePhantomCase,
  PHANTOM_GENERATOR_VERSION,
  type PhantomCase,
  type PhantomOptions,
  phantomSpacing,
} from './generate.ts';

/** gzip level of every `.nii.gz` the phantom writes (fixed, so the bytes do not depend on a default). */
export const PHANTOM_GZIP_LEVEL = 1;

/** Options of `writePhantomDataset`. */
export interface PhantomDatasetOptions extends PhantomOptions {
  /** Output folder (created when missing). */
  out: string;
  /** Number of cases, a positive integer. */
  cases: number;
  /** Seed: a non-negative integer (as `Random` accepts). */
  seed: number;
  /** Write into a non-empty folder, replacing its `imagesTr/`, `labelsTr/` and `dataset.json`. Default false. */
  force?: boolean;
  /** Called after each case is written (for progress output). */
  onCase?: (id: string, index: number, total: number) => void;
}

/** What `writePhantomDataset` wrote. */
export interface PhantomDatasetResult {
  out: string;
  /** Case identifiers in order. */
  ids: string[];
  /** The dataset.json content. */
  datasetJson: PhantomDatasetJson;
}

/** The nnU-Net v2 dataset.json of a phantom dataset, with semiseg's own block. */
export interface PhantomDatasetJson {
  name: string;
  description: string;
  reference: string;
  licence: string;
  release: string;
  channel_names: Record<string, string>;
  labels: Record<string, number>;
  numTraining: number;
  file_ending: '.nii.gz';
  semiseg: {
    generator: 'semiseg-phantom';
    generator_version: number;
    seed: number;
    shape: number[];
    spacing_mm: number[];
    axes: string;
    orientation: 'RAS';
    intensity_unit: 'HU';
    class_hu: Record<string, number>;
    /** Mean over cases of (voxels of the class) / (voxels of the volume), background included. */
    class_voxel_fractions: Record<string, number>;
    cases: { id: string; counts: number[]; noise_hu: number }[];
  };
}

function checkOptions(options: PhantomDatasetOptions): void {
  if (!Number.isSafeInteger(options.cases) || options.cases < 1) {
    throw new RangeError(`phantom cases: expected a positive integer, got ${options.cases}`);
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    throw new RangeError(`phantom seed: expected a non-negative integer, got ${options.seed}`);
  }
  if (typeof options.out !== 'string' || options.out === '')
    throw new RangeError('phantom out: expected a folder');
}

function prepareFolder(out: string, force: boolean): void {
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new Error(`output ${out} exists and is not a folder`);
    if (readdirSync(out).length > 0) {
      if (!force)
        throw new Error(`output folder ${out} is not empty (use --force to replace the dataset in it)`);
      for (const name of ['imagesTr', 'labelsTr', 'dataset.json']) {
        rmSync(join(out, name), { recursive: true, force: true });
      }
    }
  }
  mkdirSync(join(out, 'imagesTr'), { recursive: true });
  mkdirSync(join(out, 'labelsTr'), { recursive: true });
}

/** JSON with two-space indentation, arrays of numbers kept on one line. */
function formatJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return (
    text.replace(/\[\s+([-0-9.e+,\s]*?)\s+\]/g, (_, body: string) => `[${body.split(/,\s*/).join(', ')}]`) +
    '\n'
  );
}

/** Rounds a fraction to 8 significant digits, so dataset.json stays readable and stable. */
function tidy(v: number): number {
  return Number(v.toPrecision(8));
}

/**
 * The nnU-Net v2 dataset.json for generated cases (`cases` in index order; none gives zero fractions).
 */
export function phantomDatasetJson(
  seed: number,
  cases: readonly Pick<PhantomCase, 'id' | 'counts' | 'noiseHu' | 'shape' | 'spacing'>[],
  options: PhantomOptions = {},
): PhantomDatasetJson {
  const shape = [...(cases[0]?.shape ?? options.shape ?? DEFAULT_PHANTOM_SHAPE)];
  const spacing = cases[0]?.spacing ?? phantomSpacing(shape, options.spacing);
  const names = ['background', ...PHANTOM_CLASSES.map((c) => c.name)];
  const fractions = new Array<number>(PHANTOM_NUM_CLASSES).fill(0);
  for (const c of cases) {
    const total = c.counts.reduce((a, b) => a + b, 0);
    c.counts.forEach((n, k) => {
      fractions[k]! += n / total / cases.length;
    });
  }
  return {
    name: 'Phantom',
    description:
      "semiseg's procedural abdominal CT phantom: Synapse's 13 organs, HU intensities, noise and bias field",
    reference: 'generated by semiseg (src/data/phantom)',
    licence: 'MIT',
    release: String(PHANTOM_GENERATOR_VERSION),
    channel_names: { '0': 'CT' },
    labels: Object.fromEntries(names.map((n, k) => [n, k])),
    numTraining: cases.length,
    file_ending: '.nii.gz',
    semiseg: {
      generator: 'semiseg-phantom',
      generator_version: PHANTOM_GENERATOR_VERSION,
      seed,
      shape,
      spacing_mm: [...spacing],
      axes: 'shape and spacing are [D, H, W] = (z, y, x); the files store x fastest',
      orientation: 'RAS',
      intensity_unit: 'HU',
      class_hu: Object.fromEntries(PHANTOM_CLASSES.map((c) => [c.name, c.hu])),
      class_voxel_fractions: Object.fromEntries(names.map((n, k) => [n, tidy(fractions[k]!)])),
      cases: cases.map((c) => ({ id: c.id, counts: [...c.counts], noise_hu: tidy(c.noiseHu) })),
    },
  };
}

/**
 * Generates `cases` phantom cases of `seed` and writes them to `out` as an nnU-Net v2 raw dataset
 * (`imagesTr/<id>_0000.nii.gz` float32 HU, `labelsTr/<id>.nii.gz` uint8, `dataset.json`). Volumes are `[D, H, W]`
 * C order in memory, x fastest on disk, spacing in mm. Writing of one case overlaps generation of the next.
 * Throws RangeError for `cases` < 1 (an empty dataset is refused), a bad seed or generator options, and Error
 * when `out` is a non-empty folder and `force` is not set, or is a file. Same seed and options, same bytes.
 */
export async function writePhantomDataset(options: PhantomDatasetOptions): Promise<PhantomDatasetResult> {
  checkOptions(options);
  const { out, cases, seed } = options;
  checkPhantomOptions(options);
  prepareFolder(out, options.force ?? false);
  const done: PhantomCase[] = [];
  let pending: Promise<unknown> = Promise.resolve();
  for (let index = 0; index < cases; index++) {
    const c = generatePhantomCase(seed, index, options);
    await pending; // at most one case is being written while the next one is generated
    const nifti = { affine: c.affine };
    const image = zyxToNifti({ data: c.image, shape: c.shape, spacing: c.spacing });
    const label = zyxToNifti({ data: c.label, shape: c.shape, spacing: c.spacing });
    const gz = {
      compressionLevel: PHANTOM_GZIP_LEVEL,
      descrip: `semiseg phantom v${PHANTOM_GENERATOR_VERSION}`,
    };
    pending = Promise.all([
      writeNifti(join(out, 'imagesTr', `${c.id}_0000.nii.gz`), { ...image, ...nifti }, gz),
      writeNifti(join(out, 'labelsTr', `${c.id}.nii.gz`), { ...label, ...nifti }, gz),
    ]).then(() => options.onCase?.(c.id, index, cases));
    done.push({ ...c, image: new Float32Array(0), label: new Uint8Array(0) });
  }
  await pending;
  const datasetJson = phantomDatasetJson(seed, done, options);
  writeFileSync(join(out, 'dataset.json'), formatJson(datasetJson));
  return { out, ids: done.map((c) => c.id), datasetJson };
}
