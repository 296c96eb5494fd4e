/**
 * SKCDF's semantic knowledge complementarity module (`yinguanchun/SKCDF`,
 * `SKCDF/code/models/SKCDF.py`): a local block (attention inside 2x2x2 windows of the bottleneck)
 * and a global block (attention over all bottleneck positions), both channel-to-channel attention.
 *
 * Shapes, with C = bottleneck channels (16f), heads H (2), CH = C*H, the bottleneck (bd, bh, bw)
 * (4x8x8 in the reference, fixed by its 64x128x128 patch), N = bd*bh*bw positions and nw = N/8
 * windows:
 * - token learners map each channel's map separately: Local = Conv3d(1->8, k2 s2) per 2x2x2 window
 *   (outputs placed back at the window's 8 sub-positions), Global = Conv3d(1->N, kernel = bottleneck)
 *   (N outputs = N tokens in row-major spatial order); both also own an unused `map_in` conv.
 * - attention: q, k, v = Linear(C -> CH, no bias), o = Linear(CH -> C, no bias); the C x C' similarity
 *   matrix of channels (summed over tokens, no 1/sqrt(d) scaling) is standardised by an
 *   InstanceNorm2d(1) (`psi`, no affine), softmax over its last axis, element dropout (`attn_dropout`).
 * - "labeled" mode (training batch of exactly 2 labeled then 2 unlabeled samples): unlabeled queries
 *   (detached) attend to the two labeled samples' keys/values concatenated on the channel axis, and
 *   labeled queries to the two unlabeled samples' (detached) keys/values; output order [l, l, u, u].
 * - "unlabeled" mode: per-sample self-attention with H heads (Local: head h = projection channels
 *   = h mod H; Global: contiguous blocks of C, outputs interleaved before `out` — the reference's
 *   inconsistency, kept).
 * - block: y = LN2(attn(LN1(R)) + R) with R the tokens; out = GELU(Conv3d 1x1x1(y as a volume)).
 */
import * as ops from '../torch/generated/ops.ts';
import { Conv3d, Dropout, init, Linear, Module, Sequential } from '../torch/nn/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import { consume, GELU, LayerNorm } from './layers.ts';

/** The two modes of the SKCDF forward (`pred_type`). */
export type SkcdfMode = 'labeled' | 'unlabeled';

/** Bottleneck grid and sizes derived from it. */
export interface Bottleneck {
  /** `[bd, bh, bw]`, each even. */
  dims: [number, number, number];
  /** bd * bh * bw. */
  n: number;
  /** Window grid `[bd/2, bh/2, bw/2]`. */
  grid: [number, number, number];
  /** Number of 2x2x2 windows. */
  nw: number;
}

/** Derives the window grid of a bottleneck `[bd, bh, bw]` (each even and positive). */
export function bottleneck(dims: readonly number[]): Bottleneck {
  if (dims.length !== 3 || dims.some((v) => !Number.isInteger(v) || v < 2 || v % 2 !== 0)) {
    throw new Error(`SKCDF: bottleneck must be three positive even sizes, got [${dims}]`);
  }
  const [d, h, w] = dims as [number, number, number];
  return { dims: [d, h, w], n: d * h * w, grid: [d / 2, h / 2, w / 2], nw: (d * h * w) / 8 };
}

/** The attention projections and dropouts shared by both blocks (`q`, `k`, `v`, `out`). */
abstract class AttentionBase extends Module {
  readonly q: Linear;
  readonly k: Linear;
  readonly v: Linear;
  readonly out: Linear;
  readonly attnDropout: Dropout;
  readonly projDropout: Dropout;
  constructor(
    readonly numHeads: number,
    readonly channels: number,
    dropoutRate: number,
  ) {
    super();
    const ch = channels * numHeads;
    this.q = this.registerModule('q', new Linear(channels, ch, { bias: false }));
    this.k = this.registerModule('k', new Linear(channels, ch, { bias: false }));
    this.v = this.registerModule('v', new Linear(channels, ch, { bias: false }));
    // `psi` (InstanceNorm2d(1)) and `softmax` hold no parameters; they are the functions below.
    this.out = this.registerModule('out', new Linear(ch, channels, { bias: false }));
    this.attnDropout = this.registerModule('attn_dropout', new Dropout(dropoutRate));
    this.projDropout = this.registerModule('proj_dropout', new Dropout(dropoutRate));
  }

