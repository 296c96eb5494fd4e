/**
 * Malformed inputs across the dataset layer: every case below must fail with ONE error line that names the file
 * or field and says what was expected, never a crash, a stack of lines or a wrong array. The IO layer's own
 * malformed files are in test/io/errors.test.ts; the cases here are the dataset layer's (a few pass an IO error
 * through an adapter, to show it arrives unchanged). The last test counts them.
 */

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { runPreprocess } from '../../src/cli/preprocess.ts';
import { openDataset, preprocessDataset } from '../../src/data/datasets/preprocess-dataset.ts';
import { loadPreprocessedCase } from '../../src/data/datasets/preprocessed.ts';
import { type Manifest, readManifest, writeManifest } from '../../src/data/manifest.ts';
import { variantPlan } from '../../src/data/preprocess/variants.ts';
import { encodeNifti, writeNiftiSync } from '../../src/io/nifti.ts';
import { writeNpySync } from '../../src/io/npy.ts';
import { sampleManifest, writeNnunet } from './datasets-helpers.ts';
import { ROOT, tempDir } from './preprocess-helpers.ts';

let dir = '';
let cleanup = () => {};
before(() => {
  ({ dir, cleanup } = tempDir());
});
after(() => cleanup());

const XYZ = [6, 5, 4];
const N = 6 * 5 * 4;
const IO_FIXTURES = join(ROOT, 'test', 'fixtures', 'io');
const quiet = { out: { write: () => true }, err: { write: () => true } };

/** A fresh Synapse folder with `n` good cases; `edit` may then break it. */
function synapse(name: string, n = 2, edit?: (root: string) => void): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'imagesTr'), { recursive: true });
  mkdirSync(join(root, 'labelsTr'), { recursive: true });
  for (let c = 1; c <= n; c++) {
    const id = String(c).padStart(4, '0');
    writeNiftiSync(join(root, 'imagesTr', `img${id}.nii.gz`), {
      data: Int16Array.from({ length: N }, (_, i) => i * 9 - 300),
      shape: XYZ,
    });
    writeNiftiSync(join(root, 'labelsTr', `label${id}.nii.gz`), {
      data: Uint8Array.from({ length: N }, (_, i) => i % 5),
      shape: XYZ,
    });
  }
  edit?.(root);
  return root;
}

function run(task: string, data: string, extra: Partial<Parameters<typeof preprocessDataset>[0]> = {}) {
  return preprocessDataset({
    task,
    dataDir: data,
    outDir: join(dir, `out-${Math.random().toString(36).slice(2)}`),
    ...extra,
  });
}

/** A preprocessed folder of the 2-case Synapse set (variant 2x3x3) to break. */
async function preprocessed(name: string): Promise<string> {
  const out = join(dir, name);
  await preprocessDataset({
    task: 'synapse',
    dataDir: synapse(`${name}-raw`),
    outDir: out,
    variant: '2x3x3',
  });
  return out;
}

/** A manifest file holding `edit(sampleManifest())` (written raw, bypassing the writer's checks). */
function manifestFile(name: string, edit: (m: Record<string, unknown> & Manifest) => void): string {
  const m = structuredClone(sampleManifest()) as Record<string, unknown> & Manifest;
  edit(m);
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify(m));
  return p;
}

interface Case {
  name: string;
  run: () => unknown;
  /** What the one line must say (it must also name a file or field and what was expected). */
  message: RegExp;
}

