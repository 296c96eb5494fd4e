/**
 * One entry point for predicting a volume (or a volume file) with either inference path, plus the seeds'
 * settings as named presets. A later `semiseg test --run RUN_DIR` loads a model, picks a plan (a preset or the
 * run's own settings) and calls {@link predictCaseFile} per test case with the model's forward.
 */

import { join } from 'node:path';
import { fromArray, type Tensor } from '../../torch/index.ts';
import type { Forward } from './combine.ts';
import { type SlicewiseOptions, slicewiseInference } from './slices.ts';
import { type Prediction, type SlidingWindowOptions, slidingWindowInference } from './sliding-window.ts';
import { caseIdOf, readVolumeFile, type VolumeFile, writeVolumeFile } from './volume-file.ts';

/** How to predict a volume: a 3D (or 2D) sliding window, or slice by slice with a 2D network. */
export type InferencePlan =
  | ({ mode: 'sliding-window' } & SlidingWindowOptions)
  | ({ mode: 'slices' } & SlicewiseOptions);

/**
 * DHC / SKCDF `test.py` (spec/dhc.md §7, spec/skcdf.md §6): patch `[64, 128, 128]` `[D, H, W]`, `--speed`
 * 0/1/2 -> strides `[16, 32, 32]` / `[16, 64, 64]` / `[32, 128, 128]`, constant weights, clamped windows, no
 * padding needed, softmax of the mean logits of A and B, argmax.
 */
export function dhcPlan(speed: 0 | 1 | 2 = 0): InferencePlan {
  const [xy, z] = (
    [
      [32, 16],
      [64, 16],
      [128, 32],
    ] as const
  )[speed];
  return {
    mode: 'sliding-window',
    patchSize: [64, 128, 128],
    stride: [z, xy, xy],
    weighting: 'constant',
    windowRule: 'clamped',
    combine: 'logits',
  };
}

/** The seeds' inference settings by name (volumes in `[C, D, H, W]`, sizes `[d, h, w]` in voxels). */
export const INFERENCE_PRESETS = {
  /** DHC and its baselines, speed 0 (the scripts' setting). */
  dhc: dhcPlan(0),
  /** SKCDF: the same windows as DHC; one network (decoder_u's main head). */
  skcdf: dhcPlan(0),
  /**
   * CML LA (`test_LA.py`, spec/cml.md §7.1): patch (112, 112, 80) and stride (18, 18, 4) in the h5's (x, y, z)
   * order, i.e. `[80, 112, 112]` / `[4, 18, 18]` in `[D, H, W]`; zero padding split symmetrically; softmax of
   * the mean of the two branches' logits; foreground where its probability > 0.5. (The seed then keeps the
   * largest connected component; that post-processing is not part of this plan.)
   */
  'cml-la': {
    mode: 'sliding-window',
    patchSize: [80, 112, 112],
    stride: [4, 18, 18],
    weighting: 'constant',
    windowRule: 'clamped',
    combine: 'logits',
    threshold: 0.5,
  },
  /** CML ACDC (`test_ACDC.py`, spec/cml.md §7.2): slices zoomed (nearest) to 256 x 256 and back. */
  'cml-acdc': { mode: 'slices', size: [256, 256], combine: 'logits' },
} as const satisfies Record<string, InferencePlan>;

export type PresetName = keyof typeof INFERENCE_PRESETS;

/**
 * Predicts a volume with a plan.
 *
 * @param volume - `[C, D, H, W]` float32 (slices also take `[D, H, W]`), any device.
 * @param forward - forward function(s) returning logits `[N, K, ...]` (see `Forward`).
 * @returns labels `[D, H, W]` and probabilities `[K, D, H, W]` (see `slidingWindowInference`,
 *   `slicewiseInference` for dtypes and empty input, which throws RangeError).
 */
export function predictVolume(
  volume: Tensor,
  forward: Forward | readonly Forward[],
  plan: InferencePlan,
): Prediction {
  if (plan.mode === 'slices') return slicewiseInference(volume, forward, plan);
  return slidingWindowInference(volume, forward, plan);
}

/** Options of {@link predictCaseFile}. */
export interface PredictFileOptions {
  /** Directory for `<case>.<ext>` label files (ext as the input's: `.nii.gz` for NIfTI, `.npy` for npy). */
  outDir: string;
  /** Case id; default the input file name without extension. */
  caseId?: string;
  /**
   * Turns the file's voxels into the network input `[C, D, H, W]` float32 (intensity windowing, resizing);
   * default: the voxels as float32, one channel (a 4D NIfTI's fourth axis becomes the channels). The output keeps the input's grid and affine, so a
   * preprocess that changes the shape must be undone by the caller (the seeds' DHC Synapse path predicts on
   * the halved grid and evaluates there).
   */
  preprocess?: (file: VolumeFile) => Tensor;
  /** Also write the probabilities `[K, D, H, W]` to `<outDir>/probabilities/<case>.<ext>`; default false. */
  probabilities?: boolean;
}

/** Paths written by {@link predictCaseFile}. */
export interface PredictedCase {
  caseId: string;
  labels: string;
  probabilities: string | null;
  /** Label-volume shape `[D, H, W]`. */
  shape: number[];
}

function defaultPreprocess(file: VolumeFile): Tensor {
  const f32 =
    file.data instanceof Float32Array ? file.data : Float32Array.from(file.data as ArrayLike<number>);
  return fromArray(f32, file.shape.length === 4 ? file.shape : [1, ...file.shape]);
}

/**
 * Reads a volume file, predicts it and writes the label map (uint8 or int32) with the input's affine (NIfTI)
 * or as `.npy`, optionally the probabilities (float32).
 *
 * @returns the written paths and the label shape. Tensors made here are freed before returning.
 * @throws IoError for unreadable input or unwritable output; RangeError from the inference.
 */
export async function predictCaseFile(
  path: string,
  forward: Forward | readonly Forward[],
  plan: InferencePlan,
  options: PredictFileOptions,
): Promise<PredictedCase> {
  const file = await readVolumeFile(path);
  const caseId = options.caseId ?? caseIdOf(path)!;
  const ext = file.format === 'npy' ? '.npy' : '.nii.gz';
  const input = (options.preprocess ?? defaultPreprocess)(file);
  let pred: Prediction;
  try {
    pred = predictVolume(input, forward, { ...plan, keepProbabilities: options.probabilities === true });
  } finally {
    input.dispose();
  }
  try {
    const labels = join(options.outDir, `${caseId}${ext}`);
    await writeVolumeFile(labels, pred.labels, undefined, file);
    let probabilities: string | null = null;
    if (pred.probabilities !== null) {
      probabilities = join(options.outDir, 'probabilities', `${caseId}${ext}`);
      await writeVolumeFile(probabilities, pred.probabilities, undefined, file);
    }
    return { caseId, labels, probabilities, shape: pred.labels.shape };
  } finally {
    pred.labels.dispose();
    pred.probabilities?.dispose();
  }
}
