/**
 * NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers: the byte layout of both versions, decoding with full
 * validation, and encoding (for the writer). Field names follow nifti1.h / nifti2.h.
 */

import type { DType } from '../dtypes.ts';
import { fail } from '../errors.ts';

/** NIfTI datatype codes this project reads and writes, and their dtypes. */
export const DATATYPE_TO_DTYPE: ReadonlyMap<number, DType> = new Map<number, DType>([
  [2, 'uint8'],
  [4, 'int16'],
  [8, 'int32'],
  [16, 'float32'],
  [64, 'float64'],
  [256, 'int8'],
  [512, 'uint16'],
  [768, 'uint32'],
  [1024, 'int64'],
  [1280, 'uint64'],
]);

/** The NIfTI datatype code of each dtype. */
export const DTYPE_TO_DATATYPE: Readonly<Record<DType, number>> = Object.fromEntries(
  [...DATATYPE_TO_DTYPE].map(([code, dt]) => [dt, code]),
) as Record<DType, number>;

/** Codes NIfTI defines but this reader does not decode (named in the error message). */
const UNSUPPORTED_DATATYPES: ReadonlyMap<number, string> = new Map([
  [1, 'binary (1 bit)'],
  [32, 'complex64'],
  [128, 'rgb24'],
  [1536, 'float128'],
  [1792, 'complex128'],
  [2048, 'complex256'],
  [2304, 'rgba32'],
]);

/** A decoded header: every standard field as stored (no nibabel-style fixes; see `read.ts` for those). */
export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** 348 (NIfTI-1) or 540 (NIfTI-2). */
  sizeofHdr: number;
  /** 'n+1' or 'n+2' (single-file NIfTI; pairs are not read). */
  magic: string;
  /** dim[0..7]: dim[0] is the rank, dim[1..rank] the sizes along x, y, z, t, ... */
  dim: number[];
  datatype: number;
  bitpix: number;
  /** pixdim[0..7]: pixdim[0] is qfac, pixdim[1..3] the voxel size in `xyztUnits` (normally mm). */
  pixdim: number[];
  /** Byte offset of the voxel data in the (uncompressed) file. */
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  calMax: number;
  calMin: number;
  sliceDuration: number;
  toffset: number;
  sliceStart: number;
  sliceEnd: number;
  sliceCode: number;
  xyztUnits: number;
  dimInfo: number;
  intentCode: number;
  intentP1: number;
  intentP2: number;
  intentP3: number;
  intentName: string;
  descrip: string;
  auxFile: string;
  qformCode: number;
  sformCode: number;
  quaternB: number;
  quaternC: number;
  quaternD: number;
  qoffsetX: number;
  qoffsetY: number;
  qoffsetZ: number;
  srowX: number[];
  srowY: number[];
  srowZ: number[];
}

type Kind = 'u8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64' | 'str';
interface Field {
  off: number;
  kind: Kind;
  /** Number of elements (array fields) or bytes (strings). */
  n?: number;
}
type NumericKey = {
  [K in keyof NiftiHeader]: NiftiHeader[K] extends number | number[] ? K : never;
}[keyof NiftiHeader];
type StringKey = 'intentName' | 'descrip' | 'auxFile';

