#!/usr/bin/python3
"""Golden values for semiseg's preprocessing (src/data/preprocess), made with PyTorch 1.13, numpy and nibabel.

Run with Debian's Python (it has torch, numpy, nibabel); the tests themselves never need Python:

  /usr/bin/python3 scripts/golden/preprocess.py

(Re)writes test/fixtures/preprocess/:
- resize.json: F.interpolate results the way DHC's preprocessing calls it (size given, no scale factor):
  legacy `nearest` index maps, trilinear / bilinear (align_corners=False) outputs on small inputs (every value),
  legacy-nearest label outputs (every value), and for full-size volumes (a Synapse-like 96x512x512 to 80x160x160
  and the DHC HEAD in-plane halving) checksums and sampled voxels of the results.
- intensity.json: numpy's clip(-75, 275) then per-volume min-max in float32 (DHC's loader) on a few arrays.
- synapse/: a two-case raw Synapse folder (imagesTr/imgNNNN.nii.gz, labelsTr/labelNNNN.nii.gz) written by nibabel,
  one case uint16 with scl_slope 1 / scl_inter -1200, and synapse/expected.json: the reference pipeline on it:
  nibabel voxels (scaled) -> float32 -> transpose to (z, y, x) as SimpleITK's GetArrayFromImage -> F.interpolate to
  the target size (trilinear image, nearest label) -> clip + min-max, every output value.

Input formulas (rebuilt exactly by the tests): small images x[i] = ((i * 7919) % 1009) / 1009 - 0.3 in float32,
big images x[i] = ((i * 7919) % 1009) - 500 (HU-like integers), labels l[i] = (i * 31 + i // 7) % 14. `i` is the
C-order flat index of the (D, H, W) array.
"""

import json
from pathlib import Path

import nibabel as nib
import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / 'test' / 'fixtures' / 'preprocess'


def small_image(shape):
    n = int(np.prod(shape))
    a = ((np.arange(n, dtype=np.int64) * 7919) % 1009).astype(np.float32) / np.float32(1009) - np.float32(0.3)
    return a.reshape(shape)


def big_image(shape):
    n = int(np.prod(shape))
    return (((np.arange(n, dtype=np.int64) * 7919) % 1009) - 500).astype(np.float32).reshape(shape)


