/**
 * Golden values the specs computed by running the reference code itself, asserted directly:
 * DHC §12 G5 (the VNet's train and eval forward with deterministic parameters, relative 1e-4 as the
 * spec says, argmax counts exact) and SKCDF §10 G6 (the local and global complementarity blocks in
 * float64 with dropout 0, relative 1e-8; the local block's labeled mode only with
 * SEMISEG_SLOW_TESTS=1, as it needs 2 GB); plus properties the specs state: the detach pattern of
 * SKCDF's labeled mode (exactly zero gradient from labeled outputs to unlabeled inputs) and DST's
 * gradient reversal (identity forward, gradient times -kappa_i with the warm-start schedule).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CrossAttentionGlobalBlock,
  CrossAttentionLocalBlock,
  gradientReverse,
  type SkcmBlockOptions,
  VNet,
  WarmStartGradientReverseLayer,
} from '../../src/models/index.ts';
import { fromArray, noGrad, ops, randn, scope, type Tensor } from '../../src/torch/index.ts';
import { BatchNorm3d, type Module } from '../../src/torch/nn/index.ts';
import { close, values } from './helpers.ts';

function assertClose(actual: number, expected: number, rel: number, abs: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= abs + rel * Math.abs(expected),
    `${what}: ${actual} vs ${expected}`,
  );
}

/** Element [i0, i1, ...] of a tensor (row-major). */
function at(t: Tensor, idx: readonly number[]): number {
  const s = t.shape;
  let flat = 0;
  for (let d = 0; d < s.length; d++) flat = flat * s[d]! + idx[d]!;
  return values(t)[flat]!;
}

function argmaxCounts(logits: Tensor, classes: number): number[] {
  const a = values(ops.argmax(logits, { dim: 1 }));
  const counts = Array<number>(classes).fill(0);
  for (const v of a) counts[v]! += 1;
  return counts;
}

