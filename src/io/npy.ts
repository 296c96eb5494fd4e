/**
 * NumPy `.npy` files: format versions 1.0, 2.0 and 3.0, every numeric dtype (bool, int8..uint64, float16,
 * float32, float64), either byte order, C or Fortran order. Reading checks the whole header; writing makes
 * version 1.0 files (2.0 when the header does not fit) with a 64-byte aligned header, as numpy does.
 */

import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import {
  type DType,
  decodeElements,
  dtypeOf,
  encodeElements,
  ITEM_SIZE,
  type NumericArray,
  voxelCount,
} from './dtypes.ts';
import { fail, fsError, IoError, readWholeFile, readWholeFileSync } from './errors.ts';
import { cToFortran, fortranToC } from './layout.ts';

/** dtypes an npy file can hold that we read: the numeric DTypes plus numpy's bool and float16. */
export type NpyDType = DType | 'bool' | 'float16';

/** An array read from an `.npy` file. */
export interface NpyArray {
  /**
   * The elements in C order (last axis fastest) by default, whatever the file's order; with
   * `{ order: 'file' }` a Fortran-order file's data is returned as stored (first axis fastest).
   * bool comes as Uint8Array (0 / 1), float16 as Float32Array (exact), int64 / uint64 as BigInt64Array /
   * BigUint64Array. A 0-d array has one element and shape []; an empty array has length 0.
   */
  data: NumericArray;
  /** numpy's shape (`arr.shape`), independent of the memory order. */
  shape: number[];
  /** The file's dtype (numpy name, without byte order). */
  dtype: NpyDType;
  /** The dtype of `data` (bool -> uint8, float16 -> float32, else `dtype`). */
  dataDtype: DType;
  /** The file's `fortran_order` flag. */
  fortranOrder: boolean;
  /** Whether `data` is in Fortran order (only with `{ order: 'file' }` on a Fortran-order file). */
  dataFortranOrder: boolean;
  /** Byte order of the file's elements ('little' also for 1-byte types). */
  byteOrder: 'little' | 'big';
  /** Format version [major, minor]. */
  version: [number, number];
}

/** Options of the npy readers. */
export interface ReadNpyOptions {
  /** 'C' (default): always return C-order data. 'file': keep a Fortran-order file's memory order (no copy). */
  order?: 'C' | 'file';
}

const WHAT = 'a NumPy .npy file';
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const TYPE_CODES: Record<string, NpyDType> = {
  b1: 'bool',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
};

type PyValue = string | boolean | number[] | number;

/** Parses numpy's header: a Python dict literal of strings, True/False, ints and tuples of ints. */
function parseHeaderDict(text: string, path: string): Record<string, PyValue> {
  let i = 0;
  const bad = (what: string): never =>
    fail(
      path,
      `malformed npy header (${what} at character ${i}: ${JSON.stringify(text.slice(0, 120))})`,
      "a dict like {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
    );
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const str = (): string => {
    const q = text[i];
    if (q !== "'" && q !== '"') return bad('expected a string');
    const end = text.indexOf(q, i + 1);
    if (end < 0) return bad('unterminated string');
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const int = (): number => {
    const m = /^\d+L?/.exec(text.slice(i));
    if (!m) return bad('expected a non-negative integer');
    i += m[0].length;
    return Number.parseInt(m[0], 10);
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') return str();
    if (text.startsWith('True', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('False', i)) {
      i += 5;
      return false;
    }
    if (c === '(') {
      i++;
      const out: number[] = [];
      for (;;) {
        ws();
        if (text[i] === ')') {
          i++;
          return out;
        }
        out.push(int());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') return bad("expected ',' or ')' in the shape");
      }
    }
    if (c === '[') return bad('a structured dtype (list of fields) is not supported');
    if (c !== undefined && /\d/.test(c)) return int();
    return bad('unexpected value');
  };
  const out: Record<string, PyValue> = {};
  ws();
  if (text[i] !== '{') bad("expected '{'");
  i++;
  for (;;) {
    ws();
    if (text[i] === '}') {
      i++;
      break;
    }
    const key = str();
    ws();
    if (text[i] !== ':') bad("expected ':'");
    i++;
    out[key] = value();
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') bad("expected ',' or '}'");
  }
  ws();
  if (i !== text.length) bad('unexpected text after the dict');
  return out;
}

let f16Table: Float32Array | undefined;
/** float32 value of every float16 bit pattern (built once, 256 KB). */
function float16Table(): Float32Array {
  if (f16Table) return f16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  f16Table = t;
  return t;
}

