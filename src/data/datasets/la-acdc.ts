/**
 * LA and ACDC from the preprocessed h5 layout of the semi-supervised literature (CML spec §2.1-2.2, data-io
 * spec A1-A2): datasets `image` (float32) and `label` (uint8) at the root of each file.
 * - LA: `<dir>/2018LA_Seg_Training Set/<ID>/mri_norm2.h5` (or `<dir>/<ID>/mri_norm2.h5`), arrays (x, y, z),
 *   transposed to `[D, H, W]` = (z, y, x); 2 classes; 0.625 mm isotropic (the files store no spacing).
 * - ACDC: `<dir>/data/patientNNN_frameFF.h5` volumes (z, y, x) and `<dir>/data/slices/patientNNN_frameFF_slice_K.h5`
 *   2D slices (H, W); 4 classes; no spacing stored.
 * Cases become `[1, D, H, W]` (or `[1, H, W]` for slices) images.
 */

import { join } from 'node:path';
import { dataFail } from '../data-error.ts';
import type { RawCase } from '../preprocess/pipeline.ts';
import { h5Image, h5Label } from '../preprocess/volumes.ts';
import { referenceSplits } from './reference-splits.ts';
import {
  type CaseRef,
  type DatasetSource,
  isDir,
  isFile,
  listFolder,
  type OpenOptions,
  rel,
} from './source.ts';

/** LA classes. */
export const LA_CLASSES: readonly string[] = ['background', 'left atrium'];
/** ACDC classes (CML spec §2.2). */
export const ACDC_CLASSES: readonly string[] = [
  'background',
  'right ventricle',
  'myocardium',
  'left ventricle',
];
/** LA voxel size in mm (challenge description; not stored in the h5 files). */
export const LA_SPACING: readonly number[] = [0.625, 0.625, 0.625];

const LA_FOLDER = '2018LA_Seg_Training Set';
const LA_FILE = 'mri_norm2.h5';

async function readH5(
  ref: CaseRef,
  dataDir: string,
  axes: string,
  classes: readonly string[],
  spacing: readonly number[] | null,
): Promise<RawCase> {
  const file = ref.image[0]!;
  const name = rel(dataDir, file);
  const where = file;
  // h5wasm takes seconds to compile: loaded only when an h5 dataset is read
  const { readH5Case } = await import('../../io/h5.ts');
  const h5 = await readH5Case(file);
  const img = h5Image(h5.image, axes, where);
  const lab = h5Label(h5.label!, axes, classes.length, where);
  return {
    id: ref.id,
    image: img.data,
    shape: [1, ...img.shape],
    spacing: spacing ? [...spacing] : null,
    label: lab.data,
    source: {
      image: [name],
      label: name,
      shape: img.shape,
      spacing: spacing ? [...spacing] : null,
      affine: null,
    },
  };
}

/**
 * Opens an LA folder (see the module comment). Folders without `mri_norm2.h5` are skipped with a warning.
 * Throws `DataError` for a missing folder or one with no case.
 */
export function openLa(dataDir: string, options: OpenOptions = {}): DatasetSource {
  listFolder(dataDir, `the LA data folder (with '${LA_FOLDER}/')`);
  const root = isDir(join(dataDir, LA_FOLDER)) ? join(dataDir, LA_FOLDER) : dataDir;
  const warnings: string[] = [];
  const cases: CaseRef[] = [];
  for (const name of listFolder(root, `the LA case folders`)) {
    const folder = join(root, name);
    if (!isDir(folder)) continue;
    const file = join(folder, LA_FILE);
    if (!isFile(file)) {
      warnings.push(`${rel(dataDir, folder)} ignored: no ${LA_FILE}`);
      continue;
    }
    cases.push({ id: name, image: [file], label: file });
  }
  if (cases.length === 0)
    dataFail(root, `holds no <ID>/${LA_FILE} case`, `the LA h5 layout '${LA_FOLDER}/<ID>/${LA_FILE}'`);
  return {
    task: 'la',
    name: 'LA',
    modality: 'MRI',
    channels: ['LGE-MRI'],
    classes: [...LA_CLASSES],
    dataDir,
    cases,
    notes: ['spacing 0.625 mm isotropic from the challenge description: the h5 files store none'],
    warnings,
    splits: (ids) => referenceSplits('la', ids, options.splitSet),
    readCase: (ref) => readH5(ref, dataDir, 'xyz', LA_CLASSES, LA_SPACING),
  };
}

const ACDC_VOLUME = /^(patient\d{3}_frame\d{2})\.h5$/;
const ACDC_SLICE = /^(patient\d{3}_frame\d{2}_slice_\d+)\.h5$/;

/**
 * Opens an ACDC folder: volumes in `data/`, slices in `data/slices/` (either may be absent, not both). Other
 * files are skipped with a warning. Throws `DataError` for a missing `data/` folder or no case at all.
 */
export function openAcdc(dataDir: string, options: OpenOptions = {}): DatasetSource {
  listFolder(dataDir, "the ACDC data folder (with 'data/')");
  const data = join(dataDir, 'data');
  const warnings: string[] = [];
  const cases: CaseRef[] = [];
  const kinds = new Map<string, 'volume' | 'slice'>();
  for (const name of listFolder(data, "the ACDC 'data/' folder with patientNNN_frameFF.h5 volumes")) {
    const m = ACDC_VOLUME.exec(name);
    if (m) {
      cases.push({ id: m[1]!, image: [join(data, name)], label: join(data, name) });
      kinds.set(m[1]!, 'volume');
    } else if (name !== 'slices') warnings.push(`data/${name} ignored: not patientNNN_frameFF.h5`);
  }
  if (isDir(join(data, 'slices'))) {
    for (const name of listFolder(join(data, 'slices'), 'the ACDC slices folder')) {
      const m = ACDC_SLICE.exec(name);
      if (!m) {
        warnings.push(`data/slices/${name} ignored: not patientNNN_frameFF_slice_K.h5`);
        continue;
      }
      const file = join(data, 'slices', name);
      cases.push({ id: m[1]!, image: [file], label: file });
      kinds.set(m[1]!, 'slice');
    }
  }
  if (cases.length === 0)
    dataFail(
      data,
      'holds no ACDC volume or slice',
      'patientNNN_frameFF.h5 files or slices/patientNNN_frameFF_slice_K.h5',
    );
  cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    task: 'acdc',
    name: 'ACDC',
    modality: 'MRI',
    channels: ['cine-MRI'],
    classes: [...ACDC_CLASSES],
    dataDir,
    cases,
    notes: ['volumes are [1, D, H, W] (z, y, x as stored), training slices [1, H, W]; no spacing stored'],
    warnings,
    splits: (ids) => referenceSplits('acdc', ids, options.splitSet),
    readCase: (ref) => readH5(ref, dataDir, kinds.get(ref.id) === 'slice' ? 'yx' : 'zyx', ACDC_CLASSES, null),
  };
}
