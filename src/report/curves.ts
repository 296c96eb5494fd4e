/**
 * Training curves from a run's `metrics.jsonl` (written by `src/engine/run-folder.ts`): per-iteration loss
 * records `{type: 'step', epoch, iteration, lr, lambda, total, sup_A, ...}` and per-epoch validation records
 * `{type: 'val', epoch, score, perClass, best}` (Dice as fractions, `perClass[k]` is class k + 1).
 */

import { readFileSync } from 'node:fs';
import { linePlot } from './plot.ts';

/** One training step: its position, schedule values and the scalar losses by name. */
export interface StepRecord {
  epoch: number;
  iteration: number;
  lr: number;
  lambda: number;
  /** Scalar losses (`total`, `sup_A`, ...); a loss written as `null` (JSON for NaN) is NaN here. */
  losses: Record<string, number>;
}

/** One validation: mean foreground Dice and Dice per foreground class (fractions). */
export interface ValRecord {
  epoch: number;
  score: number;
  perClass: number[];
  best: boolean;
}

/** The curves of one run, steps sorted by iteration and validations by epoch. */
export interface RunCurves {
  steps: StepRecord[];
  vals: ValRecord[];
  /** Names of the scalar losses in first-seen order (`total` first when present). */
  lossNames: string[];
}

/** Step-record fields that are not losses. */
const NOT_LOSSES = new Set(['type', 'epoch', 'iteration', 'lr', 'lambda', 'seconds', 'skipped']);

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/**
 * Parses the text of a `metrics.jsonl`. Lines that are empty, not JSON (a line cut by a kill) or of another
 * type are ignored; array-valued fields (class weights) are not losses. Empty text gives empty curves.
 */
export function parseMetricsJsonl(text: string): RunCurves {
  const steps: StepRecord[] = [];
  const vals: ValRecord[] = [];
  const names: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (r === null || typeof r !== 'object') continue;
    if (r.type === 'step') {
      const losses: Record<string, number> = {};
      for (const [k, v] of Object.entries(r)) {
        if (NOT_LOSSES.has(k) || !(typeof v === 'number' || v === null)) continue;
        losses[k] = num(v);
        if (!names.includes(k)) names.push(k);
      }
      steps.push({
        epoch: num(r.epoch),
        iteration: num(r.iteration),
        lr: num(r.lr),
        lambda: num(r.lambda),
        losses,
      });
    } else if (r.type === 'val') {
      const per = Array.isArray(r.perClass) ? r.perClass.map(num) : [];
      vals.push({ epoch: num(r.epoch), score: num(r.score), perClass: per, best: r.best === true });
    }
  }
  steps.sort((a, b) => a.iteration - b.iteration);
  vals.sort((a, b) => a.epoch - b.epoch);
  const lossNames = names.includes('total') ? ['total', ...names.filter((n) => n !== 'total')] : names;
  return { steps, vals, lossNames };
}

/** Reads and parses a `metrics.jsonl` file (see {@link parseMetricsJsonl}); throws if it cannot be read. */
export function readMetricsJsonl(path: string): RunCurves {
  return parseMetricsJsonl(readFileSync(path, 'utf8'));
}

/**
 * The best validation: the last record flagged `best` (the trainer's own choice), else the highest finite
 * score (first on ties); null without validations.
 */
export function bestValidation(curves: RunCurves): ValRecord | null {
  const flagged = curves.vals.filter((v) => v.best);
  if (flagged.length > 0) return flagged.at(-1)!;
  let best: ValRecord | null = null;
  for (const v of curves.vals)
    if (Number.isFinite(v.score) && (best === null || v.score > best.score)) best = v;
  return best;
}

/** The default smoothing weight for n points: 0.9 over 200, 0.6 over 20, else none. */
export function defaultSmoothing(n: number): number {
  return n > 200 ? 0.9 : n > 20 ? 0.6 : 0;
}

/**
 * Loss curves: one series per scalar loss against the global iteration, EMA-smoothed over a faint raw line
 * (weight `smooth`, default {@link defaultSmoothing}). No steps give a "no data" plot.
 */
export function lossPlot(curves: RunCurves, title: string, smooth?: number): Buffer {
  const x = curves.steps.map((s) => s.iteration);
  return linePlot({
    title,
    xLabel: 'iteration',
    yLabel: 'loss',
    smooth: smooth ?? defaultSmoothing(x.length),
    series: curves.lossNames.map((name) => ({
      name,
      x,
      y: curves.steps.map((s) => s.losses[name] ?? Number.NaN),
    })),
  });
}

/** Mean validation Dice (%) per epoch, one series per run, y from 0 to 100. */
export function validationPlot(runs: readonly { name: string; curves: RunCurves }[], title: string): Buffer {
  return linePlot({
    title,
    xLabel: 'epoch',
    yLabel: 'Dice (%)',
    yRange: [0, 100],
    series: runs.map((r) => ({
      name: r.name,
      x: r.curves.vals.map((v) => v.epoch),
      y: r.curves.vals.map((v) => v.score * 100),
    })),
  });
}

/**
 * Validation Dice (%) per foreground class of one run; class k + 1 is named `classNames[k + 1]` (else its
 * index).
 */
export function classValidationPlot(
  curves: RunCurves,
  title: string,
  classNames: Readonly<Record<number, string>> = {},
): Buffer {
  const n = Math.max(0, ...curves.vals.map((v) => v.perClass.length));
  const x = curves.vals.map((v) => v.epoch);
  return linePlot({
    title,
    xLabel: 'epoch',
    yLabel: 'Dice (%)',
    yRange: [0, 100],
    height: Math.max(450, 200 + 20 * n),
    series: Array.from({ length: n }, (_, k) => ({
      name: classNames[k + 1] ?? String(k + 1),
      x,
      y: curves.vals.map((v) => (v.perClass[k] ?? Number.NaN) * 100),
    })),
  });
}
