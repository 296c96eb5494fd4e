/**
 * DHC training-iteration benchmark: semiseg against the same step in PyTorch (python3-torch, same
 * libtorch) in the same run. Two VNets (32 filters, 14 classes, Kaiming), 2 labeled + 2 unlabeled
 * patches of 32x64x64, DiffDW/DistDW weights, weighted CE + Dice and pseudo-label CE, SGD on both nets.
 * TS and Python iterations alternate one by one; the ratio is the median of the per-pair ratios.
 * Last line: `dhc_step_ratio=<ts/python>`. Usage: npm run bench:train [-- --pairs 6]
 */
import { classCounts } from '../src/methods/common/distdw.ts';
import { DHC } from '../src/methods/dhc.ts';
import { createModel } from '../src/models/index.ts';
import { asNumbers } from '../src/torch/arrays.ts';
import { getNumThreads, manualSeed, randint, randn, scope } from '../src/torch/index.ts';
import { median, numberArg, startPython } from './peer.ts';

const arg = numberArg;
const PAIRS = arg('pairs', 6);
const PATCH = [32, 64, 64];
const C = 14;

const py = startPython(new URL('./train_ref.py', import.meta.url), {
  THREADS: String(getNumThreads()),
  PATCH: PATCH.join(','),
});
const ask = <T>(cmd: string) => py.ask<T>(cmd);

manualSeed(1);
const xl = randn([2, 1, ...PATCH]).keep();
const xu = randn([2, 1, ...PATCH]).keep();
const yl = randint(0, C, [2, ...PATCH]).keep();
manualSeed(0);
const method = new DHC({
  numClasses: C,
  createNet: () => createModel('vnet', { numClasses: C, filters: 32 }),
  labeledCounts: asNumbers(classCounts(yl, C)),
  optimizer: { lr: 0.03, momentum: 0.9, weightDecay: 3e-5, nesterov: true },
});
for (const m of Object.values(method.models)) m.train();
function tsStep(): number {
  const t = performance.now();
  scope(() =>
    method.trainStep(
      { labeled: { image: xl, label: yl }, unlabeled: { image: xu } },
      { epoch: 0, iteration: 0, maxEpoch: 300, lr: 0.03, lambda: 0.1 },
    ),
  );
  return (performance.now() - t) / 1000;
}

const ready = await ask<{ threads: number }>('');
console.log(
  `threads: semiseg ${getNumThreads()}, PyTorch ${ready.threads}; patch ${PATCH.join('x')}; ${PAIRS} pairs`,
);
tsStep();
await ask('step 1');
const ts: number[] = [];
const pyT: number[] = [];
const ratios: number[] = [];
for (let i = 0; i < PAIRS; i++) {
  const a = tsStep();
  const b = (await ask<{ times: number[] }>('step 1')).times[0]!;
  ts.push(a);
  pyT.push(b);
  ratios.push(a / b);
  console.log(
    `pair ${i + 1}: semiseg ${a.toFixed(3)} s, PyTorch ${b.toFixed(3)} s, ratio ${(a / b).toFixed(3)}`,
  );
}
py.close();
method.dispose();
console.log(`DHC iteration median: semiseg ${median(ts).toFixed(3)} s, PyTorch ${median(pyT).toFixed(3)} s`);
console.log(`dhc_step_ratio=${median(ratios).toFixed(3)}`);
