/**
 * Datasets: adapters from the raw layouts (Synapse, AMOS, LA, ACDC, nnU-Net) to preprocessed npy folders with a
 * manifest, and the loader of those folders. See docs/data.md.
 */

export { DataError } from '../data-error.ts';
export {
  type CaseSource,
  findCase,
  MANIFEST_FILE,
  type Manifest,
  type ManifestCase,
  type ManifestPreprocessing,
  manifestFingerprint,
  type PreprocessStep,
  readManifest,
  writeManifest,
} from '../manifest.ts';
export { checkManifest } from '../manifest-check.ts';
export { ACDC_CLASSES, LA_CLASSES, LA_SPACING, openAcdc, openLa } from './la-acdc.ts';
export { type NnunetDescription, openNnunet, readNnunetDescription } from './nnunet.ts';
export {
  openDataset,
  type PreprocessOptions,
  type PreprocessProgress,
  type PreprocessResult,
  preprocessDataset,
  TOOL,
} from './preprocess-dataset.ts';
export {
  type LoadCaseOptions,
  loadPreprocessedCase,
  ON_LOAD_STEPS,
  preprocessedManifest,
} from './preprocessed.ts';
export type { PreprocessedLoaderOptions } from './preprocessed-loader.ts';
export { referenceSplits } from './reference-splits.ts';
export type { CaseRef, DatasetSource, OpenOptions } from './source.ts';
export { AMOS_CLASSES, openAmos, openSynapse, SYNAPSE_CLASSES } from './synapse-amos.ts';