  /** psi -> softmax(last axis) -> attention dropout on `[..., n, m]` similarity matrices (4D). */
  protected weights(sim: Tensor): Tensor {
    const normed = ops.instanceNorm(sim, null, null, null, null, true, 0.1, 1e-5, true);
    sim.dispose();
    const p = ops.softmax(normed, 3);
    normed.dispose();
    return consume(this.attnDropout, p);
  }
}

function checkLabeledBatch(emb: Tensor, rowsPerSample: number, who: string): void {
  if (emb.size(0) !== 4 * rowsPerSample) {
    throw new Error(
      `${who}: 'labeled' mode needs a batch of exactly 2 labeled + 2 unlabeled samples, got ${emb.size(0) / rowsPerSample}`,
    );
  }
}

/** `Cross_Attention_Local`: attention between the channels of each 2x2x2 window. */
export class CrossAttentionLocal extends AttentionBase {
  constructor(
    numHeads: number,
    channels: number,
    dropoutRate: number,
    readonly bn: Bottleneck,
  ) {
    super(numHeads, channels, dropoutRate);
  }

  /** Window rows `[2*nw, 8, CH]` of 2 samples -> `[2, N, CH]` in spatial order. */
  private unwindow(t: Tensor, samples: number, heads: number): Tensor {
    const [gd, gh, gw] = this.bn.grid;
    const c = this.channels;
    let out: Tensor;
    if (heads === 0) {
      // rows (b d h w), channels (c heads), positions (p1 p2 p3) -> b (d p1 h p2 w p3) (c heads)
      const v = ops.view(t, [samples, gd, gh, gw, c * this.numHeads, 2, 2, 2]);
      const p = ops.permute(v, [0, 1, 5, 2, 6, 3, 7, 4]);
      out = ops.reshape(p, [samples, this.bn.n, c * this.numHeads]);
      v.dispose();
      p.dispose();
    } else {
      // rows (b d h w), heads, c, (p1 p2 p3) -> b (d p1 h p2 w p3) (c heads)
      const v = ops.view(t, [samples, gd, gh, gw, heads, c, 2, 2, 2]);
      const p = ops.permute(v, [0, 1, 6, 2, 7, 3, 8, 5, 4]);
      out = ops.reshape(p, [samples, this.bn.n, c * heads]);
      v.dispose();
      p.dispose();
    }
    return out;
  }

  /** Queries of 2 samples attend to the keys/values of 2 other samples (labeled mode). */
  private cross(qIn: Tensor, kvIn: Tensor): Tensor {
    const nw = this.bn.nw;
    const ch = this.channels * this.numHeads;
    const q = this.q.forward(qIn); // [2nw, 8, CH]
    const k = this.k.forward(kvIn);
    const v = this.v.forward(kvIn);
    // q: (b d h w) (p) (c heads) -> (b d h w) 1 (c heads) (p)
    const qt = ops.transpose(q, 1, 2);
    const mq = ops.unsqueeze(qt, 1);
    q.dispose();
    qt.dispose();
    // keys of window w: [k(sample 0, w) | k(sample 1, w)] -> [nw, 8, 2CH], repeated for both queries
    const kv = ops.view(k, [2, nw, 8, ch]);
    const kp = ops.permute(kv, [1, 2, 0, 3]);
    const kc = ops.reshape(kp, [1, nw, 8, 2 * ch]);
    const ke = ops.expand(kc, [2, nw, 8, 2 * ch]);
    const mk = ops.reshape(ke, [2 * nw, 1, 8, 2 * ch]);
    for (const t of [k, kv, kp, kc, ke]) t.dispose();
    const vv = ops.view(v, [2, nw, 8, ch]);
    const vp = ops.permute(vv, [1, 0, 3, 2]);
    const vc = ops.reshape(vp, [1, nw, 2 * ch, 8]);
    const ve = ops.expand(vc, [2, nw, 2 * ch, 8]);
    const mv = ops.reshape(ve, [2 * nw, 1, 2 * ch, 8]);
    for (const t of [v, vv, vp, vc, ve]) t.dispose();
    const sim = ops.matmul(mq, mk); // [2nw, 1, CH, 2CH]
    mq.dispose();
    mk.dispose();
    const a = this.weights(sim);
    const o = ops.matmul(a, mv); // [2nw, 1, CH, 8]
    a.dispose();
    mv.dispose();
    const os = ops.squeezeDim(o, 1);
    o.dispose();
    const spatial = this.unwindow(os, 2, 0);
    os.dispose();
    return consume(this.projDropout, consume(this.out, spatial));
  }

