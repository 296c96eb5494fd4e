/**
 * Initialisers: for the same seed the weights equal PyTorch's exactly (fixture from
 * scripts/golden/engine.py), and their statistics agree with the closed forms (uniform bound b:
 * std = b / sqrt(3); normal: the formula's std), within 3% relative for the standard deviation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, ops, scope, type Tensor } from '../../src/torch/index.ts';
import { Conv3d, ConvTranspose3d, init, Linear } from '../../src/torch/nn/index.ts';
import { fixtureJson, fixtureTensor, maxAbsDiff } from './helpers.ts';

interface InitCase {
  name: string;
  shape: number[];
  seed: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Expected std of each initialiser, from its definition (independent of PyTorch). */
function expectedStd(c: InitCase): number {
  const s = c.shape;
  const rf = prod(s.slice(2));
  const fanIn = s[1]! * rf;
  const fanOut = s[0]! * rf;
  switch (c.name) {
    case 'kaiming_uniform_default':
      return (Math.sqrt(3) * (Math.SQRT2 / Math.sqrt(fanIn))) / Math.sqrt(3);
    case 'kaiming_normal_relu':
      return Math.SQRT2 / Math.sqrt(fanIn);
    case 'kaiming_normal_fanout':
      return Math.SQRT2 / Math.sqrt(fanOut);
    case 'xavier_uniform':
      return Math.sqrt(6 / (fanIn + fanOut)) / Math.sqrt(3);
    case 'xavier_normal_gain':
      return (5 / 3) * Math.sqrt(2 / (fanIn + fanOut));
    default:
      // PyTorch's layer default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
      return 1 / Math.sqrt(fanIn) / Math.sqrt(3);
  }
}

function make(c: InitCase): { w: Tensor; b?: Tensor } {
  manualSeed(c.seed);
  switch (c.name) {
    case 'conv3d_default': {
      const m = new Conv3d(16, 32, 3);
      return { w: m.weight, b: m.bias! };
    }
    case 'convtranspose3d_default': {
      const m = new ConvTranspose3d(16, 32, 2);
      return { w: m.weight, b: m.bias! };
    }
    case 'linear_default': {
      const m = new Linear(64, 128);
      return { w: m.weight, b: m.bias! };
    }
  }
  const w = ops.empty(c.shape);
  if (c.name === 'kaiming_uniform_default') init.kaimingUniform_(w);
  else if (c.name === 'kaiming_normal_relu') init.kaimingNormal_(w, { nonlinearity: 'relu' });
  else if (c.name === 'kaiming_normal_fanout')
    init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu' });
  else if (c.name === 'xavier_uniform') init.xavierUniform_(w);
  else if (c.name === 'xavier_normal_gain') init.xavierNormal_(w, init.calculateGain('tanh'));
  else throw new Error(c.name);
  return { w };
}

for (const c of fixtureJson<InitCase[]>('init.json')) {
  test(`init ${c.name}: same values as PyTorch and the closed-form statistics`, () => {
    scope(() => {
      const { w, b } = make(c);
      assert.deepEqual(w.shape, c.shape);
      assert.equal(maxAbsDiff(w, fixtureTensor('init.pt', `${c.name}.weight`)), 0);
      if (b) assert.equal(maxAbsDiff(b, fixtureTensor('init.pt', `${c.name}.bias`)), 0);
      const std = ops.std(w, null).item();
      const mean = w.mean().item();
      const want = expectedStd(c);
      assert.ok(Math.abs(std - want) / want < 0.03, `std ${std} vs closed form ${want}`);
      assert.ok(Math.abs(mean) < 4 * (want / Math.sqrt(w.numel)), `mean ${mean} is near 0`);
      assert.ok(Math.abs(std - c.std) < 1e-6, `std ${std} vs PyTorch ${c.std}`);
      if (c.name.includes('uniform') || c.name.endsWith('_default')) {
        const bound = want * Math.sqrt(3);
        assert.ok(
          w.max().item() <= bound && w.min().item() >= -bound,
          'uniform samples stay inside the bound',
        );
      }
    });
  });
}

test('calculateGain follows the documented gains', () => {
  assert.equal(init.calculateGain('relu'), Math.SQRT2);
  assert.equal(init.calculateGain('tanh'), 5 / 3);
  assert.equal(init.calculateGain('leaky_relu', 0.2), Math.sqrt(2 / 1.04));
  assert.equal(init.calculateGain('linear'), 1);
  assert.throws(() => init.fans([3]), /at least 2 dimensions/);
});
