/**
 * NIfTI-1 / NIfTI-2 reading (`.nii` and `.nii.gz`, either byte order) with nibabel 5's semantics for the
 * data (`np.asanyarray(img.dataobj)`), the affine (`img.affine`) and the zooms (`header.get_zooms()`).
 */

import { constants as bufferConstants } from 'node:buffer';
import { type DType, decodeElements, ITEM_SIZE, type NumericArray, voxelCount } from '../dtypes.ts';
import { fail, readWholeFile, readWholeFileSync } from '../errors.ts';
import { gunzipChecked, gunzipCheckedAsync, isGzip } from '../gzip.ts';
import { baseAffine, type Mat4, qformAffine, sformAffine } from './affine.ts';
import { DATATYPE_TO_DTYPE, decodeNiftiHeader, type NiftiHeader } from './header.ts';

/** A NIfTI volume as read from a file. */
export interface NiftiVolume {
  /**
   * The voxels in the file's own order: x fastest (Fortran order), i.e. voxel (i, j, k, ...) is at
   * `i + nx * (j + ny * (k + nz * ...))`. Same layout as nibabel's array with `order='F'`. After scaling
   * (see `scaling`): Float64Array when a slope/intercept applies, else the stored type; int64 / uint64 come as
   * BigInt64Array / BigUint64Array (exact; convert with Number() where 2^53 suffices). May be a view with a
   * non-zero `byteOffset` on a buffer that also holds the header: use `data.byteOffset` / `data.length`.
   */
  data: NumericArray;
  /** Sizes along each axis in the file's order, x first (dim[1..dim[0]]), exactly as nibabel's `img.shape`. */
  shape: number[];
  /** The dtype of `data` (float64 when scaling applies), as `np.asanyarray(img.dataobj).dtype`. */
  dtype: DType;
  /** The stored dtype, as nibabel's `header.get_data_dtype()`. */
  fileDtype: DType;
  /**
   * Voxel size per axis (`header.get_zooms()`): pixdim[1..rank] after nibabel's load-time fixes (zero spatial
   * sizes become 1, negative ones their absolute value). Spatial axes in mm (the file's xyzt_units), time in s.
   */
  spacing: number[];
  /** Voxel (i, j, k) to world (x, y, z, mm) 4x4 row-major affine, chosen as nibabel's `img.affine`. */
  affine: Mat4;
  /** Which header part `affine` came from. */
  affineSource: 'sform' | 'qform' | 'pixdim';
  /** The applied `data = stored * slope + inter`, or null when the header asks for none (as nibabel decides). */
  scaling: { slope: number; inter: number } | null;
  /** 'nifti1' or 'nifti2'. */
  format: 'nifti1' | 'nifti2';
  /** True when the file was gzip-compressed. */
  compressed: boolean;
  /** Every header field as stored (before nibabel's fixes). */
  header: NiftiHeader;
}

/** Options of `parseNifti`. */
export interface ParseNiftiOptions {
  /**
   * Let `data` be a view on `bytes` (or on its decompressed copy) instead of a copy when no byte swap or
   * scaling is needed. Default false: the result never aliases the caller's memory.
   */
  view?: boolean;
}

const WHAT = 'a NIfTI-1 or NIfTI-2 file (.nii or .nii.gz)';
/** nibabel's valid xform codes are 0..5; others are reset to 0 ('unknown') on load. */
const isSetCode = (c: number) => Number.isInteger(c) && c >= 1 && c <= 5;

/** pixdim after nibabel's `_chk_pixdims` and `_chk_qfac` fixes. */
function fixedPixdim(h: NiftiHeader): number[] {
  const p = h.pixdim.slice();
  for (let i = 1; i <= 3; i++) {
    const v = p[i] ?? 1;
    p[i] = v === 0 ? 1 : Math.abs(v);
  }
  if (p[0] !== 1 && p[0] !== -1) p[0] = 1;
  return p;
}

function chooseAffine(h: NiftiHeader, shape: number[], pixdim: number[], path: string) {
  if (isSetCode(h.sformCode)) {
    return { affine: sformAffine(h.srowX, h.srowY, h.srowZ), affineSource: 'sform' as const };
  }
  if (isSetCode(h.qformCode)) {
    const eps = h.version === 1 ? 2 ** -23 : Number.EPSILON;
    const q = qformAffine(
      {
        quaternB: h.quaternB,
        quaternC: h.quaternC,
        quaternD: h.quaternD,
        qoffsetX: h.qoffsetX,
        qoffsetY: h.qoffsetY,
        qoffsetZ: h.qoffsetZ,
        qfac: pixdim[0]!,
        zooms: [pixdim[1]!, pixdim[2]!, pixdim[3]!],
      },
      -3 * eps,
    );
    if (typeof q === 'string')
      fail(path, `invalid qform (qform_code ${h.qformCode}, no sform): ${q}`, 'a unit quaternion');
    return { affine: q, affineSource: 'qform' as const };
  }
  return { affine: baseAffine(shape, pixdim.slice(1, 1 + shape.length)), affineSource: 'pixdim' as const };
}

