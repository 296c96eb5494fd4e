/**
 * The in-memory sample of the data layer and its validation.
 *
 * A sample is a C-order float32 image of shape `[C, D, H, W]` (3D) or `[C, H, W]` (2D) and an optional
 * uint8 label map over the spatial axes only (`[D, H, W]` or `[H, W]`, no channel axis).
 */

/** Shape of a sample: `[C, D, H, W]` for volumes, `[C, H, W]` for slices. */
export type SampleShape = [number, number, number, number] | [number, number, number];

/** One image (and label) in C order. `label` has one value per spatial voxel. */
export interface Sample {
  image: Float32Array;
  label?: Uint8Array;
  shape: SampleShape;
}

/** A stack of samples of one stream: image `[B, C, ...spatial]`, label `[B, ...spatial]`. */
export interface StackedBatch {
  image: Float32Array;
  label?: Uint8Array;
  /** `[B, C, D, H, W]` or `[B, C, H, W]`. */
  shape: number[];
  ids: string[];
}

/** Product of a list of sizes (1 for an empty list). */
export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** The spatial part of a sample shape (`[D, H, W]` or `[H, W]`). */
export function spatialShape(shape: readonly number[]): number[] {
  return shape.slice(1);
}

/**
 * Checks that a sample is well formed: shape of rank 3 or 4 with positive integer sizes, image length =
 * product(shape), label length = product of the spatial sizes, and (with `numClasses`) every label value
 * < numClasses. Throws a one-line error naming `where` and the field. An empty sample (a zero size) is an
 * error.
 */
export function checkSample(s: Sample, where = 'sample', numClasses?: number): void {
  if (s === null || typeof s !== 'object')
    throw new TypeError(`${where}: expected an object { image, label?, shape }`);
  const shape = s.shape as unknown;
  if (!Array.isArray(shape) || (shape.length !== 3 && shape.length !== 4)) {
    throw new RangeError(`${where}.shape: expected [C, D, H, W] or [C, H, W], got ${fmt(shape)}`);
  }
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d <= 0) {
      throw new RangeError(`${where}.shape: expected positive integer sizes, got ${fmt(shape)}`);
    }
  }
  if (!(s.image instanceof Float32Array)) throw new TypeError(`${where}.image: expected a Float32Array`);
  const n = product(shape);
  if (s.image.length !== n) {
    throw new RangeError(
      `${where}.image: length ${s.image.length} does not match shape ${fmt(shape)} (${n} values)`,
    );
  }
  if (s.label !== undefined) {
    if (!(s.label instanceof Uint8Array)) throw new TypeError(`${where}.label: expected a Uint8Array`);
    const m = n / shape[0];
    if (s.label.length !== m) {
      throw new RangeError(
        `${where}.label: length ${s.label.length} does not match spatial shape ${fmt(shape.slice(1))} (${m} values)`,
      );
    }
    if (numClasses !== undefined) {
      if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 256) {
        throw new RangeError(`numClasses: expected an integer in 1..256, got ${numClasses}`);
      }
      const lab = s.label;
      for (let i = 0; i < lab.length; i++) {
        if (lab[i]! >= numClasses) {
          throw new RangeError(
            `${where}.label: value ${lab[i]} at flat index ${i} is outside the class range 0..${numClasses - 1}`,
          );
        }
      }
    }
  }
}

/**
 * Stacks samples of identical shape into one batch: image `[B, ...shape]`, label `[B, ...spatial]` (only
 * when every sample has a label). Copies the data. An empty list is an error (a batch has B >= 1).
 */
export function stackSamples(
  samples: readonly Sample[],
  ids: readonly string[],
  where = 'batch',
): StackedBatch {
  if (samples.length === 0) throw new RangeError(`${where}: cannot stack an empty list of samples`);
  const first = samples[0]!;
  const withLabel = samples.filter((s) => s.label !== undefined).length;
  if (withLabel !== 0 && withLabel !== samples.length) {
    throw new RangeError(
      `${where}: ${withLabel} of ${samples.length} samples have a label (expected all or none)`,
    );
  }
  const n = first.image.length;
  const m = n / first.shape[0];
  const image = new Float32Array(n * samples.length);
  const label = withLabel ? new Uint8Array(m * samples.length) : undefined;
  samples.forEach((s, b) => {
    if (s.shape.length !== first.shape.length || s.shape.some((d, i) => d !== first.shape[i])) {
      throw new RangeError(
        `${where}: sample ${b} has shape ${fmt(s.shape)} but sample 0 has ${fmt(first.shape)} (crop to one patch size)`,
      );
    }
    image.set(s.image, b * n);
    if (label && s.label) label.set(s.label, b * m);
  });
  const out: StackedBatch = { image, shape: [samples.length, ...first.shape], ids: [...ids] };
  if (label) out.label = label;
  return out;
}

/** Formats a value for an error message on one line. */
export function fmt(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map((x) => fmt(x)).join(', ') + ']';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}