test('DHC §12 G5: VNet(f=4, 3 classes) train and eval forward, BN running statistics', () => {
  scope(() => {
    const net = new VNet({ filters: 4, numClasses: 3, hasDropout: false });
    assert.equal(net.numParameters(), 592_223);
    const params = net.namedParameters();
    assert.equal(params.length, 118);
    const bnWeights = new Set<Tensor>();
    for (const [, m] of net.namedModules()) if (m instanceof BatchNorm3d && m.weight) bnWeights.add(m.weight);
    noGrad(() => {
      for (const [t, [, p]] of params.entries()) {
        const s = p.shape;
        const n = p.numel;
        const a = new Float32Array(n);
        const norm = s.length === 5 ? Math.sqrt(s[1]! * s[2]! * s[3]! * s[4]!) : 1;
        for (let k = 0; k < n; k++) {
          const u = ((((7 * k + 13 * t) % 23) - 11) / 11) as number;
          a[k] = s.length === 5 ? u / norm : bnWeights.has(p) ? 1 + 0.1 * u : 0.1 * u;
        }
        p.copy_(fromArray(a, s));
      }
    });
    const x = new Float32Array(2 * 16 * 32 * 32);
    let i = 0;
    for (let b = 0; b < 2; b++)
      for (let d = 0; d < 16; d++)
        for (let h = 0; h < 32; h++)
          for (let w = 0; w < 32; w++) x[i++] = ((5 * b + 3 * d + 7 * h + 11 * w) % 19) / 18 - 0.5;
    const input = fromArray(x, [2, 1, 16, 32, 32]);
    const rel = 1e-4;
    const check = (
      out: Tensor,
      sum: number,
      sumSq: number,
      points: [number[], number[]][],
      counts: number[],
    ) => {
      const v = values(out);
      assertClose(
        v.reduce((a, b) => a + b, 0),
        sum,
        rel,
        0,
        'sum',
      );
      assertClose(
        v.reduce((a, b) => a + b * b, 0),
        sumSq,
        rel,
        0,
        'sum of squares',
      );
      for (const [[b, d, h, w], expected] of points) {
        for (let c = 0; c < 3; c++)
          assertClose(at(out, [b!, c, d!, h!, w!]), expected[c]!, rel, 2e-6, `out[${b},${c},${d},${h},${w}]`);
      }
      assert.deepEqual(argmaxCounts(out, 3), counts);
    };
    net.train();
    check(
      noGrad(() => net.forward(input)),
      2017.4777,
      12490.332,
      [
        [
          [0, 0, 0, 0],
          [-0.282187, -0.049227, 0.183733],
        ],
        [
          [1, 15, 31, 31],
          [-0.095566, -0.024289, -0.002474],
        ],
        [
          [0, 7, 16, 5],
          [0.091543, 0.103262, -0.344017],
        ],
      ],
      [7911, 6260, 18597],
    );
    const state = net.stateDict();
    const rm = values(state.get('block_one.conv.1.running_mean')!);
    [1.819072e-3, 8.183574e-3, -6.363811e-3].forEach((e, c) => {
      assertClose(rm[c]!, e, rel, 1e-9, `rm ${c}`);
    });
    assertClose(rm[3]!, -1.01e-6, 0, 1e-8, 'rm 3');
    const rv = values(state.get('block_one.conv.1.running_var')!);
    [0.9035214, 0.9022297, 0.9015793, 0.9022756].forEach((e, c) => {
      assertClose(rv[c]!, e, rel, 0, `rv ${c}`);
    });
    const rm5 = values(state.get('block_five.conv.7.running_mean')!);
    const rv5 = values(state.get('block_five.conv.7.running_var')!);
    [0.0057743, 0.0108633, -0.0090245].forEach((e, c) => {
      assertClose(rm5[c]!, e, rel, 1e-7, `rm5 ${c}`);
    });
    [0.9019645, 0.9026884, 0.9022348].forEach((e, c) => {
      assertClose(rv5[c]!, e, rel, 0, `rv5 ${c}`);
    });
    net.eval();
    check(
      noGrad(() => net.forward(input)),
      2359.4238,
      807.73535,
      [
        [
          [0, 0, 0, 0],
          [-0.102629, 0.020844, 0.144316],
        ],
        [
          [1, 15, 31, 31],
          [-0.083528, 0.029071, 0.136359],
        ],
      ],
      [0, 36, 32732],
    );
    net.dispose();
  });
});

/** SKCDF G6 parameters: s * sin(0.1 k + phi) over each tensor's row-major index k. */
function g6Params(block: Module): void {
  const rule: Record<string, [number, number]> = {
    'token_learner.proj.weight': [0.3, 0.1],
    'token_learner.proj.bias': [0.1, 0.2],
    'attn.q.weight': [0.05, 0.3],
    'attn.k.weight': [0.05, 0.4],
    'attn.v.weight': [0.05, 0.5],
    'attn.out.weight': [0.05, 0.6],
    'map_out.0.weight': [0.05, 0.7],
    'map_out.0.bias': [0.1, 0.8],
  };
  noGrad(() => {
    for (const [k, p] of block.namedParameters()) {
      const r = rule[k];
      if (r === undefined) continue;
      const idx = ops.arange(0, p.numel, { dtype: 'float64' });
      const v = ops.mulScalar(ops.sin(ops.addScalar(ops.mulScalar(idx, 0.1), r[1])), r[0]);
      p.copy_(ops.reshape(v, p.shape));
    }
  });
}

function g6Input(b: number): Tensor {
  const idx = ops.arange(0, b * 512 * 256, { dtype: 'float64' });
  const v = ops.add(
    ops.sin(ops.mulScalar(idx, 0.37)),
    ops.mulScalar(ops.cos(ops.mulScalar(idx, 0.011)), 0.5),
  );
  return ops.reshape(v, [b, 512, 4, 8, 8]);
}

