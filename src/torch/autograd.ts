/** Grad-mode guards: no-grad, enable-grad and inference mode around a synchronous function. */
import { native } from './native.ts';

/** Runs `fn` with gradient recording off (as `torch.no_grad()`), restoring the mode afterwards. */
export function noGrad<T>(fn: () => T): T {
  const previous = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Runs `fn` with gradient recording on (as `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  const previous = native.setGradEnabled(true);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Whether operations currently record gradients. */
export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}

/**
 * Runs `fn` in inference mode (as `torch.inference_mode()`): faster than no-grad, but tensors made
 * inside can never enter autograd later. Use it for evaluation and prediction only.
 */
export function inferenceMode<T>(fn: () => T): T {
  return native.withInferenceMode(fn);
}
