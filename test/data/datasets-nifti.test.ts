/**
 * Synapse and AMOS adapters end to end: raw NIfTI folders -> `preprocessDataset` -> npy pairs + manifest ->
 * `loadPreprocessedCase`. The golden folder (`test/fixtures/preprocess/synapse`, written by nibabel) is compared
 * with the reference pipeline run in Python (nibabel + F.interpolate + numpy window; tolerance 1e-6 absolute on
 * [0, 1] intensities, labels exact); the synthetic folders are written here with our NIfTI writer.
 */

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openDataset, preprocessDataset } from '../../src/data/datasets/preprocess-dataset.ts';
import { loadPreprocessedCase } from '../../src/data/datasets/preprocessed.ts';
import { readManifest } from '../../src/data/manifest.ts';
import { ctWindowNormalize } from '../../src/data/preprocess/intensity.ts';
import { resizeImage, resizeLabel } from '../../src/data/preprocess/resize.ts';
import { writeNiftiSync } from '../../src/io/nifti.ts';
import { readNpySync } from '../../src/io/npy.ts';
import { assertClose, FIXTURES, fixtureJson, tempDir } from './preprocess-helpers.ts';

let dir = '';
let cleanup = () => {};
before(() => {
  ({ dir, cleanup } = tempDir());
});
after(() => cleanup());

interface SynapseExpected {
  size: number[];
  cases: {
    id: string;
    source_shape_zyx: number[];
    source_spacing_zyx: number[];
    affine: number[][];
    spacing_out: number[];
    native_windowed_sum: number;
    image: number[];
    label: number[];
    label_values: number[];
  }[];
}

const GOLD = join(FIXTURES, 'synapse');

test('Synapse golden folder: every output value equals the Python reference pipeline', async () => {
  const want = fixtureJson<SynapseExpected>('synapse/expected.json');
  const out = join(dir, 'gold');
  const variant = want.size.join('x');
  const r = await preprocessDataset({ task: 'synapse', dataDir: GOLD, outDir: out, variant });
  assert.deepEqual(
    r.manifest.cases.map((c) => c.id),
    ['0001', '0002'],
  );
  assert.deepEqual(readManifest(out), r.manifest);
  for (const w of want.cases) {
    const c = r.manifest.cases.find((k) => k.id === w.id)!;
    assert.deepEqual(c.shape, [1, ...want.size]);
    assert.deepEqual(c.source.shape, w.source_shape_zyx);
    assertClose(c.source.spacing!, w.source_spacing_zyx, 1e-6, 'source spacing');
    assertClose(c.spacing!, w.spacing_out, 1e-6, 'spacing');
    assertClose(c.source.affine!.flat(), w.affine.flat(), 1e-6, 'affine');
    assert.deepEqual(c.labelValues, w.label_values);
    const img = readNpySync(join(out, c.image));
    assert.equal(img.dtype, 'float32');
    assert.deepEqual(img.shape, [1, ...want.size]);
    assertClose(img.data as Float32Array, w.image, 1e-6, `case ${w.id} image`);
    const lab = readNpySync(join(out, c.label!));
    assert.equal(lab.dtype, 'uint8');
    assert.deepEqual([...(lab.data as Uint8Array)], w.label);
    const s = await loadPreprocessedCase(out, w.id);
    assert.deepEqual(s.shape, [1, ...want.size]);
    assertClose(s.image, w.image, 1e-6, 'loaded');
  }
});

test('Synapse golden folder, native variant: windowed over the whole native volume', async () => {
  const want = fixtureJson<SynapseExpected>('synapse/expected.json');
  const out = join(dir, 'gold-native');
  const r = await preprocessDataset({ task: 'synapse', dataDir: GOLD, outDir: out, variant: 'native' });
  for (const w of want.cases) {
    const s = await loadPreprocessedCase(out, w.id);
    assert.deepEqual(s.shape, [1, ...w.source_shape_zyx]);
    let sum = 0;
    for (const v of s.image) sum += v;
    assert.ok(
      Math.abs(sum - w.native_windowed_sum) <= 1e-6 * w.native_windowed_sum,
      `${sum} vs ${w.native_windowed_sum}`,
    );
  }
  assert.deepEqual(r.manifest.preprocessing.onLoad, []);
});

/** Writes a Synapse-layout case: HU ramp with a bright block, labels 0..13 in bands; returns its zyx arrays. */
function writeCase(
  root: string,
  images: string,
  labels: string,
  stem: string,
  labStem: string,
  xyz: number[],
  seed: number,
) {
  const [X, Y, Z] = xyz as [number, number, number];
  const img = new Int16Array(X * Y * Z);
  const lab = new Uint8Array(X * Y * Z);
  for (let k = 0; k < Z; k++)
    for (let j = 0; j < Y; j++)
      for (let i = 0; i < X; i++) {
        const p = i + X * (j + Y * k);
        img[p] = -400 + 30 * i + 7 * j + 11 * k + seed + (i > 3 && j > 3 && i < 8 ? 500 : 0);
        lab[p] = (Math.floor(i / 2) + j + k + seed) % 14;
      }
  mkdirSync(join(root, images), { recursive: true });
  mkdirSync(join(root, labels), { recursive: true });
  const spacing = [0.75, 0.75, 2.5];
  writeNiftiSync(join(root, images, `${stem}.nii.gz`), { data: img, shape: xyz, spacing });
  writeNiftiSync(join(root, labels, `${labStem}.nii.gz`), { data: lab, shape: xyz, spacing });
  return { img, lab };
}

