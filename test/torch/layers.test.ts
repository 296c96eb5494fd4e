/**
 * Every nn layer against PyTorch 1.13 (fixtures from scripts/golden/engine.py): default
 * initialisation for the same seed (bit-identical), forward output, input and parameter gradients,
 * buffers after the forward, parameter counts and state-dict keys. Tolerance: 1e-5 absolute
 * (float32; in practice the results are bit-identical, see the exact-init check).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manualSeed, scope, type Tensor } from '../../src/torch/index.ts';
import {
  BatchNorm2d,
  BatchNorm3d,
  Conv2d,
  Conv3d,
  ConvTranspose2d,
  ConvTranspose3d,
  Dropout,
  Dropout2d,
  Dropout3d,
  GroupNorm,
  InstanceNorm3d,
  LeakyReLU,
  Linear,
  MaxPool2d,
  MaxPool3d,
  type Module,
  PReLU,
  ReLU,
  Sequential,
  Upsample,
} from '../../src/torch/nn/index.ts';
import { fixture, fixtureJson, maxAbsDiff } from './helpers.ts';

interface LayerCase {
  name: string;
  kind: string;
  args: number[];
  opts: Record<string, unknown>;
  input: number[];
  seed: number;
  eval?: boolean;
  numParameters: number;
  stateKeys: string[];
}

type Fwd = Module & { forward(x: Tensor): Tensor };

function build(c: LayerCase): Fwd {
  const a = c.args;
  const o = c.opts as Record<string, never>;
  switch (c.kind) {
    case 'Conv3d':
      return new Conv3d(a[0]!, a[1]!, a[2]!, o);
    case 'Conv2d':
      return new Conv2d(a[0]!, a[1]!, a[2]!, o);
    case 'ConvTranspose3d':
      return new ConvTranspose3d(a[0]!, a[1]!, a[2]!, o);
    case 'ConvTranspose2d':
      return new ConvTranspose2d(a[0]!, a[1]!, a[2]!, o);
    case 'BatchNorm3d':
      return new BatchNorm3d(a[0]!, o);
    case 'BatchNorm2d':
      return new BatchNorm2d(a[0]!, o);
    case 'InstanceNorm3d':
      return new InstanceNorm3d(a[0]!, o);
    case 'GroupNorm':
      return new GroupNorm(a[0]!, a[1]!);
    case 'ReLU':
      return new ReLU();
    case 'LeakyReLU':
      return new LeakyReLU(a[0]);
    case 'PReLU':
      return new PReLU(a[0]);
    case 'Dropout':
      return new Dropout(a[0]);
    case 'Dropout2d':
      return new Dropout2d(a[0]);
    case 'Dropout3d':
      return new Dropout3d(a[0]);
    case 'MaxPool3d':
      return new MaxPool3d(a[0]!);
    case 'MaxPool2d':
      return new MaxPool2d(a[0]!, a[1], a[2]);
    case 'Upsample':
      return new Upsample(o);
    case 'Linear':
      return new Linear(a[0]!, a[1]!);
    case 'Sequential':
      return new Sequential(
        new Conv3d(1, 4, 3, { padding: 1 }),
        new BatchNorm3d(4),
        new ReLU(),
        new Conv3d(4, 2, 1),
      );
    default:
      throw new Error(`unknown layer kind ${c.kind}`);
  }
}

const TOL = 1e-5;
const cases = fixtureJson<LayerCase[]>('layers.json');

test('the fixture covers every layer the engine offers', () => {
  const kinds = new Set(cases.map((c) => c.kind));
  for (const k of ['Conv2d', 'Conv3d', 'ConvTranspose2d', 'ConvTranspose3d', 'BatchNorm2d', 'BatchNorm3d']) {
    assert.ok(kinds.has(k), k);
  }
  for (const k of ['InstanceNorm3d', 'GroupNorm', 'Dropout', 'Dropout2d', 'Dropout3d', 'ReLU', 'LeakyReLU']) {
    assert.ok(kinds.has(k), k);
  }
  for (const k of ['PReLU', 'MaxPool2d', 'MaxPool3d', 'Upsample', 'Linear', 'Sequential'])
    assert.ok(kinds.has(k), k);
});

for (const c of cases) {
  test(`layer ${c.name} matches PyTorch`, () => {
    const f = fixture('layers.pt');
    const get = (k: string): Tensor => {
      const t = f.get(`${c.name}.${k}`);
      assert.ok(t, `fixture lacks ${c.name}.${k}`);
      return t;
    };
    scope(() => {
      manualSeed(c.seed);
      const m = build(c);
      try {
        // Same seed, same draws: the default initialisation is bit-identical to PyTorch's.
        for (const [name, p] of m.namedParameters()) {
          assert.equal(maxAbsDiff(p, get(`init.${name}`)), 0, `init of ${name}`);
        }
        assert.equal(m.numParameters(), c.numParameters);
        assert.deepEqual([...m.stateDict().keys()], c.stateKeys);
        m.loadStateDict(new Map(c.stateKeys.map((k) => [k, get(`state.${k}`)])));
        if (c.eval) m.eval();
        const x = get('x').clone().requiresGrad_(true);
        manualSeed(c.seed + 1);
        const y = m.forward(x);
        assert.ok(maxAbsDiff(y, get('y')) <= TOL, `forward of ${c.name}: ${maxAbsDiff(y, get('y'))}`);
        y.mul(get('gy')).sum().backward();
        const gx = x.grad;
        assert.ok(gx, 'input gradient exists');
        assert.ok(maxAbsDiff(gx, get('gx')) <= TOL, `input grad: ${maxAbsDiff(gx, get('gx'))}`);
        for (const [name, p] of m.namedParameters()) {
          const g = p.grad;
          assert.ok(g, `grad of ${name}`);
          assert.ok(
            maxAbsDiff(g, get(`grad.${name}`)) <= TOL,
            `grad of ${name}: ${maxAbsDiff(g, get(`grad.${name}`))}`,
          );
        }
        for (const [name, b] of m.namedBuffers()) {
          assert.ok(maxAbsDiff(b, get(`after.${name}`)) <= TOL, `buffer ${name} after forward`);
        }
      } finally {
        m.dispose();
      }
    });
  });
}
