/**
 * Every network against the independent PyTorch re-implementation (scripts/golden/models.py), on
 * small configurations: the same seed gives the same initial parameters (per-tensor sums, relative
 * 1e-9), the PyTorch state dict loads under the same keys in the same order, and the outputs agree in
 * eval mode (BN running statistics, no dropout) and in training mode with the same seed (batch
 * statistics, identical dropout masks): max |diff| <= 1e-4 (+1e-6 x max |reference|) on a strided
 * sample of every output, sums within 1e-5 relative; BN running statistics after the training pass
 * within 1e-5. Gradients (DST's gradient reversal, SKCDF's labeled mode, SS-Net heads) within 1e-4
 * relative to the largest reference value.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  createModel,
  type SegmentationNetwork,
  type SKCDFNet,
  type VNet4SSNet,
  type VNetDecoupled,
} from '../../src/models/index.ts';
import { manualSeed, noGrad, ops, scope, type Tensor } from '../../src/torch/index.ts';
import {
  type Case,
  type Comparison,
  caseTensors,
  close,
  compareOutput,
  formulaInput,
  gradWeights,
  modelsJson,
  type OutputInfo,
  values,
  withPrefix,
} from './helpers.ts';

const worst = new Map<string, number>();

function note(label: string, c: Comparison): void {
  worst.set(label, c.maxAbsDiff);
}

after(() => {
  const lines = [...worst.entries()].map(([k, v]) => `${k}: ${v.toExponential(2)}`);
  console.log(`max |diff| vs PyTorch:\n  ${lines.join('\n  ')}`);
});

/** The outputs of a network as the golden script names them. */
function outputsOf(net: SegmentationNetwork, name: string, x: Tensor, mode?: string): Record<string, Tensor> {
  switch (name) {
    case 'vnet':
    case 'unet3d':
      return { logits: net.forward(x as never) as Tensor };
    case 'vnet-ssnet':
      return { ...(net as VNet4SSNet).forwardWithEmbedding(x) };
    case 'skcdf':
      return { ...(net as SKCDFNet).forward(x, mode as 'labeled' | 'unlabeled') };
    default:
      return { ...(net.forward(x as never) as Record<string, Tensor>) };
  }
}

function compareAll(
  c: Case,
  prefix: string,
  res: Record<string, Tensor>,
  pt: Map<string, Tensor>,
  rel = 1e-6,
) {
  const expected = Object.keys(c.outputs)
    .filter(
      (k) =>
        k.startsWith(`${prefix}.`) &&
        typeof c.outputs[k] === 'object' &&
        'stride' in (c.outputs[k] as object),
    )
    .map((k) => k.slice(prefix.length + 1))
    .sort();
  assert.deepEqual(Object.keys(res).sort(), expected, `${c.id} ${prefix}: output names`);
  for (const [k, t] of Object.entries(res)) {
    const label = `${c.id} ${prefix}.${k}`;
    const sample = pt.get(`${prefix}.${k}`);
    assert.ok(sample, `${label}: no sample in the fixture`);
    note(label, compareOutput(label, t, c.outputs[`${prefix}.${k}`] as OutputInfo, sample, 1e-4, rel));
  }
}

function checkBuffers(c: Case, net: SegmentationNetwork, prefix: string): void {
  const sums = c.outputs[`${prefix}.bufferSums`] as Record<string, number>;
  const state = net.stateDict();
  for (const [k, expected] of Object.entries(sums)) {
    const t = state.get(k);
    assert.ok(t, `${c.id}: no buffer ${k}`);
    const s = values(t).reduce((a, b) => a + b, 0);
    assert.ok(close(s, expected, 1e-5, 1e-5), `${c.id} ${prefix} ${k}: sum ${s} vs ${expected}`);
  }
}

function loss(res: Record<string, Tensor>, keys: string[]): Tensor {
  let total: Tensor | null = null;
  for (const [i, k] of keys.entries()) {
    const t = res[k]!;
    const term = ops.sum(ops.mul(t, gradWeights(t.shape, 0.3 * i)));
    total = total === null ? term : ops.add(total, term);
  }
  return total!;
}

function checkGrads(
  c: Case,
  net: SegmentationNetwork,
  x: Tensor,
  res: Record<string, Tensor>,
  keys: string[],
  pt: Map<string, Tensor>,
) {
  const l = loss(res, keys);
  l.backward();
  assert.ok(close(l.item(), c.outputs['grad.loss'] as number, 1e-5, 1e-4), `${c.id}: loss ${l.item()}`);
  const params = new Map(net.namedParameters());
  const grads: Record<string, Tensor> = { input: x.grad! };
  for (const k of Object.keys(c.outputs)) {
    if (!k.startsWith('grad.') || k === 'grad.loss' || k === 'grad.input') continue;
    const name = k.slice(5);
    const p = params.get(name);
    assert.ok(p, `${c.id}: no parameter ${name}`);
    grads[name] = p.grad!;
  }
  compareAll(c, 'grad', grads, pt, 1e-4);
  for (const p of params.values()) p.zeroGrad(true);
}

