/**
 * NIfTI read speed, semiseg vs nibabel, on a 512 x 512 x 100 int16 `.nii.gz` (a synthetic CT-like volume:
 * air, a noisy body ellipse, bone, so it compresses like a real scan; written with our writer at gzip level
 * 1, nibabel's default). Reads alternate (semiseg, nibabel, semiseg, ...), ROUNDS each; nibabel is timed
 * inside Python around `np.asanyarray(nib.load(p).dataobj)`, so interpreter start-up and imports are
 * excluded. Also times gunzip variants to show where the time goes.
 *
 *   node --import tsx bench/io.ts [rounds]
 *
 * First (when `../shared/data/LA` exists, or SEMISEG_SHARED_DATA points at the data) it measures prefetching:
 * 8 LA cases preprocessed to npy, then CML's LA batches (4 labeled + 4 unlabeled, RandomRot90Flip and a
 * 80x112x112 crop) prepared 3 ahead by 2 worker threads with `src/data/datasets/preprocessed-loader.ts` while the main
 * thread spins for a simulated training step of SEMISEG_BENCH_STEP_MS (default 1000) ms; it reports how long
 * `next()` waits per step as a percentage of the step time (goal < 5%), after 3 warm-up batches.
 *
 * The last line is `nifti_read_ratio=<semiseg median / nibabel median>` (goal <= 1.0).
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { preprocessDataset } from '../src/data/datasets/preprocess-dataset.ts';
import { Prefetcher } from '../src/data/prefetch.ts';
import { samplerPresets, TwoStreamSampler } from '../src/data/sampler.ts';
import { loadList } from '../src/data/splits.ts';
import { presets } from '../src/data/transforms/pipeline.ts';
import { readNifti, readNiftiSync, writeNiftiSync } from '../src/io/nifti.ts';

const PYTHON = process.env['SEMISEG_PYTHON'] ?? '/usr/bin/python3';
const ROUNDS = Math.max(5, Number(process.argv[2] ?? 7));
const [X, Y, Z] = [512, 512, 100];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Deterministic CT-like int16 volume, x fastest. */
function phantom(): Int16Array {
  const data = new Int16Array(X * Y * Z);
  let seed = 0x9e3779b9;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const noise = () => (rand() + rand() + rand() + rand() - 2) * 1.7; // ~N(0, 1)
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        const dx = (x - 256) / 200;
        const dy = (y - 256) / 150;
        const r = dx * dx + dy * dy;
        let v: number;
        if (r > 1) v = -1000 + 5 * noise();
        else if (r > 0.85)
          v = -80 + 15 * noise(); // fat
        else {
          const bx = (x - 256) / 30;
          const by = (y - 330) / 25;
          v = bx * bx + by * by < 1 ? 700 + 40 * noise() : 40 + 12 * noise() + 10 * Math.sin((x + z) / 17);
        }
        data[x + X * (y + Y * z)] = Math.round(v);
      }
    }
  }
  return data;
}

function time<T>(fn: () => T): [number, T] {
  const t = performance.now();
  const out = fn();
  return [performance.now() - t, out];
}

const PY_READ = `
import sys, time
import numpy as np, nibabel as nib
p = sys.argv[1]
t = time.perf_counter()
a = np.asanyarray(nib.load(p).dataobj)
dt = time.perf_counter() - t
print(dt * 1000, a.shape, a.dtype, int(a[10, 20, 30]), int(a.astype(np.int64).sum()))
`;

function nibabelRead(path: string): { ms: number; shape: string; dtype: string; voxel: number; sum: bigint } {
  const out = execFileSync(PYTHON, ['-c', PY_READ, path], { encoding: 'utf8' }).trim();
  const m = /^([\d.e+-]+) \(([\d, ]+)\) (\w+) (-?\d+) (-?\d+)$/.exec(out);
  if (!m) throw new Error(`unexpected nibabel output: ${out}`);
  return { ms: Number(m[1]), shape: m[2]!, dtype: m[3]!, voxel: Number(m[4]), sum: BigInt(m[5]!) };
}

const SHARED =
  process.env['SEMISEG_SHARED_DATA'] ??
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'data');
const STEP_MS = Number(process.env['SEMISEG_BENCH_STEP_MS'] ?? 1000);

/** Spins the main thread for `ms` milliseconds (a stand-in for a synchronous training step). */
function busy(ms: number): void {
  const t = performance.now();
  while (performance.now() - t < ms) {
    // busy
  }
}

