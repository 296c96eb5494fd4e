/**
 * Builders for the malformed-input cases of the dataset layer (run by datasets-errors.test.ts): small good
 * datasets in a temporary folder, each broken in one way by the case that uses it.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { preprocessDataset } from '../../src/data/datasets/preprocess-dataset.ts';
import type { Manifest } from '../../src/data/manifest.ts';
import { writeNiftiSync } from '../../src/io/nifti.ts';
import { sampleManifest } from './datasets-helpers.ts';
import { ROOT } from './preprocess-helpers.ts';

/** The temporary folder, set by the test file's `before` hook. */
export const fx = { dir: '' };

export const XYZ = [6, 5, 4];
export const N = 6 * 5 * 4;
export const IO_FIXTURES = join(ROOT, 'test', 'fixtures', 'io');
/** Output sinks that drop everything (for runPreprocess). */
export const quiet = { out: { write: () => true }, err: { write: () => true } };

/** One malformed input and the one line it must produce. */
export interface ErrorCase {
  name: string;
  run: () => unknown;
  /** What the one line must say (it must also name a file or field and what was expected). */
  message: RegExp;
}

/** A fresh Synapse folder with `n` good cases; `edit` may then break it. */
export function synapse(name: string, n = 2, edit?: (root: string) => void): string {
  const root = join(fx.dir, name);
  mkdirSync(join(root, 'imagesTr'), { recursive: true });
  mkdirSync(join(root, 'labelsTr'), { recursive: true });
  for (let c = 1; c <= n; c++) {
    const id = String(c).padStart(4, '0');
    writeNiftiSync(join(root, 'imagesTr', `img${id}.nii.gz`), {
      data: Int16Array.from({ length: N }, (_, i) => i * 9 - 300),
      shape: XYZ,
    });
    writeNiftiSync(join(root, 'labelsTr', `label${id}.nii.gz`), {
      data: Uint8Array.from({ length: N }, (_, i) => i % 5),
      shape: XYZ,
    });
  }
  edit?.(root);
  return root;
}

export function run(
  task: string,
  data: string,
  extra: Partial<Parameters<typeof preprocessDataset>[0]> = {},
) {
  return preprocessDataset({
    task,
    dataDir: data,
    outDir: join(fx.dir, `out-${Math.random().toString(36).slice(2)}`),
    ...extra,
  });
}

/** A preprocessed folder of the 2-case Synapse set (variant 2x3x3) to break. */
export async function preprocessed(name: string): Promise<string> {
  const out = join(fx.dir, name);
  await preprocessDataset({
    task: 'synapse',
    dataDir: synapse(`${name}-raw`),
    outDir: out,
    variant: '2x3x3',
  });
  return out;
}

/** A manifest file holding `edit(sampleManifest())` (written raw, bypassing the writer's checks). */
export function manifestFile(name: string, edit: (m: Record<string, unknown> & Manifest) => void): string {
  const m = structuredClone(sampleManifest()) as Record<string, unknown> & Manifest;
  edit(m);
  const p = join(fx.dir, `${name}.json`);
  writeFileSync(p, JSON.stringify(m));
  return p;
}
