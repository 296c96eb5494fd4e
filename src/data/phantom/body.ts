/**
 * The unlabeled background of the phantom: air, an elliptic body with subcutaneous fat and a muscle wall,
 * the spine with paraspinal and psoas muscles, lower ribs, and an abdominal cavity filled with fat, bowel-like
 * soft tissue and gas pockets. It also yields the cavity mask that the organs are painted into.
 * World coordinates: mm, RAS+ (x right, y anterior, z superior), origin at the volume centre.
 */

import type { Random } from '../random.ts';
import { SmoothField, smoothstep } from './fields.ts';
import type { Canvas } from './shapes.ts';

/** Hounsfield units of the background tissues. */
export const TISSUE_HU = {
  air: -1000,
  fat: -100,
  muscle: 50,
  cortical: 700,
  cancellous: 230,
  rib: 480,
  csf: 15,
  bowel: 35,
  gas: -900,
  lung: -850,
} as const;

/** Per-case body parameters (mm). */
export interface Body {
  /** Half-axes of the skin ellipse, x (left-right) and y (anterior-posterior). */
  ax: number;
  ay: number;
  /** y of the body centre. */
  yc: number;
  /** Subcutaneous fat and muscle wall thickness. */
  fat: number;
  muscle: number;
  /** Head-foot shift of the anatomy (mm; positive moves organs up). */
  zShift: number;
  /** y of the spinal canal centre and of the vertebral body centre. */
  canalY: number;
  vertebraY: number;
  /** Anterior edge of the vertebral body (y), the reference for the great vessels. */
  spineFrontY: number;
  /** Global organ size factor (correlated with body size). */
  scale: number;
}

/** Draws a body: sizes vary by about +-8 %, fat by 12-30 mm, and the scan range by +-12 mm. */
export function drawBody(rng: Random): Body {
  const size = rng.uniform(0.92, 1.08);
  const ax = 165 * size * rng.uniform(0.96, 1.04);
  const ay = 122 * size * rng.uniform(0.96, 1.04);
  const yc = rng.uniform(-4, 4);
  const fat = rng.uniform(12, 30);
  const muscle = rng.uniform(8, 13);
  const canalY = yc - ay + fat + muscle + 38;
  const vertebraY = canalY + 32;
  return {
    ax,
    ay,
    yc,
    fat,
    muscle,
    zShift: rng.uniform(-12, 12),
    canalY,
    vertebraY,
    spineFrontY: vertebraY + 17,
    scale: Math.sqrt(size) * rng.uniform(0.97, 1.03),
  };
}

/**
 * Height (z, mm) of the lung bases at lateral distance `ax0 = |x|` and depth `y`: the diaphragm domes peak about
 * 75 mm from the midline and fall laterally and toward the back (the posterior recesses); near the midline
 * the mediastinum keeps the lungs away.
 */
function diaphragm(body: Body, ax0: number, y: number): number {
  const u = ax0 / (body.ax / 165);
  const t = (u - 75) / 75;
  const back = Math.max(0, body.spineFrontY - y) / 60;
  return body.zShift + 82 + 28 * Math.max(0, 1 - t * t) - 35 * Math.min(1, back) + 3 * Math.max(0, 50 - u);
}

/**
 * Paints the background onto `canvas.hu` (clean float32 HU) and sets `canvas.cavity` (uint8) to 1 where
 * organs may lie; labels stay 0. All arrays are C-order `[D, H, W]` over `canvas.grid` (never empty: `makeGrid`
 * refuses empty shapes). Draws its smooth fields from `rng`.
 */
