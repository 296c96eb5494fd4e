/**
 * The training loop of the references' skeleton (dhc-baselines §1.5): epochs 0..E, per-epoch lr and
 * unsupervised weight with the references' one-epoch lag, every step inside a memory scope,
 * validation every `validateEvery` epochs (epoch 0 included), best checkpoint on a strictly better
 * score, early stopping, and an atomic `last.pt` after every epoch (and on SIGINT), from which
 * `resume` continues the exact sequence of an uninterrupted run on CPU.
 */

import { epochSchedule } from '../methods/common/rampup.ts';
import type { SemiSupervisedMethod, StepResult } from '../methods/method.ts';
import { setLearningRate } from '../methods/method.ts';
import { scope } from '../torch/index.ts';
import { type BatchSource, toTrainBatch } from './batch-source.ts';
import { type CheckpointRecord, restoreCheckpoint, saveCheckpoint, saveModels } from './checkpoint.ts';
import { appendMetrics, type RunPaths, truncateMetrics } from './run-folder.ts';
import type { Validator } from './validation.ts';

export interface TrainerConfig {
  /** E: epochs 0..E are run (E + 1 epochs), as the references. */
  maxEpoch: number;
  baseLr: number;
  unsupWeight: number;
  rampup: boolean;
  rampLength?: number;
  validateEvery: number;
  /** Stop when (validation epoch - best epoch) reaches this; null: never. */
  patience: number | null;
  device?: string;
  /** Stop (with a checkpoint) after this many iterations in this process: for tests and smoke runs. */
  stopAfterIterations?: number;
}

export interface TrainSummary {
  status: 'finished' | 'early-stopped' | 'interrupted' | 'stopped';
  epochsRun: number;
  iterations: number;
  bestScore: number;
  bestEpoch: number;
}

/** A loss that is not finite for no reason the reference tolerates: the run stops. */
export class NonFiniteLossError extends Error {}

function checkFinite(r: StepResult, iteration: number): void {
  for (const [k, v] of Object.entries(r.losses)) {
    if (!Number.isFinite(v) && !r.tolerated.includes(k)) {
      throw new NonFiniteLossError(
        `step ${iteration}: loss term '${k}' is ${v}; stopping (the last good checkpoint is kept)`,
      );
    }
  }
}

export interface TrainerRun {
  method: SemiSupervisedMethod;
  source: BatchSource;
  validator: Validator;
  paths: RunPaths;
  config: TrainerConfig;
  resume?: boolean;
  log?: (line: string) => void;
  /** Called after every step (for progress displays): epoch, step within the epoch, steps per epoch. */
  onStep?: (p: { epoch: number; step: number; perEpoch: number; loss: number }) => void;
}

/** Trains `method` to the end (or early stop, SIGINT, a non-finite loss). */
export async function train(run: TrainerRun): Promise<TrainSummary> {
  const { method, source, validator, paths, config } = run;
  const log = run.log ?? (() => {});
  let rec: CheckpointRecord = {
    version: 1,
    method: method.name,
    epoch: 0,
    iteration: 0,
    iterationInEpoch: 0,
    sampler: null,
    bestScore: 0,
    bestEpoch: -1,
  };
  if (run.resume) {
    rec = restoreCheckpoint(paths.last, method);
    truncateMetrics(paths, rec.iteration, rec.epoch);
    log(`resuming at epoch ${rec.epoch}, iteration ${rec.iteration}`);
  }
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);
  const batches = source.open(rec.sampler);
  const perEpoch = source.iterationsPerEpoch;
  let ranHere = 0;
  let status: TrainSummary['status'] = 'finished';
  try {
    for (let epoch = rec.epoch; epoch <= config.maxEpoch; epoch++) {
      const { lr, lambda } = epochSchedule(epoch, config);
      setLearningRate(method, lr);
      for (const m of Object.values(method.models)) m.train();
      for (let i = epoch === rec.epoch ? rec.iterationInEpoch : 0; i < perEpoch; i++) {
        const next = await batches.next();
        if (next.done) throw new Error('the batch source ended early');
        const b = next.value;
        const progress = { epoch, iteration: rec.iteration, maxEpoch: config.maxEpoch, lr, lambda };
        const t0 = performance.now();
        const r = scope(() => method.trainStep(toTrainBatch(b, config.device), progress));
        checkFinite(r, rec.iteration);
        appendMetrics(paths, {
          type: 'step',
          epoch,
          iteration: rec.iteration,
          lr,
          lambda,
          ...r.losses,
          ...(r.skipped.length ? { skipped: r.skipped } : {}),
          ...(r.vectors ?? {}),
          seconds: (performance.now() - t0) / 1000,
        });
        rec = { ...rec, iteration: rec.iteration + 1, iterationInEpoch: i + 1, sampler: b.state, epoch };
        run.onStep?.({ epoch, step: i + 1, perEpoch, loss: r.losses.total ?? Number.NaN });
        ranHere += 1;
        if (
          interrupted ||
          (config.stopAfterIterations !== undefined && ranHere >= config.stopAfterIterations)
        ) {
          saveCheckpoint(paths.last, method, rec);
          status = interrupted ? 'interrupted' : 'stopped';
          log(`${status} at epoch ${epoch}, iteration ${rec.iteration}; checkpoint saved`);
          return summary();
        }
      }
      let stop = false;
      if (epoch % config.validateEvery === 0) {
        const v = validator.run(method, config.device);
        const better = v.score > rec.bestScore;
        if (better) {
          rec = { ...rec, bestScore: v.score, bestEpoch: epoch };
          saveModels(paths.best, method, { method: method.name, epoch, bestScore: v.score });
        }
        appendMetrics(paths, { type: 'val', epoch, score: v.score, perClass: v.perClass, best: better });
        log(`epoch ${epoch}: validation Dice ${(v.score * 100).toFixed(2)}%${better ? ' (best)' : ''}`);
        stop = config.patience !== null && epoch - rec.bestEpoch >= config.patience;
      }
      rec = { ...rec, epoch: epoch + 1, iterationInEpoch: 0 };
      saveCheckpoint(paths.last, method, rec);
      if (stop) {
        status = 'early-stopped';
        log(`early stop at epoch ${epoch} (best ${rec.bestEpoch})`);
        break;
      }
    }
    return summary();
  } finally {
    process.removeListener('SIGINT', onSigint);
    await batches.return(undefined);
    await source.close();
  }

  function summary(): TrainSummary {
    return {
      status,
      epochsRun: rec.epoch,
      iterations: rec.iteration,
      bestScore: rec.bestScore,
      bestEpoch: rec.bestEpoch,
    };
  }
}
