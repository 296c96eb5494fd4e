/**
 * The nnU-Net raw adapter on tiny synthetic datasets written here: a two-channel (CT + MR) v2 dataset with
 * `.nii.gz` files, and a v1-style `dataset.json` (`modality`, index-keyed `labels`) with `.nii` files.
 */

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { preprocessDataset } from '../../src/data/datasets/preprocess-dataset.ts';
import { loadPreprocessedCase } from '../../src/data/datasets/preprocessed.ts';
import { ctWindowNormalize, minMaxNormalize } from '../../src/data/preprocess/intensity.ts';
import { writeNiftiSync } from '../../src/io/index.ts';
import { assertClose, tempDir } from './preprocess-helpers.ts';

let dir = '';
let cleanup = () => {};
before(() => {
  ({ dir, cleanup } = tempDir());
});
after(() => cleanup());

const XYZ = [7, 6, 4];
const N = 7 * 6 * 4;

/** Channel c of case n: a ramp; label: three classes in bands. */
function volume(n: number, c: number): Int16Array {
  return Int16Array.from({ length: N }, (_, i) => (c === 0 ? -200 + 3 * i + n : 10 + ((i * 7 + n) % 50)));
}

/** Writes an nnU-Net raw dataset; returns its folder. */
export function writeNnunet(
  root: string,
  opts: { ext?: '.nii.gz' | '.nii'; channels?: string[]; v1?: boolean; cases?: string[] } = {},
): string {
  const ext = opts.ext ?? '.nii.gz';
  const channels = opts.channels ?? ['CT', 'T2'];
  const cases = opts.cases ?? ['liver_001', 'liver_002', 'liver_003'];
  mkdirSync(join(root, 'imagesTr'), { recursive: true });
  mkdirSync(join(root, 'labelsTr'), { recursive: true });
  cases.forEach((id, n) => {
    channels.forEach((_, c) => {
      const name = `${id}_${String(c).padStart(4, '0')}${ext}`;
      writeNiftiSync(join(root, 'imagesTr', name), { data: volume(n, c), shape: XYZ, spacing: [1, 1.5, 3] });
    });
    const lab = Uint8Array.from({ length: N }, (_, i) => Math.floor(i / 60) % 3);
    writeNiftiSync(join(root, 'labelsTr', `${id}${ext}`), { data: lab, shape: XYZ, spacing: [1, 1.5, 3] });
  });
  const json = opts.v1
    ? {
        name: 'Liver v1',
        modality: Object.fromEntries(channels.map((c, i) => [String(i), c])),
        labels: { '0': 'background', '1': 'liver', '2': 'tumour' },
        numTraining: cases.length,
        file_ending: ext,
      }
    : {
        channel_names: Object.fromEntries(channels.map((c, i) => [String(i), c])),
        labels: { background: 0, liver: 1, tumour: 2 },
        numTraining: cases.length,
        file_ending: ext,
        name: 'Dataset042_Liver',
        licence: 'CC-BY',
      };
  writeFileSync(join(root, 'dataset.json'), JSON.stringify(json));
  return root;
}

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