const SYN_TEST_IDS = ['0008', '0027', '0029', '0033', '0037', '0039'];

test('Synapse synthetic dataset (written by our writer): default 80x160x160, splits, manifest, loader', async () => {
  const raw = join(dir, 'synapse-raw');
  for (const [n, id] of SYN_TEST_IDS.entries())
    writeCase(raw, 'imagesTr', 'labelsTr', `img${id}`, `label${id}`, [12, 10, 6], n);
  const src = openDataset('synapse', raw);
  assert.equal(src.cases.length, 6);
  assert.equal(src.classes.length, 14);
  const out = join(dir, 'synapse-out');
  const r = await preprocessDataset({ task: 'synapse', dataDir: raw, outDir: out });
  const m = r.manifest;
  assert.equal(m.preprocessing.variant, '80x160x160');
  assert.deepEqual(m.cases[0]!.shape, [1, 80, 160, 160]);
  assertClose(m.cases[0]!.spacing!, [(2.5 * 6) / 80, (0.75 * 10) / 160, (0.75 * 12) / 160], 1e-9, 'spacing');
  assert.deepEqual(m.splits['test'], SYN_TEST_IDS, 'SKCDF/DHC test list is complete, so it is kept');
  assert.deepEqual(m.splits['all'], SYN_TEST_IDS);
  assert.ok(!('train' in m.splits));
  assert.ok(
    r.warnings.some((w) =>
      /^split 'train' \(reference list synapse\/train\) left out: 20 of its 20 ids/.test(w),
    ),
  );
  assert.deepEqual(
    m.preprocessing.steps.map((s) => s.op),
    ['read-nifti', 'resize', 'clip', 'minmax-per-volume'],
  );
  assert.deepEqual(readdirSync(out).length, 13);
  const s = await loadPreprocessedCase(out, '0027');
  assert.deepEqual(s.shape, [1, 80, 160, 160]);
  assert.equal(s.label!.length, 80 * 160 * 160);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of s.image) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.deepEqual([lo, hi], [0, 1]);
});

test('Synapse dhc-head variant: native arrays on disk, H and W halved by the loader (trilinear / nearest)', async () => {
  const raw = join(dir, 'synapse-head');
  const { img, lab } = writeCase(raw, 'imagesTr', 'labelsTr', 'img0001', 'label0001', [12, 10, 6], 3);
  const out = join(dir, 'synapse-head-out');
  const r = await preprocessDataset({ task: 'synapse', dataDir: raw, outDir: out, variant: 'dhc-head' });
  assert.deepEqual(r.manifest.cases[0]!.shape, [1, 6, 10, 12]);
  assert.deepEqual(r.manifest.preprocessing.onLoad, [{ op: 'halve-hw' }]);
  const stored = readNpySync(join(out, '0001_image.npy'));
  assert.deepEqual(stored.shape, [1, 6, 10, 12]);
  const s = await loadPreprocessedCase(out, '0001');
  assert.deepEqual(s.shape, [1, 6, 5, 6]);
  // the same as windowing the native volume, then resizing in-plane by hand (NIfTI memory is already zyx)
  const native = ctWindowNormalize(Float32Array.from(img));
  assertClose(s.image, resizeImage(native, [1, 6, 10, 12], [6, 5, 6]), 0, 'halved image');
  assert.deepEqual([...s.label!], [...resizeLabel(lab, [6, 10, 12], [6, 5, 6])]);
  for (let d = 0; d < 6; d++)
    assert.equal(s.label![d * 30 + 1 * 6 + 2], lab[d * 120 + 2 * 12 + 4], 'lab[d, 2i, 2j]');
});

test('AMOS synthetic dataset: Tr and Va folders, ids amos_NNNN, labeled_2p split, MRI note', async () => {
  const raw = join(dir, 'amos-raw');
  for (const [n, id] of ['0017', '0077', '0358', '0361'].entries())
    writeCase(raw, 'imagesTr', 'labelsTr', `amos_${id}`, `amos_${id}`, [9, 8, 5], n);
  writeCase(raw, 'imagesVa', 'labelsVa', 'amos_0508', 'amos_0508', [9, 8, 5], 7);
  const out = join(dir, 'amos-out');
  const r = await preprocessDataset({ task: 'amos', dataDir: raw, outDir: out, variant: '4x6x6' });
  const m = r.manifest;
  assert.equal(m.classes.length, 16);
  assert.deepEqual(
    m.cases.map((c) => c.id),
    ['amos_0017', 'amos_0077', 'amos_0358', 'amos_0361', 'amos_0508'],
  );
  assert.deepEqual(m.splits['labeled_2p'], ['amos_0017', 'amos_0077', 'amos_0358', 'amos_0361']);
  assert.ok(m.preprocessing.notes.some((n) => n.startsWith('1 MRI cases (ids >= amos_0500)')));
  assert.equal(m.cases[4]!.source.image[0], 'imagesVa/amos_0508.nii.gz');
  const s = await loadPreprocessedCase(out, 'amos_0508');
  assert.deepEqual(s.shape, [1, 4, 6, 6]);
  // AMOS dhc-head is the 80x160x160 grid
  const head = await preprocessDataset({
    task: 'amos',
    dataDir: raw,
    outDir: join(dir, 'amos-head'),
    variant: 'dhc-head',
    cases: ['amos_0017'],
  });
  assert.deepEqual(head.manifest.cases[0]!.shape, [1, 80, 160, 160]);
  assert.equal(head.warnings.length, 1, 'one summary line for the reference splits of a case selection');
});
