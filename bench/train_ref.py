#!/usr/bin/python3
"""Reference side of bench/train.ts: one DHC training iteration in PyTorch, driven over stdin.

Two VNets (32 filters, 14 classes; the PyTorch re-implementation in scripts/golden/models.py),
Kaiming re-initialised; 2 labeled + 2 unlabeled patches; DiffDW (A) and DistDW (B) weights; weighted
CE + weighted soft Dice supervised losses and weighted CE pseudo-label losses; one backward; SGD
(Nesterov, momentum 0.9, weight decay 3e-5) on each net. `step K` runs K iterations and prints their
times and losses as JSON.
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts', 'golden'))
from models import VNet, reinit  # noqa: E402

torch.set_num_threads(int(os.environ.get('THREADS', os.cpu_count() or 1)))
C = 14
EPS = 1e-8
PATCH = [int(v) for v in os.environ.get('PATCH', '32,64,64').split(',')]


class DiffDW:
    def __init__(self, c, k=50):
        self.m = (k - 1) / k
        self.last = torch.full((c,), EPS)
        self.learn = torch.zeros(c)
        self.unlearn = torch.zeros(c)
        self.dw = torch.ones(c)
        self.c = c

    def update(self, logits, y):
        pred = logits.detach().argmax(1).flatten()
        joint = torch.bincount(pred * self.c + y.flatten(), minlength=self.c * self.c).view(self.c, self.c)
        tp = joint.diagonal().float()
        fp = joint.sum(1).float() - tp
        fn = joint.sum(0).float() - tp
        d = (2 * tp + EPS) / (2 * tp + fp + fn + 2 * EPS)
        delta = d - self.last
        gain = delta * torch.log(d / self.last)
        up = delta > 0
        self.learn = self.m * self.learn + (1 - self.m) * torch.where(up, gain, torch.zeros_like(gain))
        self.unlearn = self.m * self.unlearn + (1 - self.m) * torch.where(up, torch.zeros_like(gain), gain)
        self.last = d
        diff = ((self.unlearn + EPS) / (self.learn + EPS)) ** 0.2
        self.dw = self.m * self.dw + (1 - self.m) * (1 - d)
        v = diff * self.dw
        return self.c * v / v.max()


def dist_weights(n):
    r = (n.max() + EPS) / (n + EPS)
    l = torch.log(r)
    return len(n) * l / l.max()


class DistDW:
    def __init__(self, counts, beta=0.99):
        self.w = dist_weights(counts.float())
        self.beta = beta

    def update(self, logits):
        n = torch.bincount(logits.detach().argmax(1).flatten(), minlength=C).float()
        self.w = self.beta * self.w + (1 - self.beta) * dist_weights(n)
        return self.w


def wdice(z, y, w):
    p = z.softmax(1)
    oh = F.one_hot(y, C).permute(0, 4, 1, 2, 3).float()
    axes = [0, 2, 3, 4]
    tp = (p * oh).sum(axes)
    fp = p.sum(axes) - tp
    fn = oh.sum(axes) - tp
    d = (2 * tp + 1) / (2 * tp + fp + fn + 1 + 1e-8)
    return -(d * w)[1:].mean()


torch.manual_seed(0)
A = reinit(VNet(1, C, 32), 'kaiming')
B = reinit(VNet(1, C, 32), 'kaiming')
optA = torch.optim.SGD(A.parameters(), lr=0.03, momentum=0.9, weight_decay=3e-5, nesterov=True)
optB = torch.optim.SGD(B.parameters(), lr=0.03, momentum=0.9, weight_decay=3e-5, nesterov=True)
torch.manual_seed(1)
xl = torch.randn(2, 1, *PATCH)
xu = torch.randn(2, 1, *PATCH)
yl = torch.randint(0, C, (2, *PATCH))
diff = DiffDW(C)
dist = DistDW(torch.bincount(yl.flatten(), minlength=C))
lam = 0.1
print(json.dumps({'ready': True, 'threads': torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    cmd, n = line.split()
    times, losses = [], []
    for _ in range(int(n)):
        t = time.perf_counter()
        optA.zero_grad()
        optB.zero_grad()
        x = torch.cat([xl, xu], 0)
        zA = A(x)['logits']
        zB = B(x)['logits']
        qA = zA.detach().argmax(1)
        qB = zB.detach().argmax(1)
        wA = diff.update(zA[:2], yl)
        wB = dist.update(zB[2:])
        sup = F.cross_entropy(zA[:2], yl, weight=wA) + wdice(zA[:2], yl, wA) + \
            F.cross_entropy(zB[:2], yl, weight=wB) + wdice(zB[:2], yl, wB)
        cps = F.cross_entropy(zA, qB, weight=wA) + F.cross_entropy(zB, qA, weight=wB)
        loss = sup + lam * cps
        loss.backward()
        optA.step()
        optB.step()
        losses.append(loss.item())
        times.append(time.perf_counter() - t)
    print(json.dumps({'times': times, 'losses': losses}), flush=True)
