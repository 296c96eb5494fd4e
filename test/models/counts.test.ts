/**
 * Full-size networks: parameter counts equal the specs' (measured there on the reference classes)
 * and the PyTorch re-implementation's, state-dict keys and shapes equal the re-implementation's
 * (test/fixtures/models/models.json), per-part counts equal the specs' breakdowns, and the registry
 * reports unknown names, options and values in one line. Networks are built and counted only; the
 * 37.8M-parameter DHC VNet also runs one tiny eval forward for its output shape.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CMLVNet,
  createModel,
  listModels,
  type ModelName,
  SKCDFNet,
  UNet2D,
  UNet3DDeepSup,
  VNet,
  VNet4SSNet,
  VNetDecoupled,
} from '../../src/models/index.ts';
import { noGrad, scope, zeros } from '../../src/torch/index.ts';
import type { Module } from '../../src/torch/nn/index.ts';
import { modelsJson } from './helpers.ts';

/** Parameters whose qualified name starts with one of the prefixes (followed by '.'). */
function countOf(net: Module, ...prefixes: string[]): number {
  return net
    .namedParameters()
    .filter(([k]) => prefixes.some((p) => k.startsWith(`${p}.`)))
    .reduce((n, [, t]) => n + t.numel, 0);
}

function runningStatValues(net: Module): number {
  return net
    .namedBuffers()
    .filter(([k]) => k.endsWith('running_mean') || k.endsWith('running_var'))
    .reduce((n, [, t]) => n + t.numel, 0);
}

/** The specs' stated totals (dhc.md §3, dhc-baselines.md §6.1, cml.md §11 G1, skcdf.md §10 G1). */
const SPEC: Record<string, number> = {
  'vnet/14': 37_778_126,
  'vnet/16': 37_778_192,
  'vnet-ssnet/14': 37_914_858,
  'vnet-ssnet/16': 37_932_336,
  'vnet-dst/14': 54_343_786,
  'vnet-dst/16': 54_343_984,
  'unet3d-ds/14': 5_887_432,
  'unet3d-ds/16': 5_887_920,
  'unet3d/14': 5_884_254,
  'unet3d/16': 5_884_288,
  'cml-vnet/2': 19_724_612,
  'cml-unet2d/4': 2_577_624,
  'skcdf/14': 50_917_320,
  'skcdf/16': 50_917_584,
};

for (const full of modelsJson().full) {
  const key = `${full.name}/${String(full.options.numClasses)}`;
  test(`${key}: parameters, buffers${full.state ? ', state-dict keys and shapes' : ''} as the references`, () => {
    const net = createModel(full.name as ModelName, full.options as never);
    try {
      assert.equal(net.numParameters(), SPEC[key], 'the spec');
      assert.equal(net.numParameters(), full.numParameters, 'the PyTorch re-implementation');
      assert.equal(
        net.namedBuffers().reduce((n, [, t]) => n + t.numel, 0),
        full.numBuffers,
        'buffer elements',
      );
      if (full.state) {
        const ours = [...net.stateDict()].map(([k, t]) => [k, t.shape]);
        assert.deepEqual(ours, full.state);
      }
    } finally {
      net.dispose();
    }
  });
}

test('DHC VNet: the spec breakdown (encoder, decoder, 118 tensors, BN buffers) and two more sizes', () => {
  const net = new VNet({ numClasses: 14 });
  try {
    const enc = ['one', 'two', 'three', 'four', 'five'].flatMap((b) => [`block_${b}`, `block_${b}_dw`]);
    assert.equal(countOf(net, ...enc), 29_495_296);
    assert.equal(net.numParameters() - countOf(net, ...enc), 8_282_830);
    assert.equal(net.parameters().length, 118);
    assert.equal(
      net.namedBuffers().reduce((n, [, t]) => n + t.numel, 0),
      11_229,
    );
    // A tiny eval forward: [1, 1, 16, 16, 16] -> [1, 14, 16, 16, 16].
    net.eval();
    const shape = scope(() => noGrad(() => net.forward(zeros([1, 1, 16, 16, 16])).shape));
    assert.deepEqual(shape, [1, 14, 16, 16, 16]);
  } finally {
    net.dispose();
  }
  for (const [opts, n] of [
    [{ filters: 16, numClasses: 2 }, 9_448_866],
    [{ filters: 4, numClasses: 3 }, 592_223],
  ] as const) {
    const v = new VNet(opts);
    assert.equal(v.numParameters(), n, JSON.stringify(opts));
    v.dispose();
  }
});

