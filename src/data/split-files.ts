/**
 * The plain-text split format of the references: one case id per line, `\n`-terminated. Surrounding
 * whitespace and blank lines are ignored (Python's `line.strip()`); ids must be unique and non-empty lists
 * are required. Shared by the shipped reference splits and by newly drawn ones.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt } from './sample.ts';

/**
 * Parses a split list. `file` names the source in error messages. Returns ids in file order. Throws a
 * one-line error for an empty list, an id containing whitespace, or a duplicate id (with both line numbers).
 */
export function parseSplitText(text: string, file: string): string[] {
  const ids: string[] = [];
  const firstLine = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const id = lines[i]!.trim();
    if (id === '') continue;
    if (/\s/.test(id))
      throw new RangeError(`${file}:${i + 1}: id ${fmt(id)} contains whitespace (expected one id per line)`);
    const prev = firstLine.get(id);
    if (prev !== undefined)
      throw new RangeError(`${file}:${i + 1}: duplicate id ${fmt(id)} (first on line ${prev})`);
    firstLine.set(id, i + 1);
    ids.push(id);
  }
  if (ids.length === 0) throw new RangeError(`${file}: empty split (expected one case id per line)`);
  return ids;
}

/** Reads and parses a split file (see `parseSplitText`); a missing file is a one-line error naming it. */
export function readSplitFile(path: string, display = path): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RangeError(`${display}: cannot read split file (${code ?? (e as Error).message})`);
  }
  return parseSplitText(text, display);
}

/** Formats ids in the reference format: one per line, each line `\n`-terminated. An empty list is an error. */
export function formatSplitText(ids: readonly string[]): string {
  if (ids.length === 0) throw new RangeError('split: cannot write an empty list');
  for (const id of ids) {
    if (id === '' || /\s/.test(id))
      throw new RangeError(`split: id ${fmt(id)} is empty or contains whitespace`);
  }
  return ids.map((id) => id + '\n').join('');
}

/** A labeled/unlabeled partition of case ids. */
export interface Partition {
  labeled: string[];
  unlabeled: string[];
}

/**
 * Writes `labeled_<name>.txt` and `unlabeled_<name>.txt` into `dir` (created if missing), each written to a
 * temporary file and renamed, so a crash never leaves a half-written split. Returns both paths.
 */
export function writeSplitFiles(
  dir: string,
  name: string,
  split: Partition,
): { labeled: string; unlabeled: string } {
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    throw new RangeError(`split name: ${fmt(name)} must match [A-Za-z0-9._-]+`);
  checkPartition(split, 'labeled', 'unlabeled');
  mkdirSync(dir, { recursive: true });
  const out = { labeled: join(dir, `labeled_${name}.txt`), unlabeled: join(dir, `unlabeled_${name}.txt`) };
  for (const [path, ids] of [
    [out.labeled, split.labeled],
    [out.unlabeled, split.unlabeled],
  ] as const) {
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, formatSplitText(ids));
    renameSync(tmp, path);
  }
  return out;
}

/** Checks that both sides are non-empty, duplicate-free and disjoint; errors name the two sources. */
export function checkPartition(split: Partition, labeledSrc: string, unlabeledSrc: string): void {
  if (split.labeled.length === 0) throw new RangeError(`${labeledSrc}: empty split (no labeled cases)`);
  if (split.unlabeled.length === 0) throw new RangeError(`${unlabeledSrc}: empty split (no unlabeled cases)`);
  const seen = new Set<string>();
  for (const [src, ids] of [
    [labeledSrc, split.labeled],
    [unlabeledSrc, split.unlabeled],
  ] as const) {
    const local = new Set<string>();
    for (const id of ids) {
      if (local.has(id)) throw new RangeError(`${src}: duplicate id ${fmt(id)}`);
      local.add(id);
      if (seen.has(id))
        throw new RangeError(
          `${unlabeledSrc}: id ${fmt(id)} is also in ${labeledSrc} (labeled and unlabeled must be disjoint)`,
        );
    }
    for (const id of local) seen.add(id);
  }
}

/**
 * Checks every id against the cases a dataset actually has. Throws on the first unknown id, naming
 * `where` (e.g. the split file) and how many cases are known.
 */
export function checkKnownIds(ids: readonly string[], known: Iterable<string>, where: string): void {
  const set = known instanceof Set ? (known as Set<string>) : new Set(known);
  for (const id of ids) {
    if (!set.has(id))
      throw new RangeError(
        `${where}: unknown case id ${fmt(id)} (not among the ${set.size} cases of the dataset)`,
      );
  }
}

/** Short content hash of a partition (sha256 of both lists, first 16 hex digits) for run manifests. */
export function splitHash(split: Partition): string {
  const h = createHash('sha256');
  h.update('labeled\n' + split.labeled.join('\n') + '\nunlabeled\n' + split.unlabeled.join('\n') + '\n');
  return h.digest('hex').slice(0, 16);
}
