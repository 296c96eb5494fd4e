/**
 * `semiseg preprocess` (runPreprocess): help, plain progress lines off a terminal, a redrawn bar on one, the
 * summary, --force, --cases on the real LA data (skipped when absent), and a real child process whose stderr
 * is a pipe (so the default output must be plain lines).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { type PreprocessIo, runPreprocess } from '../../src/cli/preprocess.ts';
import { readManifest } from '../../src/data/manifest.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const GOLD = join(ROOT, 'test', 'fixtures', 'preprocess', 'synapse');
const SHARED = process.env['SEMISEG_SHARED_DATA'] ?? resolve(ROOT, '..', 'shared', 'data');

let dir = '';
let cleanup = () => {};
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'semiseg-cli-'));
  cleanup = () => rmSync(dir, { recursive: true, force: true });
});
after(() => cleanup());

function capture(tty: boolean): PreprocessIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: {
      write: (s: string) => {
        out += s;
        return true;
      },
    },
    err: {
      write: (s: string) => {
        err += s;
        return true;
      },
      isTTY: tty,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

test('--help lists the tasks and each task variants', async () => {
  const io = capture(false);
  assert.equal(await runPreprocess(['--help'], io), 0);
  const text = io.stdout();
  assert.match(text, /^usage: semiseg preprocess --task TASK --data DIR --out DIR/);
  assert.match(text, /synapse: 80x160x160, dhc-head, native, DxHxW/);
  assert.match(text, /la: native/);
  assert.match(text, /nnunet: native, 80x160x160, DxHxW/);
});

test('off a terminal: one plain progress line per case, warnings, then the summary on stdout', async () => {
  const io = capture(false);
  const out = join(dir, 'plain');
  const code = await runPreprocess(
    ['--task', 'synapse', '--data', GOLD, '--out', out, '--variant', '8x10x12'],
    io,
  );
  assert.equal(code, 0);
  const lines = io.stderr().trimEnd().split('\n');
  assert.match(lines[0]!, /^preprocess: 1\/2 0001 \(\d+\.\d s\)$/);
  assert.match(lines[1]!, /^preprocess: 2\/2 0002 \(\d+\.\d s\)$/);
  assert.ok(lines.slice(2).every((l) => l.startsWith("warning: split '")));
  assert.ok(!io.stderr().includes('\r'));
  assert.match(
    io.stdout(),
    /^wrote 2 cases \(synapse, variant 8x10x12\) and .*plain\/manifest.json; splits: all; fingerprint [0-9a-f]{16}\n$/,
  );
  assert.equal(readManifest(out).cases.length, 2);
});

test('on a terminal: a bar redrawn in place, ending with a newline', async () => {
  const io = capture(true);
  await runPreprocess(
    ['--task', 'synapse', '--data', GOLD, '--out', join(dir, 'tty'), '--variant', 'native'],
    io,
  );
  const err = io.stderr();
  const bars = err.split('\n')[0]!.split('\r').filter(Boolean);
  assert.equal(bars.length, 2);
  assert.match(bars[0]!, /^\[#{15}\.{15}\] 1\/2 0001 \d+\.\d s +$/);
  assert.match(bars[1]!, /^\[#{30}\] 2\/2 0002 \d+\.\d s +$/);
});

test('--force overwrites an earlier run; without it a non-empty --out is refused', async () => {
  const out = join(dir, 'again');
  const args = ['--task', 'synapse', '--data', GOLD, '--out', out, '--variant', '4x4x4', '--cases', '0002'];
  assert.equal(await runPreprocess(args, capture(false)), 0);
  await assert.rejects(() => runPreprocess(args, capture(false)), /again: is not empty \(3 entries\)/);
  const io = capture(false);
  assert.equal(await runPreprocess([...args.slice(0, 6), '--variant', '2x2x2', '--force'], io), 0);
  const m = readManifest(out);
  assert.deepEqual(
    m.cases.map((c) => [c.id, c.shape.join('x')]),
    [
      ['0001', '1x2x2x2'],
      ['0002', '1x2x2x2'],
    ],
  );
});

test(
  '--cases on the real LA data: one case, one summary warning line',
  { skip: existsSync(join(SHARED, 'LA')) ? false : `${join(SHARED, 'LA')} is absent` },
  async () => {
    const io = capture(false);
    const out = join(dir, 'la');
    await runPreprocess(
      ['--task', 'la', '--data', join(SHARED, 'LA'), '--out', out, '--cases', '0RZDK210BSMWAA6467LU'],
      io,
    );
    const warnings = io
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('warning:'));
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /^warning: 6 reference splits left out because only the selected cases were preprocessed: train, test, labeled_4/,
    );
    assert.deepEqual(readManifest(out).cases[0]!.shape.slice(0, 2), [1, 88]);
  },
);

test('a real process with stderr on a pipe prints plain lines (no bar)', () => {
  const out = join(dir, 'child');
  const script = `import('./src/cli/preprocess.ts').then((m) => m.runPreprocess(process.argv.slice(1))).then((c) => process.exit(c))`;
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      script,
      '--',
      '--task',
      'synapse',
      '--data',
      GOLD,
      '--out',
      out,
      '--variant',
      '3x3x3',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^preprocess: 1\/2 0001 \(\d+\.\d s\)\npreprocess: 2\/2 0002/);
  assert.match(r.stdout, /^wrote 2 cases \(synapse, variant 3x3x3\)/);
});
