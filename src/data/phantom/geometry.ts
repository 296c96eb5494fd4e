/**
 * Geometry of the phantom: the voxel grid, world coordinates and small 3D rotations.
 *
 * World coordinates are millimetres in RAS+ (x toward the patient's right, y anterior, z superior) with the
 * origin at the centre of the volume. Vectors are written `[x, y, z]`. Volumes are flat C-order arrays of
 * shape `[D, H, W]` = (z, y, x), so voxel `(k, j, i)` sits at flat index `(k * H + j) * W + i` and at world
 * position `(xs[i], ys[j], zs[k])`.
 */

/** A point or direction in mm, `[x, y, z]` (RAS+). */
export type Vec3 = [number, number, number];

/** A 3x3 rotation, row-major: `world = R * local`, so column `a` is local axis `a` in world coordinates. */
export type Mat3 = [Vec3, Vec3, Vec3];

/** A half-open index box `[k0, k1) x [j0, j1) x [i0, i1)` over a `[D, H, W]` grid. */
export interface Box {
  k0: number;
  k1: number;
  j0: number;
  j1: number;
  i0: number;
  i1: number;
}

/** The voxel grid: shape and spacing in `[D, H, W]` order, and the world coordinate (mm) of every voxel centre per axis. */
export interface Grid {
  shape: [number, number, number];
  /** Voxel size in mm, `[D, H, W]` order (z, y, x). */
  spacing: [number, number, number];
  /** x (mm) of each column i, length W. */
  xs: Float64Array;
  /** y (mm) of each row j, length H. */
  ys: Float64Array;
  /** z (mm) of each slice k, length D. */
  zs: Float64Array;
}

function centred(n: number, step: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (i - (n - 1) / 2) * step;
  return out;
}

/**
 * The grid of a `[D, H, W]` volume with voxel sizes `spacing` (mm, `[D, H, W]` order), centred on the world
 * origin. Throws RangeError unless every size is a positive integer and every spacing a positive finite number.
 */
export function makeGrid(shape: readonly number[], spacing: readonly number[]): Grid {
  if (shape.length !== 3 || shape.some((s) => !Number.isSafeInteger(s) || s < 1)) {
    throw new RangeError(
      `phantom shape: expected three positive integers [D, H, W], got [${shape.join(', ')}]`,
    );
  }
  if (spacing.length !== 3 || spacing.some((s) => !(Number.isFinite(s) && s > 0))) {
    throw new RangeError(`phantom spacing: expected three positive sizes in mm, got [${spacing.join(', ')}]`);
  }
  const [d, h, w] = shape as [number, number, number];
  const [sz, sy, sx] = spacing as [number, number, number];
  return {
    shape: [d, h, w],
    spacing: [sz, sy, sx],
    xs: centred(w, sx),
    ys: centred(h, sy),
    zs: centred(d, sz),
  };
}

/**
 * The NIfTI voxel-to-world affine of a grid (4x4 row-major): NIfTI voxel `(i, j, k)` = (x = W index,
 * y = H index, z = D index) maps to `(xs[i], ys[j], zs[k])` mm, i.e. a diagonal RAS+ affine centred on 0.
 */
export function gridAffine(grid: Grid): number[][] {
  const [d, h, w] = grid.shape;
  const [sz, sy, sx] = grid.spacing;
  return [
    [sx, 0, 0, (-(w - 1) / 2) * sx],
    [0, sy, 0, (-(h - 1) / 2) * sy],
    [0, 0, sz, (-(d - 1) / 2) * sz],
    [0, 0, 0, 1],
  ];
}

/** First index whose coordinate is >= lo, in an ascending coordinate array (length when none). */
function lowerIndex(coords: Float64Array, lo: number): number {
  const n = coords.length;
  if (n === 0) return 0;
  const step = n > 1 ? coords[1]! - coords[0]! : 1;
  return Math.min(n, Math.max(0, Math.ceil((lo - coords[0]!) / step - 1e-9)));
}

/** One past the last index whose coordinate is <= hi. */
function upperIndex(coords: Float64Array, hi: number): number {
  const n = coords.length;
  if (n === 0) return 0;
  const step = n > 1 ? coords[1]! - coords[0]! : 1;
  return Math.min(n, Math.max(0, Math.floor((hi - coords[0]!) / step + 1e-9) + 1));
}

/** The index box of the voxels whose centres lie in the world box `[lo, hi]` (mm), or null when none does. */
export function boxOf(grid: Grid, lo: Vec3, hi: Vec3): Box | null {
  const box: Box = {
    i0: lowerIndex(grid.xs, lo[0]),
    i1: upperIndex(grid.xs, hi[0]),
    j0: lowerIndex(grid.ys, lo[1]),
    j1: upperIndex(grid.ys, hi[1]),
    k0: lowerIndex(grid.zs, lo[2]),
    k1: upperIndex(grid.zs, hi[2]),
  };
  return box.i0 < box.i1 && box.j0 < box.j1 && box.k0 < box.k1 ? box : null;
}

/** Number of voxels in a box. */
export function boxSize(box: Box): number {
  return (box.k1 - box.k0) * (box.j1 - box.j0) * (box.i1 - box.i0);
}

/**
 * The rotation `Rz(az) * Ry(ay) * Rx(ax)` (angles in radians about the world x, y, z axes, applied x first).
 * Zero angles give the identity.
 */
export function rotation(ax: number, ay: number, az: number): Mat3 {
  const [cx, sx] = [Math.cos(ax), Math.sin(ax)];
  const [cy, sy] = [Math.cos(ay), Math.sin(ay)];
  const [cz, sz] = [Math.cos(az), Math.sin(az)];
  return [
    [cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx],
    [sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx],
    [-sy, cy * sx, cy * cx],
  ];
}

/** Half extent along each world axis (mm) of an ellipsoid with local radii `radii` rotated by `rot`. */
export function ellipsoidExtent(radii: Vec3, rot: Mat3): Vec3 {
  const ext = (row: Vec3) => Math.hypot(row[0] * radii[0], row[1] * radii[1], row[2] * radii[2]);
  return [ext(rot[0]), ext(rot[1]), ext(rot[2])];
}
