/**
 * The trainer: exact resume (in-process and after a SIGKILL), atomic checkpoints under kills, the
 * non-finite-loss stop, validation and best checkpoints, and flat memory over a run.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '../../src/engine/checkpoint.ts';
import { readMetrics, runPaths } from '../../src/engine/run-folder.ts';
import { liveTensors } from '../../src/torch/index.ts';
import { tinyTrain } from './fixtures/tiny-run.ts';

const CHILD = fileURLToPath(new URL('./fixtures/train-child.ts', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'semiseg-train-'));

function stepLosses(dir: string): number[] {
  return readMetrics(runPaths(dir))
    .filter((r) => r.type === 'step')
    .map((r) => r.total as number);
}

test('a DHC run trains, validates every epoch, keeps the best models, and leaks no tensor', async () => {
  const dir = tmp();
  try {
    const before = liveTensors();
    const { summary, paths } = await tinyTrain(dir, 'dhc');
    assert.equal(summary.status, 'finished');
    assert.equal(summary.epochsRun, 4, 'epochs 0..3');
    assert.equal(summary.iterations, 16, '4 iterations per epoch (repeat rule, 4 unlabeled / batch 1)');
    const m = readMetrics(paths);
    const vals = m.filter((r) => r.type === 'val');
    assert.equal(vals.length, 4);
    assert.ok(existsSync(paths.best) && existsSync(paths.last));
    const steps = m.filter((r) => r.type === 'step');
    assert.ok(steps.every((s) => Array.isArray(s.weights_A) && (s.weights_A as number[]).length === 3));
    assert.equal(steps[0]!.lr, 0.05);
    assert.equal(liveTensors(), before, 'live tensors after the run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resume in a new process after SIGKILL continues the loss sequence bitwise (CPU)', async () => {
  const ref = tmp();
  const killed = tmp();
  try {
    await tinyTrain(ref, 'dhc');
    const want = stepLosses(ref);
    // Start a child, kill it once it has checkpointed at least one epoch and is mid-way in the next.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, killed, 'dhc'], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const steps = existsSync(runPaths(killed).metrics) ? stepLosses(killed).length : 0;
        if (steps >= 6) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 5);
      child.once('exit', () => {
        clearInterval(timer);
        reject(new Error('the child finished before it could be killed'));
      });
    });
    await new Promise((r) => child.once('exit', r));
    const record = readCheckpoint(runPaths(killed).last);
    for (const t of record.tensors.values()) t.dispose();
    assert.ok(
      record.record.iteration >= 4 && record.record.iteration < 16,
      `checkpoint at ${record.record.iteration}`,
    );
    const resumed = spawn(process.execPath, ['--import', 'tsx', CHILD, killed, 'dhc', '--resume'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    resumed.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise((r) => resumed.once('exit', r));
    assert.equal(code, 0);
    assert.equal(JSON.parse(out).status, 'finished');
    const got = stepLosses(killed);
    assert.equal(got.length, want.length);
    assert.deepEqual(got, want, 'the loss of every step equals the uninterrupted run');
  } finally {
    rmSync(ref, { recursive: true, force: true });
    rmSync(killed, { recursive: true, force: true });
  }
});

test('stop and resume in-process continues bitwise, also with worker threads', async () => {
  const ref = tmp();
  const split = tmp();
  try {
    await tinyTrain(ref, 'cps', { workers: 2 });
    const first = await tinyTrain(split, 'cps', { stopAfterIterations: 6 });
    assert.equal(first.summary.status, 'stopped');
    await tinyTrain(split, 'cps', { resume: true });
    assert.deepEqual(stepLosses(split), stepLosses(ref));
  } finally {
    rmSync(ref, { recursive: true, force: true });
    rmSync(split, { recursive: true, force: true });
  }
});

test('a kill during a checkpoint write leaves the previous checkpoint loadable', async () => {
  const dir = tmp();
  try {
    await tinyTrain(dir, 'supervised', { stopAfterIterations: 2 });
    const last = runPaths(dir).last;
    const good = readFileSync(last);
    // A child that rewrites the checkpoint in a loop; kill it at several moments.
    const loop = `
      import { tinyTrain } from ${JSON.stringify(fileURLToPath(new URL('./fixtures/tiny-run.ts', import.meta.url)))};
      for (;;) await tinyTrain(${JSON.stringify(dir)}, 'supervised', { resume: true, stopAfterIterations: 1 });
    `;
    for (const delay of [150, 400, 900, 1400]) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', loop], {
        stdio: 'ignore',
      });
      await new Promise((r) => setTimeout(r, delay + 800));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const c = readCheckpoint(last);
      assert.equal(c.record.method, 'supervised');
      assert.ok(c.tensors.size > 0);
      for (const t of c.tensors.values()) t.dispose();
    }
    assert.ok(good.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
