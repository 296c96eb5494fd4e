/**
 * Line plots rendered to PNG with the built-in canvas and font: title, axis labels, ticks with grid lines,
 * one coloured line per series (optionally EMA-smoothed over a faint raw line), markers on short series and a
 * legend placed in the corner of the plot area that hides the fewest data points.
 */

import { Canvas } from './canvas.ts';
import { type Color, lighten, seriesColor, toColor } from './colors.ts';
import { LINE_HEIGHT, textWidth } from './font.ts';
import { type Axis, formatTick, linearAxis, logAxis } from './ticks.ts';

/** One line: points `(x[i], y[i])`; points with a non-finite coordinate are skipped (the line breaks). */
export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** `#rrggbb` or a colour tuple; default the i-th {@link seriesColor}. */
  color?: string | Color;
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions {
  series: readonly Series[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Image size in pixels (default 720 x 450). */
  width?: number;
  height?: number;
  /** Logarithmic y axis; points with y <= 0 are then skipped. */
  logY?: boolean;
  /** Fixed axis ranges (default: the data's range, extended to whole ticks). */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  /**
   * EMA smoothing weight in [0, 1) (TensorBoard's "smoothing", debiased): the raw line is drawn faintly and the
   * smoothed line over it. 0 or absent: no smoothing.
   */
  smooth?: number;
  /** Dots at the points: default when a series has at most 40 finite points. */
  markers?: boolean;
  /** Line width in pixels (default 2). */
  lineWidth?: number;
  /** Font magnification (default 2 for images at least 560 px wide, else 1). */
  textScale?: number;
  /** Legend placement: `auto` (default; hidden for one unnamed series) or `none`. */
  legend?: 'auto' | 'none';
}

/** Where the plot area is and how data maps onto it. */
export interface PlotFrame {
  /** Pixel columns/rows of the plot area's border (inclusive): data x.min maps to `left`, y.min to `bottom`. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  x: Axis;
  y: Axis;
  /** Data to pixel coordinates (fractional; round for the pixel). Log axes map log10 linearly. */
  toPx(x: number, y: number): [number, number];
  /** The legend box `[x, y, w, h]`, or null when none was drawn. */
  legend: [number, number, number, number] | null;
}

const AXIS: Color = [60, 60, 60];
const GRID: Color = [228, 228, 228];
const TEXT: Color = [20, 20, 20];

/**
 * Exponential moving average with TensorBoard's debiasing: `s_t = w s_{t-1} + (1 - w) y_t`, divided by
 * `1 - w^n` after n finite values. Non-finite inputs give NaN at their index and do not update the state.
 */
export function smoothEma(y: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(y.length);
  let s = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) {
      out[i] = Number.NaN;
      continue;
    }
    s = weight * s + (1 - weight) * v;
    n++;
    out[i] = weight === 0 ? v : s / (1 - weight ** n);
  }
  return out;
}

function finitePoints(s: Series, logY: boolean): number {
  let n = 0;
  const len = Math.min(s.x.length, s.y.length);
  for (let i = 0; i < len; i++) if (usable(s.x[i]!, s.y[i]!, logY)) n++;
  return n;
}

function usable(x: number, y: number, logY: boolean): boolean {
  return Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0);
}

