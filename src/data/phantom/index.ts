/**
 * The built-in phantom: procedurally generated abdominal CT volumes in HU with Synapse's 13 organ labels,
 * strongly class-imbalanced (liver to adrenal gland about 1500:1 in voxels), written as an nnU-Net v2 raw
 * dataset. Volumes are `[D, H, W]` C order in memory, spacing in mm. See docs/phantom.md.
 */

export { PHANTOM_CLASSES, PHANTOM_LABEL, PHANTOM_NUM_CLASSES, type PhantomClass } from './classes.ts';
export {
  PHANTOM_GZIP_LEVEL,
  type PhantomDatasetJson,
  type PhantomDatasetOptions,
  type PhantomDatasetResult,
  phantomDatasetJson,
  writePhantomDataset,
} from './dataset.ts';
export {
  checkPhantomOptions,
  DEFAULT_PHANTOM_SHAPE,
  generatePhantomCase,
  PHANTOM_FOV_MM,
  PHANTOM_GENERATOR_VERSION,
  type PhantomCase,
  type PhantomOptions,
  phantomCaseId,
  phantomSpacing,
} from './generate.ts';
