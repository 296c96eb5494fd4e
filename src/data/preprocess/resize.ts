/**
 * Resampling to a fixed grid with PyTorch's `F.interpolate` kernels (DHC spec §1 "Resize kernels"), run by
 * libtorch: images trilinear (bilinear for 2D) with `align_corners=False`, label maps with the legacy `nearest`
 * mode, whose source index per axis is `min(floor(dst * s), in - 1)` with `s = in / out` in float32. Both take
 * the target size (never a scale factor), as DHC's preprocessing does.
 *
 * Layouts: images `[C, D, H, W]` (or `[C, H, W]`) float32, label maps `[D, H, W]` (or `[H, W]`) uint8, C order.
 */

import { fromArray, scope } from '../../torch/index.ts';
import { interpolate } from '../../torch/nn/layers.ts';

function checkSizes(what: string, spatial: readonly number[], size: readonly number[]): void {
  if (spatial.length !== 2 && spatial.length !== 3)
    throw new RangeError(
      `${what}: spatial shape [${spatial.join(', ')}] has ${spatial.length} axes; expected 2 or 3`,
    );
  if (size.length !== spatial.length)
    throw new RangeError(
      `${what}: size [${size.join(', ')}] does not match the ${spatial.length} spatial axes`,
    );
  for (const s of [...spatial, ...size]) {
    if (!Number.isSafeInteger(s) || s < 1)
      throw new RangeError(
        `${what}: cannot resize [${spatial.join(', ')}] to [${size.join(', ')}]; expected positive sizes`,
      );
  }
}

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

/**
 * Resizes a float32 image of shape `[C, ...spatial]` (spatial `[D, H, W]` or `[H, W]`) to `[C, ...size]`:
 * trilinear / bilinear, `align_corners=False`, every channel alike (PyTorch's float32 kernel). Returns a new
 * array; a size equal to the input's returns a copy. Empty input (a zero size) throws a RangeError.
 */
export function resizeImage(
  image: Float32Array,
  shape: readonly number[],
  size: readonly number[],
): Float32Array {
  const spatial = shape.slice(1);
  checkSizes('resizeImage', spatial, size);
  if (image.length !== product(shape))
    throw new RangeError(
      `resizeImage: image has ${image.length} values but shape [${shape.join(', ')}] needs ${product(shape)}`,
    );
  if (spatial.every((s, i) => s === size[i])) return image.slice();
  return scope(() => {
    const x = fromArray(image, [1, ...shape]);
    const mode = spatial.length === 3 ? 'trilinear' : 'bilinear';
    return interpolate(x, { size, mode, alignCorners: false }).toArray() as Float32Array;
  });
}

/**
 * Resizes a uint8 label map of shape `spatial` (`[D, H, W]` or `[H, W]`) to `size` with PyTorch's legacy
 * `nearest` mode (exact: uint8 in, uint8 out). Returns a new array; a size equal to the input's returns a copy.
 * Empty input (a zero size) throws a RangeError.
 */
export function resizeLabel(
  label: Uint8Array,
  spatial: readonly number[],
  size: readonly number[],
): Uint8Array {
  checkSizes('resizeLabel', spatial, size);
  if (label.length !== product(spatial))
    throw new RangeError(
      `resizeLabel: label has ${label.length} values but shape [${spatial.join(', ')}] needs ${product(spatial)}`,
    );
  if (spatial.every((s, i) => s === size[i])) return label.slice();
  return scope(() => {
    const x = fromArray(label, [1, 1, ...spatial]);
    return interpolate(x, { size, mode: 'nearest' }).toArray() as Uint8Array;
  });
}

/**
 * The legacy-nearest source index of every output index along one axis (DHC spec §1; G6 golden maps):
 * `min(floor(fround(dst * fround(in / out))), in - 1)`, all in float32. Used to check the libtorch kernel and
 * to document it. Empty output (out = 0) gives an empty map.
 */
export function legacyNearestIndex(inSize: number, outSize: number): Int32Array {
  const map = new Int32Array(outSize);
  const s = Math.fround(inSize / outSize);
  for (let d = 0; d < outSize; d++) map[d] = Math.min(Math.floor(Math.fround(d * s)), inSize - 1);
  return map;
}

/**
 * DHC HEAD's on-the-fly Synapse halving (DHC spec §1, §2): image `[C, D, H, W]` to `[C, D, floor(H/2),
 * floor(W/2)]` trilinear (for even H, W the mean of each 2x2 in-plane block), label with legacy nearest
 * (`lab[d, 2i, 2j]`). D is untouched. Returns new arrays and the new shape; throws for H or W below 2.
 */
export function halveInPlane(
  image: Float32Array,
  shape: readonly number[],
  label: Uint8Array | null,
): { image: Float32Array; label: Uint8Array | null; shape: number[] } {
  if (shape.length !== 4)
    throw new RangeError(`halveInPlane: shape [${shape.join(', ')}] is not [C, D, H, W]`);
  const [c, d, h, w] = shape as [number, number, number, number];
  if (h < 2 || w < 2) throw new RangeError(`halveInPlane: H, W = ${h}, ${w}; expected at least 2`);
  const size = [d, Math.floor(h / 2), Math.floor(w / 2)];
  return {
    image: resizeImage(image, shape, size),
    label: label ? resizeLabel(label, [d, h, w], size) : null,
    shape: [c, ...size],
  };
}

/** Voxel size after resizing `spatial` to `size` (mm): each axis' spacing times in / out. Null stays null. */
export function resizedSpacing(
  spacing: readonly number[] | null,
  spatial: readonly number[],
  size: readonly number[],
): number[] | null {
  if (!spacing) return null;
  return spacing.map((s, i) => (s * spatial[i]!) / size[i]!);
}
