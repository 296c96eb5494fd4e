/**
 * A small raster canvas: an RGBA 8-bit pixel buffer, row-major from the top-left (`data[(y * width + x) * 4
 * + k]`, k = R, G, B, A), with integer pixel coordinates (x to the right, y down). Shapes are aliased (no
 * anti-aliasing), so the pixels a call touches are exactly predictable; translucent colours are composited
 * source-over, each pixel once per call. Everything is clipped to the canvas.
 */

import { type Color, WHITE } from './colors.ts';
import { ADVANCE, GLYPH_ROWS, GLYPH_WIDTH, glyph, LINE_HEIGHT, textWidth } from './font.ts';
import { encodePng } from './png.ts';

/** Options of {@link Canvas.text}. */
export interface TextOptions {
  /** Integer magnification of the 5x7 font (default 1). */
  scale?: number;
  /** Where `x` is: at the left end (default), the centre or the right end of the text. */
  align?: 'left' | 'center' | 'right';
  /**
   * Rotate 90 degrees counter-clockwise (reads bottom to top, for y-axis labels). Then `x` is the left edge of
   * the rotated text (the glyph tops) and `y` the point along the text where `align` anchors it.
   */
  vertical?: boolean;
}

/** An RGBA canvas of `width x height` pixels (see the module comment for layout and drawing rules). */
export class Canvas {
  readonly width: number;
  readonly height: number;
  /** RGBA bytes, row-major from the top-left. */
  readonly data: Uint8Array;

