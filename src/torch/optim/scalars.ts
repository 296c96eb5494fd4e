/** Small helpers for 0-dimensional tensors used in optimizer state. */
import * as ops from '../generated/ops.ts';
import type { Tensor } from '../tensor.ts';

/** A 0-d float64 tensor holding `v`. */
export function scalarTensorF64(v: number): Tensor {
  return ops.scalarTensor(v, { dtype: 'float64' });
}
