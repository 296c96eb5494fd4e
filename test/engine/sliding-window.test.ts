import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slidingWindowInference } from '../../src/engine/inference/sliding-window.ts';
import {
  cat,
  fromArray,
  isGradEnabled,
  liveTensors,
  manualSeed,
  ops,
  randn,
  scope,
  type Tensor,
} from '../../src/torch/index.ts';
import { golden, goldenMeta, maxAbsDiff, numbers, seededConv3dPair } from './helpers.ts';

const [netA, netB] = seededConv3dPair();
const fA = (x: Tensor) => netA.forward(x);
const fB = (x: Tensor) => netB.forward(x);

test('the seeded nets are the golden script’s nets (manualSeed(0) gives PyTorch’s weights)', () => {
  assert.ok(maxAbsDiff(numbers(netA.weight), numbers(golden('sw.a.weight'))) === 0);
  assert.ok(maxAbsDiff(numbers(netB.bias!), numbers(golden('sw.b.bias'))) === 0);
});

test('a window covering the whole volume gives softmax of one whole-volume forward (tol 1e-6)', () => {
  manualSeed(3);
  const vol = randn([1, 6, 7, 5]).keep();
  const res = slidingWindowInference(vol, fA, { patchSize: [6, 7, 5], stride: [3, 3, 3] });
  const direct = scope(() => ops.softmax(fA(vol.unsqueeze(0)), 1).index(0));
  assert.deepEqual(res.probabilities!.shape, [3, 6, 7, 5]);
  assert.ok(maxAbsDiff(numbers(res.probabilities!), numbers(direct)) < 1e-6);
  assert.deepEqual(numbers(res.labels), numbers(ops.argmax(direct, { dim: 0 })));
  assert.equal(res.labels.dtype, 'uint8');
  // a patch larger than the volume: zero padding then crop equals the conv's own zero padding
  const padded = slidingWindowInference(vol, fA, { patchSize: [9, 8, 8], stride: [4, 4, 4] });
  assert.deepEqual(padded.probabilities!.shape, [3, 6, 7, 5]);
  assert.ok(maxAbsDiff(numbers(padded.probabilities!), numbers(direct)) < 1e-6);
  for (const t of [vol, res.labels, res.probabilities!, padded.labels, padded.probabilities!, direct])
    t.dispose();
});

test('padded volume, windows not multiples of the stride: equals the Python reference loop (tol 1e-6)', () => {
  const m = goldenMeta<{ patch: number[]; stride: number[] }>('sw');
  const vol = golden('sw.image').unsqueeze(0);
  for (const [key, forward] of [
    ['one', fA],
    ['two', [fA, fB]],
  ] as const) {
    for (const batchSize of [1, 4]) {
      const res = slidingWindowInference(vol, forward, { patchSize: m.patch, stride: m.stride, batchSize });
      const d = maxAbsDiff(numbers(res.probabilities!), numbers(golden(`sw.${key}.probs`)));
      assert.ok(d < 1e-6, `${key}, batch ${batchSize}: max diff ${d}`);
      assert.deepEqual(numbers(res.labels), numbers(golden(`sw.${key}.labels`)), `${key} labels`);
      res.labels.dispose();
      res.probabilities!.dispose();
    }
  }
  vol.dispose();
});

/**
 * Independent stitch with plain loops: each window predicted alone (batch of 1), its probabilities (a mean of
 * the members' softmaxes or the softmax of the mean logits) weighted and added into Float64 sums.
 */
