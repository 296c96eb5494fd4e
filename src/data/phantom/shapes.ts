/**
 * Rasterising organ shapes into the phantom: blobs (unions of rotated ellipsoids) and tubes (tapered capsules
 * along a smoothed centre line), both with boundaries pushed in and out by smooth value noise. Painting writes
 * the label and the clean intensity (HU) of every voxel inside, so the image and the label map always agree.
 */

import type { Random } from '../random.ts';
import { SmoothField } from './fields.ts';
import { type Box, boxOf, ellipsoidExtent, type Grid, type Mat3, type Vec3 } from './geometry.ts';

/** One ellipsoid: centre (mm), radii along its local axes (mm) and its rotation (`world = rot * local`). */
export interface Ellipsoid {
  center: Vec3;
  radii: Vec3;
  rot: Mat3;
}

/** A union of ellipsoids. `rough` is the boundary displacement as a fraction of the radius (about 1 sigma). */
export interface BlobShape {
  kind: 'blob';
  parts: Ellipsoid[];
  rough: number;
  /** Correlation length of the boundary noise (mm). */
  cell: number;
}

/** A tube through `points` (mm) with radius `radii[n]` (mm) at point n, smoothed by Catmull-Rom splines. */
export interface TubeShape {
  kind: 'tube';
  points: Vec3[];
  radii: number[];
  rough: number;
  cell: number;
}

/**
 * The clean intensity (HU) of a voxel inside a shape: `q` is its normalised depth (0 at the centre or centre
 * line, 1 on the displaced boundary), `x, y, z` its world position (mm).
 */
export type Shade = (q: number, x: number, y: number, z: number) => number;

/** One painting step: a shape, its label, its intensity and where it may go. */
export interface Paint {
  label: number;
  shape: BlobShape | TubeShape;
  shade: Shade;
  /** 'cavity': only inside the abdominal cavity mask; a number: only over voxels already of that label. */
  where: 'cavity' | number;
}

/** What painting draws on: label map, clean intensities and the cavity mask, all C-order `[D, H, W]`. */
export interface Canvas {
  grid: Grid;
  label: Uint8Array;
  hu: Float32Array;
  cavity: Uint8Array;
}

/** Densifies a centre line with uniform Catmull-Rom splines (`steps` sub-segments per span); radii vary linearly. */
function spline(points: Vec3[], radii: number[], steps: number): { p: Vec3[]; r: number[] } {
  if (points.length < 3) return { p: points.map((v) => [...v] as Vec3), r: [...radii] };
  const p: Vec3[] = [];
  const r: number[] = [];
  const at = (i: number) => points[Math.min(points.length - 1, Math.max(0, i))]!;
  for (let s = 0; s < points.length - 1; s++) {
    const [p0, p1, p2, p3] = [at(s - 1), at(s), at(s + 1), at(s + 2)];
    for (let t = 0; t < steps; t++) {
      const u = t / steps;
      const u2 = u * u;
      const u3 = u2 * u;
      const c = (a: number, b: number, c2: number, d: number) =>
        0.5 * (2 * b + (-a + c2) * u + (2 * a - 5 * b + 4 * c2 - d) * u2 + (-a + 3 * b - 3 * c2 + d) * u3);
      p.push([c(p0[0], p1[0], p2[0], p3[0]), c(p0[1], p1[1], p2[1], p3[1]), c(p0[2], p1[2], p2[2], p3[2])]);
      r.push(radii[s]! + (radii[s + 1]! - radii[s]!) * u);
    }
  }
  p.push([...points[points.length - 1]!] as Vec3);
  r.push(radii[radii.length - 1]!);
  return { p, r };
}

/** The world bounding box (mm) of a shape, grown by `grow` (a factor on radii). */
function bounds(shape: BlobShape | TubeShape, grow: number): { lo: Vec3; hi: Vec3 } {
  const lo: Vec3 = [Infinity, Infinity, Infinity];
  const hi: Vec3 = [-Infinity, -Infinity, -Infinity];
  const add = (c: Vec3, e: Vec3) => {
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a]!, c[a]! - e[a]! * grow);
      hi[a] = Math.max(hi[a]!, c[a]! + e[a]! * grow);
    }
  };
  if (shape.kind === 'blob') {
    for (const e of shape.parts) add(e.center, ellipsoidExtent(e.radii, e.rot));
  } else {
    const { p, r } = spline(shape.points, shape.radii, 8);
    p.forEach((c, n) => {
      const rn = r[n]!;
      add(c, [rn, rn, rn]);
    });
  }
  return { lo, hi };
}

