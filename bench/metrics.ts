/**
 * Surface-metric benchmark: semiseg vs a scipy implementation of medpy's rule.
 *
 * Builds a 14-label (background + 13 organs, Synapse-like) 80x160x160 label volume of rough ellipsoids of
 * varied sizes and a prediction that perturbs it (shifted and rescaled organs, different boundary roughness,
 * small false-positive islands), writes both as .npy into a temp dir, computes HD95 and ASD (mm, anisotropic
 * spacing) of every foreground class with semiseg and with `scripts/golden/bench_reference.py` under
 * /usr/bin/python3 (timed inside Python, after start-up and file load), checks the values agree to 1e-6 and
 * prints, as its last line, `surface_metrics_speedup=<python seconds / semiseg seconds>`.
 *
 * Run: node --import tsx bench/metrics.ts
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluateCase } from '../src/metrics/evaluate.ts';

const SHAPE = [80, 160, 160] as const;
const SPACING = [2.0, 1.25, 1.25];
const NUM_CLASSES = 14;
const PYTHON = '/usr/bin/python3';
const TS_REPEATS = 5;
const PY_REPEATS = 3;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Organ: centre as a fraction of the volume, radii in voxels (D, H, W). Painted in this order. */
const ORGANS: { name: string; c: [number, number, number]; r: [number, number, number] }[] = [
  { name: 'Li', c: [0.45, 0.4, 0.3], r: [22, 38, 30] },
  { name: 'Sp', c: [0.5, 0.45, 0.78], r: [14, 18, 14] },
  { name: 'RK', c: [0.55, 0.62, 0.28], r: [12, 10, 8] },
  { name: 'LK', c: [0.55, 0.62, 0.72], r: [12, 10, 8] },
  { name: 'Ga', c: [0.45, 0.45, 0.34], r: [6, 6, 5] },
  { name: 'Es', c: [0.3, 0.55, 0.52], r: [14, 3, 3] },
  { name: 'St', c: [0.4, 0.35, 0.62], r: [12, 18, 16] },
  { name: 'Ao', c: [0.55, 0.6, 0.5], r: [35, 4, 4] },
  { name: 'IVC', c: [0.55, 0.58, 0.42], r: [32, 4, 4] },
  { name: 'PSV', c: [0.5, 0.5, 0.5], r: [5, 4, 14] },
  { name: 'Pa', c: [0.55, 0.48, 0.56], r: [6, 6, 22] },
  { name: 'RAG', c: [0.4, 0.63, 0.36], r: [4, 3, 3] },
  { name: 'LAG', c: [0.4, 0.63, 0.64], r: [4, 3, 3] },
];

/** Paints a rough ellipsoid of class `cls` (radius modulated by a smooth product of sines). */
function paint(
  vol: Uint8Array,
  cls: number,
  c: number[],
  r: number[],
  rough: number,
  r0: () => number,
): void {
  const [, H, W] = SHAPE;
  const ph = [r0() * 6.28, r0() * 6.28, r0() * 6.28];
  const fr = [0.2 + 0.3 * r0(), 0.2 + 0.3 * r0(), 0.2 + 0.3 * r0()];
  const lo = c.map((x, a) => Math.max(0, Math.floor(x - r[a]! * (1 + rough) - 1)));
  const hi = c.map((x, a) => Math.min(SHAPE[a]! - 1, Math.ceil(x + r[a]! * (1 + rough) + 1)));
  for (let d = lo[0]!; d <= hi[0]!; d++) {
    for (let h = lo[1]!; h <= hi[1]!; h++) {
      for (let w = lo[2]!; w <= hi[2]!; w++) {
        const q = ((d - c[0]!) / r[0]!) ** 2 + ((h - c[1]!) / r[1]!) ** 2 + ((w - c[2]!) / r[2]!) ** 2;
        const m =
          1 +
          rough *
            Math.sin(fr[0]! * d + ph[0]!) *
            Math.sin(fr[1]! * h + ph[1]!) *
            Math.sin(fr[2]! * w + ph[2]!);
        if (q <= m * m) vol[(d * H + h) * W + w] = cls;
      }
    }
  }
}