/** Byte layout of the fields shared by both versions (sizeof_hdr and magic are handled apart). */
const LAYOUT: Record<1 | 2, Record<Exclude<NumericKey, 'version'> | StringKey, Field>> = {
  1: {
    sizeofHdr: { off: 0, kind: 'i32' },
    dimInfo: { off: 39, kind: 'u8' },
    dim: { off: 40, kind: 'i16', n: 8 },
    intentP1: { off: 56, kind: 'f32' },
    intentP2: { off: 60, kind: 'f32' },
    intentP3: { off: 64, kind: 'f32' },
    intentCode: { off: 68, kind: 'i16' },
    datatype: { off: 70, kind: 'i16' },
    bitpix: { off: 72, kind: 'i16' },
    sliceStart: { off: 74, kind: 'i16' },
    pixdim: { off: 76, kind: 'f32', n: 8 },
    voxOffset: { off: 108, kind: 'f32' },
    sclSlope: { off: 112, kind: 'f32' },
    sclInter: { off: 116, kind: 'f32' },
    sliceEnd: { off: 120, kind: 'i16' },
    sliceCode: { off: 122, kind: 'u8' },
    xyztUnits: { off: 123, kind: 'u8' },
    calMax: { off: 124, kind: 'f32' },
    calMin: { off: 128, kind: 'f32' },
    sliceDuration: { off: 132, kind: 'f32' },
    toffset: { off: 136, kind: 'f32' },
    descrip: { off: 148, kind: 'str', n: 80 },
    auxFile: { off: 228, kind: 'str', n: 24 },
    qformCode: { off: 252, kind: 'i16' },
    sformCode: { off: 254, kind: 'i16' },
    quaternB: { off: 256, kind: 'f32' },
    quaternC: { off: 260, kind: 'f32' },
    quaternD: { off: 264, kind: 'f32' },
    qoffsetX: { off: 268, kind: 'f32' },
    qoffsetY: { off: 272, kind: 'f32' },
    qoffsetZ: { off: 276, kind: 'f32' },
    srowX: { off: 280, kind: 'f32', n: 4 },
    srowY: { off: 296, kind: 'f32', n: 4 },
    srowZ: { off: 312, kind: 'f32', n: 4 },
    intentName: { off: 328, kind: 'str', n: 16 },
  },
  2: {
    sizeofHdr: { off: 0, kind: 'i32' },
    datatype: { off: 12, kind: 'i16' },
    bitpix: { off: 14, kind: 'i16' },
    dim: { off: 16, kind: 'i64', n: 8 },
    intentP1: { off: 80, kind: 'f64' },
    intentP2: { off: 88, kind: 'f64' },
    intentP3: { off: 96, kind: 'f64' },
    pixdim: { off: 104, kind: 'f64', n: 8 },
    voxOffset: { off: 168, kind: 'i64' },
    sclSlope: { off: 176, kind: 'f64' },
    sclInter: { off: 184, kind: 'f64' },
    calMax: { off: 192, kind: 'f64' },
    calMin: { off: 200, kind: 'f64' },
    sliceDuration: { off: 208, kind: 'f64' },
    toffset: { off: 216, kind: 'f64' },
    sliceStart: { off: 224, kind: 'i64' },
    sliceEnd: { off: 232, kind: 'i64' },
    descrip: { off: 240, kind: 'str', n: 80 },
    auxFile: { off: 320, kind: 'str', n: 24 },
    qformCode: { off: 344, kind: 'i32' },
    sformCode: { off: 348, kind: 'i32' },
    quaternB: { off: 352, kind: 'f64' },
    quaternC: { off: 360, kind: 'f64' },
    quaternD: { off: 368, kind: 'f64' },
    qoffsetX: { off: 376, kind: 'f64' },
    qoffsetY: { off: 384, kind: 'f64' },
    qoffsetZ: { off: 392, kind: 'f64' },
    srowX: { off: 400, kind: 'f64', n: 4 },
    srowY: { off: 432, kind: 'f64', n: 4 },
    srowZ: { off: 464, kind: 'f64', n: 4 },
    sliceCode: { off: 496, kind: 'i32' },
    xyztUnits: { off: 500, kind: 'i32' },
    intentCode: { off: 504, kind: 'i32' },
    intentName: { off: 508, kind: 'str', n: 16 },
    dimInfo: { off: 524, kind: 'u8' },
  },
};

/** Header size, magic offset and the minimal data offset (header + 4 extension bytes) of each version. */
export const VERSION_INFO = {
  1: { size: 348, magicOffset: 344, minVoxOffset: 352 },
  2: { size: 540, magicOffset: 4, minVoxOffset: 544 },
} as const;

