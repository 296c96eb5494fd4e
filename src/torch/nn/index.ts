/** Neural-network modules with PyTorch's parameter names, shapes and default initialisation. */
export * from './container.ts';
export * from './conv.ts';
export * as init from './init.ts';
export * from './layers.ts';
export { Module, type StateDict } from './module.ts';
export * from './norm.ts';
