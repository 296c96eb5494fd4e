import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  dhcPlan,
  INFERENCE_PRESETS,
  predictCaseFile,
  predictVolume,
} from '../../src/engine/inference/predict.ts';
import { slidingWindowInference } from '../../src/engine/inference/sliding-window.ts';
import { caseIdOf, readVolumeFile, writeVolumeFile } from '../../src/engine/inference/volume-file.ts';
import { readNiftiSync, readNpySync, writeNiftiSync, writeNpySync } from '../../src/io/index.ts';
import { cat, fromArray, liveTensors, manualSeed, randn, type Tensor } from '../../src/torch/index.ts';
import { numbers, seededConv3dPair } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'semiseg-predict-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const [netA, unused] = seededConv3dPair();
unused.dispose(); // disposed now rather than by the GC safety net in the middle of a live-tensor count
const fA = (x: Tensor) => netA.forward(x);

const AFFINE = [
  [0, -0.8, 0, 40.5],
  [0.75, 0, 0, -12],
  [0, 0, 2.5, 7.25],
  [0, 0, 0, 1],
];

test('case ids strip .nii.gz, .nii and .npy only', () => {
  assert.equal(caseIdOf('/a/b/0008.nii.gz'), '0008');
  assert.equal(caseIdOf('patient001_frame01.nii'), 'patient001_frame01');
  assert.equal(caseIdOf('x.y.npy'), 'x.y');
  assert.equal(caseIdOf('summary.json'), null);
  assert.equal(caseIdOf('.nii.gz'), null);
});

test('predictCaseFile: NIfTI in, labels and probabilities out with the input affine, same values', async () => {
  manualSeed(21);
  const img = randn([5, 6, 7]); // [D, H, W] = (z, y, x)
  const data = img.toArray() as Float32Array;
  img.dispose();
  const input = join(dir, 'case01.nii.gz');
  writeNiftiSync(input, { data, shape: [7, 6, 5], affine: AFFINE });
  const plan = { mode: 'sliding-window' as const, patchSize: [4, 4, 4], stride: [2, 2, 3] };
  const before = liveTensors();
  const out = await predictCaseFile(input, fA, plan, { outDir: join(dir, 'pred'), probabilities: true });
  assert.equal(liveTensors(), before, 'no tensor survives the call');
  assert.equal(out.caseId, 'case01');
  assert.equal(out.labels, join(dir, 'pred', 'case01.nii.gz'));
  assert.equal(out.probabilities, join(dir, 'pred', 'probabilities', 'case01.nii.gz'));
  assert.deepEqual(out.shape, [5, 6, 7]);
  const lab = readNiftiSync(out.labels);
  assert.deepEqual(lab.shape, [7, 6, 5]);
  assert.equal(lab.dtype, 'uint8');
  assert.deepEqual(lab.affine, readNiftiSync(input).affine, 'the input affine, as stored');
  const vol = fromArray(data, [1, 5, 6, 7]);
  const ref = slidingWindowInference(vol, fA, plan);
  assert.deepEqual(Array.from(lab.data as Uint8Array), numbers(ref.labels));
  const prob = readNiftiSync(out.probabilities!);
  assert.deepEqual(prob.shape, [7, 6, 5, 3], 'x, y, z, class');
  assert.deepEqual(Array.from(prob.data as Float32Array), numbers(ref.probabilities!));
  for (const t of [vol, ref.labels, ref.probabilities!]) t.dispose();
});

test('predictCaseFile: npy in, npy out ([D, H, W] as stored), custom case id and preprocess', async () => {
  manualSeed(22);
  const img = randn([4, 5, 6]);
  const data = img.toArray() as Float32Array;
  img.dispose();
  const input = join(dir, 'vol.npy');
  writeNpySync(input, data, [4, 5, 6]);
  let seenShape: number[] = [];
  const res = await predictCaseFile(
    input,
    fA,
    { mode: 'sliding-window', patchSize: [4, 4, 4], stride: [4, 4, 4] },
    {
      outDir: join(dir, 'npy'),
      caseId: 'renamed',
      preprocess: (f) => {
        seenShape = f.shape;
        return fromArray(
          Float32Array.from(f.data as Float32Array, (v) => 2 * v),
          [1, ...f.shape],
        );
      },
    },
  );
  assert.deepEqual(seenShape, [4, 5, 6]);
  assert.equal(res.labels, join(dir, 'npy', 'renamed.npy'));
  assert.equal(res.probabilities, null);
  const lab = readNpySync(res.labels);
  assert.deepEqual(lab.shape, [4, 5, 6]);
  const vol = fromArray(
    Float32Array.from(data, (v) => 2 * v),
    [1, 4, 5, 6],
  );
  const ref = slidingWindowInference(vol, fA, { patchSize: [4, 4, 4], stride: [4, 4, 4] });
  assert.deepEqual(Array.from(lab.data as Uint8Array), numbers(ref.labels));
  for (const t of [vol, ref.labels, ref.probabilities!]) t.dispose();
});

test('writeVolumeFile / readVolumeFile round trip: C-order [D, H, W] and spacing reversed for NIfTI', async () => {
  const data = Int32Array.from({ length: 24 }, (_, i) => i % 5);
  const path = join(dir, 'rt', 'x.nii');
  await writeVolumeFile(path, data, [2, 3, 4], { affine: null, header: null, spacing: [3, 2, 1.5] });
  const v = await readVolumeFile(path);
  assert.equal(v.format, 'nifti');
  assert.deepEqual(v.shape, [2, 3, 4]);
  assert.deepEqual(v.spacing, [3, 2, 1.5]);
  assert.deepEqual(Array.from(v.data as Int32Array), Array.from(data));
  await assert.rejects(writeVolumeFile(join(dir, 'x.txt'), data, [2, 3, 4]), /has no volume extension/);
  await assert.rejects(readVolumeFile(join(dir, 'missing.nii.gz')), /missing\.nii\.gz: no such file/);
});

test('presets: DHC speeds map (xy, z) strides to [z, xy, xy]; CML LA in [D, H, W] order', () => {
  assert.deepEqual(dhcPlan(0), { ...INFERENCE_PRESETS.dhc });
  const s = (p: ReturnType<typeof dhcPlan>) => (p.mode === 'sliding-window' ? p.stride : null);
  assert.deepEqual(s(dhcPlan(0)), [16, 32, 32]);
  assert.deepEqual(s(dhcPlan(1)), [16, 64, 64]);
  assert.deepEqual(s(dhcPlan(2)), [32, 128, 128]);
  const la = INFERENCE_PRESETS['cml-la'];
  assert.deepEqual([la.patchSize, la.stride, la.threshold], [[80, 112, 112], [4, 18, 18], 0.5]);
});

test('predictVolume dispatches on the plan mode', () => {
  manualSeed(23);
  const vol = randn([1, 3, 8, 8]).keep();
  const c2 = (x: Tensor) => cat([x, x.neg()], 1);
  const slices = predictVolume(vol, c2, { mode: 'slices', size: [16, 16] });
  assert.deepEqual(slices.labels.shape, [3, 8, 8]);
  assert.throws(
    () => predictVolume(vol, c2, { mode: 'sliding-window', patchSize: [2, 2], stride: [2, 2] }),
    /one patch size and one stride per spatial axis/,
  );
  for (const t of [vol, slices.labels, slices.probabilities!]) t.dispose();
});
