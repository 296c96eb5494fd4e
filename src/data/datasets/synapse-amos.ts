/**
 * Synapse (BTCV) and AMOS from their raw NIfTI folders, as DHC's preprocessing reads them (DHC spec §1):
 * - Synapse: `imagesTr/imgNNNN.nii.gz` + `labelsTr/labelNNNN.nii.gz`, case id `NNNN`; 14 classes.
 * - AMOS: `imagesTr/amos_NNNN.nii.gz` + `labelsTr/amos_NNNN.nii.gz`, and the same under `imagesVa`/`labelsVa`
 *   when present (DHC's test split), case id `amos_NNNN`; 16 classes. Ids >= 0500 are MRI.
 * `.nii` is accepted as well as `.nii.gz`. Every image needs its label; the pairs are checked before any case is
 * processed.
 */

import { join } from 'node:path';
import { dataFail } from '../data-error.ts';
import { referenceSplits } from './reference-splits.ts';
import {
  type CaseRef,
  type DatasetSource,
  findWithExt,
  isDir,
  listFolder,
  type OpenOptions,
  readNiftiCase,
} from './source.ts';

/** Synapse label names (DHC spec §1), value = index. */
export const SYNAPSE_CLASSES: readonly string[] = [
  'background',
  'spleen',
  'right kidney',
  'left kidney',
  'gallbladder',
  'esophagus',
  'liver',
  'stomach',
  'aorta',
  'inferior vena cava',
  'portal and splenic veins',
  'pancreas',
  'right adrenal gland',
  'left adrenal gland',
];

/** AMOS label names (DHC spec §1), value = index. */
export const AMOS_CLASSES: readonly string[] = [
  'background',
  'spleen',
  'right kidney',
  'left kidney',
  'gallbladder',
  'esophagus',
  'liver',
  'stomach',
  'aorta',
  'inferior vena cava',
  'pancreas',
  'right adrenal gland',
  'left adrenal gland',
  'duodenum',
  'bladder',
  'prostate/uterus',
];

const EXTS = ['.nii.gz', '.nii'];

interface Layout {
  task: 'synapse' | 'amos';
  imagePattern: RegExp;
  /** The image file name pattern for messages. */
  example: string;
  what: string;
  idOf: (m: RegExpExecArray) => string;
  labelStem: (m: RegExpExecArray) => string;
}

/** Pairs images with labels in one images/labels folder pair; warnings for files that are not cases. */
function scanPair(
  dataDir: string,
  images: string,
  labels: string,
  layout: Layout,
  seen: Map<string, string>,
  warnings: string[],
): CaseRef[] {
  const imgDir = join(dataDir, images);
  const labDir = join(dataDir, labels);
  const names = listFolder(imgDir, `the ${layout.what} images folder ${images}/ of ${dataDir}`);
  listFolder(labDir, `the ${layout.what} labels folder ${labels}/ next to ${images}/`);
  const cases: CaseRef[] = [];
  for (const name of names) {
    const m = layout.imagePattern.exec(name);
    if (!m) {
      warnings.push(`${images}/${name} ignored: not a ${layout.what} image name`);
      continue;
    }
    const id = layout.idOf(m);
    const prev = seen.get(id);
    if (prev !== undefined)
      dataFail(join(imgDir, name), `duplicate case '${id}' (also ${prev})`, 'one image file per case');
    seen.set(id, `${images}/${name}`);
    const label = findWithExt(labDir, layout.labelStem(m), EXTS);
    if (!label)
      dataFail(
        join(labDir, `${layout.labelStem(m)}.nii.gz`),
        'no such file',
        `the label of ${images}/${name} (.nii.gz or .nii)`,
      );
    cases.push({ id, image: [join(imgDir, name)], label });
  }
  return cases;
}

function open(
  dataDir: string,
  layout: Layout,
  classes: readonly string[],
  options: OpenOptions,
): DatasetSource {
  listFolder(dataDir, `the ${layout.what} data folder (with imagesTr/ and labelsTr/)`);
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  const cases = scanPair(dataDir, 'imagesTr', 'labelsTr', layout, seen, warnings);
  if (layout.task === 'amos' && isDir(join(dataDir, 'imagesVa')))
    cases.push(...scanPair(dataDir, 'imagesVa', 'labelsVa', layout, seen, warnings));
  if (cases.length === 0)
    dataFail(
      join(dataDir, 'imagesTr'),
      `holds no ${layout.what} images`,
      `files named like ${layout.imagePattern.source}`,
    );
  cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const notes: string[] = [];
  if (layout.task === 'amos') {
    const mri = cases.filter((c) => Number(c.id.slice(5)) >= 500).length;
    if (mri > 0)
      notes.push(
        `${mri} MRI cases (ids >= amos_0500) go through the CT window and min-max like the CT cases, as in DHC`,
      );
  }
  const note = `${layout.what}, ${classes.length} classes`;
  return {
    task: layout.task,
    name: layout.task === 'synapse' ? 'Synapse' : 'AMOS',
    modality: 'CT',
    channels: ['CT'],
    classes: [...classes],
    dataDir,
    cases,
    notes,
    warnings,
    splits: (ids) => referenceSplits(layout.task, ids, options.splitSet),
    readCase: (ref) => readNiftiCase(ref, dataDir, classes, note),
  };
}

/** Opens a Synapse (BTCV) folder; see the module comment. Throws `DataError` for a missing folder or label. */
export function openSynapse(dataDir: string, options: OpenOptions = {}): DatasetSource {
  return open(
    dataDir,
    {
      task: 'synapse',
      imagePattern: /^img(\d{4})\.nii(\.gz)?$/,
      example: 'imgNNNN.nii.gz',
      what: 'Synapse',
      idOf: (m) => m[1]!,
      labelStem: (m) => `label${m[1]}`,
    },
    SYNAPSE_CLASSES,
    options,
  );
}

/** Opens an AMOS folder (Tr and, when present, Va); see the module comment. */
export function openAmos(dataDir: string, options: OpenOptions = {}): DatasetSource {
  return open(
    dataDir,
    {
      task: 'amos',
      imagePattern: /^amos_(\d{4})\.nii(\.gz)?$/,
      example: 'amos_NNNN.nii.gz',
      what: 'AMOS',
      idOf: (m) => `amos_${m[1]}`,
      labelStem: (m) => `amos_${m[1]}`,
    },
    AMOS_CLASSES,
    options,
  );
}
