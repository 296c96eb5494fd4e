/**
 * Autograd through the boxed dispatcher path against central finite differences in float64
 * (h = 1e-6; tolerance 1e-6 absolute + 1e-5 relative), plus grad modes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  enableGrad,
  inferenceMode,
  isGradEnabled,
  manualSeed,
  noGrad,
  ops,
  randint,
  randn,
  scope,
  type Tensor,
} from '../../src/torch/index.ts';
import { interpolate } from '../../src/torch/nn/index.ts';
import { asNumbers } from './helpers.ts';

/** Checks d f(x).sum() / dx for every input element against central differences. */
function gradcheck(name: string, f: (x: Tensor) => Tensor, shape: number[]): void {
  scope(() => {
    const x = randn(shape, { dtype: 'float64' }).requiresGrad_(true);
    f(x).sum().backward();
    const analytic = x.grad!.toArray() as Float64Array;
    const base = x.detach().toArray() as Float64Array;
    const h = 1e-6;
    const evalAt = (data: Float64Array) =>
      noGrad(() =>
        scope(() =>
          f(ops.reshape(ops.toDtype(ops.detach(x), 'float64'), shape).copy_(fromF64(data, shape)))
            .sum()
            .item(),
        ),
      );
    for (let i = 0; i < base.length; i++) {
      const plus = Float64Array.from(base);
      const minus = Float64Array.from(base);
      plus[i]! += h;
      minus[i]! -= h;
      const numeric = (evalAt(plus) - evalAt(minus)) / (2 * h);
      const tol = 1e-6 + 1e-5 * Math.abs(numeric);
      assert.ok(
        Math.abs(numeric - analytic[i]!) <= tol,
        `${name}[${i}]: autograd ${analytic[i]} vs numeric ${numeric}`,
      );
    }
  });
}

import { fromArray } from '../../src/torch/index.ts';

function fromF64(data: Float64Array, shape: number[]): Tensor {
  return fromArray(data, shape);
}

test('autograd matches finite differences for the segmentation ops', () => {
  manualSeed(3);
  const w3 = randn([2, 2, 3, 3, 3], { dtype: 'float64' });
  const w2 = randn([3, 2, 3, 3], { dtype: 'float64' });
  const wt = randn([2, 2, 2, 2, 2], { dtype: 'float64' });
  const target = randint(0, 3, [1, 3, 3, 3]);
  const weight = randn([3], { dtype: 'float64' }).abs();
  try {
    gradcheck('conv3d', (x) => ops.conv3d(x, w3, { padding: 1 }).pow(2), [1, 2, 3, 3, 3]);
    gradcheck('conv2d', (x) => ops.conv2d(x, w2, { stride: 2, padding: 1 }).tanh(), [1, 2, 5, 4]);
    gradcheck(
      'conv_transpose3d',
      (x) => ops.convTranspose3d(x, wt, { stride: 2 }).sigmoid(),
      [1, 2, 2, 2, 2],
    );
    gradcheck(
      'trilinear',
      (x) => interpolate(x, { scaleFactor: 2, mode: 'trilinear' }).pow(3),
      [1, 1, 2, 3, 2],
    );
    gradcheck('max_pool3d', (x) => ops.maxPool3d(x, 2).mul(x.mean()), [1, 1, 4, 4, 2]);
    gradcheck('softmax', (x) => x.softmax(1).log().mul(x), [2, 3, 2, 2]);
    gradcheck('cross_entropy', (x) => ops.crossEntropyLoss(x, target, { weight }), [1, 3, 3, 3, 3]);
    gradcheck(
      'batch_norm',
      (x) => ops.batchNorm(x, null, null, null, null, true, 0.1, 1e-5, false).pow(2).mul(x),
      [2, 2, 2, 2, 2],
    );
    gradcheck(
      'instance_norm',
      (x) => ops.instanceNorm(x, null, null, null, null, true, 0.1, 1e-5, false).exp(),
      [1, 2, 2, 2, 3],
    );
  } finally {
    for (const t of [w3, w2, wt, target, weight]) t.dispose();
  }
});

test('graph bookkeeping: grad_fn names, leaves, accumulation and zeroing', () => {
  scope(() => {
    const w = randn([3]).requiresGrad_(true);
    const y = w.mul(w).sum();
    assert.equal(w.isLeaf, true);
    assert.equal(y.isLeaf, false);
    assert.equal(y.gradFn, 'SumBackward0');
    y.backward(undefined, { retainGraph: true });
    y.backward();
    const g = w.grad!.toArray() as Float32Array;
    const v = w.toArray() as Float32Array;
    for (let i = 0; i < 3; i++)
      assert.ok(Math.abs(g[i]! - 4 * v[i]!) < 1e-5, 'two backward passes accumulate 2 * 2w');
    w.zeroGrad();
    assert.deepEqual(asNumbers(w.grad!), [0, 0, 0]);
    w.zeroGrad(true);
    assert.equal(w.grad, null);
  });
});

test('noGrad, enableGrad and inferenceMode set and restore the mode', () => {
  scope(() => {
    const w = randn([2]).requiresGrad_(true);
    assert.equal(isGradEnabled(), true);
    const y = noGrad(() => {
      assert.equal(isGradEnabled(), false);
      assert.equal(enableGrad(() => w.mul(2)).requiresGrad, true);
      return w.mul(2);
    });
    assert.equal(y.requiresGrad, false);
    assert.equal(isGradEnabled(), true);
    assert.throws(
      () =>
        noGrad(() => {
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.equal(isGradEnabled(), true, 'restored after a throw');
    const z = inferenceMode(() => w.mul(3));
    assert.equal(z.requiresGrad, false);
    // Inference tensors cannot be saved for backward later (as in PyTorch).
    assert.throws(() => w.mul(z).sum().backward(), /Inference tensors/);
  });
});
