/** Plain-number views of tensor data, for logs and reports. */
import type { Tensor } from './tensor.ts';

/** The tensor's elements as JS numbers (int64 converted), C order. An empty tensor gives `[]`. */
export function asNumbers(t: Tensor): number[] {
  return Array.from(t.toArray() as ArrayLike<number | bigint>, (v) => Number(v));
}
