/** Containers: Sequential (children named "0", "1", ...) and ModuleList. */
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

/** A module whose forward maps one tensor to one tensor. */
export interface TensorModule extends Module {
  forward(x: Tensor): Tensor;
}

/**
 * Applies its children in order. Each intermediate handle is released as soon as the next layer has
 * consumed it (autograd keeps whatever it saved), as Python's reference counting would, so memory
 * freed during backward is reused at once. The input and the output are left alone.
 */
export class Sequential extends Module {
  private readonly layers: TensorModule[];
  constructor(...layers: TensorModule[]) {
    super();
    this.layers = layers;
    for (const [i, m] of layers.entries()) this.registerModule(String(i), m);
  }
  get length(): number {
    return this.layers.length;
  }
  at(i: number): TensorModule {
    const m = this.layers[i];
    if (m === undefined) throw new RangeError(`Sequential: no layer ${i} (has ${this.layers.length})`);
    return m;
  }
  forward(x: Tensor): Tensor {
    let out = x;
    for (const layer of this.layers) {
      const next = layer.forward(out);
      if (out !== x && next !== out) out.dispose();
      out = next;
    }
    return out;
  }
}

/** A list of modules registered as "0", "1", ... (no forward of its own). */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly items: M[] = [];
  constructor(modules: readonly M[] = []) {
    super();
    for (const m of modules) this.push(m);
  }
  push(m: M): void {
    this.registerModule(String(this.items.length), m);
    this.items.push(m);
  }
  get length(): number {
    return this.items.length;
  }
  at(i: number): M {
    const m = this.items[i];
    if (m === undefined) throw new RangeError(`ModuleList: no module ${i} (has ${this.items.length})`);
    return m;
  }
  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
  forward(): never {
    throw new Error('ModuleList has no forward: call its modules');
  }
}