function bruteForce(
  vol: Float32Array,
  shape: [number, number, number],
  forwards: ((x: Tensor) => Tensor)[],
  patch: [number, number, number],
  stride: [number, number, number],
  opts: { gaussian?: boolean; combine?: 'logits' | 'probabilities' } = {},
): { probs: Float64Array; K: number } {
  const [D, H, W] = shape;
  const starts = shape.map((s, a) => {
    const out: number[] = [];
    const n = Math.ceil((s - patch[a]!) / stride[a]!) + 1;
    for (let i = 0; i < n; i++) out.push(Math.min(i * stride[a]!, s - patch[a]!));
    return out;
  });
  const [pd, ph, pw] = patch;
  const g = (i: number, p: number) => {
    const s = p / 8;
    const c = Math.floor(p / 2);
    return Math.exp((-0.5 * (i - c) ** 2) / (s * s));
  };
  let sum: Float64Array | null = null;
  const cnt = new Float64Array(D * H * W);
  let K = 0;
  for (const d0 of starts[0]!)
    for (const h0 of starts[1]!)
      for (const w0 of starts[2]!) {
        const win = new Float32Array(pd * ph * pw);
        for (let d = 0; d < pd; d++)
          for (let h = 0; h < ph; h++)
            for (let w = 0; w < pw; w++)
              win[(d * ph + h) * pw + w] = vol[((d0 + d) * H + h0 + h) * W + w0 + w]!;
        const p = scope(() => {
          const x = fromArray(win, [1, 1, pd, ph, pw]);
          const outs = forwards.map((f) => f(x));
          if (opts.combine === 'probabilities') {
            return outs.map((o) => ops.softmax(o, 1).toArray() as Float32Array);
          }
          let s = outs[0]!;
          for (const o of outs.slice(1)) s = s.add(o);
          return [ops.softmax(s.div(outs.length), 1).toArray() as Float32Array];
        });
        K = p[0]!.length / (pd * ph * pw);
        sum ??= new Float64Array(K * D * H * W);
        for (let d = 0; d < pd; d++)
          for (let h = 0; h < ph; h++)
            for (let w = 0; w < pw; w++) {
              const wt = opts.gaussian ? g(d, pd) * g(h, ph) * g(w, pw) : 1;
              const v = (d0 + d) * H * W + (h0 + h) * W + w0 + w;
              cnt[v]! += wt;
              for (let k = 0; k < K; k++) {
                let pk = 0;
                for (const pm of p) pk += pm[((k * pd + d) * ph + h) * pw + w]! / p.length;
                sum[k * D * H * W + v]! += wt * pk;
              }
            }
      }
  const out = sum!;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / cnt[i % (D * H * W)]!;
  return { probs: out, K };
}

test('stitching equals an independent brute-force loop: constant, Gaussian, probability averaging', () => {
  manualSeed(5);
  const shape: [number, number, number] = [7, 10, 13];
  const vol = randn([1, ...shape]).keep();
  const arr = vol.toArray() as Float32Array;
  const patch: [number, number, number] = [4, 6, 8];
  const stride: [number, number, number] = [3, 4, 3];
  const cases = [
    { name: 'constant, one net', forwards: [fA], opts: {} },
    { name: 'constant, two nets, mean logits', forwards: [fA, fB], opts: { combine: 'logits' as const } },
    { name: 'two nets, mean probabilities', forwards: [fA, fB], opts: { combine: 'probabilities' as const } },
    { name: 'gaussian, one net', forwards: [fA], opts: { gaussian: true } },
  ];
  for (const c of cases) {
    const ref = bruteForce(arr, shape, c.forwards, patch, stride, c.opts);
    const res = slidingWindowInference(vol, c.forwards, {
      patchSize: patch,
      stride,
      batchSize: 3,
      ...(c.opts.gaussian ? { weighting: 'gaussian' as const } : {}),
      ...(c.opts.combine ? { combine: c.opts.combine } : {}),
    });
    const d = maxAbsDiff(numbers(res.probabilities!), ref.probs);
    assert.ok(d < 2e-6, `${c.name}: max diff ${d}`);
    res.labels.dispose();
    res.probabilities!.dispose();
  }
  vol.dispose();
});