  /**
   * Window tokens `[B*nw, 8, C]` (rows in (sample, window) order) -> `[B, N, C]` in spatial order.
   * 'labeled' needs B = 4 (2 labeled, 2 unlabeled); 'unlabeled' takes any B (per sample).
   */
  forward(emb: Tensor, mode: SkcdfMode): Tensor {
    const nw = this.bn.nw;
    if (mode === 'labeled') {
      checkLabeledBatch(emb, nw, 'CrossAttentionLocal');
      const [embL, embU] = ops.split(emb, 2 * nw, { dim: 0 }) as [Tensor, Tensor];
      const embUd = ops.detach(embU);
      try {
        const u2l = this.cross(embUd, embL);
        const l2u = this.cross(embL, embUd);
        const out = ops.cat([l2u, u2l], { dim: 0 });
        l2u.dispose();
        u2l.dispose();
        return out;
      } finally {
        for (const t of [embL, embU, embUd]) t.dispose();
      }
    }
    const b = emb.size(0) / nw;
    const heads = this.numHeads;
    const c = this.channels;
    const split = (t: Tensor, perm: number[]): Tensor => {
      const v = ops.view(t, [b * nw, 8, c, heads]);
      const p = ops.permute(v, perm);
      v.dispose();
      t.dispose();
      return p;
    };
    const mq = split(this.q.forward(emb), [0, 3, 2, 1]); // (bdhw) heads c (p)
    const mk = split(this.k.forward(emb), [0, 3, 1, 2]); // (bdhw) heads (p) c
    const mv = split(this.v.forward(emb), [0, 3, 2, 1]);
    const sim = ops.matmul(mq, mk); // [b nw, heads, C, C]
    mq.dispose();
    mk.dispose();
    const a = this.weights(sim);
    const o = ops.matmul(a, mv); // [b nw, heads, C, 8]
    a.dispose();
    mv.dispose();
    const spatial = this.unwindow(o, b, heads);
    o.dispose();
    return consume(this.out, spatial); // no projection dropout in this mode (as the reference)
  }
}

/** `Cross_Attention_Global`: attention between the channels over all N positions. */
export class CrossAttentionGlobal extends AttentionBase {
  /** Queries of `m` samples attend to the keys/values of `m` other samples (labeled mode). */
  private cross(qIn: Tensor, kvIn: Tensor): Tensor {
    const m = qIn.size(0);
    const n = qIn.size(1);
    const ch = this.channels * this.numHeads;
    const q = this.q.forward(qIn); // [m, N, CH]
    const k = this.k.forward(kvIn);
    const v = this.v.forward(kvIn);
    const qt = ops.transpose(q, 1, 2);
    const mq = ops.unsqueeze(qt, 1); // [m, 1, CH, N]
    q.dispose();
    qt.dispose();
    // 'b n c -> n (b c)', repeated for every query sample
    const cat2 = (t: Tensor): Tensor => {
      const p = ops.permute(t, [1, 0, 2]);
      const r = ops.reshape(p, [1, 1, n, m * ch]);
      const e = ops.expand(r, [m, 1, n, m * ch]);
      p.dispose();
      r.dispose();
      t.dispose();
      return e;
    };
    const mk = cat2(k); // [m, 1, N, m CH]
    const ve = cat2(v);
    const mv = ops.transpose(ve, 2, 3); // [m, 1, m CH, N]
    ve.dispose();
    const sim = ops.matmul(mq, mk); // [m, 1, CH, m CH]
    mq.dispose();
    mk.dispose();
    const a = this.weights(sim);
    const o = ops.matmul(a, mv); // [m, 1, CH, N]
    a.dispose();
    mv.dispose();
    const op = ops.permute(o, [0, 3, 2, 1]);
    const flat = ops.reshape(op, [m, n, ch]);
    o.dispose();
    op.dispose();
    return consume(this.projDropout, consume(this.out, flat));
  }

