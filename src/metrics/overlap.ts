/**
 * Overlap metrics: Dice and Jaccard, binary and per class of integer label volumes (medpy `dc` / `jc`).
 *
 * Dice = 2|P ∩ G| / (|P| + |G|), Jaccard = |P ∩ G| / |P ∪ G|, as fractions in [0, 1].
 * Both empty (0/0) is undefined and returns `NaN` here. medpy itself is inconsistent there: 0.4 returns 0 for
 * `dc` and raises in `jc`, 0.5 returns 1 for both. Evaluations never reach this case: `policy.ts` decides
 * what an empty class scores before these are called.
 */

/** Voxel counts per class of a prediction/label pair. */
export interface ClassCounts {
  /** Number of classes counted (labels `0..numClasses-1`). */
  readonly numClasses: number;
  /** `pred[c]` = |P_c|, voxels predicted as class c. */
  readonly pred: Float64Array;
  /** `label[c]` = |G_c|, voxels labelled class c. */
  readonly label: Float64Array;
  /** `intersection[c]` = |P_c ∩ G_c|. */
  readonly intersection: Float64Array;
}

/**
 * Counts |P_c|, |G_c| and |P_c ∩ G_c| for every class in one pass.
 *
 * @param pred - prediction label volume, flat C-order `[D, H, W]` (or 2D), integer dtype (Uint8, Int32, ...).
 * @param label - ground-truth label volume, same length and layout.
 * @param numClasses - number of classes C; values outside `0..C-1` (and non-integers) count for no class.
 * @returns per-class counts; empty volumes give all zeros.
 */
export function classCounts(
  pred: ArrayLike<number>,
  label: ArrayLike<number>,
  numClasses: number,
): ClassCounts {
  if (pred.length !== label.length) {
    throw new RangeError(`metrics: prediction has ${pred.length} voxels, label ${label.length}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 1)
    throw new RangeError(`metrics: bad numClasses ${numClasses}`);
  const p = new Float64Array(numClasses);
  const g = new Float64Array(numClasses);
  const x = new Float64Array(numClasses);
  const n = pred.length;
  for (let i = 0; i < n; i++) {
    const a = pred[i]!;
    const b = label[i]!;
    if (a >= 0 && a < numClasses) p[a] = p[a]! + 1;
    if (b >= 0 && b < numClasses) {
      g[b] = g[b]! + 1;
      if (a === b) x[b] = x[b]! + 1;
    }
  }
  return { numClasses, pred: p, label: g, intersection: x };
}

/** Dice from counts: `2 * inter / (nPred + nLabel)`; `NaN` when both are 0. */
export function diceFromCounts(intersection: number, nPred: number, nLabel: number): number {
  const den = nPred + nLabel;
  return den === 0 ? Number.NaN : (2 * intersection) / den;
}

/** Jaccard from counts: `inter / (nPred + nLabel - inter)`; `NaN` when both are 0. */
export function jaccardFromCounts(intersection: number, nPred: number, nLabel: number): number {
  const union = nPred + nLabel - intersection;
  return union === 0 ? Number.NaN : intersection / union;
}

function binaryCounts(a: ArrayLike<number>, b: ArrayLike<number>): [number, number, number] {
  if (a.length !== b.length)
    throw new RangeError(`metrics: masks differ in length (${a.length} vs ${b.length})`);
  let na = 0;
  let nb = 0;
  let nx = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x) na++;
    if (y) nb++;
    if (x && y) nx++;
  }
  return [nx, na, nb];
}

/**
 * Dice coefficient of two binary masks (medpy `dc`), as a fraction.
 *
 * @param result - flat mask, any layout (only voxel correspondence matters), non-zero = foreground.
 * @param reference - same length.
 * @returns Dice in [0, 1]; `NaN` when both masks are empty.
 */
export function dice(result: ArrayLike<number>, reference: ArrayLike<number>): number {
  const [x, a, b] = binaryCounts(result, reference);
  return diceFromCounts(x, a, b);
}

/**
 * Jaccard index of two binary masks (medpy `jc`), as a fraction.
 *
 * @param result - flat mask, non-zero = foreground.
 * @param reference - same length.
 * @returns Jaccard in [0, 1]; `NaN` when both masks are empty.
 */
export function jaccard(result: ArrayLike<number>, reference: ArrayLike<number>): number {
  const [x, a, b] = binaryCounts(result, reference);
  return jaccardFromCounts(x, a, b);
}

/**
 * Dice per class of two label volumes, classes `0..numClasses-1` (index = class).
 *
 * @param pred - prediction labels, flat C-order `[D, H, W]`, integer dtype.
 * @param label - ground-truth labels, same layout.
 * @returns Float64Array of fractions; `NaN` for a class absent from both.
 */
export function dicePerClass(
  pred: ArrayLike<number>,
  label: ArrayLike<number>,
  numClasses: number,
): Float64Array {
  const c = classCounts(pred, label, numClasses);
  return c.pred.map((_, k) => diceFromCounts(c.intersection[k]!, c.pred[k]!, c.label[k]!));
}

/**
 * Jaccard per class of two label volumes, classes `0..numClasses-1` (index = class).
 *
 * @param pred - prediction labels, flat C-order `[D, H, W]`, integer dtype.
 * @param label - ground-truth labels, same layout.
 * @returns Float64Array of fractions; `NaN` for a class absent from both.
 */
export function jaccardPerClass(
  pred: ArrayLike<number>,
  label: ArrayLike<number>,
  numClasses: number,
): Float64Array {
  const c = classCounts(pred, label, numClasses);
  return c.pred.map((_, k) => jaccardFromCounts(c.intersection[k]!, c.pred[k]!, c.label[k]!));
}
