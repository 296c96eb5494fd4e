/** Tensor basics: conversions for every dtype, metadata, scopes and dispose, RNG state, threads. */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import {
  arange,
  cat,
  fromArray,
  getNumThreads,
  getRngState,
  keep,
  liveTensors,
  manualSeed,
  ones,
  rand,
  randn,
  scope,
  setNumThreads,
  setRngState,
  stack,
  tensor,
  zeros,
} from '../../src/torch/index.ts';
import { Conv3d } from '../../src/torch/nn/index.ts';
import { asNumbers } from './helpers.ts';

test('typed arrays convert both ways for every dtype', () => {
  scope(() => {
    const cases = [
      [new Float32Array([1.5, -2, 3]), 'float32'],
      [new Float64Array([1e-300, -2.5, 3]), 'float64'],
      [new BigInt64Array([2n ** 40n, -5n, 0n]), 'int64'],
      [new Int32Array([2 ** 30, -7, 1]), 'int32'],
      [new Int16Array([-32768, 7, 1]), 'int16'],
      [new Int8Array([-128, 127, 0]), 'int8'],
      [new Uint8Array([0, 255, 9]), 'uint8'],
    ] as const;
    for (const [data, dtype] of cases) {
      const t = fromArray(data, [3]);
      assert.equal(t.dtype, dtype);
      assert.deepEqual(t.toArray(), data, dtype);
    }
    const half = fromArray(new Float32Array([0.5, -1.25, 65504]), [3], { dtype: 'float16' });
    assert.equal(half.dtype, 'float16');
    assert.deepEqual(asNumbers(half), [0.5, -1.25, 65504]);
    const bf = fromArray(new Float32Array([1.0078125, 3]), [2], { dtype: 'bfloat16' });
    assert.deepEqual(asNumbers(bf), [1.0078125, 3]);
    const mask = fromArray(new Uint8Array([0, 3, 1]), [3], { dtype: 'bool' });
    assert.equal(mask.dtype, 'bool');
    assert.deepEqual(asNumbers(mask), [0, 1, 1]);
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.ndim, 2);
    assert.equal(t.numel, 6);
    assert.equal(t.device, 'cpu');
    assert.equal(t.nbytes, 24);
    assert.deepEqual(asNumbers(t.transpose(0, 1)), [1, 4, 2, 5, 3, 6], 'export is C order');
    assert.equal(tensor(3.5).item(), 3.5);
    assert.deepEqual(tensor([]).shape, [0]);
    assert.throws(() => tensor([[1, 2], [3]]), /ragged/);
  });
});

test('arithmetic follows PyTorch promotion: integral numbers are int scalars', () => {
  scope(() => {
    const i = tensor([1, 2, 3], { dtype: 'int64' });
    assert.equal(i.mul(2).dtype, 'int64');
    assert.equal(i.mul(0.5).dtype, 'float32');
    assert.deepEqual(asNumbers(i.mul(0.5)), [0.5, 1, 1.5]);
    const f = tensor([1, 2, 3]);
    assert.deepEqual(asNumbers(f.add(f, 2)), [3, 6, 9], 'alpha');
    assert.deepEqual(asNumbers(f.rsub(10)), [9, 8, 7]);
    assert.equal(f.sum().item(), 6);
    assert.deepEqual(asNumbers(arange(0, 12).reshape(3, 4).index(1, [1, 4, 2])), [5, 7]);
    assert.deepEqual(cat([f, f]).shape, [6]);
    assert.deepEqual(stack([f, f], 1).shape, [3, 2]);
  });
});

test('scope frees what it does not return, moves returned tensors to the parent, frees on throw', () => {
  const before = liveTensors();
  const kept = scope(() => {
    const a = ones([4]);
    const b = a.mul(2);
    b.add(1);
    return { b, list: [a.sub(1)] };
  });
  assert.equal(liveTensors(), before + 2, 'only the returned tensors survive');
  assert.equal(kept.b.isDisposed, false);
  kept.b.dispose();
  kept.list[0]!.dispose();
  assert.equal(liveTensors(), before);

  const outer = scope(() => {
    const inner = scope(() => zeros([2]).add(1));
    assert.equal(inner.isDisposed, false);
    return inner.mul(3);
  });
  assert.deepEqual(asNumbers(outer), [3, 3]);
  outer.dispose();
  assert.equal(liveTensors(), before, 'the inner result moved to the outer scope and was freed there');

  assert.throws(() =>
    scope(() => {
      ones([3]);
      throw new Error('fail inside');
    }),
  );
  assert.equal(liveTensors(), before, 'a throw frees everything created inside');

  const survivor = scope(() => keep(ones([2])));
  scope(() => {
    const k = ones([1]).keep();
    assert.equal(k.kept, true);
    k.dispose();
  });
  assert.equal(survivor.isDisposed, false);
  survivor.dispose();
  assert.throws(() => scope(() => Promise.resolve(1) as unknown as number), /synchronous/);
  assert.equal(liveTensors(), before);
});

test('dispose is idempotent and `using` frees at block end', () => {
  const before = liveTensors();
  {
    using t = ones([8]);
    assert.equal(liveTensors(), before + 1);
    assert.equal(t.isDisposed, false);
  }
  assert.equal(liveTensors(), before);
  const t = ones([1]);
  t.dispose();
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.equal(String(t), 'Tensor(disposed)');
});

test("manualSeed gives PyTorch's CPU stream; generator state restores exactly", () => {
  scope(() => {
    manualSeed(123);
    // torch.manual_seed(123); torch.rand(3) in Python 1.13:
    const r = asNumbers(rand([3]));
    const want = [0.29611194133758545, 0.516562283039093, 0.2516707181930542];
    assert.deepEqual(r, want);
    const state = getRngState();
    const a = asNumbers(randn([5]));
    setRngState(state);
    const b = asNumbers(randn([5]));
    assert.deepEqual(a, b);
    assert.throws(() => setRngState(new Uint8Array(3)), /setRngState/);
  });
});

test('the intra-op thread count defaults to every core and can be set', () => {
  assert.equal(getNumThreads(), availableParallelism());
  setNumThreads(1);
  assert.equal(getNumThreads(), 1);
  setNumThreads(availableParallelism());
});

test('Module.to converts in place, keeping the same tensor objects', () => {
  const m = new Conv3d(1, 2, 3);
  const w = m.weight;
  const before = asNumbers(w);
  m.to('float64');
  assert.equal(m.weight, w);
  assert.equal(w.dtype, 'float64');
  assert.equal(w.requiresGrad, true);
  assert.deepEqual(asNumbers(w), before);
  m.to('float32');
  m.dispose();
  assert.equal(w.isDisposed, true);
});
