/** The semiseg tensor API: libtorch tensors, autograd, memory scopes, devices, serialization. */
export * from './autograd.ts';
export * from './creation.ts';
export type { DeviceSpec, DType, MemoryFormat, Scalar, TypedArray } from './dtype.ts';
export { isFloatingDType } from './dtype.ts';
export * as ops from './generated/ops.ts';
export { TorchError } from './native.ts';
export * from './runtime.ts';
export { keep, scope, scopeDepth } from './scope.ts';
export * from './serialize.ts';
export { type Slice, Tensor } from './tensor.ts';
