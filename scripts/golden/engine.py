#!/usr/bin/python3
"""Golden values for the engine tests, computed by PyTorch (Debian's python3-torch 1.13).

Run from the repository root:  /usr/bin/python3 scripts/golden/engine.py
Writes test/fixtures/engine/*.pt (read by semiseg's own loader, which the tests thereby also check)
and *.json (configs and plain numbers). `--verify-ts FILE` checks a file written by semiseg with
torch.load and prints what it holds.
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn

torch.set_num_threads(2)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'engine')

# Each layer: a constructor kind with arguments, an input shape, a seed for init and forward.
LAYERS = [
    {"name": "conv3d", "kind": "Conv3d", "args": [2, 3, 3], "opts": {"padding": 1}, "input": [2, 2, 5, 6, 7]},
    {"name": "conv3d_stride_nobias", "kind": "Conv3d", "args": [2, 4, 2], "opts": {"stride": 2, "bias": False}, "input": [1, 2, 6, 6, 6]},
    {"name": "conv2d", "kind": "Conv2d", "args": [3, 4, 3], "opts": {"padding": 1}, "input": [2, 3, 8, 9]},
    {"name": "conv2d_dilated_groups", "kind": "Conv2d", "args": [4, 4, 3], "opts": {"padding": 2, "dilation": 2, "groups": 2}, "input": [1, 4, 7, 7]},
    {"name": "convtranspose3d", "kind": "ConvTranspose3d", "args": [4, 2, 2], "opts": {"stride": 2}, "input": [1, 4, 3, 4, 5]},
    {"name": "convtranspose2d", "kind": "ConvTranspose2d", "args": [3, 2, 3], "opts": {"stride": 2, "padding": 1, "outputPadding": 1}, "input": [2, 3, 4, 5]},
    {"name": "batchnorm3d_train", "kind": "BatchNorm3d", "args": [3], "opts": {}, "input": [2, 3, 4, 5, 6]},
    {"name": "batchnorm3d_eval", "kind": "BatchNorm3d", "args": [3], "opts": {}, "input": [2, 3, 4, 5, 6], "eval": True, "randomBuffers": True},
    {"name": "batchnorm2d_train", "kind": "BatchNorm2d", "args": [4], "opts": {"momentum": 0.2}, "input": [3, 4, 5, 6]},
    {"name": "instancenorm3d", "kind": "InstanceNorm3d", "args": [3], "opts": {}, "input": [2, 3, 4, 5, 6]},
    {"name": "instancenorm3d_affine", "kind": "InstanceNorm3d", "args": [3], "opts": {"affine": True}, "input": [2, 3, 4, 5, 6], "randomParams": True},
    {"name": "groupnorm", "kind": "GroupNorm", "args": [2, 4], "opts": {}, "input": [2, 4, 3, 4, 5], "randomParams": True},
    {"name": "relu", "kind": "ReLU", "args": [], "opts": {}, "input": [2, 3, 4, 5]},
    {"name": "leakyrelu", "kind": "LeakyReLU", "args": [0.2], "opts": {}, "input": [2, 3, 4, 5]},
    {"name": "prelu", "kind": "PReLU", "args": [3], "opts": {}, "input": [2, 3, 4, 5]},
    {"name": "dropout", "kind": "Dropout", "args": [0.3], "opts": {}, "input": [4, 10]},
    {"name": "dropout2d", "kind": "Dropout2d", "args": [0.5], "opts": {}, "input": [2, 6, 3, 3]},
    {"name": "dropout3d", "kind": "Dropout3d", "args": [0.5], "opts": {}, "input": [2, 6, 2, 3, 3]},
    {"name": "maxpool3d", "kind": "MaxPool3d", "args": [2], "opts": {}, "input": [1, 2, 4, 6, 6]},
    {"name": "maxpool2d_padded", "kind": "MaxPool2d", "args": [3, 2, 1], "opts": {}, "input": [2, 2, 7, 8]},
    {"name": "upsample_trilinear", "kind": "Upsample", "args": [], "opts": {"scaleFactor": 2, "mode": "trilinear"}, "input": [1, 2, 3, 4, 5]},
    {"name": "upsample_trilinear_size_aligned", "kind": "Upsample", "args": [], "opts": {"size": [5, 7, 9], "mode": "trilinear", "alignCorners": True}, "input": [1, 2, 3, 4, 5]},
    {"name": "upsample_nearest3d", "kind": "Upsample", "args": [], "opts": {"scaleFactor": 2, "mode": "nearest"}, "input": [1, 2, 2, 3, 4]},
    {"name": "upsample_bilinear", "kind": "Upsample", "args": [], "opts": {"scaleFactor": 2, "mode": "bilinear", "alignCorners": True}, "input": [2, 2, 3, 4]},
    {"name": "linear", "kind": "Linear", "args": [5, 3], "opts": {}, "input": [4, 5]},
    {"name": "sequential", "kind": "Sequential", "args": [], "opts": {}, "input": [2, 1, 4, 4, 4]},
]


def build(cfg):
    k, a, o = cfg["kind"], cfg["args"], cfg["opts"]
    if k in ("Conv3d", "Conv2d", "ConvTranspose3d", "ConvTranspose2d"):
        kw = {}
        for src, dst in (("stride", "stride"), ("padding", "padding"), ("dilation", "dilation"),
                         ("groups", "groups"), ("bias", "bias"), ("outputPadding", "output_padding")):
            if src in o:
                kw[dst] = o[src]
        return getattr(nn, k)(*a, **kw)
    if k in ("BatchNorm3d", "BatchNorm2d"):
        return getattr(nn, k)(*a, **({"momentum": o["momentum"]} if "momentum" in o else {}))
    if k == "InstanceNorm3d":
        return nn.InstanceNorm3d(*a, affine=o.get("affine", False))
    if k == "GroupNorm":
        return nn.GroupNorm(*a)
    if k == "ReLU":
        return nn.ReLU()
    if k == "LeakyReLU":
        return nn.LeakyReLU(*a)
    if k == "PReLU":
        return nn.PReLU(*a)
    if k in ("Dropout", "Dropout2d", "Dropout3d"):
        return getattr(nn, k)(*a)
    if k == "MaxPool3d":
        return nn.MaxPool3d(*a)
    if k == "MaxPool2d":
        return nn.MaxPool2d(*a)
    if k == "Upsample":
        kw = {"mode": o["mode"]}
        if "scaleFactor" in o:
            kw["scale_factor"] = o["scaleFactor"]
        if "size" in o:
            kw["size"] = tuple(o["size"])
        if "alignCorners" in o:
            kw["align_corners"] = o["alignCorners"]
        return nn.Upsample(**kw)
    if k == "Linear":
        return nn.Linear(*a)
    if k == "Sequential":
        return nn.Sequential(nn.Conv3d(1, 4, 3, padding=1), nn.BatchNorm3d(4), nn.ReLU(), nn.Conv3d(4, 2, 1))
    raise ValueError(k)


def layers():
    out = {}
    meta = []
    for i, cfg in enumerate(LAYERS):
        n = cfg["name"]
        seed = 1000 + i
        cfg = dict(cfg, seed=seed)
        torch.manual_seed(seed)
        m = build(cfg)
        for pname, p in m.named_parameters():
            out[f"{n}.init.{pname}"] = p.detach().clone()
        gen = torch.Generator().manual_seed(seed + 7)
        with torch.no_grad():
            if cfg.get("randomParams"):
                for p in m.parameters():
                    p.copy_(torch.randn(p.shape, generator=gen))
            if cfg.get("randomBuffers"):
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=gen))
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) + 0.5)
        for k, v in m.state_dict().items():
            out[f"{n}.state.{k}"] = v.clone()
        if cfg.get("eval"):
            m.eval()
        x = torch.randn(cfg["input"], generator=gen).requires_grad_(True)
        torch.manual_seed(seed + 1)
        y = m(x)
        gy = torch.randn(y.shape, generator=gen)
        (y * gy).sum().backward()
        out[f"{n}.x"] = x.detach()
        out[f"{n}.gy"] = gy
        out[f"{n}.y"] = y.detach()
        out[f"{n}.gx"] = x.grad
        for pname, p in m.named_parameters():
            out[f"{n}.grad.{pname}"] = p.grad
        for bname, b in m.named_buffers():
            out[f"{n}.after.{bname}"] = b.clone()
        cfg["numParameters"] = sum(p.numel() for p in m.parameters())
        cfg["stateKeys"] = list(m.state_dict().keys())
        meta.append(cfg)
    torch.save(out, os.path.join(OUT, "layers.pt"))
    with open(os.path.join(OUT, "layers.json"), "w") as f:
        json.dump(meta, f, indent=1)


def init_stats():
    """Initialisers on larger tensors: exact values for a seed, plus summary statistics."""
    cases = [
        {"name": "kaiming_uniform_default", "shape": [32, 16, 3, 3, 3]},
        {"name": "kaiming_normal_relu", "shape": [32, 16, 3, 3, 3]},
        {"name": "kaiming_normal_fanout", "shape": [16, 8, 3, 3]},
        {"name": "xavier_uniform", "shape": [64, 32]},
        {"name": "xavier_normal_gain", "shape": [64, 32, 3]},
        {"name": "conv3d_default", "shape": [32, 16, 3, 3, 3]},
        {"name": "convtranspose3d_default", "shape": [16, 32, 2, 2, 2]},
        {"name": "linear_default", "shape": [128, 64]},
    ]
    out = {}
    for i, c in enumerate(cases):
        torch.manual_seed(2000 + i)
        n = c["name"]
        if n == "conv3d_default":
            m = nn.Conv3d(16, 32, 3)
            w, b = m.weight.detach(), m.bias.detach()
            out[n + ".bias"] = b.clone()
        elif n == "convtranspose3d_default":
            m = nn.ConvTranspose3d(16, 32, 2)
            w, b = m.weight.detach(), m.bias.detach()
            out[n + ".bias"] = b.clone()
        elif n == "linear_default":
            m = nn.Linear(64, 128)
            w, b = m.weight.detach(), m.bias.detach()
            out[n + ".bias"] = b.clone()
        else:
            w = torch.empty(c["shape"])
            if n == "kaiming_uniform_default":
                nn.init.kaiming_uniform_(w)
            elif n == "kaiming_normal_relu":
                nn.init.kaiming_normal_(w, nonlinearity="relu")
            elif n == "kaiming_normal_fanout":
                nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
            elif n == "xavier_uniform":
                nn.init.xavier_uniform_(w)
            elif n == "xavier_normal_gain":
                nn.init.xavier_normal_(w, gain=nn.init.calculate_gain("tanh"))
        out[n + ".weight"] = w.clone()
        c["seed"] = 2000 + i
        c["mean"] = w.mean().item()
        c["std"] = w.std().item()
        c["min"] = w.min().item()
        c["max"] = w.max().item()
    torch.save(out, os.path.join(OUT, "init.pt"))
    with open(os.path.join(OUT, "init.json"), "w") as f:
        json.dump(cases, f, indent=1)


def small_net():
    return nn.Sequential(nn.Conv3d(1, 4, 3, padding=1), nn.BatchNorm3d(4), nn.ReLU(), nn.Conv3d(4, 3, 1))


OPTIMS = [
    {"name": "sgd_plain", "opt": "SGD", "lr": 0.1, "sched": None},
    {"name": "sgd_nesterov_wd_poly", "opt": "SGD", "lr": 0.05, "momentum": 0.9, "nesterov": True,
     "weightDecay": 1e-4, "sched": {"kind": "PolynomialLR", "totalIters": 20, "power": 0.9}},
    {"name": "sgd_dampening_step", "opt": "SGD", "lr": 0.05, "momentum": 0.9, "dampening": 0.1,
     "sched": {"kind": "StepLR", "stepSize": 5, "gamma": 0.5}},
    {"name": "adam_cosine", "opt": "Adam", "lr": 0.01, "sched": {"kind": "CosineAnnealingLR", "tMax": 10, "etaMin": 1e-4}},
    {"name": "adam_wd_amsgrad", "opt": "Adam", "lr": 0.01, "weightDecay": 1e-3, "amsgrad": True, "sched": None},
    {"name": "adamw", "opt": "AdamW", "lr": 0.01, "weightDecay": 0.05, "betas": [0.8, 0.99], "sched": None},
]


def optimizers():
    gen = torch.Generator().manual_seed(77)
    x = torch.randn([2, 1, 4, 6, 6], generator=gen)
    target = torch.randint(0, 3, [2, 4, 6, 6], generator=gen)
    out = {"x": x, "target": target}
    torch.manual_seed(5)
    init = {k: v.clone() for k, v in small_net().state_dict().items()}
    for k, v in init.items():
        out["init." + k] = v
    meta = []
    for c in OPTIMS:
        net = small_net()
        net.load_state_dict(init)
        p = net.parameters()
        if c["opt"] == "SGD":
            opt = torch.optim.SGD(p, lr=c["lr"], momentum=c.get("momentum", 0), dampening=c.get("dampening", 0),
                                  weight_decay=c.get("weightDecay", 0), nesterov=c.get("nesterov", False))
        elif c["opt"] == "Adam":
            opt = torch.optim.Adam(p, lr=c["lr"], weight_decay=c.get("weightDecay", 0), amsgrad=c.get("amsgrad", False))
        else:
            opt = torch.optim.AdamW(p, lr=c["lr"], weight_decay=c["weightDecay"], betas=tuple(c["betas"]))
        s = c["sched"]
        sched = None
        if s and s["kind"] == "PolynomialLR":
            sched = torch.optim.lr_scheduler.PolynomialLR(opt, total_iters=s["totalIters"], power=s["power"])
        elif s and s["kind"] == "StepLR":
            sched = torch.optim.lr_scheduler.StepLR(opt, step_size=s["stepSize"], gamma=s["gamma"])
        elif s and s["kind"] == "CosineAnnealingLR":
            sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=s["tMax"], eta_min=s["etaMin"])
        losses, lrs = [], []
        for step in range(20):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(x), target)
            loss.backward()
            opt.step()
            if sched:
                sched.step()
            losses.append(loss.item())
            lrs.append(opt.param_groups[0]["lr"])
        for k, v in net.state_dict().items():
            out[c["name"] + ".final." + k] = v.clone()
        c = dict(c, losses=losses, lrs=lrs)
        meta.append(c)
    torch.save(out, os.path.join(OUT, "optim.pt"))
    with open(os.path.join(OUT, "optim.json"), "w") as f:
        json.dump(meta, f, indent=1)


def pickles():
    """Files as Python writes them: an nn state_dict (OrderedDict with _metadata) and a mixed dict."""
    torch.manual_seed(9)
    net = small_net()
    torch.save(net.state_dict(), os.path.join(OUT, "py_state_dict.pt"))
    expect = {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                  "sum": float(v.double().sum()), "first": float(v.flatten()[0]) if v.numel() else None}
              for k, v in net.state_dict().items()}
    mixed = {
        "f32": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4,
        "f64": torch.tensor([1.5, -2.25], dtype=torch.float64),
        "i64": torch.tensor([[1, -2], [3, 2**40]], dtype=torch.int64),
        "i32": torch.tensor([7, -8], dtype=torch.int32),
        "u8": torch.tensor([0, 255, 3], dtype=torch.uint8),
        "b": torch.tensor([True, False, True]),
        "f16": torch.tensor([0.5, -1.0, 65504.0], dtype=torch.float16),
        "noncontig": torch.arange(12, dtype=torch.float32).reshape(3, 4).t(),
        "scalar": torch.tensor(3.25),
        "empty": torch.zeros(0, 3),
    }
    torch.save(mixed, os.path.join(OUT, "py_mixed.pt"))
    mixed_expect = {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                        "values": [float(x) for x in v.flatten().tolist()]} for k, v in mixed.items()}
    with open(os.path.join(OUT, "pickles.json"), "w") as f:
        json.dump({"stateDict": expect, "mixed": mixed_expect}, f, indent=1)


def verify_ts(path):
    """Asserts that torch.load reads the file semiseg wrote (scripts/golden/ts-written.ts) exactly."""
    d = torch.load(path)
    expect = {
        "weight": (torch.arange(24, dtype=torch.float32) / 8).reshape(2, 3, 4),
        "bias": torch.tensor([-1.5, 2.5], dtype=torch.float64),
        "count": torch.tensor([5, -7, 2**40], dtype=torch.int64),
        "mask": torch.tensor([True, False, True]),
        "half": torch.tensor([0.5, -2, 1024], dtype=torch.float16),
        "layer.0.running_mean": torch.tensor([[0.25, 0.5], [0.75, 1.0]]),
    }
    assert isinstance(d, dict) and list(d.keys()) == list(expect.keys()), list(d.keys())
    for k, v in expect.items():
        assert d[k].dtype == v.dtype and torch.equal(d[k], v), k
    print("torch.load read", path, "exactly:", ", ".join(f"{k} {tuple(v.shape)} {v.dtype}" for k, v in d.items()))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--verify-ts":
        verify_ts(sys.argv[2])
        sys.exit(0)
    os.makedirs(OUT, exist_ok=True)
    layers()
    init_stats()
    optimizers()
    pickles()
    print("wrote", os.path.abspath(OUT))
