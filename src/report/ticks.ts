/**
 * Axis ranges, tick positions and tick labels: "nice" linear ticks (steps of 1, 2 or 5 times a power of ten)
 * and decade ticks for logarithmic axes.
 */

/** An axis: the displayed range and the tick values inside it. */
export interface Axis {
  min: number;
  max: number;
  ticks: number[];
  /** Linear axes: the tick step; log axes: the ratio between consecutive ticks (10 or less). */
  step: number;
  log: boolean;
}

function niceStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/**
 * A linear axis covering [lo, hi], extended outwards to whole ticks, with at most about `maxTicks`
 * intervals. A degenerate range (lo == hi) is widened by 1 (or 10% of |lo|) on each side; non-finite input
 * gives the axis [0, 1].
 */
export function linearAxis(lo: number, hi: number, maxTicks = 6, snap = true): Axis {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return linearAxis(0, 1, maxTicks, snap);
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, maxTicks);
  const min = snap ? Math.floor(lo / step + 1e-9) * step : lo;
  const max = snap ? Math.ceil(hi / step - 1e-9) * step : hi;
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  for (let k = first; k * step <= max + step * 1e-9; k++) ticks.push(cleanZero(k * step));
  return { min, max, ticks, step, log: false };
}

function cleanZero(v: number): number {
  return Object.is(v, -0) ? 0 : Number.parseFloat(v.toPrecision(12));
}

/**
 * A base-10 logarithmic axis covering [lo, hi] (both > 0), extended to whole decades; ticks at each decade,
 * plus 2x and 5x when the range spans fewer than three decades. Non-positive or non-finite input gives the
 * axis [1, 10].
 */
export function logAxis(lo: number, hi: number): Axis {
  if (!(lo > 0) || !(hi > 0) || !Number.isFinite(lo) || !Number.isFinite(hi)) return logAxis(1, 10);
  if (lo > hi) [lo, hi] = [hi, lo];
  let e0 = Math.floor(Math.log10(lo) + 1e-9);
  let e1 = Math.ceil(Math.log10(hi) - 1e-9);
  if (e1 <= e0) {
    e0 = Math.floor(Math.log10(lo) + 1e-9);
    e1 = e0 + 1;
  }
  const ticks: number[] = [];
  const fine = e1 - e0 < 3;
  for (let e = e0; e <= e1; e++) {
    const base = cleanZero(10 ** e);
    ticks.push(base);
    if (fine && e < e1) ticks.push(cleanZero(2 * base), cleanZero(5 * base));
  }
  return { min: 10 ** e0, max: 10 ** e1, ticks, step: fine ? 2 : 10, log: true };
}

/**
 * A short label for a tick value: as many decimals as the step needs (`0.25`, `1.5`, `40`), exponent form
 * (`1e-4`, `2e+6`) for very small or large magnitudes; thousands keep all digits (`1500`).
 */
export function formatTick(v: number, axis: Pick<Axis, 'step' | 'log'>): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) {
    const [m, e] = v.toExponential().split('e');
    const mant = Number.parseFloat(Number.parseFloat(m!).toPrecision(3));
    return `${mant}e${e}`;
  }
  if (axis.log) return String(Number.parseFloat(v.toPrecision(6)));
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(axis.step) + 1e-9)));
  const extra = axis.step * 10 ** decimals;
  // Steps like 2.5 or 0.25 need one more digit than their magnitude.
  const d = Math.abs(extra - Math.round(extra)) > 1e-9 ? decimals + 1 : decimals;
  return v.toFixed(d);
}
