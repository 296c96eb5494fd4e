/** The IO layer: NIfTI, npy and h5 files to plain typed arrays (no tensors). See each module's TSDoc. */

export { type DType, dtypeOf, isIntegerDType, type NumericArray } from './dtypes.ts';
export { IoError } from './errors.ts';
export {
  type H5Array,
  type H5Case,
  type H5DatasetInfo,
  listH5Datasets,
  readH5Case,
  readH5Dataset,
} from './h5.ts';
export { type InspectArray, type InspectResult, inspect } from './inspect.ts';
export {
  type CArray,
  cToFortran,
  elementAt,
  fortranToC,
  niftiToZyx,
  permuteAxes,
  reorderAxes,
  type ZyxVolume,
  zyxToNifti,
} from './layout.ts';
export * from './nifti.ts';
export {
  encodeNpy,
  type NpyArray,
  type NpyDType,
  parseNpy,
  type ReadNpyOptions,
  readNpy,
  readNpySync,
  type WriteNpyOptions,
  writeNpySync,
} from './npy.ts';
export { type ArrayStats, arrayStats, UNIQUE_CAP } from './stats.ts';
