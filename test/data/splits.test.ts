import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Random } from '../../src/data/random.ts';
import {
  checkKnownIds,
  formatSplitText,
  parseSplitText,
  splitHash,
  writeSplitFiles,
} from '../../src/data/split-files.ts';
import {
  acdcPatientOf,
  drawSplit,
  loadList,
  loadSplit,
  loadSplitFromDir,
  splitNames,
  splitSets,
} from '../../src/data/splits.ts';

/** The development data's own lists (shared/data, next to the project root). */
const SHARED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data');
const noShared = !existsSync(join(SHARED, 'LA', 'train.list'));
const readShared = (rel: string) => readFileSync(join(SHARED, rel), 'utf8').split('\n').filter(Boolean);

test('Synapse: SKCDF set by default, verbatim ids, labeled + unlabeled = train', () => {
  assert.deepEqual(splitSets('synapse'), ['skcdf', 'dhc-2023', 'genericssl']);
  const s = loadSplit({ task: 'synapse', labeled: '20p' });
  assert.equal(s.set, 'skcdf');
  assert.deepEqual(s.labeled, ['0021', '0023', '0028', '0032']);
  assert.equal(s.unlabeled.length, 16);
  assert.equal(s.files.labeled, 'data/splits/synapse/skcdf/labeled_20p.txt');
  assert.ok(s.complete);
  const train = loadList('synapse', 'train');
  assert.deepEqual([...s.labeled, ...s.unlabeled].sort(), train);
  assert.deepEqual(loadList('synapse', 'test'), ['0008', '0027', '0029', '0033', '0037', '0039']);
  for (const [name, nl, nu] of [
    ['10p', 2, 18],
    ['40p', 8, 12],
  ] as const) {
    const x = loadSplit({ task: 'synapse', labeled: name });
    assert.deepEqual([x.labeled.length, x.unlabeled.length], [nl, nu]);
  }
  const old = loadSplit({ task: 'synapse', labeled: '10p', set: 'dhc-2023' });
  assert.deepEqual(old.labeled, ['0023', '0028']);
  // 5 of the 6 HEAD test ids were training cases of the historical split (DHC spec §11 item 3)
  const oldTrain = new Set(loadList('synapse', 'train', 'dhc-2023'));
  assert.equal(loadList('synapse', 'test').filter((id) => oldTrain.has(id)).length, 5);
  assert.deepEqual(loadSplit({ task: 'synapse', labeled: '20p', set: 'genericssl' }).labeled, [
    '0009',
    '0021',
    '0025',
    '0034',
  ]);
});

test('AMOS: counts and the checked facts of the DHC spec', () => {
  const train = loadList('amos', 'train');
  const ev = loadList('amos', 'eval');
  const te = loadList('amos', 'test');
  assert.deepEqual([train.length, ev.length, te.length], [216, 24, 120]);
  assert.equal(new Set([...train, ...ev, ...te]).size, 360);
  const mri = (ids: string[]) => ids.filter((id) => Number(id.slice(5)) >= 500).length;
  for (const [name, nl, nu, nmri] of [
    ['2p', 4, 212, 0],
    ['5p', 10, 206, 3],
    ['10p', 21, 195, 5],
  ] as const) {
    const s = loadSplit({ task: 'amos', labeled: name });
    assert.deepEqual([s.labeled.length, s.unlabeled.length], [nl, nu]);
    assert.deepEqual([...s.labeled, ...s.unlabeled].sort(), train);
    assert.equal(mri(s.labeled), nmri);
  }
  assert.deepEqual(loadSplit({ task: 'amos', labeled: '2p' }).labeled, [
    'amos_0017',
    'amos_0077',
    'amos_0358',
    'amos_0361',
  ]);
  // the 20% split leaks 20 eval cases and misses 44 training cases
  const s20 = loadSplit({ task: 'amos', labeled: '20p' });
  const all20 = new Set([...s20.labeled, ...s20.unlabeled]);
  assert.equal(ev.filter((id) => all20.has(id)).length, 20);
  assert.equal(train.filter((id) => !all20.has(id)).length, 44);
});

