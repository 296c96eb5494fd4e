import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussianFactor, gaussianImportanceMap } from '../../src/engine/inference/weights.ts';
import { liveTensors } from '../../src/torch/index.ts';
import { golden, goldenMeta, maxAbsDiff, numbers } from './helpers.ts';

test('Gaussian map equals nnU-Net compute_gaussian (scipy gaussian_filter of an impulse), tol 1e-6', () => {
  for (const name of ['g1', 'g2', 'g3']) {
    const m = goldenMeta<{ tile: number[]; sigmaScale: number }>(`gauss.${name}`);
    const map = gaussianImportanceMap(m.tile, { sigmaScale: m.sigmaScale });
    assert.deepEqual(map.shape, m.tile);
    assert.equal(map.dtype, 'float32');
    const d = maxAbsDiff(numbers(map), numbers(golden(`gauss.${name}`)));
    assert.ok(d < 1e-6, `${name}: max diff ${d}`);
    map.dispose();
  }
});

test('Gaussian map properties: max 1 at floor(patch/2), depends only on the distance to it, positive', () => {
  const patch = [6, 9, 4];
  const map = gaussianImportanceMap(patch);
  const v = numbers(map);
  const at = (d: number, h: number, w: number) => v[(d * 9 + h) * 4 + w]!;
  assert.equal(at(3, 4, 2), 1, 'centre (3, 4, 2) is exactly 1');
  assert.equal(Math.max(...v), 1);
  assert.ok(Math.min(...v) > 0);
  // mirror around the centre along each axis where both sides exist
  assert.equal(at(2, 4, 2), at(4, 4, 2));
  assert.equal(at(3, 1, 1), at(3, 7, 3));
  // sigma = 6/8 along D: ratio of neighbours is exp(-0.5 / sigma^2)
  const sigma = 6 / 8;
  assert.ok(Math.abs(at(2, 4, 2) - Math.exp(-0.5 / (sigma * sigma))) < 1e-7);
  map.dispose();
});

test('Gaussian truncation: beyond int(4 sigma + 0.5) voxels the factor is 0 and the map takes the minimum', () => {
  const f = gaussianFactor(20, 1 / 16); // sigma 1.25, radius 5, centre 10
  assert.equal(f[10], 1);
  assert.ok(f[5]! > 0 && f[15]! > 0);
  assert.equal(f[4], 0);
  assert.equal(f[16], 0);
  const map = gaussianImportanceMap([20], { sigmaScale: 1 / 16 });
  const v = numbers(map);
  assert.equal(v[0], v[5]!, 'truncated entries take the smallest positive value');
  map.dispose();
});

test('Gaussian map: no tensors left behind; bad input throws', () => {
  const before = liveTensors();
  gaussianImportanceMap([5, 7, 6]).dispose();
  assert.equal(liveTensors(), before);
  assert.throws(() => gaussianImportanceMap([]), /at least one axis/);
  assert.throws(() => gaussianImportanceMap([4, 0]), /bad patch size 0/);
  assert.throws(() => gaussianImportanceMap([4], { sigmaScale: -1 }), /sigmaScale/);
});
