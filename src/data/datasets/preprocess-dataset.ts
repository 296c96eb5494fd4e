/**
 * Preprocesses a whole dataset: opens the raw folder with the task's adapter, runs every case through the
 * variant's plan, and writes `<out>/<id>_image.npy` (float32 `[C, D, H, W]`, or `[C, H, W]` for 2D slices),
 * `<out>/<id>_label.npy` (uint8 `[D, H, W]` / `[H, W]`) and, last, `<out>/manifest.json`: a folder with a
 * manifest is complete. Reading the next case overlaps with processing the current one.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeNpy } from '../../io/npy.ts';
import { DataError, dataFail } from '../data-error.ts';
import { MANIFEST_FILE, type Manifest, type ManifestCase, writeManifest } from '../manifest.ts';
import { planSteps, preprocessCase, type RawCase } from '../preprocess/pipeline.ts';
import { checkTask, type PreprocessTask, variantPlan } from '../preprocess/variants.ts';
import { openAcdc, openLa } from './la-acdc.ts';
import { openNnunet } from './nnunet.ts';
import type { CaseRef, DatasetSource, OpenOptions } from './source.ts';
import { openAmos, openSynapse } from './synapse-amos.ts';

/** Version string recorded as the manifest's `tool`. */
export const TOOL = 'semiseg 0.1.0';

/** Opens the raw dataset of `task` in `dataDir` with its adapter. Throws `DataError` for an unknown task. */
export function openDataset(task: string, dataDir: string, options: OpenOptions = {}): DatasetSource {
  const t: PreprocessTask = checkTask(task);
  const dir = resolve(dataDir);
  switch (t) {
    case 'synapse':
      return openSynapse(dir, options);
    case 'amos':
      return openAmos(dir, options);
    case 'la':
      return openLa(dir, options);
    case 'acdc':
      return openAcdc(dir, options);
    case 'nnunet':
      return openNnunet(dir);
  }
}

/** Progress of `preprocessDataset`, reported after each case. */
export interface PreprocessProgress {
  done: number;
  total: number;
  id: string;
  /** Milliseconds since the start. */
  elapsedMs: number;
}

/** Options of `preprocessDataset`. */
export interface PreprocessOptions extends OpenOptions {
  task: string;
  dataDir: string;
  outDir: string;
  /** Variant name (see `variants.ts`); default the task's first. */
  variant?: string;
  /** Only these case ids (in this order); default every case found. */
  cases?: readonly string[];
  /** Allow a non-empty `outDir`: earlier `*_image.npy`, `*_label.npy` and the manifest there are replaced. */
  force?: boolean;
  onProgress?: (p: PreprocessProgress) => void;
}

/** What `preprocessDataset` did. */
export interface PreprocessResult {
  manifest: Manifest;
  manifestPath: string;
  /** Things worth showing (ignored files, reference splits left out). */
  warnings: string[];
}

function selectCases(source: DatasetSource, ids: readonly string[] | undefined): CaseRef[] {
  if (!ids) return source.cases;
  if (ids.length === 0) dataFail('cases', 'is an empty list', 'at least one case id');
  const byId = new Map(source.cases.map((c) => [c.id, c]));
  const seen = new Set<string>();
  return ids.map((id) => {
    const c = byId.get(id);
    if (!c)
      dataFail(
        'cases',
        `unknown case id '${id}'`,
        `ids found in ${source.dataDir} (e.g. ${source.cases
          .slice(0, 3)
          .map((k) => k.id)
          .join(', ')})`,
      );
    if (seen.has(id)) dataFail('cases', `duplicate case id '${id}'`, 'each case once');
    seen.add(id);
    return c;
  });
}

const OUTPUT_FILE = /(_image\.npy|_label\.npy)$/;

