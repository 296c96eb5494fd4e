/**
 * A run folder: `manifest.json` (config, seed, versions, split hash), `metrics.jsonl` (one JSON object
 * per step, validation and event), `checkpoints/last.pt` and `checkpoints/best.pt`.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../torch/index.ts';

export interface RunPaths {
  dir: string;
  manifest: string;
  metrics: string;
  last: string;
  best: string;
}

export function runPaths(dir: string): RunPaths {
  return {
    dir,
    manifest: join(dir, 'manifest.json'),
    metrics: join(dir, 'metrics.jsonl'),
    last: join(dir, 'checkpoints', 'last.pt'),
    best: join(dir, 'checkpoints', 'best.pt'),
  };
}

/** Creates a new run folder with its manifest; refuses a folder that already holds a run. */
export function createRun(dir: string, manifest: object): RunPaths {
  const p = runPaths(dir);
  if (existsSync(p.manifest)) throw new Error(`${dir}: already holds a run (use --resume to continue it)`);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir}: exists and is not empty`);
  mkdirSync(join(dir, 'checkpoints'), { recursive: true });
  writeFileAtomic(p.manifest, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  writeFileSync(p.metrics, '');
  return p;
}

/** Opens an existing run for resuming; returns its paths and manifest. */
export function openRun(dir: string): { paths: RunPaths; manifest: Record<string, unknown> } {
  const p = runPaths(dir);
  if (!existsSync(p.manifest)) throw new Error(`${dir}: no run here (manifest.json is missing)`);
  if (!existsSync(p.last)) throw new Error(`${dir}: the run has no checkpoint yet (checkpoints/last.pt)`);
  return { paths: p, manifest: JSON.parse(readFileSync(p.manifest, 'utf8')) as Record<string, unknown> };
}

/** Appends one JSON record to metrics.jsonl. */
export function appendMetrics(p: RunPaths, record: object): void {
  appendFileSync(p.metrics, `${JSON.stringify(record)}\n`);
}

/** The records of metrics.jsonl (an unfinished last line, from a kill, is dropped). */
export function readMetrics(p: RunPaths): Record<string, unknown>[] {
  if (!existsSync(p.metrics)) return [];
  const out: Record<string, unknown>[] = [];
  for (const line of readFileSync(p.metrics, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // a line cut by a kill
    }
  }
  return out;
}

/**
 * Keeps only the records written before global iteration `iteration` (what a resume replays from):
 * steps with a smaller iteration and validations of earlier epochs.
 */
export function truncateMetrics(p: RunPaths, iteration: number, epoch: number): void {
  const keep = readMetrics(p).filter((r) =>
    r.type === 'step'
      ? (r.iteration as number) < iteration
      : r.type === 'val'
        ? (r.epoch as number) < epoch
        : true,
  );
  writeFileAtomic(p.metrics, new TextEncoder().encode(keep.map((r) => `${JSON.stringify(r)}\n`).join('')));
}
