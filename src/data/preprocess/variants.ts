/**
 * The preprocessing variants per task (`semiseg preprocess --variant`), each a `PreprocessPlan`:
 *
 * | task | variants (default first) |
 * | --- | --- |
 * | synapse | `80x160x160` (DHC Era 1 / SKCDF / the DHC paper tables), `dhc-head` (native size, H and W halved on every load), `native`, any `DxHxW` |
 * | amos | `80x160x160` (both DHC eras), `dhc-head` (the same arrays), `native`, any `DxHxW` |
 * | la | `native` (the h5 arrays as they are, z-scored by their source), any `DxHxW` (a CPU-sized copy) |
 * | acdc | `native` (the h5 arrays as they are, min-max scaled by their source) |
 * | nnunet | `native`, `80x160x160`, any `DxHxW` |
 *
 * Intensities: Synapse and AMOS use the CT window [-75, 275] then per-volume min-max (DHC spec §1; AMOS MRI
 * cases too, as DHC does); nnU-Net channels named CT likewise, other channels per-volume min-max; LA and ACDC
 * are stored unchanged.
 */

import { dataFail } from '../data-error.ts';
import type { IntensityRule, PreprocessPlan } from './pipeline.ts';

/** The default target size of SKCDF and the DHC paper tables (patch 64x128x128 plus a quarter). */
export const DEFAULT_SIZE: readonly number[] = [80, 160, 160];

/** Tasks the preprocessing knows. */
export const TASKS = ['synapse', 'amos', 'la', 'acdc', 'nnunet'] as const;
export type PreprocessTask = (typeof TASKS)[number];

const NAMED: Record<PreprocessTask, string[]> = {
  synapse: ['80x160x160', 'dhc-head', 'native'],
  amos: ['80x160x160', 'dhc-head', 'native'],
  la: ['native'],
  acdc: ['native'],
  nnunet: ['native', '80x160x160'],
};

/** Variant names of a task, default first (`DxHxW` means any size for the tasks that resize). */
export function taskVariants(task: PreprocessTask): string[] {
  const named = NAMED[task];
  return task === 'acdc' ? [...named] : [...named, 'DxHxW'];
}

/** Checks a task name; throws a `DataError` on `field` listing the known tasks. */
export function checkTask(task: string, field = 'task'): PreprocessTask {
  if (!(TASKS as readonly string[]).includes(task))
    dataFail(field, `unknown task '${task}'`, `one of ${TASKS.join(', ')}`);
  return task as PreprocessTask;
}

function parseSize(variant: string): number[] | null {
  const m = /^([1-9]\d{0,4})x([1-9]\d{0,4})x([1-9]\d{0,4})$/.exec(variant);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function intensityFor(task: PreprocessTask, channels: readonly string[]): IntensityRule[] {
  if (task === 'synapse' || task === 'amos') return channels.map(() => 'ct-window');
  if (task === 'la' || task === 'acdc') return channels.map(() => 'none');
  return channels.map((c) => (/^ct$/i.test(c.trim()) ? 'ct-window' : 'minmax'));
}

/**
 * The plan of `variant` (default: the task's first) for a dataset with these channel names. Throws a
 * `DataError` on `variant` for a name the task does not know.
 */
export function variantPlan(
  task: PreprocessTask,
  variant: string | undefined,
  channels: readonly string[],
): PreprocessPlan {
  const name = variant ?? NAMED[task][0]!;
  const intensity = intensityFor(task, channels);
  const resizes = task !== 'acdc';
  const size = resizes ? parseSize(name) : null;
  const notes: string[] = [];
  if (size) {
    notes.push(
      `every case resized to ${size.join('x')} voxels whatever its spacing (anisotropic), without reorientation, as DHC Era 1 / SKCDF`,
    );
    return { variant: name, size, intensity, onLoad: [], notes };
  }
  if (name === 'native' && NAMED[task].includes('native')) {
    if (task === 'la')
      notes.push('images stored as the source has them (z-scored per original volume by UA-MT)');
    if (task === 'acdc')
      notes.push('images stored as the source has them (min-max scaled per volume by SSL4MIS)');
    return { variant: name, size: null, intensity, onLoad: [], notes };
  }
  if (name === 'dhc-head' && task === 'synapse') {
    notes.push(
      'DHC HEAD: stored at native size; H and W are halved (trilinear image, legacy nearest label) on every load',
    );
    return { variant: name, size: null, intensity, onLoad: [{ op: 'halve-hw' }], notes };
  }
  if (name === 'dhc-head' && task === 'amos') {
    notes.push('DHC HEAD keeps AMOS at 80x160x160: the same arrays as the 80x160x160 variant');
    return { variant: name, size: [...DEFAULT_SIZE], intensity, onLoad: [], notes };
  }
  return dataFail(
    'variant',
    `unknown variant '${name}' for task ${task}`,
    `one of ${taskVariants(task).join(', ')}`,
  );
}
