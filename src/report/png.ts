/**
 * A PNG encoder for 8-bit truecolour images (colour type 2, RGB, or 6, RGBA), written from the PNG
 * specification (ISO/IEC 15948): signature, IHDR, one IDAT with the zlib stream of the filtered rows, IEND.
 * Compression is `node:zlib` deflate; the chunk CRC-32 is computed here. Each row is filtered with type 0
 * (None) or 1 (Sub), whichever gives the smaller sum of absolute byte values (the specification's heuristic).
 */

import { deflateSync } from 'node:zlib';

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE: Readonly<Uint8Array> = Uint8Array.of(
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
);

let crcTable: Uint32Array | undefined;

function table(): Uint32Array {
  if (crcTable !== undefined) return crcTable;
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  crcTable = t;
  return t;
}

/**
 * CRC-32 (ISO 3309 / ITU-T V.42, reflected polynomial 0xEDB88320) of the bytes, as PNG chunks and zip use it.
 *
 * @param bytes - the data; an empty array gives 0.
 * @param crc - a previous result to continue from (default: start a new CRC).
 * @returns the CRC as an unsigned 32-bit integer.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = table();
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Options of {@link encodePng}. */
export interface PngOptions {
  /**
   * Colour type written: `rgb` drops the alpha channel, `rgba` keeps it; default `auto`, which writes RGB when
   * every alpha byte is 255 and RGBA otherwise.
   */
  color?: 'auto' | 'rgb' | 'rgba';
  /** zlib compression level 0..9 (default 6). */
  level?: number;
}

/**
 * Encodes an 8-bit image as PNG.
 *
 * @param width - pixels per row (>= 1).
 * @param height - rows (>= 1).
 * @param rgba - pixels row-major from the top-left, 4 bytes each (R, G, B, A; A = 255 is opaque), length
 *   `width * height * 4`; or, with 3 bytes per pixel (length `width * height * 3`), plain RGB.
 * @returns the PNG file's bytes.
 * @throws RangeError for a non-positive or non-integer size or a pixel buffer of the wrong length (PNG has no
 *   empty images).
 */
export function encodePng(width: number, height: number, rgba: Uint8Array, options: PngOptions = {}): Buffer {
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 0x7fffffff) throw new RangeError(`png: bad ${name} ${v}`);
  }
  const n = width * height;
  const inChannels = rgba.length === n * 4 ? 4 : rgba.length === n * 3 ? 3 : 0;
  if (inChannels === 0) {
    throw new RangeError(
      `png: ${rgba.length} bytes for ${width}x${height} (need ${n * 4} RGBA or ${n * 3} RGB)`,
    );
  }
  let alpha = inChannels === 4 && options.color !== 'rgb';
  if (alpha && options.color !== 'rgba') {
    alpha = false;
    for (let i = 3; i < rgba.length; i += 4) {
      if (rgba[i] !== 255) {
        alpha = true;
        break;
      }
    }
  }
  const bpp = alpha ? 4 : 3;
  const stride = width * bpp;
  const raw = Buffer.alloc((stride + 1) * height);
  const row = new Uint8Array(stride);
  const sub = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    if (inChannels === bpp) {
      row.set(rgba.subarray(y * stride, (y + 1) * stride));
    } else {
      // 4 -> 3 channels (RGB out of RGBA); 3 -> 4 never happens (alpha is only kept for 4-channel input).
      for (let x = 0, s = y * width * 4, d = 0; x < width; x++, s += 4, d += 3) {
        row[d] = rgba[s]!;
        row[d + 1] = rgba[s + 1]!;
        row[d + 2] = rgba[s + 2]!;
      }
    }
    let costNone = 0;
    let costSub = 0;
    for (let i = 0; i < stride; i++) {
      const v = (row[i]! - (i >= bpp ? row[i - bpp]! : 0)) & 0xff;
      sub[i] = v;
      costNone += row[i]! < 128 ? row[i]! : 256 - row[i]!;
      costSub += v < 128 ? v : 256 - v;
    }
    const o = y * (stride + 1);
    if (costSub < costNone) {
      raw[o] = 1;
      raw.set(sub, o + 1);
    } else {
      raw[o] = 0;
      raw.set(row, o + 1);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = alpha ? 6 : 2; // colour type
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: options.level ?? 6 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
