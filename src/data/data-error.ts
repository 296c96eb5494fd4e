/**
 * Errors of the dataset layer (manifests, adapters, preprocessing, the preprocessed loader). The message is one
 * line, `<file or field>: <problem>; expected <what was expected>`, the same shape as the IO layer's `IoError`
 * (which adapters let through unchanged for unreadable files).
 */

/** A dataset, manifest or case is not as expected. `message` is one line naming the file or field. */
export class DataError extends Error {
  override readonly name = 'DataError';
  /** The file, or file and field (`out/manifest.json: cases[2].shape`), the problem is about. */
  readonly where: string;
  /** What is wrong, without `where`. */
  readonly problem: string;
  /** What was expected instead; empty when nothing useful can be said. */
  readonly expected: string;

  constructor(where: string, problem: string, expected = '', options?: { cause?: unknown }) {
    const one = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
    const p = one(problem);
    const e = one(expected);
    super(`${where}: ${p}${e ? `; expected ${e}` : ''}`, options);
    this.where = where;
    this.problem = p;
    this.expected = e;
  }
}

/** Throws `DataError(where, problem, expected)`; typed `never` so that it can end an expression. */
export function dataFail(where: string, problem: string, expected = ''): never {
  throw new DataError(where, problem, expected);
}

/** Formats a value for a one-line message: strings quoted, arrays bracketed, objects as short JSON. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  }
  return String(v);
}
