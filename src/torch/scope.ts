/**
 * Deterministic memory: scopes that free every tensor created inside them and not returned.
 *
 * A training step allocates hundreds of native tensors; leaving them to the garbage collector grows
 * memory without bound (the collector sees only small JS wrappers). `scope(fn)` records every tensor
 * created while `fn` runs and disposes, when `fn` returns or throws, each one that is neither part of
 * the returned value nor marked with `keep()`. Returned tensors move to the enclosing scope.
 */

/** What a scope needs of a tensor. */
export interface Scoped {
  readonly isDisposed: boolean;
  /** Set by `keep()`: survives every scope until disposed explicitly. */
  kept: boolean;
  dispose(): void;
}

const stack: Scoped[][] = [];

/** Records a newly created tensor in the innermost open scope (no-op outside scopes). */
export function track(t: Scoped): void {
  const top = stack[stack.length - 1];
  if (top !== undefined) top.push(t);
}

/** Number of open scopes (0 outside any scope). */
export function scopeDepth(): number {
  return stack.length;
}

function collect(value: unknown, out: Set<Scoped>, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if (isScoped(value)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, depth + 1);
  } else if (value instanceof Map) {
    for (const v of value.values()) collect(v, out, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, out, depth + 1);
  }
}

function isScoped(value: object): value is Scoped {
  return 'kept' in value && typeof (value as Scoped).dispose === 'function' && 'isDisposed' in value;
}

function close(list: Scoped[], keep: Set<Scoped>): void {
  const parent = stack[stack.length - 1];
  for (const t of list) {
    if (t.kept || t.isDisposed) continue;
    if (keep.has(t)) {
      if (parent !== undefined) parent.push(t);
    } else {
      t.dispose();
    }
  }
}

/**
 * Runs `fn` and disposes every tensor it created that is not reachable from its return value
 * (tensors directly returned, or inside returned arrays, Maps and plain objects) and not kept.
 * On a throw every tensor created inside is disposed and the error is rethrown. `fn` must be
 * synchronous: an async function's tensors created after its first `await` escape the scope.
 */
export function scope<T>(fn: () => T): T {
  const list: Scoped[] = [];
  stack.push(list);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    stack.pop();
    close(list, new Set());
    throw err;
  }
  stack.pop();
  if (result instanceof Promise) {
    close(list, new Set());
    throw new Error('scope(fn): fn returned a Promise; scopes are synchronous (await outside the scope)');
  }
  const keep = new Set<Scoped>();
  collect(result, keep, 0);
  close(list, keep);
  return result;
}

/** Marks tensors to survive every scope; they must then be disposed explicitly. Returns its argument. */
export function keep<T extends Scoped | readonly Scoped[]>(t: T): T {
  if (Array.isArray(t)) {
    for (const x of t) (x as Scoped).kept = true;
  } else {
    (t as Scoped).kept = true;
  }
  return t;
}