  /**
   * @param width - pixels (integer >= 1).
   * @param height - pixels (integer >= 1).
   * @param background - initial colour of every pixel (default opaque white).
   */
  constructor(width: number, height: number, background: Color = WHITE) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`canvas: bad size ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 4);
    this.clear(background);
  }

  /** Sets every pixel to the colour (no compositing). */
  clear(color: Color): void {
    for (let i = 0; i < this.data.length; i += 4) this.put(i, color);
  }

  /** The colour at (x, y) as `[r, g, b, a]`; throws outside the canvas. */
  get(x: number, y: number): [number, number, number, number] {
    if (!this.inside(x, y)) throw new RangeError(`canvas: (${x}, ${y}) outside ${this.width}x${this.height}`);
    const o = (y * this.width + x) * 4;
    const d = this.data;
    return [d[o]!, d[o + 1]!, d[o + 2]!, d[o + 3]!];
  }

  /** Whether the integer point lies on the canvas. */
  inside(x: number, y: number): boolean {
    return (
      Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < this.width && y < this.height
    );
  }

  private put(o: number, c: Color): void {
    const a = c[3] ?? 255;
    const d = this.data;
    if (a >= 255) {
      d[o] = c[0];
      d[o + 1] = c[1];
      d[o + 2] = c[2];
      d[o + 3] = 255;
      return;
    }
    if (a <= 0) return;
    const s = a / 255;
    const da = d[o + 3]! / 255;
    const oa = s + da * (1 - s);
    for (let k = 0; k < 3; k++) d[o + k] = Math.round((c[k]! * s + d[o + k]! * da * (1 - s)) / oa);
    d[o + 3] = Math.round(oa * 255);
  }

  /** Paints one pixel (rounded coordinates; ignored outside the canvas). */
  setPixel(x: number, y: number, color: Color): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px >= 0 && py >= 0 && px < this.width && py < this.height)
      this.put((py * this.width + px) * 4, color);
  }

  /** Paints a set of pixel indices (`y * width + x`) once each. */
  private paint(pixels: Iterable<number>, color: Color): void {
    for (const p of pixels) this.put(p * 4, color);
  }

  /** Fills the pixels x..x+w-1, y..y+h-1 (coordinates rounded; empty for w or h <= 0). */
  fillRect(x: number, y: number, w: number, h: number, color: Color): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x) + Math.round(w));
    const y1 = Math.min(this.height, Math.round(y) + Math.round(h));
    for (let py = y0; py < y1; py++)
      for (let px = x0; px < x1; px++) this.put((py * this.width + px) * 4, color);
  }

  /** Outlines the same rectangle as {@link fillRect} with a border `thickness` pixels wide, inside it. */
  strokeRect(x: number, y: number, w: number, h: number, color: Color, thickness = 1): void {
    const t = Math.max(1, Math.round(thickness));
    const set = new Set<number>();
    const add = (ax: number, ay: number, aw: number, ah: number) => {
      for (let py = Math.max(0, ay); py < Math.min(this.height, ay + ah); py++) {
        for (let px = Math.max(0, ax); px < Math.min(this.width, ax + aw); px++)
          set.add(py * this.width + px);
      }
    };
    const [rx, ry, rw, rh] = [Math.round(x), Math.round(y), Math.round(w), Math.round(h)];
    add(rx, ry, rw, t);
    add(rx, ry + rh - t, rw, t);
    add(rx, ry, t, rh);
    add(rx + rw - t, ry, t, rh);
    this.paint(set, color);
  }

  /** Adds the pixels of a line (Bresenham between rounded ends, each point stamped as a t x t square). */
  private linePixels(set: Set<number>, x0: number, y0: number, x1: number, y1: number, t: number): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const ex = Math.round(x1);
    const ey = Math.round(y1);
    const dx = Math.abs(ex - x);
    const dy = -Math.abs(ey - y);
    const sx = x < ex ? 1 : -1;
    const sy = y < ey ? 1 : -1;
    const lo = -Math.floor((t - 1) / 2);
    const hi = lo + t - 1;
    let err = dx + dy;
    for (;;) {
      for (let oy = lo; oy <= hi; oy++) {
        const py = y + oy;
        if (py < 0 || py >= this.height) continue;
        for (let ox = lo; ox <= hi; ox++) {
          const px = x + ox;
          if (px >= 0 && px < this.width) set.add(py * this.width + px);
        }
      }
      if (x === ex && y === ey) break;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /**
   * Draws a straight line between two points (rounded to pixels), `thickness` pixels wide (each Bresenham
   * point is stamped as a square, centred, extending one pixel further right/down for even widths).
   * Non-finite coordinates draw nothing.
   */
  line(x0: number, y0: number, x1: number, y1: number, color: Color, thickness = 1): void {
    this.polyline([x0, y0, x1, y1], color, thickness);
  }

  /**
   * Draws connected segments through the points `[x0, y0, x1, y1, ...]` (flat pairs). A point with a
   * non-finite coordinate breaks the line there (a gap); a lone point draws one stamp. Each pixel is painted
   * once, so translucent lines do not darken at joints.
   */
  polyline(points: ArrayLike<number>, color: Color, thickness = 1): void {
    const t = Math.max(1, Math.round(thickness));
    const set = new Set<number>();
    let prev: [number, number] | null = null;
    for (let i = 0; i + 1 < points.length; i += 2) {
      const x = points[i]!;
      const y = points[i + 1]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        prev = null;
        continue;
      }
      if (prev === null) this.linePixels(set, x, y, x, y, t);
      else this.linePixels(set, prev[0], prev[1], x, y, t);
      prev = [x, y];
    }
    this.paint(set, color);
  }

  /**
   * A circle centred on the pixel nearest (cx, cy): filled, the pixels whose centre lies within `r` of the
   * centre pixel's; outlined (`fill = false`), those within `thickness / 2` of the radius.
   */
  circle(cx: number, cy: number, r: number, color: Color, fill = true, thickness = 1): void {
    if (!Number.isFinite(cx) || !Number.isFinite(cy) || !(r >= 0)) return;
    const x0 = Math.round(cx);
    const y0 = Math.round(cy);
    const outer = fill ? r : r + thickness / 2;
    const inner = fill ? -1 : r - thickness / 2;
    const R = Math.ceil(outer);
    const set = new Set<number>();
    for (let dy = -R; dy <= R; dy++) {
      for (let dx = -R; dx <= R; dx++) {
        const d = Math.sqrt(dx * dx + dy * dy);
        const px = x0 + dx;
        const py = y0 + dy;
        if (d <= outer && d > inner && px >= 0 && py >= 0 && px < this.width && py < this.height) {
          set.add(py * this.width + px);
        }
      }
    }
    this.paint(set, color);
  }

  /**
   * Writes one line of text with the built-in font; `y` is the top of the glyph cell (capitals span
   * `y .. y + 7 * scale - 1`). Returns the width drawn in pixels (0 for an empty string).
   */
  text(x: number, y: number, text: string, color: Color, options: TextOptions = {}): number {
    const s = Math.max(1, Math.round(options.scale ?? 1));
    const w = textWidth(text, s);
    const shift = options.align === 'center' ? Math.floor(w / 2) : options.align === 'right' ? w : 0;
    const set = new Set<number>();
    let i = 0;
    for (const ch of text) {
      const g = glyph(ch);
      for (let r = 0; r < GLYPH_ROWS; r++) {
        const bits = g[r]!;
        if (bits === 0) continue;
        for (let c = 0; c < GLYPH_WIDTH; c++) {
          if (!(bits & (1 << (GLYPH_WIDTH - 1 - c)))) continue;
          // Position of the font pixel along the text (u) and across it (v), then mapped to the canvas.
          const u = i * ADVANCE * s + c * s - shift;
          const v = r * s;
          for (let a = 0; a < s; a++) {
            for (let b = 0; b < s; b++) {
              const px = options.vertical ? Math.round(x) + v + b : Math.round(x) + u + a;
              const py = options.vertical ? Math.round(y) - u - a : Math.round(y) + v + b;
              if (px >= 0 && py >= 0 && px < this.width && py < this.height) set.add(py * this.width + px);
            }
          }
        }
      }
      i++;
    }
    this.paint(set, color);
    return w;
  }

  /** Height of a text line at a scale (`LINE_HEIGHT * scale`). */
  static lineHeight(scale = 1): number {
    return LINE_HEIGHT * scale;
  }

  /** Copies another canvas onto this one with its top-left at (x, y), compositing by its alpha. */
  drawCanvas(src: Canvas, x: number, y: number): void {
    const ox = Math.round(x);
    const oy = Math.round(y);
    for (let sy = 0; sy < src.height; sy++) {
      const py = oy + sy;
      if (py < 0 || py >= this.height) continue;
      for (let sx = 0; sx < src.width; sx++) {
        const px = ox + sx;
        if (px < 0 || px >= this.width) continue;
        const so = (sy * src.width + sx) * 4;
        const d = src.data;
        this.put((py * this.width + px) * 4, [d[so]!, d[so + 1]!, d[so + 2]!, d[so + 3]!]);
      }
    }
  }

  /** Encodes the canvas as a PNG (RGB when fully opaque, else RGBA). */
  toPng(): Buffer {
    return encodePng(this.width, this.height, this.data);
  }
}