const G6: {
  block: 'local' | 'global';
  mode: 'labeled' | 'unlabeled';
  sum: number;
  sumSq: number;
  perSample: number[];
  points: [number[], number][];
}[] = [
  {
    block: 'local',
    mode: 'labeled',
    sum: 2064.43200831,
    sumSq: 1044.21346197,
    perSample: [514.19297084, 516.31449581, 517.22601741, 516.69852425],
    points: [
      [[0, 0, 0, 0, 0], 0.0503783407],
      [[1, 100, 1, 2, 3], -0.037861301],
      [[3, 511, 3, 7, 7], -0.0050601753],
      [[3, 257, 2, 5, 1], 0.0419598402],
    ],
  },
  {
    block: 'local',
    mode: 'unlabeled',
    sum: 1030.72968884,
    sumSq: 521.15195512,
    perSample: [514.32894213, 516.40074671],
    points: [
      [[0, 0, 0, 0, 0], 0.0503146658],
      [[1, 100, 1, 2, 3], -0.037862115],
      [[1, 511, 3, 7, 7], -0.0079639367],
      [[1, 257, 2, 5, 1], 0.0588874445],
    ],
  },
  {
    block: 'global',
    mode: 'labeled',
    sum: 2088.3318978,
    sumSq: 1060.77598188,
    perSample: [572.89910407, 541.07048243, 505.32250675, 469.03980455],
    points: [
      [[0, 0, 0, 0, 0], 0.071888894],
      [[1, 100, 1, 2, 3], -0.0672837662],
      [[3, 511, 3, 7, 7], 0.036513984],
      [[3, 257, 2, 5, 1], 0.0668951208],
    ],
  },
  {
    block: 'global',
    mode: 'unlabeled',
    sum: 1113.11843837,
    sumSq: 575.80511309,
    perSample: [572.47380616, 540.64463221],
    points: [
      [[0, 0, 0, 0, 0], 0.0718799203],
      [[1, 100, 1, 2, 3], -0.0672322121],
      [[1, 511, 3, 7, 7], 0.0272067043],
      [[1, 257, 2, 5, 1], 0.0742100386],
    ],
  },
];

const FULL_BLOCK: SkcmBlockOptions = { numHeads: 2, channels: 512, dropoutRate: 0, bottleneck: [4, 8, 8] };

// The local block's labeled mode builds 64 attention matrices of 1024 x 2048 per direction (1 GB each
// in float64, as the reference does): about 20 s and 2 GB, so it runs only on request.
const SLOW = process.env.SEMISEG_SLOW_TESTS === '1';

for (const g of G6) {
  const heavy = g.block === 'local' && g.mode === 'labeled';
  const skip = heavy && !SLOW ? 'needs ~2 GB and ~20 s: set SEMISEG_SLOW_TESTS=1' : false;
  test(`SKCDF §10 G6: ${g.block} block, ${g.mode} mode, float64 (reference values to 1e-8)`, { skip }, () => {
    scope(() => {
      const block = (
        g.block === 'local'
          ? new CrossAttentionLocalBlock(FULL_BLOCK)
          : new CrossAttentionGlobalBlock(FULL_BLOCK)
      ).to('float64');
      g6Params(block);
      block.train();
      const x = g6Input(g.perSample.length);
      const y = noGrad(() => block.forward(x, g.mode));
      assert.deepEqual(y.shape, x.shape);
      const v = values(y);
      const per = v.length / g.perSample.length;
      const sums = g.perSample.map((_, b) => v.subarray(b * per, (b + 1) * per).reduce((a, c) => a + c, 0));
      assertClose(
        sums.reduce((a, b) => a + b, 0),
        g.sum,
        1e-8,
        0,
        'sum',
      );
      assertClose(
        v.reduce((a, c) => a + c * c, 0),
        g.sumSq,
        1e-8,
        0,
        'sum of squares',
      );
      g.perSample.forEach((e, b) => {
        assertClose(sums[b]!, e, 1e-8, 0, `sample ${b} sum`);
      });
      for (const [idx, e] of g.points) assertClose(at(y, idx), e, 1e-7, 2e-10, `y[${idx}]`);
      if (g.mode === 'unlabeled') {
        // Eval mode, batch 1: the first sample's result (the reference's duplicated batch changes nothing).
        block.eval();
        const y1 = noGrad(() => block.forward(x.index([0, 1]), 'unlabeled'));
        assertClose(
          values(y1).reduce((a, c) => a + c, 0),
          g.perSample[0]!,
          1e-8,
          0,
          'eval batch 1',
        );
      }
      block.dispose();
    });
  });
}

