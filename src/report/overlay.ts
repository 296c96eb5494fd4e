/**
 * Overlay images: one slice of a volume in grey, side by side with the same slice under the ground-truth
 * label and under the prediction, each label class drawn in its colour as a translucent fill and/or a
 * one-pixel contour.
 *
 * Volumes are flat C-order arrays of shape `[D, H, W]` (or `[H, W]`, taken as `[1, H, W]`). Slicing along
 * axis 0 (axial, the default) shows rows = H (top to bottom) and columns = W (left to right); along axis 1,
 * rows = D and columns = W; along axis 2, rows = D and columns = H. Pixels are square: voxel spacing is not
 * applied.
 */

import { Canvas } from './canvas.ts';
import { type Color, classColor, toColor } from './colors.ts';
import { ADVANCE, LINE_HEIGHT, textWidth } from './font.ts';

/** Options of {@link overlayPng}. */
export interface OverlayOptions {
  /** Intensities, C-order `[D, H, W]`; non-finite voxels show black. */
  image: ArrayLike<number>;
  shape: readonly [number, number, number] | readonly [number, number];
  /** Ground-truth labels (class indices, 0 = background), same layout; omitted: no ground-truth panel. */
  label?: ArrayLike<number>;
  /** Predicted labels, same layout; omitted: no prediction panel. */
  pred?: ArrayLike<number>;
  /** Index along `axis`; default the slice with the most label foreground (else prediction, else middle). */
  slice?: number;
  /** Slicing axis (default 0, axial). */
  axis?: 0 | 1 | 2;
  /** Colour per class index (array index or record key); missing classes use {@link classColor}. */
  classColors?: readonly (string | Color)[] | Readonly<Record<number, string | Color>>;
  /** Names for the legend (index = class); the legend lists the classes in the shown slice. */
  classNames?: readonly string[] | Readonly<Record<number, string>>;
  /** Grey window: fixed `{min, max}` or percentiles of the volume's finite voxels (default `[0.5, 99.5]`). */
  windowing?: { min: number; max: number } | { percentiles: readonly [number, number] };
  /** `fill` (translucent), `contour` (outline) or `both` (default). */
  style?: 'fill' | 'contour' | 'both';
  /** Fill opacity in [0, 1] (default 0.4). */
  opacity?: number;
  /** Integer pixel magnification (default: the smallest making the longer side >= 192 px, at most 8). */
  zoom?: number;
}

/** A panel of the overlay image: its kind and pixel rectangle (excluding the caption above it). */
export interface OverlayPanel {
  kind: 'image' | 'label' | 'pred';
  x: number;
  y: number;
  width: number;
  height: number;
}

const BACKGROUND: Color = [24, 24, 24];
const CAPTION: Color = [235, 235, 235];
const GAP = 4;

function dims(shape: OverlayOptions['shape']): [number, number, number] {
  const s = shape.length === 2 ? [1, shape[0], shape[1]] : [shape[0], shape[1], shape[2]];
  for (const v of s)
    if (!Number.isInteger(v) || (v as number) < 1) throw new RangeError(`overlay: bad shape [${shape}]`);
  return s as [number, number, number];
}

/** Number of voxels with a non-zero label in each slice along the axis. */
export function foregroundPerSlice(
  mask: ArrayLike<number>,
  shape: readonly [number, number, number],
  axis: 0 | 1 | 2,
): number[] {
  const [D, H, W] = shape;
  const out = new Array<number>(shape[axis]).fill(0);
  for (let d = 0, i = 0; d < D; d++) {
    for (let h = 0; h < H; h++) {
      for (let w = 0; w < W; w++, i++) {
        if (mask[i]) out[axis === 0 ? d : axis === 1 ? h : w]!++;
      }
    }
  }
  return out;
}

/**
 * The default slice: the first index with the most foreground in `mask`; the middle slice (`floor(n / 2)`)
 * when the mask is absent or empty.
 */
export function pickSlice(
  mask: ArrayLike<number> | undefined,
  shape: readonly [number, number, number],
  axis: 0 | 1 | 2 = 0,
): number {
  if (mask === undefined) return Math.floor(shape[axis] / 2);
  const counts = foregroundPerSlice(mask, shape, axis);
  let best = -1;
  let bestN = 0;
  counts.forEach((n, k) => {
    if (n > bestN) {
      bestN = n;
      best = k;
    }
  });
  return best < 0 ? Math.floor(shape[axis] / 2) : best;
}

