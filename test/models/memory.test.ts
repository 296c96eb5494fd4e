/**
 * Forward passes release their intermediate handles (as Python's reference counting would): after a
 * forward, outside any scope, the only new native tensors are the outputs — in eval mode, in training
 * mode, and through a backward pass. Also: odd input shapes give one-line errors naming the shape,
 * and an empty batch gives empty logits.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createModel, type ModelName, SKCDFNet } from '../../src/models/index.ts';
import { liveTensors, noGrad, ops, type Tensor, zeros } from '../../src/torch/index.ts';
import { formulaInput } from './helpers.ts';

const SMALL: [ModelName, Record<string, unknown>, number[]][] = [
  ['vnet', { filters: 2, numClasses: 2 }, [2, 1, 16, 16, 16]],
  ['vnet-ssnet', { filters: 2, numClasses: 2 }, [2, 1, 16, 16, 16]],
  ['vnet-dst', { filters: 2, numClasses: 2 }, [2, 1, 16, 16, 16]],
  ['unet3d-ds', { featureScale: 32, numClasses: 2 }, [2, 1, 16, 16, 16]],
  ['unet3d', { featureScale: 32, numClasses: 2 }, [2, 1, 16, 16, 16]],
  ['cml-vnet', { filters: 2, numClasses: 2, hasResidual: true }, [2, 1, 16, 16, 16]],
  ['cml-unet2d', { featureChannels: [2, 4, 4, 8, 8], numClasses: 3 }, [2, 1, 32, 32]],
  ['skcdf', { filters: 1, numClasses: 2, patchSize: [32, 32, 32] }, [4, 1, 32, 32, 32]],
];

/** Every tensor of a network's output (a tensor or an object of tensors). */
function tensorsOf(out: unknown): Tensor[] {
  return out !== null && typeof out === 'object' && 'id' in out
    ? [out as Tensor]
    : Object.values(out as Record<string, Tensor>);
}

function forwardAll(
  net: ReturnType<typeof createModel>,
  name: string,
  x: Tensor,
  labeled: boolean,
): Tensor[] {
  if (name === 'skcdf') return tensorsOf((net as SKCDFNet).forward(x, labeled ? 'labeled' : 'unlabeled'));
  if (name === 'vnet-ssnet')
    return tensorsOf((net as never as { forwardWithEmbedding(t: Tensor): object }).forwardWithEmbedding(x));
  return tensorsOf(net.forward(x as never));
}

for (const [name, opts, shape] of SMALL) {
  test(`${name}: a forward leaves only its outputs alive (eval, train, train + backward)`, () => {
    const net = createModel(name, opts);
    const x = formulaInput(shape);
    try {
      const base = liveTensors();
      // eval, no grad
      net.eval();
      let outs = noGrad(() => forwardAll(net, name, x, false));
      assert.equal(liveTensors(), base + outs.length, 'eval: only the outputs are new');
      for (const t of outs) t.dispose();
      assert.equal(liveTensors(), base);
      // inference logits
      const xi = name === 'skcdf' ? x.index([0, 1]) : x; // SKCDF's inference runs the unlabeled flow
      const logits = noGrad(() => net.inferLogits(xi));
      assert.equal(liveTensors(), base + (xi === x ? 1 : 2));
      logits.dispose();
      if (xi !== x) xi.dispose();
      assert.equal(liveTensors(), base);
      // training mode with autograd: outputs, a loss, backward
      net.train();
      outs = forwardAll(net, name, x, name === 'skcdf');
      assert.equal(liveTensors(), base + outs.length, 'train: only the outputs');
      let loss: Tensor | null = null;
      for (const t of outs) {
        const s = ops.sum(t);
        const next: Tensor = loss === null ? s : ops.add(loss, s);
        if (loss !== null) {
          loss.dispose();
          s.dispose();
        }
        loss = next;
      }
      loss!.backward();
      loss!.dispose();
      for (const t of outs) t.dispose();
      assert.equal(liveTensors(), base, 'after backward');
    } finally {
      x.dispose();
      net.dispose();
    }
  });
}

test('odd inputs: one-line errors naming the expected and the actual shape; empty batches', () => {
  const vnet = createModel('vnet', { filters: 2, numClasses: 2 });
  const check = (fn: () => unknown, re: RegExp) =>
    assert.throws(fn, (e: unknown) => !(e as Error).message.includes('\n') && re.test((e as Error).message));
  check(
    () => vnet.forward(zeros([1, 1, 16, 16, 20])),
    /VNet: expected \[B, C, D, H, W\] with D, H, W positive multiples of 16, got \[1,1,16,16,20\]/,
  );
  check(() => vnet.forward(zeros([1, 16, 16, 16])), /got \[1,16,16,16\]/);
  vnet.eval();
  const empty = noGrad(() => vnet.forward(zeros([0, 1, 16, 16, 16])));
  assert.deepEqual(empty.shape, [0, 2, 16, 16, 16]);
  empty.dispose();
  vnet.dispose();
  const sk = new SKCDFNet({ filters: 1, numClasses: 2, patchSize: [32, 32, 32] });
  check(
    () => sk.forward(zeros([1, 1, 32, 32, 64]), 'unlabeled'),
    /SKCDF: expected \[B, C, 32, 32, 32\] \(the patch size it was built for\), got \[1,1,32,32,64\]/,
  );
  check(
    () => sk.forward(zeros([1, 1, 32, 32, 32]), 'both' as never),
    /mode must be 'labeled' or 'unlabeled'/,
  );
  sk.dispose();
  const unet = createModel('cml-unet2d', { featureChannels: [2, 2, 2, 2, 2] });
  check(
    () => unet.forward(zeros([1, 1, 32, 40])),
    /UNet2D: expected \[B, C, H, W\] with H, W positive multiples of 16/,
  );
  unet.dispose();
});