interface NpyHeader {
  version: [number, number];
  dtype: NpyDType;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

function parseNpyHeader(bytes: Uint8Array, path: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b)) {
    fail(
      path,
      `bad npy magic (first bytes ${[...bytes.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(' ')})`,
      'a file starting with \\x93NUMPY',
    );
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (!(major >= 1 && major <= 3) || minor !== 0)
    fail(path, `unsupported npy format version ${major}.${minor}`, 'version 1.0, 2.0 or 3.0');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = 10;
  let len: number;
  if (major === 1) len = view.getUint16(8, true);
  else {
    if (bytes.length < 12)
      fail(path, `is ${bytes.length} bytes long`, 'a complete npy version 2/3 preamble (12 bytes)');
    len = view.getUint32(8, true);
    start = 12;
  }
  if (start + len > bytes.length) {
    fail(
      path,
      `npy header length ${len} runs past the end of the file (${bytes.length} bytes)`,
      `at least ${start + len} bytes`,
    );
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, len)
    .toString(major === 3 ? 'utf8' : 'latin1')
    .trimEnd();
  const d = parseHeaderDict(text, path);
  const keys = Object.keys(d).sort().join(',');
  if (keys !== 'descr,fortran_order,shape')
    fail(path, `npy header has keys {${keys}}`, 'exactly descr, fortran_order and shape');
  const { descr, fortran_order: fo, shape } = d;
  if (typeof descr !== 'string')
    return fail(path, `npy descr is ${JSON.stringify(descr)}`, 'a dtype string such as <f4');
  if (typeof fo !== 'boolean')
    return fail(path, `npy fortran_order is ${JSON.stringify(fo)}`, 'True or False');
  if (!Array.isArray(shape))
    return fail(path, `npy shape is ${JSON.stringify(shape)}`, 'a tuple of integers');
  const order = descr[0];
  const dtype = TYPE_CODES[descr.slice(1)];
  if (!dtype || (order !== '<' && order !== '>' && order !== '|' && order !== '=')) {
    fail(
      path,
      `unsupported npy dtype ${JSON.stringify(descr)}`,
      `bool, (u)int8-64 or float16/32/64 (${Object.keys(TYPE_CODES).join(' ')}) with byte order < > | =`,
    );
  }
  return {
    version: [major, minor],
    dtype,
    littleEndian: order !== '>',
    fortranOrder: fo,
    shape,
    dataOffset: start + len,
  };
}

function decodeNpy(bytes: Uint8Array, path: string, options: ReadNpyOptions, allowView: boolean): NpyArray {
  const h = parseNpyHeader(bytes, path);
  const count = voxelCount(h.shape);
  const size = h.dtype === 'bool' ? 1 : h.dtype === 'float16' ? 2 : ITEM_SIZE[h.dtype];
  const need = count * size;
  const avail = bytes.length - h.dataOffset;
  if (avail < need) {
    fail(
      path,
      `npy data truncated: shape (${h.shape.join(', ')}) ${h.dtype} needs ${need} bytes after the header, the file has ${avail}`,
      `${h.dataOffset + need} bytes in total`,
    );
  }
  let data: NumericArray;
  let dataDtype: DType;
  if (h.dtype === 'float16') {
    const bits = decodeElements(bytes, h.dataOffset, count, 'uint16', h.littleEndian, false) as Uint16Array;
    const table = float16Table();
    const f = new Float32Array(count);
    for (let k = 0; k < count; k++) f[k] = table[bits[k]!]!;
    data = f;
    dataDtype = 'float32';
  } else if (h.dtype === 'bool') {
    const raw = bytes.subarray(h.dataOffset, h.dataOffset + count);
    const b = new Uint8Array(count);
    for (let k = 0; k < count; k++) b[k] = raw[k] ? 1 : 0;
    data = b;
    dataDtype = 'uint8';
  } else {
    data = decodeElements(bytes, h.dataOffset, count, h.dtype, h.littleEndian, allowView);
    dataDtype = h.dtype;
  }
  const toC = h.fortranOrder && (options.order ?? 'C') === 'C' && h.shape.length > 1;
  if (toC) data = fortranToC(data, h.shape).data;
  return {
    data,
    shape: h.shape,
    dtype: h.dtype,
    dataDtype,
    fortranOrder: h.fortranOrder,
    dataFortranOrder: h.fortranOrder && !toC && h.shape.length > 1,
    byteOrder: h.littleEndian ? 'little' : 'big',
    version: h.version,
  };
}

