import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../src/data/random.ts';
import { type Sample, stackSamples } from '../../src/data/sample.ts';
import { randomCrop } from '../../src/data/transforms/crop.ts';
import { flip } from '../../src/data/transforms/flip.ts';
import { gaussianNoise, intensityJitter } from '../../src/data/transforms/intensity.ts';
import {
  buildPipeline,
  buildTransform,
  compose,
  presets,
  type TransformSpec,
} from '../../src/data/transforms/pipeline.ts';

function volume(shape: Sample['shape'], seed: number, classes = 4): Sample {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return {
    image: Float32Array.from({ length: n }, () => r.float()),
    label: Uint8Array.from({ length: n / shape[0] }, () => r.int(0, classes)),
    shape,
  };
}

test('compose gives transform i the stream rng.fork(i)', () => {
  const s = volume([1, 6, 7, 8], 1);
  const t = compose([(x, r) => randomCrop(x, [4, 4, 4], r), (x, r) => (r.float() < 0.5 ? flip(x, [2]) : x)]);
  const root = new Random(9);
  const manual = (() => {
    const c = randomCrop(s, [4, 4, 4], root.fork(0));
    return root.fork(1).float() < 0.5 ? flip(c, [2]) : c;
  })();
  assert.deepEqual(t(s, new Random(9)), manual);
  assert.equal(compose([])(s, root), s);
});

test('DHC preset: 80x160x160 -> 64x128x128, deterministic per seed, different across seeds', () => {
  const s = volume([1, 80, 160, 160], 2, 14);
  const p = buildPipeline(presets.dhcTrain());
  const a = p(s, new Random(1));
  const b = p(s, new Random(1));
  const c = p(s, new Random(2));
  assert.deepEqual(a.shape, [1, 64, 128, 128]);
  assert.equal(a.label!.length, 64 * 128 * 128);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.image, c.image);
  const v = buildPipeline(presets.dhcVal())(s, new Random(0));
  assert.equal(v.image[0], s.image[8 * 160 * 160 + 16 * 160 + 16]);
});

test('CML LA preset keeps D and crops 80x112x112 after a quarter turn of the (y, x) plane', () => {
  const s = volume([1, 88, 150, 132], 3, 2);
  const p = buildPipeline(presets.cmlLaTrain());
  for (let seed = 0; seed < 6; seed++) {
    const o = p(s, new Random(seed));
    assert.deepEqual(o.shape, [1, 80, 112, 112]);
  }
});

test('CML ACDC preset: 2D slice to 256x256, labels stay within the input classes', () => {
  const s = volume([1, 216, 180], 4, 4);
  const p = buildPipeline(presets.cmlAcdcTrain());
  for (let seed = 0; seed < 8; seed++) {
    const o = p(s, new Random(seed));
    assert.deepEqual(o.shape, [1, 256, 256]);
    for (const v of new Set(o.label)) assert.ok(v < 4);
  }
});

test('the pipeline survives a JSON round trip (what prefetch workers receive)', () => {
  const specs = JSON.parse(JSON.stringify(presets.cmlAcdcTrain([64, 64]))) as TransformSpec[];
  const s = volume([1, 40, 30], 5);
  assert.deepEqual(
    buildPipeline(specs)(s, new Random(3)),
    buildPipeline(presets.cmlAcdcTrain([64, 64]))(s, new Random(3)),
  );
});

test('Gaussian noise and intensity jitter change only the image, by the stated amounts', () => {
  const s = volume([1, 20, 20, 20], 6);
  const z = gaussianNoise(s, new Random(1), 0, 0.5);
  assert.ok(z.image.every((v, i) => v === Math.fround(s.image[i]! + 0.5)));
  const n = gaussianNoise(s, new Random(1), 0.1);
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n.image.length; i++) {
    const d = n.image[i]! - s.image[i]!;
    sum += d;
    sq += d * d;
  }
  const mean = sum / n.image.length;
  assert.ok(Math.abs(mean) < 0.01);
  assert.ok(Math.abs(Math.sqrt(sq / n.image.length - mean * mean) - 0.1) < 0.01);
  assert.deepEqual(n.label, s.label);
  assert.notEqual(n.label, s.label, 'label is a copy');
  const clipped = gaussianNoise(s, new Random(1), 1, 0, [0, 1]);
  assert.ok(clipped.image.every((v) => v >= 0 && v <= 1));
  const b = intensityJitter(s, new Random(2), { brightness: 0.2 });
  const shift = b.image[0]! - s.image[0]!;
  assert.ok(Math.abs(shift) <= 0.2);
  assert.ok(
    b.image.every((v, i) => Math.abs(v - s.image[i]! - shift) < 1e-6),
    'one shift for the channel',
  );
  const g = intensityJitter(s, new Random(3), { gamma: [2, 2] });
  let mn = Infinity;
  let mx = -Infinity;
  for (const v of s.image) {
    mn = Math.min(mn, v);
    mx = Math.max(mx, v);
  }
  const k = 17;
  assert.ok(Math.abs(g.image[k]! - (mn + (mx - mn) * ((s.image[k]! - mn) / (mx - mn)) ** 2)) < 1e-6);
});

test('pipeline descriptions are validated with the field named', () => {
  assert.throws(
    () => buildPipeline([{ type: 'elastic' } as unknown as TransformSpec]),
    /pipeline\[0\]\.type: unknown transform 'elastic'/,
  );
  assert.throws(
    () => buildTransform({ type: 'randomCrop', patch: [64] }),
    /transform.randomCrop.patch: expected 2 or 3 integers, got \[64\]/,
  );
  assert.throws(
    () => buildPipeline([{ type: 'oneOf', p: 1.5, apply: [] }]),
    /pipeline\[0\]\.oneOf\.p: expected a probability in \[0, 1\], got 1.5/,
  );
  // a patch of the wrong rank is caught when the sample arrives
  const p = buildPipeline([{ type: 'randomCrop', patch: [4, 4] }]);
  assert.throws(
    () => p(volume([1, 6, 6, 6], 1), new Random(0)),
    /randomCrop patch: expected 3 positive integers/,
  );
});

test('stackSamples builds [B, C, ...] and refuses mixed shapes', () => {
  const a = volume([1, 2, 3], 1);
  const b = volume([1, 2, 3], 2);
  const st = stackSamples([a, b], ['a', 'b']);
  assert.deepEqual(st.shape, [2, 1, 2, 3]);
  assert.deepEqual(Array.from(st.image.subarray(6)), Array.from(b.image));
  assert.deepEqual(Array.from(st.label!.subarray(0, 6)), Array.from(a.label!));
  assert.throws(
    () => stackSamples([a, volume([1, 3, 2], 3)], ['a', 'c']),
    /batch: sample 1 has shape \[1, 3, 2\] but sample 0 has \[1, 2, 3\]/,
  );
  assert.throws(() => stackSamples([], []), /batch: cannot stack an empty list/);
});
