/**
 * The named splits written into a manifest: `all` (every case) plus the shipped reference lists and
 * labeled/unlabeled splits of the task (`data/splits/`, loaded through `../splits.ts`) whose ids are all present
 * in the preprocessed data. A reference split with missing ids is left out with a warning, never truncated:
 * a partial `labeled_20p` would silently change the experiment.
 */

import { loadList, loadSplit, type TaskName } from '../splits.ts';

const LISTS: Record<TaskName, string[]> = {
  synapse: ['train', 'eval', 'test'],
  amos: ['train', 'eval', 'test'],
  la: ['train', 'test'],
  acdc: ['train', 'val', 'test', 'train_slices'],
};

const LABELED: Record<TaskName, string[]> = {
  synapse: ['10p', '20p', '40p'],
  amos: ['2p', '5p', '10p', '20p'],
  la: ['4', '8'],
  acdc: ['1', '3', '7', '14', '21', '28', '35'],
};

/**
 * `{ all, <list>, labeled_<name>, unlabeled_<name> }` for `ids` (kept in the given order for `all`). Reference
 * lists keep their loader's order (sorted for DHC-style sets, file order for LA/ACDC). Every reference split
 * with an id not in `ids`, or that cannot be built from the shipped files, is left out and reported in
 * `warnings` (one line each). A partial shipped list (LA train, ACDC train slices: see data/splits/README.md)
 * still gives its unlabeled split when all its ids are present, with a line in `notes` saying it is partial.
 * Empty `ids` gives no splits at all.
 */
export function referenceSplits(
  task: TaskName,
  ids: readonly string[],
  set?: string,
): { splits: Record<string, string[]>; warnings: string[]; notes: string[] } {
  const splits: Record<string, string[]> = {};
  const warnings: string[] = [];
  const notes: string[] = [];
  if (ids.length === 0) return { splits, warnings, notes };
  const present = new Set(ids);
  splits['all'] = [...ids];
  const offer = (name: string, list: string[], from: string) => {
    const missing = list.filter((id) => !present.has(id)).length;
    if (missing === 0) splits[name] = list;
    else
      warnings.push(
        `split '${name}' (${from}) left out: ${missing} of its ${list.length} ids are not in the preprocessed cases`,
      );
  };
  for (const list of LISTS[task]) {
    try {
      offer(list, loadList(task, list, set), `reference list ${task}/${list}`);
    } catch (e) {
      warnings.push(`split '${list}' left out: ${(e as Error).message}`);
    }
  }
  for (const name of LABELED[task]) {
    try {
      const s = loadSplit({ task, labeled: name, ...(set === undefined ? {} : { set }) });
      offer(`labeled_${name}`, s.labeled, `${s.files.labeled}`);
      const before = Object.hasOwn(splits, `unlabeled_${name}`);
      offer(`unlabeled_${name}`, s.unlabeled, `${s.files.unlabeled}`);
      if (!s.complete && !before && Object.hasOwn(splits, `unlabeled_${name}`))
        notes.push(
          `split 'unlabeled_${name}' is partial: ${s.note ?? 'the shipped reference list is partial'}`,
        );
    } catch (e) {
      warnings.push(`split 'labeled_${name}' left out: ${(e as Error).message}`);
    }
  }
  return { splits, warnings, notes };
}
