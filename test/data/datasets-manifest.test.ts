/**
 * The dataset manifest: write then read gives the same object (fingerprint set by the writer, atomic, no
 * temporary file left), and every validation rule gives one `DataError` line naming the file and the field.
 */

import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DataError } from '../../src/data/data-error.ts';
import {
  canonicalJson,
  findCase,
  type Manifest,
  manifestFingerprint,
  readManifest,
  writeManifest,
} from '../../src/data/manifest.ts';
import { checkManifest } from '../../src/data/manifest-check.ts';
import { sampleManifest } from './datasets-helpers.ts';
import { tempDir } from './preprocess-helpers.ts';

let dir = '';
let cleanup = () => {};
before(() => {
  ({ dir, cleanup } = tempDir());
});
after(() => cleanup());

test('manifest round trip: write sets the fingerprint, read returns the same object, no temporary file left', () => {
  const m = sampleManifest();
  const out = join(dir, 'rt');
  mkdirSync(out);
  const written = writeManifest(out, m);
  assert.equal(written.preprocessing.fingerprint, manifestFingerprint(written));
  assert.notEqual(written.preprocessing.fingerprint, '0'.repeat(64));
  assert.equal(m.preprocessing.fingerprint, '0'.repeat(64), 'the input is not modified');
  const back = readManifest(out);
  assert.deepEqual(back, written);
  assert.deepEqual(readManifest(join(out, 'manifest.json')), written);
  assert.deepEqual(readdirSync(out), ['manifest.json']);
  const text = readFileSync(join(out, 'manifest.json'), 'utf8');
  assert.ok(text.endsWith('}\n'));
});

test('fingerprint: splits, notes, name and time do not change it; shapes, digests, steps do', () => {
  const w = writeManifest(join(dir, 'fp.json'), sampleManifest());
  const fp = w.preprocessing.fingerprint;
  const same = structuredClone(w);
  same.name = 'Other';
  same.splits = { all: ['0001'] };
  same.preprocessing.notes = [];
  same.preprocessing.created = '2030-01-01T00:00:00.000Z';
  same.preprocessing.source = '/elsewhere';
  assert.equal(manifestFingerprint(same), fp);
  const edits: ((m: Manifest) => void)[] = [
    (m) => {
      m.cases[0]!.sha256.image = 'b'.repeat(64);
    },
    (m) => {
      m.cases[1]!.shape = [1, 2, 3, 4];
    },
    (m) => {
      m.preprocessing.steps = [];
    },
    (m) => {
      m.preprocessing.onLoad = [{ op: 'halve-hw' }];
    },
    (m) => {
      m.classes = ['background', 'spleen', 'kidney'];
    },
  ];
  for (const edit of edits) {
    const m = structuredClone(w);
    edit(m);
    assert.notEqual(manifestFingerprint(m), fp);
  }
  assert.equal(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }), '{"a":[2,{"c":4,"d":3}],"b":1}');
});

test('a hand-edited manifest: split edits still read; content edits are refused unless verify is off', () => {
  const file = join(dir, 'edited.json');
  const w = writeManifest(file, sampleManifest());
  const splitsEdited = { ...w, splits: { all: ['0001', '0002'], mine: ['s_1'] } };
  writeFileSync(file, JSON.stringify(splitsEdited));
  assert.deepEqual(readManifest(file).splits, splitsEdited.splits);
  const shapeEdited = structuredClone(w);
  shapeEdited.cases[0]!.spacing = [1, 1, 1];
  writeFileSync(file, JSON.stringify(shapeEdited));
  assert.throws(
    () => readManifest(file),
    /^DataError: .*edited.json: preprocessing.fingerprint: [0-9a-f]{12}\.\.\. does not match the content/,
  );
  assert.deepEqual(readManifest(file, { verify: false }).cases[0]!.spacing, [1, 1, 1]);
});

test('findCase names the manifest and a few known ids', () => {
  const m = sampleManifest();
  assert.equal(findCase(m, '0002').shape.join(), '1,2,3,3');
  assert.throws(
    () => findCase(m, 'nope', 'out/manifest.json'),
    /^DataError: out\/manifest.json: cases: unknown case id 'nope'; expected one of the 3 ids \(0001, 0002, s_1\)$/,
  );
});

test('checkManifest accepts 2D and 3D cases, unlabeled cases and custom split names', () => {
  const m = checkManifest(JSON.parse(JSON.stringify(sampleManifest())), 'm.json');
  assert.equal(m.cases.length, 3);
  assert.ok(new DataError('w', 'p', 'e').message === 'w: p; expected e');
});
