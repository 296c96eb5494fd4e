import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type BatchPlan,
  type SamplerOptions,
  samplerPresets,
  TwoStreamSampler,
} from '../../src/data/sampler.ts';
import { loadSplit } from '../../src/data/splits.ts';

const ids = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

function counts(plans: BatchPlan[], stream: 'labeled' | 'unlabeled'): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of plans) for (const r of p[stream]) m.set(r.id, (m.get(r.id) ?? 0) + 1);
  return m;
}

test('DHC rule on Synapse 20%: 8 iterations of 2+2, each unlabeled case once, each labeled case 4 times', () => {
  const split = loadSplit({ task: 'synapse', labeled: '20p' });
  const s = new TwoStreamSampler({
    ...samplerPresets.dhc,
    labeled: split.labeled,
    unlabeled: split.unlabeled,
    seed: 0,
  });
  assert.equal(s.iterationsPerEpoch, 8);
  for (const epoch of [0, 1, 7]) {
    const plans = s.epochPlans(epoch);
    assert.ok(plans.every((p) => p.labeled.length === 2 && p.unlabeled.length === 2));
    assert.deepEqual([...counts(plans, 'unlabeled').values()], new Array(16).fill(1));
    assert.deepEqual(
      [...counts(plans, 'labeled').entries()].sort(),
      split.labeled.map((id) => [id, 4]),
    );
  }
  // a new order every epoch
  assert.notDeepEqual(
    s.epochPlans(0).map((p) => p.unlabeled.map((r) => r.id)),
    s.epochPlans(1).map((p) => p.unlabeled.map((r) => r.id)),
  );
});

test('DHC iterations per epoch: Synapse 10/20/40% -> 9/8/6, AMOS 2/5/10% -> 106/103/98 with a 1+1 last batch', () => {
  const cases: [string, string, number][] = [
    ['synapse', '10p', 9],
    ['synapse', '20p', 8],
    ['synapse', '40p', 6],
    ['amos', '2p', 106],
    ['amos', '5p', 103],
    ['amos', '10p', 98],
  ];
  for (const [task, name, its] of cases) {
    const sp = loadSplit({ task, labeled: name });
    const s = new TwoStreamSampler({
      ...samplerPresets.dhc,
      labeled: sp.labeled,
      unlabeled: sp.unlabeled,
      seed: 1,
    });
    assert.equal(s.iterationsPerEpoch, its, `${task} ${name}`);
  }
  const a10 = loadSplit({ task: 'amos', labeled: '10p' }); // 21 labeled, 195 unlabeled
  const s = new TwoStreamSampler({
    ...samplerPresets.dhc,
    labeled: a10.labeled,
    unlabeled: a10.unlabeled,
    seed: 1,
  });
  const plans = s.epochPlans(0);
  const last = plans[plans.length - 1]!;
  assert.deepEqual([last.labeled.length, last.unlabeled.length], [1, 1]);
  assert.equal(counts(plans, 'unlabeled').size, 195);
  const lc = [...counts(plans, 'labeled').values()];
  assert.equal(lc.length, 21);
  assert.ok(lc.every((c) => c === 9 || c === 10)); // floor/ceil(195/21)
  assert.equal(
    lc.reduce((a, b) => a + b, 0),
    195,
  );
  // AMOS 2%: each of the 4 labeled cases 53 times
  const a2 = loadSplit({ task: 'amos', labeled: '2p' });
  const s2 = new TwoStreamSampler({
    ...samplerPresets.dhc,
    labeled: a2.labeled,
    unlabeled: a2.unlabeled,
    seed: 1,
  });
  assert.deepEqual([...counts(s2.epochPlans(3), 'labeled').values()], [53, 53, 53, 53]);
});

test('SKCDF rule drops the last incomplete batch: AMOS 10% -> 97, 20% -> 77, Synapse 20% -> 8', () => {
  for (const [task, name, its] of [
    ['amos', '10p', 97],
    ['amos', '20p', 77],
    ['synapse', '20p', 8],
  ] as const) {
    const sp = loadSplit({ task, labeled: name });
    const s = new TwoStreamSampler({
      ...samplerPresets.skcdf,
      labeled: sp.labeled,
      unlabeled: sp.unlabeled,
      seed: 0,
    });
    assert.equal(s.iterationsPerEpoch, its);
    assert.ok(s.epochPlans(0).every((p) => p.labeled.length === 2 && p.unlabeled.length === 2));
  }
});

test('CML two-stream rule: labeled once per epoch, unlabeled from a chain of permutations restarted each epoch', () => {
  const la = new TwoStreamSampler({
    ...samplerPresets.cmlLa,
    labeled: ids('L', 8),
    unlabeled: ids('U', 72),
    seed: 1337,
  });
  assert.equal(la.iterationsPerEpoch, 2);
  const p = la.epochPlans(0);
  assert.deepEqual([...counts(p, 'labeled').keys()].sort(), ids('L', 8));
  assert.equal(
    counts(p, 'unlabeled').size,
    8,
    '8 distinct unlabeled cases, no repeat within one permutation',
  );
  assert.equal(
    new TwoStreamSampler({ ...samplerPresets.cmlLa, labeled: ids('L', 4), unlabeled: ids('U', 76), seed: 0 })
      .iterationsPerEpoch,
    1,
  );
  assert.equal(
    new TwoStreamSampler({
      ...samplerPresets.cmlAcdc,
      labeled: ids('L', 136),
      unlabeled: ids('U', 1176),
      seed: 0,
    }).iterationsPerEpoch,
    11,
  );
  assert.equal(
    new TwoStreamSampler({
      ...samplerPresets.cmlAcdc,
      labeled: ids('L', 68),
      unlabeled: ids('U', 1244),
      seed: 0,
    }).iterationsPerEpoch,
    5,
  );
  // fewer unlabeled than needed: consecutive chunks of N_u are whole permutations
  const small = new TwoStreamSampler({
    labeledBatch: 2,
    unlabeledBatch: 2,
    rule: 'two-stream',
    labeled: ids('L', 9),
    unlabeled: ids('U', 3),
    seed: 5,
  });
  assert.equal(small.iterationsPerEpoch, 4); // floor(9/2), labeled tail dropped
  const seq = small.epochPlans(0).flatMap((b) => b.unlabeled.map((r) => r.id));
  assert.equal(seq.length, 8);
  assert.deepEqual(seq.slice(0, 3).sort(), ids('U', 3));
  assert.deepEqual(seq.slice(3, 6).sort(), ids('U', 3));
  assert.equal(new Set(seq.slice(6)).size, 2);
  assert.equal(counts(small.epochPlans(0), 'labeled').size, 8);
});

