/**
 * Background loading and augmentation in `worker_threads`, so the trainer does not wait for data.
 *
 * The sampler decides which cases make each batch; every case becomes a job run by one of N workers
 * (least-loaded first), which loads it through the loader module, augments it with the per-sample stream
 * derived from (seed, stream, epoch, index) and posts the typed arrays back with a transfer list (zero
 * copy). Batches are assembled in sampler order, so the output is identical for any number of workers and
 * any timing. At most `depth` batches are in preparation or ready at once (bounded queue).
 *
 * Usage: `for await (const batch of new Prefetcher({...}))`; `close()` (also `break`, `return()` and
 * `await using`) terminates the workers. A failing job rejects `next()` with an error naming the case, and
 * the prefetcher closes itself.
 */

import { Worker } from 'node:worker_threads';
import {
  caseLabel,
  createJobRunner,
  type JobRunner,
  loaderUrl,
  type PrefetchConfig,
} from './prefetch-job.ts';
import { fmt, type Sample, type StackedBatch, stackSamples } from './sample.ts';
import type { BatchPlan, SampleRef, SamplerState, TwoStreamSampler } from './sampler.ts';

/** Options of `Prefetcher`. */
export interface PrefetchOptions extends PrefetchConfig {
  sampler: TwoStreamSampler;
  /** Worker threads (default 2); 0 runs the jobs in the calling thread (same results, no overlap). */
  workers?: number;
  /** Batches prepared ahead of the consumer (default 2). */
  depth?: number;
  /** Stop after this many batches (default: endless). */
  steps?: number;
}

/** One iteration's data: both streams stacked as `[B, C, D, H, W]` image / `[B, D, H, W]` label. */
export interface TwoStreamBatch {
  plan: BatchPlan;
  labeled: StackedBatch;
  unlabeled: StackedBatch;
  /** Sampler state right after this batch: checkpoint it to resume with the following batch. */
  samplerState: SamplerState;
}

interface Pending {
  resolve: (s: Sample) => void;
  reject: (e: Error) => void;
  ref: SampleRef;
  worker: number;
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'done'; jobId: number; image: Float32Array; label?: Uint8Array; shape: Sample['shape'] }
  | { type: 'failed'; jobId: number; message: string };

const WORKER_URL = new URL('./prefetch-worker.mjs', import.meta.url);

/** Async iterator of two-stream batches prepared in background workers. */
export class Prefetcher implements AsyncIterableIterator<TwoStreamBatch> {
  private readonly opts: PrefetchOptions;
  private readonly nWorkers: number;
  private readonly depth: number;
  private workers: Worker[] = [];
  private load: number[] = [];
  private inline: JobRunner | null = null;
  private started: Promise<void> | null = null;
  private readonly jobs = new Map<number, Pending>();
  private nextJobId = 0;
  private queue: Promise<TwoStreamBatch>[] = [];
  private produced = 0;
  private closed = false;
  private failure: Error | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  /** Checks the options; workers start on the first `next()`. */
  constructor(options: PrefetchOptions) {
    const { workers = 2, depth = 2, steps } = options;
    if (!Number.isSafeInteger(workers) || workers < 0)
      throw new RangeError(`workers: expected an integer >= 0, got ${fmt(workers)}`);
    if (!Number.isSafeInteger(depth) || depth < 1)
      throw new RangeError(`depth: expected an integer >= 1, got ${fmt(depth)}`);
    if (steps !== undefined && (!Number.isSafeInteger(steps) || steps < 0))
      throw new RangeError(`steps: expected an integer >= 0, got ${fmt(steps)}`);
    if (!options.sampler || typeof options.sampler.next !== 'function')
      throw new TypeError('sampler: expected a TwoStreamSampler');
    loaderUrl(options.loader); // validates the loader field early
    this.opts = options;
    this.nWorkers = workers;
    this.depth = depth;
  }

  private start(): Promise<void> {
    this.started ??= this.nWorkers === 0 ? this.startInline() : this.startWorkers();
    return this.started;
  }

  private async startInline(): Promise<void> {
    this.inline = await createJobRunner(this.config());
  }

  private config(): PrefetchConfig {
    const { loader, loaderOptions, transforms, seed, numClasses } = this.opts;
    const c: PrefetchConfig = { loader: loaderUrl(loader), loaderOptions, transforms, seed };
    if (numClasses !== undefined) c.numClasses = numClasses;
    return c;
  }

