/** The training configuration: defaults, config files (JSON, YAML), flags, and one-line errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, parseTrainArgs, TRAIN_DEFAULTS, trainHelp } from '../../src/engine/train-config.ts';

const base = ['--task', 'synapse', '--method', 'dhc', '--data', 'd', '--labeled', '20p', '--out', 'runs/x'];

test('defaults are the references', () => {
  const c = parseTrainArgs(base);
  assert.equal(c.lr, 0.03);
  assert.equal(c.unsupWeight, 0.1);
  assert.equal(c.rampup, true);
  assert.deepEqual(c.patch, [64, 128, 128]);
  assert.equal(c.momentum, 0.9);
  assert.equal(c.weightDecay, 3e-5);
  assert.equal(c.method, 'dhc');
});

test('flags override a YAML file, which overrides the defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'semiseg-cfg-'));
  try {
    const y = join(dir, 'c.yaml');
    writeFileSync(y, 'lr: 0.01\nunsupWeight: 0.5\npatch: [32, 64, 64]\nno_such: 1\n');
    assert.throws(() => parseTrainArgs([...base, '--config', y]), /c\.yaml: no_such: unknown key/);
    writeFileSync(y, 'lr: 0.01\nunsup-weight: 0.5\npatch: [32, 64, 64]\nrampup: false\n');
    const c = parseTrainArgs([...base, '--config', y, '--lr', '0.02']);
    assert.equal(c.lr, 0.02);
    assert.equal(c.unsupWeight, 0.5);
    assert.deepEqual(c.patch, [32, 64, 64]);
    assert.equal(c.rampup, false);
    const j = join(dir, 'c.json');
    writeFileSync(j, JSON.stringify({ epochs: 'ten' }));
    assert.throws(
      () => parseTrainArgs([...base, '--config', j]),
      /c\.json: epochs: expected an integer, got "ten"/,
    );
    writeFileSync(j, '{ bad json');
    assert.throws(() => parseTrainArgs([...base, '--config', j]), /c\.json: not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad flags give one line naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [[...base, '--learning-rate', '1'], /^--learning-rate: unknown flag/],
    [[...base, '--lr', 'abc'], /^lr: expected a number, got "abc"/],
    [[...base, '--lr', '-1'], /^lr: must be > 0/],
    [[...base, '--patch', '64,128'], /^patch: expected three positive integers/],
    [[...base, '--seed'], /^--seed: needs a value/],
    [base.slice(2), /^--task: required/],
    [[...base, 'extra'], /^unexpected argument 'extra'/],
    [[...base, '--config', '/nonexistent.yaml'], /^\/nonexistent\.yaml: cannot read \(ENOENT\)/],
  ];
  for (const [args, re] of cases) {
    assert.throws(
      () => parseTrainArgs(args),
      (e: unknown) => e instanceof ConfigError && re.test(e.message) && !e.message.includes('\n'),
      args.join(' '),
    );
  }
  assert.equal(parseTrainArgs([...base, '--no-rampup']).rampup, false);
  assert.equal(parseTrainArgs([...base, '--resume']).resume, true);
  assert.ok(trainHelp().includes('--unsup-weight'));
  assert.equal(Object.keys(TRAIN_DEFAULTS).length + 5, 24);
});
