/**
 * Evaluation metrics: exact EDT, medpy-rule surfaces, Dice/Jaccard/HD95/ASD per class, empty-mask policies,
 * aggregation over cases and runs, Markdown tables. Volumes are flat C-order `[D, H, W]` (or `[H, W]`) arrays;
 * see `docs/metrics.md`.
 */

export { distancesAtSamples, edt, squaredEdt, squaredEdtOnGrid } from './edt.ts';
export {
  aggregateRuns,
  type CaseInput,
  type CaseResult,
  type ClassResult,
  type EvaluateOptions,
  type EvaluationSummary,
  evaluateCase,
  evaluateCases,
  type MetricTable,
  type RunsSummary,
  summarize,
} from './evaluate.ts';
export { type Box, type Grid, gridDiagonal, makeGrid, type Shape, type Spacing } from './grid.ts';
export {
  type ClassCounts,
  classCounts,
  dice,
  diceFromCounts,
  dicePerClass,
  jaccard,
  jaccardFromCounts,
  jaccardPerClass,
} from './overlap.ts';
export {
  type ClassMetrics,
  type DistanceUnits,
  type EmptyCase,
  EmptyReferenceError,
  getPolicy,
  type MetricPolicy,
  POLICY_NAMES,
  type PolicyName,
  referenceCml,
  referenceDhc,
  strict,
} from './policy.ts';
export {
  asd,
  asdFromDistances,
  assd,
  assdFromDistances,
  hd95,
  hd95FromDistances,
  percentile,
  type SurfaceDistances,
  surfaceDistances,
  surfaceDistancesOnGrid,
  surfaceMask,
  surfaceOnGrid,
} from './surface.ts';
export { type ClassTableOptions, formatClassTable, formatSummaryTable, type TableRow } from './table.ts';