const KIND_SIZE: Record<Exclude<Kind, 'str'>, number> = { u8: 1, i16: 2, i32: 4, i64: 8, f32: 4, f64: 8 };

function readScalar(v: DataView, off: number, kind: Exclude<Kind, 'str'>, le: boolean): number {
  switch (kind) {
    case 'u8':
      return v.getUint8(off);
    case 'i16':
      return v.getInt16(off, le);
    case 'i32':
      return v.getInt32(off, le);
    case 'i64': {
      const big = v.getBigInt64(off, le);
      // sizes and offsets beyond 2^53 cannot be addressed anyway; keep them out of the safe range so checks fail
      return big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)
        ? Number.POSITIVE_INFINITY * (big < 0n ? -1 : 1)
        : Number(big);
    }
    case 'f32':
      return v.getFloat32(off, le);
    case 'f64':
      return v.getFloat64(off, le);
  }
}

function writeScalar(v: DataView, off: number, kind: Exclude<Kind, 'str'>, value: number, le: boolean): void {
  switch (kind) {
    case 'u8':
      v.setUint8(off, value);
      return;
    case 'i16':
      v.setInt16(off, value, le);
      return;
    case 'i32':
      v.setInt32(off, value, le);
      return;
    case 'i64':
      v.setBigInt64(off, BigInt(value), le);
      return;
    case 'f32':
      v.setFloat32(off, value, le);
      return;
    case 'f64':
      v.setFloat64(off, value, le);
      return;
  }
}

function readString(bytes: Uint8Array, off: number, n: number): string {
  let end = off;
  while (end < off + n && bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + off, end - off).toString('latin1');
}

/** Detects version and byte order from sizeof_hdr (348 or 540, read in either order). */
function detect(bytes: Uint8Array, path: string): { version: 1 | 2; littleEndian: boolean } {
  if (bytes.length < 4) fail(path, `is ${bytes.length} bytes long`, 'a NIfTI header of 348 or 540 bytes');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = v.getInt32(0, true);
  const be = v.getInt32(0, false);
  if (le === 348) return { version: 1, littleEndian: true };
  if (be === 348) return { version: 1, littleEndian: false };
  if (le === 540) return { version: 2, littleEndian: true };
  if (be === 540) return { version: 2, littleEndian: false };
  return fail(
    path,
    `not a NIfTI file: sizeof_hdr is ${le} (bytes ${[...bytes.subarray(0, 4)].join(' ')})`,
    '348 (NIfTI-1) or 540 (NIfTI-2) in either byte order',
  );
}

/**
 * Decodes and validates the header at the start of `bytes` (an uncompressed NIfTI-1 or NIfTI-2 file).
 * Checks: length, sizeof_hdr, magic (single-file 'n+1' / 'n+2'; pairs 'ni1'/'ni2' are refused), the NIfTI-2
 * EOL bytes, dim[0] in 1..7, non-negative sizes, a supported datatype, and vox_offset (an integer at or after
 * the end of the header and its 4 extension bytes). Throws `IoError` naming `path` on the first problem.
 */