def labels(shape):
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    return ((i * 31 + i // 7) % 14).astype(np.uint8).reshape(shape)


def interp(a, size, mode):
    t = torch.from_numpy(np.ascontiguousarray(a))[None, None]
    if mode == 'nearest':
        return F.interpolate(t, size=size, mode='nearest')[0, 0].numpy()
    return F.interpolate(t, size=size, mode=mode, align_corners=False)[0, 0].numpy()


def checksum(a):
    """sum of value * (flat index % 9973) in exact integer arithmetic (labels)."""
    flat = a.ravel().astype(np.int64)
    return int((flat * (np.arange(flat.size, dtype=np.int64) % 9973)).sum())


def samples(a, count=64):
    flat = a.ravel()
    idx = [(k * 104729) % flat.size for k in range(count)]
    return [[i, float(flat[i])] for i in idx]


def resize_golden():
    nearest_maps = []
    for n_in, n_out in [(7, 3), (5, 8), (100, 72), (512, 144), (512, 160), (147, 80), (85, 80), (13, 13), (1, 4),
                        (4, 1), (160, 80), (33, 100)]:
        src = np.arange(n_in, dtype=np.float32).reshape(1, 1, n_in)
        idx = interp(src, (1, 1, n_out), 'nearest').ravel().astype(int).tolist()
        nearest_maps.append({'in': n_in, 'out': n_out, 'index': idx})
    trilinear = []
    for shape, size in [((5, 7, 6), (3, 10, 4)), ((4, 9, 11), (8, 4, 5)), ((3, 5, 4), (2, 3, 6)), ((2, 6, 6), (2, 3, 3)),
                        ((6, 4, 8), (6, 4, 8))]:
        out = interp(small_image(shape), size, 'trilinear')
        trilinear.append({'shape': list(shape), 'size': list(size), 'out': [float(v) for v in out.ravel()]})
    bilinear = []
    for shape, size in [((6, 9), (4, 13)), ((7, 5), (14, 3))]:
        x = torch.from_numpy(small_image(shape))[None, None]
        out = F.interpolate(x, size=size, mode='bilinear', align_corners=False)[0, 0].numpy()
        bilinear.append({'shape': list(shape), 'size': list(size), 'out': [float(v) for v in out.ravel()]})
    nearest = []
    for shape, size in [((5, 7, 6), (8, 3, 11)), ((9, 10, 12), (4, 6, 5)), ((6, 9), (4, 13))]:
        lab = labels(shape)
        t = torch.from_numpy(lab.astype(np.float32))[None, None]
        out = F.interpolate(t, size=size, mode='nearest')[0, 0].numpy()
        nearest.append({'shape': list(shape), 'size': list(size), 'out': [int(v) for v in out.ravel()]})
    big_shape, big_size = (96, 512, 512), (80, 160, 160)
    img = big_image(big_shape)
    lab = labels(big_shape)
    r_img = interp(img, big_size, 'trilinear')
    r_lab = interp(lab.astype(np.float32), big_size, 'nearest').astype(np.uint8)
    half = (96, 256, 256)
    h_img = interp(img, half, 'trilinear')
    h_lab = interp(lab.astype(np.float32), half, 'nearest').astype(np.uint8)
    windowed = np.clip(r_img, -75, 275)
    windowed = (windowed - windowed.min()) / (windowed.max() - windowed.min())

    def stats(a):
        a64 = a.astype(np.float64)
        return {'sum': float(a64.sum()), 'sumsq': float((a64 * a64).sum()), 'min': float(a.min()),
                'max': float(a.max()), 'samples': samples(a)}

    big = {
        'shape': list(big_shape),
        'size': list(big_size),
        'image': stats(r_img),
        'label': {'checksum': checksum(r_lab), 'hist': np.bincount(r_lab.ravel(), minlength=14).tolist()},
        'windowed': stats(windowed),
        'halved': {'size': list(half), 'image': stats(h_img), 'label_checksum': checksum(h_lab)},
    }
    return {'torch': torch.__version__, 'nearest_maps': nearest_maps, 'trilinear': trilinear, 'bilinear': bilinear,
            'nearest': nearest, 'big': big}


def window(a):
    a = np.clip(a.astype(np.float32), -75, 275)
    return (a - a.min()) / (a.max() - a.min())


def intensity_golden():
    cases = []
    for values in [
        [-1000, -75, -74.5, 0, 100, 274.9, 275, 3000],
        [-80, -60.25, 12.5, 33, 150, 260],
        [10, 20, 30, 40],
    ]:
        a = np.array(values, dtype=np.float32)
        cases.append({'in': [float(v) for v in a], 'out': [float(v) for v in window(a)]})
    big = (((np.arange(5000, dtype=np.int64) * 7919) % 1009) - 500).astype(np.float32)
    w = window(big)
    cases.append({'formula': 'big', 'n': 5000, 'sum': float(w.astype(np.float64).sum()), 'samples': samples(w, 40)})
    return {'cases': cases}


def synapse_fixture():
    root = OUT / 'synapse'
    (root / 'imagesTr').mkdir(parents=True, exist_ok=True)
    (root / 'labelsTr').mkdir(parents=True, exist_ok=True)
    size = (8, 10, 12)  # (D, H, W) target
    expected = {'size': list(size), 'cases': []}
    for k, (shape, dtype, slope, inter, zooms) in enumerate([
        ((24, 20, 12), np.int16, None, None, (0.8, 0.7, 2.5)),
        ((18, 22, 9), np.uint16, 1.0, -1200.0, (0.75, 0.75, 3.0)),
    ]):
        case = f'{k + 1:04d}'
        x, y, z = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), np.arange(shape[2]), indexing='ij')
        hu = -300 + 25 * x + 15 * y - 10 * z + 80 * ((x + 2 * y + z + k) % 3)
        lab = ((x // 3 + y // 4 + z) % 14).astype(np.uint8)
        aff = np.array([[-zooms[0], 0, 0.1, 12.5], [0, zooms[1], 0, -30.0], [0, 0, zooms[2], 7.0], [0, 0, 0, 1]])
        if slope is None:
            stored = np.round(hu).astype(dtype)
        else:
            stored = np.round((hu - inter) / slope).astype(dtype)
        img = nib.Nifti1Image(stored, aff)
        if slope is not None:
            img.header.set_slope_inter(slope, inter)
        nib.save(img, str(root / 'imagesTr' / f'img{case}.nii.gz'))
        nib.save(nib.Nifti1Image(lab, aff), str(root / 'labelsTr' / f'label{case}.nii.gz'))
        back = nib.load(str(root / 'imagesTr' / f'img{case}.nii.gz'))
        vox = np.asanyarray(back.dataobj).astype(np.float32)  # scaled, then float32 (SimpleITK casts)
        zyx = np.ascontiguousarray(vox.transpose(2, 1, 0))
        lab_zyx = np.ascontiguousarray(np.asanyarray(nib.load(str(root / 'labelsTr' / f'label{case}.nii.gz')).dataobj)
                                       .transpose(2, 1, 0))
        r = interp(zyx, size, 'trilinear')
        rl = interp(lab_zyx.astype(np.float32), size, 'nearest').astype(np.uint8)
        zooms_zyx = [float(v) for v in back.header.get_zooms()[::-1]]
        expected['cases'].append({
            'id': case,
            'source_shape_zyx': list(zyx.shape),
            'source_spacing_zyx': zooms_zyx,
            'affine': back.affine.tolist(),
            'spacing_out': [zooms_zyx[a] * zyx.shape[a] / size[a] for a in range(3)],
            'native_windowed_sum': float(window(zyx).astype(np.float64).sum()),
            'image': [float(v) for v in window(r).ravel()],
            'label': [int(v) for v in rl.ravel()],
            'label_values': sorted(int(v) for v in np.unique(rl)),
        })
    (root / 'expected.json').write_text(json.dumps(expected) + '\n')


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / 'resize.json').write_text(json.dumps(resize_golden()) + '\n')
    (OUT / 'intensity.json').write_text(json.dumps(intensity_golden()) + '\n')
    synapse_fixture()
    total = sum(p.stat().st_size for p in OUT.rglob('*') if p.is_file())
    print(f'wrote {OUT} ({total} bytes)')


if __name__ == '__main__':
    main()