  /**
   * Tokens `[B, N, C]` -> `[B, N, C]`. 'labeled': the first half of the batch is labeled, the second
   * unlabeled (an even batch); 'unlabeled': per-sample multi-head self-attention (any batch).
   */
  forward(emb: Tensor, mode: SkcdfMode): Tensor {
    const b = emb.size(0);
    if (mode === 'labeled') {
      if (b % 2 !== 0 || b === 0) {
        throw new Error(`CrossAttentionGlobal: 'labeled' mode needs an even batch, got ${b}`);
      }
      const [embL, embU] = ops.split(emb, b / 2, { dim: 0 }) as [Tensor, Tensor];
      const embUd = ops.detach(embU);
      try {
        const u2l = this.cross(embUd, embL);
        const l2u = this.cross(embL, embUd);
        const out = ops.cat([l2u, u2l], { dim: 0 });
        l2u.dispose();
        u2l.dispose();
        return out;
      } finally {
        for (const t of [embL, embU, embUd]) t.dispose();
      }
    }
    const n = emb.size(1);
    const heads = this.numHeads;
    const c = this.channels;
    const rep = (t: Tensor): Tensor => {
      const v = ops.view(t, [b, n, heads, c]);
      const p = ops.permute(v, [0, 2, 1, 3]); // [b, heads, N, C]
      v.dispose();
      t.dispose();
      return p;
    };
    const qh = rep(this.q.forward(emb));
    const mq = ops.transpose(qh, 2, 3); // [b, heads, C, N]
    qh.dispose();
    const mk = rep(this.k.forward(emb));
    const vh = rep(this.v.forward(emb));
    const mv = ops.transpose(vh, 2, 3);
    vh.dispose();
    const sim = ops.matmul(mq, mk); // [b, heads, C, C]
    mq.dispose();
    mk.dispose();
    const a = this.weights(sim);
    const o = ops.matmul(a, mv); // [b, heads, C, N]
    a.dispose();
    mv.dispose();
    const op = ops.permute(o, [0, 3, 2, 1]); // [b, N, C, heads]: channel index c*heads + h
    const flat = ops.reshape(op, [b, n, c * heads]);
    o.dispose();
    op.dispose();
    return consume(this.projDropout, consume(this.out, flat));
  }
}

/** `TokenLearner_Local` / `TokenLearner_Global`: `proj` and the unused `map_in` (conv + GELU). */
export class TokenLearner extends Module {
  readonly proj: Conv3d;
  readonly mapIn: Sequential;
  constructor(embedDim: number, patch: readonly number[]) {
    super();
    this.proj = this.registerModule('proj', new Conv3d(1, embedDim, patch, { stride: patch }));
    this.mapIn = this.registerModule(
      'map_in',
      new Sequential(new Conv3d(1, embedDim, patch, { stride: patch }), new GELU()),
    );
  }
  /** `[B*C, 1, bd, bh, bw]` -> `[B*C, patches, embedDim]`. */
  forward(x: Tensor): Tensor {
    const y = this.proj.forward(x);
    const f = ops.flatten(y, { start_dim: 2 });
    y.dispose();
    const t = ops.transpose(f, 1, 2);
    f.dispose();
    return t;
  }
}

/** Block options. */
export interface SkcmBlockOptions {
  numHeads: number;
  channels: number;
  /** Attention and projection dropout; the reference uses 0.1. */
  dropoutRate: number;
  /** Bottleneck `[bd, bh, bw]`; the reference's is [4, 8, 8]. */
  bottleneck: readonly number[];
}

abstract class SkcmBlock extends Module {
  readonly bn: Bottleneck;
  readonly tokenLearner: TokenLearner;
  readonly attnNorm: LayerNorm;
  abstract readonly attn: CrossAttentionLocal | CrossAttentionGlobal;
  ffnNorm!: LayerNorm;
  mapOut!: Sequential;

  /** Registers token_learner and attn_norm; the subclass registers attn, then calls `finish`. */
  constructor(
    readonly o: SkcmBlockOptions,
    tokenDim: number,
    patch: readonly number[],
  ) {
    super();
    this.bn = bottleneck(o.bottleneck);
    this.tokenLearner = this.registerModule('token_learner', new TokenLearner(tokenDim, patch));
    this.attnNorm = this.registerModule('attn_norm', new LayerNorm(o.channels, 1e-6));
  }

  /** Registers ffn_norm and map_out, then Xavier-uniform on the attention Linear weights. */
  protected finish(): void {
    const c = this.o.channels;
    this.ffnNorm = this.registerModule('ffn_norm', new LayerNorm(c, 1e-6));
    this.mapOut = this.registerModule('map_out', new Sequential(new Conv3d(c, c, 1), new GELU()));
    // The reference's `self.apply(self._init_weights)`: post-order, so q, k, v, out in that order.
    for (const lin of [this.attn.q, this.attn.k, this.attn.v, this.attn.out]) init.xavierUniform_(lin.weight);
  }

  /** Tokens of the block input and the residual R, both per the block's layout. */
  protected abstract tokens(x: Tensor): { attnIn: Tensor; res: Tensor };

