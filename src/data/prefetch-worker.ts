/**
 * Worker-thread entry of the prefetcher. `workerData` is a `PrefetchConfig`. Protocol:
 * worker -> main `{ type: 'ready' }` or `{ type: 'fatal', message }` once; main -> worker
 * `{ jobId, ref }`; worker -> main `{ type: 'done', jobId, image, label?, shape }` with the typed arrays'
 * buffers in the transfer list (zero copy), or `{ type: 'failed', jobId, message }`.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { createJobRunner, type JobRunner, type PrefetchConfig } from './prefetch-job.ts';
import type { SampleRef } from './sampler.ts';

/** The buffer to transfer for a typed array, copying first if the array is a view into a larger buffer. */
function owned<T extends Float32Array | Uint8Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T);
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('prefetch-worker: must run in a worker thread');
  let run: JobRunner;
  try {
    run = await createJobRunner(workerData as PrefetchConfig);
  } catch (e) {
    port.postMessage({ type: 'fatal', message: (e as Error).message });
    return;
  }
  port.on('message', (msg: { jobId: number; ref: SampleRef }) => {
    run(msg.ref).then(
      (s) => {
        const image = owned(s.image);
        const label = s.label ? owned(s.label) : undefined;
        const transfer: ArrayBuffer[] = [];
        for (const a of [image, label]) if (a && a.buffer instanceof ArrayBuffer) transfer.push(a.buffer);
        port.postMessage({ type: 'done', jobId: msg.jobId, image, label, shape: s.shape }, transfer);
      },
      (e: Error) => port.postMessage({ type: 'failed', jobId: msg.jobId, message: e.message }),
    );
  });
  port.postMessage({ type: 'ready' });
}

await main();
