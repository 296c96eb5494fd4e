/**
 * Builds a training run from its configuration: the preprocessed dataset's manifest, the labeled /
 * unlabeled / eval / test case lists, the batch source (two-stream sampler, DHC's crop and flips, worker
 * prefetch), the validator, the network factory and the method.
 *
 * Splits: a manifest split `labeled_<X>` / `unlabeled_<X>` is used as shipped; otherwise the labeled
 * cases are drawn from the training pool (`train`, or all cases minus `eval` and `test`) with the
 * run's seed (`20p` = 20%, `4` = four cases). Without `eval` / `test` splits, a fixed 20% of the cases
 * each (chosen with seed 0, the same for every run seed) is held out for them. With `--holdout N`, N
 * cases (fixed, seed 0) are kept out as both the validation and the test set, the rest is the pool.
 */
import { join, resolve } from 'node:path';
import { loadPreprocessedCase } from '../data/datasets/index.ts';
import { drawSplit, type Partition, presets, Random, splitHash } from '../data/index.ts';
import { type Manifest, readManifest } from '../data/manifest.ts';
import type { MethodContext, SegmentationNet, SemiSupervisedMethod } from '../methods/method.ts';
import { getMethod } from '../methods/registry.ts';
import { createModel } from '../models/index.ts';
import { libtorchVersion, manualSeed, setNumThreads } from '../torch/index.ts';
import { BatchSource } from './batch-source.ts';
import type { TrainConfig } from './train-config.ts';
import type { TrainerConfig } from './trainer.ts';
import { Validator } from './validation.ts';

export interface RunSplits {
  labeled: string[];
  unlabeled: string[];
  eval: string[];
  test: string[];
}

const LOADER = new URL('../data/datasets/preprocessed-loader.ts', import.meta.url).pathname;

function heldOut(pool: string[], fraction: number, rng: Random): { taken: string[]; rest: string[] } {
  const n = Math.max(1, Math.round(pool.length * fraction));
  const order = rng.shuffle([...pool].sort());
  return { taken: order.slice(0, n).sort(), rest: order.slice(n).sort() };
}

/** The four case lists of a run (see the module comment). Throws one line when a list is empty. */
export function resolveSplits(m: Manifest, labeled: string, seed: number, holdout = 0): RunSplits {
  const all = m.cases.map((c) => c.id).sort();
  const fixed = new Random(0).split('holdout');
  const name = labeled.startsWith('labeled_') ? labeled.slice(8) : labeled;
  let test = m.splits.test ? [...m.splits.test].sort() : null;
  let evalIds = m.splits.eval ? [...m.splits.eval].sort() : null;
  let pool = m.splits.train
    ? [...m.splits.train].sort()
    : all.filter((id) => !test?.includes(id) && !evalIds?.includes(id));
  if (holdout > 0) {
    // The small-data protocol (e.g. LA): N fixed cases validate and test; never a shipped labeled case.
    const shippedLabeled = m.splits[`labeled_${name}`] ?? [];
    const candidates = all.filter((id) => !shippedLabeled.includes(id));
    if (holdout >= candidates.length) {
      throw new Error(`--holdout ${holdout}: expected fewer than ${candidates.length} cases`);
    }
    test = heldOut(candidates, holdout / candidates.length, fixed.fork(2)).taken.slice(0, holdout);
    evalIds = test;
    pool = all.filter((id) => !test!.includes(id));
  }
  if (test === null) {
    const h = heldOut(pool, 0.2, fixed.fork(0));
    test = h.taken;
    pool = h.rest;
  }
  if (evalIds === null) {
    const h = heldOut(pool, 0.2 / 0.8, fixed.fork(1));
    evalIds = h.taken;
    pool = h.rest;
  }
  let part: Partition;
  if (m.splits[`labeled_${name}`] && m.splits[`unlabeled_${name}`]) {
    const held = new Set([...test, ...evalIds]);
    part = {
      labeled: m.splits[`labeled_${name}`]!.filter((id) => !held.has(id)),
      unlabeled: m.splits[`unlabeled_${name}`]!.filter((id) => !held.has(id)),
    };
  } else if (/^\d+(\.\d+)?p$/.test(name)) {
    part = drawSplit(pool, Number(name.slice(0, -1)), new Random(seed).split('labeled'));
  } else if (/^\d+$/.test(name)) {
    const k = Number(name);
    if (k < 1 || k >= pool.length)
      throw new Error(`--labeled ${labeled}: expected 1..${pool.length - 1} cases of ${pool.length}`);
    const order = new Random(seed).split('labeled').shuffle([...pool]);
    part = { labeled: order.slice(0, k).sort(), unlabeled: order.slice(k).sort() };
  } else {
    throw new Error(
      `--labeled ${labeled}: expected a percentage like 20p, a case count, or a split of the manifest`,
    );
  }
  for (const [k, v] of Object.entries({
    labeled: part.labeled,
    unlabeled: part.unlabeled,
    eval: evalIds,
    test,
  })) {
    if (v.length === 0)
      throw new Error(`split '${k}' is empty for --labeled ${labeled} (${all.length} cases)`);
  }
  return { labeled: [...part.labeled], unlabeled: [...part.unlabeled], eval: evalIds, test };
}

