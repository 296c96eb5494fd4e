import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distancesAtSamples, edt, squaredEdt } from '../../src/metrics/edt.ts';
import { makeGrid } from '../../src/metrics/grid.ts';
import { close, coords, dist2, fixture, randomMask, rng, unpackF64, unpackU8 } from './helpers.ts';

/** Brute force: min over feature voxels of the squared spacing-weighted distance. */
function bruteSquared(feature: Uint8Array, shape: number[], spacing: number[]): Float64Array {
  const feats: number[][] = [];
  for (let j = 0; j < feature.length; j++) if (feature[j]) feats.push(coords(j, shape));
  const out = new Float64Array(feature.length);
  for (let i = 0; i < feature.length; i++) {
    const c = coords(i, shape);
    let best = Number.POSITIVE_INFINITY;
    for (const f of feats) best = Math.min(best, dist2(c, f, spacing));
    out[i] = best;
  }
  return out;
}

test('edt: squared distances equal brute force on random 3D masks with anisotropic spacing (rel 1e-12)', () => {
  const r = rng(7);
  for (let trial = 0; trial < 40; trial++) {
    const shape = [1 + Math.floor(r() * 7), 1 + Math.floor(r() * 8), 1 + Math.floor(r() * 9)];
    const spacing = [0.3 + 3 * r(), 0.3 + 3 * r(), 0.3 + 3 * r()];
    const size = shape[0]! * shape[1]! * shape[2]!;
    const feature = randomMask(size, [0.01, 0.05, 0.2, 0.6][trial % 4]!, r);
    const got = squaredEdt(feature, shape, spacing);
    const want = bruteSquared(feature, shape, spacing);
    for (let i = 0; i < size; i++) {
      const w = want[i]!;
      if (w === Number.POSITIVE_INFINITY) assert.equal(got[i], w);
      else close(got[i]!, w, 1e-12 * Math.max(1, w), `trial ${trial} voxel ${i}`);
    }
  }
});

test('edt: 2D and 1D random masks equal brute force (rel 1e-12)', () => {
  const r = rng(11);
  for (let trial = 0; trial < 30; trial++) {
    const twoD = trial % 3 !== 0;
    const shape = twoD ? [1 + Math.floor(r() * 12), 1 + Math.floor(r() * 12)] : [1 + Math.floor(r() * 30)];
    const spacing = shape.map(() => 0.2 + 2 * r());
    const size = shape.reduce((a, b) => a * b, 1);
    const feature = randomMask(size, 0.1, r);
    const got = squaredEdt(feature, shape, spacing);
    const want = bruteSquared(feature, shape, spacing);
    for (let i = 0; i < size; i++) {
      const w = want[i]!;
      if (w === Number.POSITIVE_INFINITY) assert.equal(got[i], w);
      else close(got[i]!, w, 1e-12 * Math.max(1, w), `trial ${trial} voxel ${i}`);
    }
  }
});

test('edt: closed form for a single feature voxel with spacing (1e-12)', () => {
  const shape = [6, 7, 8];
  const feature = new Uint8Array(6 * 7 * 8);
  feature[(1 * 7 + 2) * 8 + 3] = 1;
  const d = edt(feature, shape, [2.5, 0.5, 1.25]);
  // voxel (4, 0, 7): deltas (3, -2, 4) -> sqrt(7.5^2 + 1^2 + 5^2)
  close(d[(4 * 7 + 0) * 8 + 7]!, Math.sqrt(7.5 ** 2 + 1 + 25), 1e-12, 'distance (4,0,7)');
  assert.equal(d[(1 * 7 + 2) * 8 + 3], 0);
  // unit spacing default: voxel (1, 2, 0) is 3 voxels away along W
  close(edt(feature, shape)[(1 * 7 + 2) * 8 + 0]!, 3, 1e-12, 'distance (1,2,0)');
});

test('edt: empty feature set gives Infinity everywhere, full feature set gives 0', () => {
  const shape = [3, 4, 5];
  const d = edt(new Uint8Array(60), shape, [1, 2, 3]);
  assert.ok(d.every((x) => x === Number.POSITIVE_INFINITY));
  const z = edt(new Uint8Array(60).fill(1), shape);
  assert.ok(z.every((x) => x === 0));
  assert.ok(edt(new Uint8Array(7), [7]).every((x) => x === Number.POSITIVE_INFINITY));
});

test('edt: rejects mismatched spacing, shape and length', () => {
  assert.throws(() => edt(new Uint8Array(12), [3, 4], [1, 1, 1]), RangeError);
  assert.throws(() => edt(new Uint8Array(12), [3, 5]), RangeError);
  assert.throws(() => edt(new Uint8Array(12), [3, 4], [1, 0]), RangeError);
  assert.throws(() => edt(new Uint8Array(16), [2, 2, 2, 2]), RangeError);
});

interface EdtFixture {
  cases: { shape: number[]; spacing: number[] | null; feature: string; distance: string }[];
}

test('edt: equals scipy distance_transform_edt(feature == 0, sampling) on the golden masks (abs 1e-6)', () => {
  const fx = fixture<EdtFixture>('edt.json');
  assert.ok(fx.cases.length >= 6);
  for (const [k, c] of fx.cases.entries()) {
    const feature = unpackU8(c.feature);
    const want = unpackF64(c.distance);
    const got = edt(feature, c.shape, c.spacing ?? undefined);
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) close(got[i]!, want[i]!, 1e-6, `edt case ${k} voxel ${i}`);
  }
});

test('distancesAtSamples: equals the full transform read at the samples, C order (exact)', () => {
  const r = rng(13);
  const shapes = [[5, 6, 7], [1, 6, 9], [6, 1, 5], [4, 5, 1], [8, 9], [1, 12], [11]];
  for (let t = 0; t < 42; t++) {
    const shape = shapes[t % shapes.length]!;
    const spacing = shape.map(() => 0.4 + 2 * r());
    const size = shape.reduce((a, b) => a * b, 1);
    const feature = randomMask(size, t % 6 === 5 ? 0 : 0.08, r);
    const samples = randomMask(size, 0.15, r);
    const full = edt(feature, shape, spacing);
    const want = full.filter((_, i) => samples[i] !== 0);
    const got = distancesAtSamples(feature, samples, makeGrid(shape, spacing));
    assert.deepEqual(Array.from(got), Array.from(want), `trial ${t} shape [${shape}]`);
  }
});
