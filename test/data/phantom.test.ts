/**
 * The built-in phantom: byte-identical datasets for a seed, all 13 organs in every case with at least 1000:1
 * imbalance, files that read back with src/io and agree with the generator, a valid nnU-Net v2 dataset.json,
 * organ intensities in the designed order, white noise and a smooth bias field, and the command's flag handling.
 */

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runPhantom } from '../../src/cli/phantom.ts';
import { UsageError } from '../../src/cli/usage.ts';
import {
  generatePhantomCase,
  PHANTOM_CLASSES,
  PHANTOM_LABEL,
  type PhantomCase,
  type PhantomDatasetJson,
  writePhantomDataset,
} from '../../src/data/phantom/index.ts';
import { niftiToZyx, readNiftiSync } from '../../src/io/index.ts';

const CASES = 4;
const SEED = 7;
const root = mkdtempSync(join(tmpdir(), 'semiseg-phantom-'));
const dirA = join(root, 'a');
const dirB = join(root, 'b');
const dirC = join(root, 'c');
let json: PhantomDatasetJson;

/** sha256 of every file under `dir`, by relative path. */
function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const sub of ['imagesTr', 'labelsTr']) {
    for (const name of readdirSync(join(dir, sub)).sort()) {
      out.set(
        `${sub}/${name}`,
        createHash('sha256')
          .update(readFileSync(join(dir, sub, name)))
          .digest('hex'),
      );
    }
  }
  out.set(
    'dataset.json',
    createHash('sha256')
      .update(readFileSync(join(dir, 'dataset.json')))
      .digest('hex'),
  );
  return out;
}

function readCase(dir: string, id: string) {
  const image = readNiftiSync(join(dir, 'imagesTr', `${id}_0000.nii.gz`));
  const label = readNiftiSync(join(dir, 'labelsTr', `${id}.nii.gz`));
  return { image, label };
}

function meanOf(c: Pick<PhantomCase, 'image' | 'label'>, id: number): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < c.label.length; i++) {
    if (c.label[i] === id) {
      s += c.image[i]!;
      n++;
    }
  }
  return s / n;
}

before(async () => {
  const r = await writePhantomDataset({ out: dirA, cases: CASES, seed: SEED });
  json = r.datasetJson;
  await writePhantomDataset({ out: dirB, cases: CASES, seed: SEED });
  await writePhantomDataset({ out: dirC, cases: CASES, seed: SEED + 1 });
});

after(() => rmSync(root, { recursive: true, force: true }));

test('the same seed gives identical bytes in every file; another seed changes every volume', () => {
  const a = hashes(dirA);
  const b = hashes(dirB);
  const c = hashes(dirC);
  assert.equal(a.size, 2 * CASES + 1);
  assert.deepEqual([...a.entries()], [...b.entries()]);
  assert.deepEqual([...a.keys()], [...c.keys()]);
  for (const [path, h] of a) assert.notEqual(c.get(path), h, `${path} should differ between seeds`);
});

test('case i does not depend on how many cases are written', async () => {
  const dir = join(root, 'prefix');
  await writePhantomDataset({ out: dir, cases: 2, seed: SEED });
  const a = hashes(dirA);
  for (const [path, h] of hashes(dir)) if (path !== 'dataset.json') assert.equal(h, a.get(path), path);
});

test('cases differ within a dataset and the generator is deterministic in memory', () => {
  const c0 = generatePhantomCase(SEED, 0);
  const again = generatePhantomCase(SEED, 0);
  const c1 = generatePhantomCase(SEED, 1);
  assert.deepEqual(again.image, c0.image);
  assert.deepEqual(again.label, c0.label);
  assert.equal(c0.id, 'phantom_000');
  assert.equal(c1.id, 'phantom_001');
  let differ = 0;
  for (let i = 0; i < c0.label.length; i++) if (c0.label[i] !== c1.label[i]) differ++;
  assert.ok(differ > 2000, `labels of two cases differ in ${differ} voxels only`);
  assert.notDeepEqual(c0.counts, c1.counts);
});