test('LA: labeled = first labelnum ids of train.list; partial unlabeled side is flagged', () => {
  const s8 = loadSplit({ task: 'la', labeled: '8' });
  assert.deepEqual(s8.labeled, [
    '06SR5RBREL16DQ6M8LWS',
    '0RZDK210BSMWAA6467LU',
    '1D7CUD1955YZPGK8XHJX',
    '1GU15S0GJ6PFNARO469W',
    '1MHBF3G6DCPWHSKG7XCP',
    '23X6SY44VT9KFHR7S7OC',
    '2XL5HSFSE93RMOJDRGR4',
    '38CWS74285MFGZZXR09Z',
  ]);
  assert.equal(s8.unlabeled.length, 16);
  assert.equal(s8.complete, false);
  assert.match(s8.note!, /holds 24 of the reference's 80 ids: labeled is exact, unlabeled has 16 of 72/);
  assert.deepEqual(loadSplit({ task: 'la', labeled: '5p' }).labeled, s8.labeled.slice(0, 4));
  assert.equal(loadList('la', 'test').length, 20);
  assert.equal(loadList('la', 'test')[0], 'UPT6DX9IQY9JAZ7HJKA7');
});

test('ACDC: labeled slices of 3 and 7 patients from the lookup table; val and test lists', () => {
  const s3 = loadSplit({ task: 'acdc', labeled: '3' });
  assert.equal(s3.labeled.length, 68);
  assert.deepEqual([...new Set(s3.labeled.map(acdcPatientOf))], ['patient099', 'patient038', 'patient050']);
  const s7 = loadSplit({ task: 'acdc', labeled: '10p' });
  assert.equal(s7.name, '7');
  assert.equal(s7.labeled.length, 136);
  assert.deepEqual([...new Set(s7.labeled.map(acdcPatientOf))].slice(3), [
    'patient100',
    'patient058',
    'patient021',
    'patient049',
  ]);
  assert.equal(s7.unlabeled.length, 244);
  assert.equal(s7.complete, false);
  // no labeled patient leaks into the unlabeled side
  const labPatients = new Set(s7.labeled.map(acdcPatientOf));
  assert.ok(s7.unlabeled.every((id) => !labPatients.has(acdcPatientOf(id))));
  assert.equal(loadSplit({ task: 'acdc', labeled: '14' }).labeled.length, 256);
  assert.equal(loadList('acdc', 'test').length, 40);
  const train = loadList('acdc', 'train');
  assert.equal(train.length, 140);
  assert.deepEqual(train.slice(0, 3), ['patient099_frame01', 'patient099_frame02', 'patient038_frame01']);
});

test('split errors: unknown task, set, name, list; prefix beyond the shipped list or the whole list', () => {
  assert.throws(
    () => loadSplit({ task: 'brats', labeled: '20p' }),
    /^RangeError: task: unknown task 'brats' \(expected one of synapse, amos, la, acdc\)$/,
  );
  assert.throws(
    () => loadSplit({ task: 'synapse', labeled: '15p' }),
    /labeled: unknown split '15p' for synapse\/skcdf \(expected one of 10p, 20p, 40p\)/,
  );
  assert.throws(
    () => loadSplit({ task: 'amos', labeled: '40p' }),
    /labeled: unknown split '40p' for amos\/dhc/,
  );
  assert.throws(
    () => loadSplit({ task: 'synapse', labeled: '10p', set: 'genericssl' }),
    /labeled: unknown split '10p' for synapse\/genericssl \(expected one of 20p\)/,
  );
  assert.throws(
    () => loadSplit({ task: 'synapse', labeled: '20p', set: 'nnunet' }),
    /set: unknown split set 'nnunet' for task synapse/,
  );
  assert.throws(
    () => loadSplit({ task: 'la', labeled: 'eight' }),
    /labeled: unknown split 'eight' for la\/ua-mt \(expected one of <labelnum>, 5p, 10p\)/,
  );
  assert.throws(
    () => loadSplit({ task: 'acdc', labeled: '5' }),
    /labeled: unknown split '5' for acdc\/ssl4mis/,
  );
  assert.throws(
    () => loadSplit({ task: 'la', labeled: '30' }),
    /labeled: '30' needs the first 30 ids of data\/splits\/la\/ua-mt\/train.list, which ships only 24 of the reference's 80/,
  );
  assert.throws(
    () => loadSplit({ task: 'acdc', labeled: '70' }),
    /labeled: '70' takes all 1312 ids of .*train_slices.list, leaving an empty unlabeled split/,
  );
  assert.throws(
    () => loadList('la', 'eval'),
    /list: unknown list 'eval' for la\/ua-mt \(expected one of train, test\)/,
  );
  assert.deepEqual(splitNames('acdc').slice(0, 3), ['1', '3', '7']);
});

test('split text: parse, format round trip, empty and duplicate and whitespace errors', () => {
  assert.deepEqual(parseSplitText('b\r\n a \n\nc\n', 'x.txt'), ['b', 'a', 'c']);
  assert.equal(formatSplitText(['0001', '0002']), '0001\n0002\n');
  assert.deepEqual(parseSplitText(formatSplitText(['z', 'y']), 'f'), ['z', 'y']);
  assert.throws(
    () => parseSplitText('\n \n', 'labeled_1p.txt'),
    /^RangeError: labeled_1p.txt: empty split \(expected one case id per line\)$/,
  );
  assert.throws(() => parseSplitText('a\nb\na\n', 'u.txt'), /u.txt:3: duplicate id 'a' \(first on line 1\)/);
  assert.throws(() => parseSplitText('a b\n', 'u.txt'), /u.txt:1: id 'a b' contains whitespace/);
  assert.throws(() => formatSplitText([]), /split: cannot write an empty list/);
});

test('unknown case ids are reported against the dataset', () => {
  const s = loadSplit({ task: 'synapse', labeled: '20p' });
  const cases = loadList('synapse', 'train');
  checkKnownIds(s.labeled, cases, s.files.labeled);
  assert.throws(
    () => checkKnownIds(['0021', '9999'], cases, s.files.labeled),
    /data\/splits\/synapse\/skcdf\/labeled_20p.txt: unknown case id '9999' \(not among the 20 cases of the dataset\)/,
  );
});

test('drawing a split: floor(n r / 100) labeled, deterministic per seed, written and read back in the same format', () => {
  const train = loadList('synapse', 'train');
  const a = drawSplit(train, 20, new Random(1));
  const b = drawSplit(train, 20, new Random(1));
  const c = drawSplit(train, 20, new Random(2));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.labeled, c.labeled);
  assert.equal(a.labeled.length, 4);
  assert.equal(a.unlabeled.length, 16);
  assert.deepEqual([...a.labeled, ...a.unlabeled].sort(), train);
  assert.equal(drawSplit(loadList('amos', 'train'), 5, new Random(0)).labeled.length, 10); // int(216*5/100) = 10
  assert.equal(drawSplit(train, 15, new Random(0)).labeled.length, 3);
  const dir = mkdtempSync(join(tmpdir(), 'semiseg-split-'));
  try {
    const paths = writeSplitFiles(dir, '15p', a);
    assert.equal(readFileSync(paths.labeled, 'utf8'), a.labeled.map((x) => x + '\n').join(''));
    const back = loadSplitFromDir(dir, '15p');
    assert.deepEqual([back.labeled, back.unlabeled], [a.labeled, a.unlabeled]);
    assert.equal(splitHash(back), splitHash(a));
    assert.notEqual(splitHash(c), splitHash(a));
    writeFileSync(join(dir, 'unlabeled_bad.txt'), `${a.labeled[0]}\n`);
    writeFileSync(join(dir, 'labeled_bad.txt'), `${a.labeled[0]}\n`);
    assert.throws(
      () => loadSplitFromDir(dir, 'bad'),
      /unlabeled_bad.txt: id '\d+' is also in .*labeled_bad.txt/,
    );
    assert.throws(() => loadSplitFromDir(dir, 'none'), /labeled_none.txt: cannot read split file \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('drawing by patient keeps all slices of a patient on one side; bad percentages are refused', () => {
  const slices = loadList('acdc', 'train_slices');
  const s = drawSplit(slices, 10, new Random(3), acdcPatientOf); // 20 patients -> 2 labeled
  const lp = new Set(s.labeled.map(acdcPatientOf));
  assert.equal(lp.size, 2);
  assert.ok(s.unlabeled.every((id) => !lp.has(acdcPatientOf(id))));
  assert.equal(s.labeled.length + s.unlabeled.length, 380);
  assert.throws(
    () => drawSplit(slices, 1, new Random(0), acdcPatientOf),
    /percent: 1% of 20 groups gives 0 labeled, leaving an empty labeled split/,
  );
  assert.throws(() => drawSplit(['a', 'b'], 100, new Random(0)), /percent: expected a value in \(0, 100\)/);
  assert.throws(() => drawSplit(['a', 'a', 'b'], 50, new Random(0)), /ids: duplicate id 'a'/);
  assert.throws(() => drawSplit([], 50, new Random(0)), /ids: cannot draw a split from an empty list/);
});

test(
  'shipped LA and ACDC lists equal the development data lists, in file order',
  { skip: noShared && 'shared/data absent' },
  () => {
    assert.deepEqual(loadList('la', 'train'), readShared('LA/train.list'));
    assert.deepEqual(loadList('acdc', 'val'), readShared('ACDC/val.list'));
    assert.deepEqual(loadList('acdc', 'train_slices'), readShared('ACDC/train_slices.list'));
    // the development data's patient list is the first 20 patients of the shipped volume list
    const patients = [...new Set(loadList('acdc', 'train').map(acdcPatientOf))];
    assert.deepEqual(patients.slice(0, 20), readShared('ACDC/train.list'));
  },
);