  /**
   * `[B, C, bd, bh, bw]` float32 -> same shape. 'labeled' mode needs training mode (the reference
   * fails in eval mode) and, in the local block, B = 4. In eval mode the reference runs a duplicated
   * batch and keeps the first half, which changes nothing numerically here and is skipped.
   */
  forward(x: Tensor, mode: SkcdfMode): Tensor {
    const s = x.shape;
    const [bd, bh, bw] = this.bn.dims;
    if (s.length !== 5 || s[1] !== this.o.channels || s[2] !== bd || s[3] !== bh || s[4] !== bw) {
      throw new Error(
        `${this.constructor.name}: expected [B, ${this.o.channels}, ${bd}, ${bh}, ${bw}], got [${s}]`,
      );
    }
    if (mode === 'labeled' && !this.training) {
      throw new Error(
        `${this.constructor.name}: 'labeled' mode runs in training mode only (as the reference)`,
      );
    }
    const { attnIn, res } = this.tokens(x);
    const normed = consume(this.attnNorm, attnIn);
    const attended = this.attn.forward(normed, mode);
    normed.dispose();
    const summed = ops.add(attended, res);
    attended.dispose();
    res.dispose();
    const y = consume(this.ffnNorm, summed); // [B, N, C]
    const yt = ops.permute(y, [0, 2, 1]);
    y.dispose();
    const vol = ops.reshape(yt, [s[0]!, this.o.channels, bd, bh, bw]);
    yt.dispose();
    return consume(this.mapOut, vol);
  }
}

/** `Cross_Attention_Local_Block`: `[B, C, bd, bh, bw]` float (32 or 64) -> same shape. */
export class CrossAttentionLocalBlock extends SkcmBlock {
  readonly attn: CrossAttentionLocal;
  constructor(o: SkcmBlockOptions) {
    super(o, 8, [2, 2, 2]);
    this.attn = this.registerModule(
      'attn',
      new CrossAttentionLocal(o.numHeads, o.channels, o.dropoutRate, this.bn),
    );
    this.finish();
  }
  protected tokens(x: Tensor): { attnIn: Tensor; res: Tensor } {
    const [b, c] = x.shape as [number, number];
    const [bd, bh, bw] = this.bn.dims;
    const [gd, gh, gw] = this.bn.grid;
    const flat = ops.reshape(x, [b * c, 1, bd, bh, bw]);
    const tok = this.tokenLearner.forward(flat); // [b c, nw, 8]
    flat.dispose();
    // res: (b c) (d h w) (p1 p2 p3) -> b (d p1 h p2 w p3) c
    const v1 = ops.view(tok, [b, c, gd, gh, gw, 2, 2, 2]);
    const p1 = ops.permute(v1, [0, 2, 5, 3, 6, 4, 7, 1]);
    const res = ops.reshape(p1, [b, this.bn.n, c]);
    // attention input: (b c) (d h w) (p) -> (b d h w) (p) c
    const v2 = ops.view(tok, [b, c, this.bn.nw, 8]);
    const p2 = ops.permute(v2, [0, 2, 3, 1]);
    const attnIn = ops.reshape(p2, [b * this.bn.nw, 8, c]);
    for (const t of [tok, v1, p1, v2, p2]) t.dispose();
    return { attnIn, res };
  }
}

/** `Cross_Attention_Global_Block`: `[B, C, bd, bh, bw]` float (32 or 64) -> same shape. */
export class CrossAttentionGlobalBlock extends SkcmBlock {
  readonly attn: CrossAttentionGlobal;
  constructor(o: SkcmBlockOptions) {
    const bn = bottleneck(o.bottleneck);
    super(o, bn.n, bn.dims);
    this.attn = this.registerModule('attn', new CrossAttentionGlobal(o.numHeads, o.channels, o.dropoutRate));
    this.finish();
  }
  protected tokens(x: Tensor): { attnIn: Tensor; res: Tensor } {
    const [b, c] = x.shape as [number, number];
    const [bd, bh, bw] = this.bn.dims;
    const flat = ops.reshape(x, [b * c, 1, bd, bh, bw]);
    const tok = this.tokenLearner.forward(flat); // [b c, 1, N]
    flat.dispose();
    // (b c) 1 (d h w) -> b (d h w) c
    const v = ops.view(tok, [b, c, this.bn.n]);
    const attnIn = ops.permute(v, [0, 2, 1]);
    tok.dispose();
    v.dispose();
    return { attnIn, res: ops.alias(attnIn) };
  }
}
