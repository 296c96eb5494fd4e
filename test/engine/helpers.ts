/** Shared helpers of the inference tests: golden fixtures (scripts/golden/inference.py) and small nets. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTensors, manualSeed, type Tensor } from '../../src/torch/index.ts';
import { Conv2d, Conv3d } from '../../src/torch/nn/index.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/inference/', import.meta.url));

let cache: Map<string, Tensor> | null = null;

/** A tensor of `inference.pt` (kept alive for the whole test process). */
export function golden(key: string): Tensor {
  if (cache === null) {
    cache = loadTensors(`${FIXTURES}inference.pt`);
    for (const t of cache.values()) t.keep();
  }
  const t = cache.get(key);
  if (t === undefined) throw new Error(`inference.pt has no '${key}'`);
  return t;
}

/** `inference.json`: sizes, window starts, paddings and zoom index lists recorded by the golden script. */
export function goldenMeta<T>(key: string): T {
  const meta = JSON.parse(readFileSync(`${FIXTURES}inference.json`, 'utf8')) as Record<string, unknown>;
  if (!(key in meta)) throw new Error(`inference.json has no '${key}'`);
  return meta[key] as T;
}

/** Two Conv3d(1, 3, 3, padding 1) nets made after manualSeed(0), as the golden script makes them. */
export function seededConv3dPair(): [Conv3d, Conv3d] {
  manualSeed(0);
  const a = new Conv3d(1, 3, 3, { padding: 1 });
  const b = new Conv3d(1, 3, 3, { padding: 1 });
  a.eval();
  b.eval();
  return [a, b];
}

/** Two Conv2d(1, 4, 3, padding 1) nets made after manualSeed(2). */
export function seededConv2dPair(): [Conv2d, Conv2d] {
  manualSeed(2);
  const a = new Conv2d(1, 4, 3, { padding: 1 });
  const b = new Conv2d(1, 4, 3, { padding: 1 });
  return [a, b];
}

/** Largest absolute difference of two equally long arrays (Infinity on NaN). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return Number.POSITIVE_INFINITY;
    if (d > m) m = d;
  }
  return m;
}

/** Tensor values as plain numbers (int64 converted). */
export function numbers(t: Tensor): number[] {
  return Array.from(t.toArray() as ArrayLike<number | bigint>, (v) => Number(v));
}
