#!/usr/bin/python3
"""Golden values for test/models, from an independent PyTorch re-implementation of the networks.

The networks below were written for this project from the implementation specs (DHC §3, DHC
baselines §2, CML §3, SKCDF §4) and a reading of the reference repositories (no code copied): module
names, construction order (hence the random-draw order of the initialisation), forward order (hence
dropout masks) and layouts follow them. The parameter counts the specs state (measured there on the
reference classes) are asserted here. Agreement between this script and the TypeScript networks
checks the port (engine, layouts, memory handling); the interpretation itself is checked against
values the specs computed with the reference code (test/models/spec.test.ts).

Run from the repository root:  /usr/bin/python3 scripts/golden/models.py
(Debian's python3 with python3-torch 1.13.) Writes test/fixtures/models/models.json and one .pt per
small configuration.

Fixture size: a state dict of random weights for a 600k-parameter network would take 2.4 MB, so every
weight tensor here is a strided view of a small random pool (torch.save stores the pool once, with the
view's strides): e.g. w[o, i, a, b, c] = pool[7 o + 5 i + 3 a + 2 b + c]. These are ordinary
PyTorch tensors; `load_state_dict` (and semiseg's `loadStateDict`) copy them into dense parameters.
BatchNorm running statistics are set from the actual batch statistics of the test input (one
training-mode pass with momentum 1; variances clamped at 0.25), so eval-mode activations stay well
scaled.
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)  # as the TS tests: same reduction order
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'models')


# --------------------------------------------------------------------------------------------------
# VNet family (DHC, its baselines, CML, SKCDF)
# --------------------------------------------------------------------------------------------------

def norm3d(kind, c):
    if kind == 'batchnorm':
        return nn.BatchNorm3d(c)
    if kind == 'groupnorm':
        return nn.GroupNorm(16, c)
    if kind == 'instancenorm':
        return nn.InstanceNorm3d(c)
    if kind == 'none':
        return None
    raise ValueError(kind)


class Stage(nn.Module):
    """n x (conv3 -> norm -> relu); the residual variant drops the last relu and adds the input."""

    def __init__(self, n, cin, cout, norm, residual=False):
        super().__init__()
        layers = []
        for j in range(n):
            layers.append(nn.Conv3d(cin if j == 0 else cout, cout, 3, padding=1))
            bn = norm3d(norm, cout)
            if bn is not None:
                layers.append(bn)
            if not residual or j < n - 1:
                layers.append(nn.ReLU(inplace=True))
        self.conv = nn.Sequential(*layers)
        self.residual = residual
        if residual:
            self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        if self.residual:
            return self.relu(self.conv(x) + x)
        return self.conv(x)


class Resample(nn.Module):
    """Down (strided conv), up (transposed conv) or CML's interpolating up (mode 1, 2)."""

    def __init__(self, cin, cout, norm, kind):
        super().__init__()
        if kind == 'down':
            layers = [nn.Conv3d(cin, cout, 2, stride=2)]
        elif kind == 'deconv':
            layers = [nn.ConvTranspose3d(cin, cout, 2, stride=2)]
        elif kind == 'trilinear':
            layers = [nn.Upsample(scale_factor=2, mode='trilinear', align_corners=True),
                      nn.Conv3d(cin, cout, 3, padding=1)]
        else:
            raise ValueError(kind)
        bn = norm3d(norm, cout)
        if bn is not None:
            layers.append(bn)
        layers.append(nn.ReLU(inplace=True))
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return self.conv(x)


ENC = [('one', 1, 1), ('two', 2, 2), ('three', 3, 4), ('four', 3, 8), ('five', 3, 16)]
DEC = [('five', 16), ('six', 8), ('seven', 4), ('eight', 2)]
STAGES_UP = {'six': 3, 'seven': 3, 'eight': 2, 'nine': 1}


def add_encoder(m, cin, f, norm, residual=False):
    for idx, (name, n, mult) in enumerate(ENC):
        c_in = cin if idx == 0 else f * mult
        setattr(m, f'block_{name}', Stage(n, c_in, f * mult, norm, residual))
        if name != 'five':
            setattr(m, f'block_{name}_dw', Resample(f * mult, f * mult * 2, norm, 'down'))