test('streams never mix, refs carry (stream, epoch, index) unique per epoch', () => {
  const lab = ids('L', 5);
  const unl = ids('U', 11);
  for (const rule of ['repeat', 'two-stream'] as const) {
    const s = new TwoStreamSampler({
      labeledBatch: 2,
      unlabeledBatch: 3,
      rule,
      labeled: lab,
      unlabeled: unl,
      seed: 9,
    });
    const seen = new Set<string>();
    for (let i = 0; i < 25; i++) {
      const b = s.next();
      assert.ok(b.labeled.every((r) => r.stream === 'labeled' && lab.includes(r.id) && r.epoch === b.epoch));
      assert.ok(
        b.unlabeled.every((r) => r.stream === 'unlabeled' && unl.includes(r.id) && r.epoch === b.epoch),
      );
      for (const r of [...b.labeled, ...b.unlabeled]) {
        const key = `${r.stream}/${r.epoch}/${r.index}`;
        assert.ok(!seen.has(key), key);
        seen.add(key);
      }
      assert.equal(b.step, i);
    }
  }
});

test('same seed, same batches; another seed, other batches', () => {
  const opts: SamplerOptions = {
    ...samplerPresets.dhc,
    labeled: ids('L', 4),
    unlabeled: ids('U', 16),
    seed: 3,
  };
  const a = new TwoStreamSampler(opts);
  const b = new TwoStreamSampler({ ...opts });
  const c = new TwoStreamSampler({ ...opts, seed: 4 });
  const take = (s: TwoStreamSampler) => Array.from({ length: 20 }, () => s.next());
  const ta = take(a);
  assert.deepEqual(ta, take(b));
  assert.notDeepEqual(ta, take(c));
});

test('resume from a mid-epoch state continues the identical sequence, across epochs', () => {
  for (const rule of ['repeat', 'two-stream'] as const) {
    const opts: SamplerOptions = {
      labeledBatch: 2,
      unlabeledBatch: 2,
      rule,
      labeled: ids('L', 6),
      unlabeled: ids('U', 13),
      seed: 21,
    };
    const a = new TwoStreamSampler(opts);
    for (let i = 0; i < 5; i++) a.next();
    const saved = JSON.parse(JSON.stringify(a.state()));
    assert.ok(saved.iteration > 0, 'mid-epoch');
    const expected = Array.from({ length: 30 }, () => a.next());
    const b = new TwoStreamSampler(opts);
    b.restore(saved);
    assert.deepEqual(
      Array.from({ length: 30 }, () => b.next()),
      expected,
    );
  }
});

test('sampler errors name the field', () => {
  const base: SamplerOptions = {
    ...samplerPresets.dhc,
    labeled: ids('L', 4),
    unlabeled: ids('U', 16),
    seed: 0,
  };
  assert.throws(
    () => new TwoStreamSampler({ ...base, labeled: [] }),
    /^RangeError: labeled: empty list of cases \(expected at least one id\)$/,
  );
  assert.throws(() => new TwoStreamSampler({ ...base, unlabeled: [] }), /unlabeled: empty list of cases/);
  assert.throws(
    () => new TwoStreamSampler({ ...base, unlabeled: ['U1', 'L001'] }),
    /unlabeled: id 'L001' is also in labeled \(the two streams must be disjoint\)/,
  );
  assert.throws(() => new TwoStreamSampler({ ...base, labeled: ['a', 'a'] }), /labeled: duplicate id 'a'/);
  assert.throws(
    () => new TwoStreamSampler({ ...base, labeledBatch: 0 }),
    /labeledBatch: expected a positive integer, got 0/,
  );
  assert.throws(
    () => new TwoStreamSampler({ ...base, rule: 'cycle' as never }),
    /rule: expected 'repeat' or 'two-stream', got 'cycle'/,
  );
  assert.throws(
    () =>
      new TwoStreamSampler({
        ...samplerPresets.cmlLa,
        labeled: ids('L', 3),
        unlabeled: ids('U', 10),
        seed: 0,
      }),
    /labeledBatch: 3 labeled cases with batch sizes 4\/4 give 0 iterations per epoch under rule 'two-stream'/,
  );
  const s = new TwoStreamSampler(base);
  const other = new TwoStreamSampler({ ...base, seed: 1 });
  assert.throws(() => s.restore(other.state()), /sampler state.fingerprint: .* does not match this sampler/);
  assert.throws(() => s.restore({ ...s.state(), iteration: 8 }), /iteration: expected 0..7, got 8/);
  assert.throws(
    () => s.restore({ ...s.state(), version: 2 as 1 }),
    /sampler state.version: expected 1, got 2/,
  );
});
