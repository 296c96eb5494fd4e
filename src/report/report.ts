/**
 * The report of an experiment: `report.md` and `report.html` (same content), the result tables also as
 * `results.csv` and `results.json`, and the images under `images/`.
 *
 * Layout of the output folder:
 * ```
 * outDir/report.md      Markdown; images referenced as images/NAME.png
 * outDir/report.html    one self-contained page (inline CSS); images referenced the same way, or embedded as
 *                       base64 data URLs with `inlineImages: true` (then the page alone is enough)
 * outDir/results.csv    method,runs,policy,units,class,name,metric,mean,std (Dice/Jaccard as fractions)
 * outDir/results.json   {title, classNames, methods: [{name, summary}]} with each method's RunsSummary
 *                       (non-finite numbers become null, as JSON has no NaN)
 * outDir/images/        loss-*.png, val-dice.png, val-classes-*.png, overlay-*.png
 * ```
 * Files of an earlier report in the same folder are overwritten; images it no longer produces are left.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aggregateRuns, type EvaluationSummary, type RunsSummary } from '../metrics/evaluate.ts';
import type { ClassMetrics } from '../metrics/policy.ts';
import { formatClassTable, formatSummaryTable, type TableRow } from '../metrics/table.ts';
import {
  bestValidation,
  classValidationPlot,
  lossPlot,
  type RunCurves,
  readMetricsJsonl,
  validationPlot,
} from './curves.ts';
import { type Block, renderHtml, renderMarkdown } from './doc.ts';

/** An evaluation summary from `src/metrics`: one evaluation, several runs of it, or their aggregate. */
export type AnySummary = EvaluationSummary | RunsSummary | readonly EvaluationSummary[];

/** One method (or run) of the report. */
export interface ReportRun {
  /** Row name in the tables and legend name in the plots (`|` is escaped in tables). */
  name: string;
  /** Path of the run's `metrics.jsonl`: gives the loss and validation curves. */
  metricsJsonl?: string;
  /** Evaluation result: gives the table rows. Several summaries are aggregated with `aggregateRuns`. */
  summary?: AnySummary;
}

/** Options of {@link writeReport}. */
export interface ReportOptions {
  /** Output folder (created if missing). */
  outDir: string;
  title: string;
  runs: readonly ReportRun[];
  /** Class names by class index (0 = background), e.g. `['bg', 'spleen', 'r. kidney']`; default the index. */
  classNames?: readonly string[] | Readonly<Record<number, string>>;
  /** Ready-made overlay images (see `overlayPng`), shown in order with their captions. */
  overlays?: readonly { caption: string; png: Uint8Array }[];
  /** Free-text notes listed at the end (Markdown inline `code` and **bold** allowed). */
  notes?: readonly string[];
  /** Embed the images in the HTML as base64 instead of referencing the files (default false). */
  inlineImages?: boolean;
  /** EMA weight of the loss curves (default: by number of steps, see `defaultSmoothing`). */
  smooth?: number;
}

/** Paths written by {@link writeReport} (absolute when `outDir` is). */
export interface ReportFiles {
  markdown: string;
  html: string;
  csv: string;
  json: string;
  /** Every image written, in report order. */
  images: string[];
}

/** Turns any summary form into a {@link RunsSummary} (one evaluation = one run, std 0). */
export function toRunsSummary(s: AnySummary): RunsSummary {
  if (Array.isArray(s)) return aggregateRuns(s as readonly EvaluationSummary[]);
  const one = s as EvaluationSummary | RunsSummary;
  return 'runs' in one && typeof one.runs === 'number' ? one : aggregateRuns([one as EvaluationSummary]);
}

function namesRecord(names: ReportOptions['classNames']): Record<number, string> {
  const out: Record<number, string> = {};
  if (names === undefined) return out;
  for (const [k, v] of Object.entries(names)) if (typeof v === 'string') out[Number(k)] = v;
  return out;
}

/** File-name stem from a run name: lower-case letters, digits and dashes, unique among `used`. */
function slug(name: string, used: Set<string>): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'run';
  let s = base;
  for (let k = 2; used.has(s); k++) s = `${base}-${k}`;
  used.add(s);
  return s;
}

const pct = (x: number) => (Number.isFinite(x) ? (x * 100).toFixed(2) : String(x));