test('SKCDF labeled mode: labeled outputs get exactly zero gradient from unlabeled inputs (both blocks)', () => {
  scope(() => {
    const o: SkcmBlockOptions = { numHeads: 2, channels: 16, dropoutRate: 0.1, bottleneck: [2, 4, 4] };
    for (const block of [new CrossAttentionLocalBlock(o), new CrossAttentionGlobalBlock(o)]) {
      block.train();
      const x = randn([4, 16, 2, 4, 4]).requiresGrad_(true);
      const y = block.forward(x, 'labeled');
      ops.sum(y.index([0, 2])).backward();
      const g = values(x.grad!);
      const half = g.length / 2;
      assert.ok(
        g.subarray(half).every((v) => v === 0),
        `${block.constructor.name}: unlabeled grads are zero`,
      );
      assert.ok(
        g.subarray(0, half).some((v) => v !== 0),
        `${block.constructor.name}: labeled grads are not`,
      );
      x.zeroGrad(true);
      const y2 = block.forward(x, 'labeled');
      ops.sum(y2.index([2, 4])).backward();
      const g2 = values(x.grad!);
      assert.ok(
        g2.subarray(0, half).some((v) => v !== 0),
        'unlabeled outputs depend on labeled inputs',
      );
      block.dispose();
    }
  });
});

test('SKCDF blocks: labeled mode needs training mode and (local) exactly 2 + 2 samples', () => {
  scope(() => {
    const o: SkcmBlockOptions = { numHeads: 2, channels: 16, dropoutRate: 0, bottleneck: [2, 4, 4] };
    const local = new CrossAttentionLocalBlock(o);
    assert.throws(
      () => local.forward(randn([2, 16, 2, 4, 4]), 'labeled'),
      /exactly 2 labeled \+ 2 unlabeled/,
    );
    assert.throws(() => local.forward(randn([4, 16, 2, 4, 2]), 'unlabeled'), /expected \[B, 16, 2, 4, 4\]/);
    local.eval();
    assert.throws(() => local.forward(randn([4, 16, 2, 4, 4]), 'labeled'), /training mode only/);
    local.dispose();
  });
});

test('gradient reversal: forward bit-identical, gradient exactly -coeff times the incoming gradient', () => {
  scope(() => {
    const x = randn([3, 5]).requiresGrad_(true);
    const y = gradientReverse(x, 0.25);
    assert.deepEqual(values(y), values(x));
    const up = randn([3, 5]);
    y.backward(up);
    const expected = values(up).map((v) => Math.fround(-0.25 * v));
    assert.deepEqual(values(x.grad!), expected);
  });
});

test('WarmStartGradientReverseLayer: DST schedule kappa_i = 0.2 / (1 + exp(-i / 500)) - 0.1', () => {
  const grl = new WarmStartGradientReverseLayer({ alpha: 1, lo: 0, hi: 0.1, maxIters: 500 });
  assert.equal(grl.coeff(), 0);
  for (let i = 0; i < 500; i++) grl.step();
  assert.ok(close(grl.coeff(), 0.2 / (1 + Math.exp(-1)) - 0.1, 1e-15));
  assert.ok(close(grl.coeff(), 0.0462117157, 1e-9));
  grl.iterNum = 1e6;
  assert.ok(close(grl.coeff(), 0.1, 1e-12));
  const auto = new WarmStartGradientReverseLayer({ autoStep: true });
  scope(() => auto.forward(randn([2])));
  assert.equal(auto.iterNum, 1);
});
