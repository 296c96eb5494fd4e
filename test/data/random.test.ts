import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../src/data/random.ts';

test('xoshiro128** core matches the published sequence for state [1, 2, 3, 4]', () => {
  const r = new Random(0);
  r.restore({ key: r.seedKey, s: [1, 2, 3, 4] });
  assert.deepEqual(
    Array.from({ length: 6 }, () => r.uint32()),
    [11520, 0, 5927040, 70819200, 2031721883, 1637235492],
  );
});

test('seeding through splitmix64 gives the values of an independent Python port', () => {
  const r = new Random(42);
  assert.deepEqual(
    Array.from({ length: 5 }, () => r.uint32()),
    [1776835114, 4165204688, 17111135, 2317295270, 2792088233],
  );
  const z = new Random(0);
  assert.deepEqual(
    Array.from({ length: 3 }, () => z.uint32()),
    [3737715805, 2584255861, 2876756834],
  );
  assert.equal(new Random('42').uint32(), 1776835114);
  assert.equal(new Random(42n).uint32(), 1776835114);
});

test('same seed, same stream; different seeds differ', () => {
  const a = new Random(7);
  const b = new Random(7);
  const c = new Random(8);
  const xa = Array.from({ length: 100 }, () => a.float());
  const xb = Array.from({ length: 100 }, () => b.float());
  const xc = Array.from({ length: 100 }, () => c.float());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
  for (const v of xa) assert.ok(v >= 0 && v < 1);
});

test('split and fork do not depend on how much the parent has drawn', () => {
  const a = new Random(3);
  const b = new Random(3);
  for (let i = 0; i < 17; i++) b.uint32();
  assert.equal(a.split('sampler').uint32(), b.split('sampler').uint32());
  assert.equal(a.fork(5).uint32(), b.fork(5).uint32());
  // distinct labels give distinct streams, and split('1') is not fork(1)
  const seen = new Set([
    a.split('x').uint32(),
    a.split('y').uint32(),
    a.fork(1).uint32(),
    a.split('1').uint32(),
  ]);
  assert.equal(seen.size, 4);
  // deriving does not advance the parent
  const before = a.state();
  a.split('z');
  a.fork(2);
  assert.deepEqual(a.state(), before);
});

test('int is inclusive-exclusive and roughly uniform; errors on empty ranges', () => {
  const r = new Random(11);
  const counts = [0, 0, 0, 0, 0];
  for (let i = 0; i < 50000; i++) {
    const v = r.int(-2, 3);
    counts[v + 2]!++;
  }
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 600, `count ${c}`);
  assert.throws(() => r.int(3, 3), /int: expected integers lo < hi/);
  assert.throws(() => r.int(0, 1.5), /int/);
});

test('normal has mean 0 and variance 1 (within sampling error)', () => {
  const r = new Random(5);
  const n = 40000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const v = r.normal();
    s += v;
    s2 += v * v;
  }
  assert.ok(Math.abs(s / n) < 0.03);
  assert.ok(Math.abs(s2 / n - 1) < 0.04);
});

test('permutation, shuffle and choice', () => {
  const r = new Random(9);
  const p = Array.from(r.permutation(10));
  assert.deepEqual(
    [...p].sort((x, y) => x - y),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.notDeepEqual(p, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const items = ['a', 'b', 'c', 'd'];
  const sh = r.shuffle(items);
  assert.deepEqual(items, ['a', 'b', 'c', 'd'], 'input untouched');
  assert.deepEqual([...sh].sort(), items);
  assert.deepEqual(r.shuffle([]), []);
  assert.ok(items.includes(r.choice(items)));
  assert.throws(() => r.choice([]), /choice: expected a non-empty list/);
});

test('state/restore continues the identical sequence, also through JSON and in a new object', () => {
  const r = new Random(123);
  for (let i = 0; i < 10; i++) r.float();
  const saved = JSON.parse(JSON.stringify(r.state()));
  const expected = Array.from({ length: 20 }, () => r.uint32());
  const resumed = Random.fromState(saved);
  assert.deepEqual(
    Array.from({ length: 20 }, () => resumed.uint32()),
    expected,
  );
  r.restore(saved);
  assert.deepEqual(
    Array.from({ length: 20 }, () => r.uint32()),
    expected,
  );
  assert.throws(() => new Random(124).restore(saved), /random state: key/);
  assert.throws(() => r.restore({ key: saved.key, s: [1, 2, 3] } as never), /random state: expected/);
});

test('bad seeds are rejected with the field named', () => {
  assert.throws(() => new Random(-1), /seed: expected a non-negative/);
  assert.throws(() => new Random(1.5), /seed: expected a non-negative/);
  assert.throws(() => new Random('abc'), /seed: expected a decimal/);
});
