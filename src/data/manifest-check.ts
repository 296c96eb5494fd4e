/**
 * Validation of a parsed dataset manifest (see `manifest.ts` for the format). Every problem is one `DataError`
 * naming the file and the field (`out/manifest.json: cases[3].labelValues`) and what was expected.
 */

import { dataFail, show } from './data-error.ts';
import type { Manifest, ManifestCase, PreprocessStep } from './manifest.ts';

/** Case ids and split names: a letter or digit, then letters, digits, `.`, `_`, `-` (safe as file names). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HEX64 = /^[0-9a-f]{64}$/;

type Obj = Record<string, unknown>;

/** Field-path helper: `at('cases', 3, 'id')` -> `cases[3].id`. */
function at(...parts: (string | number)[]): string {
  let s = '';
  for (const p of parts) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

class Checker {
  constructor(readonly file: string) {}

  fail(field: string, problem: string, expected: string): never {
    dataFail(field ? `${this.file}: ${field}` : this.file, problem, expected);
  }

  object(v: unknown, field: string, required: readonly string[], optional: readonly string[] = []): Obj {
    if (v === null || typeof v !== 'object' || Array.isArray(v))
      this.fail(field, `is ${kind(v)}`, 'a JSON object');
    const o = v as Obj;
    const allowed = [...required, ...optional];
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail(at(field, k), 'unknown key', `only the keys ${allowed.join(', ')}`);
    }
    for (const k of required) {
      if (!Object.hasOwn(o, k)) this.fail(field, `missing key '${k}'`, `the keys ${required.join(', ')}`);
    }
    return o;
  }

  string(v: unknown, field: string, pattern?: RegExp, what = 'a non-empty string'): string {
    if (typeof v !== 'string' || v === '' || (pattern && !pattern.test(v)))
      this.fail(field, `is ${show(v)}`, what);
    return v;
  }

  array(v: unknown, field: string, nonEmpty: boolean): unknown[] {
    if (!Array.isArray(v)) this.fail(field, `is ${kind(v)}`, 'a JSON array');
    if (nonEmpty && v.length === 0) this.fail(field, 'is empty', 'at least one entry');
    return v;
  }

  uniqueStrings(v: unknown, field: string, pattern?: RegExp): string[] {
    const a = this.array(v, field, true);
    const seen = new Map<string, number>();
    return a.map((x, i) => {
      const s = this.string(x, at(field, i), pattern);
      const prev = seen.get(s);
      if (prev !== undefined)
        this.fail(at(field, i), `duplicate ${show(s)} (first at [${prev}])`, 'unique names');
      seen.set(s, i);
      return s;
    });
  }

  ints(v: unknown, field: string, min: number, ranks: readonly number[]): number[] {
    const a = this.array(v, field, false);
    if (!ranks.includes(a.length))
      this.fail(field, `has ${a.length} entries (${show(a)})`, `${ranks.join(' or ')} entries`);
    for (const x of a) {
      if (!Number.isSafeInteger(x) || (x as number) < min)
        this.fail(field, `is ${show(a)}`, `integers >= ${min}`);
    }
    return a as number[];
  }

  spacing(v: unknown, field: string, rank: number): number[] | null {
    if (v === null) return null;
    const a = this.array(v, field, false);
    if (a.length !== rank || a.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x <= 0))
      this.fail(field, `is ${show(a)}`, `null or ${rank} positive voxel sizes in mm`);
    return a as number[];
  }

  relPath(v: unknown, field: string): string {
    const s = this.string(v, field);
    if (s.startsWith('/') || /^[A-Za-z]:/.test(s) || s.includes('\\') || s.split('/').includes('..'))
      this.fail(field, `is ${show(s)}`, 'a path relative to the manifest folder, without ".."');
    return s;
  }

  hex(v: unknown, field: string): string {
    return this.string(v, field, HEX64, 'a sha256 digest (64 lowercase hex digits)');
  }
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${show(v)}`;
}

function checkSteps(c: Checker, v: unknown, field: string): PreprocessStep[] {
  const a = c.array(v, field, false);
  a.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || Array.isArray(s))
      c.fail(at(field, i), `is ${kind(s)}`, 'an object { op, ...parameters }');
    c.string((s as Obj)['op'], at(field, i, 'op'));
  });
  return a as PreprocessStep[];
}

function checkCase(c: Checker, v: unknown, i: number, classes: number, channels: number): ManifestCase {
  const f = at('cases', i);
  const o = c.object(v, f, ['id', 'image', 'label', 'shape', 'spacing', 'labelValues', 'sha256', 'source']);
  c.string(o['id'], at(f, 'id'), ID_PATTERN, 'a case id of letters, digits, ".", "_", "-"');
  c.relPath(o['image'], at(f, 'image'));
  const hasLabel = o['label'] !== null;
  if (hasLabel) c.relPath(o['label'], at(f, 'label'));
  const shape = c.ints(o['shape'], at(f, 'shape'), 1, [3, 4]);
  if (shape[0] !== channels)
    c.fail(
      at(f, 'shape'),
      `has ${shape[0]} channels (${show(shape)})`,
      `${channels} (one per entry of channels)`,
    );
  c.spacing(o['spacing'], at(f, 'spacing'), shape.length - 1);
  const lv = o['labelValues'];
  if (!hasLabel) {
    if (lv !== null) c.fail(at(f, 'labelValues'), `is ${show(lv)} for a case without label`, 'null');
  } else {
    const vals = c.array(lv, at(f, 'labelValues'), true);
    vals.forEach((x, k) => {
      if (!Number.isInteger(x) || (x as number) < 0)
        c.fail(at(f, 'labelValues'), `holds ${show(x)}`, 'label values as non-negative integers');
      if ((x as number) >= classes)
        c.fail(
          at(f, 'labelValues'),
          `value ${x} is outside the classes 0..${classes - 1}`,
          `values below ${classes} (one class per entry of classes)`,
        );
      if (k > 0 && (x as number) <= (vals[k - 1] as number))
        c.fail(at(f, 'labelValues'), `is ${show(vals)}`, 'distinct values in increasing order');
    });
  }
  const sha = c.object(o['sha256'], at(f, 'sha256'), ['image', 'label']);
  c.hex(sha['image'], at(f, 'sha256', 'image'));
  if (hasLabel) c.hex(sha['label'], at(f, 'sha256', 'label'));
  else if (sha['label'] !== null)
    c.fail(at(f, 'sha256', 'label'), `is ${show(sha['label'])}`, 'null (no label)');
  const src = c.object(o['source'], at(f, 'source'), ['image', 'label', 'shape', 'spacing', 'affine']);
  c.array(src['image'], at(f, 'source', 'image'), true).forEach((p, k) => {
    c.string(p, at(f, 'source', 'image', k));
  });
  if (src['label'] !== null) c.string(src['label'], at(f, 'source', 'label'));
  const sshape = c.ints(src['shape'], at(f, 'source', 'shape'), 0, [2, 3]);
  c.spacing(src['spacing'], at(f, 'source', 'spacing'), sshape.length);
  const aff = src['affine'];
  if (aff !== null) {
    const rows = c.array(aff, at(f, 'source', 'affine'), false);
    const ok =
      rows.length === 4 &&
      rows.every((r) => Array.isArray(r) && r.length === 4 && r.every((x) => Number.isFinite(x)));
    if (!ok) c.fail(at(f, 'source', 'affine'), `is ${show(aff)}`, 'null or a 4x4 matrix of finite numbers');
  }
  return o as unknown as ManifestCase;
}

/**
 * Validates a parsed manifest and returns it typed. `file` labels the messages. Checks every key (unknown and
 * missing keys), the format and version, unique ids, relative paths, shapes `[C, D, H, W]` / `[C, H, W]`
 * against the channel count, spacings (mm), label values against the classes, digests, and every split
 * (non-empty, known and unique case ids). Throws one `DataError` for the first problem found.
 */
export function checkManifest(value: unknown, file: string): Manifest {
  const c = new Checker(file);
  const m = c.object(value, '', [
    'format',
    'version',
    'name',
    'task',
    'modality',
    'channels',
    'classes',
    'cases',
    'splits',
    'preprocessing',
  ]);
  if (m['format'] !== 'semiseg-dataset')
    c.fail(
      'format',
      `is ${show(m['format'])}`,
      "'semiseg-dataset' (a manifest written by semiseg preprocess)",
    );
  if (m['version'] !== 1) c.fail('version', `is ${show(m['version'])}`, '1');
  c.string(m['name'], 'name');
  c.string(m['task'], 'task');
  c.string(m['modality'], 'modality');
  const channels = c.uniqueStrings(m['channels'], 'channels');
  const classes = c.uniqueStrings(m['classes'], 'classes');
  if (classes.length > 256) c.fail('classes', `has ${classes.length} entries`, 'at most 256 (uint8 labels)');
  const cases = c.array(m['cases'], 'cases', true);
  const firstAt = new Map<string, number>();
  cases.forEach((v, i) => {
    const k = checkCase(c, v, i, classes.length, channels.length);
    const prev = firstAt.get(k.id);
    if (prev !== undefined)
      c.fail(
        at('cases', i, 'id'),
        `duplicate case ${show(k.id)} (first at cases[${prev}])`,
        'unique case ids',
      );
    firstAt.set(k.id, i);
  });
  const splits = m['splits'];
  if (splits === null || typeof splits !== 'object' || Array.isArray(splits))
    c.fail('splits', `is ${kind(splits)}`, 'a JSON object { name: [case ids] }');
  for (const [name, ids] of Object.entries(splits as Obj)) {
    const f = at('splits', name);
    if (!ID_PATTERN.test(name)) c.fail(f, 'is not a valid split name', 'letters, digits, ".", "_", "-"');
    const list = c.array(ids, f, false);
    if (list.length === 0) c.fail(f, 'is an empty split', 'at least one case id');
    const seen = new Set<string>();
    list.forEach((id, k) => {
      if (typeof id !== 'string' || !firstAt.has(id))
        c.fail(at(f, k), `unknown case id ${show(id)}`, 'an id listed in cases');
      if (seen.has(id as string))
        c.fail(at(f, k), `duplicate case id ${show(id)}`, 'each case at most once per split');
      seen.add(id as string);
    });
  }
  const p = c.object(m['preprocessing'], 'preprocessing', [
    'variant',
    'steps',
    'onLoad',
    'source',
    'tool',
    'created',
    'fingerprint',
    'notes',
  ]);
  c.string(p['variant'], at('preprocessing', 'variant'));
  checkSteps(c, p['steps'], at('preprocessing', 'steps'));
  checkSteps(c, p['onLoad'], at('preprocessing', 'onLoad'));
  c.string(p['source'], at('preprocessing', 'source'));
  c.string(p['tool'], at('preprocessing', 'tool'));
  c.string(p['created'], at('preprocessing', 'created'));
  c.hex(p['fingerprint'], at('preprocessing', 'fingerprint'));
  c.array(p['notes'], at('preprocessing', 'notes'), false).forEach((n, i) => {
    if (typeof n !== 'string') c.fail(at('preprocessing', 'notes', i), `is ${kind(n)}`, 'a string');
  });
  return m as unknown as Manifest;
}
