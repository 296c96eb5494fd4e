/**
 * Evaluation of a directory of predicted label volumes against a directory of label volumes: pairing by case
 * id, checks (shapes, label values), spacing from the NIfTI headers, the metrics of `src/metrics` under a
 * named policy, `summary.json` and a Markdown table (the work behind `semiseg evaluate`).
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { IoError } from '../../io/index.ts';
import {
  aggregateRuns,
  type CaseResult,
  EmptyReferenceError,
  type EvaluationSummary,
  evaluateCase,
  formatClassTable,
  formatSummaryTable,
  getPolicy,
  type MetricPolicy,
  type PolicyName,
  summarize,
} from '../../metrics/index.ts';
import { type CasePair, checkLabels, pairVolumeFiles } from './label-volumes.ts';
import { readVolumeFile, type VolumeFile } from './volume-file.ts';

/** Options of {@link evaluateDirectories}. */
export interface EvaluateDirOptions {
  /** Directory of predicted label volumes (`.nii.gz`, `.nii`, `.npy`). */
  predDir: string;
  /** Directory of label volumes with the same case ids. */
  gtDir: string;
  /** Number of classes C with background; default `classNames.length + 1`, else the largest label + 1. */
  numClasses?: number;
  /** Names of the foreground classes 1..C-1, for the table columns. */
  classNames?: readonly string[];
  /** Voxel size in mm in the files' x, y, z order (NIfTI order; for npy the last axis is x). Default: the
   * label's NIfTI header (or the prediction's when the label is npy); npy pairs without it are in voxels. */
  spacing?: readonly number[];
  /** Empty-mask policy (`src/metrics`); default `strict`. */
  policy?: PolicyName;
  /** Allow labels without prediction (evaluate the predicted cases only); default false. */
  predSubset?: boolean;
  /** Method name in the table; default the prediction directory's name. */
  method?: string;
  /** Called after each case (for progress output). */
  onCase?: (done: number, total: number, caseId: string) => void;
}

/** One evaluated case in `summary.json`: its files, grid and per-class metrics. */
export interface DirCaseResult extends CaseResult {
  pred: string;
  label: string;
  /** `[D, H, W]` (or `[H, W]`). */
  shape: number[];
  /** Spacing used, mm, in `shape`'s axis order; null when distances are in voxels. */
  spacing: number[] | null;
}

/** `summary.json`: the metrics summary plus where the volumes came from. */
export interface DirSummary extends EvaluationSummary {
  numClasses: number;
  classNames: Record<string, string> | null;
  predDir: string;
  gtDir: string;
  cases: DirCaseResult[];
}

/** Result of {@link evaluateDirectories}. */
export interface DirEvaluation {
  summary: DirSummary;
  /** Markdown: a header line, the average-metrics table and the per-class Dice table (percentages). */
  markdown: string;
}

function spacingOf(
  pred: VolumeFile,
  label: VolumeFile,
  flag: readonly number[] | undefined,
): number[] | null {
  if (flag !== undefined) {
    if (flag.length !== label.shape.length) {
      throw new IoError(
        label.path,
        `has ${label.shape.length} axes but ${flag.length} spacing values were given`,
        `${label.shape.length} spacing values (x, y${label.shape.length === 3 ? ', z' : ''})`,
      );
    }
    return [...flag].reverse();
  }
  return label.spacing ?? pred.spacing;
}

function checkPair(pred: VolumeFile, label: VolumeFile): void {
  if (label.shape.length < 1 || label.shape.length > 3) {
    throw new IoError(label.path, `has shape [${label.shape.join(', ')}]`, 'a 2D or 3D label volume');
  }
  if (pred.shape.join() !== label.shape.join()) {
    throw new IoError(
      pred.path,
      `has shape [${pred.shape.join(', ')}] but its label ${label.path} has [${label.shape.join(', ')}]`,
      'the label volume shape (C order, NIfTI axes reversed)',
    );
  }
}

async function largestLabel(pairs: readonly CasePair[]): Promise<number> {
  let max = 0;
  for (const p of pairs) {
    for (const path of [p.pred, p.label]) {
      const v = await readVolumeFile(path);
      max = Math.max(max, checkLabels(v.data, path, undefined, v.shape).max);
    }
  }
  return max;
}

function hasGeometry(p: CasePair): boolean {
  return !p.pred.endsWith('.npy') || !p.label.endsWith('.npy');
}

/** The policy, switched to voxel units when no case has a spacing; throws when only some have one. */
function resolvePolicy(name: PolicyName, pairs: readonly CasePair[], flagged: boolean): MetricPolicy {
  const policy = getPolicy(name);
  if (policy.units === 'voxel' || flagged) return policy;
  const without = pairs.filter((p) => !hasGeometry(p));
  if (without.length === 0) return policy;
  if (without.length === pairs.length) return { ...policy, units: 'voxel' };
  throw new IoError(
    without[0]!.label,
    `has no voxel spacing (npy) while other cases take theirs from NIfTI headers`,
    'all cases with spacing or none (or --spacing)',
  );
}

