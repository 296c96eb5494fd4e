/** Shared helpers of the engine tests: fixtures (read with semiseg's own loader) and comparisons. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { asNumbers } from '../../src/torch/arrays.ts';
import { loadTensors, type Tensor } from '../../src/torch/index.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/engine/', import.meta.url));

const cache = new Map<string, Map<string, Tensor>>();

/** Tensors of a fixture file (kept alive for the whole test process). */
export function fixture(name: string): Map<string, Tensor> {
  let m = cache.get(name);
  if (!m) {
    m = loadTensors(FIXTURES + name);
    for (const t of m.values()) t.keep();
    cache.set(name, m);
  }
  return m;
}

export function fixtureTensor(file: string, key: string): Tensor {
  const t = fixture(file).get(key);
  if (!t) throw new Error(`fixture ${file} has no '${key}'`);
  return t;
}

export function fixtureJson<T>(name: string): T {
  return JSON.parse(readFileSync(FIXTURES + name, 'utf8')) as T;
}

/** Largest absolute element difference; throws when the shapes differ. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  const sa = a.shape.join('x');
  const sb = b.shape.join('x');
  if (sa !== sb) throw new Error(`shape mismatch: [${sa}] vs [${sb}]`);
  const x = asNumbers(a);
  const y = asNumbers(b);
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!);
    if (Number.isNaN(d)) return Number.POSITIVE_INFINITY;
    if (d > m) m = d;
  }
  return m;
}

export { asNumbers };
