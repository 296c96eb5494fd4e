/**
 * DistDW, DiffDW and the epoch schedule against the reference code's golden values (dhc.md §12 G1, G2,
 * G4, G7; dhc-baselines §6.3). Relative tolerance 1e-5 (values are printed to 6 significant digits).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oneHot } from '../../src/losses/index.ts';
import { DiffDW, hardDicePerClass } from '../../src/methods/common/diffdw.ts';
import { DistDW, distributionWeights } from '../../src/methods/common/distdw.ts';
import { epochSchedule, sigmoidRampup } from '../../src/methods/common/rampup.ts';
import { liveTensors, scope, type Tensor, tensor } from '../../src/torch/index.ts';
import { asNumbers } from '../torch/helpers.ts';

function closeAll(got: Tensor | number[], want: number[], what: string, rel = 1e-5): void {
  const g = Array.isArray(got) ? got : asNumbers(got);
  assert.equal(g.length, want.length, what);
  for (const [i, v] of g.entries()) {
    assert.ok(
      Math.abs(v - want[i]!) <= rel * Math.max(1e-3, Math.abs(want[i]!)) + 1e-9,
      `${what}[${i}]: ${v} vs ${want[i]}`,
    );
  }
}

/** Logits whose argmax is the given label map: one-hot x 3, `[B, C, ...]`. */
function logitsOf(labels: number[][], c: number, spatial: number[]): Tensor {
  const y = tensor(labels, { dtype: 'int64' }).reshape(labels.length, ...spatial);
  return oneHot(y, c).mul(3);
}

test('G1: DistDW weights from counts, including the spec worked example', () => {
  scope(() => {
    closeAll(distributionWeights(tensor([1000, 100, 10, 0])), [0, 0.363636, 0.727273, 4], 'C=4 example');
    closeAll(distributionWeights(tensor([5000, 300, 200, 50])), [0, 2.4437, 2.79588, 4], 'C=4');
    closeAll(
      distributionWeights(tensor([40000, 2500, 2500, 600, 1])),
      [0, 1.30824, 1.30824, 1.98162, 5],
      'C=5',
    );
  });
});

test('G1: DistDW EMA over three iterations from B predictions', () => {
  scope(() => {
    const d = new DistDW(4, [8000, 1200, 600, 200], 0.99);
    closeAll(d.weights, [0, 2.05712, 2.80873, 4], 'init');
    // Two samples whose argmax histogram is n: fill label maps with those counts.
    const maps = (n: number[]) => {
      const flat: number[] = [];
      n.forEach((k, c) => {
        for (let i = 0; i < k; i++) flat.push(c);
      });
      const half = flat.length / 2;
      return [flat.slice(0, half), flat.slice(half)];
    };
    const steps: [number[], number[]][] = [
      [
        [7000, 2000, 1000, 0],
        [0, 2.03839, 2.7835, 4],
      ],
      [
        [9000, 500, 400, 100],
        [0, 2.0437, 2.78334, 4],
      ],
      [
        [6000, 3000, 900, 100],
        [0, 2.03003, 2.77404, 4],
      ],
    ];
    for (const [n, want] of steps) {
      const m = maps(n);
      closeAll(d.update(logitsOf(m, 4, [m[0]!.length])), want, `after ${n}`);
    }
    const saved = new Map([...d.state()].map(([k, v]) => [k, v.clone()]));
    const other = new DistDW(4, [1, 1, 1, 0], 0.99);
    other.load(saved);
    closeAll(other.weights, steps[2]![1], 'state round trip');
    d.dispose();
    other.dispose();
  });
});