/** Voxel counts per class over the labels of `ids` (whole volumes), for DistDW's initial weights. */
export async function labelCounts(
  dir: string,
  ids: readonly string[],
  numClasses: number,
): Promise<number[]> {
  const counts = new Array<number>(numClasses).fill(0);
  for (const id of ids) {
    const s = await loadPreprocessedCase(dir, id);
    const l = s.label!;
    for (let i = 0; i < l.length; i++) counts[l[i]!] = (counts[l[i]!] ?? 0) + 1;
  }
  return counts;
}

/** The network factory of a run: the DHC VNet with the run's width. */
export function netFactory(cfg: TrainConfig, m: Manifest): () => SegmentationNet {
  return () =>
    createModel('vnet', {
      inChannels: m.channels.length,
      numClasses: m.classes.length,
      filters: cfg.filters,
    });
}

/** Creates the method of a run (fresh weights). */
export function createMethod(cfg: TrainConfig, m: Manifest, labeledCounts: number[]): SemiSupervisedMethod {
  const ctx: MethodContext = {
    numClasses: m.classes.length,
    createNet: netFactory(cfg, m),
    labeledCounts,
    optimizer: { lr: cfg.lr, momentum: cfg.momentum, weightDecay: cfg.weightDecay, nesterov: true },
  };
  return getMethod(cfg.method).create(ctx);
}

export interface RunParts {
  manifest: Manifest;
  splits: RunSplits;
  method: SemiSupervisedMethod;
  source: BatchSource;
  validator: Validator;
  trainer: TrainerConfig;
  runManifest: Record<string, unknown>;
}

/** Everything `train()` needs, from a configuration. */
export async function setupRun(cfg: TrainConfig): Promise<RunParts> {
  if (cfg.threads > 0) setNumThreads(cfg.threads);
  getMethod(cfg.method);
  const dataDir = resolve(cfg.data);
  const manifest = readManifest(dataDir);
  const splits = resolveSplits(manifest, cfg.labeled, cfg.seed, cfg.holdout ?? 0);
  const numClasses = manifest.classes.length;
  const counts = await labelCounts(dataDir, splits.labeled, numClasses);
  const evalCases = await Promise.all(splits.eval.map((id) => loadPreprocessedCase(dataDir, id)));
  const train = presets.dhcTrain(cfg.patch);
  const source = new BatchSource({
    sampler: {
      labeled: splits.labeled,
      unlabeled: splits.unlabeled,
      labeledBatch: cfg.batch,
      unlabeledBatch: cfg.batch,
      rule: 'repeat',
      seed: cfg.seed,
    },
    loader: LOADER,
    loaderOptions: { dir: dataDir },
    transforms: { labeled: train, unlabeled: train },
    seed: cfg.seed,
    numClasses,
    workers: cfg.workers,
  });
  const validator = new Validator(evalCases, numClasses, cfg.patch);
  // The references seed torch with --seed before building the networks: initial weights and dropout
  // masks then depend on the seed alone, not on what ran before in the process.
  manualSeed(cfg.seed);
  const method = createMethod(cfg, manifest, counts);
  const trainer: TrainerConfig = {
    maxEpoch: cfg.epochs,
    baseLr: cfg.lr,
    unsupWeight: cfg.unsupWeight,
    rampup: cfg.rampup,
    ...(cfg.rampLength !== null ? { rampLength: cfg.rampLength } : {}),
    validateEvery: cfg.validateEvery,
    patience: cfg.patience === 0 ? null : cfg.patience,
    device: cfg.device,
    ...(cfg.maxIterations > 0 ? { stopAfterIterations: cfg.maxIterations } : {}),
  };
  const runManifest = {
    tool: 'semiseg',
    config: { ...cfg, data: dataDir },
    seed: cfg.seed,
    versions: { libtorch: libtorchVersion(), node: process.versions.node },
    dataset: {
      name: manifest.name,
      fingerprint: manifest.preprocessing.fingerprint,
      classes: manifest.classes,
    },
    splits,
    splitHash: splitHash({ labeled: splits.labeled, unlabeled: splits.unlabeled }),
    created: new Date().toISOString(),
  };
  return { manifest, splits, method, source, validator, trainer, runManifest };
}

/** Path of a run's predictions for a split. */
export function predictionDir(runDir: string, split: string): string {
  return join(runDir, 'predictions', split);
}
