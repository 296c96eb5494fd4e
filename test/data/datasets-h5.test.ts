/**
 * LA and ACDC adapters on the real h5 cases in `../shared/data` (a few cases each; skipped with the reason when
 * the folder is absent). Values are compared bit for bit with the h5 arrays read directly: LA (x, y, z) must
 * come out as [1, D, H, W] = (z, y, x), ACDC volumes (z, y, x) unchanged, ACDC slices [1, H, W].
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openDataset, preprocessDataset } from '../../src/data/datasets/preprocess-dataset.ts';
import { loadPreprocessedCase } from '../../src/data/datasets/preprocessed.ts';
import { readH5Case } from '../../src/io/index.ts';
import { SHARED_DATA, sharedSkip, tempDir } from './preprocess-helpers.ts';

let dir = '';
let cleanup = () => {};
before(() => {
  ({ dir, cleanup } = tempDir());
});
after(() => cleanup());

const LA = join(SHARED_DATA, 'LA');
const ACDC = join(SHARED_DATA, 'ACDC');
const LA_IDS = ['06SR5RBREL16DQ6M8LWS', '1D7CUD1955YZPGK8XHJX'];

test(
  'LA: two real cases, (x, y, z) h5 -> [1, D, H, W] npy, values bit-identical, labels {0, 1}',
  { skip: sharedSkip('LA') },
  async () => {
    const out = join(dir, 'la');
    const r = await preprocessDataset({ task: 'la', dataDir: LA, outDir: out, cases: LA_IDS });
    const m = r.manifest;
    assert.equal(m.preprocessing.variant, 'native');
    assert.deepEqual(m.classes, ['background', 'left atrium']);
    for (const id of LA_IDS) {
      const h5 = await readH5Case(join(LA, '2018LA_Seg_Training Set', id, 'mri_norm2.h5'));
      const [X, Y, Z] = h5.image.shape as [number, number, number];
      const c = m.cases.find((k) => k.id === id)!;
      assert.deepEqual(c.shape, [1, Z, Y, X]);
      assert.deepEqual(c.spacing, [0.625, 0.625, 0.625]);
      assert.deepEqual(c.labelValues, [0, 1]);
      const s = await loadPreprocessedCase(out, id);
      const img = h5.image.data as Float32Array;
      const lab = h5.label!.data as Uint8Array;
      let mismatches = 0;
      let foreground = 0;
      for (let i = 0; i < X; i++)
        for (let j = 0; j < Y; j++)
          for (let k = 0; k < Z; k++) {
            const src = (i * Y + j) * Z + k; // C order (x, y, z)
            const dst = (k * Y + j) * X + i; // C order (z, y, x)
            if (s.image[dst] !== img[src] || s.label![dst] !== lab[src]) mismatches++;
            foreground += lab[src]!;
          }
      assert.equal(mismatches, 0);
      assert.ok(foreground > 0);
    }
    assert.deepEqual(m.splits, { all: LA_IDS });
  },
);

test(
  'LA: a DxHxW variant makes a CPU-sized copy (images trilinear, labels nearest, spacing scaled)',
  { skip: sharedSkip('LA') },
  async () => {
    const out = join(dir, 'la-small');
    const r = await preprocessDataset({
      task: 'la',
      dataDir: LA,
      outDir: out,
      cases: LA_IDS,
      variant: '22x36x44',
    });
    for (const id of LA_IDS) {
      const c = r.manifest.cases.find((k) => k.id === id)!;
      assert.deepEqual(c.shape, [1, 22, 36, 44]);
      assert.deepEqual(c.labelValues, [0, 1], 'labels stay {0, 1} (nearest)');
      const h5 = await readH5Case(join(LA, '2018LA_Seg_Training Set', id, 'mri_norm2.h5'));
      const [X, Y, Z] = h5.image.shape as [number, number, number];
      const want = [(0.625 * Z) / 22, (0.625 * Y) / 36, (0.625 * X) / 44];
      for (const [i, v] of c.spacing!.entries())
        assert.ok(Math.abs(v - want[i]!) < 1e-9, `spacing ${i}: ${v} vs ${want[i]}`);
    }
  },
);

test(
  'LA: reference splits over all 24 shared cases (labeled 4 / 8 first ids of train.list)',
  { skip: sharedSkip('LA') },
  () => {
    const src = openDataset('la', LA);
    assert.equal(src.cases.length, 24);
    const { splits, notes } = src.splits(src.cases.map((c) => c.id));
    assert.equal(splits['labeled_4']!.length, 4);
    assert.equal(splits['labeled_8']![0], '06SR5RBREL16DQ6M8LWS');
    assert.equal(splits['unlabeled_8']!.length, 16);
    assert.equal(splits['train']!.length, 24);
    assert.ok(!('test' in splits), 'the 20 test cases are not in the shared data');
    assert.ok(notes.some((n) => n.startsWith("split 'unlabeled_8' is partial")));
  },
);

test(
  'ACDC: a real volume and two slices, [1, D, H, W] and [1, H, W], values unchanged',
  { skip: sharedSkip('ACDC') },
  async () => {
    const out = join(dir, 'acdc');
    const ids = ['patient002_frame01', 'patient099_frame01_slice_1', 'patient099_frame01_slice_2'];
    const r = await preprocessDataset({ task: 'acdc', dataDir: ACDC, outDir: out, cases: ids });
    assert.equal(r.manifest.classes.length, 4);
    const vol = await readH5Case(join(ACDC, 'data', 'patient002_frame01.h5'));
    const v = await loadPreprocessedCase(out, 'patient002_frame01');
    assert.deepEqual(v.shape, [1, ...vol.image.shape]);
    assert.deepEqual(v.image, vol.image.data);
    assert.deepEqual(v.label, vol.label!.data);
    assert.deepEqual(r.manifest.cases[0]!.labelValues, [0, 1, 2, 3]);
    for (const id of ids.slice(1)) {
      const sl = await readH5Case(join(ACDC, 'data', 'slices', `${id}.h5`));
      const s = await loadPreprocessedCase(out, id);
      assert.equal(sl.image.shape.length, 2);
      assert.deepEqual(s.shape, [1, ...sl.image.shape]);
      assert.deepEqual(s.image, sl.image.data);
      assert.deepEqual(s.label, sl.label!.data);
      assert.equal(r.manifest.cases.find((c) => c.id === id)!.spacing, null);
    }
  },
);

test(
  'ACDC: 20 volumes + 380 slices found; val, train_slices and labeled 1/3/7/14 splits complete',
  { skip: sharedSkip('ACDC') },
  () => {
    const src = openDataset('acdc', ACDC);
    assert.equal(src.cases.length, 400);
    const { splits, warnings } = src.splits(src.cases.map((c) => c.id));
    assert.equal(splits['val']!.length, 20);
    assert.equal(splits['train_slices']!.length, 380);
    assert.equal(splits['labeled_7']!.length, 136);
    assert.equal(splits['unlabeled_7']!.length, 244);
    assert.ok(!('test' in splits) && !('train' in splits));
    assert.ok(warnings.some((w) => w.startsWith("split 'labeled_21' left out")));
  },
);
