/**
 * Module: named parameters, buffers and submodules, train/eval, state dicts, devices and disposal,
 * with PyTorch's naming (`conv.weight`, `bn.running_mean`, `0.bias` in a Sequential) and state-dict
 * order (each module's parameters, then its buffers, then its children in registration order).
 */
import { noGrad } from '../autograd.ts';
import type { DeviceSpec, DType } from '../dtype.ts';
import * as ops from '../generated/ops.ts';
import { native } from '../native.ts';
import type { Tensor } from '../tensor.ts';

/** A named tensor dictionary as `stateDict()` returns and `loadStateDict()` takes. */
export type StateDict = Map<string, Tensor>;

export abstract class Module implements Disposable {
  /** Training mode (dropout active, batch statistics); `eval()` turns it off. */
  training = true;
  private readonly params = new Map<string, Tensor | null>();
  private readonly buffers = new Map<string, Tensor | null>();
  private readonly children = new Map<string, Module>();

  /** Registers a trainable parameter (kept out of scopes, requires grad). null registers "no bias". */
  protected registerParameter<T extends Tensor | null>(name: string, t: T): T {
    this.checkName(name);
    if (t !== null) {
      t.keep();
      if (!t.requiresGrad) t.requiresGrad_(true);
    }
    this.params.set(name, t);
    return t;
  }

  /** Registers a persistent buffer (running statistics, counters): saved in the state dict, no grad. */
  protected registerBuffer<T extends Tensor | null>(name: string, t: T): T {
    this.checkName(name);
    if (t !== null) t.keep();
    this.buffers.set(name, t);
    return t;
  }

  /** Registers a submodule under `name`. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.checkName(name);
    this.children.set(name, m);
    return m;
  }

  private checkName(name: string): void {
    if (name === '' || name.includes('.'))
      throw new Error(`module: invalid name '${name}' (non-empty, no '.')`);
    if (this.params.has(name) || this.buffers.has(name) || this.children.has(name)) {
      throw new Error(`module: '${name}' is already registered`);
    }
  }

  /** The forward pass. Subclasses define their own signature; single-tensor layers take `x`. */
  abstract forward(...args: never[]): unknown;

  /** `[name, submodule]` for the direct children, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children.entries()];
  }

  /** Every module in the tree (this one first, as `''`), depth first. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.children)
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** `[qualified name, parameter]` in PyTorch's order. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, m] of this.namedModules(prefix)) {
      for (const [p, t] of m.params) if (t !== null) out.push([name ? `${name}.${p}` : p, t]);
    }
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** `[qualified name, buffer]` in PyTorch's order. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, m] of this.namedModules(prefix)) {
      for (const [b, t] of m.buffers) if (t !== null) out.push([name ? `${name}.${b}` : b, t]);
    }
    return out;
  }

  /** Total number of parameter elements (as `sum(p.numel() for p in model.parameters())`). */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.numel, 0);
  }

  /**
   * The state dict: every parameter and buffer by qualified name, in PyTorch's order (a module's
   * parameters, its buffers, then its children). The tensors are the module's own (not copies).
   */
  stateDict(prefix = ''): StateDict {
    const out: StateDict = new Map();
    for (const [p, t] of this.params) if (t !== null) out.set(prefix + p, t);
    for (const [b, t] of this.buffers) if (t !== null) out.set(prefix + b, t);
    for (const [name, child] of this.children) {
      for (const [k, v] of child.stateDict(`${prefix}${name}.`)) out.set(k, v);
    }
    return out;
  }

  /**
   * Copies `state` into this module's tensors in place (no grad). With `strict` (default) missing or
   * unexpected keys throw, listing them; a shape mismatch always throws, naming the key and shapes.
   */
  loadStateDict(
    state: ReadonlyMap<string, Tensor>,
    strict = true,
  ): { missing: string[]; unexpected: string[] } {
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !state.has(k));
    const unexpected = [...state.keys()].filter((k) => !own.has(k));
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      const parts = [];
      if (missing.length) parts.push(`missing keys: ${missing.join(', ')}`);
      if (unexpected.length) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
      throw new Error(`loadStateDict: ${parts.join('; ')}`);
    }
    noGrad(() => {
      for (const [k, dst] of own) {
        const src = state.get(k);
        if (src === undefined) continue;
        const a = dst.shape;
        const b = src.shape;
        if (a.length !== b.length || a.some((s, i) => s !== b[i])) {
          throw new Error(`loadStateDict: '${k}' has shape [${b}] but the module expects [${a}]`);
        }
        ops.copy_(dst, src);
      }
    });
    return { missing, unexpected };
  }

  /** Sets training mode on this module and every submodule. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (as `train(false)`). */
  eval(): this {
    return this.train(false);
  }

  /**
   * Moves (or converts) every parameter and buffer to `target`, keeping the same Tensor objects (so
   * references held by layers and optimizers stay valid). Integer buffers keep their dtype.
   */
  to(target: DeviceSpec | DType): this {
    const isDevice = target === 'cpu' || target.startsWith('cuda');
    noGrad(() => {
      for (const [, m] of this.namedModules()) {
        for (const map of [m.params, m.buffers]) {
          for (const t of map.values()) {
            if (t === null) continue;
            if (!isDevice && !t.dtype.startsWith('float')) continue;
            const moved = isDevice ? t.to(target as DeviceSpec) : t.to(target as DType);
            const requiresGrad = t.requiresGrad;
            const old = t.id;
            t.id = moved.id;
            moved.id = -1;
            moved.kept = true;
            if (requiresGrad) t.requiresGrad_(true);
            native.dispose(old);
          }
        }
      }
    });
    return this;
  }

  /** Frees every parameter and buffer of the tree. The module is unusable afterwards. */
  dispose(): void {
    for (const [, m] of this.namedModules()) {
      for (const t of m.params.values()) t?.dispose();
      for (const t of m.buffers.values()) t?.dispose();
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
