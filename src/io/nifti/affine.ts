/**
 * Voxel-to-world affines of NIfTI headers, chosen and computed as nibabel 5 does:
 * - `bestAffine`: the sform when sform_code is a valid non-zero code, else the qform when qform_code is, else
 *   the Analyze-style fallback from pixdim (x flipped, origin at the volume centre);
 * - `qformAffine`: quaternion (b, c, d; a = sqrt(1 - b^2 - c^2 - d^2)) times diag(pixdim) with qfac on z;
 * - `affineToQform`: the inverse used by the writer (zooms from column norms, qfac from the determinant, the
 *   nearest rotation by polar decomposition, then the quaternion with a >= 0).
 * Matrices are 4x4 row-major `number[][]`; world units are those of xyzt_units (mm for every file we write).
 */

/** A 4x4 row-major matrix. */
export type Mat4 = number[][];

/** Header fields the qform uses. */
export interface QformParams {
  quaternB: number;
  quaternC: number;
  quaternD: number;
  qoffsetX: number;
  qoffsetY: number;
  qoffsetZ: number;
  /** pixdim[0]: +1 or -1 (the sign applied to the z column). */
  qfac: number;
  /** pixdim[1..3], positive. */
  zooms: [number, number, number];
}

/** The 4x4 identity (row-major). */
export function identity4(): Mat4 {
  return [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ];
}

/** The sform matrix (row-major, voxel index to mm): rows srow_x, srow_y, srow_z and [0, 0, 0, 1]. Missing entries read as 0. */
export function sformAffine(srowX: number[], srowY: number[], srowZ: number[]): Mat4 {
  const row = (r: number[]) => [r[0] ?? 0, r[1] ?? 0, r[2] ?? 0, r[3] ?? 0];
  return [row(srowX), row(srowY), row(srowZ), [0, 0, 0, 1]];
}

/**
 * The qform matrix (row-major, voxel index to mm; zooms in mm), or a string describing why it cannot be formed: nibabel refuses a quaternion whose
 * b^2 + c^2 + d^2 exceeds 1 by more than 3 float eps (`threshold` is that negative margin; float32 eps for
 * NIfTI-1, float64 eps for NIfTI-2), and clamps a to 0 inside the margin.
 */
export function qformAffine(q: QformParams, threshold: number): Mat4 | string {
  const b = q.quaternB;
  const c = q.quaternC;
  const d = q.quaternD;
  const w2 = 1 - (b * b + c * c + d * d);
  if (!(w2 >= threshold))
    return `quaternion (b, c, d) = (${b}, ${c}, ${d}) has b^2 + c^2 + d^2 = ${1 - w2} > 1`;
  const a = w2 < 0 ? 0 : Math.sqrt(w2);
  const r = quatToMat(a, b, c, d);
  const [sx, sy, sz0] = q.zooms;
  const sz = sz0 * q.qfac;
  return [
    [r[0]! * sx, r[1]! * sy, r[2]! * sz, q.qoffsetX],
    [r[3]! * sx, r[4]! * sy, r[5]! * sz, q.qoffsetY],
    [r[6]! * sx, r[7]! * sy, r[8]! * sz, q.qoffsetZ],
    [0, 0, 0, 1],
  ];
}

/** Rotation matrix (row-major 3x3, flat) of a quaternion (w, x, y, z); need not be unit (as nibabel's quat2mat). */
function quatToMat(w: number, x: number, y: number, z: number): number[] {
  const nq = w * w + x * x + y * y + z * z;
  if (nq < Number.EPSILON) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const s = 2 / nq;
  const X = x * s;
  const Y = y * s;
  const Z = z * s;
  const wX = w * X;
  const wY = w * Y;
  const wZ = w * Z;
  const xX = x * X;
  const xY = x * Y;
  const xZ = x * Z;
  const yY = y * Y;
  const yZ = y * Z;
  const zZ = z * Z;
  return [1 - (yY + zZ), xY - wZ, xZ + wY, xY + wZ, 1 - (xX + zZ), yZ - wX, xZ - wY, yZ + wX, 1 - (xX + yY)];
}

/**
 * nibabel's fallback affine when neither form is set (Analyze convention): diag(-zx, zy, zz) with the origin
 * at the volume centre, `-(shape - 1) / 2 * zoom` per axis (mm). Uses the first 3 axes, padding shape and
 * zooms with 1 (so a 2D or empty shape still gives a valid matrix).
 */
export function baseAffine(shape: readonly number[], zooms: readonly number[]): Mat4 {
  const s = [0, 1, 2].map((i) => shape[i] ?? 1);
  const z = [0, 1, 2].map((i) => zooms[i] ?? 1);
  z[0] = -z[0]!;
  const m = identity4();
  for (let i = 0; i < 3; i++) {
    m[i]![i] = z[i]!;
    m[i]![3] = -((s[i]! - 1) / 2) * z[i]!;
  }
  return m;
}

