import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../src/data/random.ts';
import { checkSample, type Sample } from '../../src/data/sample.ts';
import {
  centerCrop,
  cropAt,
  paddedSize,
  randomCrop,
  randomCropStart,
  referencePadding,
  roundHalfEven,
} from '../../src/data/transforms/crop.ts';

/** arange image (and arange mod 256 label) of a given shape. */
function arange(shape: Sample['shape']): Sample {
  const n = shape.reduce((a, b) => a * b, 1);
  const m = n / shape[0];
  return {
    image: Float32Array.from({ length: n }, (_, i) => i),
    label: Uint8Array.from({ length: m }, (_, i) => i % 256),
    shape,
  };
}

test('cropAt of an arange volume picks the exact voxels', () => {
  const s = arange([1, 4, 5, 6]); // value = 30d + 6h + w
  const c = cropAt(s, [1, 2, 3], [2, 2, 2]);
  assert.deepEqual(c.shape, [1, 2, 2, 2]);
  assert.deepEqual(Array.from(c.image), [45, 46, 51, 52, 75, 76, 81, 82]);
  assert.deepEqual(Array.from(c.label!), [45, 46, 51, 52, 75, 76, 81, 82]);
  // two channels: channel 1 is offset by 120
  const two = arange([2, 4, 5, 6]);
  const c2 = cropAt(two, [0, 0, 5], [1, 2, 1]);
  assert.deepEqual(Array.from(c2.image), [5, 11, 125, 131]);
  assert.deepEqual(Array.from(c2.label!), [5, 11]);
});

test('cropAt pads with zeros outside the source, for negative starts and past the end', () => {
  const s: Sample = {
    image: Float32Array.from([1, 2, 3, 4, 5, 6]),
    label: Uint8Array.from([1, 1, 2, 2, 3, 3]),
    shape: [1, 2, 3],
  };
  const c = cropAt(s, [-1, 2], [2, 2]);
  assert.deepEqual(Array.from(c.image), [0, 0, 3, 0]);
  assert.deepEqual(Array.from(c.label!), [0, 0, 2, 0]);
  const far = cropAt(s, [5, 5], [2, 2]);
  assert.deepEqual(Array.from(far.image), [0, 0, 0, 0]);
});

test('the input sample is never modified', () => {
  const s = arange([1, 3, 4, 5]);
  const copy = s.image.slice();
  randomCrop(s, [2, 2, 2], new Random(1));
  centerCrop(s, [2, 2, 2]);
  assert.deepEqual(s.image, copy);
});

test('reference padding: every axis padded by max((patch - size)//2 + 3, 0) once some side <= patch', () => {
  assert.deepEqual(referencePadding([80, 160, 160], [64, 128, 128]), [0, 0, 0]);
  // one side equal to the patch triggers padding of all axes; floor division of negatives
  assert.deepEqual(referencePadding([4, 5, 6], [4, 4, 4]), [3, 2, 2]);
  assert.deepEqual(referencePadding([88, 113, 200], [80, 112, 112]), [0, 0, 0]);
  assert.deepEqual(referencePadding([60, 113, 120], [80, 112, 112]), [13, 2, 0]);
  assert.deepEqual(paddedSize([60, 113, 120], [80, 112, 112]), [86, 117, 120]);
  assert.deepEqual(referencePadding([], []), []);
});

test('random crop starts are uniform over [0, padded - patch) in padded coordinates', () => {
  const s: Sample = { image: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [1, 2, 3] };
  // padding [3, 2]: padded [8, 7]; starts 0..5 and 0..4 -> unpadded -3..2 and -2..2
  const r = new Random(4);
  const seen0 = new Set<number>();
  const seen1 = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const [a, b] = randomCropStart(s, [2, 2], r);
    seen0.add(a!);
    seen1.add(b!);
  }
  assert.deepEqual(
    [...seen0].sort((x, y) => x - y),
    [-3, -2, -1, 0, 1, 2],
  );
  assert.deepEqual(
    [...seen1].sort((x, y) => x - y),
    [-2, -1, 0, 1, 2],
  );
  // no padding: AMOS/Era-1 (80,160,160) -> starts 0..15, 0..31, 0..31 (never 16 or 32)
  const big: Sample = { image: new Float32Array(80 * 160 * 160), shape: [1, 80, 160, 160] };
  let max = [0, 0, 0];
  let min = [99, 99, 99];
  for (let i = 0; i < 3000; i++) {
    const st = randomCropStart(big, [64, 128, 128], r);
    max = max.map((m, a) => Math.max(m, st[a]!));
    min = min.map((m, a) => Math.min(m, st[a]!));
  }
  assert.deepEqual(max, [15, 31, 31]);
  assert.deepEqual(min, [0, 0, 0]);
});

