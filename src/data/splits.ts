/**
 * Reference labeled/unlabeled splits of Synapse, AMOS, LA and ACDC, shipped as plain-text id lists under
 * `data/splits/<task>/<set>/` (sources and gaps: `data/splits/README.md`), and drawing of new splits.
 *
 * Two reference conventions:
 * - `files` (DHC spec §1 "Splits", SKCDF spec §3.3): `labeled_<r>p.txt` / `unlabeled_<r>p.txt` next to
 *   `train.txt`, `eval.txt`, `test.txt`; the loader sorts ids (the references' `read_list` sorts).
 * - `prefix` (CML spec §2.1, §2.2): the labeled set is the first N ids of a list in file order, the unlabeled
 *   set the rest. LA: N = labelnum over `train.list` (80 ids in the reference). ACDC: N slices of
 *   `train_slices.list` from the patients -> slices table {1:32, 3:68, 7:136, 14:256, 21:396, 28:512,
 *   35:664, 70:1312}.
 */

import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Random } from './random.ts';
import { fmt } from './sample.ts';
import { checkPartition, type Partition, readSplitFile } from './split-files.ts';

/** The tasks with shipped reference splits. */
export type TaskName = 'synapse' | 'amos' | 'la' | 'acdc';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SPLITS_ROOT = join(REPO_ROOT, 'data', 'splits');

interface ListInfo {
  file: string;
  /** Number of ids in the reference list; the shipped file may hold fewer (then it is partial). */
  expected: number;
}

interface SetInfo {
  style: 'files' | 'prefix';
  lists: Record<string, ListInfo>;
  /** files: available names (`20p`); prefix: name -> number of leading ids (`null`: any integer labelnum). */
  labeled: Record<string, number> | null;
  /** prefix: which list the labeled prefix is taken from. */
  prefixList?: string;
  aliases?: Record<string, string>;
}

const dhcLists = (train: number, evalN: number, test: number): Record<string, ListInfo> => ({
  train: { file: 'train.txt', expected: train },
  eval: { file: 'eval.txt', expected: evalN },
  test: { file: 'test.txt', expected: test },
});

const TASKS: Record<TaskName, { defaultSet: string; sets: Record<string, SetInfo> }> = {
  synapse: {
    defaultSet: 'skcdf',
    sets: {
      // SKCDF's committed lists; its test.txt equals DHC HEAD's only Synapse file.
      skcdf: { style: 'files', lists: dhcLists(20, 4, 6), labeled: { '10p': 0, '20p': 0, '40p': 0 } },
      // DHC's historical lists (commit 3a09c34), deleted at DHC HEAD; test differs from HEAD's.
      'dhc-2023': { style: 'files', lists: dhcLists(20, 4, 6), labeled: { '10p': 0, '20p': 0, '40p': 0 } },
      // GenericSSL's split (DHC spec: "likely HEAD Synapse split"); 20% only.
      genericssl: { style: 'files', lists: dhcLists(20, 4, 6), labeled: { '20p': 0 } },
    },
  },
  amos: {
    defaultSet: 'dhc',
    sets: {
      dhc: {
        style: 'files',
        lists: dhcLists(216, 24, 120),
        labeled: { '2p': 0, '5p': 0, '10p': 0, '20p': 0 },
      },
    },
  },
  la: {
    defaultSet: 'ua-mt',
    sets: {
      'ua-mt': {
        style: 'prefix',
        lists: { train: { file: 'train.list', expected: 80 }, test: { file: 'test.list', expected: 20 } },
        labeled: null,
        prefixList: 'train',
        aliases: { '5p': '4', '10p': '8' },
      },
    },
  },
  acdc: {
    defaultSet: 'ssl4mis',
    sets: {
      ssl4mis: {
        style: 'prefix',
        lists: {
          train: { file: 'train.list', expected: 140 },
          val: { file: 'val.list', expected: 20 },
          test: { file: 'test.list', expected: 40 },
          train_slices: { file: 'train_slices.list', expected: 1312 },
        },
        labeled: { '1': 32, '3': 68, '7': 136, '14': 256, '21': 396, '28': 512, '35': 664, '70': 1312 },
        prefixList: 'train_slices',
        aliases: { '5p': '3', '10p': '7' },
      },
    },
  },
};