test('G2: DiffDW over three iterations of the golden batch', () => {
  const before = liveTensors();
  scope(() => {
    const gt = [
      [0, 0, 0, 0, 1, 1, 1, 2, 2, 0, 0, 0],
      [0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0, 0],
    ];
    const preds = [
      [
        [0, 0, 0, 0, 0, 1, 1, 1, 2, 0, 0, 0],
        [0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 3],
      ],
      [
        [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0],
        [0, 0, 1, 1, 1, 1, 2, 2, 0, 0, 0, 0],
      ],
      [
        [0, 0, 0, 1, 1, 1, 0, 2, 0, 0, 0, 0],
        [0, 0, 1, 1, 0, 2, 2, 2, 0, 0, 0, 0],
      ],
    ];
    const want = [
      { d: [0.846154, 0.666667, 0.666667, 1e-8], w: [0.124934, 0.131861, 0.131861, 4] },
      { d: [0.96, 0.923077, 0.8, 0.5], w: [3.49974, 3.69205, 3.70513, 4] },
      { d: [0.857143, 0.727273, 0.888889, 0.5], w: [2.86509, 4, 0.405522, 0.441348] },
    ];
    const third = {
      lrn: [0.296956, 0.232326, 0.231355, 0.17373],
      unl: [0.000233133, 0.000933637, 0, 0],
      s: [0.947788, 0.954557, 0.953737, 0.9802],
    };
    const dw = new DiffDW(4, 50);
    const y = tensor(gt, { dtype: 'int64' }).reshape(2, 1, 2, 6);
    closeAll(dw.weights, [4, 4, 4, 4], 'initial weights');
    preds.forEach((p, i) => {
      const w = dw.update(logitsOf(p, 4, [1, 2, 6]), y);
      closeAll(dw.stats.last, want[i]!.d, `iteration ${i + 1} Dice`);
      closeAll(w, want[i]!.w, `iteration ${i + 1} weights`);
    });
    closeAll(dw.stats.learn, third.lrn, 'Lrn after 3');
    closeAll(dw.stats.unlearn, third.unl, 'Unl after 3', 1e-4);
    closeAll(dw.stats.dw, third.s, 'S after 3');
    dw.dispose();
  });
  assert.equal(liveTensors(), before, 'DiffDW frees what it replaces');
});

test('G4: per-class hard Dice with the class-absent rules', () => {
  scope(() => {
    const gt0 = tensor([0, 0, 0, 0, 1, 1, 1, 2, 2, 0, 0, 0], { dtype: 'int64' });
    const p0 = tensor([0, 0, 0, 0, 0, 1, 1, 1, 2, 0, 0, 0], { dtype: 'int64' });
    const gt1 = tensor([0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0, 0], { dtype: 'int64' });
    const p1 = tensor([0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 3], { dtype: 'int64' });
    closeAll(asNumbers(hardDicePerClass(p0, gt0, 4)).slice(1), [0.6666667, 0.6666667, 0.5], 'case 0');
    closeAll(asNumbers(hardDicePerClass(p1, gt1, 4)).slice(1), [0.6666667, 0.6666667, 1e-8], 'case 1');
  });
});

test('G7 and §6.3: lr and unsupervised weight per epoch, with the one-epoch lag', () => {
  const opts = { maxEpoch: 300, baseLr: 0.03, unsupWeight: 0.1 };
  const table: [number, number, number][] = [
    [0, 0.03, 0.000673795],
    [1, 0.03, 0.000673795],
    [2, 0.029909985, 0.000696594],
    [10, 0.0291887714, 0.000905444],
    [100, 0.0209212957, 0.0105980517],
    [150, 0.0161730295, 0.0281753636],
    [151, 0.0160766019, 0.0286504797],
    [200, 0.0112616328, 0.0567382147],
    [299, 0.000330095133, 0.0999777802],
    [300, 0.000176893602, 0.0999944446],
  ];
  for (const [e, lr, lambda] of table) {
    const s = epochSchedule(e, opts);
    closeAll([s.lr, s.lambda], [lr, lambda], `epoch ${e}`, 1e-7);
  }
  const ramp: [number, number][] = [
    [0, 0.006738],
    [1, 0.007083],
    [50, 0.060055],
    [100, 0.286505],
    [150, 0.731616],
    [199, 0.999875],
    [200, 1],
  ];
  for (const [e, r] of ramp) closeAll([sigmoidRampup(e, 200)], [r], `ramp ${e}`, 1e-4);
  assert.equal(sigmoidRampup(5, 0), 1);
  assert.equal(epochSchedule(7, { ...opts, rampup: false }).lambda, 0.1);
});