function phantom(seed: number, perturb: boolean): Uint8Array {
  const r0 = mulberry32(seed);
  const vol = new Uint8Array(SHAPE[0] * SHAPE[1] * SHAPE[2]);
  ORGANS.forEach((o, k) => {
    const c = o.c.map((f, a) => f * SHAPE[a]! + (perturb ? (r0() - 0.5) * 4 : 0));
    const r = o.r.map((x) => (perturb ? x * (0.85 + 0.3 * r0()) : x));
    paint(vol, k + 1, c, r, 0.12, r0);
  });
  if (perturb) {
    for (let i = 0; i < 40; i++) {
      const c = SHAPE.map((n) => r0() * n);
      const rad = 1 + 2.5 * r0();
      paint(vol, 1 + Math.floor(r0() * 13), c, [rad, rad, rad], 0, r0);
    }
  }
  return vol;
}

/** Minimal .npy (format 1.0) writer for a C-order uint8 array. */
function writeNpyU8(path: string, data: Uint8Array, shape: readonly number[]): void {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), data]));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function main(): void {
  const label = phantom(1, false);
  const pred = phantom(2, true);
  const run = () =>
    evaluateCase('bench', pred, label, SHAPE, {
      numClasses: NUM_CLASSES,
      spacing: SPACING,
      policy: 'strict',
    });
  const t0 = performance.now();
  const res = run();
  const cold = (performance.now() - t0) / 1000;
  const warm: number[] = [];
  for (let i = 0; i < TS_REPEATS; i++) {
    const t = performance.now();
    run();
    warm.push((performance.now() - t) / 1000);
  }
  const tsSeconds = median(warm);
  console.log(
    `volume ${SHAPE.join('x')}, spacing ${SPACING.join('x')} mm, ${NUM_CLASSES - 1} foreground classes`,
  );
  console.log(
    `semiseg: first call ${cold.toFixed(3)} s, median of ${TS_REPEATS} warm ${tsSeconds.toFixed(3)} s`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'semiseg-bench-metrics-'));
  let py: { hd95: (number | null)[]; asd: (number | null)[]; seconds: number; seconds_medpy_calls: number };
  try {
    writeNpyU8(join(dir, 'pred.npy'), pred, SHAPE);
    writeNpyU8(join(dir, 'label.npy'), label, SHAPE);
    const script = new URL('../scripts/golden/bench_reference.py', import.meta.url).pathname;
    const args = [script, join(dir, 'pred.npy'), join(dir, 'label.npy'), String(NUM_CLASSES)];
    const out = execFileSync(PYTHON, [...args, ...SPACING.map(String), String(PY_REPEATS)], {
      encoding: 'utf8',
    });
    py = JSON.parse(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  let maxDiff = 0;
  console.log('class  name  nLabel  nPred     hd95 (mm)      asd (mm)   |diff| vs scipy');
  for (let c = 1; c < NUM_CLASSES; c++) {
    const m = res.classes[String(c)]!;
    const ph = py.hd95[c - 1];
    const pa = py.asd[c - 1];
    if (ph === null || ph === undefined || pa === null || pa === undefined || m.empty !== undefined) {
      throw new Error(`class ${c}: empty on one side, the bench expects every class present`);
    }
    const diff = Math.max(Math.abs(m.hd95 - ph), Math.abs(m.asd - pa));
    maxDiff = Math.max(maxDiff, diff);
    let nL = 0;
    let nP = 0;
    for (let i = 0; i < label.length; i++) {
      if (label[i] === c) nL++;
      if (pred[i] === c) nP++;
    }
    console.log(
      `${String(c).padStart(5)}  ${ORGANS[c - 1]!.name.padEnd(4)} ${String(nL).padStart(7)} ${String(nP).padStart(6)}` +
        ` ${m.hd95.toFixed(6).padStart(13)} ${m.asd.toFixed(6).padStart(13)}   ${diff.toExponential(2)}`,
    );
  }
  if (!(maxDiff <= 1e-6)) throw new Error(`values differ from the scipy reference: max |diff| = ${maxDiff}`);
  console.log(
    `values identical to the scipy reference within 1e-6 (max |diff| = ${maxDiff.toExponential(2)})`,
  );
  console.log(
    `python (scipy, medpy rule, 2 EDTs/class): median of ${PY_REPEATS} ${py.seconds.toFixed(3)} s; ` +
      `as medpy's hd95()+asd() calls (3 EDTs/class): ${py.seconds_medpy_calls.toFixed(3)} s`,
  );
  console.log(`speedup vs first semiseg call: ${(py.seconds / cold).toFixed(2)}`);
  console.log(`surface_metrics_speedup=${(py.seconds / tsSeconds).toFixed(2)}`);
}

main();