export function decodeNiftiHeader(bytes: Uint8Array, path: string): NiftiHeader {
  const { version, littleEndian } = detect(bytes, path);
  const info = VERSION_INFO[version];
  if (bytes.length < info.size) {
    fail(path, `is ${bytes.length} bytes long, shorter than a NIfTI-${version} header`, `${info.size} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, unknown> = { version, littleEndian };
  for (const [key, f] of Object.entries(LAYOUT[version])) {
    if (f.kind === 'str') {
      out[key] = readString(bytes, f.off, f.n ?? 1);
    } else if (f.n) {
      const arr: number[] = [];
      for (let i = 0; i < f.n; i++)
        arr.push(readScalar(view, f.off + i * KIND_SIZE[f.kind], f.kind, littleEndian));
      out[key] = arr;
    } else {
      out[key] = readScalar(view, f.off, f.kind, littleEndian);
    }
  }
  const h = out as unknown as NiftiHeader;
  const m = bytes.subarray(info.magicOffset, info.magicOffset + 4);
  h.magic = readString(m, 0, 4);
  const magicOk = m[0] === 0x6e && m[1] === 0x2b && m[2] === 0x30 + version && m[3] === 0;
  if (!magicOk) {
    if (m[0] === 0x6e && m[1] === 0x69 && m[2] === 0x30 + version && m[3] === 0) {
      fail(
        path,
        `is the header of a NIfTI-${version} pair (magic 'ni${version}'); its data is in a separate .img file`,
        `a single-file .nii (magic 'n+${version}')`,
      );
    }
    fail(
      path,
      `bad NIfTI-${version} magic ${JSON.stringify(Buffer.from(m).toString('latin1'))}`,
      `'n+${version}' followed by a zero byte`,
    );
  }
  if (version === 2) {
    const eol = [...bytes.subarray(8, 12)];
    const good = eol.join() === '13,10,26,10';
    if (!good && eol.some((b) => b !== 0)) {
      fail(
        path,
        `NIfTI-2 magic end-of-line bytes are ${eol.join(' ')} (the file was probably transferred in text mode)`,
        '13 10 26 10',
      );
    }
  }
  const rank = h.dim[0] ?? 0;
  if (!(rank >= 1 && rank <= 7))
    fail(path, `dim[0] (the number of dimensions) is ${rank}`, 'a value in 1..7');
  for (let i = 1; i <= rank; i++) {
    const d = h.dim[i] ?? 0;
    if (!(d >= 0) || !Number.isFinite(d)) fail(path, `dim[${i}] is ${d}`, 'a size >= 0 along every axis');
  }
  if (!DATATYPE_TO_DTYPE.has(h.datatype)) {
    const known = UNSUPPORTED_DATATYPES.get(h.datatype);
    const supported = [...DATATYPE_TO_DTYPE].map(([c, d]) => `${c} ${d}`).join(', ');
    fail(
      path,
      known ? `unsupported datatype ${h.datatype} (${known})` : `unknown datatype code ${h.datatype}`,
      `one of ${supported}`,
    );
  }
  if (!Number.isInteger(h.voxOffset) || h.voxOffset < info.minVoxOffset) {
    fail(
      path,
      `vox_offset is ${h.voxOffset}`,
      `an integer >= ${info.minVoxOffset} for a single-file NIfTI-${version}`,
    );
  }
  return h;
}

/**
 * Encodes `h` into a new header block of `VERSION_INFO[h.version].size` bytes followed by the 4 extension
 * bytes (all zero: no extensions), i.e. `minVoxOffset` bytes. Strings are truncated to their field widths.
 */
export function encodeNiftiHeader(h: NiftiHeader): Buffer {
  const info = VERSION_INFO[h.version];
  const buf = Buffer.alloc(info.minVoxOffset);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const le = h.littleEndian;
  for (const [key, f] of Object.entries(LAYOUT[h.version])) {
    const value = (h as unknown as Record<string, unknown>)[key];
    if (f.kind === 'str') {
      const s = Buffer.from(String(value ?? ''), 'latin1');
      s.copy(buf, f.off, 0, Math.min(s.length, (f.n ?? 1) - 1));
    } else if (f.n) {
      const arr = value as number[];
      for (let i = 0; i < f.n; i++) writeScalar(view, f.off + i * KIND_SIZE[f.kind], f.kind, arr[i] ?? 0, le);
    } else {
      writeScalar(view, f.off, f.kind, value as number, le);
    }
  }
  writeScalar(view, 0, 'i32', info.size, le);
  buf.write(`n+${h.version}\0`, info.magicOffset, 'latin1');
  if (h.version === 2) buf.set([13, 10, 26, 10], 8);
  else buf.write('r', 38, 'latin1'); // 'regular', as nibabel and FSL write it
  return buf;
}
