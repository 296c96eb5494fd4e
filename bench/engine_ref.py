#!/usr/bin/python3
"""Reference side of bench/engine.ts: the same work in PyTorch, driven line by line over stdin.

Commands: `conv K` runs K SGD steps of the conv net and prints their times and losses as JSON;
`add N` times N tiny adds and prints seconds per add.
"""
import json
import os
import sys
import time

import torch
import torch.nn as nn

torch.set_num_threads(int(os.environ.get("THREADS", os.cpu_count() or 1)))


def block(i, o):
    return [nn.Conv3d(i, o, 3, padding=1), nn.BatchNorm3d(o), nn.ReLU()]


torch.manual_seed(0)
net = nn.Sequential(*block(1, 16), *block(16, 16), *block(16, 16), nn.Conv3d(16, 2, 3, padding=1))
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
torch.manual_seed(1)
x = torch.randn(2, 1, 32, 64, 64)
y = torch.randint(0, 2, (2, 32, 64, 64))
a = torch.tensor([1.0])
b = torch.tensor([2.0])
print(json.dumps({"ready": True, "threads": torch.get_num_threads()}), flush=True)
for line in sys.stdin:
    cmd, n = line.split()
    n = int(n)
    if cmd == "conv":
        times, losses = [], []
        for _ in range(n):
            t = time.perf_counter()
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
            times.append(time.perf_counter() - t)
        print(json.dumps({"times": times, "losses": losses}), flush=True)
    elif cmd == "add":
        t = time.perf_counter()
        for _ in range(n):
            a + b
        print(json.dumps({"perOp": (time.perf_counter() - t) / n}), flush=True)
