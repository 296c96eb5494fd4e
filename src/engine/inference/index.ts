/**
 * Inference and evaluation: sliding-window and slice-by-slice prediction with libtorch networks, output files
 * with the input's geometry, and evaluation of prediction directories. See `docs/inference.md`.
 */

export { type CombineMode, type Forward, forwardList, windowProbabilities } from './combine.ts';
export {
  type DirCaseResult,
  type DirEvaluation,
  type DirSummary,
  type EvaluateDirOptions,
  evaluateDirectories,
  writeEvaluation,
} from './evaluate-dir.ts';
export { type CasePair, checkLabels, type LabelCheck, pairVolumeFiles } from './label-volumes.ts';
export {
  dhcPlan,
  INFERENCE_PRESETS,
  type InferencePlan,
  type PredictedCase,
  type PredictFileOptions,
  type PresetName,
  predictCaseFile,
  predictVolume,
} from './predict.ts';
export {
  type SlicewiseOptions,
  scipyNearestIndices,
  slicewiseInference,
  zoomNearestAxis,
} from './slices.ts';
export {
  type Prediction,
  padArgument,
  probabilitiesToLabels,
  type SlidingWindowOptions,
  slidingWindowInference,
} from './sliding-window.ts';
export {
  caseIdOf,
  readVolumeFile,
  VOLUME_EXTENSIONS,
  type VolumeFile,
  writeVolumeFile,
} from './volume-file.ts';
export { type GaussianOptions, gaussianFactor, gaussianImportanceMap } from './weights.ts';
export { type AxisPad, paddingFor, type WindowRule, windowGrid, windowStarts } from './windows.ts';
