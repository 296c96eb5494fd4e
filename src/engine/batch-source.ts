/**
 * Training batches for the trainer: the two-stream sampler and the worker-thread prefetcher of
 * src/data, turned into tensors. Resuming restores the sampler state saved in the checkpoint, so the
 * batches after a resume are the same as those of an uninterrupted run.
 */
import {
  Prefetcher,
  type SamplerOptions,
  type SamplerState,
  type StackedBatch,
  type TransformSpec,
  TwoStreamSampler,
} from '../data/index.ts';
import type { TrainBatch } from '../methods/method.ts';
import { fromArray, ops, type Tensor } from '../torch/index.ts';

/** What the trainer consumes: one iteration's arrays and the sampler state right after it. */
export interface ArrayBatch {
  epoch: number;
  labeled: StackedBatch;
  unlabeled: StackedBatch;
  state: SamplerState;
}

export interface BatchSourceOptions {
  sampler: SamplerOptions;
  loader: string;
  loaderOptions?: unknown;
  transforms: { labeled: TransformSpec[]; unlabeled: TransformSpec[] };
  seed: number;
  numClasses: number;
  /** Worker threads (default 2; 0 loads in the training thread). */
  workers?: number;
}

export class BatchSource {
  readonly iterationsPerEpoch: number;
  private prefetcher: Prefetcher | null = null;

  constructor(private readonly opts: BatchSourceOptions) {
    this.iterationsPerEpoch = new TwoStreamSampler(opts.sampler).iterationsPerEpoch;
  }

  /** Starts delivering batches from the beginning, or right after `state` (a saved sampler state). */
  async *open(state: SamplerState | null): AsyncGenerator<ArrayBatch> {
    const sampler = new TwoStreamSampler(this.opts.sampler);
    if (state) sampler.restore(state);
    this.prefetcher = new Prefetcher({
      sampler,
      loader: this.opts.loader,
      loaderOptions: this.opts.loaderOptions,
      transforms: this.opts.transforms,
      seed: this.opts.seed,
      numClasses: this.opts.numClasses,
      workers: this.opts.workers ?? 2,
    });
    for await (const b of this.prefetcher) {
      yield { epoch: b.plan.epoch, labeled: b.labeled, unlabeled: b.unlabeled, state: b.samplerState };
    }
  }

  async close(): Promise<void> {
    await this.prefetcher?.close();
    this.prefetcher = null;
  }
}

/** Tensors of one batch: images `[B, C, D, H, W]` float32, labels `[B, D, H, W]` int64. */
export function toTrainBatch(b: ArrayBatch, device: string = 'cpu'): TrainBatch {
  const dev = device as 'cpu';
  const image = (s: StackedBatch): Tensor => fromArray(s.image, s.shape, { device: dev });
  const labelShape = [b.labeled.shape[0]!, ...b.labeled.shape.slice(2)] as number[];
  const label = ops.toDtype(fromArray(b.labeled.label!, labelShape, { device: dev }), 'int64');
  return { labeled: { image: image(b.labeled), label }, unlabeled: { image: image(b.unlabeled) } };
}
