import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../src/data/random.ts';
import type { Sample } from '../../src/data/sample.ts';
import { flip, randomFlip, randomRot90Flip, rot90 } from '../../src/data/transforms/flip.ts';
import { randomRotate, rotate } from '../../src/data/transforms/rotate.ts';
import { zoomIndexMap, zoomNearest } from '../../src/data/transforms/zoom.ts';

const grid23: Sample = {
  image: Float32Array.from([1, 2, 3, 4, 5, 6]),
  label: Uint8Array.from([1, 2, 3, 0, 1, 2]),
  shape: [1, 2, 3],
};

function randomVolume(shape: Sample['shape'], seed: number): Sample {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return {
    image: Float32Array.from({ length: n }, () => r.float()),
    label: Uint8Array.from({ length: n / shape[0] }, () => r.int(0, 4)),
    shape,
  };
}

test('flip of a 2x3 slice by hand', () => {
  assert.deepEqual(Array.from(flip(grid23, [1]).image), [3, 2, 1, 6, 5, 4]);
  assert.deepEqual(Array.from(flip(grid23, [1]).label!), [3, 2, 1, 2, 1, 0]);
  assert.deepEqual(Array.from(flip(grid23, [0]).image), [4, 5, 6, 1, 2, 3]);
  assert.deepEqual(Array.from(flip(grid23, [0, 1]).image), [6, 5, 4, 3, 2, 1]);
  assert.deepEqual(Array.from(flip(grid23, []).image), [1, 2, 3, 4, 5, 6]);
});

test('flips are involutions and commute, on a 2-channel volume', () => {
  const v = randomVolume([2, 3, 4, 5], 1);
  for (const axes of [[0], [1], [2], [0, 2], [0, 1, 2]]) {
    assert.deepEqual(flip(flip(v, axes), axes), v);
  }
  assert.deepEqual(flip(flip(v, [0]), [2]), flip(v, [0, 2]));
  assert.deepEqual(flip(flip(v, [2]), [0]), flip(v, [0, 2]));
  // first channel of a D flip: voxel (0,0,0) comes from (2,0,0) = flat 40
  assert.equal(flip(v, [0]).image[0], v.image[40]);
  // the second channel is flipped too: (c=1, 0,0,0) from (c=1, 2,0,0) = 60 + 40
  assert.equal(flip(v, [0]).image[60], v.image[100]);
});

test('rot90 matches numpy rot90 by hand and composes', () => {
  const r1 = rot90(grid23, 1, [0, 1]);
  assert.deepEqual(r1.shape, [1, 3, 2]);
  assert.deepEqual(Array.from(r1.image), [3, 6, 2, 5, 1, 4]); // np.rot90([[1,2,3],[4,5,6]])
  assert.deepEqual(Array.from(r1.label!), [3, 2, 2, 1, 1, 0]);
  assert.deepEqual(Array.from(rot90(grid23, 3, [0, 1]).image), [4, 1, 5, 2, 6, 3]);
  assert.deepEqual(Array.from(rot90(grid23, -1, [0, 1]).image), [4, 1, 5, 2, 6, 3]);
  const v = randomVolume([1, 3, 4, 5], 2);
  for (const plane of [
    [0, 1],
    [1, 2],
    [2, 1],
    [0, 2],
  ] as [number, number][]) {
    assert.deepEqual(rot90(rot90(v, 1, plane), 3, plane), v, `plane ${plane}`);
    assert.deepEqual(rot90(rot90(rot90(rot90(v, 1, plane), 1, plane), 1, plane), 1, plane), v);
    assert.deepEqual(rot90(v, 2, plane), flip(v, plane));
    assert.deepEqual(rot90(v, 1, plane), rot90(v, -1, [plane[1], plane[0]]));
    assert.deepEqual(rot90(v, 4, plane), v);
  }
  assert.deepEqual(rot90(v, 1, [1, 2]).shape, [1, 3, 5, 4]);
});

test('rotation by 0 degrees is the identity; by 90 it equals rot90 on a square plane', () => {
  const v = randomVolume([2, 3, 5, 5], 3);
  assert.deepEqual(rotate(v, 0, [1, 2], 1), v);
  assert.deepEqual(rotate(v, 0, [1, 2], 0), v);
  assert.deepEqual(rotate(v, 90, [1, 2], 0), rot90(v, 1, [1, 2]));
  assert.deepEqual(rotate(v, 360, [0, 2], 1), v);
});

test('rotation by 45 degrees by hand (scipy.ndimage.rotate semantics)', () => {
  const s: Sample = {
    image: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]),
    label: Uint8Array.from([1, 2, 3, 1, 2, 3, 1, 2, 3]),
    shape: [1, 3, 3],
  };
  const n = rotate(s, 45, [0, 1], 0);
  assert.deepEqual(Array.from(n.image), [0, 3, 0, 1, 5, 9, 0, 7, 0]);
  assert.deepEqual(Array.from(n.label!), [0, 3, 0, 1, 2, 3, 0, 1, 0]);
  const l = rotate(s, 45, [0, 1], 1);
  const expected = [0, 3.5857863, 0, 2.171573, 5, 7.8284273, 0, 6.4142137, 0];
  for (let i = 0; i < 9; i++) assert.ok(Math.abs(l.image[i]! - expected[i]!) < 1e-6, `${i}: ${l.image[i]}`);
  assert.deepEqual(Array.from(l.label!), [0, 3, 0, 1, 2, 3, 0, 1, 0], 'labels stay nearest');
});