/**
 * Decodes an `.npy` file held in memory; `path` only labels errors. Throws `IoError` for a bad magic, an
 * unsupported version, a malformed or incomplete header, an unsupported dtype (complex, strings, objects,
 * structured), or truncated data. The result never aliases `bytes`.
 */
export function parseNpy(bytes: Uint8Array, path = '<buffer>', options: ReadNpyOptions = {}): NpyArray {
  return decodeNpy(bytes, path, options, false);
}

/** Reads an `.npy` file synchronously; see `NpyArray` for the layout and `parseNpy` for the errors. */
export function readNpySync(path: string, options: ReadNpyOptions = {}): NpyArray {
  return decodeNpy(readWholeFileSync(path, WHAT), path, options, true);
}

/** Reads an `.npy` file; see `NpyArray` for the layout and `parseNpy` for the errors. */
export async function readNpy(path: string, options: ReadNpyOptions = {}): Promise<NpyArray> {
  return decodeNpy(await readWholeFile(path, WHAT), path, options, true);
}

/** Options of `encodeNpy` / `writeNpySync`. */
export interface WriteNpyOptions {
  /** Memory order of the given data: 'C' (default, last axis fastest) or 'F' (first axis fastest). */
  order?: 'C' | 'F';
  /** Write a Uint8Array as numpy bool (nonzero -> True). */
  bool?: boolean;
  /** Write the file in this memory order (default: the data's order, no copy). */
  fileOrder?: 'C' | 'F';
}

/**
 * The bytes of an `.npy` file holding `data` with numpy shape `shape` (little-endian; version 1.0, or 2.0 for
 * a header over 64 KiB). `shape` [] writes a 0-d array (one element); a zero-sized axis writes no data.
 * Throws `IoError` (labelled `path`) when the data length does not match the shape or the type is not numeric.
 */
export function encodeNpy(
  data: NumericArray,
  shape: readonly number[],
  options: WriteNpyOptions = {},
  path = '<buffer>',
): Buffer {
  let dtype: DType;
  try {
    dtype = dtypeOf(data);
  } catch (err) {
    throw new IoError(path, (err as Error).message, 'a numeric typed array');
  }
  if (shape.some((s) => !Number.isInteger(s) || s < 0))
    fail(path, `cannot write shape (${shape.join(', ')})`, 'non-negative integer sizes');
  const count = voxelCount(shape);
  if (data.length !== count)
    fail(
      path,
      `data has ${data.length} elements but shape (${shape.join(', ')}) needs ${count}`,
      'data.length = product(shape)',
    );
  if (options.bool && dtype !== 'uint8')
    fail(path, `bool output needs a Uint8Array, got ${dtype}`, 'a Uint8Array of 0 / 1');
  const given = options.order ?? 'C';
  const target = options.fileOrder ?? given;
  let body = data;
  if (shape.length > 1 && given !== target) {
    body = given === 'C' ? cToFortran(data, shape).data : fortranToC(data, shape).data;
  }
  if (options.bool) body = Uint8Array.from(body as Uint8Array, (v) => (v ? 1 : 0));
  const code = options.bool ? 'b1' : Object.keys(TYPE_CODES).find((k) => TYPE_CODES[k] === dtype)!;
  const descr = `${ITEM_SIZE[dtype] === 1 ? '|' : '<'}${code}`;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${target === 'F' && shape.length > 1 ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  let major = 1;
  let pre = 10;
  let padded = Math.ceil((pre + dict.length + 1) / 64) * 64 - pre;
  if (padded > 0xffff) {
    major = 2;
    pre = 12;
    padded = Math.ceil((pre + dict.length + 1) / 64) * 64 - pre;
  }
  const bytes = encodeElements(body, true);
  const out = Buffer.alloc(pre + padded + bytes.length, 0x20);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  if (major === 1) out.writeUInt16LE(padded, 8);
  else out.writeUInt32LE(padded, 8);
  out.write(dict, pre, 'latin1');
  out[pre + padded - 1] = 0x0a;
  bytes.copy(out, pre + padded);
  return out;
}

/** Writes an `.npy` file (atomically: temporary file then rename); see `encodeNpy`. */
export function writeNpySync(
  path: string,
  data: NumericArray,
  shape: readonly number[],
  options: WriteNpyOptions = {},
): void {
  const bytes = encodeNpy(data, shape, options, path);
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw fsError(path, err, 'a writable file path');
  }
}
