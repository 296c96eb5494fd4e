/**
 * Seeded, splittable random streams for sampling and augmentation.
 *
 * Generator: xoshiro128** (32-bit state words, period 2^128 - 1), seeded from a 64-bit key through
 * splitmix64. Every stream carries the 64-bit key it was seeded from; `split(name)` and `fork(i)` derive a
 * child key from that key and the label only (not from how many numbers the parent has drawn), so a child
 * stream is the same whatever the parent did before. This is what makes per-sample streams derived from
 * (seed, epoch, index) independent of worker timing.
 *
 * These are NOT numpy's or torch's numbers: the reference implementations draw crops, flips and
 * permutations from numpy's global Mersenne Twister, and reproducing those exact draws is out of scope.
 * The same seed gives the same numbers here on every platform and in every worker.
 */

const MASK64 = (1n << 64n) - 1n;

/** splitmix64 finalizer: a bijective 64-bit mix. */
function mix64(z: bigint): bigint {
  let x = z & MASK64;
  x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return x ^ (x >> 31n);
}

/** FNV-1a 64-bit hash of a string's UTF-16 code units. */
function hash64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & MASK64;
  }
  return h;
}

function toKey(seed: number | bigint | string): bigint {
  if (typeof seed === 'bigint') {
    if (seed < 0n) throw new RangeError(`seed: expected a non-negative integer, got ${seed}`);
    return seed & MASK64;
  }
  if (typeof seed === 'string') {
    if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(seed)) {
      throw new RangeError(`seed: expected a decimal or 0x-hex integer string, got '${seed}'`);
    }
    return BigInt(seed) & MASK64;
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed: expected a non-negative safe integer, got ${seed}`);
  }
  return BigInt(seed);
}

/** JSON-serialisable snapshot of a stream: its key (hex) and the four xoshiro128** state words. */
export interface RandomState {
  key: string;
  s: [number, number, number, number];
}

/** A seeded pseudo-random stream (xoshiro128**). Not thread-safe; derive one stream per consumer. */
export class Random {
  private readonly key: bigint;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /**
   * Creates the root stream of a seed.
   * @param seed non-negative integer (number up to 2^53, bigint up to 2^64, or a decimal/0x string).
   */
  constructor(seed: number | bigint | string) {
    this.key = toKey(seed);
    let x = this.key;
    const words: number[] = [];
    for (let i = 0; i < 2; i++) {
      x = (x + 0x9e3779b97f4a7c15n) & MASK64;
      const z = mix64(x);
      words.push(Number(z & 0xffffffffn), Number(z >> 32n));
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** The 64-bit key this stream was seeded from, as a 0x-hex string. */
  get seedKey(): string {
    return '0x' + this.key.toString(16);
  }

  /** Child stream for a named consumer ('sampler', 'augment', ...). Does not advance this stream. */
  split(name: string): Random {
    return new Random(mix64(this.key ^ mix64(hash64('split:' + name))));
  }

  /** Child stream number `i` (a non-negative safe integer). Does not advance this stream. */
  fork(i: number): Random {
    if (!Number.isSafeInteger(i) || i < 0)
      throw new RangeError(`fork: expected a non-negative integer, got ${i}`);
    return new Random(mix64(this.key ^ mix64(hash64('fork:' + i))));
  }

  /** Next raw 32-bit unsigned integer. */
  uint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float64 in [0, 1) with 53 random bits (two 32-bit draws). */
  float(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform float64 in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /**
   * Uniform integer in [lo, hi) (hi exclusive, like numpy's randint), unbiased (rejection sampling).
   * Throws when hi <= lo or the range exceeds 2^32.
   */
  int(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi <= lo) {
      throw new RangeError(`int: expected integers lo < hi, got [${lo}, ${hi})`);
    }
    const n = hi - lo;
    if (n > 4294967296) throw new RangeError(`int: range ${n} exceeds 2^32`);
    if (n === 4294967296) return lo + this.uint32();
    const limit = 4294967296 - (4294967296 % n);
    let u = this.uint32();
    while (u >= limit) u = this.uint32();
    return lo + (u % n);
  }

  /** True with probability p (p in [0, 1]). */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal N(0, 1) by Box-Muller; each call consumes two floats (no cached second value). */
  normal(): number {
    const u1 = 1 - this.float(); // (0, 1]
    const u2 = this.float();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A random permutation of 0..n-1 (Fisher-Yates). n = 0 gives an empty array. */
  permutation(n: number): Int32Array {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`permutation: expected n >= 0, got ${n}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** A shuffled copy of `items` (the input is not modified). An empty input gives an empty array. */
  shuffle<T>(items: readonly T[]): T[] {
    const perm = this.permutation(items.length);
    const out = new Array<T>(items.length);
    for (let i = 0; i < perm.length; i++) out[i] = items[perm[i]!]!;
    return out;
  }

  /** One uniformly chosen element; throws on an empty input. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('choice: expected a non-empty list');
    return items[this.int(0, items.length)]!;
  }

  /** Snapshot of this stream; `restore` or `Random.fromState` continues exactly from here. */
  state(): RandomState {
    return { key: this.seedKey, s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0] };
  }

  /** Continues from a snapshot taken with `state()` (also rewinds). Throws on a malformed state. */
  restore(state: RandomState): void {
    const ok =
      typeof state === 'object' &&
      state !== null &&
      typeof state.key === 'string' &&
      Array.isArray(state.s) &&
      state.s.length === 4 &&
      state.s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff);
    if (!ok) throw new TypeError('random state: expected { key: string, s: four uint32 words }');
    if (toKey(state.key) !== this.key) {
      throw new RangeError(`random state: key ${state.key} does not match this stream's key ${this.seedKey}`);
    }
    [this.s0, this.s1, this.s2, this.s3] = state.s.map((w) => w | 0) as [number, number, number, number];
  }

  /** A new stream positioned at a snapshot taken with `state()`. */
  static fromState(state: RandomState): Random {
    if (typeof state?.key !== 'string') throw new TypeError('random state: expected a key string');
    const r = new Random(state.key);
    r.restore(state);
    return r;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
