/** Element types, devices and small value types shared by the tensor API. */

/** Element type of a tensor, spelled as PyTorch's `torch.<name>`. */
export type DType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool'
  | 'complex64'
  | 'complex128';

/** A device: `cpu`, `cuda` or `cuda:N`. Devices are always arguments, never a global. */
export type DeviceSpec = 'cpu' | 'cuda' | `cuda:${number}`;

/** Memory layouts accepted where a schema takes a MemoryFormat. */
export type MemoryFormat = 'contiguous' | 'preserve' | 'channels_last' | 'channels_last_3d';

/**
 * A scalar argument. An integral number is passed as an integer Scalar (as Python's `2`), any other
 * number as a float Scalar, so `intTensor.mul(2)` stays integer and `intTensor.mul(0.5)` promotes.
 */
export type Scalar = number | boolean;

/** Typed arrays the tensor API converts from and to. */
export type TypedArray =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array;

/** Bytes per element of each dtype. */
export const DTYPE_SIZE: Readonly<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
  complex64: 8,
  complex128: 16,
};

/** True for floating-point dtypes (the ones autograd differentiates). */
export function isFloatingDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}

/** The dtype a typed array holds as data (Uint8Array is uint8; pass `bool` explicitly for masks). */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int8Array) return 'int8';
  return 'uint8';
}
