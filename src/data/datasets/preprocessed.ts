/**
 * Reading a preprocessed dataset folder (written by `preprocessDataset`): the manifest once per folder, then one
 * case at a time as a `Sample` (`[C, D, H, W]` / `[C, H, W]` float32 image, uint8 label over the spatial axes),
 * with the manifest's `onLoad` steps applied (DHC HEAD's Synapse halving).
 */

import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNpy } from '../../io/npy.ts';
import { dataFail } from '../data-error.ts';
import { findCase, MANIFEST_FILE, type Manifest, type ManifestCase, readManifest } from '../manifest.ts';
import type { Sample, SampleShape } from '../sample.ts';

/** On-load steps the loader knows. */
export const ON_LOAD_STEPS = ['halve-hw'] as const;

const cache = new Map<string, { mtimeMs: number; manifest: Manifest }>();

/**
 * The manifest of a preprocessed folder, read and validated once per process and folder (re-read when the file
 * changes). Throws `DataError` naming the manifest for a missing or invalid one.
 */
export function preprocessedManifest(dir: string): Manifest {
  const file = join(resolve(dir), MANIFEST_FILE);
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    // readManifest reports it
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.manifest;
  const manifest = readManifest(file);
  manifest.preprocessing.onLoad.forEach((s, i) => {
    if (!(ON_LOAD_STEPS as readonly string[]).includes(s.op))
      dataFail(
        `${file}: preprocessing.onLoad[${i}].op`,
        `unknown step '${s.op}'`,
        `one of ${ON_LOAD_STEPS.join(', ')}`,
      );
  });
  cache.set(file, { mtimeMs, manifest });
  return manifest;
}

async function readChecked(dir: string, name: string, shape: readonly number[], dtype: 'float32' | 'uint8') {
  const path = join(dir, name);
  const a = await readNpy(path);
  if (a.dataDtype !== dtype)
    dataFail(path, `holds ${a.dtype}`, `${dtype} as the manifest's preprocessing writes`);
  if (a.shape.join() !== shape.join())
    dataFail(
      path,
      `has shape (${a.shape.join(', ')})`,
      `(${shape.join(', ')}) as listed in ${MANIFEST_FILE}`,
    );
  return a.data;
}

/** Options of `loadPreprocessedCase`. */
export interface LoadCaseOptions {
  /** Read the label (default true); false returns a sample without label. */
  label?: boolean;
}

/**
 * Loads case `id` of the preprocessed folder `dir` as a `Sample`: image float32 `[C, D, H, W]` (or `[C, H, W]`),
 * label uint8 over the spatial axes (absent for unlabeled cases or with `label: false`), after the manifest's
 * on-load steps. Throws `DataError` naming the manifest or file for an unknown id, a missing file, or an array
 * whose dtype or shape differs from the manifest.
 */
export async function loadPreprocessedCase(
  dir: string,
  id: string,
  options: LoadCaseOptions = {},
): Promise<Sample> {
  const root = resolve(dir);
  const m = preprocessedManifest(root);
  const c: ManifestCase = findCase(m, id, join(root, MANIFEST_FILE));
  const wantLabel = options.label !== false && c.label !== null;
  const [image, label] = await Promise.all([
    readChecked(root, c.image, c.shape, 'float32'),
    wantLabel ? readChecked(root, c.label!, c.shape.slice(1), 'uint8') : Promise.resolve(null),
  ]);
  let sample = {
    image: image as Float32Array,
    label: label as Uint8Array | null,
    shape: [...c.shape],
  };
  for (const step of m.preprocessing.onLoad) {
    if (step.op === 'halve-hw') {
      if (sample.shape.length !== 4)
        dataFail(
          `${c.image}`,
          `shape (${sample.shape.join(', ')}) cannot be halved in-plane`,
          '[C, D, H, W]',
        );
      // libtorch loads only for folders that need it (a worker thread then pays its start-up once)
      const { halveInPlane } = await import('../preprocess/resize.ts');
      sample = halveInPlane(sample.image, sample.shape, sample.label);
    }
  }
  const out: Sample = { image: sample.image, shape: sample.shape as SampleShape };
  if (sample.label) out.label = sample.label;
  return out;
}