/**
 * Intensity window from percentiles (0..100, linear interpolation between order statistics) of the finite
 * values; volumes over 2^20 voxels are sampled with a fixed stride. No finite value gives [0, 1]; a constant
 * volume gives [v, v + 1].
 */
export function percentileWindow(image: ArrayLike<number>, lo = 0.5, hi = 99.5): [number, number] {
  const stride = Math.max(1, Math.ceil(image.length / 2 ** 20));
  const vals: number[] = [];
  for (let i = 0; i < image.length; i += stride) if (Number.isFinite(image[i]!)) vals.push(image[i]!);
  if (vals.length === 0) return [0, 1];
  const sorted = Float64Array.from(vals).sort();
  const at = (p: number) => {
    const r = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
    const k = Math.floor(r);
    return sorted[k]! + (r - k) * ((sorted[Math.min(k + 1, sorted.length - 1)] ?? sorted[k]!) - sorted[k]!);
  };
  const a = at(lo);
  const b = at(hi);
  return b > a ? [a, b] : [a, a + 1];
}

/** The 2D slice as a row-major `rows x cols` array of source indices. */
function sliceIndex(
  shape: [number, number, number],
  axis: 0 | 1 | 2,
  k: number,
): { rows: number; cols: number; idx: Int32Array } {
  const [D, H, W] = shape;
  const rows = axis === 0 ? H : D;
  const cols = axis === 2 ? H : W;
  const idx = new Int32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      idx[r * cols + c] =
        axis === 0 ? (k * H + r) * W + c : axis === 1 ? (r * H + k) * W + c : (r * H + c) * W + k;
    }
  }
  return { rows, cols, idx };
}

function colourOf(c: number, table: OverlayOptions['classColors']): Color {
  const own = table === undefined ? undefined : (table as Record<number, string | Color>)[c];
  return own === undefined ? classColor(c) : toColor(own);
}

function nameOf(c: number, names: OverlayOptions['classNames']): string {
  const own = names === undefined ? undefined : (names as Record<number, string>)[c];
  return own ?? String(c);
}

/**
 * Renders the panels onto a canvas and returns it with their rectangles, the slice and window used. See
 * {@link overlayPng}.
 */
