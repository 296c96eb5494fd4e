/** Malformed manifests, preprocessed folders and command lines. */

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPreprocess } from '../../src/cli/preprocess.ts';
import { loadPreprocessedCase } from '../../src/data/datasets/preprocessed.ts';
import { type Manifest, readManifest, writeManifest } from '../../src/data/manifest.ts';
import { writeNpySync } from '../../src/io/npy.ts';
import { sampleManifest } from './datasets-helpers.ts';
import { type ErrorCase, fx, manifestFile, preprocessed, quiet } from './error-cases.ts';

export function fileCases(): ErrorCase[] {
  return [
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
      message:
        /m-split.json: splits.labeled_20p\[0\]: unknown case id '0009'; expected an id listed in cases$/,
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
      message:
        /m-path.json: cases\[0\].image: is '..\/x.npy'; expected a path relative to the manifest folder/,
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
        const p = join(fx.dir, 'm-text.json');
        writeFileSync(p, '{"format": ');
        return readManifest(p);
      },
      message: /m-text.json: not valid JSON \(.*\); expected a JSON manifest$/,
    },
    {
      name: 'manifest: missing file',
      run: () => readManifest(join(fx.dir, 'nowhere.json')),
      message: /nowhere.json: no such file; expected a manifest.json written by semiseg preprocess$/,
    },
    {
      name: 'manifest: invalid manifest refused by the writer',
      run: () => writeManifest(join(fx.dir, 'w.json'), { ...sampleManifest(), splits: { a: [] } }),
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
      run: () => runPreprocess(['--task', 'brats', '--data', fx.dir, '--out', fx.dir], quiet),
      message: /^unknown task 'brats' for --task \(expected one of: synapse, amos, la, acdc, nnunet\)$/,
    },
    {
      name: 'CLI: missing --data',
      run: () => runPreprocess(['--task', 'la', '--out', fx.dir], quiet),
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
      run: () => runPreprocess(['--task', 'la', '--data', fx.dir, '--out', fx.dir, '--cases', 'a,,b'], quiet),
      message: /^--cases 'a,,b' has an empty id \(expected comma-separated case ids\)$/,
    },
  ];
}
