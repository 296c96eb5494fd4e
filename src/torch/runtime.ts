/** Process-wide engine settings: seeding, generator state, threads, devices, live-tensor count. */
import type { DeviceSpec } from './dtype.ts';
import { native } from './native.ts';

/** Seeds the default CPU generator (and every CUDA one): the same streams as `torch.manual_seed`. */
export function manualSeed(seed: number | bigint): void {
  native.manualSeed(seed);
}

/** A copy of the default generator's state, for exact resume (`setRngState` restores it). */
export function getRngState(device: DeviceSpec = 'cpu'): Uint8Array {
  return native.getRngState(device);
}

/** Restores a generator state captured by {@link getRngState}. */
export function setRngState(state: Uint8Array, device: DeviceSpec = 'cpu'): void {
  native.setRngState(device, state);
}

/** Sets libtorch's intra-op thread count (default at load: every core). */
export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}

/** Native tensors currently alive (handles not yet disposed). */
export function liveTensors(): number {
  return native.liveCount();
}

/** Number of CUDA devices libtorch sees (0 with a CPU-only libtorch). */
export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

/** `cuda:0` when a GPU is usable, else `cpu`. */
export function defaultDevice(): DeviceSpec {
  return native.cudaDeviceCount() > 0 ? 'cuda:0' : 'cpu';
}

/** libtorch's version string (e.g. `1.13.0`). */
export function libtorchVersion(): string {
  return native.version();
}
