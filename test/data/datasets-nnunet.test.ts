/**
 * The nnU-Net raw adapter on tiny synthetic datasets written here: a two-channel (CT + MR) v2 dataset with
 * `.nii.gz` files, and a v1-style `dataset.json` (`modality`, index-keyed `labels`) with `.nii` files.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { preprocessDataset } from '../../src/data/datasets/preprocess-dataset.ts';
import { loadPreprocessedCase } from '../../src/data/datasets/preprocessed.ts';
import { ctWindowNormalize, minMaxNormalize } from '../../src/data/preprocess/intensity.ts';
import { NN_N as N, nnVolume as volume, writeNnunet } from './datasets-helpers.ts';
import { assertClose, tempDir } from './preprocess-helpers.ts';

let dir = '';
let cleanup = () => {};
before(() => {
  ({ dir, cleanup } = tempDir());
});
after(() => cleanup());

test('nnU-Net v2 dataset, two channels: CT windowed, T2 min-max, [2, D, H, W] float32, labels by value', async () => {
  const raw = writeNnunet(join(dir, 'Dataset042_Liver'));
  const out = join(dir, 'out');
  const r = await preprocessDataset({ task: 'nnunet', dataDir: raw, outDir: out });
  const m = r.manifest;
  assert.equal(m.name, 'Dataset042_Liver');
  assert.deepEqual(m.channels, ['CT', 'T2']);
  assert.equal(m.modality, 'CT+T2');
  assert.deepEqual(m.classes, ['background', 'liver', 'tumour']);
  assert.deepEqual(m.splits, { all: ['liver_001', 'liver_002', 'liver_003'] });
  assert.deepEqual(
    m.preprocessing.steps.map((s) => `${s.op}${s['channel'] ?? ''}`),
    ['read-nifti', 'clip0', 'minmax-per-volume0', 'minmax-per-volume1'],
  );
  const s = await loadPreprocessedCase(out, 'liver_002');
  assert.deepEqual(s.shape, [2, 4, 6, 7]);
  assert.deepEqual(m.cases[1]!.source.image, [
    'imagesTr/liver_002_0000.nii.gz',
    'imagesTr/liver_002_0001.nii.gz',
  ]);
  assertClose(s.image.subarray(0, N), ctWindowNormalize(Float32Array.from(volume(1, 0))), 0, 'CT channel');
  assertClose(s.image.subarray(N), minMaxNormalize(Float32Array.from(volume(1, 1))), 0, 'T2 channel');
  assert.deepEqual(m.cases[0]!.labelValues, [0, 1, 2]);
  assert.deepEqual(m.cases[0]!.spacing, [3, 1.5, 1]);
});

test('nnU-Net v1-style dataset.json with .nii files and a resize variant', async () => {
  const raw = writeNnunet(join(dir, 'Task01'), {
    ext: '.nii',
    channels: ['MRI'],
    v1: true,
    cases: ['a', 'b'],
  });
  const r = await preprocessDataset({
    task: 'nnunet',
    dataDir: raw,
    outDir: join(dir, 'out1'),
    variant: '2x3x3',
  });
  assert.equal(r.manifest.name, 'Liver v1');
  assert.deepEqual(r.manifest.classes, ['background', 'liver', 'tumour']);
  assert.deepEqual(r.manifest.cases[0]!.shape, [1, 2, 3, 3]);
  assert.deepEqual(r.manifest.cases[0]!.spacing, [6, 3, 7 / 3]);
});