/** `results.csv`: one line per method, class (or `avg` over foreground classes) and metric. */
export function resultsCsv(rows: readonly TableRow[], names: Readonly<Record<number, string>>): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['method,runs,policy,units,class,name,metric,mean,std'];
  const metrics: (keyof ClassMetrics)[] = ['dice', 'jaccard', 'hd95', 'asd'];
  for (const { method, result: r } of rows) {
    const entries: [string, string, ClassMetrics, ClassMetrics][] = [
      ['avg', 'foreground', r.mean.foreground, r.std.foreground],
    ];
    for (const c of r.classes) {
      entries.push([String(c), names[c] ?? String(c), r.mean.classes[String(c)]!, r.std.classes[String(c)]!]);
    }
    for (const [c, name, mean, std] of entries) {
      for (const m of metrics) {
        lines.push([q(method), r.runs, q(r.policy), r.units, c, q(name), m, mean[m], std[m]].join(','));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Builds the report's blocks and images without writing anything (see {@link writeReport}).
 *
 * @returns the blocks, the images by relative path (`images/NAME.png`) and the table rows.
 */
export function buildReport(options: ReportOptions): {
  blocks: Block[];
  images: Map<string, Buffer>;
  rows: TableRow[];
} {
  const names = namesRecord(options.classNames);
  const blocks: Block[] = [{ kind: 'heading', level: 1, text: options.title }];
  const images = new Map<string, Buffer>();
  const used = new Set<string>();
  const slugs = options.runs.map((r) => slug(r.name, used));
  const addImage = (file: string, png: Buffer, caption: string) => {
    const path = `images/${file}`;
    images.set(path, png);
    blocks.push({ kind: 'image', path, caption });
  };

  // Result tables.
  const rows: TableRow[] = options.runs
    .filter((r) => r.summary !== undefined)
    .map((r) => ({ method: r.name, result: toRunsSummary(r.summary!) }));
  // Markdown cells: a literal bar in a method name is escaped.
  const cells = rows.map((r) => ({ method: r.method.replace(/\|/g, '\\|'), result: r.result }));
  blocks.push({ kind: 'heading', level: 2, text: 'Results' });
  if (rows.length === 0) {
    blocks.push({ kind: 'paragraph', text: 'No evaluation results were given.' });
  } else {
    const first = rows[0]!.result;
    const showStd = rows.some((r) => r.result.runs > 1);
    const counts = rows.map((r) => `${r.method} ${r.result.runs}`).join(', ');
    const runsText = showStd
      ? `Averages are mean±std over runs (population std of the run means; one run gives ±0); runs: ${counts}.`
      : 'Each method has one run.';
    blocks.push({
      kind: 'paragraph',
      text: `Dice in %, distances in ${first.units}, empty masks scored by the \`${first.policy}\` policy. ${runsText}`,
    });
    blocks.push({ kind: 'heading', level: 3, text: 'Per-class Dice (%)' });
    blocks.push({ kind: 'table', markdown: formatClassTable(cells, { classNames: names, showStd }) });
    blocks.push({ kind: 'heading', level: 3, text: `Per-class ASD (${first.units})` });
    blocks.push({
      kind: 'table',
      markdown: formatClassTable(cells, { classNames: names, showStd, perClass: 'asd', classDigits: 2 }),
    });
    blocks.push({ kind: 'heading', level: 3, text: 'Averages over foreground classes' });
    blocks.push({ kind: 'table', markdown: formatSummaryTable(cells, showStd) });
  }

  // Curves.
  const curves: { name: string; slug: string; curves: RunCurves }[] = [];
  options.runs.forEach((r, i) => {
    if (r.metricsJsonl !== undefined) {
      curves.push({ name: r.name, slug: slugs[i]!, curves: readMetricsJsonl(r.metricsJsonl) });
    }
  });
  if (curves.length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Training' });
    const withVal = curves.filter((c) => c.curves.vals.length > 0);
    if (withVal.length > 0) {
      addImage('val-dice.png', validationPlot(withVal, 'Validation Dice'), 'Mean validation Dice per epoch.');
    }
    for (const c of curves) {
      blocks.push({ kind: 'heading', level: 3, text: c.name });
      const { steps, vals } = c.curves;
      const epochs = new Set(steps.map((s) => s.epoch)).size;
      const best = bestValidation(c.curves);
      const parts = [`${steps.length} training steps over ${epochs} epochs`, `${vals.length} validations`];
      if (best !== null) parts.push(`best validation Dice ${pct(best.score)}% at epoch ${best.epoch}`);
      blocks.push({ kind: 'paragraph', text: `${parts.join('; ')}.` });
      if (steps.length > 0) {
        addImage(
          `loss-${c.slug}.png`,
          lossPlot(c.curves, `Loss: ${c.name}`, options.smooth),
          `Training losses of ${c.name} per iteration.`,
        );
      }
      if (vals.some((v) => v.perClass.length > 1)) {
        addImage(
          `val-classes-${c.slug}.png`,
          classValidationPlot(c.curves, `Validation Dice per class: ${c.name}`, names),
          `Validation Dice per class of ${c.name}.`,
        );
      }
    }
  }

  // Overlays and notes.
  if ((options.overlays ?? []).length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Examples' });
    options.overlays!.forEach((o, i) => {
      addImage(`overlay-${i + 1}.png`, Buffer.from(o.png), o.caption);
    });
  }
  if ((options.notes ?? []).length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Notes' });
    blocks.push({ kind: 'list', items: [...options.notes!] });
  }
  return { blocks, images, rows };
}

/**
 * Writes the report of some runs into `outDir`: the result tables in the papers' layout (methods as rows;
 * Avg Dice, Avg ASD, then per-class Dice; the same with per-class ASD; and the CML-style averages), the
 * mean validation Dice of all runs per epoch, each run's loss curves and per-class validation Dice, the
 * overlays and the notes. Runs without a summary add no table row; runs without `metricsJsonl` no curves;
 * with neither the report still has its title and says that no results were given.
 *
 * @returns the paths of the files written.
 * @throws when a metrics file cannot be read, or when table rows differ in classes or distance units.
 */
export function writeReport(options: ReportOptions): ReportFiles {
  const { blocks, images, rows } = buildReport(options);
  const dir = options.outDir;
  mkdirSync(join(dir, 'images'), { recursive: true });
  const written: string[] = [];
  for (const [rel, png] of images) {
    const p = join(dir, rel);
    writeFileSync(p, png);
    written.push(p);
  }
  const files: ReportFiles = {
    markdown: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
    csv: join(dir, 'results.csv'),
    json: join(dir, 'results.json'),
    images: written,
  };
  writeFileSync(files.markdown, renderMarkdown(blocks));
  writeFileSync(files.html, renderHtml(options.title, blocks, options.inlineImages ? images : undefined));
  const names = namesRecord(options.classNames);
  writeFileSync(files.csv, resultsCsv(rows, names));
  const json = {
    title: options.title,
    classNames: names,
    methods: rows.map((r) => ({ name: r.method, summary: r.result })),
  };
  writeFileSync(files.json, `${JSON.stringify(json, null, 2)}\n`);
  return files;
}
