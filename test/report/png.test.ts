import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32, encodePng } from '../../src/report/png.ts';
import { decodePng, slowCrc } from './helpers.ts';

function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

test('crc32: known check values ("123456789" -> cbf43926, IEND chunk -> ae426082, empty -> 0)', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new TextEncoder().encode('IEND')), 0xae426082);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const data = noise(1000, 3);
  assert.equal(crc32(data), slowCrc(data));
  assert.equal(crc32(data.subarray(600), crc32(data.subarray(0, 600))), crc32(data), 'continued CRC');
});

test('encodePng: RGBA with transparency round-trips exactly (colour type 6), CRCs valid', () => {
  const w = 37;
  const h = 23;
  const px = noise(w * h * 4, 1);
  const png = encodePng(w, h, px);
  const d = decodePng(png);
  assert.deepEqual(d.chunks, ['IHDR', 'IDAT', 'IEND']);
  assert.equal(d.width, w);
  assert.equal(d.height, h);
  assert.equal(d.channels, 4);
  assert.deepEqual(d.rgba, px);
});

test('encodePng: opaque RGBA is written as RGB (colour type 2); rgb input and forced modes', () => {
  const w = 16;
  const h = 9;
  const px = noise(w * h * 4, 2);
  for (let i = 3; i < px.length; i += 4) px[i] = 255;
  const d = decodePng(encodePng(w, h, px));
  assert.equal(d.channels, 3);
  assert.deepEqual(d.rgba, px);
  const forced = decodePng(encodePng(w, h, px, { color: 'rgba' }));
  assert.equal(forced.channels, 4);
  assert.deepEqual(forced.rgba, px);
  const rgb = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) for (let k = 0; k < 3; k++) rgb[p * 3 + k] = px[p * 4 + k]!;
  assert.deepEqual(decodePng(encodePng(w, h, rgb)).rgba, px, '3-byte input');
  // Dropping alpha from a translucent image keeps the colour bytes.
  px[3] = 10;
  const dropped = decodePng(encodePng(w, h, px, { color: 'rgb' }));
  assert.equal(dropped.channels, 3);
  assert.deepEqual([...dropped.rgba.subarray(0, 4)], [px[0], px[1], px[2], 255]);
});

test('encodePng: smooth gradients use the Sub filter and compress; 1x1 works', () => {
  const w = 200;
  const h = 50;
  const px = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      px[o] = x;
      px[o + 1] = (x * 2 + y) & 0xff;
      px[o + 2] = 255 - x;
      px[o + 3] = 255;
    }
  }
  const png = encodePng(w, h, px);
  assert.ok(png.length < w * h, `compressed to ${png.length} bytes`);
  const d = decodePng(png);
  assert.deepEqual(d.rgba, px);
  assert.ok(
    d.filters.every((f) => f === 1),
    'Sub on every row',
  );
  assert.ok(
    decodePng(encodePng(4, 4, new Uint8Array(64))).filters.every((f) => f === 0),
    'None on zeros',
  );
  const one = decodePng(encodePng(1, 1, Uint8Array.of(1, 2, 3, 4)));
  assert.deepEqual([...one.rgba], [1, 2, 3, 4]);
});

test('encodePng: rejects empty sizes and wrong buffer lengths', () => {
  assert.throws(() => encodePng(0, 1, new Uint8Array(0)), RangeError);
  assert.throws(() => encodePng(2, 2, new Uint8Array(15)), RangeError);
  assert.throws(() => encodePng(1.5, 2, new Uint8Array(12)), RangeError);
});
