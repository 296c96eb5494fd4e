/**
 * NIfTI writing (`.nii` and `.nii.gz`): a NIfTI-1 header (NIfTI-2 when a size exceeds 32767 or when asked),
 * no extensions, both the sform and the qform set from the affine (the qform as nibabel's `set_qform` derives
 * it), pixdim from the affine's column norms, units mm (and s for a 4th axis), no intensity scaling.
 */

import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { gzip, gzipSync } from 'node:zlib';
import { type DType, dtypeOf, encodeElements, ITEM_SIZE, type NumericArray, voxelCount } from '../dtypes.ts';
import { fail, fsError, IoError } from '../errors.ts';
import { affineToQform, type Mat4 } from './affine.ts';
import { DTYPE_TO_DATATYPE, encodeNiftiHeader, type NiftiHeader, VERSION_INFO } from './header.ts';

/** What `writeNifti` needs; a `NiftiVolume` from `readNifti` qualifies (its codes are then kept). */
export interface NiftiWritable {
  /** Voxels x fastest (Fortran order, the layout `readNifti` returns); length = product of `shape`. */
  data: NumericArray;
  /** Sizes x, y, z, ... (1 to 7 axes). */
  shape: readonly number[];
  /** Voxel-to-world (mm) 4x4 row-major; default diag(spacing[0..2], 1), or the identity without spacing. */
  affine?: Mat4;
  /** Voxel sizes; only used for the default affine and for pixdim of axes 4..7 (default 1). */
  spacing?: readonly number[];
  /** A source header whose non-zero sform_code / qform_code and descrip are reused. */
  header?: Pick<NiftiHeader, 'sformCode' | 'qformCode' | 'descrip'>;
}

/** Options of `writeNifti` / `encodeNifti`. */
export interface WriteNiftiOptions {
  /** 1 or 2; default 1, or 2 when a size does not fit NIfTI-1's int16. */
  version?: 1 | 2;
  /** sform_code; default the source header's, else 1 (scanner). Must be 1..5: both forms are always written. */
  sformCode?: number;
  /** qform_code; default the source header's, else 1 (scanner). */
  qformCode?: number;
  /** Byte order of the file; default 'little'. */
  byteOrder?: 'little' | 'big';
  /** gzip the file; default: when the path ends in `.gz`. */
  gzip?: boolean;
  /** gzip level 0-9; default 1 (as nibabel: about 1.5x faster than 6 for ~2% more bytes). */
  compressionLevel?: number;
  /** descrip field (at most 79 characters); default the source header's, else 'semiseg'. */
  descrip?: string;
}

function checkCode(path: string, name: string, code: number): number {
  if (!Number.isInteger(code) || code < 1 || code > 5)
    fail(path, `${name} ${code} cannot be written`, 'an integer in 1..5');
  return code;
}

function defaultAffine(spacing: readonly number[] | undefined): Mat4 {
  const s = [0, 1, 2].map((i) => spacing?.[i] ?? 1);
  return [
    [s[0]!, 0, 0, 0],
    [0, s[1]!, 0, 0],
    [0, 0, s[2]!, 0],
    [0, 0, 0, 1],
  ];
}

/**
 * The uncompressed bytes of a NIfTI file for `vol` (header, 4 zero extension bytes, data). `path` only labels
 * errors. Throws `IoError` for a data length that does not match the shape, a rank outside 1..7, a negative
 * or non-integer size, sizes too large for NIfTI-1 when version 1 is forced, an unsupported array type, or a
 * singular / non-finite affine. A shape with a zero-sized axis writes a header with no voxel data.
 * NIfTI-1 stores the affine as float32, so reading the file back gives each entry rounded by `Math.fround`.
 */
