/**
 * HDF5 reading for the preprocessed LA / ACDC layout (datasets `image` float32 and `label` uint8 at the root,
 * gzip-chunked), through h5wasm (HDF5 compiled to WebAssembly; `h5wasm/node` opens real paths).
 * Arrays come in C order with shapes exactly as h5py reports them: LA (x, y, z), ACDC volumes (z, y, x),
 * ACDC slices (H, W). `reorderAxes` in `./layout.ts` converts to the project's (z, y, x).
 */

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import h5wasm from 'h5wasm/node';
import { allocArray, type DType, type NumericArray, voxelCount } from './dtypes.ts';
import { fail, fsError, IoError } from './errors.ts';

/** One dataset read from an HDF5 file. */
export interface H5Array {
  /** Dataset path inside the file (e.g. 'image'). */
  name: string;
  /** Elements in C order (last axis fastest), as h5py's `f[name][()]`. int64 as BigInt64Array. */
  data: NumericArray;
  /** h5py's shape. [] for a scalar dataset (one element). */
  shape: number[];
  dtype: DType;
}

/** Shape and dtype of a dataset, without its data. */
export interface H5DatasetInfo {
  name: string;
  shape: number[];
  /** The numeric dtype, or null when the dataset is not a plain integer / float array (strings, compounds, ...). */
  dtype: DType | null;
  /** h5wasm's dtype string (struct style, e.g. '<f', '>h'). */
  rawDtype: string;
}

/** A case of the LA / ACDC h5 layout. */
export interface H5Case {
  image: H5Array;
  /** Absent only when `readH5Case(path, { label: false })`. */
  label?: H5Array;
}

const WHAT = 'an HDF5 file (.h5)';
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

let ready: Promise<unknown> | undefined;
/**
 * Loads the wasm module once and switches HDF5's error reporting from printing a stack to stderr to throwing
 * (process-wide for h5wasm), so that a corrupt file becomes one `IoError` and no console noise.
 */
function init(): Promise<unknown> {
  ready ??= h5wasm.ready.then((m) => {
    m.activate_throwing_error_handler();
    return m;
  });
  return ready;
}