test('Gaussian and constant blending differ where windows overlap, agree where one window covers', () => {
  manualSeed(6);
  const vol = randn([1, 4, 6, 9]).keep();
  const o = { patchSize: [4, 6, 5], stride: [4, 6, 3] };
  const c = slidingWindowInference(vol, fA, o);
  const g = slidingWindowInference(vol, fA, { ...o, weighting: 'gaussian' });
  const pc = numbers(c.probabilities!);
  const pg = numbers(g.probabilities!);
  // W starts 0, 3, 4: column w = 0 is covered once (identical), w = 4 by three windows at different
  // distances from their centres (the blends differ)
  const at = (p: number[], w: number) => p[(0 * 4 * 6 + 2 * 6 + 3) * 9 + w]!;
  const once = Math.abs(at(pc, 0) - at(pg, 0));
  const thrice = Math.abs(at(pc, 4) - at(pg, 4));
  assert.ok(once < 1e-6, `single window: ${once}`);
  assert.ok(thrice > 1e-5, `three windows: ${thrice}`);
  for (const t of [vol, c.labels, c.probabilities!, g.labels, g.probabilities!]) t.dispose();
});

test('DHC spec §12 G9: stand-in nets A, B on a (6,12,12) volume give the reference probabilities and labels', () => {
  const v = new Float32Array(6 * 12 * 12);
  for (let d = 0; d < 6; d++)
    for (let h = 0; h < 12; h++)
      for (let w = 0; w < 12; w++) v[(d * 12 + h) * 12 + w] = ((7 * d + 3 * h + 5 * w) % 13) / 12;
  const bArr = new Float32Array(3 * 4 * 8 * 8);
  for (let d = 0; d < 4; d++)
    for (let h = 0; h < 8; h++)
      for (let w = 0; w < 8; w++) {
        const r = (d + 2 * h - w + 0.5) / 8;
        bArr[256 + (d * 8 + h) * 8 + w] = r;
        bArr[512 + (d * 8 + h) * 8 + w] = -0.7 * r;
      }
  const vol = fromArray(v, [1, 6, 12, 12]);
  const B = fromArray(bArr, [1, 3, 4, 8, 8]);
  const A = (x: Tensor) =>
    cat(
      [0, 1, 2].map((c) => x.mul(c + 1).sub(0.5 * c)),
      1,
    );
  const res = slidingWindowInference(vol, [A, (x: Tensor) => B.expand(x.size(0), 3, 4, 8, 8)], {
    patchSize: [4, 8, 8],
    stride: [2, 4, 4],
    batchSize: 2,
  });
  const p = numbers(res.probabilities!);
  const at = (d: number, h: number, w: number) => [0, 1, 2].map((c) => p[((c * 6 + d) * 12 + h) * 12 + w]!);
  const close = (got: number[], want: number[]) => {
    for (const [i, g] of got.entries()) assert.ok(Math.abs(g - want[i]!) < 1e-6, `${got} vs ${want}`);
  };
  close(at(0, 0, 0), [0.4172004, 0.33523, 0.2475696]);
  close(at(3, 5, 7), [0.3165125, 0.4032795, 0.280208]);
  close(at(5, 11, 11), [0.2809598, 0.5415641, 0.1774762]);
  const labels = numbers(res.labels);
  const counts = [0, 0, 0];
  for (const l of labels) counts[l]!++;
  assert.deepEqual(counts, [100, 678, 86]);
  assert.deepEqual(
    Array.from({ length: 12 }, (_, h) => labels[(3 * 12 + h) * 12 + 6]),
    [2, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  );
  const s1 = p.slice(864, 1728).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(s1 - 379.67834) / 379.67834 < 1e-5, `sum ${s1}`);
  for (const t of [vol, B, res.labels, res.probabilities!]) t.dispose();
});

