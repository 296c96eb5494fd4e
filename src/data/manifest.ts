/**
 * The dataset manifest: one `manifest.json` next to the preprocessed arrays, in the spirit of nnU-Net's
 * `dataset.json` (name, modality, classes with names, cases with their files, splits by name) plus the
 * preprocessing's provenance and a fingerprint of its result.
 *
 * ```json
 * { "format": "semiseg-dataset", "version": 1, "name": "Synapse", "task": "synapse", "modality": "CT",
 *   "channels": ["CT"], "classes": ["background", "spleen", ...],
 *   "cases": [{ "id": "0001", "image": "0001_image.npy", "label": "0001_label.npy", "shape": [1, 80, 160, 160],
 *               "spacing": [3.7, 2.4, 2.4], "labelValues": [0, 1, 2], "sha256": { "image": "...", "label": "..." },
 *               "source": { "image": ["imagesTr/img0001.nii.gz"], "label": "labelsTr/label0001.nii.gz",
 *                           "shape": [147, 512, 512], "spacing": [2, 0.76, 0.76], "affine": [[...]] } }],
 *   "splits": { "all": ["0001", ...], "test": [...] },
 *   "preprocessing": { "variant": "80x160x160", "steps": [{ "op": "resize", ... }], "onLoad": [],
 *                      "source": "/data/Synapse", "tool": "semiseg 0.1.0", "created": "2026-...",
 *                      "fingerprint": "<sha256>", "notes": [] } }
 * ```
 *
 * Layouts: `shape` is the image array's `[C, D, H, W]` (3D) or `[C, H, W]` (2D slice), C = `channels.length`;
 * the label array has the spatial shape only. `spacing` is mm per spatial axis in the same (D, H, W) order.
 * Paths are relative to the manifest's folder. Class k of the label map is `classes[k]`.
 */

import { createHash } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { DataError } from './data-error.ts';
import { checkManifest } from './manifest-check.ts';

/** File name of the manifest inside a preprocessed dataset folder. */
export const MANIFEST_FILE = 'manifest.json';

/** One preprocessing step as recorded: `op` plus its parameters (plain JSON). */
export interface PreprocessStep {
  op: string;
  [param: string]: unknown;
}

/** Where a case came from (before preprocessing). */
export interface CaseSource {
  /** Source files relative to the source data folder, one per channel (h5: the one file). */
  image: string[];
  label: string | null;
  /** Spatial shape of the source in the project's order, `[D, H, W]` (or `[H, W]`). */
  shape: number[];
  /** Source voxel size in mm, same order as `shape`; null when the source stores none. */
  spacing: number[] | null;
  /** NIfTI voxel (i, j, k) -> world (mm) affine of the source file, 4x4 row-major; null for h5. */
  affine: number[][] | null;
}

/** One preprocessed case. */
export interface ManifestCase {
  id: string;
  /** `.npy` float32 image `[C, D, H, W]` / `[C, H, W]`, relative to the manifest folder. */
  image: string;
  /** `.npy` uint8 label `[D, H, W]` / `[H, W]`, or null for an unlabeled case. */
  label: string | null;
  /** The image array's shape, channel axis first. */
  shape: number[];
  /** Voxel size in mm per spatial axis (same order as `shape.slice(1)`), or null when unknown. */
  spacing: number[] | null;
  /** Distinct label values present, increasing; null without a label. */
  labelValues: number[] | null;
  /** sha256 of the two files as written. */
  sha256: { image: string; label: string | null };
  source: CaseSource;
}

/** Provenance of the preprocessing. */
export interface ManifestPreprocessing {
  /** The variant name (`80x160x160`, `dhc-head`, `native`). */
  variant: string;
  /** What was done, in order. */
  steps: PreprocessStep[];
  /** What the loader still does on every load (e.g. `{ op: 'halve-hw' }` for DHC HEAD's Synapse). */
  onLoad: PreprocessStep[];
  /** The source data folder as given to the preprocessing. */
  source: string;
  /** `semiseg <version>`. */
  tool: string;
  /** ISO 8601 time of writing. */
  created: string;
  /** sha256 of the content that defines the arrays (see `manifestFingerprint`). */
  fingerprint: string;
  /** Remarks a user should see (MRI cases windowed as CT, splits left out, ...). */
  notes: string[];
}

