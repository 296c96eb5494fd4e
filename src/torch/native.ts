/**
 * Loads the native addon (`native/build/Release/semiseg_native.node`) and types its exports.
 * Everything here works on tensor handles (numbers); `tensor.ts` builds the safe API on top.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A libtorch failure: the message is `<op or entry point>: <first line of libtorch's message>`. */
export class TorchError extends Error {
  /** libtorch's full message (may span several lines). */
  readonly detail: string;
  constructor(message: string, detail?: string) {
    super(message);
    this.name = 'TorchError';
    this.detail = detail ?? message;
  }
}

/** Argument and return description of one operator (see `describeOp`). */
export interface NativeOpInfo {
  name: string;
  overload: string;
  schema: string;
  mutable: boolean;
  args: {
    name: string;
    type: string;
    kind: string;
    optional: boolean;
    kwargOnly: boolean;
    writes: boolean;
    size?: number;
    default?: string;
    hasDefault: boolean;
  }[];
  returns: { name: string; type: string; aliasesInput: boolean }[];
}

/** The addon's exports. Handles are numbers; a disposed or stale handle is rejected with a TorchError. */
export interface NativeAddon {
  opId(name: string, overload: string): number;
  call(op: number, keepResult: number, ...args: unknown[]): unknown;
  describeOp(name: string, overload: string): NativeOpInfo;
  listOps(): [string, string][];
  fromArray(data: ArrayBufferView, shape: readonly number[], dtype?: string, device?: string): number;
  fromBytes(bytes: Uint8Array, dtype: string, numel: number): number;
  toArray(
    h: number,
  ): Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
  shape(h: number): number[];
  dtype(h: number): string;
  device(h: number): string;
  item(h: number): number | boolean;
  /** [numel, requiresGrad, isLeaf, gradFnName, isContiguous] */
  meta(h: number): [number, boolean, boolean, string | null, boolean];
  setRequiresGrad(h: number, value: boolean): void;
  backward(h: number, grad: number | null, retainGraph?: boolean, createGraph?: boolean): void;
  grad(h: number): number | null;
  setGrad(h: number, grad: number | null): void;
  zeroGrad(h: number, setToNone: boolean): void;
  dispose(h: number): boolean;
  isLive(h: number): boolean;
  liveCount(): number;
  nbytes(h: number): number;
  setErrorClass(ctor: new (message: string, detail?: string) => Error): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  manualSeed(seed: number | bigint): void;
  getRngState(device?: string): Uint8Array;
  setRngState(device: string, state: Uint8Array): void;
  setGradEnabled(enabled: boolean): boolean;
  isGradEnabled(): boolean;
  withInferenceMode<T>(fn: () => T): T;
  isInferenceMode(): boolean;
  cudaDeviceCount(): number;
  version(): string;
  showConfig(): string;
  pickleSave(names: readonly string[], handles: readonly number[]): Buffer;
}

/** Absolute path of the built addon. */
export const ADDON_PATH = fileURLToPath(
  new URL('../../native/build/Release/semiseg_native.node', import.meta.url),
);

function loadAddon(): NativeAddon {
  if (!existsSync(ADDON_PATH)) {
    throw new Error(`semiseg: the native addon is not built (${ADDON_PATH}): run 'npm run setup'`);
  }
  // libgomp reads its settings when the addon loads it. Its default spin-waiting makes libtorch 10-20
  // times slower whenever the cores are shared (another training, a test runner, a second process):
  // measured 11 s vs 0.8 s per step. Passive waiting costs little when the machine is idle. An explicit
  // OMP_WAIT_POLICY from the user wins.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  const require = createRequire(import.meta.url);
  const addon = require(ADDON_PATH) as NativeAddon;
  addon.setErrorClass(TorchError);
  return addon;
}

/** The loaded addon (loaded once per thread on first import). */
export const native: NativeAddon = loadAddon();