/** A loaded labeled/unlabeled split with its provenance. */
export interface LabeledSplit extends Partition {
  task: string;
  set: string;
  /** Canonical split name: `20p` (files style) or the labelnum / patient count (`8`, `7`). */
  name: string;
  /** Source files relative to the repository root. */
  files: { labeled: string; unlabeled: string };
  /** False when the shipped list is shorter than the reference list (the unlabeled side is then partial). */
  complete: boolean;
  note?: string;
}

function taskInfo(task: string): { defaultSet: string; sets: Record<string, SetInfo> } {
  if (!Object.hasOwn(TASKS, task)) {
    throw new RangeError(
      `task: unknown task ${fmt(task)} (expected one of ${Object.keys(TASKS).join(', ')})`,
    );
  }
  return TASKS[task as TaskName];
}

function setInfo(task: string, set: string | undefined): [string, SetInfo] {
  const t = taskInfo(task);
  const name = set ?? t.defaultSet;
  if (!Object.hasOwn(t.sets, name)) {
    throw new RangeError(
      `set: unknown split set ${fmt(name)} for task ${task} (expected one of ${Object.keys(t.sets).join(', ')})`,
    );
  }
  return [name, t.sets[name]!];
}

function display(path: string): string {
  return relative(REPO_ROOT, path);
}

/** Names of the shipped split sets of a task; the first is the default. Throws on an unknown task. */
export function splitSets(task: string): string[] {
  const t = taskInfo(task);
  return [t.defaultSet, ...Object.keys(t.sets).filter((s) => s !== t.defaultSet)];
}

/** Names accepted by `loadSplit` for a task/set (`['10p','20p','40p']`, `['<labelnum>', '5p', '10p']`, ...). */
export function splitNames(task: string, set?: string): string[] {
  const [, info] = setInfo(task, set);
  const base = info.labeled ? Object.keys(info.labeled) : ['<labelnum>'];
  return [...base, ...Object.keys(info.aliases ?? {})];
}

/**
 * Reads one shipped list (`train`, `eval`, `test`; ACDC also `val` and `train_slices`) of a task. Ids are
 * sorted for `files`-style sets (as the references' read_list) and kept in file order for `prefix` sets.
 */
export function loadList(task: string, list: string, set?: string): string[] {
  const [setName, info] = setInfo(task, set);
  if (!Object.hasOwn(info.lists, list)) {
    throw new RangeError(
      `list: unknown list ${fmt(list)} for ${task}/${setName} (expected one of ${Object.keys(info.lists).join(', ')})`,
    );
  }
  const path = join(SPLITS_ROOT, task, setName, info.lists[list]!.file);
  const ids = readSplitFile(path, display(path));
  return info.style === 'files' ? ids.sort() : ids;
}

/**
 * Loads a reference labeled/unlabeled split by name, e.g. `{ task: 'synapse', labeled: '20p' }`,
 * `{ task: 'la', labeled: '8' }`, `{ task: 'acdc', labeled: '7' }` (aliases: LA 5p/10p = 4/8 cases,
 * ACDC 5p/10p = 3/7 patients). Throws one-line errors for an unknown task, set or name, an empty side,
 * duplicates, overlapping sides, or a prefix longer than the shipped list.
 */
