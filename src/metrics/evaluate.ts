/**
 * Per-case, per-class evaluation of label volumes and aggregation over cases and runs.
 *
 * A case is a prediction and a label volume (flat C-order `[D, H, W]` or `[H, W]`, Uint8 or Int32 labels,
 * same shape) plus the voxel spacing in mm. Each class `c` (1..C-1 by default) is binarised (`== c`) on both
 * sides; non-empty pairs get medpy-rule Dice, Jaccard, HD95 and ASD (ASD directed prediction -> label), empty
 * sides are scored by the named policy (`policy.ts`). Aggregates use numpy's conventions: arithmetic means and
 * population standard deviations (ddof 0); NaN propagates (no policy shipped here produces NaN).
 */

import {
  boxGrid,
  classBoxes,
  cropBinary,
  growBox,
  makeGrid,
  type Shape,
  type Spacing,
  unionBox,
} from './grid.ts';
import { classCounts, diceFromCounts, jaccardFromCounts } from './overlap.ts';
import {
  type ClassMetrics,
  type DistanceUnits,
  type EmptyCase,
  getPolicy,
  type MetricPolicy,
  type PolicyName,
} from './policy.ts';
import { asdFromDistances, hd95FromDistances, surfaceDistancesOnGrid } from './surface.ts';

/** One class of one case: the four metrics, plus which side was empty when the policy decided them. */
export interface ClassResult extends ClassMetrics {
  empty?: EmptyCase;
}

/** One case: its id and a result per class, keyed by the class index as a string. */
export interface CaseResult {
  case: string;
  classes: Record<string, ClassResult>;
}

/** Options of {@link evaluateCase} / {@link evaluateCases}. */
export interface EvaluateOptions {
  /** Number of classes C including background; labels outside 0..C-1 belong to no class. */
  numClasses: number;
  /** Voxel spacing in mm, one per shape axis (ignored by policies with `units: 'voxel'`); default 1. */
  spacing?: Spacing;
  /** Empty-mask policy (name or object); default `strict`. */
  policy?: PolicyName | MetricPolicy;
  /** Also evaluate class 0 (background); default false. Ignored when `classes` is given. */
  includeBackground?: boolean;
  /** Explicit list of class indices to evaluate. */
  classes?: readonly number[];
}

/** Mean or standard deviation of each metric, per class and over classes. */
export interface MetricTable {
  /** Per class, keyed by class index. */
  classes: Record<string, ClassMetrics>;
  /** Over foreground classes (index >= 1), the papers' "Average" column. */
  foreground: ClassMetrics;
  /** Over every evaluated class, background included; present only when class 0 was evaluated. */
  all?: ClassMetrics;
}

/** Evaluation of a set of cases under one policy (the content of `summary.json`). */
export interface EvaluationSummary {
  policy: string;
  units: DistanceUnits;
  classes: number[];
  cases: CaseResult[];
  /** Means over cases; `foreground`/`all` = mean over classes of the per-class means. */
  mean: MetricTable;
  /** Population std over cases; `foreground`/`all` = std over cases of each case's class mean. */
  std: MetricTable;
}

/** Aggregate of several runs (seeds/folds) of the same evaluation. */
export interface RunsSummary {
  policy: string;
  units: DistanceUnits;
  classes: number[];
  runs: number;
  /** Mean over runs of each run's means. */
  mean: MetricTable;
  /** Population std over runs of each run's means (0 for a single run), as the seeds' "±". */
  std: MetricTable;
}

const METRICS = ['dice', 'jaccard', 'hd95', 'asd'] as const;

function resolveClasses(options: EvaluateOptions): number[] {
  const C = options.numClasses;
  if (!Number.isInteger(C) || C < 1) throw new RangeError(`metrics: bad numClasses ${C}`);
  const list =
    options.classes ?? Array.from({ length: C }, (_, c) => c).slice(options.includeBackground ? 0 : 1);
  for (const c of list) {
    if (!Number.isInteger(c) || c < 0 || c >= C)
      throw new RangeError(`metrics: class ${c} not in 0..${C - 1}`);
  }
  return [...list];
}

/**
 * Evaluates one case.
 *
 * @param caseId - case identifier written into the result.
 * @param pred - predicted labels, flat C-order `[D, H, W]` (or `[H, W]`), Uint8Array/Int32Array.
 * @param label - ground-truth labels, same shape and layout.
 * @param shape - `[D, H, W]` or `[H, W]`.
 * @returns per-class `{dice, jaccard, hd95, asd}`: Dice/Jaccard as fractions, distances in mm (policy units
 *   `mm`, using `options.spacing`) or voxels (`voxel`); empty sides scored by the policy (which may throw).
 */
export function evaluateCase(
  caseId: string,
  pred: ArrayLike<number>,
  label: ArrayLike<number>,
  shape: Shape,
  options: EvaluateOptions,
): CaseResult {
  const policy = getPolicy(options.policy ?? 'strict');
  const classes = resolveClasses(options);
  const grid = policy.units === 'voxel' ? makeGrid(shape) : makeGrid(shape, options.spacing);
  if (options.spacing !== undefined) makeGrid(shape, options.spacing); // validate even when ignored
  if (pred.length !== grid.size || label.length !== grid.size) {
    throw new RangeError(
      `metrics: case ${caseId}: volumes have ${pred.length}/${label.length} voxels, shape needs ${grid.size}`,
    );
  }
  const C = options.numClasses;
  const counts = classCounts(pred, label, C);
  const pBoxes = classBoxes(pred, grid, C);
  const gBoxes = classBoxes(label, grid, C);
  const out: Record<string, ClassResult> = {};
  for (const c of classes) {
    const nP = counts.pred[c]!;
    const nG = counts.label[c]!;
    if (nP === 0 || nG === 0) {
      const kind: EmptyCase = nP === 0 && nG === 0 ? 'both' : nP === 0 ? 'pred' : 'label';
      out[String(c)] = { ...policy.empty(kind, grid, c), empty: kind };
      continue;
    }
    const box = growBox(unionBox(pBoxes[c]!, gBoxes[c]!)!, grid, 1);
    const cg = boxGrid(box, grid);
    const sd = surfaceDistancesOnGrid(cropBinary(pred, grid, box, c), cropBinary(label, grid, box, c), cg);
    const x = counts.intersection[c]!;
    out[String(c)] = {
      dice: diceFromCounts(x, nP, nG),
      jaccard: jaccardFromCounts(x, nP, nG),
      hd95: hd95FromDistances(sd),
      asd: asdFromDistances(sd),
    };
  }
  return { case: caseId, classes: out };
}

