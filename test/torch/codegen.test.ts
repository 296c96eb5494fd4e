/** The generated operator wrappers match what the generator produces from the installed libtorch. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { GENERATED_PATH, type OpInfo, readAllowlist, renderOpsFile } from '../../scripts/ops-codegen.ts';
import { native } from '../../src/torch/native.ts';

test('src/torch/generated/ops.ts has not drifted from its generator (run `npm run gen:ops`)', () => {
  const expected = renderOpsFile((n, o) => native.describeOp(n, o) as OpInfo, native.version());
  const actual = readFileSync(GENERATED_PATH, 'utf8');
  assert.ok(actual === expected, 'generated ops differ: regenerate with `npm run gen:ops`');
});

test('every allowlisted operator exists in the installed libtorch and its arguments convert', () => {
  for (const e of readAllowlist()) {
    const info = native.describeOp(e.name, e.overload);
    for (const a of info.args)
      assert.notEqual(a.kind, 'unsupported', `${e.name}.${e.overload}: ${a.name} ${a.type}`);
  }
});
