/**
 * Optimizer base: parameter groups, per-parameter state, zeroing gradients, and a state dict in the
 * flattened layout of PyTorch's (`state.<i>.<name>` tensors, `param_groups.<g>.<hyper>` scalars).
 */
import { noGrad } from '../autograd.ts';
import { scope } from '../scope.ts';
import type { Tensor } from '../tensor.ts';
import { scalarTensorF64 } from './scalars.ts';

/** A group of parameters sharing hyper-parameters; `lr` is what schedulers change. */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  initialLr?: number;
  [hyper: string]: number | boolean | Tensor[] | undefined;
}

export type ParamsInput =
  | readonly Tensor[]
  | readonly ({ params: readonly Tensor[] } & Record<string, unknown>)[];

export abstract class Optimizer implements Disposable {
  readonly paramGroups: ParamGroup[];
  /** Per-parameter state tensors (momentum buffers, moments, step counters), created lazily. */
  protected readonly state = new Map<Tensor, Map<string, Tensor>>();

  constructor(params: ParamsInput, defaults: Record<string, number | boolean>) {
    if (params.length === 0) throw new Error('optimizer: got an empty parameter list');
    const first = params[0]!;
    const groups =
      'params' in first ? (params as { params: readonly Tensor[] }[]) : [{ params: params as Tensor[] }];
    this.paramGroups = groups.map((g) => {
      const group = { ...defaults, ...g, params: [...g.params] } as ParamGroup;
      for (const [k, v] of Object.entries(group)) {
        if (k !== 'params' && typeof v === 'number' && !Number.isFinite(v)) {
          throw new Error(`optimizer: hyper-parameter '${k}' must be a finite number, got ${v}`);
        }
      }
      if (!(group.lr >= 0)) throw new Error(`optimizer: lr must be >= 0, got ${group.lr}`);
      return group;
    });
  }

  /** Updates every parameter that has a gradient (no graph is recorded; temporaries are freed). */
  step(): void {
    noGrad(() =>
      scope(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            const g = p.grad;
            if (g === null) continue;
            let s = this.state.get(p);
            if (s === undefined) {
              s = new Map();
              this.state.set(p, s);
            }
            this.update(p, g, s, group);
          }
        }
      }),
    );
  }

  /** One parameter's update; `state` tensors created here must be `keep()`-ed. */
  protected abstract update(param: Tensor, grad: Tensor, state: Map<string, Tensor>, group: ParamGroup): void;

  /** Zeroes every gradient in place (PyTorch 1.13's default), or drops them with `setToNone`. */
  zeroGrad(setToNone = false): void {
    for (const group of this.paramGroups) for (const p of group.params) p.zeroGrad(setToNone);
  }

  /** Parameters in group order; their index is the `<i>` of `state.<i>.<name>`. */
  private orderedParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /**
   * The optimizer's state: its own per-parameter tensors (not copies: serialize or clone them before
   * the optimizer steps again) and the hyper-parameters as new float64 scalars.
   */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    this.orderedParams().forEach((p, i) => {
      const s = this.state.get(p);
      if (s) for (const [k, t] of s) out.set(`state.${i}.${k}`, t);
    });
    this.paramGroups.forEach((g, gi) => {
      for (const [k, v] of Object.entries(g)) {
        if (typeof v === 'number' || typeof v === 'boolean')
          out.set(`param_groups.${gi}.${k}`, scalarTensorF64(Number(v)));
      }
    });
    return out;
  }

  /** Restores a state written by {@link stateDict} (copies the tensors; hyper-parameters included). */
  loadStateDict(dict: ReadonlyMap<string, Tensor>): void {
    const params = this.orderedParams();
    for (const [key, t] of dict) {
      const parts = key.split('.');
      if (parts[0] === 'state' && parts.length === 3) {
        const p = params[Number(parts[1])];
        if (p === undefined)
          throw new Error(`optimizer state: '${key}' names parameter ${parts[1]} of ${params.length}`);
        let s = this.state.get(p);
        if (s === undefined) {
          s = new Map();
          this.state.set(p, s);
        }
        s.get(parts[2]!)?.dispose();
        s.set(parts[2]!, noGrad(() => t.clone()).keep());
      } else if (parts[0] === 'param_groups' && parts.length === 3) {
        const g = this.paramGroups[Number(parts[1])];
        if (g === undefined) throw new Error(`optimizer state: '${key}' names a missing parameter group`);
        const old = g[parts[2]!];
        g[parts[2]!] = typeof old === 'boolean' ? t.item() !== 0 : t.item();
      } else {
        throw new Error(`optimizer state: unexpected key '${key}'`);
      }
    }
  }

  /** Frees the optimizer's state tensors (not the parameters). */
  dispose(): void {
    for (const s of this.state.values()) for (const t of s.values()) t.dispose();
    this.state.clear();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