/**
 * Evaluates every prediction in `predDir` against the label of the same case id in `gtDir`.
 *
 * Volumes are `[D, H, W]` (or `[H, W]`) label maps of any integer or integral float type. Per foreground
 * class: Dice and Jaccard as fractions, HD95 and ASD in mm (policy `strict` with NIfTI spacing or `spacing`)
 * or in voxels (reference policies, or npy volumes without `spacing`).
 *
 * @returns the summary (`summary.json` content) and its Markdown tables.
 * @throws IoError (one line naming the file and what was expected) for a missing or empty directory, unpaired
 *   files, unreadable volumes, shape mismatches, labels outside `0..C-1`, a spacing of the wrong length, or
 *   (policy `reference-cml`) a class predicted but absent from the label; RangeError for bad options.
 */
export async function evaluateDirectories(options: EvaluateDirOptions): Promise<DirEvaluation> {
  const pairs = pairVolumeFiles(options.predDir, options.gtDir, options.predSubset ?? false);
  const names = options.classNames;
  let numClasses = options.numClasses ?? (names ? names.length + 1 : undefined);
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 2)) {
    throw new RangeError(`evaluate: the number of classes must be an integer >= 2, got ${numClasses}`);
  }
  if (names !== undefined && numClasses !== undefined && names.length !== numClasses - 1) {
    throw new RangeError(`evaluate: ${names.length} class names for ${numClasses - 1} foreground classes`);
  }
  numClasses ??= Math.max(2, (await largestLabel(pairs)) + 1);
  const policy = resolvePolicy(options.policy ?? 'strict', pairs, options.spacing !== undefined);
  const cases: DirCaseResult[] = [];
  for (const p of pairs) {
    const pred = await readVolumeFile(p.pred);
    const label = await readVolumeFile(p.label);
    checkPair(pred, label);
    const pv = checkLabels(pred.data, p.pred, numClasses, pred.shape).labels;
    const lv = checkLabels(label.data, p.label, numClasses, label.shape).labels;
    const spacing = policy.units === 'voxel' ? null : spacingOf(pred, label, options.spacing);
    let result: CaseResult;
    try {
      result = evaluateCase(p.case, pv, lv, label.shape, {
        numClasses,
        policy,
        ...(spacing ? { spacing } : {}),
      });
    } catch (err) {
      if (err instanceof EmptyReferenceError) {
        throw new IoError(
          p.pred,
          err.message.replace(/^metrics: /, ''),
          `a label ${p.label} with that class`,
        );
      }
      throw err;
    }
    cases.push({
      case: p.case,
      pred: basename(p.pred),
      label: basename(p.label),
      shape: label.shape,
      spacing,
      classes: result.classes,
    });
    options.onCase?.(cases.length, pairs.length, p.case);
  }
  const base = summarize(cases, policy.name, policy.units);
  const classNames = names ? Object.fromEntries(names.map((n, i) => [String(i + 1), n])) : null;
  const summary: DirSummary = {
    policy: base.policy,
    units: base.units,
    numClasses,
    classes: base.classes,
    classNames,
    predDir: resolve(options.predDir),
    gtDir: resolve(options.gtDir),
    cases,
    mean: base.mean,
    std: base.std,
  };
  return { summary, markdown: markdownOf(summary, options.method ?? basename(resolve(options.predDir))) };
}

function markdownOf(summary: DirSummary, method: string): string {
  const row = { method, result: aggregateRuns([summary]) };
  const names = summary.classNames ?? undefined;
  const head =
    `Evaluation of ${summary.cases.length} case(s), policy \`${summary.policy}\`, distances in ` +
    `${summary.units === 'mm' ? 'mm' : 'voxels'}; Dice and Jaccard in %, means over cases.`;
  return [
    head,
    '',
    formatSummaryTable([row]).trimEnd(),
    '',
    formatClassTable([row], { showStd: false, ...(names ? { classNames: names } : {}) }).trimEnd(),
    '',
  ].join('\n');
}

/**
 * Writes `summary.json` (2-space JSON; non-finite numbers become null) and `summary.md` into `outDir`
 * (created if needed).
 *
 * @returns the two paths.
 * @throws IoError when the directory or files cannot be written.
 */
export function writeEvaluation(
  outDir: string,
  evaluation: DirEvaluation,
): { json: string; markdown: string } {
  const json = join(outDir, 'summary.json');
  const markdown = join(outDir, 'summary.md');
  try {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(json, `${JSON.stringify(evaluation.summary, null, 2)}\n`);
    writeFileSync(markdown, evaluation.markdown);
  } catch (err) {
    throw new IoError(
      outDir,
      `cannot be written (${(err as Error).message.split('\n')[0]})`,
      'a writable directory',
    );
  }
  return { json, markdown };
}
