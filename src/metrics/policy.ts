/**
 * Empty-mask policies: what a class scores when its prediction, its label, or both are empty, and in which
 * unit distances are reported. Every evaluation names its policy; it is written into `summary.json`.
 *
 * | policy          | P empty, G not        | G empty, P not        | both empty           | distances   |
 * |-----------------|-----------------------|-----------------------|----------------------|-------------|
 * | `reference-dhc` | Dice 0, ASD 128       | Dice 0, ASD 128       | Dice 0.01 (=1 %), 0  | voxels      |
 * | `reference-cml` | all four 0            | throws (seed crashes) | all four 0           | voxels      |
 * | `strict`        | Dice/Jaccard 0, diag  | Dice/Jaccard 0, diag  | Dice/Jaccard 1, 0    | mm          |
 *
 * (diag = largest voxel-centre distance of the volume, {@link gridDiagonal}.) When both sides are non-empty all
 * policies compute the same medpy-rule values; they differ only in the unit (`voxel` ignores the spacing).
 * `docs/metrics.md` has the full rationale.
 */

import { type Grid, gridDiagonal } from './grid.ts';

/** The four per-class metrics. Dice and Jaccard are fractions in [0, 1]; distances in mm or voxels. */
export interface ClassMetrics {
  dice: number;
  jaccard: number;
  hd95: number;
  asd: number;
}

/** Which side of a class is empty: only the prediction, only the label, or both. */
export type EmptyCase = 'pred' | 'label' | 'both';

/** Unit of HD95/ASD: `mm` uses the volume spacing, `voxel` ignores it (unit spacing, as medpy without it). */
export type DistanceUnits = 'mm' | 'voxel';

/** An empty-mask policy. */
export interface MetricPolicy {
  /** Name written into summaries, e.g. `strict`. */
  readonly name: string;
  /** Distance unit; `voxel` means the spacing passed to the evaluation is ignored. */
  readonly units: DistanceUnits;
  /**
   * Metrics of a class with at least one empty side.
   *
   * @param kind - which side is empty.
   * @param grid - the evaluation grid (its spacing already follows `units`).
   * @param cls - the class index (for error messages).
   */
  empty(kind: EmptyCase, grid: Grid, cls: number): ClassMetrics;
}

/** Thrown by `reference-cml` where the seed's script crashes: the label lacks a class the prediction has. */
export class EmptyReferenceError extends Error {
  constructor(cls: number) {
    super(
      `metrics: class ${cls} is predicted but absent from the label; CML's test script crashes here ` +
        `(medpy hd95 raises on an empty reference). Use the 'strict' policy to score such cases.`,
    );
    this.name = 'EmptyReferenceError';
  }
}

/**
 * `reference-dhc`: `evaluate_Ntimes.py` of DHC and SKCDF (spec/dhc.md §8, spec/skcdf.md evaluation,
 * golden spec/dhc.md §12 G10). Exactly one side empty -> Dice 0, ASD 128; both empty -> Dice 1 on the script's
 * 0-100 scale (a scale bug: 0.01 as a fraction, printed as 1.00 %) and ASD 0. Distances in voxels (medpy
 * without spacing). The script computes neither Jaccard nor HD95; we mirror Dice into Jaccard and ASD into
 * HD95 for these cases so every column is filled (its "hd95" variable holds the ASD anyway).
 */
export const referenceDhc: MetricPolicy = {
  name: 'reference-dhc',
  units: 'voxel',
  empty(kind) {
    if (kind === 'both') return { dice: 0.01, jaccard: 0.01, hd95: 0, asd: 0 };
    return { dice: 0, jaccard: 0, hd95: 128, asd: 128 };
  },
};

/**
 * `reference-cml`: CML's `test_LA.py` / `test_ACDC.py` (spec/cml.md §7.1-7.3, quirk 14). A class absent from the
 * prediction scores (Dice, Jaccard, HD95, ASD) = (0, 0, 0, 0), whatever the label holds (so both-empty is 0 as
 * well). A class present in the prediction but absent from the label makes medpy's `hd95` raise: the script
 * crashes, and so does this policy ({@link EmptyReferenceError}). Distances in voxels (no spacing).
 */
export const referenceCml: MetricPolicy = {
  name: 'reference-cml',
  units: 'voxel',
  empty(kind, _grid, cls) {
    if (kind === 'label') throw new EmptyReferenceError(cls);
    return { dice: 0, jaccard: 0, hd95: 0, asd: 0 };
  },
};

/**
 * `strict`: the default for new work. Both empty -> Dice 1, Jaccard 1, HD95 0, ASD 0 (the absence was
 * predicted correctly: perfect agreement). Exactly one empty -> Dice 0, Jaccard 0, and HD95 = ASD = the volume
 * diagonal in mm (the largest distance any two voxels of the grid can have, so a missed or hallucinated
 * structure scores at least as badly as any prediction that found it). Finite values keep means defined and
 * never drop failures from an average (as NaN-skipping means do); distances use the spacing (mm).
 */
export const strict: MetricPolicy = {
  name: 'strict',
  units: 'mm',
  empty(kind, grid) {
    if (kind === 'both') return { dice: 1, jaccard: 1, hd95: 0, asd: 0 };
    const diag = gridDiagonal(grid);
    return { dice: 0, jaccard: 0, hd95: diag, asd: diag };
  },
};

/** Names accepted by {@link getPolicy}; `reference-skcdf` is an alias of `reference-dhc` (same script). */
export type PolicyName = 'reference-dhc' | 'reference-skcdf' | 'reference-cml' | 'strict';

/** Names of the built-in policies. */
export const POLICY_NAMES: readonly PolicyName[] = [
  'reference-dhc',
  'reference-skcdf',
  'reference-cml',
  'strict',
];

/**
 * Resolves a policy name (or passes a custom policy through).
 *
 * @throws RangeError for an unknown name.
 */
export function getPolicy(policy: PolicyName | MetricPolicy): MetricPolicy {
  if (typeof policy !== 'string') return policy;
  switch (policy) {
    case 'reference-dhc':
    case 'reference-skcdf':
      return referenceDhc;
    case 'reference-cml':
      return referenceCml;
    case 'strict':
      return strict;
    default:
      throw new RangeError(
        `metrics: unknown policy '${policy as string}' (known: ${POLICY_NAMES.join(', ')})`,
      );
  }
}
