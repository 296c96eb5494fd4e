import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asd, assd, hd95, percentile, surfaceDistances, surfaceMask } from '../../src/metrics/surface.ts';
import { bruteDirected, bruteSurface, close, randomMask, rng } from './helpers.ts';

const sum = (a: ArrayLike<number>): number => Array.from(a).reduce((x, y) => x + y, 0);

/** spec/dhc.md §12 G10 masks on the (4, 6, 6) grid. */
function g10(): { P: Uint8Array; G: Uint8Array; shape: number[] } {
  const P = new Uint8Array(144);
  const G = new Uint8Array(144);
  const at = (d: number, h: number, w: number): number => (d * 6 + h) * 6 + w;
  for (let d = 1; d <= 2; d++) for (let h = 1; h <= 3; h++) for (let w = 1; w <= 3; w++) P[at(d, h, w)] = 1;
  for (let d = 1; d <= 3; d++) for (let h = 2; h <= 4; h++) for (let w = 1; w <= 4; w++) G[at(d, h, w)] = 1;
  return { P, G, shape: [4, 6, 6] };
}

test('surface: full 3x3x3 block has 26 surface voxels, full 3x3 image 8 (spec G10)', () => {
  const s3 = surfaceMask(new Uint8Array(27).fill(1), [3, 3, 3]);
  assert.equal(sum(s3), 26);
  assert.equal(s3[13], 0);
  const s2 = surfaceMask(new Uint8Array(9).fill(1), [3, 3]);
  assert.equal(sum(s2), 8);
  assert.equal(s2[4], 0);
});

test('surface: voxels on the array border are surface; a one-slice 3D volume is all surface', () => {
  // whole 4x5x6 volume: only the 2x3x4 interior survives erosion (border value 0)
  assert.equal(sum(surfaceMask(new Uint8Array(120).fill(1), [4, 5, 6])), 120 - 2 * 3 * 4);
  // [1, 5, 6] is 3D: the missing D neighbours are background, so every voxel is surface ...
  assert.equal(sum(surfaceMask(new Uint8Array(30).fill(1), [1, 5, 6])), 30);
  // ... whereas the same data as a 2D [5, 6] image keeps its 3x4 interior
  assert.equal(sum(surfaceMask(new Uint8Array(30).fill(1), [5, 6])), 30 - 12);
});

test('surface: matches the definition on random 2D and 3D masks', () => {
  const r = rng(3);
  for (let t = 0; t < 30; t++) {
    const shape =
      t % 2
        ? [2 + Math.floor(r() * 8), 2 + Math.floor(r() * 8)]
        : [1 + Math.floor(r() * 6), 1 + Math.floor(r() * 6), 1 + Math.floor(r() * 6)];
    const n = shape.reduce((a, b) => a * b, 1);
    const m = randomMask(n, 0.7, r);
    assert.deepEqual(surfaceMask(m, shape), bruteSurface(m, shape), `trial ${t}`);
  }
});

test('surface distances: both directions equal brute force over surface voxel pairs (1e-12)', () => {
  const r = rng(5);
  for (let t = 0; t < 40; t++) {
    const three = t % 3 !== 0;
    const shape = three
      ? [1 + Math.floor(r() * 7), 1 + Math.floor(r() * 7), 1 + Math.floor(r() * 7)]
      : [1 + Math.floor(r() * 12), 1 + Math.floor(r() * 12)];
    const spacing = shape.map(() => 0.25 + 3 * r());
    const n = shape.reduce((a, b) => a * b, 1);
    const a = randomMask(n, 0.3, r);
    const b = randomMask(n, 0.3, r);
    if (!a.some((x) => x) || !b.some((x) => x)) continue;
    const sa = bruteSurface(a, shape);
    const sb = bruteSurface(b, shape);
    const sd = surfaceDistances(a, b, shape, spacing);
    const ab = bruteDirected(sa, sb, shape, spacing);
    const ba = bruteDirected(sb, sa, shape, spacing);
    assert.equal(sd.resultToReference.length, ab.length);
    assert.equal(sd.referenceToResult.length, ba.length);
    for (const [i, x] of ab.entries()) close(sd.resultToReference[i]!, x, 1e-12, `t${t} ab[${i}]`);
    for (const [i, x] of ba.entries()) close(sd.referenceToResult[i]!, x, 1e-12, `t${t} ba[${i}]`);
    const mean = ab.reduce((x, y) => x + y, 0) / ab.length;
    close(asd(a, b, shape, spacing), mean, 1e-12, `t${t} asd`);
  }
});

