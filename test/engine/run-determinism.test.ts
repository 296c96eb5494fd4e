/**
 * A run is a function of its configuration: the same seed gives the same loss at every step whatever
 * ran before in the process (the torch generator is seeded from --seed), another seed differs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { preprocessDataset } from '../../src/data/datasets/index.ts';
import { writePhantomDataset } from '../../src/data/phantom/index.ts';
import { createRun, readMetrics } from '../../src/engine/run-folder.ts';
import { setupRun } from '../../src/engine/run-setup.ts';
import { parseTrainArgs } from '../../src/engine/train-config.ts';
import { train } from '../../src/engine/trainer.ts';
import { randn } from '../../src/torch/index.ts';

test('two runs with the same seed give identical losses; another seed does not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'semiseg-det-'));
  try {
    await writePhantomDataset({ out: join(dir, 'raw'), cases: 10, seed: 0, shape: [16, 32, 32] });
    await preprocessDataset({ task: 'nnunet', dataDir: join(dir, 'raw'), outDir: join(dir, 'data') });
    const run = async (name: string, seed: number): Promise<number[]> => {
      randn([7]).dispose(); // disturb the global generator: the run must not depend on it
      const cfg = parseTrainArgs([
        ...['--task', 'phantom', '--method', 'dhc', '--data', join(dir, 'data'), '--labeled', '40p'],
        ...['--out', join(dir, name), '--seed', String(seed), '--epochs', '1', '--patch', '16,16,16'],
        ...['--filters', '4', '--batch', '1', '--workers', '0', '--validate-every', '1', '--patience', '0'],
      ]);
      const parts = await setupRun(cfg);
      const paths = createRun(cfg.out, parts.runManifest);
      try {
        await train({ ...parts, paths, config: parts.trainer });
      } finally {
        parts.method.dispose();
      }
      return readMetrics(paths)
        .filter((r) => r.type === 'step')
        .map((r) => r.total as number);
    };
    const a = await run('a', 3);
    const b = await run('b', 3);
    const c = await run('c', 4);
    assert.ok(a.length >= 4);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