test('random rotation draws integer angles in [min, max) and keeps label values', () => {
  const s = randomVolume([1, 9, 9], 4);
  const r = new Random(5);
  const labels = new Set(s.label);
  for (let i = 0; i < 20; i++) {
    const o = randomRotate(s, r, [0, 1], -20, 20, 0);
    assert.deepEqual(o.shape, [1, 9, 9]);
    for (const v of o.label!) assert.ok(v === 0 || labels.has(v));
  }
  const a = randomRotate(s, new Random(6), [0, 1], 7, 8, 1);
  assert.deepEqual(a, rotate(s, 7, [0, 1], 1));
});

test('scipy order-0 zoom index maps, including the overshoot that becomes 0', () => {
  assert.deepEqual(Array.from(zoomIndexMap(3, 5)), [0, 1, 1, 2, 2]);
  assert.deepEqual(Array.from(zoomIndexMap(5, 3)), [0, 2, 4]);
  assert.deepEqual(Array.from(zoomIndexMap(4, 1)), [0]);
  assert.equal(zoomIndexMap(256, 216)[215], -1); // 215 * (255/215) = 255.00000000000003 > 255
  assert.equal(zoomIndexMap(216, 256)[255], 215);
  const z = zoomNearest(grid23, [4, 5]);
  assert.deepEqual(z.shape, [1, 4, 5]);
  // rows 0->[0,0,1,1] (ratio 1/3), cols ratio 2/4: [0,1,1,2,2]
  assert.deepEqual(Array.from(z.image), [1, 2, 2, 3, 3, 1, 2, 2, 3, 3, 4, 5, 5, 6, 6, 4, 5, 5, 6, 6]);
  assert.deepEqual(Array.from(z.label!.subarray(0, 5)), [1, 2, 2, 3, 3]);
});

test('random flip and rot-flip are deterministic for a seed and only permute voxels', () => {
  const v = randomVolume([1, 4, 6, 6], 7);
  const a = randomFlip(v, new Random(1), [1, 2]);
  const b = randomFlip(v, new Random(1), [1, 2]);
  assert.deepEqual(a, b);
  const sorted = (x: Float32Array) => Array.from(x).sort((p, q) => p - q);
  assert.deepEqual(sorted(a.image), sorted(v.image));
  let flipped = 0;
  for (let seed = 0; seed < 400; seed++) {
    const o = randomFlip(v, new Random(seed), [2], 0.5);
    if (o.image[0] !== v.image[0]) flipped++;
  }
  assert.ok(flipped > 150 && flipped < 250, `flipped ${flipped}/400`);
  const rf = randomRot90Flip(v, new Random(3), [2, 1]);
  assert.deepEqual(sorted(rf.image), sorted(v.image));
  assert.deepEqual(rf.shape, [1, 4, 6, 6]);
});

test('CML RandomRotFlip always yields one of the 4 reflections of the plane (never the identity)', () => {
  const v = randomVolume([1, 2, 3, 3], 9);
  const key = (x: Sample) => Array.from(x.image).join(',');
  const allowed = new Set<string>();
  for (let k = 0; k < 4; k++) for (const axis of [1, 2]) allowed.add(key(flip(rot90(v, k, [2, 1]), [axis])));
  // flip_1 after rot^k equals flip_2 after rot^(k+2): 8 draws, 4 distinct outcomes
  assert.equal(allowed.size, 4);
  assert.ok(!allowed.has(key(v)));
  const seen = new Set<string>();
  for (let seed = 0; seed < 200; seed++) {
    const o = key(randomRot90Flip(v, new Random(seed), [2, 1]));
    assert.ok(allowed.has(o));
    seen.add(o);
  }
  assert.equal(seen.size, 4);
});

test('spatial transform errors name the field', () => {
  const v = randomVolume([1, 3, 4, 5], 8);
  assert.throws(
    () => flip(v, [3]),
    /flip axes: spatial axis 3 is out of range for a 3D sample \(expected 0..2\)/,
  );
  assert.throws(() => flip(v, [1, 1]), /flip axes: axis 1 listed twice/);
  assert.throws(() => rot90(v, 1, [1, 1]), /rot90 plane: expected two different axes/);
  assert.throws(() => rot90(v, 0.5, [0, 1]), /rot90 k: expected an integer/);
  assert.throws(() => rotate(v, 10, [0, 1], 1, 1 as 0), /rotate labelOrder: expected 0/);
  assert.throws(() => rotate(v, Number.NaN, [0, 1]), /rotate degrees: expected a finite number/);
  assert.throws(
    () => randomRotate(v, new Random(0), [0, 1], 5, 5),
    /randomRotate degrees: expected integers min < max/,
  );
  assert.throws(() => zoomNearest(v, [2, 2]), /zoomNearest size: expected 3 positive integers/);
  assert.throws(() => randomFlip(v, new Random(0), [0], 2), /randomFlip p: expected a probability/);
});
