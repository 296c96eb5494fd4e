/**
 * Two-stream batch sampling: every iteration yields B_l labeled and B_u unlabeled case references, with the
 * epoch rules of the references. Both streams are deterministic functions of (seed, epoch), so the state of
 * a sampler is just (epoch, iteration): a resumed run rebuilds the epoch's order and continues exactly.
 *
 * Rules:
 * - `repeat` (DHC spec §2 "Batches", SKCDF spec §3.4): one epoch is one pass over the unlabeled set in a
 *   fresh random order. The labeled dataset is made as long as the unlabeled one (repeat = N_u): item i is
 *   labeled case `ids[i mod N_l]` and the N_u items are shuffled, so each labeled case appears
 *   floor(N_u/N_l) or ceil(N_u/N_l) times per epoch (when N_l > N_u only the first N_u labeled ids are ever
 *   used, as in the reference). The epoch zips both loaders: ceil(N_u/B) iterations with a smaller last
 *   batch (DHC, `dropLast: false`) or floor(N_u/B) (SKCDF, `dropLast: true`). Pass labeled ids sorted, as
 *   the reference datasets sort them.
 * - `two-stream` (CML spec §2.3, SSL4MIS TwoStreamBatchSampler): the labeled ids are permuted once per epoch
 *   and iterated once (floor(N_l/B_l) iterations, the incomplete tail dropped); the unlabeled ids come from an
 *   endless chain of fresh permutations that restarts at every epoch (the unused tail is dropped).
 */

import { createHash } from 'node:crypto';
import { Random } from './random.ts';
import { fmt } from './sample.ts';

/** Which epoch rule the sampler follows (see the module comment). */
export type EpochRule = 'repeat' | 'two-stream';

/** Which stream a case reference belongs to. */
export type StreamName = 'labeled' | 'unlabeled';

/** Options of `TwoStreamSampler`. */
export interface SamplerOptions {
  labeled: readonly string[];
  unlabeled: readonly string[];
  /** Labeled cases per iteration (DHC 2, CML LA 4, CML ACDC 12). */
  labeledBatch: number;
  /** Unlabeled cases per iteration. */
  unlabeledBatch: number;
  rule: EpochRule;
  seed: number | bigint | string;
  /** `repeat` only: drop the incomplete last batch (SKCDF true, DHC false). */
  dropLast?: boolean;
}

/** One case to load: `index` is its position in this epoch's stream, unique per (stream, epoch). */
export interface SampleRef {
  id: string;
  stream: StreamName;
  epoch: number;
  index: number;
}

/** The case references of one iteration. `step` counts iterations over all epochs, from 0. */
export interface BatchPlan {
  epoch: number;
  iteration: number;
  step: number;
  labeled: SampleRef[];
  unlabeled: SampleRef[];
}

/** Resume point: the next batch `next()` returns is (epoch, iteration). */
export interface SamplerState {
  version: 1;
  epoch: number;
  iteration: number;
  step: number;
  /** Hash of ids, rule, batch sizes and seed; `restore` refuses a state from another configuration. */
  fingerprint: string;
}

function checkIds(ids: readonly string[], field: string): void {
  if (!Array.isArray(ids) || ids.length === 0)
    throw new RangeError(`${field}: empty list of cases (expected at least one id)`);
  const seen = new Set<string>();
  for (const id of ids) {
    if (typeof id !== 'string' || id === '')
      throw new RangeError(`${field}: expected non-empty string ids, got ${fmt(id)}`);
    if (seen.has(id)) throw new RangeError(`${field}: duplicate id ${fmt(id)}`);
    seen.add(id);
  }
}

function checkBatch(v: number, field: string): void {
  if (!Number.isSafeInteger(v) || v <= 0)
    throw new RangeError(`${field}: expected a positive integer, got ${fmt(v)}`);
}

