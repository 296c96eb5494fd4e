/**
 * Public API of the data layer (file readers live in src/io/). Samples are `[C, D, H, W]` (or `[C, H, W]`)
 * float32 images with uint8 label maps over the spatial axes; batches are `[B, C, ...]`.
 */

export {
  generatePhantomCase,
  PHANTOM_CLASSES,
  type PhantomCase,
  type PhantomDatasetOptions,
  type PhantomOptions,
  writePhantomDataset,
} from './phantom/index.ts';
export { Prefetcher, type PrefetchOptions, type TwoStreamBatch } from './prefetch.ts';
export {
  type LoaderContext,
  type LoaderModule,
  type PrefetchConfig,
  sampleRandom,
} from './prefetch-job.ts';
export { Random, type RandomState } from './random.ts';
export {
  checkSample,
  type Sample,
  type SampleShape,
  type StackedBatch,
  stackSamples,
} from './sample.ts';
export {
  type BatchPlan,
  type EpochRule,
  type SampleRef,
  type SamplerOptions,
  type SamplerState,
  type StreamName,
  samplerPresets,
  TwoStreamSampler,
} from './sampler.ts';
export {
  checkKnownIds,
  formatSplitText,
  type Partition,
  parseSplitText,
  readSplitFile,
  splitHash,
  writeSplitFiles,
} from './split-files.ts';
export {
  acdcPatientOf,
  drawSplit,
  type LabeledSplit,
  loadList,
  loadSplit,
  loadSplitFromDir,
  splitNames,
  splitSets,
  type TaskName,
} from './splits.ts';
export {
  centerCrop,
  cropAt,
  type PadMode,
  randomCrop,
  referencePadding,
  roundHalfEven,
} from './transforms/crop.ts';
export {
  type Box,
  boxMask,
  cutmixBox,
  cutmixBoxSize,
  cutmixHalves,
  mixArrays,
  mixSamples,
} from './transforms/cutmix.ts';
export { flip, randomFlip, randomRot90Flip, rot90 } from './transforms/flip.ts';
export { gaussianNoise, intensityJitter, type JitterOptions } from './transforms/intensity.ts';
export {
  buildPipeline,
  buildTransform,
  compose,
  presets,
  type Transform,
  type TransformSpec,
} from './transforms/pipeline.ts';
export { type Order, randomRotate, rotate } from './transforms/rotate.ts';
export { zoomIndexMap, zoomNearest } from './transforms/zoom.ts';
