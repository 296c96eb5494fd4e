/**
 * From a batch of windows to class probabilities: run every network, combine their logits, softmax.
 *
 * The seeds combine two networks (or two heads of one network) by averaging their **logits** and then taking
 * the softmax: DHC and its two-net baselines `softmax((A(x) + B(x)) / 2)` (spec/dhc.md §7 and §11 item 20,
 * spec/dhc-baselines.md §1.6), CML `softmax((z1 + z2) / 2)` (spec/cml.md §7.1, §7.2). Ensembles in the
 * nnU-Net style average **probabilities** instead; both are offered (`combine`).
 */

import { ops, type Tensor } from '../../torch/index.ts';

/**
 * A network's forward pass on a batch of windows: `[N, C, d, h, w]` (or `[N, C, h, w]` for 2D) to logits
 * `[N, K, d, h, w]`. A function returning several tensors (e.g. the two heads of CML's model) contributes each
 * of them as one member of the combination. It must not keep the input; modules should be in eval mode.
 */
export type Forward = (batch: Tensor) => Tensor | readonly Tensor[];

/** How several members' outputs are combined: mean of logits then softmax, or mean of softmaxes. */
export type CombineMode = 'logits' | 'probabilities';

/** Normalises a forward or list of forwards to a non-empty list. */
export function forwardList(forward: Forward | readonly Forward[]): readonly Forward[] {
  const list = typeof forward === 'function' ? [forward] : forward;
  if (list.length === 0) throw new RangeError('inference: at least one forward function is needed');
  return list;
}

function runAll(batch: Tensor, forwards: readonly Forward[]): Tensor[] {
  const outs: Tensor[] = [];
  for (const f of forwards) {
    const r = f(batch);
    if (Array.isArray(r)) outs.push(...(r as readonly Tensor[]));
    else outs.push(r as Tensor);
  }
  if (outs.length === 0) throw new RangeError('inference: the forward functions returned no logits');
  const expect = [batch.size(0), ...batch.shape.slice(2)].join(', ');
  for (const o of outs) {
    const s = o.shape;
    const got = [s[0], ...s.slice(2)].join(', ');
    if (s.length !== batch.ndim || got !== expect || s[1] !== outs[0]!.shape[1]) {
      throw new RangeError(
        `inference: a forward returned logits of shape [${s.join(', ')}] for input [${batch.shape.join(', ')}]; ` +
          `expected [N, K, spatial] with the input's N and spatial sizes and the same K for every member`,
      );
    }
  }
  return outs;
}

/**
 * Class probabilities of a batch of windows.
 *
 * @param batch - windows `[N, C, ...spatial]`, float32.
 * @param forwards - the members; each returns logits `[N, K, ...spatial]` (fp16 outputs are promoted).
 * @param combine - `logits`: softmax of the mean of all members' logits (summed in member order, divided by
 *   the count, as `(A + B) / 2`); `probabilities`: mean of the members' softmaxes.
 * @returns float32 `[N, K, ...spatial]`, summing to 1 over K. Call inside a scope: intermediates are not freed.
 */
export function windowProbabilities(
  batch: Tensor,
  forwards: readonly Forward[],
  combine: CombineMode = 'logits',
): Tensor {
  const outs = runAll(batch, forwards).map((o) => (o.dtype === 'float32' ? o : o.to('float32')));
  if (combine === 'logits') {
    let sum = outs[0]!;
    for (let i = 1; i < outs.length; i++) sum = sum.add(outs[i]!);
    const mean = outs.length === 1 ? sum : sum.div(outs.length);
    return ops.softmax(mean, 1);
  }
  let sum = ops.softmax(outs[0]!, 1);
  for (let i = 1; i < outs.length; i++) sum = sum.add(ops.softmax(outs[i]!, 1));
  return outs.length === 1 ? sum : sum.div(outs.length);
}
