/**
 * Testing a run (`semiseg test`): rebuilds the method from the run's manifest, loads the best models,
 * predicts every case of a split by sliding windows over the whole preprocessed volume (patch = the
 * training patch, strides of half a patch, averaged logits of two-net methods, constant weights), writes
 * the label volumes as `.npy`, and evaluates them against the labels (`summary.json`, `summary.md`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPreprocessedCase } from '../data/datasets/index.ts';
import { readManifest } from '../data/manifest.ts';
import { encodeNpy } from '../io/index.ts';
import { aggregateRuns, type EvaluationSummary, evaluateCases, formatClassTable } from '../metrics/index.ts';
import { fromArray, inferenceMode, scope } from '../torch/index.ts';
import { readCheckpoint } from './checkpoint.ts';
import { predictVolume } from './inference/index.ts';
import { openRun, runPaths } from './run-folder.ts';
import { createMethod, predictionDir, type RunSplits } from './run-setup.ts';
import type { TrainConfig } from './train-config.ts';

export interface TestResult {
  summary: EvaluationSummary;
  markdown: string;
  dir: string;
}

/** Predicts and evaluates `split` (`test`, `eval`, ...) of the run in `runDir`. */
export async function testRun(
  runDir: string,
  split = 'test',
  opts: { policy?: 'strict' | 'reference-dhc'; log?: (s: string) => void } = {},
): Promise<TestResult> {
  const { manifest: run } = openRun(runDir);
  const cfg = run.config as TrainConfig;
  const splits = run.splits as RunSplits;
  const ids = (splits as unknown as Record<string, string[]>)[split];
  if (!ids)
    throw new Error(`${runDir}: no split '${split}' (expected one of: ${Object.keys(splits).join(', ')})`);
  const manifest = readManifest(cfg.data);
  const numClasses = manifest.classes.length;
  const method = createMethod(cfg, manifest, new Array<number>(numClasses).fill(1));
  const out = predictionDir(runDir, split);
  mkdirSync(out, { recursive: true });
  try {
    const best = readCheckpoint(runPaths(runDir).best);
    try {
      const models = new Map([...best.tensors].filter(([k]) => k.startsWith('model.')));
      const state = new Map([...method.state()].filter(([k]) => !k.startsWith('model.')));
      for (const [k, v] of models) state.set(k, v);
      method.load(state);
    } finally {
      for (const t of best.tensors.values()) t.dispose();
    }
    for (const m of Object.values(method.models)) m.eval();
    const items = [];
    for (const id of ids) {
      const s = await loadPreprocessedCase(cfg.data, id);
      const labels = scope(() =>
        inferenceMode(() => {
          const x = fromArray(s.image, s.shape);
          const stride = cfg.patch.map((p) => Math.max(1, Math.floor(p / 2)));
          const pred = predictVolume(x, (b) => method.predict(b), {
            mode: 'sliding-window',
            patchSize: cfg.patch,
            stride,
            weighting: 'constant',
            windowRule: 'clamped',
            combine: 'logits',
            keepProbabilities: false,
          });
          return pred.labels.toArray() as Uint8Array;
        }),
      );
      const shape = s.shape.slice(1);
      writeFileSync(join(out, `${id}.npy`), encodeNpy(labels, shape));
      items.push({ case: id, pred: labels, label: s.label!, shape });
      opts.log?.(`predicted ${id}`);
    }
    const spacing = manifest.cases.find((c) => c.id === ids[0])?.spacing ?? undefined;
    const summary = evaluateCases(items, { numClasses, spacing, policy: opts.policy ?? 'strict' });
    const markdown = formatClassTable(
      [{ method: `${cfg.method} (seed ${cfg.seed})`, result: aggregateRuns([summary]) }],
      {
        classNames: Object.fromEntries(manifest.classes.map((n, i) => [i, n])),
      },
    );
    writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summary, null, 1)}\n`);
    writeFileSync(join(out, 'summary.md'), `${markdown}\n`);
    return { summary, markdown, dir: out };
  } finally {
    method.dispose();
  }
}