test('VNet4SSNet: heads as the spec (projection 6,400, prediction 8,448, 28 selectors of 4,353)', () => {
  const net = new VNet4SSNet({ numClasses: 14 });
  try {
    assert.equal(countOf(net, 'projection_head'), 6_400);
    assert.equal(countOf(net, 'prediction_head'), 8_448);
    for (let c = 0; c < 14; c++) {
      assert.equal(countOf(net, `contrastive_class_selector_${c}`), 4_353);
      assert.equal(countOf(net, `contrastive_class_selector_memory${c}`), 4_353);
    }
    assert.equal(net.numParameters() - 37_778_126, 136_732);
  } finally {
    net.dispose();
  }
});

test('VNet_Decoupled: encoder + three decoders of 8,282,830, no parameters in the GRLs', () => {
  const net = new VNetDecoupled({ numClasses: 14 });
  try {
    for (const d of ['decoder', 'decoder_pseudo', 'decoder_worst']) assert.equal(countOf(net, d), 8_282_830);
    assert.equal(net.numParameters() - 3 * 8_282_830, 29_495_296);
    assert.equal(net.decoderWorst.grlLayer.parameters().length, 0);
  } finally {
    net.dispose();
  }
});

test('unet_3D_ds: deep-supervision heads 238 / 462 / 910 / 1,806, filters [16, 32, 64, 128, 256]', () => {
  const net = new UNet3DDeepSup({ numClasses: 14 });
  try {
    assert.deepEqual(
      [countOf(net, 'dsv1'), countOf(net, 'dsv2'), countOf(net, 'dsv3'), countOf(net, 'dsv4')],
      [238, 462, 910, 1_806],
    );
    assert.deepEqual(net.filters, [16, 32, 64, 128, 256]);
    assert.equal(net.namedBuffers().length, 0);
  } finally {
    net.dispose();
  }
});

test('CML VNet: per-block counts of encoders and both decoders as the spec, 11,200 BN running values', () => {
  const net = new CMLVNet();
  try {
    const enc: [string, number][] = [
      ['block_one', 480],
      ['block_one_dw', 4_192],
      ['block_two', 55_488],
      ['block_two_dw', 16_576],
      ['block_three', 332_352],
      ['block_three_dw', 65_920],
      ['block_four', 1_328_256],
      ['block_four_dw', 262_912],
      ['block_five', 5_310_720],
    ];
    for (const e of ['encoder1', 'encoder2']) {
      for (const [b, n] of enc) assert.equal(countOf(net, `${e}.${b}`), n, `${e}.${b}`);
      assert.equal(countOf(net, e), 7_376_896);
    }
    const dec1: [string, number][] = [
      ['block_five_up', 262_528],
      ['block_six', 1_328_256],
      ['block_six_up', 65_728],
      ['block_seven', 332_352],
      ['block_seven_up', 16_480],
      ['block_eight', 55_488],
      ['block_eight_up', 4_144],
      ['block_nine', 6_960],
      ['out_conv', 34],
    ];
    for (const [b, n] of dec1) assert.equal(countOf(net, `decoder1.${b}`), n, `decoder1.${b}`);
    assert.equal(countOf(net, 'decoder1'), 2_071_970);
    const ups = ['block_five_up', 'block_six_up', 'block_seven_up', 'block_eight_up'];
    assert.deepEqual(
      ups.map((u) => countOf(net, `decoder2.${u}`)),
      [885_120, 221_376, 55_392, 13_872],
    );
    assert.equal(countOf(net, 'decoder2'), 2_898_850);
    assert.equal(runningStatValues(net), 11_200);
  } finally {
    net.dispose();
  }
});

test('CML 2D UNet: encoder 1,180,464, decoder1 633,300, decoder2 763,860, 202 state entries', () => {
  const net = new UNet2D();
  try {
    assert.equal(countOf(net, 'encoder'), 1_180_464);
    assert.equal(countOf(net, 'decoder1'), 633_300);
    assert.equal(countOf(net, 'decoder2'), 763_860);
    assert.equal(net.stateDict().size, 202);
  } finally {
    net.dispose();
  }
});