/** Deterministic two-stream sampler; `next()` never ends (epochs follow one another). */
export class TwoStreamSampler {
  readonly iterationsPerEpoch: number;
  private readonly opts: Required<SamplerOptions>;
  private readonly root: Random;
  private readonly fingerprint: string;
  private epoch = 0;
  private iteration = 0;
  private step = 0;
  private cache: { epoch: number; labeled: Int32Array; unlabeled: Int32Array } | null = null;

  /** Validates the options; throws a one-line error naming the field (empty or overlapping streams, ...). */
  constructor(options: SamplerOptions) {
    const o = { dropLast: false, ...options };
    checkIds(o.labeled, 'labeled');
    checkIds(o.unlabeled, 'unlabeled');
    const lab = new Set(o.labeled);
    const both = o.unlabeled.find((id) => lab.has(id));
    if (both !== undefined)
      throw new RangeError(
        `unlabeled: id ${fmt(both)} is also in labeled (the two streams must be disjoint)`,
      );
    checkBatch(o.labeledBatch, 'labeledBatch');
    checkBatch(o.unlabeledBatch, 'unlabeledBatch');
    if (o.rule !== 'repeat' && o.rule !== 'two-stream')
      throw new RangeError(`rule: expected 'repeat' or 'two-stream', got ${fmt(o.rule)}`);
    this.opts = { ...o, labeled: [...o.labeled], unlabeled: [...o.unlabeled] };
    this.root = new Random(o.seed).split('sampler');
    const nl = o.labeled.length;
    const nu = o.unlabeled.length;
    if (o.rule === 'repeat') {
      const per = (b: number) => (o.dropLast ? Math.floor(nu / b) : Math.ceil(nu / b));
      this.iterationsPerEpoch = Math.min(per(o.labeledBatch), per(o.unlabeledBatch));
    } else {
      this.iterationsPerEpoch = Math.floor(nl / o.labeledBatch);
    }
    if (this.iterationsPerEpoch === 0) {
      const n = o.rule === 'repeat' ? `${nu} unlabeled` : `${nl} labeled`;
      throw new RangeError(
        `labeledBatch: ${n} cases with batch sizes ${o.labeledBatch}/${o.unlabeledBatch} give 0 iterations per epoch under rule '${o.rule}'`,
      );
    }
    this.fingerprint = createHash('sha256')
      .update(
        JSON.stringify([
          o.rule,
          o.labeledBatch,
          o.unlabeledBatch,
          o.dropLast,
          this.root.seedKey,
          o.labeled,
          o.unlabeled,
        ]),
      )
      .digest('hex')
      .slice(0, 16);
  }

  /** Per-epoch stream orders as indices into the id lists (labeled: N_u items for `repeat`, N_l for `two-stream`). */
  private order(epoch: number): { labeled: Int32Array; unlabeled: Int32Array } {
    if (this.cache?.epoch === epoch) return this.cache;
    const e = this.root.fork(epoch);
    const nl = this.opts.labeled.length;
    const nu = this.opts.unlabeled.length;
    let labeled: Int32Array;
    let unlabeled: Int32Array;
    if (this.opts.rule === 'repeat') {
      unlabeled = e.split('unlabeled').permutation(nu);
      labeled = e
        .split('labeled')
        .permutation(nu)
        .map((i) => i % nl);
    } else {
      labeled = e.split('labeled').permutation(nl);
      const need = this.iterationsPerEpoch * this.opts.unlabeledBatch;
      unlabeled = new Int32Array(need);
      const chain = e.split('unlabeled');
      for (let j = 0; j * nu < need; j++) {
        const p = chain.fork(j).permutation(nu);
        unlabeled.set(p.subarray(0, Math.min(nu, need - j * nu)), j * nu);
      }
    }
    this.cache = { epoch, labeled, unlabeled };
    return this.cache;
  }

