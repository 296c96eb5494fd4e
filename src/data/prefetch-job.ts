/**
 * One prefetch job: load a case through a loader module, augment it with the per-sample random stream, check
 * it. Shared by the worker threads and the in-thread mode (workers: 0), so both give identical samples.
 *
 * The per-sample stream is `Random(seed).split('augment').split(stream).fork(epoch).fork(index)`: it depends
 * only on the seed and the sample's place in the sampler's order, never on which worker ran it or when.
 */

import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Random } from './random.ts';
import { checkSample, fmt, type Sample } from './sample.ts';
import type { SampleRef, StreamName } from './sampler.ts';
import { buildPipeline, type Transform, type TransformSpec } from './transforms/pipeline.ts';

/** What a loader module's `loadCase` receives besides the case id. */
export interface LoaderContext {
  stream: StreamName;
  /** `loaderOptions` of the prefetch config (structured-cloned into workers). */
  options: unknown;
}

/**
 * A loader module exports `loadCase(id, ctx)` returning the raw case as a `Sample` (`[C, D, H, W]` float32
 * image, optional uint8 label), synchronously or as a promise.
 */
export interface LoaderModule {
  loadCase(id: string, ctx: LoaderContext): Sample | Promise<Sample>;
}

/** Everything a job runner needs; plain data so that it can be sent to worker threads. */
export interface PrefetchConfig {
  /** Path (absolute, or relative to the working directory) or file URL of the loader module. */
  loader: string;
  loaderOptions?: unknown;
  /** Augmentation pipelines per stream (JSON descriptions, see transforms/pipeline.ts). */
  transforms: { labeled: TransformSpec[]; unlabeled: TransformSpec[] };
  /** Augmentation seed: a non-negative integer, or its decimal/0x string. */
  seed: number | string;
  /** When set, every label value must be < numClasses. */
  numClasses?: number;
}

/** Runs one job; rejects with an error naming the case. */
export type JobRunner = (ref: SampleRef) => Promise<Sample>;

/** Resolves a loader path or URL to a file URL string (relative paths against the working directory). */
export function loaderUrl(loader: string): string {
  if (typeof loader !== 'string' || loader === '')
    throw new RangeError(`loader: expected a module path or file URL, got ${fmt(loader)}`);
  if (/^[a-z]+:/i.test(loader) && !/^[a-z]:[\\/]/i.test(loader)) return loader;
  return pathToFileURL(isAbsolute(loader) ? loader : resolve(loader)).href;
}

/** The deterministic random stream of one sample (see the module comment). */
export function sampleRandom(
  seed: number | string,
  ref: Pick<SampleRef, 'stream' | 'epoch' | 'index'>,
): Random {
  return new Random(seed).split('augment').split(ref.stream).fork(ref.epoch).fork(ref.index);
}

/** Message prefix naming a case and its place in the sampler's order. */
export function caseLabel(ref: SampleRef): string {
  return `case ${fmt(ref.id)} (${ref.stream}, epoch ${ref.epoch}, index ${ref.index})`;
}

/** Imports the loader module and builds both pipelines; throws one-line errors naming the field. */
export async function createJobRunner(config: PrefetchConfig): Promise<JobRunner> {
  if (config === null || typeof config !== 'object')
    throw new TypeError('prefetch config: expected an object');
  const url = loaderUrl(config.loader);
  let mod: Partial<LoaderModule>;
  try {
    mod = (await import(url)) as Partial<LoaderModule>;
  } catch (e) {
    throw new Error(`loader: cannot import ${url}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof mod.loadCase !== 'function')
    throw new TypeError(`loader: ${url} does not export a function loadCase(id, ctx)`);
  const loadCase = mod.loadCase.bind(mod);
  if (!config.transforms || typeof config.transforms !== 'object') {
    throw new RangeError('transforms: expected { labeled: [...], unlabeled: [...] }');
  }
  const pipelines: Record<StreamName, Transform> = {
    labeled: buildPipeline(config.transforms.labeled, 'transforms.labeled'),
    unlabeled: buildPipeline(config.transforms.unlabeled, 'transforms.unlabeled'),
  };
  new Random(config.seed); // validates the seed now rather than at the first job
  const { numClasses } = config;
  return async (ref) => {
    try {
      const raw = await loadCase(ref.id, { stream: ref.stream, options: config.loaderOptions });
      checkSample(raw, 'loaded sample', numClasses);
      const out = pipelines[ref.stream](raw, sampleRandom(config.seed, ref));
      checkSample(out, 'augmented sample');
      // Never hand out the loader's own arrays (a worker transfers, i.e. detaches, what it returns).
      const image = out.image === raw.image ? out.image.slice() : out.image;
      const result: Sample = { image, shape: out.shape };
      if (out.label) result.label = out.label === raw.label ? out.label.slice() : out.label;
      return result;
    } catch (e) {
      throw new Error(`${caseLabel(ref)}: ${(e as Error)?.message ?? String(e)}`);
    }
  };
}