export function renderOverlay(options: OverlayOptions): {
  canvas: Canvas;
  panels: OverlayPanel[];
  slice: number;
  axis: 0 | 1 | 2;
  zoom: number;
  window: [number, number];
} {
  const shape = dims(options.shape);
  const n = shape[0] * shape[1] * shape[2];
  const axis = options.axis ?? 0;
  for (const [name, arr] of [
    ['image', options.image],
    ['label', options.label],
    ['pred', options.pred],
  ] as const) {
    if (arr !== undefined && arr.length !== n)
      throw new RangeError(`overlay: ${name} has ${arr.length} voxels, shape needs ${n}`);
  }
  const fgSource = options.label !== undefined && options.label.length > 0 ? options.label : options.pred;
  const slice = options.slice ?? pickSlice(fgSource, shape, axis);
  if (!Number.isInteger(slice) || slice < 0 || slice >= shape[axis]) {
    throw new RangeError(`overlay: slice ${slice} not in 0..${shape[axis] - 1} along axis ${axis}`);
  }
  const win = options.windowing;
  const window: [number, number] =
    win === undefined
      ? percentileWindow(options.image)
      : 'min' in win
        ? [win.min, win.max]
        : percentileWindow(options.image, win.percentiles[0], win.percentiles[1]);
  const { rows, cols, idx } = sliceIndex(shape, axis, slice);
  const z = options.zoom ?? Math.min(8, Math.max(1, Math.ceil(192 / Math.max(rows, cols))));
  if (!Number.isInteger(z) || z < 1) throw new RangeError(`overlay: bad zoom ${z}`);
  const pw = cols * z;
  const ph = rows * z;
  const s = pw >= 180 ? 2 : 1;
  const captionH = LINE_HEIGHT * s + GAP;
  const kinds: OverlayPanel['kind'][] = ['image'];
  if (options.label !== undefined) kinds.push('label');
  if (options.pred !== undefined) kinds.push('pred');
  // Legend entries: classes present in the shown slice of the label or prediction.
  const present = new Set<number>();
  for (const arr of [options.label, options.pred]) {
    if (arr === undefined) continue;
    for (let p = 0; p < idx.length; p++) if (arr[idx[p]!]! > 0) present.add(arr[idx[p]!]!);
  }
  const classes = [...present].sort((a, b) => a - b);
  const width = GAP + kinds.length * (pw + GAP);
  const legendItems = classes.map((c) => ({ c, text: nameOf(c, options.classNames) }));
  const itemW = (t: string) => 7 * s + ADVANCE * s + textWidth(t, s) + 3 * ADVANCE * s;
  let lines = legendItems.length > 0 ? 1 : 0;
  for (let x = GAP, i = 0; i < legendItems.length; i++) {
    const w = itemW(legendItems[i]!.text);
    if (x + w > width && x > GAP) {
      lines++;
      x = GAP;
    }
    x += w;
  }
  const legendH = lines * LINE_HEIGHT * s + (lines > 0 ? GAP : 0);
  const height = GAP + captionH + ph + GAP + legendH;
  const canvas = new Canvas(width, height, BACKGROUND);
  const [lo, hi] = window;
  const grey = new Uint8Array(rows * cols);
  for (let p = 0; p < grey.length; p++) {
    const v = options.image[idx[p]!]!;
    grey[p] = Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, (v - lo) / (hi - lo)))) : 0;
  }
  const style = options.style ?? 'both';
  const opacity = Math.round(255 * Math.min(1, Math.max(0, options.opacity ?? 0.4)));
  const panels: OverlayPanel[] = [];
  kinds.forEach((kind, i) => {
    const px0 = GAP + i * (pw + GAP);
    const py0 = GAP + captionH;
    panels.push({ kind, x: px0, y: py0, width: pw, height: ph });
    const caption =
      kind === 'image'
        ? `slice ${slice}/${shape[axis] - 1}`
        : kind === 'label'
          ? 'ground truth'
          : 'prediction';
    canvas.text(px0, GAP, caption, CAPTION, { scale: s });
    const lab = kind === 'label' ? options.label : kind === 'pred' ? options.pred : undefined;
    const at = (r: number, c: number) => (lab === undefined ? 0 : lab[idx[r * cols + c]!]!);
    for (let y = 0; y < ph; y++) {
      const r = Math.floor(y / z);
      for (let x = 0; x < pw; x++) {
        const c = Math.floor(x / z);
        const g = grey[r * cols + c]!;
        canvas.setPixel(px0 + x, py0 + y, [g, g, g]);
        const k = at(r, c);
        if (k <= 0) continue;
        const col = colourOf(k, options.classColors);
        if (style !== 'contour') canvas.setPixel(px0 + x, py0 + y, [col[0], col[1], col[2], opacity]);
        if (style !== 'fill') {
          // A contour pixel has a 4-neighbour (in the magnified image) of another class or off the slice.
          const edge =
            x === 0 ||
            y === 0 ||
            x === pw - 1 ||
            y === ph - 1 ||
            at(Math.floor((y - 1) / z), c) !== k ||
            at(Math.floor((y + 1) / z), c) !== k ||
            at(r, Math.floor((x - 1) / z)) !== k ||
            at(r, Math.floor((x + 1) / z)) !== k;
          if (edge) canvas.setPixel(px0 + x, py0 + y, [col[0], col[1], col[2]]);
        }
      }
    }
  });
  // Legend rows under the panels: a colour square and the class name per class.
  let lx = GAP;
  let ly = GAP + captionH + ph + GAP;
  for (const { c, text } of legendItems) {
    const w = itemW(text);
    if (lx + w > width && lx > GAP) {
      lx = GAP;
      ly += LINE_HEIGHT * s;
    }
    canvas.fillRect(lx, ly, 7 * s, 7 * s, colourOf(c, options.classColors));
    canvas.text(lx + 7 * s + ADVANCE * s, ly, text, CAPTION, { scale: s });
    lx += w;
  }
  return { canvas, panels, slice, axis, zoom: z, window };
}

/**
 * Draws one slice as side-by-side panels, image | ground truth | prediction (the label panels only when given),
 * on a dark background with a caption above each panel and a legend of the classes in the slice below them.
 * Grey levels map the window linearly to 0..255 (clamped); class `c` is drawn in `classColors[c]` (default
 * {@link classColor}, 16 fixed colours) as a fill of the given opacity and/or a 1-pixel contour inside the
 * region's border.
 *
 * @returns PNG bytes (RGB); the panels are `W * zoom` by `H * zoom` pixels for an axial slice of `[D, H, W]`.
 * @throws RangeError for a bad shape, arrays of the wrong length, or a slice outside the axis.
 */
export function overlayPng(options: OverlayOptions): Buffer {
  return renderOverlay(options).canvas.toPng();
}
