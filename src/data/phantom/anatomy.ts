/**
 * The organs of one phantom case: where they lie, how big and how bright, drawn at random around a reference
 * anatomy and returned as painting steps in painting order (later steps win where shapes overlap, so vessels
 * run through the liver and the adrenals are never covered).
 *
 * World coordinates: mm, RAS+ (x toward the patient's right, y anterior, z superior), origin at the volume
 * centre. Positions scale with the body; organs next to the spine are placed relative to its anterior edge.
 */

import type { Random } from '../random.ts';
import type { Body } from './body.ts';
import { PHANTOM_LABEL } from './classes.ts';
import { rotation, type Vec3 } from './geometry.ts';
import type { BlobShape, Ellipsoid, Paint, Shade, TubeShape } from './shapes.ts';

/** Normal draw with standard deviation `sd`. */
function jit(rng: Random, sd: number): number {
  return rng.normal() * sd;
}

/** Log-normal size factor with spread `sd` (0.1 = about 10 %). */
function grow(rng: Random, sd: number): number {
  return Math.exp(rng.normal() * sd);
}

/** Intensity model: an unenhanced base plus `phase` times the contrast enhancement, plus a per-case offset. */
function hu(rng: Random, phase: number, base: number, enhancement: number): number {
  return base + phase * enhancement + jit(rng, 4);
}

/** An ellipsoid placed at `c` (jittered by `sd` mm), radii `r` scaled by `s` with per-axis spread 8 %. */
function ellipsoid(rng: Random, c: Vec3, r: Vec3, s: number, angles: Vec3, sd: number): Ellipsoid {
  return {
    center: [c[0] + jit(rng, sd), c[1] + jit(rng, sd), c[2] + jit(rng, sd)],
    radii: [r[0] * s * grow(rng, 0.08), r[1] * s * grow(rng, 0.08), r[2] * s * grow(rng, 0.08)],
    rot: rotation(angles[0] + jit(rng, 0.1), angles[1] + jit(rng, 0.1), angles[2] + jit(rng, 0.1)),
  };
}

function blob(parts: Ellipsoid[], rough: number, cell: number): BlobShape {
  return { kind: 'blob', parts, rough, cell };
}

/** A tube through jittered control points with radii scaled by one per-case factor. */
function tube(rng: Random, pts: Vec3[], radii: number[], sd: number, rough: number, cell: number): TubeShape {
  const s = grow(rng, 0.1);
  return {
    kind: 'tube',
    points: pts.map((p) => [p[0] + jit(rng, sd), p[1] + jit(rng, sd), p[2] + jit(rng, sd)] as Vec3),
    radii: radii.map((r) => r * s),
    rough,
    cell,
  };
}

const flat =
  (value: number): Shade =>
  () =>
    value;

/**
 * Draws the organs of one case for `body`. Returns the painting steps in order; every organ of
 * `PHANTOM_CLASSES` appears at least once. Consumes a fixed number of draws from `rng` per organ.
 */
