/**
 * Networks by name: `createModel('vnet', { numClasses: 14 })`. Every model takes the options its
 * class documents plus `init` ('default' = the class's own initialisation, 'kaiming' / 'xavier' = the
 * training scripts' re-initialisation helpers applied afterwards). Unknown names, unknown options
 * and invalid values throw a one-line error that names them and the expected values.
 */
import { CMLVNet, type CMLVNetOptions } from './cml-vnet.ts';
import { applyInit, INITS, type InitName } from './init.ts';
import { NORMALIZATIONS } from './layers.ts';
import type { SegmentationNetwork } from './network.ts';
import { SKCDFNet, type SkcdfOptions } from './skcdf.ts';
import { UNet2D, type UNet2DOptions } from './unet2d.ts';
import { UNet3D, UNet3DDeepSup, type UNet3DOptions } from './unet3d.ts';
import { VNet, type VNetOptions } from './vnet.ts';
import { VNetDecoupled } from './vnet-dst.ts';
import { VNet4SSNet } from './vnet-ssnet.ts';

/** The networks by registry name. */
export interface ModelTypes {
  vnet: VNet;
  'vnet-ssnet': VNet4SSNet;
  'vnet-dst': VNetDecoupled;
  'unet3d-ds': UNet3DDeepSup;
  unet3d: UNet3D;
  'cml-vnet': CMLVNet;
  'cml-unet2d': UNet2D;
  skcdf: SKCDFNet;
}

/** Options of {@link createModel}, by registry name. */
export interface ModelOptionTypes {
  vnet: VNetOptions & { init?: InitName };
  'vnet-ssnet': VNetOptions & { init?: InitName };
  'vnet-dst': VNetOptions & { init?: InitName };
  'unet3d-ds': UNet3DOptions & { init?: InitName };
  unet3d: UNet3DOptions & { init?: InitName };
  'cml-vnet': CMLVNetOptions & { init?: InitName };
  'cml-unet2d': UNet2DOptions & { init?: InitName };
  skcdf: SkcdfOptions & { init?: InitName };
}

export type ModelName = keyof ModelTypes;

type OptionKind =
  | { kind: 'int'; min: number }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'ints'; length: number; min: number }
  | { kind: 'numbers'; length: number; min: number; max: number };

interface Entry {
  description: string;
  source: string;
  options: Record<string, { type: OptionKind; default: unknown }>;
  create(o: Record<string, unknown>): SegmentationNetwork;
}

const int = (min: number): OptionKind => ({ kind: 'int', min });
const bool: OptionKind = { kind: 'bool' };
const norm: OptionKind = { kind: 'enum', values: NORMALIZATIONS };
const initOpt = { type: { kind: 'enum', values: INITS } as OptionKind, default: 'default' };

const vnetOptions = (classes: number, filters: number) => ({
  inChannels: { type: int(1), default: 1 },
  numClasses: { type: int(1), default: classes },
  filters: { type: int(1), default: filters },
  normalization: { type: norm, default: 'batchnorm' },
  hasDropout: { type: bool, default: true },
  init: initOpt,
});

const unet3dOptions = {
  inChannels: { type: int(1), default: 1 },
  numClasses: { type: int(1), default: 14 },
  featureScale: { type: { kind: 'number', min: 1, max: 1024 } as OptionKind, default: 4 },
  isBatchnorm: { type: bool, default: true },
  init: initOpt,
};

const REGISTRY: Record<ModelName, Entry> = {
  vnet: {
    description: 'DHC VNet (DHC and most baselines)',
    source: 'xmed-lab/DHC code/models/vnet.py VNet',
    options: vnetOptions(14, 32),
    create: (o) => new VNet(o as VNetOptions),
  },
  'vnet-ssnet': {
    description: 'VNet with SS-Net projection, prediction and selector heads',
    source: 'xmed-lab/DHC code/models/vnet.py VNet4SSNet',
    options: vnetOptions(14, 32),
    create: (o) => new VNet4SSNet(o as VNetOptions),
  },
  'vnet-dst': {
    description: 'DST decoupled VNet: main, pseudo and gradient-reversed worst-case decoders',
    source: 'xmed-lab/DHC code/models/vnet_dst.py VNet_Decoupled',
    options: vnetOptions(14, 32),
    create: (o) => new VNetDecoupled(o as VNetOptions),
  },
  'unet3d-ds': {
    description: 'URPC 3D U-Net with four deep-supervision heads',
    source: 'xmed-lab/DHC code/models/unet_ds.py unet_3D_ds',
    options: unet3dOptions,
    create: (o) => new UNet3DDeepSup(o as UNet3DOptions),
  },
  unet3d: {
    description: '3D U-Net without deep supervision (unused by the DHC scripts)',
    source: 'xmed-lab/DHC code/models/unet.py unet_3D',
    options: unet3dOptions,
    create: (o) => new UNet3D(o as UNet3DOptions),
  },
  'cml-vnet': {
    description: 'CML two-branch VNet for LA (transposed-conv and trilinear decoders)',
    source: 'SongwuJob/CML code/networks/VNet.py VNet',
    options: {
      ...vnetOptions(2, 16),
      hasResidual: { type: bool, default: false },
    },
    create: (o) => new CMLVNet(o as CMLVNetOptions),
  },
  'cml-unet2d': {
    description: 'CML 2D U-Net for ACDC, as coded (shared encoder, decoder1 used twice)',
    source: 'SongwuJob/CML code/networks/unet.py UNet',
    options: {
      inChannels: { type: int(1), default: 1 },
      numClasses: { type: int(1), default: 4 },
      featureChannels: { type: { kind: 'ints', length: 5, min: 1 }, default: [16, 32, 64, 128, 256] },
      dropout: { type: { kind: 'numbers', length: 5, min: 0, max: 1 }, default: [0.05, 0.1, 0.2, 0.3, 0.5] },
      init: initOpt,
    },
    create: (o) => new UNet2D(o as UNet2DOptions),
  },
  skcdf: {
    description: 'SKCDF shared encoder, local/global cross-attention, two decoders with balanced heads',
    source: 'yinguanchun/SKCDF SKCDF/code/models/SKCDF.py VNet_Decouple_Attention_ABC',
    options: {
      ...vnetOptions(14, 32),
      numHeads: { type: int(1), default: 2 },
      attentionDropoutRate: { type: { kind: 'number', min: 0, max: 1 }, default: 0.1 },
      patchSize: { type: { kind: 'ints', length: 3, min: 32 }, default: [64, 128, 128] },
    },
    create: (o) => new SKCDFNet(o as SkcdfOptions),
  },
};