  /** The batch plan of (epoch, iteration) without moving the sampler. */
  plan(epoch: number, iteration: number): BatchPlan {
    if (!Number.isSafeInteger(epoch) || epoch < 0)
      throw new RangeError(`epoch: expected an integer >= 0, got ${fmt(epoch)}`);
    if (!Number.isSafeInteger(iteration) || iteration < 0 || iteration >= this.iterationsPerEpoch) {
      throw new RangeError(`iteration: expected 0..${this.iterationsPerEpoch - 1}, got ${fmt(iteration)}`);
    }
    const ord = this.order(epoch);
    const refs = (stream: StreamName, idx: Int32Array, ids: readonly string[], b: number): SampleRef[] => {
      const out: SampleRef[] = [];
      for (let k = iteration * b; k < Math.min((iteration + 1) * b, idx.length); k++) {
        out.push({ id: ids[idx[k]!]!, stream, epoch, index: k });
      }
      return out;
    };
    return {
      epoch,
      iteration,
      step: epoch * this.iterationsPerEpoch + iteration,
      labeled: refs('labeled', ord.labeled, this.opts.labeled, this.opts.labeledBatch),
      unlabeled: refs('unlabeled', ord.unlabeled, this.opts.unlabeled, this.opts.unlabeledBatch),
    };
  }

  /** All batch plans of one epoch, in order. */
  epochPlans(epoch: number): BatchPlan[] {
    return Array.from({ length: this.iterationsPerEpoch }, (_, t) => this.plan(epoch, t));
  }

  /** The next batch plan; moves to the next epoch after the last iteration. */
  next(): BatchPlan {
    const p = this.plan(this.epoch, this.iteration);
    this.iteration++;
    this.step++;
    if (this.iteration === this.iterationsPerEpoch) {
      this.iteration = 0;
      this.epoch++;
    }
    return p;
  }

  /** Resume point (JSON-serialisable): the batch the next `next()` call returns. */
  state(): SamplerState {
    return {
      version: 1,
      epoch: this.epoch,
      iteration: this.iteration,
      step: this.step,
      fingerprint: this.fingerprint,
    };
  }

  /** Continues from a state taken with `state()` on a sampler with the same ids, rule, batch sizes and seed. */
  restore(s: SamplerState): void {
    if (s?.version !== 1) throw new RangeError(`sampler state.version: expected 1, got ${fmt(s?.version)}`);
    if (s.fingerprint !== this.fingerprint) {
      throw new RangeError(
        `sampler state.fingerprint: ${s.fingerprint} does not match this sampler (${this.fingerprint}): different ids, rule, batch sizes or seed`,
      );
    }
    this.plan(s.epoch, s.iteration); // validates both
    if (s.step !== s.epoch * this.iterationsPerEpoch + s.iteration) {
      throw new RangeError(
        `sampler state.step: ${s.step} is inconsistent with epoch ${s.epoch}, iteration ${s.iteration}`,
      );
    }
    this.epoch = s.epoch;
    this.iteration = s.iteration;
    this.step = s.step;
  }
}

/** Sampler settings of the references (batch sizes per stream, epoch rule). */
export const samplerPresets = {
  /** DHC: 2 + 2, epoch over the unlabeled set, last batch kept. */
  dhc: { labeledBatch: 2, unlabeledBatch: 2, rule: 'repeat', dropLast: false },
  /** SKCDF: 2 + 2, epoch over the unlabeled set, drop_last. */
  skcdf: { labeledBatch: 2, unlabeledBatch: 2, rule: 'repeat', dropLast: true },
  /** CML LA: batch 8 = 4 labeled + 4 unlabeled, TwoStreamBatchSampler. */
  cmlLa: { labeledBatch: 4, unlabeledBatch: 4, rule: 'two-stream' },
  /** CML ACDC: batch 24 = 12 labeled + 12 unlabeled slices. */
  cmlAcdc: { labeledBatch: 12, unlabeledBatch: 12, rule: 'two-stream' },
} as const satisfies Record<string, Omit<SamplerOptions, 'labeled' | 'unlabeled' | 'seed'>>;
