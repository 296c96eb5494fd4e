/**
 * A short end-to-end check of the engine: libtorch loads, threads are set, a small 3D conv net trains
 * a few SGD steps with decreasing loss, and no native tensor leaks. Used by `semiseg selfcheck`.
 */

import { randint, randn } from './creation.ts';
import * as ops from './generated/ops.ts';
import { BatchNorm3d, Conv3d, ReLU, Sequential } from './nn/index.ts';
import { SGD } from './optim/index.ts';
import { cudaDeviceCount, getNumThreads, libtorchVersion, liveTensors, manualSeed } from './runtime.ts';
import { scope } from './scope.ts';

export interface SelfCheckReport {
  libtorch: string;
  threads: number;
  cudaDevices: number;
  losses: number[];
  secondsPerStep: number;
  leakedTensors: number;
  ok: boolean;
}

/** Trains a 1->8->2 channel conv net on `[2, 1, 16, 32, 32]` noise for `steps` steps (CPU). */
export function selfCheck(steps = 8): SelfCheckReport {
  const before = liveTensors();
  manualSeed(0);
  const net = new Sequential(
    new Conv3d(1, 8, 3, { padding: 1 }),
    new BatchNorm3d(8),
    new ReLU(),
    new Conv3d(8, 2, 1),
  );
  const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  const x = randn([2, 1, 16, 32, 32]).keep();
  const y = randint(0, 2, [2, 16, 32, 32]).keep();
  const losses: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    losses.push(
      scope(() => {
        opt.zeroGrad();
        const loss = ops.crossEntropyLoss(net.forward(x), y);
        loss.backward();
        opt.step();
        return loss.item();
      }),
    );
  }
  const secondsPerStep = (performance.now() - t0) / 1000 / steps;
  opt.dispose();
  net.dispose();
  x.dispose();
  y.dispose();
  const leakedTensors = liveTensors() - before;
  const ok = leakedTensors === 0 && losses.every(Number.isFinite) && losses[losses.length - 1]! < losses[0]!;
  return {
    libtorch: libtorchVersion(),
    threads: getNumThreads(),
    cudaDevices: cudaDeviceCount(),
    losses,
    secondsPerStep,
    leakedTensors,
    ok,
  };
}