/** A dataset manifest (see the module comment for an example). */
export interface Manifest {
  format: 'semiseg-dataset';
  version: 1;
  name: string;
  task: string;
  modality: string;
  /** One name per image channel (`['CT']`, `['T2', 'ADC']`). */
  channels: string[];
  /** Class names; label value k is `classes[k]` (k = 0 background). */
  classes: string[];
  cases: ManifestCase[];
  /** Named lists of case ids (`all`, `train`, `labeled_20p`, ...); each non-empty, ids known. */
  splits: Record<string, string[]>;
  preprocessing: ManifestPreprocessing;
}

/** JSON with object keys sorted at every level: the canonical form that the fingerprint hashes. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The fingerprint of a manifest: sha256 of the canonical JSON of what defines the arrays (task, variant, steps,
 * onLoad, channels, classes, and per case its id, shape, spacing and file digests). Splits, names, notes, the
 * source path and the creation time are left out, so they can change without changing the fingerprint.
 */
export function manifestFingerprint(m: Manifest): string {
  const content = {
    task: m.task,
    variant: m.preprocessing.variant,
    steps: m.preprocessing.steps,
    onLoad: m.preprocessing.onLoad,
    channels: m.channels,
    classes: m.classes,
    cases: m.cases.map((c) => ({ id: c.id, shape: c.shape, spacing: c.spacing, sha256: c.sha256 })),
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

function manifestPath(pathOrDir: string): string {
  try {
    if (statSync(pathOrDir).isDirectory()) return join(pathOrDir, MANIFEST_FILE);
  } catch {
    // not there: reported when reading
  }
  return pathOrDir;
}

/**
 * Reads and validates a manifest; `pathOrDir` is the file or the folder holding `manifest.json`. Throws one
 * `DataError` naming the file (and field) for a missing or unreadable file, invalid JSON, any schema problem
 * (see `checkManifest`), or a fingerprint that does not match the content (unless `verify: false`).
 */
export function readManifest(pathOrDir: string, options: { verify?: boolean } = {}): Manifest {
  const file = manifestPath(pathOrDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
    throw new DataError(file, what, 'a manifest.json written by semiseg preprocess', { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DataError(file, `not valid JSON (${(e as Error).message})`, 'a JSON manifest', { cause: e });
  }
  const m = checkManifest(value, file);
  if (options.verify !== false) {
    const want = manifestFingerprint(m);
    if (want !== m.preprocessing.fingerprint) {
      throw new DataError(
        `${file}: preprocessing.fingerprint`,
        `${m.preprocessing.fingerprint.slice(0, 12)}... does not match the content (${want.slice(0, 12)}...)`,
        'the fingerprint written with these cases (re-run semiseg preprocess, or read with verify: false)',
      );
    }
  }
  return m;
}

/**
 * Validates `m`, sets `preprocessing.fingerprint` from the content, and writes it to `pathOrDir` (the file or
 * its folder) atomically: a temporary file in the same folder, fsync, then rename, so a reader never sees a
 * partial manifest. Returns the manifest as written. Throws `DataError` for an invalid manifest or a failed write.
 */
export function writeManifest(pathOrDir: string, m: Manifest): Manifest {
  const file = manifestPath(pathOrDir);
  const out: Manifest = { ...m, preprocessing: { ...m.preprocessing, fingerprint: '0'.repeat(64) } };
  out.preprocessing.fingerprint = manifestFingerprint(out);
  checkManifest(JSON.parse(JSON.stringify(out)), file);
  const tmp = join(
    dirname(file),
    `.${MANIFEST_FILE}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  );
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, `${JSON.stringify(out, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(file, `cannot be written (${code ?? (e as Error).message})`, 'a writable folder', {
      cause: e,
    });
  }
  return out;
}

/** The case with id `id`, or a `DataError` naming the manifest and listing a few known ids. */
export function findCase(m: Manifest, id: string, file = MANIFEST_FILE): ManifestCase {
  const c = m.cases.find((k) => k.id === id);
  if (!c) {
    const few = m.cases.slice(0, 5).map((k) => k.id);
    throw new DataError(
      `${file}: cases`,
      `unknown case id '${id}'`,
      `one of the ${m.cases.length} ids (${few.join(', ')}${m.cases.length > 5 ? ', ...' : ''})`,
    );
  }
  return c;
}
