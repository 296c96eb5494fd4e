/**
 * Bad calls throw a JS error that names the op (or entry point) and the problem, on one line; none
 * aborts the process (the test process reaching its end proves it).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fromArray,
  loadTensors,
  manualSeed,
  ops,
  randn,
  scope,
  setNumThreads,
  TorchError,
  tensor,
  zeros,
} from '../../src/torch/index.ts';
import { native } from '../../src/torch/native.ts';
import { BatchNorm3d, Conv3d, Linear, MaxPool3d, Sequential, Upsample } from '../../src/torch/nn/index.ts';
import { SGD } from '../../src/torch/optim/index.ts';

type Case = [name: string, fn: () => unknown, pattern: RegExp];

const cases: Case[] = [
  [
    'shape mismatch in add',
    () => randn([3]).add(randn([2])),
    /^aten::add\.Tensor: The size of tensor a \(3\) must match/,
  ],
  [
    'matmul inner sizes',
    () => randn([2, 3]).matmul(randn([2, 3])),
    /^aten::matmul: mat1 and mat2 shapes cannot be multiplied/,
  ],
  [
    'conv3d on 2D input',
    () => ops.conv3d(randn([2, 3]), randn([1, 1, 3, 3, 3])),
    /^aten::conv3d: Expected 4D \(unbatched\) or 5D/,
  ],
  [
    'conv3d channel mismatch',
    () => new Conv3d(2, 4, 3).forward(randn([1, 3, 4, 4, 4])),
    /^aten::conv3d: Given groups=1, weight of size/,
  ],
  [
    'wrong dtype for cross-entropy target',
    () => ops.crossEntropyLoss(randn([2, 3]), randn([2])),
    /^aten::cross_entropy_loss: /,
  ],
  [
    'class index out of range',
    () => ops.crossEntropyLoss(randn([2, 3]), tensor([0, 7], { dtype: 'int64' })),
    /^aten::cross_entropy_loss: .*out of bounds/i,
  ],
  ['unknown operator', () => native.opId('aten::no_such_op', ''), /^aten::no_such_op: unknown operator/],
  ['unknown overload', () => native.opId('aten::add', 'Nope'), /^aten::add\.Nope: unknown operator/],
  [
    'disposed tensor',
    () => {
      const t = randn([2]);
      t.dispose();
      return t.add(randn([2]));
    },
    /^aten::add\.Tensor: argument 'self' \(Tensor\) is a disposed tensor/,
  ],
  [
    'disposed tensor metadata',
    () => {
      const t = randn([2]);
      t.dispose();
      return t.shape;
    },
    /^shape: argument 'self' is a disposed tensor/,
  ],
  [
    'string where a Tensor is expected',
    () => native.call(native.opId('aten::neg', ''), 1, 'x'),
    /^aten::neg: argument 'self' \(Tensor\) expects a Tensor, got string/,
  ],
  [
    'non-integer where an int is expected',
    () => ops.sumDim(randn([2, 2]), 0.5),
    /^aten::sum\.dim_IntList: argument 'dim' .*expects an integer, got 0\.5/,
  ],
  [
    'wrong list length for int[3]',
    () => ops.conv3d(randn([1, 1, 4, 4, 4]), randn([1, 1, 3, 3, 3]), { stride: [1, 1] }),
    /^aten::conv3d: argument 'stride' \(int\[3\]\) expects 3 integers, got 2/,
  ],
  [
    'too many arguments',
    () => native.call(native.opId('aten::neg', ''), 1, randn([1]).id, 1, 2),
    /^aten::neg: takes 1 arguments, got 3/,
  ],
  [
    'null for a required tensor',
    () => native.call(native.opId('aten::neg', ''), 1, null),
    /^aten::neg: argument 'self' \(Tensor\) cannot be null/,
  ],
  ['unknown dtype', () => zeros([2], { dtype: 'float8' as never }), /unknown dtype 'float8'/],
  ['unknown device', () => zeros([2], { device: 'tpu' as never }), /unknown device 'tpu'/],
  [
    'data/shape size mismatch',
    () => fromArray(new Float32Array(5), [2, 3]),
    /^fromArray: data has 5 elements but the shape needs 6/,
  ],
  [
    'negative shape',
    () => fromArray(new Float32Array(0), [-1]),
    /^fromArray: shape must be an array of non-negative integers/,
  ],
  [
    'item of a multi-element tensor',
    () => randn([3]).item(),
    /^item: a tensor with 3 elements cannot be one number/,
  ],
  [
    'backward of a non-scalar',
    () => randn([3]).requiresGrad_(true).mul(2).backward(),
    /^backward: grad can be implicitly created only for scalar outputs/,
  ],
  [
    'requires_grad on a non-leaf',
    () => randn([3]).requiresGrad_(true).mul(2).requiresGrad_(false),
    /^requiresGrad_: you can only change requires_grad flags of leaf variables/,
  ],
  [
    'requires_grad on an integer tensor',
    () => zeros([2], { dtype: 'int64' }).requiresGrad_(true),
    /^requiresGrad_: Only Tensors of floating point/,
  ],
  [
    'view of a non-contiguous tensor',
    () => randn([3, 4]).transpose(0, 1).view(12),
    /^aten::view: view size is not compatible/,
  ],
  [
    'BatchNorm3d on 4D input',
    () => new BatchNorm3d(2).forward(randn([2, 2, 3, 3])),
    /^BatchNorm3d: expected 5D input, got 4D input/,
  ],
  [
    'Linear with wrong features',
    () => new Linear(4, 2).forward(randn([3, 5])),
    /^aten::linear: mat1 and mat2 shapes cannot be multiplied \(3x5 and 4x2\)/,
  ],
  [
    'MaxPool3d larger than input',
    () => new MaxPool3d(4).forward(randn([1, 1, 2, 2, 2])),
    /^aten::max_pool3d: /,
  ],
  [
    'Upsample with both size and scale',
    () => new Upsample({ scaleFactor: 2, size: [4, 4, 4], mode: 'trilinear' }),
    /^Upsample: give exactly one of scaleFactor and size/,
  ],
  [
    'Conv3d with bad groups',
    () => new Conv3d(3, 4, 3, { groups: 2 }),
    /^Conv3d: channels 3->4 must be divisible by groups 2/,
  ],
  [
    'loadStateDict with a wrong shape',
    () =>
      new Sequential(new Conv3d(1, 2, 3)).loadStateDict(
        new Map([
          ['0.weight', randn([2, 1, 2, 2, 2])],
          ['0.bias', randn([2])],
        ]),
      ),
    /^loadStateDict: '0\.weight' has shape \[2,1,2,2,2\] but the module expects \[2,1,3,3,3\]/,
  ],
  [
    'loadStateDict with missing keys',
    () => new Sequential(new Conv3d(1, 2, 3)).loadStateDict(new Map()),
    /^loadStateDict: missing keys: 0\.weight, 0\.bias/,
  ],
  [
    'optimizer with an empty parameter list',
    () => new SGD([], { lr: 0.1 }),
    /^optimizer: got an empty parameter list/,
  ],
  ['zero threads', () => setNumThreads(0), /^setNumThreads: the thread count must be a positive integer/],
  ['negative seed', () => manualSeed(-1), /^manualSeed: the seed must be a non-negative integer/],
  [
    'missing checkpoint file',
    () => loadTensors('/nonexistent/ckpt.pt'),
    /^\/nonexistent\/ckpt\.pt: cannot read \(ENOENT\)/,
  ],
  [
    'index out of range',
    () => randn([2, 3]).index(5),
    /^aten::select\.int: select\(\): index 5 out of range/,
  ],
];

test(`at least 20 bad calls each throw a one-line error naming the op and the problem (${cases.length} cases)`, () => {
  assert.ok(cases.length >= 20);
  for (const [name, fn, pattern] of cases) {
    scope(() => {
      assert.throws(
        fn,
        (e: unknown) => {
          assert.ok(e instanceof Error, `${name}: throws an Error`);
          assert.match(e.message, pattern, `${name}: message`);
          assert.ok(!e.message.includes('\n'), `${name}: one line`);
          return true;
        },
        name,
      );
    });
  }
});

test('libtorch failures are TorchError instances with the full message kept in detail', () => {
  scope(() => {
    try {
      randn([3]).add(randn([2]));
      assert.fail('expected a throw');
    } catch (e) {
      assert.ok(e instanceof TorchError);
      assert.equal(e.name, 'TorchError');
      assert.ok(e.detail.includes('must match the size of tensor b'));
    }
  });
});
