/**
 * The seeds' experiment protocol (`train3times_seeds_*.sh`): for each method and seed, train, test on
 * the test split and evaluate; then mean and standard deviation over the seeds, in the papers' table
 * layout (`experiment.md`, `experiment.json`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  aggregateRuns,
  type EvaluationSummary,
  formatClassTable,
  type RunsSummary,
} from '../metrics/index.ts';
import { createRun, runPaths } from './run-folder.ts';
import { setupRun } from './run-setup.ts';
import { testRun } from './test-run.ts';
import type { TrainConfig } from './train-config.ts';
import { train } from './trainer.ts';

export interface ExperimentResult {
  methods: { method: string; runDirs: string[]; runs: EvaluationSummary[]; aggregate: RunsSummary }[];
  table: string;
  classNames: string[];
}

/** Trains and tests every (method, seed) under `outDir/<method>/seed<k>`; `base.out` is ignored. */
export async function runExperiment(opts: {
  base: Omit<TrainConfig, 'method' | 'seed' | 'out'>;
  methods: readonly string[];
  seeds: readonly number[];
  outDir: string;
  log?: (line: string) => void;
}): Promise<ExperimentResult> {
  const log = opts.log ?? (() => {});
  const methods: ExperimentResult['methods'] = [];
  let classNames: string[] = [];
  for (const method of opts.methods) {
    const runs: EvaluationSummary[] = [];
    const runDirs: string[] = [];
    for (const seed of opts.seeds) {
      const out = join(opts.outDir, method, `seed${seed}`);
      const cfg: TrainConfig = { ...opts.base, method, seed, out, resume: false } as TrainConfig;
      const parts = await setupRun(cfg);
      classNames = parts.manifest.classes;
      const paths = createRun(out, parts.runManifest);
      log(
        `${method} seed ${seed}: ${parts.splits.labeled.length} labeled, ${parts.splits.unlabeled.length} unlabeled`,
      );
      const t0 = performance.now();
      try {
        const s = await train({
          method: parts.method,
          source: parts.source,
          validator: parts.validator,
          paths,
          config: parts.trainer,
          log: (l) => log(`  ${l}`),
        });
        log(
          `  ${s.status} in ${((performance.now() - t0) / 1000).toFixed(0)} s; best validation Dice ${(s.bestScore * 100).toFixed(1)}%`,
        );
      } finally {
        parts.method.dispose();
      }
      const r = await testRun(out, 'test');
      runs.push(r.summary);
      runDirs.push(runPaths(out).dir);
    }
    methods.push({ method, runDirs, runs, aggregate: aggregateRuns(runs) });
  }
  const table = formatClassTable(
    methods.map((m) => ({ method: m.method, result: m.aggregate })),
    { classNames: Object.fromEntries(classNames.map((n, i) => [i, n])) },
  );
  mkdirSync(opts.outDir, { recursive: true });
  writeFileSync(join(opts.outDir, 'experiment.md'), `${table}\n`);
  writeFileSync(
    join(opts.outDir, 'experiment.json'),
    `${JSON.stringify({ seeds: opts.seeds, methods: methods.map((m) => ({ method: m.method, runDirs: m.runDirs, aggregate: m.aggregate })) }, null, 1)}\n`,
  );
  return { methods, table, classNames };
}

/**
 * Mean Dice (fraction) of each method over the rarest half of the foreground classes, the rarity
 * given by `counts` (voxels per class, index 0 background).
 */
export function rarestHalfDice(result: ExperimentResult, counts: readonly number[]): Record<string, number> {
  const fg = counts.map((n, c) => ({ n, c })).filter((x) => x.c > 0);
  fg.sort((a, b) => a.n - b.n);
  const rare = fg.slice(0, Math.ceil(fg.length / 2)).map((x) => String(x.c));
  const out: Record<string, number> = {};
  for (const m of result.methods) {
    const per = m.aggregate.mean.classes as Record<string, { dice: number }>;
    out[m.method] = rare.reduce((s, c) => s + (per[c]?.dice ?? 0), 0) / rare.length;
  }
  return out;
}