export function encodeNifti(vol: NiftiWritable, options: WriteNiftiOptions = {}, path = '<buffer>'): Buffer {
  const shape = [...vol.shape];
  if (shape.length < 1 || shape.length > 7)
    fail(path, `cannot write a ${shape.length}-dimensional array`, '1 to 7 axes');
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0)
      fail(path, `cannot write shape [${shape.join(', ')}]`, 'non-negative integer sizes');
  }
  let dtype: DType;
  try {
    dtype = dtypeOf(vol.data);
  } catch (err) {
    throw new IoError(path, (err as Error).message, 'a numeric typed array');
  }
  const count = voxelCount(shape);
  if (vol.data.length !== count) {
    fail(
      path,
      `data has ${vol.data.length} elements but shape [${shape.join(', ')}] needs ${count}`,
      'data.length = product(shape)',
    );
  }
  const fitsV1 = shape.every((s) => s <= 32767);
  const version = options.version ?? (fitsV1 ? 1 : 2);
  if (version === 1 && !fitsV1)
    fail(path, `shape [${shape.join(', ')}] does not fit NIfTI-1 (sizes <= 32767)`, 'version 2');
  const affine = vol.affine ?? defaultAffine(vol.spacing);
  if (affine.length !== 4 || affine.some((r) => r.length !== 4 || r.some((v) => !Number.isFinite(v)))) {
    fail(path, 'cannot write this affine', 'a 4x4 matrix of finite numbers');
  }
  const q = affineToQform(affine);
  if (typeof q === 'string') fail(path, `cannot write the qform: ${q}`, 'a non-singular affine');
  const src = vol.header;
  const sformCode = checkCode(path, 'sform_code', options.sformCode ?? (src?.sformCode || 1));
  const qformCode = checkCode(path, 'qform_code', options.qformCode ?? (src?.qformCode || 1));
  const rank = shape.length;
  const dim = [rank, ...shape];
  while (dim.length < 8) dim.push(1);
  const pixdim = [q.qfac, ...q.zooms];
  for (let i = 4; i < 8; i++) pixdim.push(i <= rank ? (vol.spacing?.[i - 1] ?? 1) : 1);
  const header: NiftiHeader = {
    version,
    littleEndian: (options.byteOrder ?? 'little') === 'little',
    sizeofHdr: VERSION_INFO[version].size,
    magic: `n+${version}`,
    dim,
    datatype: DTYPE_TO_DATATYPE[dtype],
    bitpix: ITEM_SIZE[dtype] * 8,
    pixdim,
    voxOffset: VERSION_INFO[version].minVoxOffset,
    sclSlope: 1,
    sclInter: 0,
    calMax: 0,
    calMin: 0,
    sliceDuration: 0,
    toffset: 0,
    sliceStart: 0,
    sliceEnd: 0,
    sliceCode: 0,
    xyztUnits: rank >= 4 ? 2 + 8 : 2,
    dimInfo: 0,
    intentCode: 0,
    intentP1: 0,
    intentP2: 0,
    intentP3: 0,
    intentName: '',
    descrip: options.descrip ?? src?.descrip ?? 'semiseg',
    auxFile: '',
    qformCode,
    sformCode,
    quaternB: q.quaternB,
    quaternC: q.quaternC,
    quaternD: q.quaternD,
    qoffsetX: q.qoffsetX,
    qoffsetY: q.qoffsetY,
    qoffsetZ: q.qoffsetZ,
    srowX: [...affine[0]!],
    srowY: [...affine[1]!],
    srowZ: [...affine[2]!],
  };
  const head = encodeNiftiHeader(header);
  const body = encodeElements(vol.data, header.littleEndian);
  const out = Buffer.allocUnsafe(head.length + body.length);
  head.copy(out, 0);
  body.copy(out, head.length);
  return out;
}

function wantsGzip(path: string, options: WriteNiftiOptions): boolean {
  return options.gzip ?? path.toLowerCase().endsWith('.gz');
}

function gzipOptions(path: string, options: WriteNiftiOptions) {
  const level = options.compressionLevel ?? 1;
  if (!Number.isInteger(level) || level < 0 || level > 9)
    fail(path, `compression level ${level}`, 'an integer 0..9');
  return { level };
}

function tempName(path: string): string {
  return `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Writes `vol` to `path` as NIfTI (gzip when the name ends in `.gz`, see `WriteNiftiOptions`), atomically
 * (a temporary file renamed into place). Errors as `encodeNifti`, plus an `IoError` when the file cannot be
 * written (missing directory, permissions).
 */
export function writeNiftiSync(path: string, vol: NiftiWritable, options: WriteNiftiOptions = {}): void {
  const raw = encodeNifti(vol, options, path);
  const bytes = wantsGzip(path, options) ? gzipSync(raw, gzipOptions(path, options)) : raw;
  const tmp = tempName(path);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file was never created
    }
    throw fsError(path, err, 'a writable file path');
  }
}

/** Async twin of `writeNiftiSync` (gzip in the libuv thread pool). */
export async function writeNifti(
  path: string,
  vol: NiftiWritable,
  options: WriteNiftiOptions = {},
): Promise<void> {
  const raw = encodeNifti(vol, options, path);
  const bytes = wantsGzip(path, options)
    ? await new Promise<Buffer>((resolve, reject) =>
        gzip(raw, gzipOptions(path, options), (err, out) => (err ? reject(err) : resolve(out))),
      )
    : raw;
  const tmp = tempName(path);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw fsError(path, err, 'a writable file path');
  }
}