  private async startWorkers(): Promise<void> {
    const ready: Promise<void>[] = [];
    for (let w = 0; w < this.nWorkers; w++) {
      const worker = new Worker(WORKER_URL, { workerData: this.config() });
      this.workers.push(worker);
      this.load.push(0);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', (m: WorkerMessage) => {
            if (m.type === 'ready') resolve();
            else
              reject(
                new Error(m.type === 'fatal' ? m.message : `prefetch worker ${w}: unexpected first message`),
              );
            worker.on('message', (msg: WorkerMessage) => this.onMessage(msg));
          });
          worker.once('error', (e) => {
            reject(e);
            this.onWorkerDown(w, `failed: ${e.message}`);
          });
          worker.once('exit', (code) => {
            reject(new Error(`prefetch worker ${w} exited with code ${code} before it was ready`));
            if (!this.closed) this.onWorkerDown(w, `exited with code ${code}`);
          });
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  private onMessage(m: WorkerMessage): void {
    if (m.type !== 'done' && m.type !== 'failed') return;
    const job = this.jobs.get(m.jobId);
    if (!job) return;
    this.jobs.delete(m.jobId);
    this.load[job.worker]!--;
    if (m.type === 'failed') {
      job.reject(new Error(m.message));
      return;
    }
    const s: Sample = { image: m.image, shape: m.shape };
    if (m.label) s.label = m.label;
    job.resolve(s);
  }

  private onWorkerDown(w: number, what: string): void {
    // A worker only dies on an uncaught error (job errors are caught and reported); stop scheduling on it.
    this.failure ??= new Error(`prefetch worker ${w} ${what}`);
    for (const [id, job] of this.jobs) {
      if (job.worker !== w) continue;
      this.jobs.delete(id);
      job.reject(new Error(`prefetch worker ${w} ${what} while loading ${caseLabel(job.ref)}`));
    }
  }

  private run(ref: SampleRef): Promise<Sample> {
    if (this.inline) return this.inline(ref);
    if (this.failure) return Promise.reject(this.failure);
    let w = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[w]!) w = i;
    const jobId = this.nextJobId++;
    this.load[w]!++;
    return new Promise<Sample>((resolve, reject) => {
      this.jobs.set(jobId, { resolve, reject, ref, worker: w });
      this.workers[w]!.postMessage({ jobId, ref });
    });
  }

  private schedule(): void {
    const total = this.opts.steps ?? Number.POSITIVE_INFINITY;
    while (this.queue.length < this.depth && this.produced < total) {
      const plan = this.opts.sampler.next();
      const samplerState = this.opts.sampler.state();
      this.produced++;
      const batch = (async (): Promise<TwoStreamBatch> => {
        const [lab, unl] = await Promise.all([
          Promise.all(plan.labeled.map((r) => this.run(r))),
          Promise.all(plan.unlabeled.map((r) => this.run(r))),
        ]);
        const ids = (refs: SampleRef[]) => refs.map((r) => r.id);
        return {
          plan,
          labeled: stackSamples(lab, ids(plan.labeled), `batch ${plan.step} labeled`),
          unlabeled: stackSamples(unl, ids(plan.unlabeled), `batch ${plan.step} unlabeled`),
          samplerState,
        };
      })();
      batch.catch(() => {}); // observed when consumed; avoids an unhandled rejection while queued
      this.queue.push(batch);
    }
  }

  private async nextInner(): Promise<IteratorResult<TwoStreamBatch>> {
    if (this.failure) throw this.failure;
    if (this.closed) return { done: true, value: undefined };
    await this.start();
    this.schedule();
    const head = this.queue.shift();
    if (!head) {
      await this.close();
      return { done: true, value: undefined };
    }
    try {
      const value = await head;
      if (!this.closed) this.schedule();
      return { done: false, value };
    } catch (e) {
      this.failure ??= e as Error;
      await this.close();
      throw e;
    }
  }

  /** The next batch, in sampler order. Rejects with an error naming the case if a job failed. */
  next(): Promise<IteratorResult<TwoStreamBatch>> {
    const p = this.chain.then(() => this.nextInner());
    this.chain = p.catch(() => {});
    return p;
  }

  /** Stops early (called by `break` in `for await`): closes the workers. */
  async return(): Promise<IteratorResult<TwoStreamBatch>> {
    await this.close();
    return { done: true, value: undefined };
  }

  /** Number of live worker threads (0 before the first `next()`, after `close()`, and with workers: 0). */
  get activeWorkers(): number {
    return this.workers.length;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Terminates the workers and drops queued batches. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
    for (const [id, job] of this.jobs) {
      this.jobs.delete(id);
      job.reject(new Error(`prefetcher closed while loading ${caseLabel(job.ref)}`));
    }
  }
}