def add_decoder(m, f, norm, up='deconv', residual=False):
    nxt = {'five': 'six', 'six': 'seven', 'seven': 'eight', 'eight': 'nine'}
    for name, mult in DEC:
        setattr(m, f'block_{name}_up', Resample(f * mult, f * mult // 2, norm, up))
        after = nxt[name]
        setattr(m, f'block_{after}', Stage(STAGES_UP[after], f * mult // 2, f * mult // 2, norm, residual))


def run_encoder(m, x, drop):
    feats = []
    h = x
    for name, _, _ in ENC:
        h = getattr(m, f'block_{name}')(h)
        feats.append(h)
        if name != 'five':
            h = getattr(m, f'block_{name}_dw')(h)
    if drop is not None:
        feats[4] = drop(feats[4])
    return feats


def run_decoder(m, feats):
    x1, x2, x3, x4, x5 = feats
    h = m.block_six(m.block_five_up(x5) + x4)
    h = m.block_seven(m.block_six_up(h) + x3)
    h = m.block_eight(m.block_seven_up(h) + x2)
    return m.block_nine(m.block_eight_up(h) + x1)


class VNet(nn.Module):
    def __init__(self, cin=1, ncls=14, f=32, norm='batchnorm', dropout=True):
        super().__init__()
        self.has_dropout = dropout
        add_encoder(self, cin, f, norm)
        add_decoder(self, f, norm)
        self.out_conv = nn.Conv3d(f, ncls, 1)
        self.dropout = nn.Dropout3d(0.5)

    def features(self, x):
        feats = run_encoder(self, x, self.dropout if self.has_dropout else None)
        x9 = run_decoder(self, feats)
        return self.dropout(x9) if self.has_dropout else x9

    def forward(self, x):
        return {'logits': self.out_conv(self.features(x))}


def mlp(cin, hidden, cout, act):
    return nn.Sequential(nn.Linear(cin, hidden), nn.BatchNorm1d(hidden), act, nn.Linear(hidden, cout))


class VNet4SSNet(VNet):
    def __init__(self, cin=1, ncls=14, f=32, norm='batchnorm', dropout=True):
        super().__init__(cin, ncls, f, norm, dropout)
        self.projection_head = mlp(f, 2 * f, 2 * f, nn.ReLU(inplace=True))
        self.prediction_head = mlp(2 * f, 2 * f, 2 * f, nn.ReLU(inplace=True))
        for c in range(ncls):
            setattr(self, f'contrastive_class_selector_{c}', mlp(2 * f, 2 * f, 1, nn.LeakyReLU(0.2, inplace=True)))
        for c in range(ncls):
            setattr(self, f'contrastive_class_selector_memory{c}', mlp(2 * f, 2 * f, 1, nn.LeakyReLU(0.2, inplace=True)))

    def forward(self, x):
        emb = self.features(x)
        return {'logits': self.out_conv(emb), 'embedding': emb}


class GradReverse(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, coeff):
        ctx.coeff = coeff
        return x * 1.0

    @staticmethod
    def backward(ctx, g):
        return g.neg() * ctx.coeff, None


class GRL(nn.Module):
    def __init__(self):
        super().__init__()
        self.iter_num = 0

    def forward(self, x):
        coeff = 2.0 * 0.1 / (1.0 + math.exp(-self.iter_num / 500)) - 0.1
        return GradReverse.apply(x, coeff)


class DSTDecoder(nn.Module):
    def __init__(self, ncls, f, norm, worst=False):
        super().__init__()
        self.worst = worst
        add_decoder(self, f, norm)
        self.head = nn.Conv3d(f, ncls, 1)
        self.grl_layer = GRL()
        self.dropout = nn.Dropout3d(0.5)

    def forward(self, feats, drop):
        if self.worst:
            feats = [self.grl_layer(t) for t in feats]
        x9 = run_decoder(self, feats)
        return self.head(self.dropout(x9) if drop else x9)


class VNetDecoupled(nn.Module):
    def __init__(self, cin=1, ncls=14, f=32, norm='batchnorm', dropout=True):
        super().__init__()
        self.has_dropout = dropout
        add_encoder(self, cin, f, norm)
        self.decoder = DSTDecoder(ncls, f, norm)
        self.decoder_pseudo = DSTDecoder(ncls, f, norm)
        self.decoder_worst = DSTDecoder(ncls, f, norm, worst=True)
        self.dropout = nn.Dropout3d(0.5)

    def forward(self, x):
        feats = run_encoder(self, x, self.dropout if self.has_dropout else None)
        return {'main': self.decoder(feats, self.has_dropout),
                'pseudo': self.decoder_pseudo(feats, self.has_dropout),
                'worst': self.decoder_worst(feats, self.has_dropout)}


# ---- CML LA pair ---------------------------------------------------------------------------------

class CMLEncoder(nn.Module):
    def __init__(self, cin, f, norm, dropout, residual):
        super().__init__()
        self.has_dropout = dropout
        add_encoder(self, cin, f, norm, residual)
        self.dropout = nn.Dropout3d(0.5)

    def forward(self, x):
        return run_encoder(self, x, self.dropout if self.has_dropout else None)


class CMLDecoder(nn.Module):
    def __init__(self, ncls, f, norm, dropout, residual, up):
        super().__init__()
        self.has_dropout = dropout
        add_decoder(self, f, norm, up, residual)
        self.out_conv = nn.Conv3d(f, ncls, 1)
        self.dropout = nn.Dropout3d(0.5)

    def forward(self, feats):
        x9 = run_decoder(self, feats)
        return self.out_conv(self.dropout(x9) if self.has_dropout else x9)


class CMLVNet(nn.Module):
    def __init__(self, cin=1, ncls=2, f=16, norm='batchnorm', dropout=True, residual=False):
        super().__init__()
        self.encoder1 = CMLEncoder(cin, f, norm, dropout, residual)
        self.encoder2 = CMLEncoder(cin, f, norm, dropout, residual)
        self.decoder1 = CMLDecoder(ncls, f, norm, dropout, residual, 'deconv')
        self.decoder2 = CMLDecoder(ncls, f, norm, dropout, residual, 'trilinear')

    def forward(self, x):
        f1 = self.encoder1(x)
        f2 = self.encoder2(x)
        return {'logits1': self.decoder1(f1), 'logits2': self.decoder2(f2), 'feat1': f1[4], 'feat2': f2[4]}


# ---- CML ACDC 2D UNet ----------------------------------------------------------------------------

class Block2D(nn.Module):
    def __init__(self, cin, cout, p):
        super().__init__()
        self.conv_conv = nn.Sequential(
            nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.LeakyReLU(), nn.Dropout(p),
            nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.LeakyReLU())

    def forward(self, x):
        return self.conv_conv(x)


class Down2D(nn.Module):
    def __init__(self, cin, cout, p):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), Block2D(cin, cout, p))

    def forward(self, x):
        return self.maxpool_conv(x)


class Up2D(nn.Module):
    def __init__(self, c1, c2, cout, mode):
        super().__init__()
        self.mode = mode
        if mode == 0:
            self.up = nn.ConvTranspose2d(c1, c2, 2, stride=2)
        else:
            self.conv1x1 = nn.Conv2d(c1, c2, 1)
            self.up = nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True)
        self.conv = Block2D(2 * c2, cout, 0.0)

    def forward(self, deep, skip):
        if self.mode != 0:
            deep = self.conv1x1(deep)
        return self.conv(torch.cat([skip, self.up(deep)], 1))


class Enc2D(nn.Module):
    def __init__(self, cin, ch, p):
        super().__init__()
        self.in_conv = Block2D(cin, ch[0], p[0])
        for i in range(1, 5):
            setattr(self, f'down{i}', Down2D(ch[i - 1], ch[i], p[i]))

    def forward(self, x):
        out = [self.in_conv(x)]
        for i in range(1, 5):
            out.append(getattr(self, f'down{i}')(out[-1]))
        return out


class Dec2D(nn.Module):
    def __init__(self, ch, ncls, mode):
        super().__init__()
        for i in range(1, 5):
            setattr(self, f'up{i}', Up2D(ch[5 - i], ch[4 - i], ch[4 - i], mode))
        self.out_conv = nn.Conv2d(ch[0], ncls, 3, padding=1)

    def forward(self, f):
        h = f[4]
        for i in range(1, 5):
            h = getattr(self, f'up{i}')(h, f[4 - i])
        return self.out_conv(h)


class UNet2D(nn.Module):
    def __init__(self, cin=1, ncls=4, ch=(16, 32, 64, 128, 256), p=(0.05, 0.1, 0.2, 0.3, 0.5)):
        super().__init__()
        Enc2D(cin, ch, p)  # the reference assigns the encoder twice: the first one's draws are spent
        self.encoder = Enc2D(cin, ch, p)
        self.decoder1 = Dec2D(ch, ncls, 1)
        self.decoder2 = Dec2D(ch, ncls, 0)

    def forward(self, x):
        f1 = self.encoder(x)
        f2 = self.encoder(x)
        return {'logits1': self.decoder1(f1), 'logits2': self.decoder1(f2), 'feat1': f1[4], 'feat2': f2[4]}


# ---- 3D U-Nets (URPC) ----------------------------------------------------------------------------

def kaiming_convs(m):
    for mod in m.modules():
        if isinstance(mod, nn.Conv3d):
            nn.init.kaiming_normal_(mod.weight, a=0, mode='fan_in')


class UConv3(nn.Module):
    def __init__(self, cin, cout, inorm):
        super().__init__()
        def unit(a):
            layers = [nn.Conv3d(a, cout, 3, padding=1)]
            if inorm:
                layers.append(nn.InstanceNorm3d(cout))
            layers.append(nn.ReLU(inplace=True))
            return nn.Sequential(*layers)
        self.conv1 = unit(cin)
        self.conv2 = unit(cout)
        kaiming_convs(self.conv1)
        kaiming_convs(self.conv2)

    def forward(self, x):
        return self.conv2(self.conv1(x))


class UUp3(nn.Module):
    def __init__(self, cin, cout, inorm):
        super().__init__()
        self.conv = UConv3(cin + cout, cout, inorm)
        self.up = nn.Upsample(scale_factor=2, mode='trilinear')

    def forward(self, skip, deep):
        return self.conv(torch.cat([skip, self.up(deep)], 1))


class UNet3DBase(nn.Module):
    def __init__(self, cin, scale, inorm):
        super().__init__()
        f = [int(v / scale) for v in (64, 128, 256, 512, 1024)]
        self.f = f
        prev = cin
        for i, name in enumerate(['conv1', 'conv2', 'conv3', 'conv4']):
            setattr(self, name, UConv3(prev, f[i], inorm))
            setattr(self, f'maxpool{i + 1}', nn.MaxPool3d(2))
            prev = f[i]
        self.center = UConv3(f[3], f[4], inorm)
        for i in (4, 3, 2, 1):
            setattr(self, f'up_concat{i}', UUp3(f[i], f[i - 1], inorm))

    def encode(self, x):
        c1 = self.conv1(x)
        c2 = self.conv2(self.maxpool1(c1))
        c3 = self.conv3(self.maxpool2(c2))
        c4 = self.conv4(self.maxpool3(c3))
        return c1, c2, c3, c4, self.center(self.maxpool4(c4))


class UNet3DDS(UNet3DBase):
    def __init__(self, cin=1, ncls=14, scale=4, inorm=True):
        super().__init__(cin, scale, inorm)
        f = self.f
        for i, s in ((4, 8), (3, 4), (2, 2)):
            dsv = nn.Module()
            dsv.dsv = nn.Sequential(nn.Conv3d(f[i - 1], ncls, 1), nn.Upsample(scale_factor=s, mode='trilinear'))
            setattr(self, f'dsv{i}', dsv)
        self.dsv1 = nn.Conv3d(f[0], ncls, 1)
        for i, p in enumerate((0.5, 0.3, 0.2, 0.1)):
            setattr(self, f'dropout{i + 1}', nn.Dropout3d(p))
        kaiming_convs(self)

    def forward(self, x):
        c1, c2, c3, c4, center = self.encode(x)
        u4 = self.dropout1(self.up_concat4(c4, center))
        u3 = self.dropout2(self.up_concat3(c3, u4))
        u2 = self.dropout3(self.up_concat2(c2, u3))
        u1 = self.dropout4(self.up_concat1(c1, u2))
        return {'dsv1': self.dsv1(u1), 'dsv2': self.dsv2.dsv(u2), 'dsv3': self.dsv3.dsv(u3),
                'dsv4': self.dsv4.dsv(u4)}


class UNet3DPlain(UNet3DBase):
    def __init__(self, cin=1, ncls=14, scale=4, inorm=True):
        super().__init__(cin, scale, inorm)
        self.final = nn.Conv3d(self.f[0], ncls, 1)
        self.dropout1 = nn.Dropout(0.3)
        self.dropout2 = nn.Dropout(0.3)
        kaiming_convs(self)

    def forward(self, x):
        c1, c2, c3, c4, center = self.encode(x)
        h = self.up_concat4(c4, self.dropout1(center))
        h = self.up_concat1(c1, self.up_concat2(c2, self.up_concat3(c3, h)))
        return {'logits': self.final(self.dropout2(h))}


# ---- SKCDF ---------------------------------------------------------------------------------------

class TokenLearner(nn.Module):
    def __init__(self, dim, patch):
        super().__init__()
        self.proj = nn.Conv3d(1, dim, patch, stride=patch)
        self.map_in = nn.Sequential(nn.Conv3d(1, dim, patch, stride=patch), nn.GELU())


def psi_softmax(sim, drop):
    """InstanceNorm2d(1) without affine on each matrix, softmax over the last axis, dropout."""
    return drop(torch.softmax(F.instance_norm(sim, eps=1e-5), dim=3))


class Attn(nn.Module):
    def __init__(self, heads, c, p):
        super().__init__()
        self.heads, self.c = heads, c
        self.q = nn.Linear(c, c * heads, bias=False)
        self.k = nn.Linear(c, c * heads, bias=False)
        self.v = nn.Linear(c, c * heads, bias=False)
        self.out = nn.Linear(c * heads, c, bias=False)
        self.attn_dropout = nn.Dropout(p)
        self.proj_dropout = nn.Dropout(p)


class LocalAttn(Attn):
    """Per 2x2x2 window: rows of emb are (sample, window), 8 tokens each, C channels."""

    def __init__(self, heads, c, p, grid):
        super().__init__(heads, c, p)
        self.grid = grid

    def to_space(self, t, b, heads_axis):
        # t: [b*nw, (heads,) channels..., 8] -> [b, N, channels] with spatial order (d p1 h p2 w p3)
        gd, gh, gw = self.grid
        if heads_axis:
            t = t.reshape(b, gd, gh, gw, self.heads, self.c, 2, 2, 2).permute(0, 1, 6, 2, 7, 3, 8, 5, 4)
            return t.reshape(b, gd * gh * gw * 8, self.c * self.heads)
        ch = t.shape[1]
        t = t.reshape(b, gd, gh, gw, ch, 2, 2, 2).permute(0, 1, 5, 2, 6, 3, 7, 4)
        return t.reshape(b, gd * gh * gw * 8, ch)

    def cross(self, q_in, kv_in):
        nw = self.grid[0] * self.grid[1] * self.grid[2]
        q = self.q(q_in)  # [2 nw, 8, CH]
        k = self.k(kv_in)
        v = self.v(kv_in)
        out = []
        for r in range(2):
            rows = []
            for w in range(nw):
                qm = q[r * nw + w].t()  # [CH, 8]
                kc = torch.cat([k[w], k[nw + w]], dim=1)  # [8, 2 CH]
                vc = torch.cat([v[w], v[nw + w]], dim=1)
                rows.append((qm, kc, vc))
            qs = torch.stack([a for a, _, _ in rows]).unsqueeze(1)
            ks = torch.stack([b for _, b, _ in rows]).unsqueeze(1)
            vs = torch.stack([c.t() for _, _, c in rows]).unsqueeze(1)
            out.append((qs, ks, vs))
        qs = torch.cat([o[0] for o in out])
        ks = torch.cat([o[1] for o in out])
        vs = torch.cat([o[2] for o in out])
        a = psi_softmax(qs @ ks, self.attn_dropout)
        o = (a @ vs).squeeze(1)  # [2 nw, CH, 8]
        return self.proj_dropout(self.out(self.to_space(o, 2, False)))

    def forward(self, emb, mode):
        nw = self.grid[0] * self.grid[1] * self.grid[2]
        if mode == 'labeled':
            assert emb.shape[0] == 4 * nw
            el, eu = emb[: 2 * nw], emb[2 * nw:]
            u2l = self.cross(eu.detach(), el)
            l2u = self.cross(el, eu.detach())
            return torch.cat([l2u, u2l])
        b = emb.shape[0] // nw
        def heads_first(t, kv_last):
            t = t.reshape(b * nw, 8, self.c, self.heads)  # projection channel = c * heads + h
            return t.permute(0, 3, 1, 2) if kv_last else t.permute(0, 3, 2, 1)
        q = heads_first(self.q(emb), False)  # [b nw, H, C, 8]
        k = heads_first(self.k(emb), True)  # [b nw, H, 8, C]
        v = heads_first(self.v(emb), False)
        a = psi_softmax(q @ k, self.attn_dropout)
        return self.out(self.to_space(a @ v, b, True))


class GlobalAttn(Attn):
    def cross(self, q_in, kv_in):
        m, n, _ = q_in.shape
        q = self.q(q_in).transpose(1, 2).unsqueeze(1)  # [m, 1, CH, N]
        kcat = torch.cat(list(self.k(kv_in)), dim=1)  # [N, m CH]
        vcat = torch.cat(list(self.v(kv_in)), dim=1)
        k = kcat.unsqueeze(0).repeat(m, 1, 1).unsqueeze(1)  # [m, 1, N, m CH]
        v = vcat.unsqueeze(0).repeat(m, 1, 1).unsqueeze(1).transpose(2, 3)
        a = psi_softmax(q @ k, self.attn_dropout)
        o = (a @ v).squeeze(1).transpose(1, 2)  # [m, N, CH]
        return self.proj_dropout(self.out(o))

    def forward(self, emb, mode):
        b = emb.shape[0]
        if mode == 'labeled':
            el, eu = emb[: b // 2], emb[b // 2:]
            u2l = self.cross(eu.detach(), el)
            l2u = self.cross(el, eu.detach())
            return torch.cat([l2u, u2l])
        n = emb.shape[1]
        def split_heads(t):
            return t.reshape(b, n, self.heads, self.c).permute(0, 2, 1, 3)  # contiguous head blocks
        q = split_heads(self.q(emb)).transpose(2, 3)
        k = split_heads(self.k(emb))
        v = split_heads(self.v(emb)).transpose(2, 3)
        o = psi_softmax(q @ k, self.attn_dropout) @ v  # [b, H, C, N]
        o = o.permute(0, 3, 2, 1).reshape(b, n, self.c * self.heads)  # interleaved c * heads + h
        return self.proj_dropout(self.out(o))


class Block(nn.Module):
    def __init__(self, local, heads, c, p, bottleneck):
        super().__init__()
        self.local = local
        self.bd = bottleneck
        d, h, w = bottleneck
        if local:
            self.token_learner = TokenLearner(8, (2, 2, 2))
        else:
            self.token_learner = TokenLearner(d * h * w, tuple(bottleneck))
        self.attn_norm = nn.LayerNorm(c, eps=1e-6)
        if local:
            self.attn = LocalAttn(heads, c, p, (d // 2, h // 2, w // 2))
        else:
            self.attn = GlobalAttn(heads, c, p)
        self.ffn_norm = nn.LayerNorm(c, eps=1e-6)
        self.map_out = nn.Sequential(nn.Conv3d(c, c, 1), nn.GELU())
        for lin in (self.attn.q, self.attn.k, self.attn.v, self.attn.out):
            nn.init.xavier_uniform_(lin.weight)

    def forward(self, x, mode):
        b, c, d, h, w = x.shape
        tok = self.token_learner.proj(x.reshape(b * c, 1, d, h, w)).flatten(2).transpose(1, 2)
        if self.local:
            gd, gh, gw = d // 2, h // 2, w // 2
            res = tok.reshape(b, c, gd, gh, gw, 2, 2, 2).permute(0, 2, 5, 3, 6, 4, 7, 1).reshape(b, d * h * w, c)
            inp = tok.reshape(b, c, gd * gh * gw, 8).permute(0, 2, 3, 1).reshape(b * gd * gh * gw, 8, c)
        else:
            res = tok.reshape(b, c, d * h * w).permute(0, 2, 1)
            inp = res
        y = self.ffn_norm(self.attn(self.attn_norm(inp), mode) + res)
        return self.map_out(y.permute(0, 2, 1).reshape(b, c, d, h, w))


class SkcdfEncoder(nn.Module):
    def __init__(self, cin, f, norm, dropout):
        super().__init__()
        self.has_dropout = dropout
        add_encoder(self, cin, f, norm)
        self.dropout = nn.Dropout3d(0.5)


class SkcdfDecoder(nn.Module):
    def __init__(self, ncls, f, norm, dropout):
        super().__init__()
        self.has_dropout = dropout
        add_decoder(self, f, norm)
        self.out_conv9 = nn.Conv3d(f, ncls, 1)
        self.out_conv9_abc = nn.Conv3d(f, ncls, 1)
        self.dropout = nn.Dropout3d(0.5)

    def forward(self, feats):
        x9 = run_decoder(self, feats)
        if self.has_dropout:
            x9 = self.dropout(x9)
        return self.out_conv9(x9), self.out_conv9_abc(x9)


class SKCDF(nn.Module):
    def __init__(self, cin=1, ncls=14, f=32, norm='batchnorm', dropout=True, heads=2, p=0.1,
                 patch=(64, 128, 128)):
        super().__init__()
        self.encoder = SkcdfEncoder(cin, f, norm, dropout)
        self.decoder_l = SkcdfDecoder(ncls, f, norm, dropout)
        self.decoder_u = SkcdfDecoder(ncls, f, norm, dropout)
        bott = tuple(v // 16 for v in patch)
        self.cross_attention_local = Block(True, heads, 16 * f, p, bott)
        self.cross_attention_global = Block(False, heads, 16 * f, p, bott)

    def forward(self, x, mode):
        enc = self.encoder
        feats = run_encoder(enc, x, enc.dropout if enc.has_dropout else None)
        x5 = self.cross_attention_global(self.cross_attention_local(feats[4], mode), mode)
        dec = self.decoder_l if mode == 'labeled' else self.decoder_u
        main, abc = dec(feats[:4] + [x5])
        return {'logits': main, 'logitsAbc': abc}


# --------------------------------------------------------------------------------------------------
# Re-initialisation helpers of the training scripts
# --------------------------------------------------------------------------------------------------

def reinit(model, kind):
    for m in model.modules():
        if isinstance(m, nn.Conv3d):
            if kind == 'kaiming':
                nn.init.kaiming_normal_(m.weight)
            else:
                nn.init.xavier_normal_(m.weight)
        elif isinstance(m, nn.BatchNorm3d):
            m.weight.data.fill_(1)
            m.bias.data.zero_()
    return model


# --------------------------------------------------------------------------------------------------
# Registry mirror: build from the TS registry's option names
# --------------------------------------------------------------------------------------------------

def build(name, o):
    cin = o.get('inChannels', 1)
    norm = o.get('normalization', 'batchnorm')
    drop = o.get('hasDropout', True)
    if name == 'vnet':
        m = VNet(cin, o.get('numClasses', 14), o.get('filters', 32), norm, drop)
    elif name == 'vnet-ssnet':
        m = VNet4SSNet(cin, o.get('numClasses', 14), o.get('filters', 32), norm, drop)
    elif name == 'vnet-dst':
        m = VNetDecoupled(cin, o.get('numClasses', 14), o.get('filters', 32), norm, drop)
    elif name == 'unet3d-ds':
        m = UNet3DDS(cin, o.get('numClasses', 14), o.get('featureScale', 4), o.get('isBatchnorm', True))
    elif name == 'unet3d':
        m = UNet3DPlain(cin, o.get('numClasses', 14), o.get('featureScale', 4), o.get('isBatchnorm', True))
    elif name == 'cml-vnet':
        m = CMLVNet(cin, o.get('numClasses', 2), o.get('filters', 16), norm, drop, o.get('hasResidual', False))
    elif name == 'cml-unet2d':
        m = UNet2D(cin, o.get('numClasses', 4), tuple(o.get('featureChannels', (16, 32, 64, 128, 256))),
                   tuple(o.get('dropout', (0.05, 0.1, 0.2, 0.3, 0.5))))
    elif name == 'skcdf':
        m = SKCDF(cin, o.get('numClasses', 14), o.get('filters', 32), norm, drop, o.get('numHeads', 2),
                  o.get('attentionDropoutRate', 0.1), tuple(o.get('patchSize', (64, 128, 128))))
    else:
        raise ValueError(name)
    if o.get('init', 'default') != 'default':
        reinit(m, o['init'])
    return m


def run(name, m, x, mode=None):
    if name == 'skcdf':
        return m(x, mode)
    return m(x)


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------

def counts(m):
    params = sum(p.numel() for p in m.parameters())
    bufs = sum(b.numel() for b in m.buffers())
    return params, bufs


SPEC_COUNTS = {  # parameters stated by the specs (measured on the reference classes)
    ('vnet', 14): 37778126, ('vnet', 16): 37778192,
    ('vnet-ssnet', 14): 37914858, ('vnet-ssnet', 16): 37932336,
    ('vnet-dst', 14): 54343786, ('vnet-dst', 16): 54343984,
    ('unet3d-ds', 14): 5887432, ('unet3d-ds', 16): 5887920,
    ('unet3d', 14): 5884254, ('unet3d', 16): 5884288,
    ('cml-vnet', 2): 19724612, ('cml-unet2d', 4): 2577624,
    ('skcdf', 14): 50917320, ('skcdf', 16): 50917584,
}

PRIMES = [1, 2, 3, 5, 7, 11, 13]


def strided_pool(shape, scale, g):
    """A tensor of `shape` viewing a small random pool: element (i0..ik) = pool[sum PRIMES[k-j] i_j]."""
    if len(shape) <= 1:
        return (torch.rand(shape, generator=g) * 2 - 1) * scale
    k = len(shape) - 1
    strides = [PRIMES[k - j] for j in range(len(shape))]
    size = sum((s - 1) * st for s, st in zip(shape, strides)) + 1
    pool = (torch.rand(size, generator=g) * 2 - 1) * scale
    return pool.as_strided(tuple(shape), tuple(strides))


def test_state(m, seed):
    """State dict of pooled random weights (scaled by 1/sqrt(fan_in)), norm affine near 1 and 0."""
    g = torch.Generator().manual_seed(seed)
    modules = dict(m.named_modules())
    state = {}
    for k, t in m.state_dict().items():
        owner = modules.get(k.rsplit('.', 1)[0]) if '.' in k else m
        if k.endswith('num_batches_tracked') or k.endswith('running_mean') or k.endswith('running_var'):
            state[k] = t.clone()  # statistics: set by calibrate()
        elif t.dim() >= 2:
            transposed = isinstance(owner, (nn.ConvTranspose3d, nn.ConvTranspose2d))
            fan_in = t.shape[0] if transposed else t[0].numel()
            state[k] = strided_pool(list(t.shape), math.sqrt(3.0 / fan_in), g)
        elif k.endswith('weight'):  # normalisation affine weight
            state[k] = 1 + 0.2 * (torch.rand(t.shape, generator=g) * 2 - 1)
        else:  # biases
            state[k] = 0.1 * (torch.rand(t.shape, generator=g) * 2 - 1)
    return state


def calibrate(name, m, x, mode):
    """Sets BN running statistics to the batch statistics of `x` (one train pass, momentum 1, no dropout)."""
    bns = [mod for mod in m.modules() if isinstance(mod, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    saved = [b.momentum for b in bns]
    for b in bns:
        b.momentum = 1.0
    drops = [mod for mod in m.modules() if isinstance(mod, (nn.Dropout, nn.Dropout3d))]
    ps = [d.p for d in drops]
    for d in drops:
        d.p = 0.0
    m.train()
    with torch.no_grad():
        run(name, m, x, mode)
    for b, mom in zip(bns, saved):
        b.momentum = mom
        # tiny batches give near-zero variances that would amplify the small train/eval differences
        b.running_var.clamp_(min=0.25)
    for d, p in zip(drops, ps):
        d.p = p


def formula_input(shape):
    n = math.prod(shape)
    k = torch.arange(n, dtype=torch.float64)
    return (torch.remainder(k * 7919 + 13, 10007) / 10007 - 0.5).float().reshape(shape)


def out_summary(t, limit=1024):
    """Sums and a strided sample (prime stride) of an output; the sample is stored as a tensor."""
    flat = t.detach().reshape(-1).double()
    n = flat.numel()
    stride = 1
    if n > limit:
        stride = math.ceil(n / limit)
        while any(stride % p == 0 for p in range(2, int(stride ** 0.5) + 1)):
            stride += 1
    sample = t.detach().reshape(-1)[::stride].clone()
    info = {'shape': list(t.shape), 'sum': g12(flat.sum().item()), 'sumSq': g12((flat * flat).sum().item()),
            'sumAbs': g12(flat.abs().sum().item()), 'stride': stride}
    return info, sample


def g12(v):
    return float(f'{v:.12g}')


def checksums(m):
    """Per parameter [sum, sum of squares] in float64 (after seeded construction)."""
    out = {}
    for k, t in m.named_parameters():
        f = t.detach().double().reshape(-1)
        out[k] = [g12(f.sum().item()), g12((f * f).sum().item())]
    return out


CASES = [
    # name, options, input shape, modes (skcdf), init check
    {'id': 'vnet', 'name': 'vnet', 'options': {'filters': 4, 'numClasses': 3}, 'input': [1, 1, 16, 16, 32]},
    {'id': 'vnet_none', 'name': 'vnet', 'options': {'filters': 2, 'numClasses': 2, 'normalization': 'none'},
     'input': [1, 1, 16, 16, 16]},
    {'id': 'vnet_instancenorm', 'name': 'vnet',
     'options': {'filters': 2, 'numClasses': 2, 'normalization': 'instancenorm', 'init': 'kaiming'},
     'input': [1, 1, 16, 16, 32]},
    {'id': 'vnet_ssnet', 'name': 'vnet-ssnet', 'options': {'filters': 4, 'numClasses': 3}, 'input': [1, 1, 16, 16, 32]},
    {'id': 'vnet_dst', 'name': 'vnet-dst', 'options': {'filters': 4, 'numClasses': 3, 'init': 'xavier'},
     'input': [1, 1, 16, 16, 32]},
    {'id': 'unet3d_ds', 'name': 'unet3d-ds', 'options': {'featureScale': 16, 'numClasses': 3},
     'input': [1, 1, 16, 16, 32]},
    {'id': 'unet3d', 'name': 'unet3d', 'options': {'featureScale': 16, 'numClasses': 3}, 'input': [1, 1, 16, 16, 32]},
    {'id': 'cml_vnet', 'name': 'cml-vnet', 'options': {'filters': 4, 'numClasses': 2}, 'input': [1, 1, 16, 16, 32]},
    {'id': 'cml_vnet_residual', 'name': 'cml-vnet', 'options': {'filters': 2, 'numClasses': 2, 'hasResidual': True},
     'input': [1, 1, 16, 16, 32]},
    {'id': 'cml_unet2d', 'name': 'cml-unet2d', 'options': {'featureChannels': [4, 8, 8, 16, 16], 'numClasses': 4},
     'input': [2, 1, 32, 48]},
    {'id': 'skcdf', 'name': 'skcdf', 'options': {'filters': 2, 'numClasses': 3, 'patchSize': [32, 32, 64]},
     'input': [4, 1, 32, 32, 64], 'modes': ['unlabeled', 'labeled']},
    {'id': 'skcdf_patch', 'name': 'skcdf', 'options': {'filters': 1, 'numClasses': 2, 'init': 'xavier'},
     'input': [2, 1, 64, 128, 128], 'modes': ['unlabeled']},
]


def summarize(prefix, res, outputs, tensors):
    for k, t in res.items():
        info, sample = out_summary(t)
        outputs[f'{prefix}.{k}'] = info
        tensors[f'{prefix}.{k}'] = sample


def make_case(case):
    name, o = case['name'], case['options']
    modes = case.get('modes', [None])
    # 1. seeded construction (and init helper): checksums of every tensor
    torch.manual_seed(1234)
    m = build(name, o)
    entry = {'id': case['id'], 'name': name, 'options': o, 'input': case['input'], 'initSeed': 1234,
             'init': checksums(m)}
    entry['numParameters'], entry['numBuffers'] = counts(m)
    # 2. pooled weights and BN statistics calibrated on the input: the stored state dict
    x = formula_input(case['input'])
    pooled = test_state(m, 7)
    m.load_state_dict(pooled)
    calibrate(name, m, x, 'unlabeled' if name == 'skcdf' else None)
    dense = m.state_dict()
    stored = {k: (v if v.dim() >= 2 and not k.endswith(('running_mean', 'running_var')) else dense[k].clone())
              for k, v in pooled.items()}
    state = {k: v.clone() for k, v in dense.items()}
    tensors = {f'state.{k}': v for k, v in stored.items()}
    outputs = {}
    for mode in modes:
        tag = mode or 'net'
        if mode != 'labeled':  # SKCDF's labeled mode exists in training mode only
            m.eval()
            with torch.no_grad():
                summarize(f'eval.{tag}', run(name, m, x[:1] if mode == 'unlabeled' else x, mode), outputs, tensors)
        # training mode, seeded dropout; BN statistics move (restored afterwards)
        m.train()
        torch.manual_seed(99)
        with torch.no_grad():
            summarize(f'train.{tag}', run(name, m, x[:2] if mode == 'unlabeled' else x, mode), outputs, tensors)
        outputs[f'train.{tag}.bufferSums'] = {k: g12(v.double().sum().item()) for k, v in m.state_dict().items()
                                              if k.endswith(('running_mean', 'running_var'))}
        m.load_state_dict(state)
    entry['outputs'] = outputs
    return m, entry, tensors, x


def grad_weights(n, phase):
    k = torch.arange(n, dtype=torch.float64)
    return torch.cos(0.1 * k + phase).float()


def extra_ssnet(m, entry, tensors, x):
    """SS-Net heads on the embedding voxels: train mode (BN1d batch statistics), then eval mode."""
    m.eval()
    with torch.no_grad():
        emb = m(x)['embedding']
        feats = emb.permute(0, 2, 3, 4, 1).reshape(-1, emb.shape[1]).contiguous()
        m.train()
        proj = m.projection_head(feats)
        res = {'proj': proj, 'pred': m.prediction_head(proj), 'selector0': m.contrastive_class_selector_0(proj),
               'memory1': m.contrastive_class_selector_memory1(proj)}
        m.eval()
        res['projEval'] = m.projection_head(feats)
    summarize('heads', res, entry['outputs'], tensors)


def extra_grad(m, entry, tensors, x, mode, loss_of, params, setup=None):
    """Input and parameter gradients of a fixed weighted sum of the outputs."""
    state = {k: v.clone() for k, v in m.state_dict().items()}
    if mode == 'labeled':
        m.train()
        torch.manual_seed(5)
    else:
        m.eval()
    if setup is not None:
        setup(m)
    xg = x.clone().requires_grad_(True)
    res = run(entry['name'], m, xg, mode)
    loss = loss_of(res)
    loss.backward()
    grads = {'input': xg.grad}
    named = dict(m.named_parameters())
    for p in params:
        grads[p] = named[p].grad
    summarize('grad', grads, entry['outputs'], tensors)
    entry['outputs']['grad.loss'] = g12(loss.item())
    m.zero_grad(set_to_none=True)
    m.load_state_dict(state)


def weighted(res, keys):
    total = 0
    for i, k in enumerate(keys):
        t = res[k]
        total = total + (t * grad_weights(t.numel(), 0.3 * i).reshape(t.shape)).sum()
    return total


def extra_dst(m, entry, tensors, x):
    def setup(mm):
        mm.decoder_worst.grl_layer.iter_num = 250
    extra_grad(m, entry, tensors, x, None, lambda r: weighted(r, ['main', 'worst']),
               ['block_one.conv.0.weight', 'decoder_worst.head.weight', 'decoder.block_nine.conv.0.weight'], setup)


def extra_skcdf(m, entry, tensors, x):
    extra_grad(m, entry, tensors, x, 'labeled', lambda r: weighted(r, ['logits', 'logitsAbc']),
               ['encoder.block_one.conv.0.weight', 'cross_attention_local.attn.q.weight',
                'cross_attention_global.attn.k.weight', 'cross_attention_global.token_learner.proj.weight',
                'decoder_l.out_conv9_abc.weight'])


EXTRA = {'vnet_ssnet': extra_ssnet, 'vnet_dst': extra_dst, 'skcdf': extra_skcdf}


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {'full': [], 'cases': []}
    # full-size networks: parameter counts (asserted against the specs), buffers, keys and shapes
    for (name, ncls), expected in SPEC_COUNTS.items():
        m = build(name, {'numClasses': ncls})
        p, b = counts(m)
        assert p == expected, (name, ncls, p, expected)
        item = {'name': name, 'options': {'numClasses': ncls}, 'numParameters': p, 'numBuffers': b}
        if ncls in (14, 2, 4):
            item['state'] = [[k, list(v.shape)] for k, v in m.state_dict().items()]
        meta['full'].append(item)
        del m
    for case in CASES:
        m, entry, tensors, x = make_case(case)
        extra = EXTRA.get(case['id'])
        if extra is not None:
            extra(m, entry, tensors, x)
        meta['cases'].append(entry)
        path = os.path.join(OUT, case['id'] + '.pt')
        torch.save(tensors, path)
        scale = {k: round(v['sumAbs'] / math.prod(v['shape']), 4) for k, v in entry['outputs'].items()
                 if isinstance(v, dict) and 'sumAbs' in v}
        print(f"{case['id']}: {entry['numParameters']} parameters, {os.path.getsize(path)} bytes, mean |out| {scale}")
    with open(os.path.join(OUT, 'models.json'), 'w') as fh:
        json.dump(meta, fh, indent=None, separators=(',', ':'))
        fh.write('\n')
    print('models.json', os.path.getsize(os.path.join(OUT, 'models.json')), 'bytes')

if __name__ == '__main__':
    main()
