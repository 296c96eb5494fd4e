/**
 * Pairing and checking of label volumes for evaluation: which prediction goes with which label file, and
 * whether a volume holds class indices (integers in `0..C-1`).
 */

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IoError, type NumericArray } from '../../io/index.ts';
import { caseIdOf, VOLUME_EXTENSIONS } from './volume-file.ts';

/** A prediction file and its label file, paired by case id (file name without extension). */
export interface CasePair {
  case: string;
  pred: string;
  label: string;
}

function volumeFiles(dir: string, role: string): Map<string, string> {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new IoError(dir, 'is not a directory', `a ${role} directory`);
    names = readdirSync(dir).sort();
  } catch (err) {
    if (err instanceof IoError) throw err;
    throw new IoError(dir, 'does not exist or cannot be read', `a ${role} directory`);
  }
  const out = new Map<string, string>();
  for (const name of names) {
    const id = caseIdOf(name);
    if (id === null) continue;
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const other = out.get(id);
    if (other !== undefined) {
      throw new IoError(path, `has the same case id '${id}' as ${other}`, 'one volume file per case');
    }
    out.set(id, path);
  }
  if (out.size === 0) {
    throw new IoError(dir, `holds no volume files`, `${role} volumes (${VOLUME_EXTENSIONS.join(', ')})`);
  }
  return out;
}

function listSome(xs: readonly string[]): string {
  return xs.length <= 5 ? xs.join(', ') : `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more`;
}

/**
 * Pairs the volume files (`.nii.gz`, `.nii`, `.npy`) of two directories by case id; other files (such as
 * `summary.json`) and subdirectories are ignored.
 *
 * @param predSubset - allow label files without a prediction (evaluate the predicted cases only); a
 *   prediction without a label is always an error.
 * @returns pairs sorted by case id.
 * @throws IoError naming a missing directory, an empty one, a case id used twice, or the unpaired files.
 */
export function pairVolumeFiles(predDir: string, gtDir: string, predSubset = false): CasePair[] {
  const preds = volumeFiles(predDir, 'prediction');
  const labels = volumeFiles(gtDir, 'label');
  const noLabel = [...preds.keys()].filter((id) => !labels.has(id));
  if (noLabel.length > 0) {
    throw new IoError(
      preds.get(noLabel[0]!)!,
      `has no label file in ${gtDir} (unpaired predictions: ${listSome(noLabel.map((id) => preds.get(id)!))})`,
      `a label named <case>${VOLUME_EXTENSIONS.join('|')} for every prediction`,
    );
  }
  const noPred = [...labels.keys()].filter((id) => !preds.has(id));
  if (noPred.length > 0 && !predSubset) {
    throw new IoError(
      labels.get(noPred[0]!)!,
      `has no prediction in ${predDir} (unpaired labels: ${listSome(noPred.map((id) => labels.get(id)!))})`,
      'a prediction for every label (or --pred-subset to evaluate the predicted cases only)',
    );
  }
  return [...preds.keys()].sort().map((id) => ({ case: id, pred: preds.get(id)!, label: labels.get(id)! }));
}

function voxelName(flat: number, shape: readonly number[] | undefined): string {
  if (shape === undefined) return String(flat);
  const idx: number[] = [];
  let rest = flat;
  for (let a = shape.length - 1; a >= 0; a--) {
    idx.unshift(rest % shape[a]!);
    rest = Math.floor(rest / shape[a]!);
  }
  return `[${idx.join(', ')}]`;
}

/** Result of {@link checkLabels}. */
export interface LabelCheck {
  /** The values as a plain integer array (the input itself when it already is Uint8/Int8/Int16/Int32). */
  labels: Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array;
  /** The largest value (-1 for an empty volume). */
  max: number;
}

/**
 * Checks that a volume holds class indices and returns them as an integer array.
 *
 * @param data - voxels of any numeric type (float label maps, as the seeds write them, are accepted when
 *   every value is integral).
 * @param path - the file, for the error message.
 * @param numClasses - when given, every value must lie in `0..numClasses-1`.
 * @param shape - C-order shape, to report the offending voxel as `[d, h, w]` (else its flat index).
 * @throws IoError naming the file and the first offending value (non-integral, negative, or too large).
 */
export function checkLabels(
  data: NumericArray,
  path: string,
  numClasses?: number,
  shape?: readonly number[],
): LabelCheck {
  const limit = numClasses ?? Number.POSITIVE_INFINITY;
  const expected =
    numClasses === undefined
      ? 'non-negative integer labels'
      : `integer labels in 0..${numClasses - 1} (${numClasses} classes)`;
  const integral =
    data instanceof Uint8Array ||
    data instanceof Int8Array ||
    data instanceof Int16Array ||
    data instanceof Uint16Array ||
    data instanceof Int32Array;
  const out = integral ? data : new Int32Array(data.length);
  let max = -1;
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]!);
    if (v > max) max = v;
    if (!(v >= 0 && v < limit && Number.isInteger(v)) || v > 2 ** 31 - 1) {
      throw new IoError(path, `holds the value ${v} at voxel ${voxelName(i, shape)}`, expected);
    }
    if (!integral) out[i] = v;
  }
  return { labels: out, max };
}