export function drawOrgans(rng: Random, body: Body): Paint[] {
  const sx = body.ax / 165;
  const sy = body.ay / 122;
  const s = body.scale;
  const Z = body.zShift;
  const F = body.spineFrontY;
  const X = (x: number) => x * sx;
  const Y = (y: number) => body.yc + y * sy;
  const phase = rng.uniform(0.85, 1.15); // contrast enhancement of this scan
  const r = (name: string) => rng.split(name);
  const steps: Paint[] = [];

  // spleen: posterolateral left, long axis along the ribs
  {
    const g = r('spleen');
    const v = hu(g, phase, 50, 80);
    const e = ellipsoid(g, [X(-98), Y(-28), 40 + Z], [22, 52, 45], s, [0, 0.1, 0.5], 6);
    steps.push({ label: PHANTOM_LABEL.spleen, shape: blob([e], 0.08, 30), shade: flat(v), where: 'cavity' });
  }
  // stomach: fundus under the left diaphragm, body, antrum crossing the midline; wall, lumen and maybe a gas cap
  {
    const g = r('stomach');
    const wall = hu(g, phase, 40, 25);
    const lumen = 15 + jit(g, 6);
    const gasTop = g.bernoulli(0.6) ? g.uniform(0.35, 0.6) : 0;
    const parts = [
      ellipsoid(g, [X(-55), Y(0), 78 + Z], [36, 34, 30], s, [0, 0, 0], 5),
      ellipsoid(g, [X(-48), Y(32), 40 + Z], [30, 28, 40], s, [0.3, 0, 0.2], 5),
      ellipsoid(g, [X(-8), Y(58), 10 + Z], [36, 18, 19], s, [0, 0, -0.3], 5),
    ];
    const top = Math.max(...parts.map((p) => p.center[1] + p.radii[1]));
    const gasY = top - gasTop * 50;
    const shade: Shade = (q, _x, y) => (q > 0.78 ? wall : gasTop > 0 && y > gasY ? -850 : lumen);
    steps.push({ label: PHANTOM_LABEL.stomach, shape: blob(parts, 0.1, 28), shade, where: 'cavity' });
  }
  // liver: large right lobe against the wall, left lobe reaching across the midline anteriorly
  {
    const g = r('liver');
    const v = hu(g, phase, 55, 50);
    const size = s * grow(g, 0.08);
    const right = ellipsoid(g, [X(62), Y(8), 44 + Z], [86, 98, 82], size, [0, 0, 0.1], 6);
    const left = ellipsoid(g, [X(-12), Y(50), 64 + Z], [52, 32, 34], size, [0, 0.15, -0.2], 6);
    steps.push({
      label: PHANTOM_LABEL.liver,
      shape: blob([right, left], 0.1, 35),
      shade: flat(v),
      where: 'cavity',
    });
    const cysts = g.int(0, 3);
    for (let n = 0; n < cysts; n++) {
      const c: Vec3 = [
        right.center[0] + g.uniform(-0.5, 0.5) * right.radii[0],
        right.center[1] + g.uniform(-0.5, 0.5) * right.radii[1],
        right.center[2] + g.uniform(-0.5, 0.5) * right.radii[2],
      ];
      const rc = g.uniform(4, 9);
      const cyst = { center: c, radii: [rc, rc, rc] as Vec3, rot: rotation(0, 0, 0) };
      steps.push({
        label: PHANTOM_LABEL.liver,
        shape: blob([cyst], 0.1, 6),
        shade: flat(g.uniform(5, 20)),
        where: PHANTOM_LABEL.liver,
      });
    }
  }
  // gallbladder: pear under the liver, fundus pointing anterior-inferior
  {
    const g = r('gallbladder');
    const e = ellipsoid(g, [X(46), Y(50), -4 + Z], [16, 19, 33], s, [-0.5, 0.2, 0], 5);
    steps.push({
      label: PHANTOM_LABEL.gallbladder,
      shape: blob([e], 0.06, 20),
      shade: flat(8 + jit(g, 5)),
      where: 'cavity',
    });
  }
  // kidneys: posterior, upper poles tilted medially; cortex brighter than medulla
  for (const side of [1, -1]) {
    const g = r(side > 0 ? 'right kidney' : 'left kidney');
    const cortex = hu(g, phase, 35, 150);
    const medulla = hu(g, phase, 35, 85);
    const z = (side > 0 ? -36 : -24) + Z;
    const e = ellipsoid(g, [X(78 * side), F - 20, z], [26, 24, 50], s, [0, -0.25 * side, 0.5 * side], 5);
    const shade: Shade = (q) => (q < 0.6 ? medulla : cortex);
    const label = side > 0 ? PHANTOM_LABEL.rightKidney : PHANTOM_LABEL.leftKidney;
    steps.push({ label, shape: blob([e], 0.05, 25), shade, where: 'cavity' });
  }
  // pancreas: head by the duodenum on the right, body across the spine, tail to the splenic hilum; lobulated
  {
    const g = r('pancreas');
    const v = hu(g, phase, 45, 40);
    const pts: Vec3[] = [
      [X(30), F + 30, -24 + Z],
      [X(10), F + 38, -10 + Z],
      [X(-28), F + 34, 0 + Z],
      [X(-66), F + 16, 14 + Z],
      [X(-86), F - 2, 20 + Z],
    ];
    const shape = tube(g, pts, [15, 11, 10, 8.5, 7], 4, 0.14, 10);
    steps.push({ label: PHANTOM_LABEL.pancreas, shape, shade: flat(v), where: 'cavity' });
  }
  // portal and splenic veins: from the splenic hilum behind the pancreas to the confluence, then up into the liver
  {
    const g = r('portal vein');
    const v = hu(g, phase, 40, 130);
    const pts: Vec3[] = [
      [X(-84), F + 4, 20 + Z],
      [X(-50), F + 20, 8 + Z],
      [X(-10), F + 25, 0 + Z],
      [X(16), F + 30, 18 + Z],
      [X(36), F + 33, 32 + Z],
      [X(52), F + 36, 42 + Z],
    ];
    const shape = tube(g, pts, [4.5, 5, 5.5, 7, 6.5, 5], 3, 0.05, 30);
    steps.push({ label: PHANTOM_LABEL.portalVein, shape, shade: flat(v), where: 'cavity' });
  }
  // inferior vena cava: right of the spine, curving forward into the liver where it ends
  {
    const g = r('ivc');
    const v = hu(g, phase, 40, 115);
    const pts: Vec3[] = [
      [22, F + 13, -140 + Z],
      [23, F + 14, -60 + Z],
      [24, F + 16, 10 + Z],
      [28, F + 26, 60 + Z],
      [24, F + 30, 100 + Z],
    ];
    const shape = tube(g, pts, [10, 10.5, 11, 12, 11], 3, 0.05, 40);
    steps.push({ label: PHANTOM_LABEL.ivc, shape, shade: flat(v), where: 'cavity' });
  }
  // aorta: left of the midline in front of the spine, tapering downward
  {
    const g = r('aorta');
    const v = hu(g, phase, 40, 160);
    const pts: Vec3[] = [
      [-16, F + 4, 140 + Z],
      [-15, F + 8, 80 + Z],
      [-13, F + 12, 20 + Z],
      [-11, F + 13, -50 + Z],
      [-9, F + 12, -140 + Z],
    ];
    const shape = tube(g, pts, [11.5, 11.5, 11, 10, 9], 3, 0.04, 40);
    steps.push({ label: PHANTOM_LABEL.aorta, shape, shade: flat(v), where: 'cavity' });
  }
  // esophagus: in front of the aorta, turning left to join the stomach below the diaphragm
  {
    const g = r('esophagus');
    const v = hu(g, phase, 40, 5);
    const pts: Vec3[] = [
      [-4, F + 26, 140 + Z],
      [-12, F + 28, 108 + Z],
      [X(-28), F + 25, 90 + Z],
      [X(-44), F + 20, 78 + Z],
    ];
    const shape = tube(g, pts, [7.5, 8, 8.5, 9], 3, 0.08, 20);
    steps.push({ label: PHANTOM_LABEL.esophagus, shape, shade: flat(v), where: 'cavity' });
  }
  // adrenal glands: thin plates above the kidneys; the right one behind the IVC, the left one beside the aorta
  for (const side of [1, -1]) {
    const g = r(side > 0 ? 'right adrenal' : 'left adrenal');
    const v = hu(g, phase, 30, 25);
    const c: Vec3 = side > 0 ? [X(38), F - 4, 24 + Z] : [X(-42), F, 20 + Z];
    const e = ellipsoid(g, c, [3.8, 7, 10], 1, [0.2 * side, 0, 0.5 * side], 3);
    const label = side > 0 ? PHANTOM_LABEL.rightAdrenal : PHANTOM_LABEL.leftAdrenal;
    steps.push({ label, shape: blob([e], 0.06, 8), shade: flat(v), where: 'cavity' });
  }
  return steps;
}