/** Prefetched LA batches while the main thread is busy: wait per step as a share of the step time. */
async function prefetchBench(): Promise<void> {
  const la = join(SHARED, 'LA');
  if (!existsSync(la)) {
    console.log(`prefetch: skipped (no LA data at ${la})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'semiseg-bench-prefetch-'));
  try {
    const ids = loadList('la', 'train').slice(0, 8);
    const t0 = performance.now();
    await preprocessDataset({ task: 'la', dataDir: la, outDir: dir, cases: ids });
    const prepSeconds = (performance.now() - t0) / 1000;
    const warm = 3;
    const steps = 12;
    const prefetcher = new Prefetcher({
      sampler: new TwoStreamSampler({
        ...samplerPresets.cmlLa,
        labeled: ids.slice(0, 4),
        unlabeled: ids.slice(4),
        seed: 1,
      }),
      loader: fileURLToPath(new URL('../src/data/datasets/preprocessed-loader.ts', import.meta.url)),
      loaderOptions: { dir },
      transforms: { labeled: presets.cmlLaTrain(), unlabeled: presets.cmlLaTrain() },
      seed: 1,
      workers: 2,
      depth: 3,
      steps: warm + steps,
    });
    const waits: number[] = [];
    for (let i = 0; i < warm + steps; i++) {
      const t = performance.now();
      const r = await prefetcher.next();
      if (r.done) break;
      if (i >= warm) waits.push(performance.now() - t);
      busy(STEP_MS);
    }
    await prefetcher.close();
    const total = waits.reduce((a, b) => a + b, 0);
    console.log(
      `prefetch: 8 LA cases preprocessed in ${prepSeconds.toFixed(1)} s; ` +
        `batches of 4+4 (rot90/flip, crop 80x112x112), 2 workers, depth 3, main thread busy ${STEP_MS} ms per step`,
    );
    console.log(
      `prefetch: wait per step ${waits.map((w) => w.toFixed(0)).join(' ')} ms; median ${median(waits).toFixed(1)} ms, ` +
        `max ${Math.max(...waits).toFixed(0)} ms`,
    );
    console.log(`prefetch_wait_pct=${((100 * total) / (waits.length * STEP_MS)).toFixed(2)} (goal < 5)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'semiseg-bench-io-'));
  try {
    const path = join(dir, 'ct.nii.gz');
    const vol = phantom();
    const [writeMs] = time(() =>
      writeNiftiSync(
        path,
        { data: vol, shape: [X, Y, Z], spacing: [0.8, 0.8, 2.5] },
        { compressionLevel: 1 },
      ),
    );
    const gzBytes = statSync(path).size;
    console.log(
      `volume ${X}x${Y}x${Z} int16: ${(vol.byteLength / 2 ** 20).toFixed(1)} MiB raw, .nii.gz ${(gzBytes / 2 ** 20).toFixed(1)} MiB (written by semiseg, level 1, in ${writeMs.toFixed(0)} ms)`,
    );
    console.log(`node ${process.version}, zlib ${process.versions.zlib}, rounds ${ROUNDS}, python ${PYTHON}`);

    // correctness first: both readers must see the same volume
    const ref = readNiftiSync(path);
    let sum = 0n;
    for (const v of ref.data as Int16Array) sum += BigInt(v);
    const nib0 = nibabelRead(path);
    const want = vol[10 + X * (20 + Y * 30)]!;
    if (
      nib0.shape !== `${X}, ${Y}, ${Z}` ||
      nib0.dtype !== 'int16' ||
      nib0.voxel !== want ||
      nib0.sum !== sum
    ) {
      throw new Error(
        `nibabel and semiseg disagree: nibabel ${JSON.stringify({ ...nib0, sum: String(nib0.sum) })}, semiseg sum ${sum}, voxel ${want}`,
      );
    }
    console.log(`check: both read shape (${nib0.shape}) int16, voxel [10, 20, 30] = ${want}, sum ${sum}`);

    const ts: number[] = [];
    const nib: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      ts.push(time(() => readNiftiSync(path))[0]);
      nib.push(nibabelRead(path).ms);
    }
    // where the time goes, and alternatives
    const file: number[] = [];
    const gzDefault: number[] = [];
    const gzHint: number[] = [];
    const asyncRead: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const [tf, bytes] = time(() => readFileSync(path));
      file.push(tf);
      gzDefault.push(time(() => gunzipSync(bytes))[0]);
      const isize = bytes.readUInt32LE(bytes.length - 4);
      gzHint.push(time(() => gunzipSync(bytes, { chunkSize: isize + 1 }))[0]);
      const t0 = performance.now();
      await readNifti(path);
      asyncRead.push(performance.now() - t0);
    }
    const fmt = (xs: number[]) =>
      `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;
    console.log(`semiseg readNiftiSync          ${fmt(ts)}`);
    console.log(`nibabel np.asanyarray(dataobj) ${fmt(nib)}`);
    console.log(`  readFileSync                 ${fmt(file)}`);
    console.log(`  gunzipSync, default chunks   ${fmt(gzDefault)}`);
    console.log(`  gunzipSync, one chunk (ISIZE) ${fmt(gzHint)}`);
    console.log(`semiseg readNifti (async)      ${fmt(asyncRead)}`);
    console.log(`nifti_read_ratio=${(median(ts) / median(nib)).toFixed(3)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await prefetchBench();
await main();
