/**
 * Engine benchmark: semiseg against PyTorch (python3-torch, same libtorch) in the same run.
 * 1. One SGD step of a small 3D conv net (conv3d 1->16->16->16->2, BatchNorm + ReLU after the first
 *    three, input 2x1x32x64x64, cross-entropy): TS and Python steps alternate one by one; the ratio
 *    is the median of the per-pair ratios (a pair sees the same machine load).
 * 2. 20,000 one-element adds per measurement, alternating the same way.
 * Last two lines: `conv_step_ratio=<ts/python>` and `op_overhead_ratio=<ts/python>`.
 * Usage: npm run bench:engine [-- --rounds 5 --steps 3]
 */

import { getNumThreads, manualSeed, ops, randint, randn, scope, tensor } from '../src/torch/index.ts';
import { BatchNorm3d, Conv3d, ReLU, Sequential } from '../src/torch/nn/index.ts';
import { SGD } from '../src/torch/optim/index.ts';
import { median, numberArg, startPython } from './peer.ts';

const arg = numberArg;
const ROUNDS = arg('rounds', 5);
const STEPS = arg('steps', 3);
const ADDS = 20000;

const py = startPython(new URL('./engine_ref.py', import.meta.url), { THREADS: String(getNumThreads()) });
const ask = <T>(cmd: string) => py.ask<T>(cmd);

const block = (i: number, o: number) => [new Conv3d(i, o, 3, { padding: 1 }), new BatchNorm3d(o), new ReLU()];
manualSeed(0);
const net = new Sequential(
  ...block(1, 16),
  ...block(16, 16),
  ...block(16, 16),
  new Conv3d(16, 2, 3, { padding: 1 }),
);
const opt = new SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
manualSeed(1);
const x = randn([2, 1, 32, 64, 64]).keep();
const y = randint(0, 2, [2, 32, 64, 64]).keep();

function tsConv(k: number): { times: number[]; losses: number[] } {
  const times: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < k; i++) {
    const t = performance.now();
    const loss = scope(() => {
      opt.zeroGrad();
      const l = ops.crossEntropyLoss(net.forward(x), y);
      l.backward();
      opt.step();
      return l.item();
    });
    times.push((performance.now() - t) / 1000);
    losses.push(loss);
  }
  return { times, losses };
}

const a = tensor([1]).keep();
const b = tensor([2]).keep();
function tsAdd(n: number): number {
  const t = performance.now();
  scope(() => {
    for (let i = 0; i < n; i++) a.add(b).dispose();
  });
  return (performance.now() - t) / 1000 / n;
}

const ready = await ask<{ threads: number }>('');
console.log(
  `threads: semiseg ${getNumThreads()}, PyTorch ${ready.threads}; rounds ${ROUNDS} x ${STEPS} steps`,
);
// Warm-up both sides (first steps allocate and pick kernels).
tsConv(1);
await ask('conv 1');
tsAdd(2000);
await ask('add 2000');

const tsSteps: number[] = [];
const pySteps: number[] = [];
const stepRatios: number[] = [];
const tsOps: number[] = [];
const pyOps: number[] = [];
const opRatios: number[] = [];
let sameLosses = true;
for (let r = 0; r < ROUNDS; r++) {
  // One TS step then one Python step, so each pair sees the same machine load.
  for (let i = 0; i < STEPS; i++) {
    const t = tsConv(1);
    const p = await ask<{ times: number[]; losses: number[] }>('conv 1');
    tsSteps.push(t.times[0]!);
    pySteps.push(p.times[0]!);
    stepRatios.push(t.times[0]! / p.times[0]!);
    sameLosses &&= t.losses[0] === p.losses[0];
  }
  for (let i = 0; i < STEPS; i++) {
    const t = tsAdd(ADDS);
    const p = (await ask<{ perOp: number }>(`add ${ADDS}`)).perOp;
    tsOps.push(t);
    pyOps.push(p);
    opRatios.push(t / p);
  }
  console.log(
    `round ${r + 1}: step ratio ${median(stepRatios.slice(-STEPS)).toFixed(3)}, add ratio ${median(opRatios.slice(-STEPS)).toFixed(3)}`,
  );
}
py.close();
console.log(`losses identical on both sides, step by step: ${sameLosses}`);
console.log(
  `conv step median: semiseg ${median(tsSteps).toFixed(4)} s, PyTorch ${median(pySteps).toFixed(4)} s (${tsSteps.length} pairs)`,
);
console.log(
  `tiny add median: semiseg ${(median(tsOps) * 1e6).toFixed(2)} us, PyTorch ${(median(pyOps) * 1e6).toFixed(2)} us (${tsOps.length} pairs of ${ADDS})`,
);
console.log(`conv_step_ratio=${median(stepRatios).toFixed(3)}`);
console.log(`op_overhead_ratio=${median(opRatios).toFixed(3)}`);