export function loadSplit(opts: { task: string; labeled: string; set?: string }): LabeledSplit {
  const { task } = opts;
  const [setName, info] = setInfo(task, opts.set);
  const raw = String(opts.labeled);
  const name = info.aliases?.[raw] ?? raw;
  const where = `${task}/${setName}`;
  const unknown = () =>
    new RangeError(
      `labeled: unknown split ${fmt(raw)} for ${where} (expected one of ${splitNames(task, setName).join(', ')})`,
    );
  if (info.style === 'files') {
    if (!info.labeled || !Object.hasOwn(info.labeled, name)) throw unknown();
    const lp = join(SPLITS_ROOT, task, setName, `labeled_${name}.txt`);
    const up = join(SPLITS_ROOT, task, setName, `unlabeled_${name}.txt`);
    const split = {
      labeled: readSplitFile(lp, display(lp)).sort(),
      unlabeled: readSplitFile(up, display(up)).sort(),
    };
    checkPartition(split, display(lp), display(up));
    return {
      task,
      set: setName,
      name,
      ...split,
      files: { labeled: display(lp), unlabeled: display(up) },
      complete: true,
    };
  }
  // prefix style
  let count: number;
  if (info.labeled) {
    if (!Object.hasOwn(info.labeled, name)) throw unknown();
    count = info.labeled[name]!;
  } else {
    if (!/^[1-9][0-9]*$/.test(name)) throw unknown();
    count = Number(name);
  }
  const listInfo = info.lists[info.prefixList!]!;
  const path = join(SPLITS_ROOT, task, setName, listInfo.file);
  const file = display(path);
  const ids = readSplitFile(path, file);
  if (count >= listInfo.expected) {
    throw new RangeError(
      `labeled: ${fmt(raw)} takes all ${listInfo.expected} ids of ${file}, leaving an empty unlabeled split`,
    );
  }
  if (count >= ids.length) {
    throw new RangeError(
      `labeled: ${fmt(raw)} needs the first ${count} ids of ${file}, which ships only ${ids.length} of the reference's ${listInfo.expected} (see data/splits/README.md)`,
    );
  }
  const split = { labeled: ids.slice(0, count), unlabeled: ids.slice(count) };
  checkPartition(split, file, file);
  const complete = ids.length === listInfo.expected;
  const out: LabeledSplit = {
    task,
    set: setName,
    name,
    ...split,
    files: { labeled: file, unlabeled: file },
    complete,
  };
  if (!complete) {
    out.note = `${file} holds ${ids.length} of the reference's ${listInfo.expected} ids: labeled is exact, unlabeled has ${split.unlabeled.length} of ${listInfo.expected - count}`;
  }
  return out;
}

/**
 * Loads a split written by `writeSplitFiles` (or any `labeled_<name>.txt` / `unlabeled_<name>.txt` pair)
 * from `dir`; ids sorted. Same errors as `loadSplit`.
 */
export function loadSplitFromDir(dir: string, name: string, task = 'custom'): LabeledSplit {
  const lp = join(dir, `labeled_${name}.txt`);
  const up = join(dir, `unlabeled_${name}.txt`);
  const split = { labeled: readSplitFile(lp).sort(), unlabeled: readSplitFile(up).sort() };
  checkPartition(split, lp, up);
  return { task, set: dir, name, ...split, files: { labeled: lp, unlabeled: up }, complete: true };
}

/**
 * Draws a new labeled/unlabeled split like DHC's `process_split_semi` (DHC spec §1): sort the ids (or their
 * groups), permute with `rng`, take the first floor(n * percent / 100) as labeled. With `groupOf` whole groups
 * move together (ACDC: all slices of a patient; use `acdcPatientOf`). Both sides are returned sorted.
 * Throws when either side would be empty or the ids are empty/duplicated. Not numpy's permutation: the same
 * seed does not reproduce the reference files (their generation was unseeded anyway).
 */
export function drawSplit(
  ids: readonly string[],
  percent: number,
  rng: Random,
  groupOf: (id: string) => string = (id) => id,
): Partition {
  if (!(percent > 0 && percent < 100))
    throw new RangeError(`percent: expected a value in (0, 100), got ${percent}`);
  if (ids.length === 0) throw new RangeError('ids: cannot draw a split from an empty list of cases');
  const groups = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new RangeError(`ids: duplicate id ${fmt(id)}`);
    seen.add(id);
    const g = groupOf(id);
    const list = groups.get(g);
    if (list) list.push(id);
    else groups.set(g, [id]);
  }
  const keys = [...groups.keys()].sort();
  const n = Math.floor((keys.length * percent) / 100);
  if (n === 0 || n === keys.length) {
    throw new RangeError(
      `percent: ${percent}% of ${keys.length} ${keys.length === ids.length ? 'cases' : 'groups'} gives ${n} labeled, leaving an empty ${n === 0 ? 'labeled' : 'unlabeled'} split`,
    );
  }
  const perm = rng.shuffle(keys);
  const pick = (ks: string[]) => ks.flatMap((k) => groups.get(k)!).sort();
  return { labeled: pick(perm.slice(0, n)), unlabeled: pick(perm.slice(n)) };
}

/** Group key of an ACDC slice or volume id: the patient (`patient099_frame01_slice_3` -> `patient099`). */
export function acdcPatientOf(id: string): string {
  return id.split('_')[0]!;
}