export function paintBody(canvas: Canvas, rng: Random, body: Body): void {
  const { grid, hu, cavity } = canvas;
  const { xs, ys, zs } = grid;
  const [d, h, w] = grid.shape;
  const lo: [number, number, number] = [xs[0]!, ys[0]!, zs[0]!];
  const hi: [number, number, number] = [xs[w - 1]!, ys[h - 1]!, zs[d - 1]!];
  const outline = new SmoothField(rng.split('outline'), lo, hi, 60).sample(grid);
  const bowel = new SmoothField(rng.split('bowel'), lo, hi, 22).sample(grid);
  const gas = new SmoothField(rng.split('gas'), lo, hi, 14).sample(grid);
  const ribPitch = rng.uniform(26, 32);
  const ribPhase = rng.uniform(0, ribPitch);
  const ribLow = rng.uniform(-45, -25) + body.zShift;
  const { ax, ay, yc, fat, muscle, canalY, vertebraY } = body;
  const [mx, my] = [ax - fat, ay - fat];
  const [cx, cy] = [mx - muscle, my - muscle];
  const [iax2, iay2, imx2, imy2, icx2, icy2] = [ax, ay, mx, my, cx, cy].map(
    (v) => 1 / (v * v),
  ) as number[] as [number, number, number, number, number, number];
  let o = 0;
  for (let k = 0; k < d; k++) {
    const z = zs[k]!;
    // psoas muscles grow toward the pelvis; the lower the slice, the more bowel
    const psoas = Math.max(0, Math.min(26, 6 + (body.zShift - z) * 0.2));
    const lower = smoothstep(-40, 80, body.zShift - z);
    const upper = smoothstep(30, 90, z - body.zShift);
    for (let j = 0; j < h; j++) {
      const y = ys[j]!;
      const dy = y - yc;
      for (let i = 0; i < w; i++, o++) {
        const x = xs[i]!;
        const wobble = (1 + 0.02 * outline[o]!) ** 2; // compared with squared normalised radii
        const x2 = x * x;
        const dy2 = dy * dy;
        if (x2 * iax2 + dy2 * iay2 > wobble) {
          hu[o] = TISSUE_HU.air;
          continue;
        }
        if (x2 * imx2 + dy2 * imy2 > wobble) {
          hu[o] = TISSUE_HU.fat;
          continue;
        }
        if (x2 * icx2 + dy2 * icy2 > wobble) {
          const angle = Math.atan2(Math.abs(x), -dy) / Math.PI; // 0 posterior, 1 anterior
          const u = (z - ribPhase + 45 * angle) / ribPitch;
          const isRib =
            angle > 0.3 && angle < 0.8 && z > ribLow + 40 * angle && u - Math.floor(u) < 10 / ribPitch;
          hu[o] = isRib ? TISSUE_HU.rib : TISSUE_HU.muscle;
          continue;
        }
        // spine: vertebral body (cortex and cancellous core), canal with posterior arch, paraspinal muscles
        const yv = (y - vertebraY) / 17;
        const vb = x2 / 484 + yv * yv;
        if (vb <= 1) {
          hu[o] = vb > 0.64 ? TISSUE_HU.cortical : TISSUE_HU.cancellous;
          continue;
        }
        const yc2 = (y - canalY) * (y - canalY);
        const canal = x2 + yc2;
        if (canal <= 81) {
          hu[o] = TISSUE_HU.csf;
          continue;
        }
        if (canal <= 225 || (Math.abs(x) < 4 && y < canalY && y > canalY - 34)) {
          hu[o] = TISSUE_HU.cortical;
          continue;
        }
        const px = (Math.abs(x) - 30) / 26;
        const py = (y - canalY + 8) / 30;
        if (px * px + py * py <= 1) {
          hu[o] = TISSUE_HU.muscle;
          continue;
        }
        const sx = Math.abs(x) - 22 - psoas * 0.9;
        const sy = y - vertebraY - 4;
        if (psoas > 0 && sx * sx + sy * sy <= psoas * psoas) {
          hu[o] = TISSUE_HU.muscle;
          continue;
        }
        if (y < canalY - 10) {
          hu[o] = TISSUE_HU.muscle; // behind the spine, inside the wall: back muscles
          continue;
        }
        // lung bases above the diaphragm domes, reaching lower at the back (outside the mediastinum)
        if (z > diaphragm(body, Math.abs(x), y)) {
          hu[o] = TISSUE_HU.lung;
          continue;
        }
        // the cavity: fat with bowel loops (more of them lower down) and gas inside the loops
        cavity[o] = 1;
        const loops = smoothstep(0.25, 0.95, bowel[o]! + 0.9 * lower - 0.6 * upper - 0.35);
        hu[o] =
          loops > 0.7 && gas[o]! > 1.45 && lower > 0.2
            ? TISSUE_HU.gas
            : TISSUE_HU.fat + (TISSUE_HU.bowel - TISSUE_HU.fat) * loops;
      }
    }
  }
}