function meanOf(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length === 0 ? Number.NaN : s / xs.length;
}

function stdOf(xs: readonly number[]): number {
  const m = meanOf(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return xs.length === 0 ? Number.NaN : Math.sqrt(s / xs.length);
}

function reduce(rows: readonly ClassMetrics[], f: (xs: readonly number[]) => number): ClassMetrics {
  const r = { dice: 0, jaccard: 0, hd95: 0, asd: 0 };
  for (const k of METRICS) r[k] = f(rows.map((x) => x[k]));
  return r;
}

/** Per-case mean over a subset of classes. */
function caseClassMean(cr: CaseResult, classes: readonly number[]): ClassMetrics {
  return reduce(
    classes.map((c) => cr.classes[String(c)]!),
    meanOf,
  );
}

/**
 * Aggregates per-case results: per class mean and population std over cases; `foreground` (classes >= 1)
 * and, when class 0 is present, `all` = mean over classes of the per-class means, std over cases of the
 * per-case class means.
 *
 * @param cases - results of {@link evaluateCase}, all with the same classes.
 * @param policy - policy name to record; `units` the distance unit.
 */
export function summarize(
  cases: readonly CaseResult[],
  policy: string,
  units: DistanceUnits,
): EvaluationSummary {
  const first = cases[0];
  const classes = first === undefined ? [] : Object.keys(first.classes).map(Number);
  classes.sort((a, b) => a - b);
  const fg = classes.filter((c) => c >= 1);
  const mean: MetricTable = { classes: {}, foreground: reduce([], meanOf) };
  const std: MetricTable = { classes: {}, foreground: reduce([], meanOf) };
  for (const c of classes) {
    const rows = cases.map((cr) => {
      const r = cr.classes[String(c)];
      if (r === undefined) throw new RangeError(`metrics: case ${cr.case} lacks class ${c}`);
      return r;
    });
    mean.classes[String(c)] = reduce(rows, meanOf);
    std.classes[String(c)] = reduce(rows, stdOf);
  }
  const tables: [keyof Pick<MetricTable, 'foreground' | 'all'>, number[]][] = [['foreground', fg]];
  if (classes.includes(0)) tables.push(['all', classes]);
  for (const [key, subset] of tables) {
    mean[key] = reduce(
      subset.map((c) => mean.classes[String(c)]!),
      meanOf,
    );
    std[key] = reduce(
      cases.map((cr) => caseClassMean(cr, subset)),
      stdOf,
    );
  }
  return { policy, units, classes, cases: [...cases], mean, std };
}

/** One case to evaluate. */
export interface CaseInput {
  case: string;
  pred: ArrayLike<number>;
  label: ArrayLike<number>;
  shape: Shape;
}

/**
 * Evaluates several cases and aggregates them ({@link evaluateCase} then {@link summarize}).
 *
 * @returns the summary `{policy, units, classes, cases, mean, std}`; Dice/Jaccard as fractions.
 */
export function evaluateCases(items: Iterable<CaseInput>, options: EvaluateOptions): EvaluationSummary {
  const policy = getPolicy(options.policy ?? 'strict');
  const results: CaseResult[] = [];
  for (const it of items)
    results.push(evaluateCase(it.case, it.pred, it.label, it.shape, { ...options, policy }));
  return summarize(results, policy.name, policy.units);
}

/**
 * Aggregates runs (seeds or folds) of one evaluation as the seeds' scripts do: per class and over classes, the
 * mean over runs of the run means, and the population std over runs of the run means (0 for one run).
 *
 * @param runs - summaries with the same policy, units and classes.
 * @throws RangeError when the runs are empty or inconsistent.
 */
export function aggregateRuns(runs: readonly EvaluationSummary[]): RunsSummary {
  const first = runs[0];
  if (first === undefined) throw new RangeError('metrics: no runs to aggregate');
  for (const r of runs) {
    if (r.policy !== first.policy || r.units !== first.units || r.classes.join() !== first.classes.join()) {
      throw new RangeError('metrics: runs differ in policy, units or classes');
    }
  }
  const mean: MetricTable = { classes: {}, foreground: reduce([], meanOf) };
  const std: MetricTable = { classes: {}, foreground: reduce([], meanOf) };
  for (const c of first.classes) {
    const rows = runs.map((r) => r.mean.classes[String(c)]!);
    mean.classes[String(c)] = reduce(rows, meanOf);
    std.classes[String(c)] = reduce(rows, stdOf);
  }
  const keys: ('foreground' | 'all')[] =
    first.mean.all === undefined ? ['foreground'] : ['foreground', 'all'];
  for (const key of keys) {
    const rows = runs.map((r) => r.mean[key]!);
    mean[key] = reduce(rows, meanOf);
    std[key] = reduce(rows, stdOf);
  }
  return {
    policy: first.policy,
    units: first.units,
    classes: [...first.classes],
    runs: runs.length,
    mean,
    std,
  };
}
