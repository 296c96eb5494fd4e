/**
 * Resize kernels against PyTorch 1.13 (`scripts/golden/preprocess.py`, F.interpolate with a target size) and the
 * DHC spec's G6 golden index maps. Tolerances: legacy nearest and label maps exact; trilinear / bilinear 1e-6
 * absolute on unit-range inputs (the same libtorch kernels run here, so in practice identical); the full-size
 * Synapse-like volume (96x512x512 -> 80x160x160, values -500..508) 1e-4 absolute per sampled voxel and 1e-6
 * relative on sums.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ctWindowNormalize } from '../../src/data/preprocess/intensity.ts';
import {
  halveInPlane,
  legacyNearestIndex,
  resizedSpacing,
  resizeImage,
  resizeLabel,
} from '../../src/data/preprocess/resize.ts';
import { assertClose, bigImage, checksum, fixtureJson, labelsOf, smallImage } from './preprocess-helpers.ts';

interface Stats {
  sum: number;
  sumsq: number;
  min: number;
  max: number;
  samples: [number, number][];
}

interface ResizeGolden {
  torch: string;
  nearest_maps: { in: number; out: number; index: number[] }[];
  trilinear: { shape: number[]; size: number[]; out: number[] }[];
  bilinear: { shape: number[]; size: number[]; out: number[] }[];
  nearest: { shape: number[]; size: number[]; out: number[] }[];
  big: {
    shape: number[];
    size: number[];
    image: Stats;
    label: { checksum: number; hist: number[] };
    windowed: Stats;
    halved: { size: number[]; image: Stats; label_checksum: number };
  };
}

const G = fixtureJson<ResizeGolden>('resize.json');
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function assertStats(a: Float32Array, s: Stats, what: string): void {
  let sum = 0;
  let sumsq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of a) {
    sum += v;
    sumsq += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.ok(Math.abs(sum - s.sum) <= 1e-6 * Math.abs(s.sum) + 1e-3, `${what}: sum ${sum} vs ${s.sum}`);
  assert.ok(Math.abs(sumsq - s.sumsq) <= 1e-6 * s.sumsq, `${what}: sum of squares ${sumsq} vs ${s.sumsq}`);
  assert.ok(Math.abs(min - s.min) <= 1e-4 && Math.abs(max - s.max) <= 1e-4, `${what}: range`);
  for (const [i, v] of s.samples) assert.ok(Math.abs(a[i]! - v) <= 1e-4, `${what}[${i}] = ${a[i]} vs ${v}`);
}

test('G6: legacy nearest source indices (DHC spec §12) from the float32 formula and from libtorch', () => {
  const g6: [number, number, number[]][] = [
    [7, 3, [0, 2, 4]],
    [5, 8, [0, 0, 1, 1, 2, 3, 3, 4]],
  ];
  for (const [i, o, want] of g6) {
    assert.deepEqual([...legacyNearestIndex(i, o)], want, `${i}->${o}`);
    const src = Uint8Array.from({ length: i }, (_, k) => k);
    assert.deepEqual([...resizeLabel(src, [1, 1, i], [1, 1, o])], want, `libtorch ${i}->${o}`);
  }
  const m100 = [...legacyNearestIndex(100, 72)];
  assert.deepEqual(m100.slice(0, 12), [0, 1, 2, 4, 5, 6, 8, 9, 11, 12, 13, 15]);
  assert.deepEqual(m100.slice(-3), [95, 97, 98]);
  assert.deepEqual([...legacyNearestIndex(512, 144)].slice(0, 8), [0, 3, 7, 10, 14, 17, 21, 24]);
});

test('legacy nearest index maps equal PyTorch for 12 size pairs, formula and libtorch', () => {
  for (const m of G.nearest_maps) {
    assert.deepEqual([...legacyNearestIndex(m.in, m.out)], m.index, `formula ${m.in}->${m.out}`);
    // libtorch on a ramp (values up to 511 need a float ramp, exact in float32)
    const ramp = Float32Array.from({ length: m.in }, (_, k) => k);
    const lab = resizeLabel(
      Uint8Array.from(ramp, (v) => v % 256),
      [1, 1, m.in],
      [1, 1, m.out],
    );
    assert.deepEqual(
      [...lab],
      m.index.map((v) => v % 256),
      `libtorch ${m.in}->${m.out}`,
    );
  }
});

test('G6: trilinear 1-D and 3-D values, Synapse-style halving (DHC spec §12)', () => {
  const ramp = (n: number) => Float32Array.from({ length: n }, (_, k) => k);
  assertClose(resizeImage(ramp(7), [1, 1, 1, 7], [1, 1, 3]), [0.6666667, 3, 5.333333], 1e-5, '7->3');
  assertClose(
    resizeImage(ramp(5), [1, 1, 1, 5], [1, 1, 8]),
    [0, 0.4375, 1.0625, 1.6875, 2.3125, 2.9375, 3.5625, 4],
    1e-6,
    '5->8',
  );
  const h = halveInPlane(ramp(32), [1, 2, 4, 4], Uint8Array.from(ramp(32)));
  assert.deepEqual(h.shape, [1, 2, 2, 2]);
  assertClose(h.image, [2.5, 4.5, 10.5, 12.5, 18.5, 20.5, 26.5, 28.5], 1e-6, 'halved image');
  assert.deepEqual([...h.label!], [0, 2, 8, 10, 16, 18, 24, 26]);
  const x = ramp(60);
  const tri = [
    6.33333, 6.83333, 7.5, 8.16667, 8.83333, 9.33333, 13, 13.5, 14.16667, 14.83333, 15.5, 16, 19.66667,
    20.16667, 20.83333, 21.5, 22.16667, 22.66667, 36.33333, 36.83333, 37.5, 38.16667, 38.83333, 39.33333, 43,
    43.5, 44.16667, 44.83333, 45.5, 46, 49.66667, 50.16667, 50.83333, 51.5, 52.16667, 52.66667,
  ];
  assertClose(resizeImage(x, [1, 3, 5, 4], [2, 3, 6]), tri, 1e-4, '3-D trilinear');
  const near = [
    0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 6, 7, 12, 12, 13, 14, 14, 15, 20, 20, 21, 22, 22, 23, 24, 24, 25, 26, 26,
    27, 32, 32, 33, 34, 34, 35,
  ];
  assert.deepEqual([...resizeLabel(Uint8Array.from(x), [3, 5, 4], [2, 3, 6])], near);
});

test('trilinear and bilinear (align_corners=False) equal PyTorch on 7 small inputs (tol 1e-6)', () => {
  for (const c of [...G.trilinear, ...G.bilinear]) {
    const out = resizeImage(smallImage(prod(c.shape)), [1, ...c.shape], c.size);
    assertClose(out, c.out, 1e-6, `${c.shape} -> ${c.size}`);
  }
});

test('multi-channel images resize every channel alike', () => {
  const a = smallImage(5 * 7 * 6);
  const two = new Float32Array(a.length * 2);
  two.set(a);
  two.set(
    a.map((v) => v * 2),
    a.length,
  );
  const out = resizeImage(two, [2, 5, 7, 6], [3, 10, 4]);
  const ref = G.trilinear[0]!.out;
  assertClose(out.subarray(0, 120), ref, 1e-6, 'channel 0');
  assertClose(
    out.subarray(120),
    ref.map((v) => v * 2),
    2e-6,
    'channel 1',
  );
});

test('legacy nearest label maps equal PyTorch exactly (3-D and 2-D)', () => {
  for (const c of G.nearest) {
    const out = resizeLabel(labelsOf(prod(c.shape)), c.shape, c.size);
    assert.deepEqual([...out], c.out, `${c.shape} -> ${c.size}`);
  }
});

test('full size: 96x512x512 -> 80x160x160 image, labels, window, and the HEAD halving equal PyTorch', () => {
  const { shape, size } = G.big;
  const img = bigImage(prod(shape));
  const lab = labelsOf(prod(shape));
  const r = resizeImage(img, [1, ...shape], size);
  assertStats(r, G.big.image, 'resized image');
  const rl = resizeLabel(lab, shape, size);
  assert.equal(checksum(rl), G.big.label.checksum);
  const hist = new Array<number>(14).fill(0);
  for (const v of rl) hist[v]!++;
  assert.deepEqual(hist, G.big.label.hist);
  assertStats(ctWindowNormalize(r), G.big.windowed, 'windowed');
  const h = halveInPlane(img, [1, ...shape], lab);
  assert.deepEqual(h.shape, [1, ...G.big.halved.size]);
  assertStats(h.image, G.big.halved.image, 'halved image');
  assert.equal(checksum(h.label!), G.big.halved.label_checksum);
});

test('resize: same size copies, spacing scales by in/out (mm), bad sizes throw one line', () => {
  const a = smallImage(24);
  const same = resizeImage(a, [1, 2, 3, 4], [2, 3, 4]);
  assert.deepEqual(same, a);
  assert.notEqual(same, a);
  assert.deepEqual(resizedSpacing([2, 0.5, 0.5], [100, 512, 512], [80, 160, 160]), [2.5, 1.6, 1.6]);
  assert.equal(resizedSpacing(null, [4], [2]), null);
  assert.throws(
    () => resizeImage(a, [1, 2, 3, 4], [2, 3]),
    /resizeImage: size \[2, 3\] does not match the 3 spatial axes/,
  );
  assert.throws(() => resizeImage(new Float32Array(0), [1, 0, 3, 4], [2, 3, 4]), /expected positive sizes/);
  assert.throws(
    () => resizeLabel(new Uint8Array(5), [2, 3], [4, 4]),
    /label has 5 values but shape \[2, 3\] needs 6/,
  );
  assert.throws(() => halveInPlane(a, [1, 24, 1, 1], null), /expected at least 2/);
});
