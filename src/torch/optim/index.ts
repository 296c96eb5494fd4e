/** Optimizers and learning-rate schedules matching PyTorch 1.13's update rules. */
export * from './adam.ts';
export { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.ts';
export * from './schedule.ts';
export * from './sgd.ts';