function det3(m: number[]): number {
  return (
    m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
    m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
    m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!)
  );
}

/** Inverse-transpose of a 3x3 (flat row-major) matrix. */
function invTranspose3(m: number[]): number[] {
  const d = det3(m);
  // cofactor matrix / det = inverse transposed
  return [
    (m[4]! * m[8]! - m[5]! * m[7]!) / d,
    -(m[3]! * m[8]! - m[5]! * m[6]!) / d,
    (m[3]! * m[7]! - m[4]! * m[6]!) / d,
    -(m[1]! * m[8]! - m[2]! * m[7]!) / d,
    (m[0]! * m[8]! - m[2]! * m[6]!) / d,
    -(m[0]! * m[7]! - m[1]! * m[6]!) / d,
    (m[1]! * m[5]! - m[2]! * m[4]!) / d,
    -(m[0]! * m[5]! - m[2]! * m[3]!) / d,
    (m[0]! * m[4]! - m[1]! * m[3]!) / d,
  ];
}

/**
 * The orthogonal factor of the polar decomposition of a non-singular 3x3 matrix (the nearest orthogonal
 * matrix, which nibabel gets as U V^T from the SVD), by Newton's iteration X <- (X + X^-T) / 2.
 */
export function nearestOrthogonal(m: number[]): number[] {
  let x = m.slice();
  for (let it = 0; it < 100; it++) {
    const inv = invTranspose3(x);
    const next = x.map((v, i) => (v + inv[i]!) / 2);
    let diff = 0;
    for (let i = 0; i < 9; i++) diff = Math.max(diff, Math.abs(next[i]! - x[i]!));
    x = next;
    if (diff < 1e-15) break;
  }
  return x;
}

/** Unit quaternion (w, x, y, z) with w >= 0 of a rotation matrix (flat row-major), by Shepperd's method. */
export function rotationToQuat(r: number[]): [number, number, number, number] {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = r as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const tr = m00 + m11 + m22;
  let w: number;
  let x: number;
  let y: number;
  let z: number;
  if (tr >= m00 && tr >= m11 && tr >= m22) {
    const s = Math.sqrt(1 + tr) * 2;
    w = s / 4;
    x = (m21 - m12) / s;
    y = (m02 - m20) / s;
    z = (m10 - m01) / s;
  } else if (m00 >= m11 && m00 >= m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    w = (m21 - m12) / s;
    x = s / 4;
    y = (m01 + m10) / s;
    z = (m02 + m20) / s;
  } else if (m11 >= m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    w = (m02 - m20) / s;
    x = (m01 + m10) / s;
    y = s / 4;
    z = (m12 + m21) / s;
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    w = (m10 - m01) / s;
    x = (m02 + m20) / s;
    y = (m12 + m21) / s;
    z = s / 4;
  }
  const n = Math.hypot(w, x, y, z);
  const sign = w < 0 ? -1 : 1;
  return [(sign * w) / n, (sign * x) / n, (sign * y) / n, (sign * z) / n];
}

/**
 * The qform parameters that encode `affine` as nibabel's `set_qform(affine, strip_shears=True)` computes them:
 * zooms are the column norms of the 3x3 part, qfac is -1 when its determinant is <= 0 (z column negated), any
 * shear is dropped by taking the nearest rotation. Zooms and offsets are in the affine's units (mm). Returns a
 * string when the 3x3 part is singular or not finite.
 */
export function affineToQform(affine: Mat4): QformParams | string {
  const rzs = [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => affine[i]?.[j] ?? Number.NaN));
  const zooms = [0, 1, 2].map((j) => Math.hypot(rzs[j]!, rzs[3 + j]!, rzs[6 + j]!)) as [
    number,
    number,
    number,
  ];
  if (zooms.some((z) => !(z > 0) || !Number.isFinite(z)) || rzs.some((v) => !Number.isFinite(v))) {
    return `the affine's 3x3 part has a zero or non-finite column (column norms ${zooms.join(', ')})`;
  }
  const r = rzs.map((v, i) => v / zooms[i % 3]!);
  let qfac = 1;
  if (!(det3(r) > 0)) {
    qfac = -1;
    r[2] = -r[2]!;
    r[5] = -r[5]!;
    r[8] = -r[8]!;
  }
  if (!(Math.abs(det3(r)) > 1e-12)) return 'the affine is singular (its columns are linearly dependent)';
  const [, b, c, d] = rotationToQuat(nearestOrthogonal(r));
  return {
    quaternB: b,
    quaternC: c,
    quaternD: d,
    qoffsetX: affine[0]?.[3] ?? 0,
    qoffsetY: affine[1]?.[3] ?? 0,
    qoffsetZ: affine[2]?.[3] ?? 0,
    qfac,
    zooms,
  };
}
