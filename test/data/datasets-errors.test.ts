/**
 * Malformed inputs across the dataset layer: every case (tables in error-cases-raw.ts and error-cases-files.ts)
 * must fail with ONE error line that names the file or field and says what was expected, never a crash, a
 * stack of lines or a wrong array. The IO layer's own malformed files are in test/io/errors.test.ts; the cases
 * here are the dataset layer's (a few pass an IO error through an adapter, to show it arrives unchanged). The
 * last test counts them.
 */

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ErrorCase, fx } from './error-cases.ts';
import { fileCases } from './error-cases-files.ts';
import { rawCases } from './error-cases-raw.ts';
import { tempDir } from './preprocess-helpers.ts';

let cleanup = () => {};
before(() => {
  ({ dir: fx.dir, cleanup } = tempDir());
});
after(() => cleanup());

const cases: ErrorCase[] = [...rawCases(), ...fileCases()];

for (const c of cases) {
  test(`error: ${c.name}`, async () => {
    let err: unknown;
    try {
      await c.run();
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof Error, `${c.name}: expected an error, got ${String(err)}`);
    const msg = err.message;
    assert.ok(!msg.includes('\n'), `${c.name}: message has several lines: ${JSON.stringify(msg)}`);
    assert.match(msg, c.message);
    assert.ok(/expected|needs a value/.test(msg), `${c.name}: message says what was expected: ${msg}`);
    assert.ok(
      ['DataError', 'IoError', 'UsageError', 'Error'].includes(err.name) && !(err instanceof TypeError),
    );
  });
}

test('the dataset layer enumerates at least 25 malformed inputs of its own', () => {
  assert.ok(cases.length >= 25, `${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
});