test('SKCDF: encoder, decoders, local and global blocks, 204 tensors, 330 entries, 14,784 BN values', () => {
  for (const [classes, dec, heads] of [
    [14, 8_283_292, 462],
    [16, 8_283_424, 528],
  ] as const) {
    const net = new SKCDFNet({ numClasses: classes });
    try {
      assert.equal(countOf(net, 'encoder'), 29_495_296);
      assert.equal(countOf(net, 'decoder_l'), dec);
      assert.equal(countOf(net, 'decoder_u'), dec);
      assert.equal(countOf(net, 'decoder_l.out_conv9'), heads);
      assert.equal(countOf(net, 'decoder_l.out_conv9_abc'), heads);
      assert.equal(countOf(net, 'cross_attention_local'), 2_362_000);
      assert.equal(countOf(net, 'cross_attention_global'), 2_493_440);
      assert.equal(countOf(net, 'cross_attention_local.token_learner.proj'), 72);
      assert.equal(countOf(net, 'cross_attention_global.token_learner.proj'), 65_792);
      assert.equal(
        countOf(
          net,
          'cross_attention_local.token_learner.map_in',
          'cross_attention_global.token_learner.map_in',
        ),
        65_864,
      );
      assert.equal(countOf(net, 'cross_attention_global.map_out'), 262_656);
      assert.equal(net.parameters().length, 204);
      assert.equal(net.stateDict().size, 330);
      assert.equal(runningStatValues(net), 14_784);
    } finally {
      net.dispose();
    }
  }
});

test('registry: every network by name, typed classes, defaults listed', () => {
  const names = listModels().map((m) => m.name);
  assert.deepEqual(names, [
    'vnet',
    'vnet-ssnet',
    'vnet-dst',
    'unet3d-ds',
    'unet3d',
    'cml-vnet',
    'cml-unet2d',
    'skcdf',
  ]);
  const vnet = listModels()[0]!;
  assert.deepEqual(vnet.defaults, {
    inChannels: 1,
    numClasses: 14,
    filters: 32,
    normalization: 'batchnorm',
    hasDropout: true,
    init: 'default',
  });
  assert.match(vnet.source, /DHC.*vnet\.py/);
  const small = createModel('vnet', { filters: 2, numClasses: 3, hasDropout: false });
  assert.ok(small instanceof VNet);
  assert.equal(small.hasDropout, false);
  assert.equal(small.options.numClasses, 3);
  small.dispose();
  const ss = createModel('skcdf', { filters: 1, numClasses: 2, patchSize: [32, 32, 32] });
  assert.ok(ss instanceof SKCDFNet);
  ss.dispose();
});

test('registry: unknown names, options and bad values are one-line errors naming the expected values', () => {
  const oneLine = (re: RegExp) => (e: unknown) => {
    const msg = (e as Error).message;
    assert.ok(!msg.includes('\n'), 'one line');
    assert.match(msg, re);
    return true;
  };
  assert.throws(
    () => createModel('vnet3'),
    oneLine(
      /unknown model 'vnet3' \(expected one of: vnet, vnet-ssnet, vnet-dst, unet3d-ds, unet3d, cml-vnet, cml-unet2d, skcdf\)/,
    ),
  );
  assert.throws(
    () => createModel('vnet', { nFilters: 16 }),
    oneLine(
      /unknown option 'nFilters' \(expected: inChannels, numClasses, filters, normalization, hasDropout, init\)/,
    ),
  );
  assert.throws(
    () => createModel('vnet', { normalization: 'bn' }),
    oneLine(/option 'normalization' must be one of batchnorm, groupnorm, instancenorm, none, got "bn"/),
  );
  assert.throws(
    () => createModel('vnet', { filters: 0 }),
    oneLine(/'filters' must be an integer >= 1, got 0/),
  );
  assert.throws(
    () => createModel('vnet', { init: 'he' }),
    oneLine(/'init' must be one of default, kaiming, xavier/),
  );
  assert.throws(
    () => createModel('cml-unet2d', { featureChannels: [16, 32] }),
    oneLine(/'featureChannels' must be 5 integers >= 1/),
  );
  assert.throws(
    () => createModel('skcdf', { patchSize: [64, 128, 100] }),
    oneLine(/patchSize must be three positive multiples of 32/),
  );
  assert.throws(() => createModel('constructor'), oneLine(/unknown model 'constructor'/));
});
