/**
 * Random fields of the phantom, all drawn from the project's seeded `Random` streams (no libtorch, so the same
 * seed gives the same numbers everywhere): smooth value noise, white Gaussian noise and a [1, 2, 1] blur.
 */

import type { Random } from '../random.ts';
import type { Box, Grid, Vec3 } from './geometry.ts';

function lerp(a: number, b: number, w: number): number {
  return a + (b - a) * w;
}

/** Per-axis interpolation table: lattice cell index and smoothstep weight of each grid coordinate. */
interface AxisTable {
  cell: Int32Array;
  weight: Float32Array;
}

/**
 * Smooth value noise over a world box: standard normal values on a cubic lattice of pitch `cell` mm,
 * interpolated with smoothstep weights (continuous with a continuous gradient). Values are roughly N(0, 1) at
 * lattice points and somewhat less spread between them; the correlation length is about `cell`.
 */
export class SmoothField {
  private readonly origin: Vec3;
  private readonly n: Vec3;
  private readonly values: Float32Array;

  /**
   * Draws the lattice that covers the world box `[lo, hi]` (mm, `[x, y, z]`) with one cell of margin.
   * Consumes `nx * ny * nz` normal draws from `rng`. Throws RangeError for a non-positive `cell`.
   */
  constructor(
    rng: Random,
    lo: Vec3,
    hi: Vec3,
    readonly cell: number,
  ) {
    if (!(cell > 0)) throw new RangeError(`smooth field: cell must be > 0 mm, got ${cell}`);
    this.origin = [lo[0] - cell, lo[1] - cell, lo[2] - cell];
    const count = (a: number) => Math.max(2, Math.ceil((hi[a]! - lo[a]!) / cell) + 3);
    this.n = [count(0), count(1), count(2)];
    this.values = new Float32Array(this.n[0] * this.n[1] * this.n[2]);
    for (let i = 0; i < this.values.length; i++) this.values[i] = rng.normal();
  }

  private table(coords: Float64Array, from: number, to: number, axis: 0 | 1 | 2): AxisTable {
    const cell = new Int32Array(to - from);
    const weight = new Float32Array(to - from);
    const last = this.n[axis] - 2;
    for (let i = from; i < to; i++) {
      const t = (coords[i]! - this.origin[axis]) / this.cell;
      const c = Math.min(last, Math.max(0, Math.floor(t)));
      const f = Math.min(1, Math.max(0, t - c));
      cell[i - from] = c;
      weight[i - from] = f * f * (3 - 2 * f);
    }
    return { cell, weight };
  }

  /**
   * The field at every voxel of `box` on `grid` (the whole grid when `box` is omitted): float32, C order
   * `[k1 - k0, j1 - j0, i1 - i0]`. An empty box gives an empty array.
   */
  sample(grid: Grid, box?: Box): Float32Array {
    const b = box ?? { k0: 0, k1: grid.shape[0], j0: 0, j1: grid.shape[1], i0: 0, i1: grid.shape[2] };
    const tz = this.table(grid.zs, b.k0, b.k1, 2);
    const ty = this.table(grid.ys, b.j0, b.j1, 1);
    const tx = this.table(grid.xs, b.i0, b.i1, 0);
    const [nd, nh, nw] = [b.k1 - b.k0, b.j1 - b.j0, b.i1 - b.i0];
    const out = new Float32Array(Math.max(0, nd * nh * nw));
    // separable: lattice -> plane at this z -> line at this y -> voxels
    const [nx, ny] = [this.n[0], this.n[1]];
    const sxy = nx * ny;
    const v = this.values;
    const plane = new Float32Array(sxy);
    const line = new Float32Array(nx);
    let o = 0;
    for (let k = 0; k < nd; k++) {
      const base = tz.cell[k]! * sxy;
      const wz = tz.weight[k]!;
      for (let p = 0; p < sxy; p++) plane[p] = lerp(v[base + p]!, v[base + sxy + p]!, wz);
      for (let j = 0; j < nh; j++) {
        const row = ty.cell[j]! * nx;
        const wy = ty.weight[j]!;
        for (let c = 0; c < nx; c++) line[c] = lerp(plane[row + c]!, plane[row + nx + c]!, wy);
        for (let i = 0; i < nw; i++) {
          const c = tx.cell[i]!;
          out[o++] = lerp(line[c]!, line[c + 1]!, tx.weight[i]!);
        }
      }
    }
    return out;
  }
}

/**
 * Adds white Gaussian noise N(0, sigma^2) to every element of `data` in place (Box-Muller, both outputs used,
 * 32-bit uniforms from `rng`). `sigma = 0` or empty data changes nothing and draws nothing.
 */
export function addGaussianNoise(rng: Random, data: Float32Array, sigma: number): void {
  if (!(sigma > 0) || data.length === 0) return;
  const inv = 1 / 4294967296;
  const n = data.length;
  for (let i = 0; i < n; i += 2) {
    const u1 = (rng.uint32() + 1) * inv; // (0, 1]
    const u2 = rng.uint32() * inv;
    const r = sigma * Math.sqrt(-2 * Math.log(u1));
    const a = 2 * Math.PI * u2;
    data[i]! += r * Math.cos(a);
    if (i + 1 < n) data[i + 1]! += r * Math.sin(a);
  }
}

/**
 * Blurs a C-order `[D, H, W]` float32 volume in place with the separable kernel [e, 1 - 2e, e] along each axis
 * (edges replicated; default e = 1/8, a Gaussian-like blur of about 0.5 voxel): the partial-volume smoothing
 * of a scanner's point spread and slice profile. Empty volumes and e = 0 leave the data as is.
 */
export function blur3(data: Float32Array, shape: readonly [number, number, number], e = 0.125): void {
  const [d, h, w] = shape;
  if (data.length === 0 || e === 0) return;
  const mid = 1 - 2 * e;
  const line = new Float32Array(Math.max(d, h, w));
  const pass = (count: number, stride: number, starts: (emit: (s: number) => void) => void) => {
    if (count < 2) return;
    starts((s) => {
      for (let t = 0; t < count; t++) line[t] = data[s + t * stride]!;
      for (let t = 0; t < count; t++) {
        const a = line[t > 0 ? t - 1 : 0]!;
        const c = line[t < count - 1 ? t + 1 : count - 1]!;
        data[s + t * stride] = e * (a + c) + mid * line[t]!;
      }
    });
  };
  pass(w, 1, (emit) => {
    for (let s = 0; s < d * h; s++) emit(s * w);
  });
  pass(h, w, (emit) => {
    for (let k = 0; k < d; k++) for (let i = 0; i < w; i++) emit(k * h * w + i);
  });
  pass(d, h * w, (emit) => {
    for (let s = 0; s < h * w; s++) emit(s);
  });
}

/** Cubic smoothstep: 0 below `lo`, 1 above `hi`, smooth in between. */
export function smoothstep(lo: number, hi: number, v: number): number {
  const t = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
  return t * t * (3 - 2 * t);
}