/** Normalised depth (distance / radius; 1 on the undisplaced surface) of every voxel of `box`, Infinity far away. */
function depthMap(grid: Grid, box: Box, shape: BlobShape | TubeShape): Float32Array {
  const nw = box.i1 - box.i0;
  const nh = box.j1 - box.j0;
  const nd = box.k1 - box.k0;
  const q = new Float32Array(nd * nh * nw).fill(Infinity);
  const { xs, ys, zs } = grid;
  if (shape.kind === 'blob') {
    for (const e of shape.parts) {
      const [cx, cy, cz] = e.center;
      const R = e.rot;
      const [ix, iy, iz] = [1 / e.radii[0], 1 / e.radii[1], 1 / e.radii[2]];
      let o = 0;
      for (let k = box.k0; k < box.k1; k++) {
        const dz = zs[k]! - cz;
        for (let j = box.j0; j < box.j1; j++) {
          const dy = ys[j]! - cy;
          for (let i = box.i0; i < box.i1; i++, o++) {
            const dx = xs[i]! - cx;
            const a = (R[0][0] * dx + R[1][0] * dy + R[2][0] * dz) * ix;
            const b = (R[0][1] * dx + R[1][1] * dy + R[2][1] * dz) * iy;
            const c = (R[0][2] * dx + R[1][2] * dy + R[2][2] * dz) * iz;
            const v = Math.sqrt(a * a + b * b + c * c);
            if (v < q[o]!) q[o] = v;
          }
        }
      }
    }
    return q;
  }
  const { p, r } = spline(shape.points, shape.radii, 8);
  for (let s = 0; s + 1 < p.length; s++) {
    const [a, b] = [p[s]!, p[s + 1]!];
    const [ra, rb] = [r[s]!, r[s + 1]!];
    const rm = Math.max(ra, rb) * 2;
    const sub = boxOf(
      grid,
      [Math.min(a[0], b[0]) - rm, Math.min(a[1], b[1]) - rm, Math.min(a[2], b[2]) - rm],
      [Math.max(a[0], b[0]) + rm, Math.max(a[1], b[1]) + rm, Math.max(a[2], b[2]) + rm],
    );
    if (sub === null) continue;
    const [ex, ey, ez] = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const len2 = ex * ex + ey * ey + ez * ez || 1;
    for (let k = Math.max(sub.k0, box.k0); k < Math.min(sub.k1, box.k1); k++) {
      const dz = zs[k]! - a[2];
      for (let j = Math.max(sub.j0, box.j0); j < Math.min(sub.j1, box.j1); j++) {
        const dy = ys[j]! - a[1];
        let o = ((k - box.k0) * nh + (j - box.j0)) * nw + (Math.max(sub.i0, box.i0) - box.i0);
        for (let i = Math.max(sub.i0, box.i0); i < Math.min(sub.i1, box.i1); i++, o++) {
          const dx = xs[i]! - a[0];
          const t = Math.min(1, Math.max(0, (dx * ex + dy * ey + dz * ez) / len2));
          const [px, py, pz] = [dx - t * ex, dy - t * ey, dz - t * ez];
          const v = Math.sqrt(px * px + py * py + pz * pz) / (ra + t * (rb - ra));
          if (v < q[o]!) q[o] = v;
        }
      }
    }
  }
  return q;
}

/**
 * Paints one shape onto the canvas: every allowed voxel whose normalised depth is below `1 + rough * noise`
 * (smooth noise drawn from `rng`) gets `paint.label` and the intensity `paint.shade`. Returns the number of
 * voxels painted (0 when the shape lies outside the grid or nowhere allowed).
 */
export function paintShape(canvas: Canvas, rng: Random, paint: Paint): number {
  const { grid, label, hu, cavity } = canvas;
  const { shape } = paint;
  const grow = 1 + 3 * shape.rough + 0.05;
  const { lo, hi } = bounds(shape, grow);
  const box = boxOf(grid, lo, hi);
  const field = new SmoothField(rng, lo, hi, shape.cell);
  if (box === null) return 0;
  const q = depthMap(grid, box, shape);
  const noise = field.sample(grid, box);
  const [, h, w] = grid.shape;
  const { xs, ys, zs } = grid;
  let painted = 0;
  let o = 0;
  for (let k = box.k0; k < box.k1; k++) {
    for (let j = box.j0; j < box.j1; j++) {
      let idx = (k * h + j) * w + box.i0;
      for (let i = box.i0; i < box.i1; i++, o++, idx++) {
        const limit = 1 + shape.rough * noise[o]!;
        const v = q[o]!;
        if (!(v <= limit)) continue;
        const ok = paint.where === 'cavity' ? cavity[idx] === 1 : label[idx] === paint.where;
        if (!ok) continue;
        label[idx] = paint.label;
        hu[idx] = paint.shade(v / limit, xs[i]!, ys[j]!, zs[k]!);
        painted++;
      }
    }
  }
  return painted;
}