test('files read back with src/io, agree with the generator, and image and label share shape and affine', () => {
  for (const id of json.semiseg.cases.map((c) => c.id)) {
    const { image, label } = readCase(dirA, id);
    assert.equal(image.dtype, 'float32');
    assert.equal(label.dtype, 'uint8');
    assert.deepEqual(image.shape, [96, 96, 48]); // NIfTI x, y, z = W, H, D
    assert.deepEqual(label.shape, image.shape);
    assert.deepEqual(label.affine, image.affine);
    assert.deepEqual(image.spacing, [4, 4, 5]);
    assert.deepEqual(image.affine, [
      [4, 0, 0, -190],
      [0, 4, 0, -190],
      [0, 0, 5, -117.5],
      [0, 0, 0, 1],
    ]);
  }
  const gen = generatePhantomCase(SEED, 2);
  const { image, label } = readCase(dirA, 'phantom_002');
  const zyx = niftiToZyx(image);
  assert.deepEqual(zyx.shape, [48, 96, 96]);
  assert.deepEqual(zyx.spacing, [5, 4, 4]);
  assert.deepEqual(image.data, gen.image);
  assert.deepEqual(label.data, gen.label);
  for (const v of gen.image) {
    if (!Number.isInteger(v) || Object.is(v, -0) || v < -1024 || v > 3071) assert.fail(`voxel value ${v}`);
  }
  for (const v of gen.label) if (v > 13) assert.fail(`label ${v}`);
  assert.deepEqual(image.affine, gen.affine);
});