/** One line from an HDF5 error stack: the outermost failure and, in brackets, the innermost cause. */
export function summarizeHdf5Error(message: string): string {
  const steps = [...message.matchAll(/#\d+: .* in (\w+)\(\): (.*)$/gm)].map(
    (m) => `${m[1]}: ${m[2]!.trim()}`,
  );
  if (steps.length === 0) return message.split('\n')[0]!.trim();
  return steps.length === 1 ? steps[0]! : `${steps[0]} (${steps[steps.length - 1]})`;
}

/**
 * Checks that `path` is a readable regular file with the HDF5 signature (at offset 0 or a user-block offset
 * 512, 1024, 2048, ...), before h5wasm sees it: h5wasm does not throw for a missing or foreign file.
 */
function checkHdf5File(path: string): void {
  let size: number;
  let fd: number | undefined;
  try {
    const st = statSync(path);
    if (st.isDirectory()) fail(path, 'is a directory, not a file', WHAT);
    size = st.size;
    if (size === 0) fail(path, 'is empty (0 bytes)', WHAT);
    fd = openSync(path, 'r');
    const sig = Buffer.alloc(8);
    for (let off = 0; off + 8 <= size; off = off === 0 ? 512 : off * 2) {
      readSync(fd, sig, 0, 8, off);
      if (SIGNATURE.every((b, i) => sig[i] === b)) return;
    }
  } catch (err) {
    if (err instanceof IoError) throw err;
    throw fsError(path, err, WHAT);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  fail(path, 'not an HDF5 file (no HDF5 signature \\x89HDF\\r\\n\\x1a\\n)', WHAT);
}

function dtypeFromMetadata(m: { type: number; size: number; signed: boolean }): DType | null {
  if (m.type === 0) {
    const bits = m.size * 8;
    if (![8, 16, 32, 64].includes(bits)) return null;
    return `${m.signed ? 'int' : 'uint'}${bits}` as DType;
  }
  if (m.type === 1 && (m.size === 4 || m.size === 8)) return m.size === 4 ? 'float32' : 'float64';
  return null;
}

async function withFile<T>(path: string, fn: (f: InstanceType<typeof h5wasm.File>) => T): Promise<T> {
  checkHdf5File(path);
  await init();
  let file: InstanceType<typeof h5wasm.File> | undefined;
  try {
    file = new h5wasm.File(path, 'r');
    if (file.file_id < 0n) fail(path, 'HDF5 library could not open the file (corrupt or truncated?)', WHAT);
    return fn(file);
  } catch (err) {
    if (err instanceof IoError) throw err;
    const msg = summarizeHdf5Error(err instanceof Error ? err.message : String(err));
    throw new IoError(path, `HDF5 read failed: ${msg}`, WHAT, { cause: err });
  } finally {
    if (file && file.file_id >= 0n) file.close();
  }
}

function datasetNames(file: InstanceType<typeof h5wasm.File>): string[] {
  return file.keys().filter((k) => file.get(k) instanceof h5wasm.Dataset);
}

function readDataset(file: InstanceType<typeof h5wasm.File>, path: string, name: string): H5Array {
  const ds = file.get(name);
  if (!(ds instanceof h5wasm.Dataset)) {
    const have = datasetNames(file);
    fail(
      path,
      ds ? `'${name}' is not a dataset` : `no dataset '${name}'`,
      `a dataset '${name}' (the file has: ${have.join(', ') || 'none'})`,
    );
  }
  const meta = ds.metadata;
  const dtype = dtypeFromMetadata(meta);
  if (!dtype)
    fail(
      path,
      `dataset '${name}' has unsupported type ${JSON.stringify(ds.dtype)}`,
      'an integer or float32/float64 dataset',
    );
  const shape = ds.shape ?? [];
  const value = ds.value;
  let data: NumericArray;
  if (typeof value === 'number' || typeof value === 'bigint') {
    // a scalar dataset: h5wasm gives a plain number (bigint for 64-bit integers)
    data = allocArray(dtype, 1);
    (data as unknown as unknown[])[0] = value;
  } else {
    data = value as NumericArray;
  }
  if (!ArrayBuffer.isView(data) || data.length !== voxelCount(shape)) {
    fail(
      path,
      `dataset '${name}' did not decode to ${shape.join('x') || 'a scalar'} values`,
      'a readable numeric dataset',
    );
  }
  return { name, data, shape, dtype };
}

/** Shapes and dtypes of the datasets at the root of an HDF5 file, sorted by name (groups are skipped). */
export function listH5Datasets(path: string): Promise<H5DatasetInfo[]> {
  return withFile(path, (file) =>
    datasetNames(file)
      .sort()
      .map((name) => {
        const ds = file.get(name) as InstanceType<typeof h5wasm.Dataset>;
        return {
          name,
          shape: ds.shape ?? [],
          dtype: dtypeFromMetadata(ds.metadata),
          rawDtype: JSON.stringify(ds.dtype),
        };
      }),
  );
}

/**
 * Reads one dataset (C order, h5py's shape; see `H5Array`). Throws `IoError` for a missing, unreadable or
 * non-HDF5 file, a missing dataset (naming those present), or a non-numeric / float16 dataset.
 */
export function readH5Dataset(path: string, name: string): Promise<H5Array> {
  return withFile(path, (file) => readDataset(file, path, name));
}

/**
 * Reads an LA / ACDC case: `image` (float32 expected; any numeric type is returned as stored) and `label`
 * (integer, same shape as the image). Shapes as h5py reports them: LA (x, y, z), ACDC (z, y, x) or (H, W).
 * Throws `IoError` when a dataset is missing, the label is not an integer type, or the shapes differ.
 */
export function readH5Case(path: string, options: { label?: boolean } = {}): Promise<H5Case> {
  return withFile(path, (file) => {
    const image = readDataset(file, path, 'image');
    if (options.label === false) return { image };
    const label = readDataset(file, path, 'label');
    if (label.dtype.startsWith('float'))
      fail(path, `label is ${label.dtype}`, 'an integer label dataset (uint8)');
    if (label.shape.join() !== image.shape.join()) {
      fail(
        path,
        `label shape (${label.shape.join(', ')}) differs from image shape (${image.shape.join(', ')})`,
        'identical shapes',
      );
    }
    return { image, label };
  });
}
