/**
 * Validation during training (dhc-baselines §1.5): one centre patch per evaluation volume, the method's
 * prediction in eval mode without gradients, argmax, hard Dice per foreground class with smoothing
 * 1e-8 (a class absent from both gives 0.5), mean over volumes per class, then over classes.
 */
import type { Sample } from '../data/index.ts';
import { centerCrop } from '../data/index.ts';
import { hardDicePerClass } from '../methods/common/diffdw.ts';
import type { SemiSupervisedMethod } from '../methods/method.ts';
import { asNumbers } from '../torch/arrays.ts';
import { fromArray, inferenceMode, ops, scope } from '../torch/index.ts';

export interface ValidationResult {
  /** Mean over foreground classes of the per-class mean Dice (fraction). */
  score: number;
  /** Per foreground class (1..C-1), mean over volumes. */
  perClass: number[];
}

/** Centre-cropped evaluation volumes, prepared once and kept in memory. */
export class Validator {
  private readonly cases: Sample[];

  constructor(
    cases: readonly Sample[],
    readonly numClasses: number,
    patch: readonly number[],
  ) {
    this.cases = cases.map((s) => centerCrop(s, [...patch]));
  }

  get size(): number {
    return this.cases.length;
  }

  /** Scores `method` on every case (models put in eval mode and back to train mode afterwards). */
  run(method: SemiSupervisedMethod, device = 'cpu'): ValidationResult {
    const c = this.numClasses;
    const sums = new Array<number>(c - 1).fill(0);
    for (const m of Object.values(method.models)) m.eval();
    try {
      for (const s of this.cases) {
        const d = scope(() =>
          inferenceMode(() => {
            const x = fromArray(s.image, [1, ...s.shape], { device: device as 'cpu' });
            const pred = method.predict(x).argmax(1);
            const y = ops.toDtype(
              fromArray(s.label!, [1, ...s.shape.slice(1)], { device: device as 'cpu' }),
              'int64',
            );
            return asNumbers(hardDicePerClass(pred, y, c));
          }),
        );
        for (let k = 1; k < c; k++) sums[k - 1] = (sums[k - 1] ?? 0) + (d[k] ?? 0);
      }
    } finally {
      for (const m of Object.values(method.models)) m.train();
    }
    const perClass = sums.map((v) => v / Math.max(this.cases.length, 1));
    const score = perClass.reduce((a, b) => a + b, 0) / perClass.length;
    return { score, perClass };
  }
}
