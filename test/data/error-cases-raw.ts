/** Malformed raw datasets: tasks, variants, folders, NIfTI files, LA/ACDC h5 layouts, nnU-Net dataset.json. */

import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openDataset } from '../../src/data/datasets/preprocess-dataset.ts';
import { variantPlan } from '../../src/data/preprocess/variants.ts';
import { encodeNifti, writeNiftiSync } from '../../src/io/nifti.ts';
import { writeNnunet } from './datasets-helpers.ts';
import { type ErrorCase, fx, IO_FIXTURES, N, run, synapse, XYZ } from './error-cases.ts';

export function rawCases(): ErrorCase[] {
  return [
    // ---- task, variant, folders, files (adapters) ------------------------------------------------------------
    {
      name: 'unknown task',
      run: () => openDataset('brats', fx.dir),
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
      run: () => variantPlan('acdc', '80x160x160', ['MRI']),
      message: /^variant: unknown variant '80x160x160' for task acdc; expected one of native$/,
    },
    {
      name: 'missing data folder',
      run: () => openDataset('synapse', join(fx.dir, 'nope')),
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
      name: 'empty image (a zero-size axis)',
      run: () =>
        run(
          'synapse',
          synapse('zero', 1, (r) =>
            writeNiftiSync(join(r, 'imagesTr', 'img0001.nii.gz'), {
              data: new Int16Array(0),
              shape: [0, 5, 4],
            }),
          ),
        ),
      message: /img0001.nii.gz: has an empty axis \(shape \(0, 5, 4\)\); expected a non-empty volume$/,
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
            writeFileSync(
              join(r, 'labelsTr', 'label0001.nii.gz'),
              gzipSync(Buffer.from('not a nifti header')),
            ),
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
        const out = join(fx.dir, 'full');
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
        const r = join(fx.dir, 'la-empty', '2018LA_Seg_Training Set', 'X1');
        mkdirSync(r, { recursive: true });
        return openDataset('la', join(fx.dir, 'la-empty'));
      },
      message: /2018LA_Seg_Training Set: holds no <ID>\/mri_norm2.h5 case; expected the LA h5 layout/,
    },
    {
      name: 'LA label value outside the 2 classes',
      run: () => {
        const r = join(fx.dir, 'la-bad', 'CASE1');
        mkdirSync(r, { recursive: true });
        copyFileSync(join(IO_FIXTURES, 'case3d.h5'), join(r, 'mri_norm2.h5'));
        return run('la', join(fx.dir, 'la-bad'));
      },
      message:
        /\/CASE1\/mri_norm2.h5: label value 2 at voxel \(xyz\) \[\d+, \d+, \d+\] is outside the classes; expected integer values 0..1$/,
    },
    {
      name: 'LA float label (IO error through the adapter)',
      run: () => {
        const r = join(fx.dir, 'la-float', 'CASE1');
        mkdirSync(r, { recursive: true });
        copyFileSync(join(IO_FIXTURES, 'float_label.h5'), join(r, 'mri_norm2.h5'));
        return run('la', join(fx.dir, 'la-float'));
      },
      message: /CASE1\/mri_norm2.h5: label is float32; expected an integer label dataset/,
    },
    {
      name: 'LA h5 without a label dataset',
      run: () => {
        const r = join(fx.dir, 'la-nolabel', 'CASE1');
        mkdirSync(r, { recursive: true });
        copyFileSync(join(IO_FIXTURES, 'image_only.h5'), join(r, 'mri_norm2.h5'));
        return run('la', join(fx.dir, 'la-nolabel'));
      },
      message: /CASE1\/mri_norm2.h5: no dataset 'label'; expected a dataset 'label'/,
    },
    {
      name: 'ACDC without data/',
      run: () => {
        mkdirSync(join(fx.dir, 'acdc-empty'), { recursive: true });
        return openDataset('acdc', join(fx.dir, 'acdc-empty'));
      },
      message: /acdc-empty\/data: no such folder; expected the ACDC 'data\/' folder/,
    },
    {
      name: 'ACDC 2D array where a volume belongs',
      run: () => {
        const r = join(fx.dir, 'acdc-2d', 'data');
        mkdirSync(r, { recursive: true });
        copyFileSync(join(IO_FIXTURES, 'slice2d.h5'), join(r, 'patient001_frame01.h5'));
        return run('acdc', join(fx.dir, 'acdc-2d'));
      },
      message: /\/data\/patient001_frame01.h5: image has shape \(\d+, \d+\); expected 3 axes \(z, y, x\)$/,
    },
    // ---- nnU-Net dataset.json and files --------------------------------------------------------------------------
    {
      name: 'nnU-Net dataset.json missing',
      run: () => {
        const r = writeNnunet(join(fx.dir, 'nn-nojson'));
        rmSync(join(r, 'dataset.json'));
        return openDataset('nnunet', r);
      },
      message: /nn-nojson\/dataset.json: no such file; expected nnU-Net's dataset.json$/,
    },
    {
      name: 'nnU-Net dataset.json not JSON',
      run: () => {
        const r = writeNnunet(join(fx.dir, 'nn-badjson'));
        writeFileSync(join(r, 'dataset.json'), '{"labels": ');
        return openDataset('nnunet', r);
      },
      message: /dataset.json: not valid JSON \(.*\); expected nnU-Net's dataset.json$/,
    },
    {
      name: 'nnU-Net dataset.json missing keys',
      run: () => {
        const r = writeNnunet(join(fx.dir, 'nn-nokey'));
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
        const r = writeNnunet(join(fx.dir, 'nn-png'));
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
        const r = writeNnunet(join(fx.dir, 'nn-ending'));
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
        const r = writeNnunet(join(fx.dir, 'nn-region'));
        const j = JSON.parse(readFileSync(join(r, 'dataset.json'), 'utf8'));
        j.labels = { background: 0, whole: [1, 2] };
        writeFileSync(join(r, 'dataset.json'), JSON.stringify(j));
        return openDataset('nnunet', r);
      },
      message:
        /dataset.json: labels.whole: is the region \[1, 2\]; expected one integer label value per class/,
    },
    {
      name: 'nnU-Net label values with a gap',
      run: () => {
        const r = writeNnunet(join(fx.dir, 'nn-gap'));
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
        const r = writeNnunet(join(fx.dir, 'nn-chan'));
        rmSync(join(r, 'imagesTr', 'liver_002_0001.nii.gz'));
        return openDataset('nnunet', r);
      },
      message:
        /\/imagesTr\/liver_002_0001.nii.gz: no such file; expected channel 1 \(T2\) of case 'liver_002'$/,
    },
    {
      name: 'nnU-Net missing label file',
      run: () => {
        const r = writeNnunet(join(fx.dir, 'nn-lab'));
        rmSync(join(r, 'labelsTr', 'liver_003.nii.gz'));
        return openDataset('nnunet', r);
      },
      message: /\/labelsTr\/liver_003.nii.gz: no such file; expected the label of case 'liver_003'$/,
    },
    {
      name: 'nnU-Net numTraining mismatch',
      run: () => {
        const r = writeNnunet(join(fx.dir, 'nn-num'));
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
        const r = writeNnunet(join(fx.dir, 'nn-suffix'));
        copyFileSync(join(r, 'labelsTr', 'liver_001.nii.gz'), join(r, 'imagesTr', 'liver_001.nii.gz'));
        return openDataset('nnunet', r);
      },
      message: /\/imagesTr\/liver_001.nii.gz: has no channel suffix; expected <case>_0000.nii.gz$/,
    },
  ];
}
