/**
 * Test helpers: a small independent PNG decoder (8-bit RGB/RGBA, non-interlaced, all five filter types) that
 * checks every chunk CRC with zlib's crc32-free table below, and pixel accessors.
 */

import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: number;
  /** Always expanded to RGBA, row-major from the top-left. */
  rgba: Uint8Array;
  chunks: string[];
  /** The filter type of each row. */
  filters: number[];
}

/** CRC-32 computed bit by bit (no table), deliberately a different code path from the encoder's. */
export function slowCrc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes a PNG, asserting the signature, chunk order basics and every CRC. */
export function decodePng(buf: Uint8Array): DecodedPng {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.deepEqual([...buf.subarray(0, 8)], sig, 'PNG signature');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 8;
  const chunks: string[] = [];
  const idat: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  let colorType = -1;
  while (pos < buf.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...buf.subarray(pos + 4, pos + 8));
    const data = buf.subarray(pos + 8, pos + 8 + len);
    const crc = view.getUint32(pos + 8 + len);
    assert.equal(crc, slowCrc(buf.subarray(pos + 4, pos + 8 + len)), `CRC of chunk ${type}`);
    chunks.push(type);
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      assert.equal(data[8], 8, 'bit depth');
      colorType = data[9]!;
      assert.equal(data[12], 0, 'interlace');
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    pos += 12 + len;
  }
  assert.equal(pos, buf.length, 'no trailing bytes');
  assert.equal(chunks[0], 'IHDR');
  assert.equal(chunks.at(-1), 'IEND');
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  assert.ok(channels > 0, `colour type ${colorType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  assert.equal(raw.length, (stride + 1) * height, 'inflated size');
  const out = new Uint8Array(stride * height);
  const filters: number[] = [];
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    filters.push(f);
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= channels ? out[y * stride + i - channels]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + i]! : 0;
      const c = i >= channels && y > 0 ? out[(y - 1) * stride + i - channels]! : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f];
      assert.ok(pred !== undefined, `filter type ${f}`);
      out[y * stride + i] = (x + pred) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = out[p * channels + k]!;
    rgba[p * 4 + 3] = channels === 4 ? out[p * channels + 3]! : 255;
  }
  return { width, height, channels, rgba, chunks, filters };
}

/** The RGB of pixel (x, y) as `[r, g, b]`. */
export function rgbAt(img: { width: number; rgba: Uint8Array }, x: number, y: number): number[] {
  const o = (y * img.width + x) * 4;
  return [img.rgba[o]!, img.rgba[o + 1]!, img.rgba[o + 2]!];
}

/** Whether some pixel in the square of radius r around (x, y) has exactly the colour. */
export function colourNear(
  img: { width: number; height: number; rgba: Uint8Array },
  x: number,
  y: number,
  rgb: readonly number[],
  r = 1,
): boolean {
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      const px = Math.round(x) + dx;
      const py = Math.round(y) + dy;
      if (px < 0 || py < 0 || px >= img.width || py >= img.height) continue;
      const c = rgbAt(img, px, py);
      if (c[0] === rgb[0] && c[1] === rgb[1] && c[2] === rgb[2]) return true;
    }
  }
  return false;
}

/** Counts the pixels of exactly the colour in a rectangle. */
export function countColour(
  img: { width: number; rgba: Uint8Array },
  rgb: readonly number[],
  x0 = 0,
  y0 = 0,
  x1 = img.width,
  y1 = img.rgba.length / 4 / img.width,
): number {
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const c = rgbAt(img, x, y);
      if (c[0] === rgb[0] && c[1] === rgb[1] && c[2] === rgb[2]) n++;
    }
  }
  return n;
}
