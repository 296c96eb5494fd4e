/**
 * NIfTI-1 / NIfTI-2 reading and writing. The pieces live in `./nifti/`: `header.ts` (byte layout, validation),
 * `affine.ts` (sform / qform / pixdim affines as nibabel computes them), `read.ts` and `write.ts`.
 * Voxel data stays in the file's order (x fastest); `niftiToZyx` in `./layout.ts` gives the project's
 * C-order [D, H, W] view without copying.
 */

export {
  affineToQform,
  baseAffine,
  type Mat4,
  type QformParams,
  qformAffine,
  sformAffine,
} from './nifti/affine.ts';
export { DATATYPE_TO_DTYPE, DTYPE_TO_DATATYPE, decodeNiftiHeader, type NiftiHeader } from './nifti/header.ts';
export {
  type NiftiVolume,
  type ParseNiftiOptions,
  parseNifti,
  readNifti,
  readNiftiSync,
} from './nifti/read.ts';
export {
  encodeNifti,
  type NiftiWritable,
  type WriteNiftiOptions,
  writeNifti,
  writeNiftiSync,
} from './nifti/write.ts';
