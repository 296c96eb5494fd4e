/**
 * Optimizers and schedules against PyTorch 1.13: 20 steps of a small 3D conv net (conv, batch norm,
 * ReLU, conv; cross-entropy) per configuration, from the same initial weights and data
 * (scripts/golden/engine.py). Tolerances: parameters and buffers 1e-6 absolute (float32), losses
 * 1e-6, learning rates 1e-12 relative. Also: resuming from a mid-run optimizer state dict gives the
 * same end point as an uninterrupted run (bitwise).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad, ops, scope, type Tensor } from '../../src/torch/index.ts';
import { BatchNorm3d, Conv3d, ReLU, Sequential } from '../../src/torch/nn/index.ts';
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  type LRScheduler,
  type Optimizer,
  PolynomialLR,
  polyLr,
  SGD,
  StepLR,
} from '../../src/torch/optim/index.ts';
import { fixture, fixtureJson, fixtureTensor, maxAbsDiff } from './helpers.ts';

interface OptCase {
  name: string;
  opt: 'SGD' | 'Adam' | 'AdamW';
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  amsgrad?: boolean;
  betas?: [number, number];
  sched: null | {
    kind: string;
    totalIters?: number;
    power?: number;
    stepSize?: number;
    gamma?: number;
    tMax?: number;
    etaMin?: number;
  };
  losses: number[];
  lrs: number[];
}

function smallNet(): Sequential {
  return new Sequential(
    new Conv3d(1, 4, 3, { padding: 1 }),
    new BatchNorm3d(4),
    new ReLU(),
    new Conv3d(4, 3, 1),
  );
}

function initialState(): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, v] of fixture('optim.pt')) if (k.startsWith('init.')) out.set(k.slice(5), v);
  return out;
}

function makeOptimizer(c: OptCase, net: Sequential): { opt: Optimizer; sched: LRScheduler | null } {
  const p = net.parameters();
  const opt =
    c.opt === 'SGD'
      ? new SGD(p, {
          lr: c.lr,
          momentum: c.momentum,
          dampening: c.dampening,
          nesterov: c.nesterov,
          weightDecay: c.weightDecay,
        })
      : c.opt === 'Adam'
        ? new Adam(p, { lr: c.lr, weightDecay: c.weightDecay, amsgrad: c.amsgrad })
        : new AdamW(p, { lr: c.lr, weightDecay: c.weightDecay, betas: c.betas });
  const s = c.sched;
  const sched =
    s === null
      ? null
      : s.kind === 'PolynomialLR'
        ? new PolynomialLR(opt, s.totalIters, s.power)
        : s.kind === 'StepLR'
          ? new StepLR(opt, s.stepSize!, s.gamma)
          : new CosineAnnealingLR(opt, s.tMax!, s.etaMin);
  return { opt, sched };
}

function trainStep(net: Sequential, opt: Optimizer, sched: LRScheduler | null): number {
  const x = fixtureTensor('optim.pt', 'x');
  const target = fixtureTensor('optim.pt', 'target');
  return scope(() => {
    opt.zeroGrad();
    const loss = ops.crossEntropyLoss(net.forward(x), target);
    loss.backward();
    opt.step();
    sched?.step();
    return loss.item();
  });
}

for (const c of fixtureJson<OptCase[]>('optim.json')) {
  test(`optimizer ${c.name}: 20 steps match PyTorch`, () => {
    const net = smallNet();
    net.loadStateDict(initialState());
    const { opt, sched } = makeOptimizer(c, net);
    try {
      for (let i = 0; i < 20; i++) {
        const loss = trainStep(net, opt, sched);
        assert.ok(Math.abs(loss - c.losses[i]!) <= 1e-6, `loss ${i}: ${loss} vs ${c.losses[i]}`);
        const lr = opt.paramGroups[0]!.lr;
        assert.ok(
          Math.abs(lr - c.lrs[i]!) <= 1e-12 * Math.max(1, c.lrs[i]!),
          `lr ${i}: ${lr} vs ${c.lrs[i]}`,
        );
      }
      for (const [k, v] of net.stateDict()) {
        const d = maxAbsDiff(v, fixtureTensor('optim.pt', `${c.name}.final.${k}`));
        assert.ok(d <= 1e-6, `${k} after 20 steps differs by ${d}`);
      }
    } finally {
      opt.dispose();
      net.dispose();
    }
  });
}

test('resuming from an optimizer and model state dict continues bitwise', () => {
  const c = fixtureJson<OptCase[]>('optim.json').find((x) => x.name === 'adam_cosine')!;
  const run = (interruptAt: number | null): Map<string, Tensor> => {
    let net = smallNet();
    net.loadStateDict(initialState());
    let { opt, sched } = makeOptimizer(c, net);
    for (let i = 0; i < 12; i++) {
      if (i === interruptAt) {
        const modelState = new Map([...net.stateDict()].map(([k, v]) => [k, noGrad(() => v.clone()).keep()]));
        const optState = new Map([...opt.stateDict()].map(([k, v]) => [k, v.clone().keep()]));
        const schedState = sched!.stateDict();
        opt.dispose();
        net.dispose();
        net = smallNet();
        net.loadStateDict(modelState);
        ({ opt, sched } = makeOptimizer(c, net));
        opt.loadStateDict(optState);
        sched!.loadStateDict(schedState);
        for (const t of [...modelState.values(), ...optState.values()]) t.dispose();
      }
      trainStep(net, opt, sched);
    }
    opt.dispose();
    return net.stateDict();
  };
  const straight = run(null);
  const resumed = run(5);
  for (const [k, v] of straight) assert.equal(maxAbsDiff(v, resumed.get(k)!), 0, k);
});

test('polyLr is the closed form base * (1 - t/T)^power', () => {
  assert.equal(polyLr(0.01, 0, 100), 0.01);
  assert.equal(polyLr(0.01, 50, 100), 0.01 * 0.5 ** 0.9);
  assert.equal(polyLr(0.01, 100, 100), 0);
  assert.equal(polyLr(0.01, 150, 100), 0);
  assert.throws(() => polyLr(0.01, 1, 0), /maxIter/);
});

test('optimizer arguments are validated', () => {
  const net = smallNet();
  assert.throws(() => new SGD([], { lr: 0.1 }), /empty parameter list/);
  assert.throws(() => new SGD(net.parameters(), { lr: 0.1, nesterov: true }), /nesterov/);
  assert.throws(() => new SGD(net.parameters(), { lr: Number.NaN }), /finite/);
  assert.throws(() => new Adam(net.parameters(), { betas: [1, 0.9] }), /betas/);
  net.dispose();
});
