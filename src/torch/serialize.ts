/**
 * Named tensor dictionaries in PyTorch's own file format (the zip/pickle format of `torch.save`):
 * Python's `torch.load` reads what `saveTensors` writes, and `loadTensors` reads what Python's
 * `torch.save(state_dict)` wrote. Writes are atomic: a temporary file, fsync, then rename.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import * as ops from './generated/ops.ts';
import { native } from './native.ts';
import { type PickleValue, unpickleTorchFile } from './pickle/unpickle.ts';
import { Tensor } from './tensor.ts';

/** The file's bytes for a dictionary of tensors (saved detached, on the CPU, in insertion order). */
export function serializeTensors(dict: ReadonlyMap<string, Tensor> | Record<string, Tensor>): Buffer {
  const entries = dict instanceof Map ? [...dict.entries()] : Object.entries(dict);
  return native.pickleSave(
    entries.map(([k]) => k),
    entries.map(([, t]) => t.id),
  );
}

/**
 * Parses bytes written by {@link serializeTensors} or Python's `torch.save` (a dict or an nn
 * state_dict OrderedDict). Nested dicts and lists are flattened with '.'-joined keys (as PyTorch's
 * optimizer state: `state.0.exp_avg`, `param_groups.0.lr`); numbers become 0-d tensors (int64,
 * float64, bool); strings and None are skipped. Throws one line naming `source` when unreadable.
 */
export function deserializeTensors(bytes: Uint8Array, source = 'bytes'): Map<string, Tensor> {
  let root: PickleValue;
  try {
    root = unpickleTorchFile(bytes);
  } catch (err) {
    throw new Error(`${source}: not a readable PyTorch tensor file (${(err as Error).message})`);
  }
  const out = new Map<string, Tensor>();
  flatten('', root, out);
  return out;
}

function flatten(prefix: string, v: PickleValue, out: Map<string, Tensor>): void {
  const join = (k: string) => (prefix === '' ? k : `${prefix}.${k}`);
  if (v instanceof Tensor) out.set(prefix, v);
  else if (v instanceof Map) for (const [k, x] of v) flatten(join(String(k)), x, out);
  else if (Array.isArray(v)) for (const [i, x] of v.entries()) flatten(join(String(i)), x, out);
  else if (v !== null && typeof v === 'object' && 'tuple' in v)
    for (const [i, x] of v.tuple.entries()) flatten(join(String(i)), x, out);
  else if (typeof v === 'number')
    out.set(prefix, Number.isInteger(v) ? scalarTensor(v, 'int64') : scalarTensor(v, 'float64'));
  else if (typeof v === 'bigint') out.set(prefix, scalarTensor(Number(v), 'int64'));
  else if (typeof v === 'boolean') out.set(prefix, scalarTensor(v ? 1 : 0, 'bool'));
}

function scalarTensor(v: number, dtype: 'int64' | 'float64' | 'bool'): Tensor {
  return ops.scalarTensor(v, { dtype });
}

/** Writes `bytes` to `path` atomically: a crash or full disk leaves the previous file intact. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // the temporary file may not exist
    }
    throw new Error(`${path}: could not write (${(err as Error).message})`);
  }
}

/** Saves a dictionary of tensors to `path` (atomically), readable by Python's `torch.load`. */
export function saveTensors(path: string, dict: ReadonlyMap<string, Tensor> | Record<string, Tensor>): void {
  writeFileAtomic(path, serializeTensors(dict));
}

/** Loads a dictionary of tensors from a file written by `saveTensors` or Python's `torch.save`. */
export function loadTensors(path: string): Map<string, Tensor> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(
      `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  return deserializeTensors(bytes, path);
}
