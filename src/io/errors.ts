/**
 * Errors of the IO layer. Every reader and writer in `src/io` reports a bad input as one `IoError` whose
 * message is a single line: `<file>: <problem>; expected <what was expected>`.
 */

import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

/** A file could not be read or written as asked. `message` is one line naming the file, the problem and what was expected. */
export class IoError extends Error {
  override readonly name = 'IoError';
  /** The file the problem is about (as given by the caller). */
  readonly path: string;
  /** What is wrong, without the path. */
  readonly problem: string;
  /** What the reader expected instead; empty when nothing useful can be said. */
  readonly expected: string;

  constructor(path: string, problem: string, expected = '', options?: { cause?: unknown }) {
    const one = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
    const p = one(problem);
    const e = one(expected);
    super(`${path}: ${p}${e ? `; expected ${e}` : ''}`, options);
    this.path = path;
    this.problem = p;
    this.expected = e;
  }
}

/** Throws `IoError(path, problem, expected)`; typed `never` so that it can end an expression. */
export function fail(path: string, problem: string, expected = ''): never {
  throw new IoError(path, problem, expected);
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a parent of this path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return `cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}

/** Maps a Node fs error to an `IoError` for `path`; `what` names the expected kind of file. */
export function fsError(path: string, err: unknown, what: string): IoError {
  return new IoError(path, describeFsError(err), what, { cause: err });
}

/**
 * Reads a whole regular file into a Buffer, turning every fs failure (missing, directory, permissions) into an
 * `IoError`. `what` describes the expected file (e.g. "a NIfTI file (.nii or .nii.gz)"). An empty file is an error.
 */
export function readWholeFileSync(path: string, what: string): Buffer {
  let buf: Buffer;
  try {
    if (statSync(path).isDirectory()) fail(path, 'is a directory, not a file', what);
    buf = readFileSync(path);
  } catch (err) {
    if (err instanceof IoError) throw err;
    throw fsError(path, err, what);
  }
  if (buf.length === 0) fail(path, 'is empty (0 bytes)', what);
  return buf;
}

/** Async twin of `readWholeFileSync`. */
export async function readWholeFile(path: string, what: string): Promise<Buffer> {
  let buf: Buffer;
  try {
    if ((await stat(path)).isDirectory()) fail(path, 'is a directory, not a file', what);
    buf = await readFile(path);
  } catch (err) {
    if (err instanceof IoError) throw err;
    throw fsError(path, err, what);
  }
  if (buf.length === 0) fail(path, 'is empty (0 bytes)', what);
  return buf;
}
