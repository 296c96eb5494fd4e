/**
 * Losses against the reference code's golden values (dhc.md §12 G3 and dhc-baselines §6.2, produced by
 * running the references' loss classes; relative tolerance 1e-5 as the spec says).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossEntropy, diceCeLoss, maskedCrossEntropy, softDiceLoss } from '../../src/losses/index.ts';
import { fromArray, scope, type Tensor, tensor } from '../../src/torch/index.ts';
import { asNumbers } from '../torch/helpers.ts';

const close = (a: number, b: number, rel = 1e-5) =>
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

/** G3 inputs: B=2, C=4, spatial 1x2x3, z[b,c,v] = (((31b + 17c + 7v) mod 11) - 5)/4. */
function g3Logits(): Tensor {
  const z = new Float32Array(2 * 4 * 6);
  for (let b = 0; b < 2; b++)
    for (let c = 0; c < 4; c++)
      for (let v = 0; v < 6; v++) z[(b * 4 + c) * 6 + v] = (((31 * b + 17 * c + 7 * v) % 11) - 5) / 4;
  return fromArray(z, [2, 4, 1, 2, 3]);
}
const g3Labels = () =>
  tensor(
    [
      [
        [
          [0, 1, 2],
          [0, 3, 1],
        ],
      ],
      [
        [
          [2, 0, 0],
          [1, 3, 3],
        ],
      ],
    ],
    { dtype: 'int64' },
  );
const g3Pseudo = () =>
  tensor(
    [
      [
        [
          [0, 0, 1],
          [2, 3, 3],
        ],
      ],
      [
        [
          [1, 1, 0],
          [0, 2, 3],
        ],
      ],
    ],
    { dtype: 'int64' },
  );

test('G3: weighted CE, weighted Dice, DHC supervised and CPS losses and gradients', () => {
  scope(() => {
    const z = g3Logits().requiresGrad_(true);
    const y = g3Labels();
    const w = tensor([0.5, 1, 2, 4]);
    close(crossEntropy(z, y).item(), 1.7743982);
    close(crossEntropy(z, y, w).item(), 1.8340899);
    close(softDiceLoss(z, y, { weight: w }).item(), -0.7548313);
    const sup = diceCeLoss(z, y, { weight: w });
    close(sup.item(), 1.0792586);
    sup.backward();
    const g = asNumbers(z.grad!);
    const at = (b: number, v: number) => [0, 1, 2, 3].map((c) => g[(b * 4 + c) * 6 + v]!);
    const want0 = [-0.0247861, 0.000649539, 0.00279524, 0.0213413];
    // The spec prints 0.0376761 for class 2 at (1,5): a transposed digit. Softmax-based losses have
    // gradients summing to 0 over the classes at every voxel, which the other three values fix at
    // 0.0373762 (what we compute); that identity is checked at every voxel below.
    const want1 = [0.025955, 0.1213487, 0.0373762, -0.1846799];
    for (const [i, v] of at(0, 0).entries()) assert.ok(Math.abs(v - want0[i]!) < 1e-6, `grad (0,0) ${i}`);
    for (const [i, v] of at(1, 5).entries()) assert.ok(Math.abs(v - want1[i]!) < 1e-6, `grad (1,5) ${i}`);
    for (let b = 0; b < 2; b++)
      for (let v = 0; v < 6; v++)
        assert.ok(Math.abs(at(b, v).reduce((s, x) => s + x, 0)) < 1e-7, `sum over c at ${b},${v}`);
    close(
      g.reduce((s, v) => s + Math.abs(v), 0),
      2.1045585,
    );
    const cps = crossEntropy(z, g3Pseudo(), w);
    close(cps.item(), 1.5881878);
    close(diceCeLoss(z, y, { weight: w }).add(cps.mul(0.1)).item(), 1.2380774);
    // Zero weight on every target class: 0/0, as in the reference (handled by the step guard).
    const allBg = tensor(
      [
        [
          [
            [0, 0, 0],
            [0, 0, 0],
          ],
        ],
        [
          [
            [0, 0, 0],
            [0, 0, 0],
          ],
        ],
      ],
      { dtype: 'int64' },
    );
    assert.ok(Number.isNaN(crossEntropy(z, allBg, tensor([0, 1, 2, 4])).item()));
  });
});

test('dhc-baselines §6.2: loss primitives on C=3, four voxels', () => {
  scope(() => {
    const z = tensor([
      [2, 0.2, 0, 1],
      [0.5, 1.5, 0.3, 1.2],
      [-1, 0.1, 2.5, 0.8],
    ]).reshape(1, 3, 4);
    const y = tensor([[0, 1, 2, 2]], { dtype: 'int64' });
    const w = tensor([0.5, 1, 2]);
    const m = tensor([[1, 0, 1, 0.5]]);
    close(crossEntropy(z, y).item(), 0.536932);
    close(crossEntropy(z, y, w).item(), 0.639155);
    close(softDiceLoss(z, y).item(), -0.721094);
    close(softDiceLoss(z, y, { weight: w }).item(), -1.094172);
    close(softDiceLoss(z, y, { smooth: 1e-8 }).item(), -0.617459);
    close(softDiceLoss(z, y, { smooth: 1e-8, includeBackground: true }).item(), -0.633302);
    close(diceCeLoss(z, y).item(), -0.184162);
    close(diceCeLoss(z, y, { weight: w }).item(), -0.455017);
    close(diceCeLoss(z, y, { ceWeight: w }).item(), -0.081939);
    close(maskedCrossEntropy(z, y, m).item(), 0.26841);
    close(maskedCrossEntropy(z, y, m, w).item(), 0.446328);
  });
});
