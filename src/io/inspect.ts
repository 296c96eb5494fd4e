/**
 * `inspect(path)`: what `semiseg inspect FILE` prints about a volume file (.nii, .nii.gz, .npy, .h5).
 * The format is recognised from the file's first bytes (gzip / NIfTI / npy / HDF5 signatures), falling back
 * to the extension only to pick which reader explains what is wrong.
 */

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import type { DType } from './dtypes.ts';
import { fail, fsError, IoError } from './errors.ts';
import { listH5Datasets, readH5Dataset } from './h5.ts';
import type { Mat4 } from './nifti/affine.ts';
import { readNifti } from './nifti/read.ts';
import { type NpyDType, readNpy } from './npy.ts';
import { type ArrayStats, arrayStats } from './stats.ts';

/** Statistics and layout of one array of a file. */
export interface InspectArray extends ArrayStats {
  /** Shape in the file's own axis order, as nibabel (NIfTI: x first), numpy or h5py report it. */
  shape: number[];
  /** Stored dtype (NIfTI: before scaling, as nibabel's `get_data_dtype()`; npy: may be 'bool' / 'float16'). */
  dtype: NpyDType;
}

/** What `inspect` returns. min / max / mean are after NIfTI intensity scaling; NaN when there are no values. */
export interface InspectResult extends InspectArray {
  path: string;
  format: 'nifti1' | 'nifti2' | 'npy' | 'h5';
  /** Voxel sizes per axis in the file's order (mm for spatial axes); null when the format stores none (npy, h5). */
  spacing: number[] | null;
  /** Voxel-to-world 4x4 row-major affine (mm); null when the format stores none (npy, h5). */
  affine: Mat4 | null;
  /** NIfTI only: which header part the affine came from. */
  affineSource?: 'sform' | 'qform' | 'pixdim';
  /** NIfTI only: the slope / intercept applied before the statistics, or null. */
  scaling?: { slope: number; inter: number } | null;
  /** NIfTI only: the dtype after scaling (float64 when scaling applies). */
  dataDtype?: DType;
  /** h5 only: the dataset the top-level fields describe: 'image' when present, else the first numeric one. */
  dataset?: string;
  /** h5 only: every numeric dataset at the root, by name, with its own statistics (labels get `unique`). */
  datasets?: Record<string, InspectArray>;
}

type Format = 'nifti' | 'npy' | 'h5';

function sniff(path: string): Format {
  let head: Buffer;
  try {
    if (statSync(path).isDirectory())
      fail(path, 'is a directory, not a file', 'a volume file (.nii, .nii.gz, .npy, .h5)');
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(8);
      head = head.subarray(0, readSync(fd, head, 0, 8, 0));
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof IoError) throw err;
    throw fsError(path, err, 'a volume file (.nii, .nii.gz, .npy, .h5)');
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'nifti';
  if (head.length >= 6 && head.subarray(0, 6).toString('latin1') === '\x93NUMPY') return 'npy';
  if (head.length >= 8 && head.equals(Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'h5';
  if (head.length >= 4) {
    const le = head.readInt32LE(0);
    const be = head.readInt32BE(0);
    if ([le, be].some((v) => v === 348 || v === 540)) return 'nifti';
  }
  const lower = path.toLowerCase();
  if (lower.endsWith('.nii') || lower.endsWith('.nii.gz')) return 'nifti';
  if (lower.endsWith('.npy')) return 'npy';
  if (lower.endsWith('.h5') || lower.endsWith('.hdf5')) return 'h5';
  return fail(
    path,
    `unrecognised file format (extension '${extname(path)}', first bytes ${[...head].map((b) => b.toString(16).padStart(2, '0')).join(' ') || 'none'})`,
    'NIfTI (.nii, .nii.gz), NumPy (.npy) or HDF5 (.h5)',
  );
}

async function inspectH5(path: string): Promise<InspectResult> {
  const infos = await listH5Datasets(path);
  const numeric = infos.filter((d) => d.dtype !== null);
  if (numeric.length === 0) {
    fail(
      path,
      `no numeric dataset at the root (found: ${infos.map((d) => d.name).join(', ') || 'none'})`,
      "datasets such as 'image' and 'label'",
    );
  }
  const datasets: Record<string, InspectArray> = {};
  for (const info of numeric) {
    const arr = await readH5Dataset(path, info.name);
    datasets[info.name] = { shape: arr.shape, dtype: arr.dtype, ...arrayStats(arr.data) };
  }
  const main = datasets['image'] ? 'image' : numeric[0]!.name;
  return { path, format: 'h5', ...datasets[main]!, spacing: null, affine: null, dataset: main, datasets };
}

/**
 * Describes a volume file: format, shape (file's axis order), stored dtype, spacing (mm) and affine (NIfTI),
 * min / max / mean after intensity scaling, and for integer data (or float data holding only integers, such
 * as labels saved as float32) the sorted unique values, at most 256 (`uniqueCount` gives the total).
 * For h5 the top-level fields describe `image` (the first numeric dataset if there is none) and `datasets`
 * holds every numeric root dataset, so a label's unique values are under `datasets.label.unique`.
 * Empty arrays give NaN statistics. Throws `IoError` (one line) for a missing, unreadable, unrecognised or
 * malformed file.
 */
export async function inspect(path: string): Promise<InspectResult> {
  const format = sniff(path);
  if (format === 'h5') return inspectH5(path);
  if (format === 'npy') {
    const a = await readNpy(path, { order: 'file' });
    return {
      path,
      format: 'npy',
      shape: a.shape,
      dtype: a.dtype,
      ...arrayStats(a.data),
      spacing: null,
      affine: null,
    };
  }
  const v = await readNifti(path);
  return {
    path,
    format: v.format,
    shape: v.shape,
    dtype: v.fileDtype,
    ...arrayStats(v.data),
    spacing: v.spacing,
    affine: v.affine,
    affineSource: v.affineSource,
    scaling: v.scaling,
    dataDtype: v.dtype,
  };
}
