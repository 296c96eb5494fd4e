/**
 * PyTorch's file format both ways, with no Python at test time:
 * - Python -> semiseg: files written by `torch.save` (an nn state_dict, i.e. an OrderedDict with
 *   `_metadata`, and a dict of every dtype incl. a non-contiguous view and an empty tensor) load with
 *   the shapes, dtypes and values recorded by the golden script.
 * - semiseg -> Python: ts_written.pt was verified by Python's torch.load (engine.py --verify-ts);
 *   the serializer must still produce exactly those bytes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TS_WRITTEN, tsWrittenDict } from '../../scripts/golden/ts-written.ts';
import {
  deserializeTensors,
  loadTensors,
  randn,
  saveTensors,
  scope,
  serializeTensors,
} from '../../src/torch/index.ts';
import { BatchNorm3d, Conv3d, ReLU, Sequential } from '../../src/torch/nn/index.ts';
import { asNumbers, FIXTURES, fixtureJson, maxAbsDiff } from './helpers.ts';

interface Expect {
  stateDict: Record<string, { shape: number[]; dtype: string; sum: number; first: number | null }>;
  mixed: Record<string, { shape: number[]; dtype: string; values: number[] }>;
}
const expected = fixtureJson<Expect>('pickles.json');

test("an nn state_dict written by Python's torch.save loads into a module", () => {
  scope(() => {
    const state = loadTensors(join(FIXTURES, 'py_state_dict.pt'));
    assert.deepEqual([...state.keys()], Object.keys(expected.stateDict));
    for (const [k, e] of Object.entries(expected.stateDict)) {
      const t = state.get(k)!;
      assert.deepEqual(t.shape, e.shape, k);
      assert.equal(t.dtype, e.dtype, k);
      const sum = asNumbers(t).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - e.sum) <= 1e-5 * Math.max(1, Math.abs(e.sum)), `${k} sum ${sum} vs ${e.sum}`);
      if (e.first !== null) assert.equal(asNumbers(t)[0], e.first, k);
    }
    const net = new Sequential(
      new Conv3d(1, 4, 3, { padding: 1 }),
      new BatchNorm3d(4),
      new ReLU(),
      new Conv3d(4, 3, 1),
    );
    net.loadStateDict(state);
    assert.equal(maxAbsDiff(net.stateDict().get('0.weight')!, state.get('0.weight')!), 0);
    net.dispose();
  });
});

test("a dict of every dtype written by Python's torch.save loads exactly", () => {
  scope(() => {
    const d = loadTensors(join(FIXTURES, 'py_mixed.pt'));
    assert.deepEqual([...d.keys()].sort(), Object.keys(expected.mixed).sort());
    for (const [k, e] of Object.entries(expected.mixed)) {
      const t = d.get(k)!;
      assert.deepEqual(t.shape, e.shape, k);
      assert.equal(t.dtype, e.dtype, k);
      assert.deepEqual(asNumbers(t), e.values, k);
    }
  });
});

test('the serializer reproduces the file that Python verified, byte for byte', () => {
  scope(() => {
    const bytes = serializeTensors(tsWrittenDict());
    assert.ok(
      bytes.equals(readFileSync(TS_WRITTEN)),
      'serialized bytes differ from the Python-verified file',
    );
  });
});

test('save then load round-trips names, order, dtypes and values; writes are atomic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'semiseg-pickle-'));
  try {
    scope(() => {
      const src = tsWrittenDict();
      src.set('big', randn([3, 64, 64]));
      const path = join(dir, 'ckpt.pt');
      saveTensors(path, src);
      const back = loadTensors(path);
      assert.deepEqual([...back.keys()], [...src.keys()]);
      for (const [k, v] of src) {
        assert.equal(back.get(k)!.dtype, v.dtype, k);
        assert.equal(maxAbsDiff(back.get(k)!, v), 0, k);
      }
      // A failed write (the target is a directory) leaves no temporary file and throws one line.
      assert.throws(
        () => saveTensors(dir, src),
        (e: Error) => e.message.startsWith(dir) && !e.message.includes('\n'),
      );
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('corrupt or foreign files give one clear error naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'semiseg-pickle-'));
  try {
    const bad = join(dir, 'bad.pt');
    writeFileSync(bad, 'this is not a checkpoint');
    assert.throws(
      () => loadTensors(bad),
      (e: Error) => e.message.startsWith(`${bad}: not a readable PyTorch`),
    );
    const good = readFileSync(TS_WRITTEN);
    writeFileSync(bad, good.subarray(0, good.length - 100));
    assert.throws(
      () => loadTensors(bad),
      (e: Error) => e.message.startsWith(bad),
    );
    assert.throws(() => loadTensors(join(dir, 'missing.pt')), /missing\.pt: cannot read \(ENOENT\)/);
    assert.throws(() => deserializeTensors(new Uint8Array(0), 'empty'), /^Error: empty: not a readable/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