test('threshold rule (CML LA): label 1 exactly where the class-1 probability exceeds the threshold', () => {
  manualSeed(7);
  const vol = randn([1, 5, 6, 7]).keep();
  const two = (x: Tensor) => netA.forward(x).index(null, [0, 2]);
  for (const t of [0.5, 0.7]) {
    const res = slidingWindowInference(vol, two, { patchSize: [4, 4, 4], stride: [2, 2, 2], threshold: t });
    const p = numbers(res.probabilities!);
    const n = 5 * 6 * 7;
    const want = Array.from({ length: n }, (_, i) => (p[n + i]! > t ? 1 : 0));
    assert.deepEqual(numbers(res.labels), want);
    assert.ok(want.some((x) => x === 1) && want.some((x) => x === 0), 'both labels occur');
    res.labels.dispose();
    res.probabilities!.dispose();
  }
  assert.throws(
    () => slidingWindowInference(vol, fA, { patchSize: [4, 4, 4], stride: [2, 2, 2], threshold: 0.5 }),
    /threshold needs 2 classes, the network gives 3/,
  );
  vol.dispose();
});

test('memory: live tensor count unchanged after predicting (outputs disposed), after a failing forward too', () => {
  manualSeed(8);
  const vol = randn([1, 9, 10, 11]).keep();
  const o = { patchSize: [4, 6, 8], stride: [3, 3, 3], batchSize: 2 };
  slidingWindowInference(vol, fA, o).labels.dispose(); // warm-up (lazy operator handles)
  for (const opts of [o, { ...o, weighting: 'gaussian' as const }, { ...o, keepProbabilities: false }]) {
    const before = liveTensors();
    const res = slidingWindowInference(vol, [fA, fB], opts);
    assert.equal(liveTensors(), before + (res.probabilities === null ? 1 : 2), 'only the outputs survive');
    res.labels.dispose();
    res.probabilities?.dispose();
    assert.equal(liveTensors(), before);
  }
  const before = liveTensors();
  let calls = 0;
  const failing = (x: Tensor) => {
    if (++calls === 3) throw new Error('boom');
    return fA(x);
  };
  assert.throws(() => slidingWindowInference(vol, failing, o), /boom/);
  assert.equal(liveTensors(), before, 'a throwing forward leaks nothing');
  vol.dispose();
});

test('grad modes: inference mode by default, no-grad on request; outputs never require grad', () => {
  manualSeed(9);
  const vol = randn([1, 4, 4, 4]).keep();
  let seen: boolean | null = null;
  const spy = (x: Tensor) => {
    seen = isGradEnabled();
    return fA(x);
  };
  for (const gradMode of ['inference', 'no-grad'] as const) {
    const res = slidingWindowInference(vol, spy, { patchSize: [4, 4, 4], stride: [4, 4, 4], gradMode });
    assert.equal(seen, false, gradMode);
    assert.equal(res.probabilities!.requiresGrad, false);
    res.labels.dispose();
    res.probabilities!.dispose();
  }
  assert.equal(isGradEnabled(), true, 'grad mode restored');
  vol.dispose();
});

test('bad inputs throw RangeError: rank, empty volume, stride > patch, wrong logits shape, no forwards', () => {
  const vol = randn([1, 4, 5, 6]).keep();
  const o = { patchSize: [4, 4, 4], stride: [2, 2, 2] };
  assert.throws(() => slidingWindowInference(vol.index(0), fA, o), /must be \[C, \.\.\.spatial\]/);
  assert.throws(() => slidingWindowInference(randn([1, 0, 5, 6]), fA, o), /is empty/);
  assert.throws(() => slidingWindowInference(vol, fA, { ...o, stride: [2, 5, 2] }), /stride 5 exceeds/);
  assert.throws(() => slidingWindowInference(vol, fA, { ...o, batchSize: 0 }), /batchSize/);
  const shrink = (x: Tensor) => fA(x).index(null, null, [0, 2]);
  assert.throws(
    () => slidingWindowInference(vol, shrink, o),
    /forward returned logits of shape \[1, 3, 2, 4, 4\]/,
  );
  assert.throws(() => slidingWindowInference(vol, [], o), /at least one forward/);
  assert.throws(
    () => slidingWindowInference(vol.to('int64'), fA, o),
    /dtype int64; expected a floating type/,
  );
  vol.dispose();
});
