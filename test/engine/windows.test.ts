import assert from 'node:assert/strict';
import { test } from 'node:test';
import { padArgument } from '../../src/engine/inference/sliding-window.ts';
import { paddingFor, windowGrid, windowStarts } from '../../src/engine/inference/windows.ts';
import { goldenMeta } from './helpers.ts';

test('clamped starts: the spec examples (DHC §7: D=147 and D=85 with patch 64, stride 16)', () => {
  assert.deepEqual(windowStarts(147, 64, 16), [0, 16, 32, 48, 64, 80, 83]);
  assert.deepEqual(windowStarts(85, 64, 16), [0, 16, 21]);
  assert.deepEqual(windowStarts(256, 128, 32), [0, 32, 64, 96, 128]);
  assert.deepEqual(windowStarts(80, 64, 16), [0, 16]);
  assert.deepEqual(windowStarts(160, 128, 32), [0, 32]);
  assert.deepEqual(windowStarts(64, 64, 16), [0], 'size equal to the patch: one window');
});

test('clamped starts: hand-computed cases that are not multiples of the stride', () => {
  // n = ceil((size - patch) / stride) + 1; start = min(i * stride, size - patch)
  assert.deepEqual(windowStarts(10, 4, 3), [0, 3, 6]); // ceil(6/3)+1 = 3, exact fit
  assert.deepEqual(windowStarts(11, 4, 3), [0, 3, 6, 7]); // ceil(7/3)+1 = 4, last clamped to 7
  assert.deepEqual(windowStarts(9, 4, 3), [0, 3, 5]);
  assert.deepEqual(windowStarts(5, 4, 4), [0, 1]);
  assert.deepEqual(windowStarts(7, 1, 1), [0, 1, 2, 3, 4, 5, 6]);
  // CML LA: 112 x 112 x 80 patch, stride 18 / 4 on a typical case of 144 x 144 x 88
  assert.deepEqual(windowStarts(144, 112, 18), [0, 18, 32]);
  assert.deepEqual(windowStarts(88, 80, 4), [0, 4, 8]);
});

test('window counts of the DHC spec §12 G9 (patch 64x128x128, strides 16/32/32)', () => {
  const count = (shape: number[]) => windowGrid(shape, [64, 128, 128], [16, 32, 32]).length;
  assert.equal(count([80, 160, 160]), 8);
  assert.equal(count([147, 256, 256]), 175);
  assert.equal(count([85, 256, 256]), 75);
  assert.equal(count([64, 128, 128]), 1);
  // G9's small case: (6,12,12), patch (4,8,8), strides 2/4/4 -> D starts 0,2; H and W starts 0,4
  assert.deepEqual(windowGrid([6, 12, 12], [4, 8, 8], [2, 4, 4]), [
    [0, 0, 0],
    [0, 0, 4],
    [0, 4, 0],
    [0, 4, 4],
    [2, 0, 0],
    [2, 0, 4],
    [2, 4, 0],
    [2, 4, 4],
  ]);
});

test('even starts (nnU-Net): same count, evenly spread, numpy round-half-to-even', () => {
  assert.deepEqual(windowStarts(100, 64, 32, 'even'), [0, 18, 36]); // step 36/2
  assert.deepEqual(windowStarts(150, 64, 32, 'even'), [0, 29, 57, 86]); // 28.67, 57.33
  assert.deepEqual(windowStarts(69, 64, 3, 'even'), [0, 2, 5]); // 2.5 -> 2 (half to even)
  assert.deepEqual(windowStarts(67, 64, 2, 'even'), [0, 2, 3]); // 1.5 -> 2
  assert.deepEqual(windowStarts(64, 64, 32, 'even'), [0]);
  for (const [s, p, st] of [
    [147, 64, 16],
    [85, 64, 16],
    [300, 96, 48],
  ] as const) {
    assert.equal(windowStarts(s, p, st, 'even').length, windowStarts(s, p, st).length, `${s}/${p}/${st}`);
  }
});

test('bad window arguments throw RangeError naming the problem', () => {
  assert.throws(() => windowStarts(50, 64, 16), /shorter than the patch 64/);
  assert.throws(() => windowStarts(100, 64, 65), /stride 65 exceeds the patch 64/);
  assert.throws(() => windowStarts(100, 0, 1), /positive integers/);
  assert.throws(() => windowStarts(100.5, 64, 16), /positive integers/);
  assert.throws(() => windowGrid([10, 10], [4, 4, 4], [2, 2, 2]), /same number of axes/);
});

test('padding: deficit split with the extra voxel after (CML §7.1), none where the axis is long enough', () => {
  assert.deepEqual(paddingFor([5, 9, 11], [8, 4, 8]), [
    { before: 1, after: 2 },
    { before: 0, after: 0 },
    { before: 0, after: 0 },
  ]);
  assert.deepEqual(paddingFor([100, 90, 60], [112, 112, 80]), [
    { before: 6, after: 6 },
    { before: 11, after: 11 },
    { before: 10, after: 10 },
  ]);
  assert.deepEqual(paddingFor([1, 2], [4, 5]), [
    { before: 1, after: 2 },
    { before: 1, after: 2 },
  ]);
  // constant_pad_nd takes (before, after) pairs from the last axis to the first
  assert.deepEqual(padArgument(paddingFor([5, 9, 2], [8, 4, 5])), [1, 2, 0, 0, 1, 2]);
});

test('window starts and padding equal the ones recorded by the Python reference loop', () => {
  const m = goldenMeta<{ patch: number[]; stride: number[]; starts: number[][]; pads: number[][] }>('sw');
  const pads = paddingFor([5, 9, 11], m.patch);
  assert.deepEqual(
    pads.map((p) => [p.before, p.after]),
    m.pads,
  );
  const padded = [5, 9, 11].map((s, a) => s + pads[a]!.before + pads[a]!.after);
  assert.deepEqual(windowGrid(padded, m.patch, m.stride), m.starts);
});
