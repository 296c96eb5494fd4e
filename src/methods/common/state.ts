/** Helpers to gather and restore a method's state under prefixed names. */
import type { Tensor } from '../../torch/index.ts';

/** Adds every entry of `src` to `out` under `<prefix>.<key>`. */
export function putPrefixed(
  out: Map<string, Tensor>,
  prefix: string,
  src: ReadonlyMap<string, Tensor>,
): void {
  for (const [k, v] of src) out.set(`${prefix}.${k}`, v);
}

/** The entries of `state` under `<prefix>.`, with the prefix removed. */
export function takePrefixed(state: ReadonlyMap<string, Tensor>, prefix: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const p = `${prefix}.`;
  for (const [k, v] of state) if (k.startsWith(p)) out.set(k.slice(p.length), v);
  return out;
}
