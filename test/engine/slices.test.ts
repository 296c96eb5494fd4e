import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  scipyNearestIndices,
  slicewiseInference,
  zoomNearestAxis,
} from '../../src/engine/inference/slices.ts';
import { liveTensors, manualSeed, ops, rand, scope, type Tensor } from '../../src/torch/index.ts';
import { golden, goldenMeta, maxAbsDiff, numbers, seededConv2dPair } from './helpers.ts';

const [c1, c2] = seededConv2dPair();
const f1 = (x: Tensor) => c1.forward(x);
const f2 = (x: Tensor) => c2.forward(x);

test('scipy zoom(order=0) source indices equal scipy on 11 size pairs, fills (-1) included', () => {
  const cases = goldenMeta<{ in: number; out: number; index: number[] }[]>('zoom1d');
  let fills = 0;
  for (const c of cases) {
    const got = Array.from(scipyNearestIndices(c.in, c.out));
    assert.deepEqual(got, c.index, `${c.in} -> ${c.out}`);
    fills += got.filter((i) => i === -1).length;
  }
  assert.ok(fills > 0, 'at least one case hits the float overshoot fill (256 -> 216)');
  assert.deepEqual(Array.from(scipyNearestIndices(7, 3)), [0, 3, 6], 'hand-computed: x = i * 3');
  assert.deepEqual(Array.from(scipyNearestIndices(256, 216)).slice(-1), [-1], 'spec/cml.md §10 example');
  assert.throws(() => scipyNearestIndices(0, 3), /positive integers/);
});

test('2D zoom of an image up and back equals scipy (separable axes, exact copies)', () => {
  const img = golden('zoom2d.image');
  const up = zoomNearestAxis(zoomNearestAxis(img, 0, 16), 1, 16);
  assert.deepEqual(up.shape, [16, 16]);
  assert.equal(maxAbsDiff(numbers(up), numbers(golden('zoom2d.up'))), 0);
  const back = zoomNearestAxis(zoomNearestAxis(up, 0, 10), -1, 13);
  assert.equal(maxAbsDiff(numbers(back), numbers(golden('zoom2d.back'))), 0);
  up.dispose();
  back.dispose();
});

test('the seeded 2D nets are the golden script’s nets', () => {
  assert.equal(maxAbsDiff(numbers(c1.weight), numbers(golden('acdc.c1.weight'))), 0);
  assert.equal(maxAbsDiff(numbers(c2.bias!), numbers(golden('acdc.c2.bias'))), 0);
});

test('slice-by-slice prediction equals CML test_ACDC (zoom, mean logits of two members, argmax, zoom back)', () => {
  const size = goldenMeta<{ size: number }>('acdc').size;
  for (const which of ['up', 'down']) {
    const vol = golden(`acdc.${which}.image`);
    const want = numbers(golden(`acdc.${which}.labels`));
    for (const batchSize of [1, 2]) {
      const res = slicewiseInference(vol, [f1, f2], { size: [size, size], batchSize });
      assert.deepEqual(res.labels.shape, vol.shape);
      assert.deepEqual(numbers(res.labels), want, `${which}, batch ${batchSize}`);
      assert.equal(res.probabilities!.size(0), 4);
      res.labels.dispose();
      res.probabilities!.dispose();
    }
  }
});

test('slices: [D, H, W] and [1, D, H, W] agree; without resizing it is one forward per slice', () => {
  manualSeed(11);
  const vol = rand([3, 8, 9]).keep();
  const a = slicewiseInference(vol, f1, { size: [12, 12] });
  const b = slicewiseInference(vol.unsqueeze(0), f1, { size: [12, 12], batchSize: 3 });
  assert.deepEqual(numbers(a.labels), numbers(b.labels));
  assert.ok(maxAbsDiff(numbers(a.probabilities!), numbers(b.probabilities!)) < 1e-6);
  const c = slicewiseInference(vol, f1);
  const direct = scope(() =>
    ops
      .softmax(f1(vol.unsqueeze(1)), 1)
      .transpose(0, 1)
      .contiguous(),
  );
  assert.ok(maxAbsDiff(numbers(c.probabilities!), numbers(direct)) < 1e-6, 'no resize: softmax of the net');
  for (const t of [
    vol,
    a.labels,
    a.probabilities!,
    b.labels,
    b.probabilities!,
    c.labels,
    c.probabilities!,
    direct,
  ])
    t.dispose();
});

test('slices: probabilities are zero and the label background where scipy fills (overshoot)', () => {
  manualSeed(12);
  // 216 -> 256 -> 216 along H: the way back fills the last row (spec/cml.md §10)
  const vol = rand([1, 216, 4]).keep();
  const res = slicewiseInference(vol, f1, { size: [256, 4] });
  const p = numbers(res.probabilities!);
  const lastRow = (k: number) => p.slice((k * 216 + 215) * 4, (k * 216 + 216) * 4);
  for (let k = 0; k < 4; k++) assert.deepEqual(lastRow(k), [0, 0, 0, 0], `class ${k} last row`);
  assert.deepEqual(numbers(res.labels).slice(215 * 4), [0, 0, 0, 0]);
  for (const t of [vol, res.labels, res.probabilities!]) t.dispose();
});

test('slices: memory unchanged after predicting; bad input throws', () => {
  manualSeed(13);
  const vol = rand([4, 10, 13]).keep();
  slicewiseInference(vol, f1, { size: [16, 16] }).labels.dispose(); // warm-up
  const before = liveTensors();
  const res = slicewiseInference(vol, [f1, f2], { size: [16, 16], batchSize: 3, keepProbabilities: false });
  assert.equal(res.probabilities, null);
  assert.equal(liveTensors(), before + 1);
  res.labels.dispose();
  assert.equal(liveTensors(), before);
  scope(() => {
    assert.throws(() => slicewiseInference(vol.index(0), f1), /must be \[D, H, W\] or \[C, D, H, W\]/);
    assert.throws(() => slicewiseInference(rand([0, 4, 4]), f1), /is empty/);
    assert.throws(() => slicewiseInference(vol, f1, { batchSize: 1.5 }), /bad batchSize/);
    assert.throws(() => slicewiseInference(vol.to('uint8'), f1), /dtype uint8; expected a floating type/);
    const shrink = (x: Tensor) => f1(x).index(null, null, [0, 4]);
    assert.throws(() => slicewiseInference(vol, shrink, { size: [16, 16] }), /forward returned logits/);
  });
  assert.equal(liveTensors(), before, 'failed calls leave nothing behind');
  vol.dispose();
});
