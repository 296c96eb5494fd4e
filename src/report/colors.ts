/**
 * Colours: `[r, g, b]` or `[r, g, b, a]` with 8-bit channels (a = 255 opaque, the default), CSS hex parsing,
 * the series palette of the plots and the fixed class colour table of the overlays.
 */

/** An 8-bit colour; the alpha channel defaults to 255 (opaque). */
export type Color = readonly [number, number, number] | readonly [number, number, number, number];

/** Opaque white, the plots' background. */
export const WHITE: Color = [255, 255, 255];
/** Opaque black. */
export const BLACK: Color = [0, 0, 0];

/** Ten well-separated line colours, used in order for series without an explicit colour. */
export const SERIES_COLORS: readonly Color[] = [
  [31, 119, 180], // blue
  [255, 127, 14], // orange
  [44, 160, 44], // green
  [214, 39, 40], // red
  [148, 103, 189], // purple
  [140, 86, 75], // brown
  [227, 119, 194], // pink
  [127, 127, 127], // grey
  [188, 189, 34], // olive
  [23, 190, 207], // cyan
];

/**
 * Sixteen distinct colours for label classes 1..16 (class `c` takes entry `(c - 1) mod 16`; class 0 is
 * background and is not coloured).
 */
export const CLASS_COLORS: readonly Color[] = [
  [230, 25, 75], // red
  [60, 180, 75], // green
  [255, 225, 25], // yellow
  [0, 130, 200], // blue
  [245, 130, 48], // orange
  [145, 30, 180], // purple
  [70, 240, 240], // cyan
  [240, 50, 230], // magenta
  [210, 245, 60], // lime
  [250, 190, 212], // pink
  [0, 128, 128], // teal
  [220, 190, 255], // lavender
  [170, 110, 40], // brown
  [255, 250, 200], // beige
  [128, 0, 0], // maroon
  [170, 255, 195], // mint
];

/** The colour of label class `c >= 1` from {@link CLASS_COLORS}; class 0 (background) gives black. */
export function classColor(c: number): Color {
  if (!Number.isInteger(c) || c < 1) return BLACK;
  return CLASS_COLORS[(c - 1) % CLASS_COLORS.length]!;
}

/**
 * The colour of the i-th series (i >= 0): {@link SERIES_COLORS} in order, then the same ten darkened to 60%
 * for i = 10..19, 36% for 20..29, and so on.
 */
export function seriesColor(i: number): Color {
  const n = SERIES_COLORS.length;
  const k = Math.max(0, Math.floor(i));
  const base = SERIES_COLORS[k % n]!;
  const f = 0.6 ** Math.floor(k / n);
  return [Math.round(base[0] * f), Math.round(base[1] * f), Math.round(base[2] * f)];
}

/**
 * Parses `#rgb`, `#rrggbb` or `#rrggbbaa`; a {@link Color} tuple is returned as is.
 *
 * @throws RangeError for anything else.
 */
export function toColor(c: string | Color): Color {
  if (typeof c !== 'string') return c;
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(c);
  if (m === null) throw new RangeError(`report: bad colour ${c} (use #rrggbb)`);
  let hex = m[1]!;
  if (hex.length === 3) hex = [...hex].map((h) => h + h).join('');
  const v = (i: number) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return hex.length === 8 ? [v(0), v(1), v(2), v(3)] : [v(0), v(1), v(2)];
}

/** `#rrggbb` for a colour (alpha dropped). */
export function toHex(c: Color): string {
  return `#${[c[0], c[1], c[2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Mixes a colour with white: `t = 0` keeps it, `t = 1` gives white (used for the faint raw curves). */
export function lighten(c: Color, t: number): Color {
  const f = (v: number) => Math.round(v + (255 - v) * t);
  return [f(c[0]), f(c[1]), f(c[2])];
}