function dataRange(series: readonly Series[], logY: boolean): [number, number, number, number] | null {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const s of series) {
    const len = Math.min(s.x.length, s.y.length);
    for (let i = 0; i < len; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      if (!usable(x, y, logY)) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return x0 <= x1 ? [x0, x1, y0, y1] : null;
}

/**
 * Renders a line plot onto a canvas and returns it with the frame (for callers that draw more or test
 * pixel positions). See {@link linePlot}.
 */
export function renderLinePlot(options: LinePlotOptions): {
  canvas: Canvas;
  frame: PlotFrame;
  empty: boolean;
} {
  const W = options.width ?? 720;
  const H = options.height ?? 450;
  const s = options.textScale ?? (W >= 560 ? 2 : 1);
  const logY = options.logY ?? false;
  const lw = options.lineWidth ?? 2;
  const series = options.series;
  const range = dataRange(series, logY);
  const xr = options.xRange ?? (range ? [range[0], range[1]] : [0, 1]);
  const yr = options.yRange ?? (range ? [range[2], range[3]] : logY ? [1, 10] : [0, 1]);
  const x = linearAxis(xr[0], xr[1], Math.max(2, Math.floor(W / 120)), options.xRange === undefined);
  const y = logY
    ? logAxis(yr[0], yr[1])
    : linearAxis(yr[0], yr[1], Math.max(2, Math.floor(H / 70)), !options.yRange);
  const yLabels = y.ticks.map((v) => formatTick(v, y));
  const xLabels = x.ticks.map((v) => formatTick(v, x));
  const lh = LINE_HEIGHT * s;
  const pad = 4 * s;
  const tick = 3 * s;
  const top = pad + (options.title ? lh + pad : 0) + Math.ceil(lh / 2);
  const left =
    pad +
    (options.yLabel ? lh + pad : 0) +
    Math.max(0, ...yLabels.map((l) => textWidth(l, s))) +
    tick +
    2 * s;
  const bottom = H - 1 - (pad + (options.xLabel ? lh + pad : 0) + lh + tick + s);
  const right = W - 1 - pad - Math.ceil(textWidth(xLabels.at(-1) ?? '', s) / 2);
  if (right - left < 10 || bottom - top < 10) throw new RangeError(`plot: ${W}x${H} is too small`);
  const ty = (v: number) => (y.log ? Math.log10(v) : v);
  const toPx = (vx: number, vy: number): [number, number] => [
    left + ((vx - x.min) / (x.max - x.min)) * (right - left),
    bottom - ((ty(vy) - ty(y.min)) / (ty(y.max) - ty(y.min))) * (bottom - top),
  ];
  const c = new Canvas(W, H);
  // Grid, frame, ticks and labels.
  for (const v of x.ticks) c.line(toPx(v, y.min)[0], top, toPx(v, y.min)[0], bottom, GRID);
  for (const v of y.ticks) c.line(left, toPx(x.min, v)[1], right, toPx(x.min, v)[1], GRID);
  c.strokeRect(left, top, right - left + 1, bottom - top + 1, AXIS);
  x.ticks.forEach((v, i) => {
    const px = Math.round(toPx(v, y.min)[0]);
    c.line(px, bottom + 1, px, bottom + tick, AXIS);
    c.text(px, bottom + tick + s + 1, xLabels[i]!, TEXT, { scale: s, align: 'center' });
  });
  y.ticks.forEach((v, i) => {
    const py = Math.round(toPx(x.min, v)[1]);
    c.line(left - tick, py, left - 1, py, AXIS);
    c.text(left - tick - 2 * s, py - Math.floor((7 * s) / 2), yLabels[i]!, TEXT, {
      scale: s,
      align: 'right',
    });
  });
  if (options.title)
    c.text(Math.round((left + right) / 2), pad, options.title, TEXT, { scale: s, align: 'center' });
  if (options.xLabel) {
    c.text(Math.round((left + right) / 2), H - pad - 7 * s, options.xLabel, TEXT, {
      scale: s,
      align: 'center',
    });
  }
  if (options.yLabel) {
    c.text(pad, Math.round((top + bottom) / 2), options.yLabel, TEXT, {
      scale: s,
      align: 'center',
      vertical: true,
    });
  }
  // Series, drawn on a transparent layer over the plot area (frame included) so nothing leaks outside it.
  const layer = new Canvas(right - left + 1, bottom - top + 1, [0, 0, 0, 0]);
  const pts: number[][] = [];
  series.forEach((ser, i) => {
    const col = ser.color === undefined ? seriesColor(i) : toColor(ser.color);
    const len = Math.min(ser.x.length, ser.y.length);
    const toLayer = (ys: ArrayLike<number>): number[] => {
      const flat: number[] = [];
      for (let k = 0; k < len; k++) {
        const vx = ser.x[k]!;
        const vy = ys[k]!;
        if (!usable(vx, vy, logY)) {
          flat.push(Number.NaN, Number.NaN);
          continue;
        }
        const [px, py] = toPx(vx, vy);
        flat.push(px - left, py - top);
      }
      return flat;
    };
    const raw = toLayer(ser.y);
    pts.push(raw);
    const w = options.smooth ?? 0;
    if (w > 0) {
      layer.polyline(raw, lighten(col, 0.65), Math.max(1, lw - 1));
      layer.polyline(toLayer(smoothEma(ser.y, w)), col, lw);
    } else {
      layer.polyline(raw, col, lw);
    }
    if (options.markers ?? finitePoints(ser, logY) <= 40) {
      for (let k = 0; k + 1 < raw.length; k += 2) layer.circle(raw[k]!, raw[k + 1]!, lw + 1, col);
    }
  });
  c.drawCanvas(layer, left, top);
  const empty = range === null;
  if (empty) {
    c.text(Math.round((left + right) / 2), Math.round((top + bottom) / 2) - 7 * s, 'no data', TEXT, {
      scale: s,
      align: 'center',
    });
  }
  let legend: PlotFrame['legend'] = null;
  const named = series.filter((ser) => ser.name !== '');
  if (!empty && (options.legend ?? 'auto') === 'auto' && named.length > 0) {
    legend = drawLegend(c, series, { left, right, top, bottom }, pts, s, lw);
  }
  return { canvas: c, frame: { left, right, top, bottom, x, y, toPx, legend }, empty };
}

function drawLegend(
  c: Canvas,
  series: readonly Series[],
  area: { left: number; right: number; top: number; bottom: number },
  pts: number[][],
  s: number,
  lw: number,
): [number, number, number, number] {
  const lh = LINE_HEIGHT * s;
  const swatch = 8 * s;
  const w = 3 * s + swatch + 3 * s + Math.max(...series.map((ser) => textWidth(ser.name, s))) + 3 * s;
  const h = series.length * lh + 2 * s;
  const m = 4 * s;
  const corners: [number, number][] = [
    [area.right - m - w, area.top + m],
    [area.left + m, area.top + m],
    [area.right - m - w, area.bottom - m - h],
    [area.left + m, area.bottom - m - h],
  ];
  let best = corners[0]!;
  let bestHits = Infinity;
  for (const [bx, by] of corners) {
    let hits = 0;
    for (const flat of pts) {
      for (let k = 0; k + 1 < flat.length; k += 2) {
        const px = flat[k]! + area.left;
        const py = flat[k + 1]! + area.top;
        if (px >= bx - lw && px <= bx + w + lw && py >= by - lw && py <= by + h + lw) hits++;
      }
    }
    if (hits < bestHits) {
      bestHits = hits;
      best = [bx, by];
    }
  }
  const [bx, by] = best;
  c.fillRect(bx, by, w, h, [255, 255, 255, 235]);
  c.strokeRect(bx, by, w, h, [170, 170, 170]);
  series.forEach((ser, i) => {
    const col = ser.color === undefined ? seriesColor(i) : toColor(ser.color);
    const cy = by + s + i * lh + Math.floor((7 * s) / 2);
    c.line(bx + 3 * s, cy, bx + 3 * s + swatch, cy, col, lw);
    c.text(bx + 3 * s + swatch + 3 * s, by + s + i * lh, ser.name, TEXT, { scale: s });
  });
  return [bx, by, w, h];
}

/**
 * Draws a line plot and encodes it as PNG.
 *
 * Series are drawn in order (later ones on top); x and y are data units, mapped linearly (log10 for `logY`)
 * onto the plot area. Non-finite points, and non-positive ones on a log axis, are skipped and break the line.
 * When no series has a usable point (no series, empty arrays, all NaN) the axes span [0, 1] and the plot says
 * "no data".
 *
 * @returns the PNG bytes of a `width x height` RGB image (white background).
 * @throws RangeError when the image is too small for its labels, or for a malformed colour.
 */
export function linePlot(options: LinePlotOptions): Buffer {
  return renderLinePlot(options).canvas.toPng();
}
