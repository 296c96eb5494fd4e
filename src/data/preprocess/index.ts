/**
 * Preprocessing steps, each a small pure function over C-order arrays (images `[C, D, H, W]` float32, labels
 * `[D, H, W]` uint8, spacing in mm), with the heavy math in libtorch. See docs/data.md.
 */

export { CT_WINDOW, ctWindowNormalize, firstNonFinite, minMaxNormalize } from './intensity.ts';
export {
  type IntensityRule,
  type PreprocessPlan,
  type ProcessedCase,
  planSteps,
  preprocessCase,
  type RawCase,
} from './pipeline.ts';
export { halveInPlane, legacyNearestIndex, resizedSpacing, resizeImage, resizeLabel } from './resize.ts';
export {
  checkTask,
  DEFAULT_SIZE,
  type PreprocessTask,
  TASKS,
  taskVariants,
  variantPlan,
} from './variants.ts';
export {
  distinctLabels,
  h5Image,
  h5Label,
  niftiImage,
  niftiLabel,
  toFloat32,
  toLabelMap,
  type ZyxArray,
} from './volumes.ts';
