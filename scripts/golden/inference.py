#!/usr/bin/python3
"""Golden values for the inference tests, computed with PyTorch 1.13, numpy and scipy (Debian's python3).

Run from the repository root:  /usr/bin/python3 scripts/golden/inference.py
Writes test/fixtures/inference/inference.pt (tensors, read by semiseg's loader) and inference.json (sizes and
index lists). The reference procedures are re-implemented here with the seeds' loops, as described in
spec/cml.md §7.1-7.2 (UA-MT style `test_single_case` with padding, ACDC slice-by-slice with scipy zoom) and
spec/dhc.md §7 (two-net logit averaging), and nnU-Net v2's `compute_gaussian` (scipy gaussian_filter of an
impulse). The tests need no Python.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from scipy.ndimage import gaussian_filter, zoom

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'inference')


def test_single_case(image, nets, patch, stride, num_classes):
    """UA-MT / CML `test_single_case` (one channel, (D, H, W) here), nets' logits averaged then softmax."""
    d, h, w = image.shape
    pads = []
    for size, p in zip(image.shape, patch):
        deficit = max(p - size, 0)
        pads.append((deficit // 2, deficit - deficit // 2))
    image = np.pad(image, pads, mode='constant', constant_values=0)
    dd, hh, ww = image.shape
    sx = math.ceil((dd - patch[0]) / stride[0]) + 1
    sy = math.ceil((hh - patch[1]) / stride[1]) + 1
    sz = math.ceil((ww - patch[2]) / stride[2]) + 1
    score = np.zeros((num_classes,) + image.shape, dtype=np.float32)
    cnt = np.zeros(image.shape, dtype=np.float32)
    starts = []
    for x in range(sx):
        xs = min(stride[0] * x, dd - patch[0])
        for y in range(sy):
            ys = min(stride[1] * y, hh - patch[1])
            for z in range(sz):
                zs = min(stride[2] * z, ww - patch[2])
                starts.append([xs, ys, zs])
                win = image[xs:xs + patch[0], ys:ys + patch[1], zs:zs + patch[2]]
                t = torch.from_numpy(np.ascontiguousarray(win)).float()[None, None]
                with torch.no_grad():
                    logits = sum(net(t) for net in nets) / len(nets)
                    prob = F.softmax(logits, dim=1)[0].numpy()
                score[:, xs:xs + patch[0], ys:ys + patch[1], zs:zs + patch[2]] += prob
                cnt[xs:xs + patch[0], ys:ys + patch[1], zs:zs + patch[2]] += 1
    score = score / cnt[None]
    labels = np.argmax(score, axis=0)
    score = score[:, pads[0][0]:pads[0][0] + d, pads[1][0]:pads[1][0] + h, pads[2][0]:pads[2][0] + w]
    labels = labels[pads[0][0]:pads[0][0] + d, pads[1][0]:pads[1][0] + h, pads[2][0]:pads[2][0] + w]
    return score, labels, starts, pads


def nnunet_gaussian(tile, sigma_scale):
    """nnU-Net v2 `compute_gaussian` in float64 (before its cast), zeros replaced by the smallest value."""
    tmp = np.zeros(tile)
    tmp[tuple(i // 2 for i in tile)] = 1
    g = gaussian_filter(tmp, [i * sigma_scale for i in tile], 0, mode='constant', cval=0)
    g = g / g.max()
    g[g == 0] = g[g != 0].min()
    return g


def acdc_volume(image, nets, size):
    """CML `test_ACDC.py` per slice: zoom (order 0) to size, argmax softmax of mean logits, zoom back."""
    pred = np.zeros(image.shape, dtype=np.int64)
    for ind in range(image.shape[0]):
        sl = image[ind]
        x, y = sl.shape
        sl = zoom(sl, (size / x, size / y), order=0)
        t = torch.from_numpy(sl).float()[None, None]
        with torch.no_grad():
            logits = sum(net(t) for net in nets) / len(nets)
            out = torch.argmax(torch.softmax(logits, dim=1), dim=1)[0].numpy()
        pred[ind] = zoom(out, (x / size, y / size), order=0)
    return pred


def main():
    os.makedirs(OUT, exist_ok=True)
    tensors, meta = {}, {}

    # 3D sliding window with padding (D smaller than the patch), windows not multiples of the stride.
    torch.manual_seed(0)
    net_a = torch.nn.Conv3d(1, 3, 3, padding=1)
    net_b = torch.nn.Conv3d(1, 3, 3, padding=1)
    image = torch.randn(5, 9, 11).numpy()
    patch, stride = [8, 4, 8], [2, 3, 2]
    score, labels, starts, pads = test_single_case(image, [net_a], patch, stride, 3)
    score2, labels2, _, _ = test_single_case(image, [net_a, net_b], patch, stride, 3)
    tensors.update({
        'sw.image': torch.from_numpy(image),
        'sw.a.weight': net_a.weight.detach(), 'sw.a.bias': net_a.bias.detach(),
        'sw.b.weight': net_b.weight.detach(), 'sw.b.bias': net_b.bias.detach(),
        'sw.one.probs': torch.from_numpy(np.ascontiguousarray(score)),
        'sw.one.labels': torch.from_numpy(np.ascontiguousarray(labels)),
        'sw.two.probs': torch.from_numpy(np.ascontiguousarray(score2)),
        'sw.two.labels': torch.from_numpy(np.ascontiguousarray(labels2)),
    })
    meta['sw'] = {'patch': patch, 'stride': stride, 'starts': starts, 'pads': pads}

    # Gaussian importance maps (one without and one with truncation by scipy's 4-sigma radius).
    for name, tile, scale in (('g1', [8, 4, 8], 1 / 8), ('g2', [5, 7, 6], 1 / 8), ('g3', [20, 3], 1 / 16)):
        tensors[f'gauss.{name}'] = torch.from_numpy(nnunet_gaussian(tile, scale))
        meta[f'gauss.{name}'] = {'tile': tile, 'sigmaScale': scale}

    # scipy zoom(order=0) source indices: values i + 1, so a 0 in the output is scipy's fill.
    zooms = []
    for n_in, n_out in ((216, 256), (256, 216), (7, 3), (5, 8), (100, 256), (256, 100), (13, 13), (1, 4), (4, 1),
                        (256, 232), (154, 256)):
        src = np.arange(1, n_in + 1, dtype=np.float64)
        out = zoom(src, n_out / n_in, order=0)
        assert out.shape[0] == n_out, (n_in, n_out, out.shape)
        zooms.append({'in': n_in, 'out': n_out, 'index': [int(v) - 1 for v in out]})
    meta['zoom1d'] = zooms
    torch.manual_seed(1)
    img2 = torch.rand(10, 13).numpy()
    up = zoom(img2, (16 / 10, 16 / 13), order=0)
    back = zoom(up, (10 / 16, 13 / 16), order=0)
    tensors.update({'zoom2d.image': torch.from_numpy(img2), 'zoom2d.up': torch.from_numpy(up),
                    'zoom2d.back': torch.from_numpy(back)})

    # ACDC-style slice-by-slice prediction, two members (CML's two heads), up- and down-sampling slices.
    torch.manual_seed(2)
    c1 = torch.nn.Conv2d(1, 4, 3, padding=1)
    c2 = torch.nn.Conv2d(1, 4, 3, padding=1)
    vol_up = torch.rand(3, 10, 13).numpy()
    vol_down = torch.rand(2, 20, 18).numpy()
    tensors.update({
        'acdc.c1.weight': c1.weight.detach(), 'acdc.c1.bias': c1.bias.detach(),
        'acdc.c2.weight': c2.weight.detach(), 'acdc.c2.bias': c2.bias.detach(),
        'acdc.up.image': torch.from_numpy(vol_up), 'acdc.down.image': torch.from_numpy(vol_down),
        'acdc.up.labels': torch.from_numpy(acdc_volume(vol_up, [c1, c2], 16)),
        'acdc.down.labels': torch.from_numpy(acdc_volume(vol_down, [c1, c2], 16)),
    })
    meta['acdc'] = {'size': 16}

    torch.save(tensors, os.path.join(OUT, 'inference.pt'))
    with open(os.path.join(OUT, 'inference.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print('wrote', len(tensors), 'tensors to', OUT)


if __name__ == '__main__':
    main()
