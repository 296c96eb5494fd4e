/**
 * Any nnU-Net raw dataset (nnU-Net v2 `dataset.json`; v1's `modality` / index-keyed `labels` also read):
 * `imagesTr/<case>_<XXXX><file_ending>` (one file per channel XXXX = 0000, 0001, ...), `labelsTr/<case><file_ending>`,
 * and `dataset.json` with `channel_names` (or `modality`), `labels`, `numTraining` and `file_ending`. Only NIfTI
 * (`.nii.gz`, `.nii`) files are read; region-based labels are refused. `imagesTs` is not read.
 */

import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { dataFail, show } from '../data-error.ts';
import { ID_PATTERN } from '../manifest-check.ts';
import { type CaseRef, type DatasetSource, isFile, listFolder, readNiftiCase } from './source.ts';

/** What `dataset.json` says, checked. */
export interface NnunetDescription {
  name: string;
  /** Channel names in channel order. */
  channels: string[];
  /** Class names in label-value order (value k = classes[k]). */
  classes: string[];
  numTraining: number;
  fileEnding: '.nii.gz' | '.nii';
}

type Obj = Record<string, unknown>;

function objectAt(v: unknown, where: string, expected: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) dataFail(where, `is ${show(v)}`, expected);
  return v as Obj;
}

/** `{"0": "CT", "1": "MR"}` to ['CT', 'MR'], keys 0..C-1. */
function channelList(v: unknown, where: string): string[] {
  const o = objectAt(v, where, 'an object {"0": "CT", ...}');
  const keys = Object.keys(o);
  if (keys.length === 0) dataFail(where, 'is empty', 'at least one channel {"0": "<name>"}');
  return keys.map((_, i) => {
    const name = o[String(i)];
    if (typeof name !== 'string' || name === '')
      dataFail(
        `${where}.${i}`,
        name === undefined ? 'missing' : `is ${show(name)}`,
        'channel names keyed "0".."C-1"',
      );
    return name;
  });
}

/** v2 `{"background": 0, "liver": 1}` or v1 `{"0": "background", "1": "liver"}` to names by value. */
function classList(v: unknown, where: string): string[] {
  const o = objectAt(v, where, 'an object {"background": 0, "<class>": 1, ...}');
  const pairs: [string, number][] = [];
  for (const [k, val] of Object.entries(o)) {
    if (Array.isArray(val))
      dataFail(
        `${where}.${k}`,
        `is the region ${show(val)}`,
        'one integer label value per class (region-based labels are not supported)',
      );
    if (typeof val === 'string' && /^\d+$/.test(k))
      pairs.push([val, Number(k)]); // v1 style
    else if (Number.isInteger(val)) pairs.push([k, val as number]);
    else dataFail(`${where}.${k}`, `is ${show(val)}`, 'an integer label value');
  }
  pairs.sort((a, b) => a[1] - b[1]);
  pairs.forEach(([name, value], i) => {
    if (value !== i)
      dataFail(
        `${where}.${name}`,
        `has value ${value}`,
        `label values 0..${pairs.length - 1}, each once, background 0 (got ${pairs.map((p) => p[1]).join(', ')})`,
      );
  });
  if (pairs.length > 256) dataFail(where, `has ${pairs.length} classes`, 'at most 256 (uint8 labels)');
  return pairs.map((p) => p[0]);
}

/**
 * Reads and checks `<dataDir>/dataset.json`. Throws `DataError` naming the file and key for invalid JSON, a
 * missing key (`labels`, `file_ending`, `numTraining`, `channel_names`/`modality`), region-based or gapped
 * label values, or a `file_ending` other than `.nii.gz` / `.nii`.
 */
export function readNnunetDescription(dataDir: string): NnunetDescription {
  const file = join(dataDir, 'dataset.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    dataFail(file, code === 'ENOENT' ? 'no such file' : `cannot be read (${code})`, "nnU-Net's dataset.json");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    dataFail(file, `not valid JSON (${(e as Error).message})`, "nnU-Net's dataset.json");
  }
  const o = objectAt(json, file, 'a JSON object');
  const channelKey = Object.hasOwn(o, 'channel_names') ? 'channel_names' : 'modality';
  for (const key of [channelKey, 'labels', 'numTraining', 'file_ending']) {
    if (!Object.hasOwn(o, key))
      dataFail(
        file,
        `missing key '${key}'`,
        'the keys channel_names (or modality), labels, numTraining, file_ending',
      );
  }
  const fileEnding = o['file_ending'];
  if (fileEnding !== '.nii.gz' && fileEnding !== '.nii')
    dataFail(`${file}: file_ending`, `${show(fileEnding)} is not supported`, "'.nii.gz' or '.nii' (NIfTI)");
  const numTraining = o['numTraining'];
  if (!Number.isSafeInteger(numTraining) || (numTraining as number) < 1)
    dataFail(`${file}: numTraining`, `is ${show(numTraining)}`, 'a positive integer');
  const name = typeof o['name'] === 'string' && o['name'] !== '' ? (o['name'] as string) : basename(dataDir);
  return {
    name,
    channels: channelList(o[channelKey], `${file}: ${channelKey}`),
    classes: classList(o['labels'], `${file}: labels`),
    numTraining: numTraining as number,
    fileEnding,
  };
}

