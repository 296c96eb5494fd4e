/** Builders shared by the dataset tests: a valid manifest and a tiny nnU-Net raw dataset. */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../../src/data/manifest.ts';
import { writeNiftiSync } from '../../src/io/nifti.ts';

const SHA = 'a'.repeat(64);

/** A small valid manifest: two labeled 3D cases and one unlabeled 2D slice. */
export function sampleManifest(): Manifest {
  const source = {
    image: ['imagesTr/img0001.nii.gz'],
    label: 'labelsTr/label0001.nii.gz',
    shape: [4, 6, 6],
    spacing: [2, 0.8, 0.8],
    affine: null,
  };
  return {
    format: 'semiseg-dataset',
    version: 1,
    name: 'Tiny',
    task: 'synapse',
    modality: 'CT',
    channels: ['CT'],
    classes: ['background', 'spleen', 'liver'],
    cases: [
      {
        id: '0001',
        image: '0001_image.npy',
        label: '0001_label.npy',
        shape: [1, 2, 3, 3],
        spacing: [4, 1.6, 1.6],
        labelValues: [0, 2],
        sha256: { image: SHA, label: SHA },
        source,
      },
      {
        id: '0002',
        image: '0002_image.npy',
        label: '0002_label.npy',
        shape: [1, 2, 3, 3],
        spacing: null,
        labelValues: [0, 1, 2],
        sha256: { image: SHA, label: SHA },
        source: { ...source, spacing: null },
      },
      {
        id: 's_1',
        image: 's_1_image.npy',
        label: null,
        shape: [1, 3, 3],
        spacing: null,
        labelValues: null,
        sha256: { image: SHA, label: null },
        source: { ...source, label: null, shape: [3, 3], spacing: null },
      },
    ],
    splits: { all: ['0001', '0002', 's_1'], labeled_20p: ['0001'], unlabeled_20p: ['0002'] },
    preprocessing: {
      variant: '80x160x160',
      steps: [{ op: 'resize', size: [80, 160, 160] }],
      onLoad: [],
      source: '/data/synapse',
      tool: 'semiseg 0.1.0',
      created: '2026-01-01T00:00:00.000Z',
      fingerprint: '0'.repeat(64),
      notes: ['a note'],
    },
  };
}

const XYZ = [7, 6, 4];
export const NN_N = 7 * 6 * 4;
const N = NN_N;

/** Channel c of case n: a ramp; label: three classes in bands. */
export function nnVolume(n: number, c: number): Int16Array {
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
      writeNiftiSync(join(root, 'imagesTr', name), {
        data: nnVolume(n, c),
        shape: XYZ,
        spacing: [1, 1.5, 3],
      });
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