test('dataset.json is an nnU-Net v2 raw dataset description matching the files', () => {
  const onDisk = JSON.parse(readFileSync(join(dirA, 'dataset.json'), 'utf8')) as PhantomDatasetJson;
  assert.deepEqual(onDisk, json);
  assert.deepEqual(onDisk.channel_names, { '0': 'CT' });
  assert.equal(onDisk.file_ending, '.nii.gz');
  assert.equal(onDisk.numTraining, CASES);
  const values = Object.values(onDisk.labels);
  assert.equal(onDisk.labels['background'], 0);
  assert.deepEqual(
    [...values].sort((a, b) => a - b),
    values.map((_, k) => k),
    'labels must be consecutive from 0',
  );
  assert.ok(values.length >= 9, 'at least 8 foreground classes');
  for (const c of PHANTOM_CLASSES) assert.equal(onDisk.labels[c.name], c.id);
  const ids = onDisk.semiseg.cases.map((c) => c.id);
  assert.deepEqual(
    readdirSync(join(dirA, 'imagesTr')).sort(),
    ids.map((id) => `${id}_0000.nii.gz`),
  );
  assert.deepEqual(
    readdirSync(join(dirA, 'labelsTr')).sort(),
    ids.map((id) => `${id}.nii.gz`),
  );
  assert.equal(onDisk.semiseg.seed, SEED);
  assert.equal(onDisk.semiseg.generator_version, 1);
  const fractions = Object.values(onDisk.semiseg.class_voxel_fractions);
  assert.ok(Math.abs(fractions.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  // the recorded counts are those of the label files
  for (const c of onDisk.semiseg.cases) {
    const counts = new Array<number>(values.length).fill(0);
    const { label } = readCase(dirA, c.id);
    for (const v of label.data as Uint8Array) counts[v]!++;
    assert.deepEqual(counts, c.counts);
  }
});

test('every case holds all 13 organs, and class sizes span more than 1000:1', () => {
  const means = PHANTOM_CLASSES.map((c) => {
    let sum = 0;
    for (const k of json.semiseg.cases) {
      assert.ok(k.counts[c.id]! > 0, `${k.id} has no ${c.name}`);
      sum += k.counts[c.id]!;
    }
    return sum / json.semiseg.cases.length;
  });
  const ratio = Math.max(...means) / Math.min(...means);
  assert.ok(ratio >= 1000, `largest/smallest mean class size ${ratio.toFixed(0)} < 1000`);
  const liver = means[PHANTOM_LABEL.liver - 1]!;
  assert.equal(Math.max(...means), liver, 'the liver is the largest class');
  assert.ok(means[PHANTOM_LABEL.leftAdrenal - 1]! < 50 && means[PHANTOM_LABEL.rightAdrenal - 1]! < 50);
});

test('organ intensities follow the designed order and air, fat and bone sit where they should', () => {
  for (let i = 0; i < CASES; i++) {
    const files = readCase(dirA, `phantom_00${i}`);
    const c = { image: files.image.data as Float32Array, label: files.label.data as Uint8Array };
    const m = (id: number) => meanOf(c, id);
    const L = PHANTOM_LABEL;
    const chain = [L.gallbladder, L.pancreas, L.liver, L.aorta].map(m);
    for (let k = 1; k < chain.length; k++) {
      assert.ok(
        chain[k]! > chain[k - 1]! + 10,
        `case ${i}: means ${chain.map((v) => v.toFixed(0))} not ordered`,
      );
    }
    assert.ok(
      m(L.rightKidney) > m(L.liver) && m(L.leftKidney) > m(L.liver),
      `case ${i}: kidneys not brighter`,
    );
    assert.ok(Math.abs(m(L.liver) - 105) < 25, `case ${i}: liver mean ${m(L.liver)}`);
    assert.ok(Math.abs(m(L.aorta) - 200) < 45, `case ${i}: aorta mean ${m(L.aorta)}`);
    // corner voxel: air; the background of the body holds fat (below -50 HU) and bone (above 300 HU)
    assert.ok(c.image[0]! < -950);
    let fat = 0;
    let bone = 0;
    for (let v = 0; v < c.image.length; v++) {
      if (c.label[v] !== 0) continue;
      if (c.image[v]! > -150 && c.image[v]! < -50) fat++;
      if (c.image[v]! > 300) bone++;
    }
    assert.ok(fat > 20000 && bone > 1000, `case ${i}: fat ${fat}, bone ${bone}`);
  }
});

test('noise is white with the stated sigma, the bias field is smooth, and the anatomy ignores both', () => {
  const clean = generatePhantomCase(SEED, 1, { noiseHu: 0, biasAmplitude: 0 });
  const noisy = generatePhantomCase(SEED, 1, { biasAmplitude: 0 });
  const biased = generatePhantomCase(SEED, 1, { noiseHu: 0 });
  const full = generatePhantomCase(SEED, 1);
  assert.deepEqual(noisy.label, clean.label);
  assert.deepEqual(full.label, clean.label);
  assert.ok(noisy.noiseHu >= 10 && noisy.noiseHu <= 20);
  // residual noise inside the body: mean ~0, sd ~ noiseHu, neighbours uncorrelated
  const [, , w] = clean.shape;
  let n = 0;
  let s = 0;
  let s2 = 0;
  let cross = 0;
  for (let i = 0; i + 1 < clean.image.length; i++) {
    if (clean.image[i]! < -900 || clean.image[i + 1]! < -900 || (i + 1) % w === 0) continue;
    const r = noisy.image[i]! - clean.image[i]!;
    const r1 = noisy.image[i + 1]! - clean.image[i + 1]!;
    n++;
    s += r;
    s2 += r * r;
    cross += r * r1;
  }
  const sd = Math.sqrt(s2 / n - (s / n) ** 2);
  assert.ok(Math.abs(s / n) < 0.5, `noise mean ${s / n}`);
  assert.ok(Math.abs(sd / noisy.noiseHu - 1) < 0.05, `noise sd ${sd} vs ${noisy.noiseHu}`);
  assert.ok(Math.abs(cross / s2) < 0.05, `neighbour correlation ${cross / s2}`);
  // liver voxels vary in the final image
  const liver: number[] = [];
  for (let i = 0; i < full.label.length; i++)
    if (full.label[i] === PHANTOM_LABEL.liver) liver.push(full.image[i]!);
  const lm = liver.reduce((a, b) => a + b, 0) / liver.length;
  const lsd = Math.sqrt(liver.reduce((a, b) => a + (b - lm) ** 2, 0) / liver.length);
  assert.ok(lsd > 0.8 * full.noiseHu, `liver sd ${lsd}`);
  // bias: the factor on (HU + 1000) over soft tissue varies by several percent but barely between neighbours
  const ratio = new Float64Array(clean.image.length).fill(Number.NaN);
  for (let i = 0; i < ratio.length; i++) {
    if (clean.image[i]! > -200) ratio[i] = (biased.image[i]! + 1000) / (clean.image[i]! + 1000);
  }
  let lo = Infinity;
  let hi = -Infinity;
  let step = 0;
  for (let i = 0; i + 1 < ratio.length; i++) {
    const r = ratio[i]!;
    if (Number.isNaN(r)) continue;
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
    const r1 = ratio[i + 1]!;
    if ((i + 1) % w !== 0 && !Number.isNaN(r1)) step = Math.max(step, Math.abs(r1 - r));
  }
  assert.ok(hi - lo > 0.02, `bias range ${lo}..${hi}`);
  assert.ok(step < (hi - lo) / 5, `bias jumps by ${step} between neighbours (range ${hi - lo})`);
});

test('shape and spacing options, and refused inputs', async () => {
  const small = generatePhantomCase(0, 0, { shape: [24, 48, 48] });
  assert.deepEqual(small.shape, [24, 48, 48]);
  assert.deepEqual(small.spacing, [10, 8, 8]);
  assert.equal(small.image.length, 24 * 48 * 48);
  assert.ok(small.counts[PHANTOM_LABEL.liver]! > 1000);
  const fine = generatePhantomCase(0, 0, { shape: [16, 32, 32], spacing: [5, 4, 4] });
  assert.deepEqual(fine.spacing, [5, 4, 4]);
  assert.throws(() => generatePhantomCase(0, 0, { shape: [0, 96, 96] }), RangeError);
  assert.throws(() => generatePhantomCase(0, 0, { shape: [48, 96] }), RangeError);
  assert.throws(() => generatePhantomCase(0, -1), RangeError);
  assert.throws(() => generatePhantomCase(0, 0, { noiseHu: -1 }), RangeError);
  assert.throws(() => generatePhantomCase(0, 0, { spacing: [1, 0, 1] }), RangeError);
  await assert.rejects(writePhantomDataset({ out: join(root, 'none'), cases: 0, seed: 0 }), RangeError);
});

test('semiseg phantom: flags, errors and --force', async () => {
  const out = join(root, 'cli');
  const quiet = ['--quiet', '--shape', '12,24,24'];
  const usage = async (args: string[], pattern: RegExp) => {
    await assert.rejects(
      runPhantom(args),
      (e: unknown) => e instanceof UsageError && pattern.test(e.message),
    );
  };
  await usage(['--out', out, '--bogus'], /unknown flag --bogus/);
  await usage(['--cases', '2'], /--out DIR is required/);
  await usage(['--out', out, '--cases', '0'], /--cases expects an integer >= 1/);
  await usage(['--out', out, '--seed', '-3'], /--seed/);
  await usage(['--out', out, '--shape', '48,96'], /three comma-separated/);
  await usage(['--out', out, '--shape', '48,x,96'], /--shape expects an integer/);
  await usage(['--out', out, '--spacing', '1,0,1'], /--spacing/);
  assert.equal(await runPhantom(['--out', out, '--cases', '2', '--seed', '5', ...quiet]), 0);
  const first = hashes(out);
  assert.equal(first.size, 5);
  await assert.rejects(runPhantom(['--out', out, '--cases', '1', ...quiet]), /not empty.*--force/);
  mkdirSync(join(out, 'keep'));
  writeFileSync(join(out, 'keep', 'note.txt'), 'mine');
  assert.equal(await runPhantom(['--out', out, '--cases', '1', '--seed', '5', '--force', ...quiet]), 0);
  assert.equal(readdirSync(join(out, 'imagesTr')).length, 1, '--force replaces the old cases');
  assert.equal(readFileSync(join(out, 'keep', 'note.txt'), 'utf8'), 'mine');
  assert.equal(
    hashes(out).get('imagesTr/phantom_000_0000.nii.gz'),
    first.get('imagesTr/phantom_000_0000.nii.gz'),
  );
});
