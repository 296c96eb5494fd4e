/** The segmentation networks of DHC, its baselines, CML and SKCDF, and their registry. */
export * from './cml-vnet.ts';
export * from './init.ts';
export {
  BatchNorm1d,
  GELU,
  gradientReverse,
  LayerNorm,
  NORMALIZATIONS,
  type Normalization,
  normLayer3d,
  WarmStartGradientReverseLayer,
} from './layers.ts';
export type { SegmentationNetwork } from './network.ts';
export * from './registry.ts';
export * from './skcdf.ts';
export * from './skcdf-attention.ts';
export * from './unet2d.ts';
export * from './unet3d.ts';
export * from './vnet.ts';
export * from './vnet-blocks.ts';
export * from './vnet-dst.ts';
export * from './vnet-ssnet.ts';
