import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../src/data/random.ts';
import { type Sample, stackSamples } from '../../src/data/sample.ts';
import {
  boxMask,
  cutmixBox,
  cutmixBoxSize,
  cutmixHalves,
  mixArrays,
  mixSamples,
} from '../../src/data/transforms/cutmix.ts';

test('box sides follow floor(n * r): LA 2/3 and ACDC 1/2 (CML spec §4.1)', () => {
  // LA 112x112x80 (x, y, z) is [80, 112, 112] in our (z, y, x) order
  assert.deepEqual(cutmixBoxSize([80, 112, 112], 2 / 3), [53, 74, 74]);
  assert.deepEqual(cutmixBoxSize([112, 112, 80], 2 / 3), [74, 74, 53]);
  assert.deepEqual(cutmixBoxSize([256, 256], 1 / 2), [128, 128]);
  const frac = (53 * 74 * 74) / (80 * 112 * 112);
  assert.ok(Math.abs(frac - 0.289) < 0.001, `box is 28.9% of the volume, got ${frac}`);
});

test('box starts are uniform over 0..n-s-1 (exclusive upper bound)', () => {
  const r = new Random(1);
  const lo = [99, 99, 99];
  const hi = [0, 0, 0];
  for (let i = 0; i < 4000; i++) {
    const b = cutmixBox([80, 112, 112], 2 / 3, r);
    assert.deepEqual(b.size, [53, 74, 74]);
    b.start.forEach((s, a) => {
      lo[a] = Math.min(lo[a]!, s);
      hi[a] = Math.max(hi[a]!, s);
    });
  }
  assert.deepEqual(lo, [0, 0, 0]);
  assert.deepEqual(hi, [26, 37, 37]);
  const acdc = new Set<number>();
  for (let i = 0; i < 3000; i++) acdc.add(cutmixBox([256, 256], 0.5, r).start[0]!);
  assert.equal(Math.max(...acdc), 127);
  assert.equal(Math.min(...acdc), 0);
});

test('mask M is 1 outside and 0 inside the box', () => {
  const m = boxMask([3, 4], { start: [1, 1], size: [2, 2] });
  assert.deepEqual(Array.from(m), [1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1]);
  const big = boxMask([80, 112, 112], { start: [3, 5, 7], size: [53, 74, 74] });
  assert.equal(big.length - big.reduce((a, b) => a + b, 0), 53 * 74 * 74);
});

test('Mix(A, B) = A*M + B*(1-M) for image and label, by hand', () => {
  const a: Sample = {
    image: new Float32Array(8).fill(1),
    label: new Uint8Array(8).fill(1),
    shape: [1, 2, 4],
  };
  const b: Sample = {
    image: new Float32Array(8).fill(2),
    label: new Uint8Array(8).fill(3),
    shape: [1, 2, 4],
  };
  const box = { start: [0, 1], size: [1, 2] };
  const m = mixSamples(a, b, box);
  assert.deepEqual(Array.from(m.image), [1, 2, 2, 1, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(m.label!), [1, 3, 3, 1, 1, 1, 1, 1]);
  // equals the mask formula on arbitrary data, every channel
  const r = new Random(2);
  const x = Float32Array.from({ length: 2 * 5 * 6 }, () => r.float());
  const y = Float32Array.from({ length: 2 * 5 * 6 }, () => r.float());
  const bx = cutmixBox([5, 6], 0.5, r);
  const mask = boxMask([5, 6], bx);
  const mixed = mixArrays(x, y, [5, 6], bx, 2);
  for (let i = 0; i < x.length; i++) {
    const mm = mask[i % 30]!;
    assert.equal(mixed[i], x[i]! * mm + y[i]! * (1 - mm));
  }
});

test('cutmixHalves mixes first half with second half under one shared box', () => {
  const s = (v: number): Sample => ({
    image: new Float32Array(4).fill(v),
    label: new Uint8Array(4).fill(v),
    shape: [1, 2, 2],
  });
  const batch = stackSamples([s(1), s(2), s(5), s(6)], ['a', 'b', 'c', 'd']);
  const out = cutmixHalves(batch, { start: [1, 0], size: [1, 2] });
  assert.deepEqual(out.shape, [2, 1, 2, 2]);
  assert.deepEqual(Array.from(out.image), [1, 1, 5, 5, 2, 2, 6, 6]);
  assert.deepEqual(Array.from(out.label!), [1, 1, 5, 5, 2, 2, 6, 6]);
  assert.deepEqual(out.ids, ['a+c', 'b+d']);
  const odd = stackSamples([s(1), s(2), s(3)], ['a', 'b', 'c']);
  assert.throws(
    () => cutmixHalves(odd, { start: [0, 0], size: [1, 1] }),
    /cutmix batch.shape: expected an even batch size/,
  );
});

test('cutmix errors name the field', () => {
  const r = new Random(0);
  assert.throws(() => cutmixBox([10, 10], 1, r), /cutmix ratio: expected a value in \[0, 1\), got 1/);
  assert.throws(() => cutmixBox([10, 0], 0.5, r), /cutmix spatial shape: expected 1 to 3 positive integer/);
  assert.throws(
    () => boxMask([4, 4], { start: [3, 0], size: [2, 2] }),
    /cutmix box: start \[3, 0\] size \[2, 2\] does not fit/,
  );
  const a: Sample = { image: new Float32Array(4), shape: [1, 2, 2] };
  const b: Sample = { image: new Float32Array(6), shape: [1, 2, 3] };
  assert.throws(
    () => mixSamples(a, b, { start: [0, 0], size: [1, 1] }),
    /cutmix b.shape: \[1, 2, 3\] differs from a.shape \[1, 2, 2\]/,
  );
});
