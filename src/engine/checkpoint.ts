/**
 * Checkpoints: one file in PyTorch's format holding the method's state (models, optimizers, weighting
 * state), the torch generator state and a JSON record (epoch, iteration, sampler state, best score).
 * Written atomically (temporary file, fsync, rename): a crash or kill during a write leaves the
 * previous checkpoint intact.
 */
import type { SamplerState } from '../data/index.ts';
import type { SemiSupervisedMethod } from '../methods/method.ts';
import {
  fromArray,
  getRngState,
  loadTensors,
  saveTensors,
  scope,
  setRngState,
  type Tensor,
} from '../torch/index.ts';

/** The JSON part of a checkpoint. */
export interface CheckpointRecord {
  version: 1;
  method: string;
  /** The epoch to run next and the global iteration to run next. */
  epoch: number;
  iteration: number;
  /** Iterations of `epoch` already done (0 at an epoch boundary). */
  iterationInEpoch: number;
  sampler: SamplerState | null;
  bestScore: number;
  bestEpoch: number;
}

const META_KEY = 'semiseg.record';
const RNG_KEY = 'semiseg.rng.torch';

/** Writes the method's state, the generator state and `record` to `path` atomically. */
export function saveCheckpoint(path: string, method: SemiSupervisedMethod, record: CheckpointRecord): void {
  // The scope frees what building the dictionary creates (e.g. optimizer hyper-parameter scalars).
  scope(() => {
    const dict = new Map<string, Tensor>(method.state());
    const json = new TextEncoder().encode(JSON.stringify(record));
    const state = getRngState();
    dict.set(META_KEY, fromArray(json, [json.length]));
    dict.set(RNG_KEY, fromArray(state, [state.length]));
    saveTensors(path, dict);
  });
}

/** Writes only the models of `method` (the `model.*` entries), e.g. the best checkpoint. */
export function saveModels(
  path: string,
  method: SemiSupervisedMethod,
  record: Partial<CheckpointRecord>,
): void {
  scope(() => {
    const dict = new Map<string, Tensor>();
    for (const [k, v] of method.state()) if (k.startsWith('model.')) dict.set(k, v);
    const json = new TextEncoder().encode(JSON.stringify(record));
    dict.set(META_KEY, fromArray(json, [json.length]));
    saveTensors(path, dict);
  });
}

/** Reads a checkpoint: its tensors (caller disposes), its record, and its generator state. */
export function readCheckpoint(path: string): {
  tensors: Map<string, Tensor>;
  record: CheckpointRecord;
  rng: Uint8Array | null;
} {
  const tensors = loadTensors(path);
  const meta = tensors.get(META_KEY);
  if (!meta) {
    for (const t of tensors.values()) t.dispose();
    throw new Error(`${path}: not a semiseg checkpoint (no ${META_KEY} entry)`);
  }
  const record = JSON.parse(new TextDecoder().decode(meta.toArray() as Uint8Array)) as CheckpointRecord;
  const rngT = tensors.get(RNG_KEY);
  const rng = rngT ? (rngT.toArray() as Uint8Array) : null;
  for (const k of [META_KEY, RNG_KEY]) {
    tensors.get(k)?.dispose();
    tensors.delete(k);
  }
  return { tensors, record, rng };
}

/** Loads a checkpoint into `method` and restores the generator; returns its record. */
export function restoreCheckpoint(path: string, method: SemiSupervisedMethod): CheckpointRecord {
  const { tensors, record, rng } = readCheckpoint(path);
  try {
    if (record.method !== method.name) {
      throw new Error(`${path}: checkpoint of method '${record.method}', not '${method.name}'`);
    }
    method.load(tensors);
    if (rng) setRngState(rng);
    return record;
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}
