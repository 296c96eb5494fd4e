/**
 * What every dataset adapter provides (`DatasetSource`) and the helpers they share: folder listing with
 * one-line errors, and reading a NIfTI case (one file per channel plus an optional label) into a `RawCase`.
 */

import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readNifti } from '../../io/nifti.ts';
import { dataFail } from '../data-error.ts';
import type { RawCase } from '../preprocess/pipeline.ts';
import type { PreprocessTask } from '../preprocess/variants.ts';
import { niftiImage, niftiLabel } from '../preprocess/volumes.ts';

/** One case of a source dataset: absolute paths of its files. */
export interface CaseRef {
  id: string;
  /** One file per channel (h5 datasets: the one file holding image and label). */
  image: string[];
  /** The label file, or null for an unlabeled case. */
  label: string | null;
}

/** A raw dataset opened by an adapter: metadata, the cases found, and how to read one. */
export interface DatasetSource {
  task: PreprocessTask;
  name: string;
  modality: string;
  /** One name per image channel. */
  channels: string[];
  /** Class names, label value k = `classes[k]`. */
  classes: string[];
  /** The data folder as opened (absolute). */
  dataDir: string;
  /** Cases in a stable (sorted) order. */
  cases: CaseRef[];
  /** Remarks for the manifest (e.g. MRI cases in a CT task). */
  notes: string[];
  /** Things the user should see that do not stop the preprocessing (ignored files, ...). */
  warnings: string[];
  /** Named splits restricted to `ids` (reference splits whose ids are all present, plus `all`). */
  splits(ids: readonly string[]): { splits: Record<string, string[]>; warnings: string[]; notes: string[] };
  /** Reads one case in the project's layout (`[C, D, H, W]` float32 image, uint8 label). */
  readCase(ref: CaseRef): Promise<RawCase>;
}

/** Options shared by the adapters' `open` functions. */
export interface OpenOptions {
  /** Reference split set (see `splitSets(task)` in `../splits.ts`); default the task's default. */
  splitSet?: string;
}

/** True when `path` is a folder (false for a missing path or an empty string). */
export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** True when `path` is a regular file (false for a missing path or an empty string). */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Sorted entry names of a folder (hidden names such as `.DS_Store` and `._x` dropped). Throws `DataError`
 * naming the folder and `expected` when it is missing or not a folder. An empty folder gives [].
 */
export function listFolder(dir: string, expected: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) dataFail(dir, 'is not a folder', expected);
    names = readdirSync(dir);
  } catch (e) {
    if ((e as Error).name === 'DataError') throw e;
    const code = (e as NodeJS.ErrnoException).code;
    dataFail(dir, code === 'ENOENT' ? 'no such folder' : `cannot be listed (${code})`, expected);
  }
  return names.filter((n) => !n.startsWith('.')).sort();
}

/** `path` relative to `base` with forward slashes (for messages and the manifest). */
export function rel(base: string, path: string): string {
  return relative(base, path).split('\\').join('/');
}

/** The path of `<dir>/<stem><ext>` for the first existing extension, or null (also for an empty `exts`). */
export function findWithExt(dir: string, stem: string, exts: readonly string[]): string | null {
  for (const ext of exts) {
    const p = join(dir, stem + ext);
    if (isFile(p)) return p;
  }
  return null;
}

/**
 * Reads a NIfTI case: every channel file to float32 (z, y, x), stacked as the image `[C, D, H, W]` (C = number
 * of channel files, all on the same grid), the label to uint8 `[D, H, W]` with values checked against
 * `classes`; spacing in mm (D, H, W order) and the affine come from channel 0. Messages name the files (absolute
 * paths) and give shapes in the files' (x, y, z) order; the manifest's `source` records the paths relative to
 * `dataDir`. A volume with an empty axis is a `DataError` naming its file.
 */
export async function readNiftiCase(
  ref: CaseRef,
  dataDir: string,
  classes: readonly string[],
  classNote: string,
): Promise<RawCase> {
  const vols = await Promise.all(ref.image.map((p) => readNifti(p)));
  const first = vols[0]!;
  const parts = vols.map((v, c) => {
    const name = ref.image[c]!;
    const img = niftiImage(v, name);
    if (c > 0 && v.shape.join() !== first.shape.join())
      dataFail(
        name,
        `shape (${v.shape.join(', ')}) differs from channel 0 (${ref.image[0]}: (${first.shape.join(', ')}))`,
        'every channel of a case on the same grid',
      );
    return img;
  });
  const spatial = parts[0]!.shape;
  const n = parts[0]!.data.length;
  const image = new Float32Array(n * parts.length);
  for (const [c, p] of parts.entries()) image.set(p.data, c * n);
  let label: Uint8Array | null = null;
  if (ref.label) {
    const name = ref.label;
    const lv = await readNifti(ref.label);
    if (lv.shape.join() !== first.shape.join())
      dataFail(
        name,
        `label shape (${lv.shape.join(', ')}) differs from the image's (${first.shape.join(', ')}, ${ref.image[0]})`,
        'image and label of the same shape',
      );
    label = niftiLabel(lv, classes.length, name, classNote).data;
  }
  return {
    id: ref.id,
    image,
    shape: [parts.length, ...spatial],
    spacing: parts[0]!.spacing,
    label,
    source: {
      image: ref.image.map((p) => rel(dataDir, p)),
      label: ref.label ? rel(dataDir, ref.label) : null,
      shape: [...spatial],
      spacing: parts[0]!.spacing,
      affine: first.affine.map((r) => [...r]),
    },
  };
}
