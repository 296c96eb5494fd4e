/** The case lists of a run: shipped splits, drawn splits, held-out validation/test cases. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Manifest } from '../../src/data/manifest.ts';
import { resolveSplits } from '../../src/engine/run-setup.ts';

function manifest(n: number, splits: Record<string, string[]> = {}): Manifest {
  const ids = Array.from({ length: n }, (_, i) => `c${String(i).padStart(2, '0')}`);
  return { cases: ids.map((id) => ({ id })), splits: { all: ids, ...splits } } as unknown as Manifest;
}

const disjoint = (...lists: string[][]) => {
  const all = lists.flat();
  return new Set(all).size === all.length;
};

test('without eval/test splits, 20% each are held out, the same for every seed', () => {
  const m = manifest(20);
  const a = resolveSplits(m, '20p', 0);
  const b = resolveSplits(m, '20p', 1);
  assert.equal(a.test.length, 4);
  assert.equal(a.eval.length, 4);
  assert.deepEqual(a.test, b.test);
  assert.deepEqual(a.eval, b.eval);
  assert.equal(a.labeled.length, 2, '20% of the 12-case pool, floored');
  assert.equal(a.labeled.length + a.unlabeled.length, 12);
  assert.ok(disjoint(a.labeled, a.unlabeled, a.eval, a.test));
  assert.notDeepEqual(resolveSplits(m, '50p', 0).labeled, resolveSplits(m, '50p', 3).labeled, 'seeded draw');
});

test('--holdout keeps N cases out as validation and test, never a shipped labeled case', () => {
  const ids = Array.from({ length: 24 }, (_, i) => `c${String(i).padStart(2, '0')}`);
  const m = manifest(24, { labeled_4: ids.slice(0, 4), unlabeled_4: ids.slice(4) });
  const s = resolveSplits(m, '4', 0, 4);
  assert.deepEqual(s.labeled, ids.slice(0, 4));
  assert.equal(s.unlabeled.length, 16);
  assert.deepEqual(s.eval, s.test);
  assert.equal(s.test.length, 4);
  assert.ok(disjoint(s.labeled, s.unlabeled, s.test));
  assert.throws(() => resolveSplits(m, '4', 0, 20), /--holdout 20: expected fewer than 20 cases/);
});

test('bad labeled specs and empty lists give one line', () => {
  const m = manifest(10);
  assert.throws(() => resolveSplits(m, 'lots', 0), /--labeled lots: expected a percentage like 20p/);
  assert.throws(() => resolveSplits(m, '9', 0), /--labeled 9: expected 1\.\.5 cases of 6/);
  assert.throws(() => resolveSplits(manifest(8), '20p', 0), /empty labeled split|labeled/);
});
