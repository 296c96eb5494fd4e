/**
 * Volume files for prediction and evaluation: `.nii.gz` / `.nii` (with the affine, kept for the outputs) and
 * `.npy` (no geometry: voxel units). Volumes come back in the project's layout, C order with the file's
 * x axis last (`[D, H, W]` = (z, y, x) for NIfTI, the array's own axes for npy).
 */

import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import {
  IoError,
  type Mat4,
  type NiftiHeader,
  type NumericArray,
  niftiToZyx,
  readNifti,
  readNpy,
  writeNifti,
  writeNpySync,
} from '../../io/index.ts';
import type { Tensor } from '../../torch/index.ts';

/** Extensions of the volume files we read and write, longest first. */
export const VOLUME_EXTENSIONS = ['.nii.gz', '.nii', '.npy'] as const;

/** A volume read from a file. */
export interface VolumeFile {
  path: string;
  format: 'nifti' | 'npy';
  /** C-order voxels, last axis fastest (for NIfTI: the file's memory, no copy). */
  data: NumericArray;
  /** `[D, H, W]` (or `[H, W]`, or `[C, D, H, W]` for a 4D NIfTI): NIfTI's shape reversed, npy's as stored. */
  shape: number[];
  /** Voxel sizes in mm in the same axis order as `shape`; null for npy (no geometry). */
  spacing: number[] | null;
  /** NIfTI voxel-to-world affine (row-major 4x4), null for npy. */
  affine: Mat4 | null;
  /** NIfTI header, reused when writing outputs "like" this file. */
  header: NiftiHeader | null;
}

/** The case id of a volume file: its name without directory and volume extension, or null if not a volume. */
export function caseIdOf(path: string): string | null {
  const name = basename(path);
  for (const ext of VOLUME_EXTENSIONS) {
    if (name.endsWith(ext) && name.length > ext.length) return name.slice(0, -ext.length);
  }
  return null;
}

/**
 * Reads a `.nii`, `.nii.gz` or `.npy` volume.
 *
 * @returns the voxels in C order with NIfTI's axes reversed (`[Z, Y, X]`), spacing in mm (NIfTI) or null (npy).
 * @throws IoError (one line naming the file) for a missing or malformed file or another extension.
 */
export async function readVolumeFile(path: string): Promise<VolumeFile> {
  const id = caseIdOf(path);
  if (id === null) throw new IoError(path, 'is not a volume file', VOLUME_EXTENSIONS.join(', '));
  if (path.endsWith('.npy')) {
    const a = await readNpy(path);
    return { path, format: 'npy', data: a.data, shape: a.shape, spacing: null, affine: null, header: null };
  }
  const v = await readNifti(path);
  const z = niftiToZyx(v);
  return {
    path,
    format: 'nifti',
    data: z.data,
    shape: z.shape,
    spacing: z.spacing,
    affine: v.affine,
    header: v.header,
  };
}

function arrayOf(x: Tensor | NumericArray): NumericArray {
  if (ArrayBuffer.isView(x)) return x;
  const t = x as Tensor;
  if (t.device !== 'cpu') {
    const c = t.to('cpu');
    try {
      return c.contiguous().toArray() as NumericArray;
    } finally {
      c.dispose();
    }
  }
  return t.toArray() as NumericArray;
}

/**
 * Writes a volume in C order `[..., D, H, W]` as NIfTI (`.nii`/`.nii.gz`: shape reversed to x-fastest, the
 * memory unchanged; affine and sform/qform codes of `like` when given, else diag(spacing)) or `.npy` (shape as
 * given). Creates the parent directory. Written atomically (temporary file, rename).
 *
 * @param path - output path; its extension picks the format.
 * @param volume - a tensor (any device; copied to the CPU) or a typed array in C order.
 * @param shape - C-order shape; required for a typed array, checked against a tensor's.
 * @param like - the input volume whose geometry the output takes (NIfTI only; npy has none).
 * @throws IoError naming the path for another extension or a shape that does not match the data.
 */
export async function writeVolumeFile(
  path: string,
  volume: Tensor | NumericArray,
  shape?: readonly number[],
  like?: Pick<VolumeFile, 'affine' | 'header' | 'spacing'> | null,
): Promise<void> {
  const data = arrayOf(volume);
  const dims = shape ?? (volume as Tensor).shape;
  if (
    !ArrayBuffer.isView(volume) &&
    shape !== undefined &&
    shape.join() !== (volume as Tensor).shape.join()
  ) {
    throw new IoError(
      path,
      `tensor shape [${(volume as Tensor).shape}] differs from [${shape}]`,
      'equal shapes',
    );
  }
  if (caseIdOf(path) === null)
    throw new IoError(path, 'has no volume extension', VOLUME_EXTENSIONS.join(', '));
  mkdirSync(dirname(path), { recursive: true });
  if (path.endsWith('.npy')) {
    writeNpySync(path, data, dims);
    return;
  }
  const spacing = like?.spacing ? [...like.spacing].reverse() : undefined;
  await writeNifti(
    path,
    {
      data,
      shape: [...dims].reverse(),
      ...(like?.affine ? { affine: like.affine } : {}),
      ...(spacing ? { spacing } : {}),
      ...(like?.header ? { header: like.header } : {}),
    },
    { descrip: 'semiseg prediction' },
  );
}
