/**
 * gzip decoding for `.nii.gz` (and any gzip-wrapped file) with node:zlib, whole buffer at once (measured
 * fastest: see bench/io.ts), multi-member streams included, every zlib failure turned into one `IoError`.
 */

import { gunzip, gunzipSync, type ZlibOptions } from 'node:zlib';
import { IoError } from './errors.ts';

/** True when `bytes` starts with the gzip magic 1f 8b (false for empty input). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const MIN_CHUNK = 64 * 1024;
const MAX_CHUNK = 256 * 1024 * 1024;

/**
 * zlib options sized from the gzip trailer: ISIZE (the last 4 bytes) is the uncompressed size mod 2^32 of the
 * last member, so one output chunk usually holds everything and no concatenation copy is needed. It is only
 * a hint: a wrong ISIZE (multi-member, > 4 GiB, corrupt) just means more chunks.
 */
function options(bytes: Uint8Array): ZlibOptions {
  let hint = MIN_CHUNK;
  if (bytes.length >= 18) {
    const n = bytes.length;
    const isize =
      (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
    // deflate cannot expand more than ~1032x, so a corrupt ISIZE cannot make us allocate much
    hint = Math.min(MAX_CHUNK, n * 1032, Math.max(MIN_CHUNK, isize + 1));
  }
  return { chunkSize: hint };
}

function wrap(path: string, err: unknown, what: string, size: number): IoError {
  const msg = err instanceof Error ? err.message : String(err);
  const kind = /unexpected end/i.test(msg) ? 'truncated gzip data' : 'corrupt gzip data';
  return new IoError(
    path,
    `${kind} (zlib: ${msg}; ${size} compressed bytes)`,
    `a complete gzip stream holding ${what}`,
    {
      cause: err,
    },
  );
}

/**
 * Decompresses a whole gzip buffer (all members); `what` names the expected content for the error message.
 * Throws `IoError` for truncated or corrupt data (CRC / length checks included); empty input counts as truncated.
 */
export function gunzipChecked(bytes: Uint8Array, path: string, what: string): Buffer {
  try {
    return gunzipSync(bytes, options(bytes));
  } catch (err) {
    throw wrap(path, err, what, bytes.length);
  }
}

/** Async twin of `gunzipChecked` (runs in the libuv thread pool, so several files can decompress at once). */
export function gunzipCheckedAsync(bytes: Uint8Array, path: string, what: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(bytes, options(bytes), (err, out) => {
      if (err) reject(wrap(path, err, what, bytes.length));
      else resolve(out);
    });
  });
}
