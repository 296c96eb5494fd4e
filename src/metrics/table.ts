/**
 * Markdown tables in the layout of the papers' tables.
 *
 * - {@link formatClassTable}: DHC/SKCDF layout, `|Method|Avg Dice|Avg ASD|Sp|RK|...|`: average Dice (%) and
 *   average distance as `mean±std` over runs (2 decimals), then the per-class Dice (%) means (1 decimal).
 * - {@link formatSummaryTable}: CML layout, `|Method|Dice (%)|Jaccard (%)|95HD (voxel)|ASD (voxel)|` with the
 *   foreground averages.
 *
 * Dice and Jaccard are stored as fractions and printed as percentages; distances are printed in the summary's
 * unit (mm or voxel). Non-finite values print as `nan`/`inf` (numpy's spelling).
 */

import type { RunsSummary } from './evaluate.ts';
import type { ClassMetrics } from './policy.ts';

/** One table row: a method name and its aggregate over runs (`aggregateRuns`, one run gives std 0). */
export interface TableRow {
  method: string;
  result: RunsSummary;
}

/** Options of {@link formatClassTable}. */
export interface ClassTableOptions {
  /** Column names per class index (e.g. `{1: 'Sp', 2: 'RK'}`); default the class index. */
  classNames?: Readonly<Record<number, string>>;
  /** Distance shown in the second average column; default `asd`. */
  distance?: 'asd' | 'hd95';
  /** Metric shown per class; default `dice`. */
  perClass?: keyof ClassMetrics;
  /** Append `±std` to the averages; default true (the Synapse tables), false for means only (AMOS). */
  showStd?: boolean;
  /** Decimals of the averages (default 2) and of the per-class columns (default 1). */
  digits?: number;
  classDigits?: number;
}

function num(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return x.toFixed(digits);
}

const PERCENT: Readonly<Record<keyof ClassMetrics, boolean>> = {
  dice: true,
  jaccard: true,
  hd95: false,
  asd: false,
};

function scaled(m: keyof ClassMetrics, x: number): number {
  return PERCENT[m] ? x * 100 : x;
}

function cell(r: RunsSummary, m: keyof ClassMetrics, digits: number, showStd: boolean): string {
  const mean = num(scaled(m, r.mean.foreground[m]), digits);
  return showStd ? `${mean}±${num(scaled(m, r.std.foreground[m]), digits)}` : mean;
}

function label(m: keyof ClassMetrics): string {
  return { dice: 'Dice', jaccard: 'Jaccard', hd95: 'HD95', asd: 'ASD' }[m];
}

/**
 * Per-class table in the DHC layout.
 *
 * @param rows - methods in display order; all must have the same foreground classes.
 * @returns Markdown with a header, the separator line and one line per method (trailing newline).
 */
export function formatClassTable(rows: readonly TableRow[], options: ClassTableOptions = {}): string {
  const dist = options.distance ?? 'asd';
  const per = options.perClass ?? 'dice';
  const showStd = options.showStd ?? true;
  const digits = options.digits ?? 2;
  const classDigits = options.classDigits ?? 1;
  const first = rows[0];
  const classes = first === undefined ? [] : first.result.classes.filter((c) => c >= 1);
  for (const r of rows) {
    if (r.result.classes.filter((c) => c >= 1).join() !== classes.join()) {
      throw new RangeError(`metrics: table row ${r.method} has different classes`);
    }
  }
  const names = classes.map((c) => options.classNames?.[c] ?? String(c));
  const header = ['Method', `Avg ${label('dice')}`, `Avg ${label(dist)}`, ...names];
  const lines = [`|${header.join('|')}|`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const res = r.result;
    const cells = [
      r.method,
      cell(res, 'dice', digits, showStd),
      cell(res, dist, digits, showStd),
      ...classes.map((c) => num(scaled(per, res.mean.classes[String(c)]![per]), classDigits)),
    ];
    lines.push(`|${cells.join('|')}|`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Average-metrics table in the CML layout: Dice (%), Jaccard (%), 95HD and ASD over foreground classes.
 *
 * @param rows - methods in display order.
 * @param showStd - append `±std` over runs (default false: the CML tables print means).
 * @returns Markdown with a trailing newline; the distance unit in the header comes from the first row.
 */
export function formatSummaryTable(rows: readonly TableRow[], showStd = false, digits = 2): string {
  const unit = rows[0]?.result.units ?? 'voxel';
  const header = ['Method', 'Dice (%)', 'Jaccard (%)', `95HD (${unit})`, `ASD (${unit})`];
  const lines = [`|${header.join('|')}|`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) {
    if (r.result.units !== unit)
      throw new RangeError(`metrics: table row ${r.method} is in ${r.result.units}`);
    const ms: (keyof ClassMetrics)[] = ['dice', 'jaccard', 'hd95', 'asd'];
    lines.push(`|${[r.method, ...ms.map((m) => cell(r.result, m, digits, showStd))].join('|')}|`);
  }
  return `${lines.join('\n')}\n`;
}
