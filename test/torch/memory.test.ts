/**
 * Deterministic memory: 2,000 SGD steps of a small 3D conv net inside scopes leave the live native
 * tensor count unchanged and RSS growth under 50 MB after the first 100 steps.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveTensors, manualSeed, ops, randint, randn, scope } from '../../src/torch/index.ts';
import { BatchNorm3d, Conv3d, ReLU, Sequential } from '../../src/torch/nn/index.ts';
import { SGD } from '../../src/torch/optim/index.ts';

test('2,000 training steps in scopes: live tensors flat, RSS growth < 50 MB', () => {
  manualSeed(0);
  const net = new Sequential(
    new Conv3d(1, 8, 3, { padding: 1 }),
    new BatchNorm3d(8),
    new ReLU(),
    new Conv3d(8, 2, 1),
  );
  const opt = new SGD(net.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
  const x = randn([2, 1, 8, 12, 12]).keep();
  const y = randint(0, 2, [2, 8, 12, 12]).keep();
  const step = () =>
    scope(() => {
      opt.zeroGrad();
      const loss = ops.crossEntropyLoss(net.forward(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    });
  let last = 0;
  for (let i = 0; i < 100; i++) last = step();
  const live = liveTensors();
  const rss = process.memoryUsage().rss;
  for (let i = 100; i < 2000; i++) last = step();
  const growth = (process.memoryUsage().rss - rss) / 2 ** 20;
  assert.equal(liveTensors(), live, 'live native tensors after 2,000 steps');
  assert.ok(growth < 50, `RSS grew by ${growth.toFixed(1)} MB`);
  assert.ok(Number.isFinite(last) && last < 0.7, `the net learned something (loss ${last})`);
  console.log(`memory: live tensors ${live}, RSS growth ${growth.toFixed(1)} MB over 1,900 steps`);
  opt.dispose();
  net.dispose();
  x.dispose();
  y.dispose();
});