/**
 * Opens an nnU-Net raw dataset folder (see the module comment). Checks up front that every case has all its
 * channel files and its label, that case ids are file-name safe, and that `numTraining` matches the cases found.
 */
export function openNnunet(dataDir: string): DatasetSource {
  listFolder(dataDir, 'an nnU-Net raw dataset folder (dataset.json, imagesTr/, labelsTr/)');
  const desc = readNnunetDescription(dataDir);
  const ext = desc.fileEnding;
  const imgDir = join(dataDir, 'imagesTr');
  const labDir = join(dataDir, 'labelsTr');
  const names = listFolder(imgDir, 'the nnU-Net training images folder imagesTr/');
  listFolder(labDir, 'the nnU-Net training labels folder labelsTr/');
  const matching = names.filter((n) => n.endsWith(ext) && !(ext === '.nii' && n.endsWith('.nii.gz')));
  if (matching.length === 0) {
    const other = names.length ? ` (it has e.g. ${names[0]})` : '';
    dataFail(
      `${join(dataDir, 'dataset.json')}: file_ending`,
      `is '${ext}' but imagesTr/ holds no such file${other}`,
      'the ending of the image files',
    );
  }
  const warnings = names
    .filter((n) => !matching.includes(n))
    .map((n) => `imagesTr/${n} ignored: does not end in '${ext}'`);
  const channelsOf = new Map<string, Map<number, string>>();
  for (const n of matching) {
    const m = /^(.+)_(\d{4})$/.exec(n.slice(0, -ext.length));
    if (!m) dataFail(join(imgDir, n), 'has no channel suffix', `<case>_0000${ext}`);
    const [, id, ch] = m;
    if (!ID_PATTERN.test(id!))
      dataFail(join(imgDir, n), `case id '${id}' is not file-name safe`, 'letters, digits, ".", "_", "-"');
    const c = Number(ch);
    if (c >= desc.channels.length)
      dataFail(
        join(imgDir, n),
        `channel ${c} is not in channel_names`,
        `channels 0..${desc.channels.length - 1}`,
      );
    const map = channelsOf.get(id!) ?? new Map<number, string>();
    map.set(c, join(imgDir, n));
    channelsOf.set(id!, map);
  }
  const cases: CaseRef[] = [];
  for (const id of [...channelsOf.keys()].sort()) {
    const map = channelsOf.get(id)!;
    const image = desc.channels.map((_, c) => {
      const p = map.get(c);
      if (!p)
        dataFail(
          join(imgDir, `${id}_${String(c).padStart(4, '0')}${ext}`),
          'no such file',
          `channel ${c} (${desc.channels[c]}) of case '${id}'`,
        );
      return p;
    });
    const label = join(labDir, id + ext);
    if (!isFile(label)) dataFail(label, 'no such file', `the label of case '${id}'`);
    cases.push({ id, image, label });
  }
  if (cases.length !== desc.numTraining)
    dataFail(
      `${join(dataDir, 'dataset.json')}: numTraining`,
      `is ${desc.numTraining} but imagesTr/ holds ${cases.length} cases`,
      'the number of training cases',
    );
  const classNote = `dataset.json labels: ${desc.classes.length} classes`;
  return {
    task: 'nnunet',
    name: desc.name,
    modality: desc.channels.join('+'),
    channels: desc.channels,
    classes: desc.classes,
    dataDir,
    cases,
    notes: [],
    warnings,
    splits: (ids) => ({
      splits: ids.length ? { all: [...ids] } : ({} as Record<string, string[]>),
      warnings: [],
      notes: [],
    }),
    readCase: (ref) => readNiftiCase(ref, dataDir, desc.classes, classNote),
  };
}
