import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Prefetcher, type PrefetchOptions, type TwoStreamBatch } from '../../src/data/prefetch.ts';
import { sampleRandom } from '../../src/data/prefetch-job.ts';
import { type Sample, stackSamples } from '../../src/data/sample.ts';
import { type SamplerOptions, TwoStreamSampler } from '../../src/data/sampler.ts';
import { buildPipeline, presets, type TransformSpec } from '../../src/data/transforms/pipeline.ts';
import { synthetic } from './fixtures/synthetic-loader.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const SYNTH = fixture('synthetic-loader.ts');
const ids = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`);
const samplerOpts: SamplerOptions = {
  labeledBatch: 2,
  unlabeledBatch: 2,
  rule: 'repeat',
  labeled: ids('L', 3),
  unlabeled: ids('U', 7),
  seed: 5,
};
const SHAPE: Sample['shape'] = [1, 10, 12, 14];
const PIPE: TransformSpec[] = [
  { type: 'randomCrop', patch: [8, 8, 8] },
  { type: 'randomFlip', axes: [1, 2] },
  { type: 'gaussianNoise', std: 0.05 },
];

function options(over: Partial<PrefetchOptions> = {}): PrefetchOptions {
  return {
    sampler: new TwoStreamSampler(samplerOpts),
    loader: SYNTH,
    loaderOptions: { shape: SHAPE, classes: 4, jitterMs: 6 },
    transforms: { labeled: PIPE, unlabeled: PIPE },
    seed: 11,
    workers: 2,
    depth: 3,
    ...over,
  };
}

async function collect(p: Prefetcher): Promise<TwoStreamBatch[]> {
  const out: TwoStreamBatch[] = [];
  for await (const b of p) out.push(b);
  return out;
}

test('same seed gives identical batches with 0, 1 and 2 workers, equal to computing them directly', async () => {
  const runs = [];
  for (const workers of [0, 1, 2]) runs.push(await collect(new Prefetcher(options({ workers, steps: 9 }))));
  assert.equal(runs[0]!.length, 9); // 2 epochs of 4 iterations, then one more
  assert.deepEqual(runs[1], runs[0]);
  assert.deepEqual(runs[2], runs[0]);
  // independent recomputation of batch 5 from the sampler plan and the per-sample stream
  const b = runs[2]![5]!;
  const pipe = buildPipeline(PIPE);
  const lab = b.plan.labeled.map((r) => pipe(synthetic(r.id, SHAPE, 4), sampleRandom(11, r)));
  assert.deepEqual(
    b.labeled,
    stackSamples(
      lab,
      b.plan.labeled.map((r) => r.id),
    ),
  );
  assert.deepEqual(b.labeled.shape, [2, 1, 8, 8, 8]);
  assert.deepEqual(b.unlabeled.label, new Uint8Array(2 * 512), 'unlabeled labels are zero, as loaded');
  // another seed changes the augmentation
  const other = await collect(new Prefetcher(options({ workers: 0, steps: 1, seed: 12 })));
  assert.notDeepEqual(other[0]!.labeled.image, runs[0]![0]!.labeled.image);
});

test('per-sample streams differ by stream, epoch and index, and repeated cases get new augmentations', async () => {
  const first = (stream: 'labeled' | 'unlabeled', epoch: number, index: number) =>
    sampleRandom(11, { stream, epoch, index }).uint32();
  const draws = [
    first('labeled', 0, 0),
    first('labeled', 0, 1),
    first('labeled', 1, 0),
    first('unlabeled', 0, 0),
  ];
  assert.equal(new Set(draws).size, 4);
  assert.equal(first('labeled', 2, 3), first('labeled', 2, 3));
  // 3 labeled cases over 7 unlabeled: each labeled case appears 2 or 3 times per epoch, never twice the same way
  const batches = await collect(new Prefetcher(options({ workers: 0, steps: 4 })));
  const seen = new Map<string, string[]>();
  for (const b of batches) {
    b.labeled.ids.forEach((id, k) => {
      const patch = Array.from(b.labeled.image.subarray(k * 512, (k + 1) * 512)).join(',');
      seen.set(id, [...(seen.get(id) ?? []), patch]);
    });
  }
  for (const [id, patches] of seen) {
    assert.ok(patches.length >= 2, id);
    assert.equal(new Set(patches).size, patches.length, `${id} augmented identically twice`);
  }
});

test('batches follow the sampler: streams never mix, ids and plan agree', async () => {
  const batches = await collect(new Prefetcher(options({ steps: 8 })));
  for (const b of batches) {
    assert.deepEqual(
      b.labeled.ids,
      b.plan.labeled.map((r) => r.id),
    );
    assert.ok(b.labeled.ids.every((id) => id.startsWith('L')));
    assert.ok(b.unlabeled.ids.every((id) => id.startsWith('U')));
  }
  const epoch0 = batches.filter((b) => b.plan.epoch === 0).flatMap((b) => b.unlabeled.ids);
  assert.deepEqual([...epoch0].sort(), ids('U', 7));
});

test('raw binary files: loaded bytes arrive unchanged (empty pipeline) and centre-cropped exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'semiseg-raw-'));
  try {
    const shape = [1, 3, 4, 5];
    for (const id of [...ids('L', 2), ...ids('U', 2)]) {
      const k = Number(id.slice(1)) + (id[0] === 'U' ? 10 : 0);
      const img = Float32Array.from({ length: 60 }, (_, i) => 100 * k + i);
      writeFileSync(join(dir, `${id}.json`), JSON.stringify({ shape }));
      writeFileSync(join(dir, `${id}.f32`), Buffer.from(img.buffer));
      writeFileSync(join(dir, `${id}.u8`), Buffer.from(Uint8Array.from({ length: 60 }, (_, i) => i % 3)));
    }
    const mkSampler = () =>
      new TwoStreamSampler({
        labeledBatch: 2,
        unlabeledBatch: 2,
        rule: 'repeat',
        labeled: ids('L', 2),
        unlabeled: ids('U', 2),
        seed: 0,
      });
    const base = {
      loader: fixture('raw-loader.ts'),
      loaderOptions: { dir },
      seed: 0,
      workers: 1,
      steps: 1,
    };
    const [raw] = await collect(
      new Prefetcher({ ...base, sampler: mkSampler(), transforms: { labeled: [], unlabeled: [] } }),
    );
    const k0 = Number(raw!.labeled.ids[0]!.slice(1));
    assert.deepEqual(
      Array.from(raw!.labeled.image.subarray(0, 60)),
      Array.from({ length: 60 }, (_, i) => 100 * k0 + i),
    );
    assert.deepEqual(Array.from(raw!.labeled.label!.subarray(0, 6)), [0, 1, 2, 0, 1, 2]);
    const crop: TransformSpec[] = [{ type: 'centerCrop', patch: [1, 2, 2] }];
    const [c] = await collect(
      new Prefetcher({ ...base, sampler: mkSampler(), transforms: { labeled: crop, unlabeled: crop } }),
    );
    // offsets round(1) = 1, round(1) = 1, round(1.5) = 2 -> voxels (1,1,2),(1,1,3),(1,2,2),(1,2,3) = 27, 28, 32, 33
    const u0 = Number(c!.unlabeled.ids[0]!.slice(1)) + 10;
    assert.deepEqual(
      Array.from(c!.unlabeled.image.subarray(0, 4)),
      [27, 28, 32, 33].map((v) => 100 * u0 + v),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the queue is bounded: the sampler runs at most `depth` batches ahead of the consumer', async () => {
  const sampler = new TwoStreamSampler(samplerOpts);
  const p = new Prefetcher(options({ sampler, depth: 2, workers: 1 }));
  for (let k = 1; k <= 4; k++) {
    await p.next();
    assert.equal(sampler.state().step, k + 2);
  }
  await p.close();
  assert.equal(p.activeWorkers, 0);
  assert.deepEqual(await p.next(), { done: true, value: undefined });
});

test('resume: a new prefetcher from a batch samplerState continues with the identical batches', async () => {
  const all = await collect(new Prefetcher(options({ steps: 10, workers: 2 })));
  const sampler = new TwoStreamSampler(samplerOpts);
  sampler.restore(JSON.parse(JSON.stringify(all[5]!.samplerState)));
  const rest = await collect(new Prefetcher(options({ sampler, steps: 4, workers: 1 })));
  assert.deepEqual(rest, all.slice(6));
});

test('breaking out of for-await closes the workers', async () => {
  const p = new Prefetcher(options({ workers: 2 }));
  let n = 0;
  for await (const _ of p) {
    assert.equal(p.activeWorkers, 2);
    if (++n === 2) break;
  }
  assert.equal(p.activeWorkers, 0);
});

test('a failing case rejects next() with an error naming the case, then the prefetcher is closed', async () => {
  const p = new Prefetcher(
    options({ loaderOptions: { shape: SHAPE, classes: 4, failOn: 'U3' }, workers: 2 }),
  );
  await assert.rejects(
    collect(p),
    /^Error: case 'U3' \(unlabeled, epoch 0, index \d+\): cannot open U3.h5: file is truncated$/,
  );
  assert.equal(p.activeWorkers, 0);
  await assert.rejects(p.next(), /case 'U3'/);
});

test('label values outside the class range are refused, naming the case and the field', async () => {
  const p = new Prefetcher(
    options({ loaderOptions: { shape: SHAPE, classes: 4, badLabelOn: 'L1' }, numClasses: 4, workers: 1 }),
  );
  await assert.rejects(
    collect(p),
    /case 'L1' \(labeled, epoch 0, index \d+\): loaded sample.label: value 4 at flat index 3 is outside the class range 0..3/,
  );
});

test('a worker that dies rejects the pending case; a bad loader or pipeline fails at start', async () => {
  const crash = new Prefetcher(
    options({ loaderOptions: { shape: SHAPE, classes: 4, crashOn: 'L2' }, workers: 1 }),
  );
  await assert.rejects(
    collect(crash),
    /prefetch worker 0 failed: simulated crash outside any job while loading case 'L2'/,
  );
  assert.equal(crash.activeWorkers, 0);
  const missing = new Prefetcher(options({ loader: fixture('missing-loader.ts'), workers: 1 }));
  await assert.rejects(missing.next(), /loader: cannot import file:.*missing-loader.ts: /);
  const badPipe = new Prefetcher(
    options({ transforms: { labeled: [{ type: 'warp' } as never], unlabeled: [] }, workers: 1 }),
  );
  await assert.rejects(badPipe.next(), /transforms.labeled\[0\]\.type: unknown transform 'warp'/);
  assert.equal(badPipe.activeWorkers, 0);
  const inline = new Prefetcher(options({ loader: fixture('not-a-loader.ts'), workers: 0 }));
  await assert.rejects(inline.next(), /loader: file:.*not-a-loader.ts does not export a function loadCase/);
});

test('prefetch option errors name the field', () => {
  assert.throws(() => new Prefetcher(options({ workers: -1 })), /workers: expected an integer >= 0, got -1/);
  assert.throws(() => new Prefetcher(options({ depth: 0 })), /depth: expected an integer >= 1, got 0/);
  assert.throws(() => new Prefetcher(options({ steps: 1.5 })), /steps: expected an integer >= 0/);
  assert.throws(() => new Prefetcher(options({ loader: '' })), /loader: expected a module path or file URL/);
});

test('the DHC preset through workers gives 64x128x128 patches from 80x160x160 volumes', async () => {
  const p = new Prefetcher(
    options({
      loaderOptions: { shape: [1, 80, 160, 160], classes: 14 },
      transforms: { labeled: presets.dhcTrain(), unlabeled: presets.dhcTrain() },
      numClasses: 14,
      steps: 2,
    }),
  );
  const out = await collect(p);
  assert.deepEqual(out[1]!.labeled.shape, [2, 1, 64, 128, 128]);
  assert.equal(out[1]!.unlabeled.label!.length, 2 * 64 * 128 * 128);
});
