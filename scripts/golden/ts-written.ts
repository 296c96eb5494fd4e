/**
 * Writes test/fixtures/engine/ts_written.pt with semiseg's serializer. The golden script checks it
 * with Python's torch.load (`/usr/bin/python3 scripts/golden/engine.py --verify-ts <file>`), and the
 * pickle test checks that the serializer still produces exactly these bytes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { arange, serializeTensors, type Tensor, tensor } from '../../src/torch/index.ts';

/** The dictionary the fixture holds (also rebuilt by the test). */
export function tsWrittenDict(): Map<string, Tensor> {
  return new Map<string, Tensor>([
    ['weight', arange(24, undefined, 1, { dtype: 'float32' }).div(8).reshape(2, 3, 4)],
    ['bias', tensor([-1.5, 2.5], { dtype: 'float64' })],
    ['count', tensor([5, -7, 2 ** 40], { dtype: 'int64' })],
    ['mask', tensor([1, 0, 1], { dtype: 'bool' })],
    ['half', tensor([0.5, -2, 1024], { dtype: 'float16' })],
    [
      'layer.0.running_mean',
      tensor([
        [0.25, 0.5],
        [0.75, 1],
      ]),
    ],
  ]);
}

export const TS_WRITTEN = fileURLToPath(new URL('../../test/fixtures/engine/ts_written.pt', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(TS_WRITTEN, serializeTensors(tsWrittenDict()));
  console.log(`wrote ${TS_WRITTEN}`);
}