test('random crop content equals cropAt at the drawn start, for image and label alike', () => {
  const s = arange([1, 6, 7, 8]);
  const a = new Random(10);
  const b = new Random(10);
  const start = randomCropStart(s, [3, 4, 5], a);
  const c = randomCrop(s, [3, 4, 5], b);
  assert.deepEqual(c, cropAt(s, start, [3, 4, 5]));
  // label voxel i equals image voxel i (arange) wherever the label did not wrap
  for (let i = 0; i < c.label!.length; i++) assert.equal(c.label![i], c.image[i]! % 256);
});

test('centre crop uses round-half-even offsets', () => {
  assert.deepEqual([10.5, 11.5, 12.5, 41.5, 2, 2.5].map(roundHalfEven), [10, 12, 12, 42, 2, 2]);
  const s = arange([1, 5, 8]); // value = 8h + w; offsets round(1) = 1, round(2.5) = 2
  const c = centerCrop(s, [3, 3]);
  assert.deepEqual(Array.from(c.image), [10, 11, 12, 18, 19, 20, 26, 27, 28]);
  // AMOS (80,160,160) -> offsets (8,16,16)
  const v = arange([1, 80, 160, 160]);
  const cc = centerCrop(v, [64, 128, 128]);
  assert.equal(cc.image[0], 8 * 160 * 160 + 16 * 160 + 16);
  // padded case: [1,2,3] with patch [2,2] -> padded [8,7], offsets 3 and round(2.5)=2 -> unpadded 0, 0
  const p: Sample = { image: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [1, 2, 3] };
  assert.deepEqual(Array.from(centerCrop(p, [2, 2]).image), [1, 2, 4, 5]);
});

test('crop errors name the field: patch rank, patch values, patch larger than the sample without padding', () => {
  const s = arange([1, 4, 5, 6]);
  const r = new Random(0);
  assert.throws(
    () => randomCrop(s, [4, 4], r),
    /^RangeError: randomCrop patch: expected 3 positive integers/,
  );
  assert.throws(() => randomCrop(s, [4, 0, 4], r), /randomCrop patch: expected 3 positive integers/);
  assert.throws(
    () => randomCrop(s, [4, 6, 4], r, 'none'),
    /randomCrop patch: \[4, 6, 4\] is larger than the sample's spatial shape \[4, 5, 6\] on axis 1/,
  );
  assert.throws(() => centerCrop(s, [5, 5, 5], 'none'), /centerCrop patch: .* larger than/);
  assert.throws(() => cropAt(s, [0, 0], [1, 1, 1]), /crop start: expected 3 integers/);
  // an exactly fitting axis without padding: start 0, whole axis
  const c = randomCrop(s, [4, 5, 6], r, 'none');
  assert.deepEqual(c.image, s.image);
});

test('malformed samples give one-line errors naming the field', () => {
  const r = new Random(0);
  const wrongLen: Sample = { image: new Float32Array(10), shape: [1, 2, 3, 4] };
  assert.throws(
    () => randomCrop(wrongLen, [1, 1, 1], r),
    /randomCrop sample.image: length 10 does not match shape \[1, 2, 3, 4\] \(24 values\)/,
  );
  const badRank = { image: new Float32Array(4), shape: [4] } as unknown as Sample;
  assert.throws(
    () => centerCrop(badRank, [1]),
    /centerCrop sample.shape: expected \[C, D, H, W\] or \[C, H, W\], got \[4\]/,
  );
  const badLabel: Sample = { image: new Float32Array(8), label: new Uint8Array(3), shape: [2, 2, 2] };
  assert.throws(
    () => cropAt(badLabel, [0, 0], [1, 1]),
    /crop sample.label: length 3 does not match spatial shape \[2, 2\] \(4 values\)/,
  );
  const outOfRange: Sample = {
    image: new Float32Array(4),
    label: Uint8Array.from([0, 1, 4, 2]),
    shape: [1, 2, 2],
  };
  assert.throws(
    () => checkSample(outOfRange, 'case 0007', 4),
    /case 0007.label: value 4 at flat index 2 is outside the class range 0..3/,
  );
  checkSample(outOfRange, 'case 0007', 5);
  for (const e of [wrongLen, badRank, badLabel]) {
    try {
      checkSample(e);
    } catch (err) {
      assert.ok(!(err as Error).message.includes('\n'), 'one line');
    }
  }
});
