import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classCounts, dice, dicePerClass, jaccard, jaccardPerClass } from '../../src/metrics/overlap.ts';
import { close } from './helpers.ts';

test('dice/jaccard: closed forms on binary masks', () => {
  const a = Uint8Array.from([1, 1, 1, 0, 0, 0]);
  const b = Uint8Array.from([0, 1, 1, 1, 0, 0]);
  close(dice(a, b), (2 * 2) / 6, 1e-15, 'dice'); // |A∩B| = 2, |A| = |B| = 3
  close(jaccard(a, b), 2 / 4, 1e-15, 'jaccard');
  assert.equal(dice(a, a), 1);
  assert.equal(jaccard(a, Uint8Array.from([0, 0, 0, 1, 1, 1])), 0);
  // any non-zero value is foreground, as in medpy
  close(dice(Int32Array.from([5, -1, 0]), Uint8Array.from([1, 0, 0])), 2 / 3, 1e-15, 'non-binary');
});

test('dice/jaccard: both empty is undefined (NaN); one empty is 0', () => {
  const z = new Uint8Array(4);
  assert.ok(Number.isNaN(dice(z, z)));
  assert.ok(Number.isNaN(jaccard(z, z)));
  assert.equal(dice(z, Uint8Array.from([0, 1, 0, 0])), 0);
  assert.equal(jaccard(Uint8Array.from([0, 1, 0, 0]), z), 0);
  assert.throws(() => dice(z, new Uint8Array(5)), RangeError);
});

test('classCounts and per-class Dice/Jaccard on label volumes', () => {
  const pred = Int32Array.from([0, 1, 1, 2, 2, 2, 0, 7]);
  const label = Uint8Array.from([0, 1, 2, 2, 2, 0, 0, 1]);
  const c = classCounts(pred, label, 4);
  assert.deepEqual(Array.from(c.pred), [2, 2, 3, 0]); // 7 belongs to no class
  assert.deepEqual(Array.from(c.label), [3, 2, 3, 0]);
  assert.deepEqual(Array.from(c.intersection), [2, 1, 2, 0]);
  const d = dicePerClass(pred, label, 4);
  close(d[1]!, 0.5, 1e-15, 'dice 1');
  close(d[2]!, 4 / 6, 1e-15, 'dice 2');
  assert.ok(Number.isNaN(d[3]!));
  const j = jaccardPerClass(pred, label, 4);
  close(j[0]!, 2 / 3, 1e-15, 'jaccard 0');
  close(j[2]!, 2 / 4, 1e-15, 'jaccard 2');
});

test('spec G10: dc = 0.4444444 (|P∩G| = 12 of 18 + 36 voxels)', () => {
  const P = new Uint8Array(144);
  const G = new Uint8Array(144);
  const at = (d: number, h: number, w: number): number => (d * 6 + h) * 6 + w;
  for (let d = 1; d <= 2; d++) for (let h = 1; h <= 3; h++) for (let w = 1; w <= 3; w++) P[at(d, h, w)] = 1;
  for (let d = 1; d <= 3; d++) for (let h = 2; h <= 4; h++) for (let w = 1; w <= 4; w++) G[at(d, h, w)] = 1;
  close(dice(P, G), 0.4444444, 1e-7, 'dc');
  const c = classCounts(P, G, 2);
  assert.equal(c.intersection[1], 12);
  assert.equal(c.pred[1], 18);
  assert.equal(c.label[1], 36);
});