test('surface distances: cropping is invisible — embedding in a larger volume changes nothing', () => {
  const r = rng(9);
  for (let t = 0; t < 20; t++) {
    const s = [2 + Math.floor(r() * 5), 2 + Math.floor(r() * 5), 2 + Math.floor(r() * 5)];
    const n = s[0]! * s[1]! * s[2]!;
    const a = randomMask(n, 0.5, r);
    const b = randomMask(n, 0.5, r);
    if (!a.some((x) => x) || !b.some((x) => x)) continue;
    const sp = [1.5, 0.5, 2];
    // pad by 3 voxels on every side: masks no longer touch the border, so border voxels of the small volume
    // that are surface only because of the array edge stay surface (background outside), same distances
    const big = [s[0]! + 6, s[1]! + 6, s[2]! + 6];
    const A = new Uint8Array(big[0]! * big[1]! * big[2]!);
    const B = new Uint8Array(A.length);
    for (let d = 0; d < s[0]!; d++)
      for (let h = 0; h < s[1]!; h++)
        for (let w = 0; w < s[2]!; w++) {
          const i = (d * s[1]! + h) * s[2]! + w;
          const j = ((d + 3) * big[1]! + h + 3) * big[2]! + w + 3;
          A[j] = a[i]!;
          B[j] = b[i]!;
        }
    close(hd95(A, B, big, sp), hd95(a, b, s, sp), 1e-12, `t${t} hd95`);
    close(asd(A, B, big, sp), asd(a, b, s, sp), 1e-12, `t${t} asd`);
    close(asd(B, A, big, sp), asd(b, a, s, sp), 1e-12, `t${t} asd reverse`);
  }
});

test('surface metrics: spec G10 values (medpy asd, unit spacing, 1e-7)', () => {
  const { P, G, shape } = g10();
  close(asd(P, G, shape), 0.4444444, 1e-7, 'asd(P,G)');
  close(asd(G, P, shape), 0.8126925, 1e-7, 'asd(G,P)');
  const P1 = new Uint8Array(144);
  P1[0] = 1;
  close(asd(P1, G, shape), Math.sqrt(6), 1e-12, "asd(P',G)");
  close(assd(P, G, shape), (0.4444444444444444 + 0.8126925218876632) / 2, 1e-7, 'assd');
});

test('surface metrics: two single voxels — every distance is their separation', () => {
  const shape = [6, 7, 8];
  const a = new Uint8Array(336);
  const b = new Uint8Array(336);
  a[(1 * 7 + 2) * 8 + 3] = 1;
  b[(4 * 7 + 0) * 8 + 7] = 1;
  const sp = [2.5, 0.5, 1.25];
  const dist = Math.sqrt(7.5 ** 2 + 1 + 25);
  close(hd95(a, b, shape, sp), dist, 1e-12, 'hd95');
  close(asd(a, b, shape, sp), dist, 1e-12, 'asd');
  close(asd(a, b, shape), Math.sqrt(9 + 4 + 16), 1e-12, 'asd voxels');
});

test('percentile: numpy linear rule', () => {
  // np.percentile([1, 2, 3, 4], 95) = 3.85; np.percentile(range(11), 95) = 9.5; single value -> itself
  close(percentile(Float64Array.from([4, 1, 3, 2]), 95), 3.85, 1e-12, 'p95 of 1..4');
  close(
    percentile(
      Float64Array.from({ length: 11 }, (_, i) => 10 - i),
      95,
    ),
    9.5,
    1e-12,
    'p95 of 0..10',
  );
  assert.equal(percentile(Float64Array.from([2.5]), 95), 2.5);
  assert.ok(Number.isNaN(percentile(new Float64Array(0), 95)));
  close(percentile(Float64Array.from([0, 10]), 50), 5, 1e-12, 'median');
});

test('surface metrics: HD95 pools both directions (not the max of two directed percentiles)', () => {
  // 1D: a = {0}, b = {0..9}. Surfaces: a = {0}, b = {0, 9}. a->b = [0]; b->a = [0, 9].
  // pooled [0, 0, 9]: p95 = 0 + 0.9 * 9 = 8.1; max of directed p95s would be 8.55.
  const a = new Uint8Array(10);
  a[0] = 1;
  const b = new Uint8Array(10).fill(1);
  close(hd95(a, b, [10]), 8.1, 1e-12, 'hd95 pooled');
});

test('surface metrics: empty masks give NaN (medpy raises), distance lists stay defined', () => {
  const shape = [3, 4, 5];
  const a = new Uint8Array(60);
  const b = new Uint8Array(60);
  b[7] = 1;
  assert.ok(Number.isNaN(hd95(a, b, shape)));
  assert.ok(Number.isNaN(asd(a, b, shape)));
  assert.ok(Number.isNaN(asd(b, a, shape)));
  assert.ok(Number.isNaN(assd(a, a, shape)));
  const sd = surfaceDistances(b, a, shape);
  assert.equal(sd.referenceToResult.length, 0);
  assert.deepEqual(Array.from(sd.resultToReference), [Number.POSITIVE_INFINITY]);
});
