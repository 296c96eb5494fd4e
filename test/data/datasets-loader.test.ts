/**
 * The preprocessed loader module in the prefetcher: worker threads load npy cases of a folder written by
 * `preprocessDataset` (libtorch loads in the workers for the DHC HEAD halving), batches are identical with 0 and
 * 2 workers, unlabeled samples carry all-zero labels by default, and bad options / ids name the field or file.
 */

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { preprocessDataset } from '../../src/data/datasets/preprocess-dataset.ts';
import { loadPreprocessedCase } from '../../src/data/datasets/preprocessed.ts';
import { loadCase } from '../../src/data/datasets/preprocessed-loader.ts';
import { Prefetcher, type TwoStreamBatch } from '../../src/data/prefetch.ts';
import { TwoStreamSampler } from '../../src/data/sampler.ts';
import type { TransformSpec } from '../../src/data/transforms/pipeline.ts';
import { writeNiftiSync } from '../../src/io/nifti.ts';
import { tempDir } from './preprocess-helpers.ts';

const LOADER = fileURLToPath(new URL('../../src/data/datasets/preprocessed-loader.ts', import.meta.url));

let dir = '';
let cleanup = () => {};
let out = '';
before(async () => {
  ({ dir, cleanup } = tempDir());
  const raw = join(dir, 'raw');
  mkdirSync(join(raw, 'imagesTr'), { recursive: true });
  mkdirSync(join(raw, 'labelsTr'), { recursive: true });
  const xyz = [20, 18, 12];
  const n = 20 * 18 * 12;
  for (let c = 1; c <= 5; c++) {
    const id = String(c).padStart(4, '0');
    const img = Int16Array.from({ length: n }, (_, i) => -300 + ((i * 13 + c * 7) % 600));
    const lab = Uint8Array.from({ length: n }, (_, i) => (i + c) % 3);
    writeNiftiSync(join(raw, 'imagesTr', `img${id}.nii.gz`), { data: img, shape: xyz, spacing: [1, 1, 2] });
    writeNiftiSync(join(raw, 'labelsTr', `label${id}.nii.gz`), { data: lab, shape: xyz, spacing: [1, 1, 2] });
  }
  out = join(dir, 'pre');
  await preprocessDataset({ task: 'synapse', dataDir: raw, outDir: out, variant: 'dhc-head' });
});
after(() => cleanup());

async function batches(workers: number, unlabeled?: string): Promise<TwoStreamBatch[]> {
  const sampler = new TwoStreamSampler({
    labeled: ['0001', '0002'],
    unlabeled: ['0003', '0004', '0005'],
    labeledBatch: 2,
    unlabeledBatch: 2,
    rule: 'repeat',
    seed: 3,
  });
  const crop: TransformSpec[] = [
    { type: 'randomCrop', patch: [8, 8, 8] },
    { type: 'randomFlip', axes: [1, 2] },
  ];
  const p = new Prefetcher({
    sampler,
    loader: LOADER,
    loaderOptions: unlabeled ? { dir: out, unlabeled } : { dir: out },
    transforms: { labeled: crop, unlabeled: crop },
    seed: 9,
    workers,
    steps: 3,
    numClasses: 14,
  });
  const all: TwoStreamBatch[] = [];
  for await (const b of p) all.push(b);
  return all;
}

test('prefetcher with the preprocessed loader: halved cases, same batches with 0 and 2 workers', async () => {
  const s = await loadPreprocessedCase(out, '0001');
  assert.deepEqual(s.shape, [1, 12, 9, 10]);
  const two = await batches(2);
  const zero = await batches(0);
  assert.equal(two.length, 3);
  assert.deepEqual(two, zero);
  const b = two[0]!;
  assert.deepEqual(b.labeled.shape, [2, 1, 8, 8, 8]);
  assert.deepEqual(b.unlabeled.shape, [2, 1, 8, 8, 8]);
  assert.ok(b.labeled.label!.some((v) => v > 0));
  assert.ok(
    b.unlabeled.label!.every((v) => v === 0),
    'unlabeled labels are zero by default',
  );
});

test("loaderOptions.unlabeled: 'keep' gives the stored label, 'drop' none", async () => {
  const ctx = (stream: 'labeled' | 'unlabeled', unlabeled?: string) => ({
    stream,
    options: { dir: out, unlabeled },
  });
  const kept = await loadCase('0003', ctx('unlabeled', 'keep'));
  assert.ok(kept.label!.some((v) => v > 0));
  const dropped = await loadCase('0003', ctx('unlabeled', 'drop'));
  assert.equal(dropped.label, undefined);
  const zero = await loadCase('0003', ctx('unlabeled'));
  assert.equal(zero.label!.length, 12 * 9 * 10);
  const labeled = await loadCase('0003', ctx('labeled', 'drop'));
  assert.deepEqual(labeled.label, kept.label);
  const noLabel = await loadPreprocessedCase(out, '0003', { label: false });
  assert.equal(noLabel.label, undefined);
});

test('loader errors name the field, the manifest or the case', async () => {
  await assert.rejects(
    async () => loadCase('0001', { stream: 'labeled', options: {} }),
    /^DataError: loaderOptions.dir: is undefined; expected the preprocessed dataset folder$/,
  );
  await assert.rejects(
    async () => loadCase('0001', { stream: 'unlabeled', options: { dir: out, unlabeled: 'blank' } }),
    /loaderOptions.unlabeled: is "blank"; expected 'zero', 'keep' or 'drop'/,
  );
  await assert.rejects(
    () => loadPreprocessedCase(out, '0042'),
    /manifest.json: cases: unknown case id '0042'; expected one of the 5 ids/,
  );
  await assert.rejects(
    () => loadPreprocessedCase(join(dir, 'nowhere'), '0001'),
    /nowhere\/manifest.json: no such file/,
  );
});