function describe(t: OptionKind): string {
  switch (t.kind) {
    case 'int':
      return `an integer >= ${t.min}`;
    case 'number':
      return `a number in [${t.min}, ${t.max}]`;
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${t.values.join(', ')}`;
    case 'ints':
      return `${t.length} integers >= ${t.min}`;
    case 'numbers':
      return `${t.length} numbers in [${t.min}, ${t.max}]`;
  }
}

function valid(t: OptionKind, v: unknown): boolean {
  const isInt = (x: unknown, min: number) => typeof x === 'number' && Number.isInteger(x) && x >= min;
  const inRange = (x: unknown, lo: number, hi: number) =>
    typeof x === 'number' && Number.isFinite(x) && x >= lo && x <= hi;
  switch (t.kind) {
    case 'int':
      return isInt(v, t.min);
    case 'number':
      return inRange(v, t.min, t.max);
    case 'bool':
      return typeof v === 'boolean';
    case 'enum':
      return typeof v === 'string' && t.values.includes(v);
    case 'ints':
      return Array.isArray(v) && v.length === t.length && v.every((x) => isInt(x, t.min));
    case 'numbers':
      return Array.isArray(v) && v.length === t.length && v.every((x) => inRange(x, t.min, t.max));
  }
}

/**
 * Creates a network by registry name (see {@link listModels}) with its options; omitted options take
 * the documented defaults. The network starts in training mode, float32, on the CPU.
 */
export function createModel<N extends ModelName>(name: N, options?: ModelOptionTypes[N]): ModelTypes[N];
export function createModel(name: string, options?: Record<string, unknown>): SegmentationNetwork;
export function createModel(name: string, options: Record<string, unknown> = {}): SegmentationNetwork {
  const entry = Object.hasOwn(REGISTRY, name) ? REGISTRY[name as ModelName] : undefined;
  if (entry === undefined) {
    throw new Error(
      `createModel: unknown model '${name}' (expected one of: ${Object.keys(REGISTRY).join(', ')})`,
    );
  }
  const resolved: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(entry.options)) resolved[k] = spec.default;
  for (const [k, v] of Object.entries(options)) {
    const spec = Object.hasOwn(entry.options, k) ? entry.options[k] : undefined;
    if (spec === undefined) {
      throw new Error(
        `createModel('${name}'): unknown option '${k}' (expected: ${Object.keys(entry.options).join(', ')})`,
      );
    }
    if (v === undefined) continue;
    if (!valid(spec.type, v)) {
      throw new Error(
        `createModel('${name}'): option '${k}' must be ${describe(spec.type)}, got ${JSON.stringify(v)}`,
      );
    }
    resolved[k] = v;
  }
  const { init, ...rest } = resolved;
  return applyInit(entry.create(rest), init as InitName);
}

/** One registry entry as {@link listModels} reports it. */
export interface ModelInfo {
  name: ModelName;
  description: string;
  /** Repository, file and class of the reference implementation. */
  source: string;
  /** Option names with their defaults. */
  defaults: Record<string, unknown>;
}

/** The registered networks, in registry order. */
export function listModels(): ModelInfo[] {
  return (Object.entries(REGISTRY) as [ModelName, Entry][]).map(([name, e]) => ({
    name,
    description: e.description,
    source: e.source,
    defaults: Object.fromEntries(Object.entries(e.options).map(([k, s]) => [k, s.default])),
  }));
}