const cases: Case[] = [
  // ---- task, variant, folders, files (adapters) ------------------------------------------------------------
  {
    name: 'unknown task',
    run: () => openDataset('brats', dir),
    message: /^task: unknown task 'brats'; expected one of synapse, amos, la, acdc, nnunet$/,
  },
  {
    name: 'unknown variant',
    run: () => variantPlan('synapse', '90x90', ['CT']),
    message:
      /^variant: unknown variant '90x90' for task synapse; expected one of 80x160x160, dhc-head, native, DxHxW$/,
  },
  {
    name: 'variant a task does not have',
    run: () => variantPlan('la', '80x160x160', ['MRI']),
    message: /^variant: unknown variant '80x160x160' for task la; expected one of native$/,
  },
  {
    name: 'missing data folder',
    run: () => openDataset('synapse', join(dir, 'nope')),
    message: /nope: no such folder; expected the Synapse data folder/,
  },
  {
    name: 'missing labelsTr folder',
    run: () =>
      openDataset(
        'synapse',
        synapse('nolabels', 1, (r) => rmSync(join(r, 'labelsTr'), { recursive: true })),
      ),
    message: /nolabels\/labelsTr: no such folder; expected the Synapse labels folder/,
  },
  {
    name: 'missing label file',
    run: () =>
      openDataset(
        'synapse',
        synapse('nolabel', 2, (r) => rmSync(join(r, 'labelsTr', 'label0002.nii.gz'))),
      ),
    message: /\/labelsTr\/label0002.nii.gz: no such file; expected the label of imagesTr\/img0002.nii.gz/,
  },
  {
    name: 'duplicate case (.nii and .nii.gz)',
    run: () =>
      openDataset(
        'synapse',
        synapse('dup', 1, (r) =>
          writeFileSync(
            join(r, 'imagesTr', 'img0001.nii'),
            encodeNifti({ data: new Int16Array(N), shape: XYZ }),
          ),
        ),
      ),
    message:
      /\/imagesTr\/img0001.nii.gz: duplicate case '0001' \(also imagesTr\/img0001.nii\); expected one image file per case$/,
  },
  {
    name: 'no case in imagesTr',
    run: () => openDataset('synapse', synapse('empty', 0)),
    message: /empty\/imagesTr: holds no Synapse images; expected files named like/,
  },
  {
    name: 'file instead of a folder',
    run: () => openDataset('amos', join(IO_FIXTURES, 'case3d.h5')),
    message: /case3d.h5: is not a folder; expected the AMOS data folder/,
  },
  {
    name: 'image/label shape mismatch',
    run: () =>
      run(
        'synapse',
        synapse('shape', 1, (r) =>
          writeNiftiSync(join(r, 'labelsTr', 'label0001.nii.gz'), {
            data: new Uint8Array(N / 2),
            shape: [3, 5, 4],
          }),
        ),
      ),
    message:
      /\/labelsTr\/label0001.nii.gz: label shape \(3, 5, 4\) differs from the image's \(6, 5, 4, \/.*\/imagesTr\/img0001.nii.gz\); expected image and label of the same shape$/,
  },
  {
    name: 'label value outside the classes',
    run: () =>
      run(
        'synapse',
        synapse('lab14', 1, (r) =>
          writeNiftiSync(join(r, 'labelsTr', 'label0001.nii.gz'), {
            data: Uint8Array.from({ length: N }, (_, i) => (i === 7 ? 14 : 0)),
            shape: XYZ,
          }),
        ),
      ),
    message:
      /\/labelsTr\/label0001.nii.gz: label value 14 at voxel \(1, 1, 0\) is outside the classes; expected integer values 0..13 \(Synapse, 14 classes\)$/,
  },
  {
    name: 'fractional label value',
    run: () =>
      run(
        'synapse',
        synapse('labfrac', 1, (r) =>
          writeNiftiSync(join(r, 'labelsTr', 'label0001.nii.gz'), {
            data: Float32Array.from({ length: N }, (_, i) => (i === 2 ? 1.5 : 0)),
            shape: XYZ,
          }),
        ),
      ),
    message: /label0001.nii.gz: label value 1.5 at voxel \(2, 0, 0\) is not an integer class/,
  },
  {
    name: 'NaN in an image',
    run: () =>
      run(
        'synapse',
        synapse('nan', 1, (r) =>
          writeNiftiSync(join(r, 'imagesTr', 'img0001.nii.gz'), {
            data: Float32Array.from({ length: N }, (_, i) => (i === 31 ? Number.NaN : i)),
            shape: XYZ,
          }),
        ),
      ),
    message:
      /\/imagesTr\/img0001.nii.gz: voxel \(1, 0, 1\) is NaN; expected finite intensities \(no NaN or infinity\)$/,
  },
  {
    name: 'infinity in an image',
    run: () =>
      run(
        'synapse',
        synapse('inf', 1, (r) =>
          writeNiftiSync(join(r, 'imagesTr', 'img0001.nii.gz'), {
            data: Float32Array.from({ length: N }, (_, i) => (i === 0 ? Infinity : i)),
            shape: XYZ,
          }),
        ),
      ),
    message: /img0001.nii.gz: voxel \(0, 0, 0\) is Infinity; expected finite intensities/,
  },
  {
    name: '4D image',
    run: () =>
      run(
        'synapse',
        synapse('4d', 1, (r) =>
          writeNiftiSync(join(r, 'imagesTr', 'img0001.nii.gz'), {
            data: new Int16Array(N * 2),
            shape: [...XYZ, 2],
          }),
        ),
      ),
    message:
      /img0001.nii.gz: has shape \(6, 5, 4, 2\); expected a 3D volume \(x, y, z\) or a 2D image \(x, y\)/,
  },
  {
    name: 'truncated gzip (IO error through the adapter)',
    run: () =>
      run(
        'synapse',
        synapse('trunc', 1, (r) => {
          const p = join(r, 'imagesTr', 'img0001.nii.gz');
          writeFileSync(p, readFileSync(p).subarray(0, 60));
        }),
      ),
    message: /imagesTr\/img0001.nii.gz: .*(truncated|unexpected end).*; expected/i,
  },
  {
    name: 'not gzip at all behind .nii.gz',
    run: () =>
      run(
        'synapse',
        synapse('garbage', 1, (r) =>
          writeFileSync(join(r, 'labelsTr', 'label0001.nii.gz'), gzipSync(Buffer.from('not a nifti header'))),
        ),
      ),
    message: /labelsTr\/label0001.nii.gz: .*; expected/,
  },
  {
    name: 'unknown case id in the selection',
    run: () => run('synapse', synapse('sel', 1), { cases: ['0099'] }),
    message: /^cases: unknown case id '0099'; expected ids found in .*sel \(e.g. 0001\)$/,
  },
  {
    name: 'duplicate case id in the selection',
    run: () => run('synapse', synapse('seldup', 1), { cases: ['0001', '0001'] }),
    message: /^cases: duplicate case id '0001'; expected each case once$/,
  },
  {
    name: 'empty case selection',
    run: () => run('synapse', synapse('selempty', 1), { cases: [] }),
    message: /^cases: is an empty list; expected at least one case id$/,
  },
  {
    name: 'non-empty output folder',
    run: () => {
      const out = join(dir, 'full');
      mkdirSync(out);
      writeFileSync(join(out, 'x'), '');
      return run('synapse', synapse('full-raw', 1), { outDir: out });
    },
    message:
      /full: is not empty \(1 entries\); expected a new or empty output folder \(or --force to overwrite\)$/,
  },
  {
    name: 'output path is a file',
    run: () => run('synapse', synapse('outfile-raw', 1), { outDir: join(IO_FIXTURES, 'case3d.h5') }),
    message: /case3d.h5: exists and is not a folder; expected a new or empty output folder$/,
  },
  // ---- LA / ACDC h5 layout -----------------------------------------------------------------------------------
  {
    name: 'LA folder without cases',
    run: () => {
      const r = join(dir, 'la-empty', '2018LA_Seg_Training Set', 'X1');
      mkdirSync(r, { recursive: true });
      return openDataset('la', join(dir, 'la-empty'));
    },
    message: /2018LA_Seg_Training Set: holds no <ID>\/mri_norm2.h5 case; expected the LA h5 layout/,
  },
  {
    name: 'LA label value outside the 2 classes',
    run: () => {
      const r = join(dir, 'la-bad', 'CASE1');
      mkdirSync(r, { recursive: true });
      copyFileSync(join(IO_FIXTURES, 'case3d.h5'), join(r, 'mri_norm2.h5'));
      return run('la', join(dir, 'la-bad'));
    },
    message:
      /\/CASE1\/mri_norm2.h5: label value 2 at voxel \(xyz\) \[\d+, \d+, \d+\] is outside the classes; expected integer values 0..1$/,
  },
  {
    name: 'LA float label (IO error through the adapter)',
    run: () => {
      const r = join(dir, 'la-float', 'CASE1');
      mkdirSync(r, { recursive: true });
      copyFileSync(join(IO_FIXTURES, 'float_label.h5'), join(r, 'mri_norm2.h5'));
      return run('la', join(dir, 'la-float'));
    },
    message: /CASE1\/mri_norm2.h5: label is float32; expected an integer label dataset/,
  },
  {
    name: 'LA h5 without a label dataset',
    run: () => {
      const r = join(dir, 'la-nolabel', 'CASE1');
      mkdirSync(r, { recursive: true });
      copyFileSync(join(IO_FIXTURES, 'image_only.h5'), join(r, 'mri_norm2.h5'));
      return run('la', join(dir, 'la-nolabel'));
    },
    message: /CASE1\/mri_norm2.h5: no dataset 'label'; expected a dataset 'label'/,
  },
  {
    name: 'ACDC without data/',
    run: () => {
      mkdirSync(join(dir, 'acdc-empty'), { recursive: true });
      return openDataset('acdc', join(dir, 'acdc-empty'));
    },
    message: /acdc-empty\/data: no such folder; expected the ACDC 'data\/' folder/,
  },
  {
    name: 'ACDC 2D array where a volume belongs',
    run: () => {
      const r = join(dir, 'acdc-2d', 'data');
      mkdirSync(r, { recursive: true });
      copyFileSync(join(IO_FIXTURES, 'slice2d.h5'), join(r, 'patient001_frame01.h5'));
      return run('acdc', join(dir, 'acdc-2d'));
    },
    message: /\/data\/patient001_frame01.h5: image has shape \(\d+, \d+\); expected 3 axes \(z, y, x\)$/,
  },
  // ---- nnU-Net dataset.json and files --------------------------------------------------------------------------
  {
    name: 'nnU-Net dataset.json missing',
    run: () => {
      const r = writeNnunet(join(dir, 'nn-nojson'));
      rmSync(join(r, 'dataset.json'));
      return openDataset('nnunet', r);
    },
    message: /nn-nojson\/dataset.json: no such file; expected nnU-Net's dataset.json$/,
  },
  {
    name: 'nnU-Net dataset.json not JSON',
    run: () => {
      const r = writeNnunet(join(dir, 'nn-badjson'));
      writeFileSync(join(r, 'dataset.json'), '{"labels": ');
      return openDataset('nnunet', r);
    },
    message: /dataset.json: not valid JSON \(.*\); expected nnU-Net's dataset.json$/,
  },
  {
    name: 'nnU-Net dataset.json missing keys',
    run: () => {
      const r = writeNnunet(join(dir, 'nn-nokey'));
      writeFileSync(
        join(r, 'dataset.json'),
        JSON.stringify({ channel_names: { 0: 'CT' }, numTraining: 3, file_ending: '.nii.gz' }),
      );
      return openDataset('nnunet', r);
    },
    message:
      /dataset.json: missing key 'labels'; expected the keys channel_names \(or modality\), labels, numTraining, file_ending$/,
  },
  {
    name: 'nnU-Net unsupported file_ending',
    run: () => {
      const r = writeNnunet(join(dir, 'nn-png'));
      const j = JSON.parse(readFileSync(join(r, 'dataset.json'), 'utf8'));
      j.file_ending = '.png';
      writeFileSync(join(r, 'dataset.json'), JSON.stringify(j));
      return openDataset('nnunet', r);
    },
    message: /dataset.json: file_ending: '.png' is not supported; expected '.nii.gz' or '.nii' \(NIfTI\)$/,
  },
  {
    name: 'nnU-Net file_ending that matches no file',
    run: () => {
      const r = writeNnunet(join(dir, 'nn-ending'));
      const j = JSON.parse(readFileSync(join(r, 'dataset.json'), 'utf8'));
      j.file_ending = '.nii';
      writeFileSync(join(r, 'dataset.json'), JSON.stringify(j));
      return openDataset('nnunet', r);
    },
    message:
      /dataset.json: file_ending: is '.nii' but imagesTr\/ holds no such file \(it has e.g. liver_001_0000.nii.gz\); expected the ending of the image files$/,
  },
  {
    name: 'nnU-Net region-based labels',
    run: () => {
      const r = writeNnunet(join(dir, 'nn-region'));
      const j = JSON.parse(readFileSync(join(r, 'dataset.json'), 'utf8'));
      j.labels = { background: 0, whole: [1, 2] };
      writeFileSync(join(r, 'dataset.json'), JSON.stringify(j));
      return openDataset('nnunet', r);
    },
    message: /dataset.json: labels.whole: is the region \[1, 2\]; expected one integer label value per class/,
  },
  {
    name: 'nnU-Net label values with a gap',
    run: () => {
      const r = writeNnunet(join(dir, 'nn-gap'));
      const j = JSON.parse(readFileSync(join(r, 'dataset.json'), 'utf8'));
      j.labels = { background: 0, liver: 2 };
      writeFileSync(join(r, 'dataset.json'), JSON.stringify(j));
      return openDataset('nnunet', r);
    },
    message:
      /dataset.json: labels.liver: has value 2; expected label values 0..1, each once, background 0 \(got 0, 2\)$/,
  },
  {
    name: 'nnU-Net missing channel file',
    run: () => {
      const r = writeNnunet(join(dir, 'nn-chan'));
      rmSync(join(r, 'imagesTr', 'liver_002_0001.nii.gz'));
      return openDataset('nnunet', r);
    },
    message:
      /\/imagesTr\/liver_002_0001.nii.gz: no such file; expected channel 1 \(T2\) of case 'liver_002'$/,
  },
  {
    name: 'nnU-Net missing label file',
    run: () => {
      const r = writeNnunet(join(dir, 'nn-lab'));
      rmSync(join(r, 'labelsTr', 'liver_003.nii.gz'));
      return openDataset('nnunet', r);
    },
    message: /\/labelsTr\/liver_003.nii.gz: no such file; expected the label of case 'liver_003'$/,
  },
  {
    name: 'nnU-Net numTraining mismatch',
    run: () => {
      const r = writeNnunet(join(dir, 'nn-num'));
      const j = JSON.parse(readFileSync(join(r, 'dataset.json'), 'utf8'));
      j.numTraining = 5;
      writeFileSync(join(r, 'dataset.json'), JSON.stringify(j));
      return openDataset('nnunet', r);
    },
    message:
      /dataset.json: numTraining: is 5 but imagesTr\/ holds 3 cases; expected the number of training cases$/,
  },
  {
    name: 'nnU-Net image without channel suffix',
    run: () => {
      const r = writeNnunet(join(dir, 'nn-suffix'));
      copyFileSync(join(r, 'labelsTr', 'liver_001.nii.gz'), join(r, 'imagesTr', 'liver_001.nii.gz'));
      return openDataset('nnunet', r);
    },
    message: /\/imagesTr\/liver_001.nii.gz: has no channel suffix; expected <case>_0000.nii.gz$/,
  },
  // ---- manifest ------------------------------------------------------------------------------------------------
  {
    name: 'manifest: unknown key',
    run: () =>
      readManifest(
        manifestFile('m-unknown', (m) => {
          m['extra'] = 1;
        }),
      ),
    message: /m-unknown.json: extra: unknown key; expected only the keys format, version, name/,
  },
  {
    name: 'manifest: missing key',
    run: () =>
      readManifest(
        manifestFile('m-missing', (m) => {
          delete (m as Partial<Manifest>).classes;
        }),
      ),
    message: /m-missing.json: missing key 'classes'; expected the keys format, version/,
  },
  {
    name: 'manifest: unknown key in a case',
    run: () =>
      readManifest(
        manifestFile('m-casekey', (m) => {
          (m.cases[1] as unknown as Record<string, unknown>)['foo'] = 1;
        }),
      ),
    message: /m-casekey.json: cases\[1\].foo: unknown key; expected only the keys id, image, label/,
  },
  {
    name: 'manifest: label values outside the classes',
    run: () =>
      readManifest(
        manifestFile('m-labels', (m) => {
          m.cases[1]!.labelValues = [0, 3];
        }),
      ),
    message:
      /m-labels.json: cases\[1\].labelValues: value 3 is outside the classes 0..2; expected values below 3/,
  },
  {
    name: 'manifest: empty split',
    run: () =>
      readManifest(
        manifestFile('m-empty', (m) => {
          m.splits['x'] = [];
        }),
      ),
    message: /m-empty.json: splits.x: is an empty split; expected at least one case id$/,
  },
  {
    name: 'manifest: unknown case id in a split',
    run: () =>
      readManifest(
        manifestFile('m-split', (m) => {
          m.splits['labeled_20p'] = ['0009'];
        }),
      ),
    message: /m-split.json: splits.labeled_20p\[0\]: unknown case id '0009'; expected an id listed in cases$/,
  },
  {
    name: 'manifest: duplicate case',
    run: () =>
      readManifest(
        manifestFile('m-dup', (m) => {
          m.cases[1]!.id = '0001';
        }),
      ),
    message:
      /m-dup.json: cases\[1\].id: duplicate case '0001' \(first at cases\[0\]\); expected unique case ids$/,
  },
  {
    name: 'manifest: channel count differs from shape',
    run: () =>
      readManifest(
        manifestFile('m-chan', (m) => {
          m.cases[0]!.shape = [2, 2, 3, 3];
        }),
      ),
    message:
      /m-chan.json: cases\[0\].shape: has 2 channels \(\[2, 2, 3, 3\]\); expected 1 \(one per entry of channels\)$/,
  },
  {
    name: 'manifest: path leaving the folder',
    run: () =>
      readManifest(
        manifestFile('m-path', (m) => {
          m.cases[0]!.image = '../x.npy';
        }),
      ),
    message: /m-path.json: cases\[0\].image: is '..\/x.npy'; expected a path relative to the manifest folder/,
  },
  {
    name: 'manifest: wrong format',
    run: () =>
      readManifest(
        manifestFile('m-format', (m) => {
          (m as { format: string }).format = 'nnunet';
        }),
      ),
    message: /m-format.json: format: is 'nnunet'; expected 'semiseg-dataset'/,
  },
  {
    name: 'manifest: not JSON',
    run: () => {
      const p = join(dir, 'm-text.json');
      writeFileSync(p, '{"format": ');
      return readManifest(p);
    },
    message: /m-text.json: not valid JSON \(.*\); expected a JSON manifest$/,
  },
  {
    name: 'manifest: missing file',
    run: () => readManifest(join(dir, 'nowhere.json')),
    message: /nowhere.json: no such file; expected a manifest.json written by semiseg preprocess$/,
  },
  {
    name: 'manifest: invalid manifest refused by the writer',
    run: () => writeManifest(join(dir, 'w.json'), { ...sampleManifest(), splits: { a: [] } }),
    message: /w.json: splits.a: is an empty split/,
  },
  // ---- preprocessed folder ---------------------------------------------------------------------------------------
  {
    name: 'preprocessed: npy shape differs from the manifest',
    run: async () => {
      const out = await preprocessed('pp-shape');
      writeNpySync(join(out, '0001_image.npy'), new Float32Array(18), [1, 2, 9]);
      return loadPreprocessedCase(out, '0001');
    },
    message:
      /pp-shape\/0001_image.npy: has shape \(1, 2, 9\); expected \(1, 2, 3, 3\) as listed in manifest.json$/,
  },
  {
    name: 'preprocessed: npy dtype differs',
    run: async () => {
      const out = await preprocessed('pp-dtype');
      writeNpySync(join(out, '0002_label.npy'), new Float64Array(18), [2, 3, 3]);
      return loadPreprocessedCase(out, '0002');
    },
    message: /pp-dtype\/0002_label.npy: holds float64; expected uint8/,
  },
  {
    name: 'preprocessed: npy file missing',
    run: async () => {
      const out = await preprocessed('pp-missing');
      rmSync(join(out, '0001_label.npy'));
      return loadPreprocessedCase(out, '0001');
    },
    message: /pp-missing\/0001_label.npy: no such file; expected a NumPy .npy file$/,
  },
  {
    name: 'preprocessed: unknown on-load step',
    run: async () => {
      const out = await preprocessed('pp-onload');
      const m = readManifest(out);
      m.preprocessing.onLoad = [{ op: 'rotate' }];
      writeManifest(out, m);
      return loadPreprocessedCase(out, '0001');
    },
    message:
      /pp-onload\/manifest.json: preprocessing.onLoad\[0\].op: unknown step 'rotate'; expected one of halve-hw$/,
  },
  // ---- command line -------------------------------------------------------------------------------------------
  {
    name: 'CLI: unknown flag',
    run: () => runPreprocess(['--task', 'la', '--colour'], quiet),
    message:
      /^unknown flag --colour \(expected one of: --task, --data, --out, --variant, --cases, --split-set, --force, --help\)$/,
  },
  {
    name: 'CLI: unknown task',
    run: () => runPreprocess(['--task', 'brats', '--data', dir, '--out', dir], quiet),
    message: /^unknown task 'brats' for --task \(expected one of: synapse, amos, la, acdc, nnunet\)$/,
  },
  {
    name: 'CLI: missing --data',
    run: () => runPreprocess(['--task', 'la', '--out', dir], quiet),
    message: /^missing --data \(expected the raw dataset folder; see semiseg preprocess --help\)$/,
  },
  {
    name: 'CLI: flag without value',
    run: () => runPreprocess(['--task', 'la', '--data'], quiet),
    message: /^flag --data needs a value$/,
  },
  {
    name: 'CLI: stray argument',
    run: () => runPreprocess(['--task', 'la', 'extra'], quiet),
    message: /^unexpected argument 'extra' \(all options are flags\)$/,
  },
  {
    name: 'CLI: empty id in --cases',
    run: () => runPreprocess(['--task', 'la', '--data', dir, '--out', dir, '--cases', 'a,,b'], quiet),
    message: /^--cases 'a,,b' has an empty id \(expected comma-separated case ids\)$/,
  },
];

for (const c of cases) {
  test(`error: ${c.name}`, async () => {
    let err: unknown;
    try {
      await c.run();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof Error, `${c.name}: expected an error, got ${String(err)}`);
    const msg = err.message;
    assert.ok(!msg.includes('\n'), `${c.name}: message has several lines: ${JSON.stringify(msg)}`);
    assert.match(msg, c.message);
    assert.ok(/expected|needs a value/.test(msg), `${c.name}: message says what was expected: ${msg}`);
    assert.ok(
      ['DataError', 'IoError', 'UsageError', 'Error'].includes(err.name) && !(err instanceof TypeError),
    );
  });
}

test('the dataset layer enumerates at least 25 malformed inputs of its own', () => {
  assert.ok(cases.length >= 25, `${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
});