function prepareOut(outDir: string, force: boolean): void {
  let entries: string[] = [];
  try {
    if (!statSync(outDir).isDirectory())
      dataFail(outDir, 'exists and is not a folder', 'a new or empty output folder');
    entries = readdirSync(outDir);
  } catch (e) {
    if (e instanceof DataError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (entries.length > 0 && !force)
    dataFail(
      outDir,
      `is not empty (${entries.length} entries)`,
      'a new or empty output folder (or --force to overwrite)',
    );
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    dataFail(outDir, `cannot be created (${(e as NodeJS.ErrnoException).code})`, 'a writable output folder');
  }
  for (const name of entries)
    if (name === MANIFEST_FILE || OUTPUT_FILE.test(name)) unlinkSync(join(outDir, name));
}

/** Writes bytes atomically (temporary file then rename) and returns their sha256. */
function writeHashed(path: string, bytes: Buffer): string {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    dataFail(path, `cannot be written (${(e as NodeJS.ErrnoException).code})`, 'a writable output folder');
  }
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Preprocesses the dataset of `options.task` found in `options.dataDir` into `options.outDir`: per case a float32
 * image npy `[C, D, H, W]` (`[C, H, W]` for ACDC slices), a uint8 label npy over the spatial axes, and last the
 * manifest (spacing in mm, D, H, W order). Throws `DataError` / `IoError` (one line naming the file or field) for an unknown
 * task or variant, a missing folder or file, a malformed file, mismatched shapes, NaN intensities, label values
 * outside the classes, unknown or duplicate `cases`, or a non-empty output folder without `force`.
 */
export async function preprocessDataset(options: PreprocessOptions): Promise<PreprocessResult> {
  const started = performance.now();
  const openOpts: OpenOptions = options.splitSet === undefined ? {} : { splitSet: options.splitSet };
  const source = openDataset(options.task, options.dataDir, openOpts);
  const plan = variantPlan(source.task, options.variant, source.channels);
  const refs = selectCases(source, options.cases);
  const outDir = resolve(options.outDir);
  prepareOut(outDir, options.force ?? false);
  const read = (i: number): Promise<RawCase> => {
    const p = source.readCase(refs[i]!);
    p.catch(() => {}); // observed when awaited; avoids an unhandled rejection while queued
    return p;
  };
  const cases: ManifestCase[] = [];
  let next: Promise<RawCase> | null = read(0);
  for (let i = 0; i < refs.length; i++) {
    const raw: RawCase = await next!;
    next = i + 1 < refs.length ? read(i + 1) : null;
    const c = preprocessCase(raw, plan);
    const imageFile = `${c.id}_image.npy`;
    const labelFile = c.label ? `${c.id}_label.npy` : null;
    const spatial = c.shape.slice(1);
    const imageSha = writeHashed(join(outDir, imageFile), encodeNpy(c.image, c.shape, {}, imageFile));
    const labelSha =
      c.label && labelFile
        ? writeHashed(join(outDir, labelFile), encodeNpy(c.label, spatial, {}, labelFile))
        : null;
    cases.push({
      id: c.id,
      image: imageFile,
      label: labelFile,
      shape: c.shape,
      spacing: c.spacing,
      labelValues: c.labelValues,
      sha256: { image: imageSha, label: labelSha },
      source: c.source,
    });
    options.onProgress?.({
      done: i + 1,
      total: refs.length,
      id: c.id,
      elapsedMs: performance.now() - started,
    });
  }
  const ids = cases.map((c) => c.id);
  const sp = source.splits(ids);
  const manifest: Manifest = {
    format: 'semiseg-dataset',
    version: 1,
    name: source.name,
    task: source.task,
    modality: source.modality,
    channels: source.channels,
    classes: source.classes,
    cases,
    splits: sp.splits,
    preprocessing: {
      variant: plan.variant,
      steps: [readStep(source), ...planSteps(plan)],
      onLoad: plan.onLoad,
      source: source.dataDir,
      tool: TOOL,
      created: new Date().toISOString(),
      fingerprint: '0'.repeat(64),
      notes: [...plan.notes, ...source.notes, ...sp.notes],
    },
  };
  const manifestPath = join(outDir, MANIFEST_FILE);
  const written = writeManifest(manifestPath, manifest);
  return {
    manifest: written,
    manifestPath,
    warnings: [...source.warnings, ...splitWarnings(sp.warnings, options)],
  };
}

/** With an explicit case selection most reference splits are incomplete by design: one summary line then. */
function splitWarnings(warnings: string[], options: PreprocessOptions): string[] {
  if (!options.cases || warnings.length <= 1) return warnings;
  const names = warnings.map((w) => /^split '([^']+)'/.exec(w)?.[1] ?? '?');
  return [
    `${names.length} reference splits left out because only the selected cases were preprocessed: ${names.join(', ')}`,
  ];
}

function readStep(source: DatasetSource): { op: string; [k: string]: unknown } {
  switch (source.task) {
    case 'la':
      return { op: 'read-h5', axes: 'xyz->zyx', image: 'float32', label: 'uint8' };
    case 'acdc':
      return { op: 'read-h5', axes: 'zyx (volumes), yx (slices)', image: 'float32', label: 'uint8' };
    default:
      return {
        op: 'read-nifti',
        axes: 'xyz->zyx (axes reversed, no reorientation, as SimpleITK GetArrayFromImage)',
        image: 'float32',
        label: 'uint8',
      };
  }
}