/** stored * slope + inter in float64, each step only when needed (as nibabel's apply_read_scaling). */
function applyScaling(raw: NumericArray, slope: number, inter: number): Float64Array {
  const n = raw.length;
  const out = new Float64Array(n);
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) out[i] = Number(raw[i]!);
  } else {
    out.set(raw);
  }
  if (slope !== 1) for (let i = 0; i < n; i++) out[i] = out[i]! * slope;
  if (inter !== 0) for (let i = 0; i < n; i++) out[i] = out[i]! + inter;
  return out;
}

function fmtShape(shape: number[]): string {
  return shape.join('x');
}

/** Decodes an uncompressed NIfTI file image. */
function decode(bytes: Uint8Array, path: string, compressed: boolean, allowView: boolean): NiftiVolume {
  const header = decodeNiftiHeader(bytes, path);
  const rank = header.dim[0]!;
  const shape = header.dim.slice(1, 1 + rank);
  const fileDtype = DATATYPE_TO_DTYPE.get(header.datatype)!;
  const count = voxelCount(shape);
  const nbytes = count * ITEM_SIZE[fileDtype];
  const where = compressed ? 'the decompressed file' : 'the file';
  if (nbytes > bufferConstants.MAX_LENGTH) {
    fail(
      path,
      `header says ${fmtShape(shape)} ${fileDtype} = ${nbytes} bytes`,
      `at most ${bufferConstants.MAX_LENGTH} bytes of voxel data`,
    );
  }
  if (header.voxOffset > bytes.length) {
    fail(
      path,
      `vox_offset ${header.voxOffset} is past the end of ${where} (${bytes.length} bytes)`,
      `voxel data starting inside the file`,
    );
  }
  const avail = bytes.length - header.voxOffset;
  if (avail < nbytes) {
    fail(
      path,
      `voxel data truncated: header says ${fmtShape(shape)} ${fileDtype} = ${nbytes} bytes from vox_offset ${header.voxOffset}, but ${where} has only ${avail} bytes there`,
      `${header.voxOffset + nbytes} bytes in total`,
    );
  }
  const pixdim = fixedPixdim(header);
  let slope = header.sclSlope;
  let inter = header.sclInter;
  let scaling: NiftiVolume['scaling'] = null;
  if (slope !== 0 && Number.isFinite(slope)) {
    if (!Number.isFinite(inter))
      fail(path, `scl_slope is ${slope} but scl_inter is ${inter}`, 'a finite scl_inter');
    if (slope !== 1 || inter !== 0) scaling = { slope, inter };
  } else {
    slope = 1;
    inter = 0;
  }
  const { affine, affineSource } = chooseAffine(header, shape, pixdim, path);
  const raw = decodeElements(bytes, header.voxOffset, count, fileDtype, header.littleEndian, allowView);
  const data = scaling ? applyScaling(raw, scaling.slope, scaling.inter) : raw;
  return {
    data,
    shape,
    dtype: scaling ? 'float64' : fileDtype,
    fileDtype,
    spacing: pixdim.slice(1, 1 + rank),
    affine,
    affineSource,
    scaling,
    format: header.version === 1 ? 'nifti1' : 'nifti2',
    compressed,
    header,
  };
}

/**
 * Decodes a NIfTI file held in memory (gzip-compressed or not: detected from the bytes, not a name).
 * `path` only labels error messages. Throws `IoError` for anything malformed (see `decodeNiftiHeader`, plus
 * truncated voxel data, vox_offset past the end, a non-finite scl_inter with a valid slope, and an invalid
 * quaternion when the qform is the chosen affine). A volume with a zero-sized axis gives empty `data`.
 */
export function parseNifti(
  bytes: Uint8Array,
  path = '<buffer>',
  options: ParseNiftiOptions = {},
): NiftiVolume {
  if (bytes.length === 0) fail(path, 'is empty (0 bytes)', WHAT);
  if (isGzip(bytes)) return decode(gunzipChecked(bytes, path, WHAT), path, true, true);
  return decode(bytes, path, false, options.view ?? false);
}

/** Reads a `.nii` / `.nii.gz` file synchronously; see `NiftiVolume` for the layout and `parseNifti` for errors. */
export function readNiftiSync(path: string): NiftiVolume {
  const bytes = readWholeFileSync(path, WHAT);
  if (isGzip(bytes)) return decode(gunzipChecked(bytes, path, WHAT), path, true, true);
  return decode(bytes, path, false, true);
}

/**
 * Reads a `.nii` / `.nii.gz` file; the read and the gunzip run off the main thread, so several files can be
 * read at once. See `NiftiVolume` for the layout (x fastest, mm) and `parseNifti` for the errors.
 */
export async function readNifti(path: string): Promise<NiftiVolume> {
  const bytes = await readWholeFile(path, WHAT);
  if (isGzip(bytes)) return decode(await gunzipCheckedAsync(bytes, path, WHAT), path, true, true);
  return decode(bytes, path, false, true);
}
