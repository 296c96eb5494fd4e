/**
 * Numeric element types shared by the NIfTI, npy and h5 code: names (numpy's), typed-array classes, and
 * bulk decoding of raw bytes (byte swap + aligned view) without per-voxel objects.
 */

/** Element types the IO layer returns, named as numpy names them. */
export type DType =
  | 'uint8'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64';

/** Any typed array the IO layer returns. 64-bit integers come as BigInt64Array / BigUint64Array (exact). */
export type NumericArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** Byte size of one element of `dtype`. */
export const ITEM_SIZE: Readonly<Record<DType, number>> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
};

type Ctor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): NumericArray;
  new (length: number): NumericArray;
};

const CTORS: Readonly<Record<DType, Ctor>> = {
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** True for the integer dtypes (signed or not, 64-bit included). */
export function isIntegerDType(dtype: DType): boolean {
  return !dtype.startsWith('float');
}

/** The dtype of a typed array (Uint8ClampedArray counts as uint8); throws TypeError for other values. */
export function dtypeOf(data: ArrayBufferView): DType {
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof BigUint64Array) return 'uint64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  throw new TypeError(`unsupported array type ${Object.prototype.toString.call(data)}`);
}

/** A new zero-filled typed array of `dtype` and `length` elements (length 0 gives an empty array). */
export function allocArray(dtype: DType, length: number): NumericArray {
  return new CTORS[dtype](length);
}

/** True when this machine stores numbers little-endian (every platform Node supports today). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `count` elements of `dtype` stored at `bytes[offset...]` with the given byte order into a typed array.
 * With `allowView`, zero-copy (a view on `bytes.buffer`) when the bytes need no swap, are aligned, and
 * `bytes.buffer` is not Node's shared Buffer pool; otherwise one bulk copy, then an in-place native byte swap
 * (`Buffer#swap16/32/64`) when the order differs from the host's. The caller checks the length; `count` 0
 * gives an empty array. The layout is untouched: elements come out in the order they are stored.
 */
export function decodeElements(
  bytes: Uint8Array,
  offset: number,
  count: number,
  dtype: DType,
  littleEndian: boolean,
  allowView: boolean,
): NumericArray {
  const size = ITEM_SIZE[dtype];
  const nbytes = count * size;
  const swap = size > 1 && littleEndian !== HOST_LITTLE_ENDIAN;
  const start = bytes.byteOffset + offset;
  const pooled = bytes.buffer.byteLength <= Buffer.poolSize;
  if (allowView && !swap && !pooled && start % size === 0) {
    return new CTORS[dtype](bytes.buffer, start, count);
  }
  const out = new CTORS[dtype](count);
  const outBytes = Buffer.from(out.buffer, out.byteOffset, nbytes);
  outBytes.set(bytes.subarray(offset, offset + nbytes));
  if (swap) {
    if (size === 2) outBytes.swap16();
    else if (size === 4) outBytes.swap32();
    else outBytes.swap64();
  }
  return out;
}

/**
 * The bytes of `data` in the given byte order, ready to write: a view on `data` when no swap is needed,
 * otherwise a swapped copy. Empty input gives an empty Buffer.
 */
export function encodeElements(data: NumericArray, littleEndian: boolean): Buffer {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data.BYTES_PER_ELEMENT === 1 || littleEndian === HOST_LITTLE_ENDIAN) return view;
  const copy = Buffer.from(view);
  if (data.BYTES_PER_ELEMENT === 2) copy.swap16();
  else if (data.BYTES_PER_ELEMENT === 4) copy.swap32();
  else copy.swap64();
  return copy;
}

/** Product of the dimensions (1 for a 0-d shape, 0 when any dimension is 0). */
export function voxelCount(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}