for (const c of modelsJson().cases) {
  test(`${c.id}: seeded init, PyTorch state dict, eval and training forward equal PyTorch's`, () => {
    scope(() => {
      manualSeed(c.initSeed);
      const net = createModel(c.name, c.options);
      try {
        assert.equal(net.numParameters(), c.numParameters, 'parameter count');
        const nBuf = net.namedBuffers().reduce((a, [, t]) => a + t.numel, 0);
        assert.equal(nBuf, c.numBuffers, 'buffer elements');
        // Initialisation: same seed, same weights (PyTorch's draw order, init helpers included).
        const names = net.namedParameters().map(([k]) => k);
        assert.deepEqual(names, Object.keys(c.init), 'parameter names and order');
        for (const [k, p] of net.namedParameters()) {
          const v = values(p);
          let s = 0;
          let sq = 0;
          for (const e of v) {
            s += e;
            sq += e * e;
          }
          const [es, esq] = c.init[k]!;
          const scale = Math.sqrt(v.length * esq) + 1e-12;
          assert.ok(Math.abs(s - es) <= 1e-9 * scale + 1e-11, `${c.id} init ${k}: sum ${s} vs ${es}`);
          assert.ok(close(sq, esq, 1e-9, 1e-12), `${c.id} init ${k}: sum of squares ${sq} vs ${esq}`);
        }
        // The PyTorch state dict: same keys in the same order, loads strictly.
        const pt = caseTensors(c.id);
        const state = withPrefix(pt, 'state');
        assert.deepEqual([...net.stateDict().keys()], [...state.keys()], 'state-dict keys');
        net.loadStateDict(state);
        const x = formulaInput(c.input);
        const modes = ['unlabeled', 'labeled'].filter((m) => `train.${m}.bufferSums` in c.outputs);
        if (modes.length === 0) modes.push('net');
        for (const tag of modes) {
          const mode = tag === 'net' ? undefined : tag;
          if (mode !== 'labeled') {
            net.eval();
            const xe = mode === 'unlabeled' ? x.index([0, 1]) : x;
            compareAll(
              c,
              `eval.${tag}`,
              noGrad(() => outputsOf(net, c.name, xe, mode)),
              pt,
            );
          }
          net.train();
          const xt = mode === 'unlabeled' ? x.index([0, 2]) : x;
          manualSeed(99);
          compareAll(
            c,
            `train.${tag}`,
            noGrad(() => outputsOf(net, c.name, xt, mode)),
            pt,
          );
          checkBuffers(c, net, `train.${tag}`);
          net.loadStateDict(state);
        }
        if (c.id === 'vnet_ssnet') {
          const ss = net as VNet4SSNet;
          net.eval();
          const { embedding } = noGrad(() => ss.forwardWithEmbedding(x));
          const feats = embedding.permute(0, 2, 3, 4, 1).reshape(-1, embedding.size(1)).contiguous();
          const res: Record<string, Tensor> = {};
          noGrad(() => {
            net.train();
            res.proj = ss.forwardProjectionHead(feats);
            res.pred = ss.forwardPredictionHead(res.proj);
            res.selector0 = ss.selectors[0]!.forward(res.proj);
            res.memory1 = ss.memorySelectors[1]!.forward(res.proj);
            net.eval();
            res.projEval = ss.forwardProjectionHead(feats);
          });
          compareAll(c, 'heads', res, pt);
          net.loadStateDict(state);
        }
        if (c.id === 'vnet_dst') {
          // Eval mode, gradient-reversal coefficient at iteration 250.
          const dst = net as VNetDecoupled;
          net.eval();
          dst.decoderWorst.grlLayer.iterNum = 250;
          const xg = x.clone().requiresGrad_(true);
          checkGrads(c, net, xg, { ...dst.forward(xg) }, ['main', 'worst'], pt);
        }
        if (c.id === 'skcdf') {
          net.train();
          manualSeed(5);
          const xg = x.clone().requiresGrad_(true);
          checkGrads(
            c,
            net,
            xg,
            { ...(net as SKCDFNet).forward(xg, 'labeled') },
            ['logits', 'logitsAbc'],
            pt,
          );
          net.loadStateDict(state);
        }
      } finally {
        net.dispose();
      }
    });
  });
}
