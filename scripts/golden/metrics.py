"""Golden fixtures for src/metrics: run `/usr/bin/python3 scripts/golden/metrics.py` from the repository root.

Writes
  test/fixtures/metrics/cases.json  label-volume pairs (2D and 3D, multi-class, empty classes, single voxels,
                                    anisotropic spacing, objects on the array border) with, per class, the
                                    medpy-rule values computed by scipy (medpy_rule.py), plus the per-class
                                    results of the seeds' evaluation rules (DHC evaluate_Ntimes.py, CML test).
  test/fixtures/metrics/edt.json    masks with scipy's distance_transform_edt (anisotropic sampling).
Arrays are stored as base64(zlib(bytes)), uint8 C order for masks, float64 little-endian for distances.
Unavailable values (0/0, empty masks) are null.
"""

import base64
import json
import os
import zlib

import numpy as np
import scipy
from scipy.ndimage import distance_transform_edt

import medpy_rule as mr

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'metrics')


def pack(arr):
    raw = np.ascontiguousarray(arr).tobytes()
    return base64.b64encode(zlib.compress(raw, 9)).decode('ascii')


def ellipsoid(shape, center, radii):
    grids = np.meshgrid(*[np.arange(n) for n in shape], indexing='ij')
    acc = np.zeros(shape, dtype=float)
    for g, c, r in zip(grids, center, radii):
        acc += ((g - c) / r) ** 2
    return acc <= 1.0


def random_labels(rng, shape, num_classes, blobs_per_class=(1, 3)):
    lab = np.zeros(shape, dtype=np.uint8)
    for c in range(1, num_classes):
        for _ in range(rng.integers(blobs_per_class[0], blobs_per_class[1] + 1)):
            center = [rng.uniform(-1, n) for n in shape]
            radii = [rng.uniform(0.6, max(1.0, n / 3)) for n in shape]
            lab[ellipsoid(shape, center, radii)] = c
    return lab


def perturb(rng, lab, num_classes, flip=0.03):
    """Prediction = label shifted by up to one voxel, with random label noise on a fraction of voxels."""
    pred = lab.copy()
    for ax in range(lab.ndim):
        s = int(rng.integers(-1, 2))
        if s != 0 and lab.shape[ax] > 2:
            pred = np.roll(pred, s, axis=ax)
    noise = rng.random(lab.shape) < flip
    pred[noise] = rng.integers(0, num_classes, size=int(noise.sum()))
    return pred.astype(np.uint8)


def class_values(pred, lab, c, spacing):
    p = pred == c
    g = lab == c
    r = {
        'nPred': int(p.sum()),
        'nLabel': int(g.sum()),
        'inter': int((p & g).sum()),
        'predSurface': int(mr.surface(p).sum()),
        'labelSurface': int(mr.surface(g).sum()),
        'dice': mr.dc(p, g),
        'jaccard': mr.jc(p, g),
        'hd95': None,
        'asd': None,
        'asdReverse': None,
        'assd': None,
        'hd': None,
    }
    if p.any() and g.any():
        ab, ba = mr.both_directions(p, g, spacing)
        r['hd95'] = mr.hd95_from(ab, ba)
        r['asd'] = float(ab.mean())
        r['asdReverse'] = float(ba.mean())
        r['assd'] = float(np.mean((ab.mean(), ba.mean())))
        r['hd'] = float(max(ab.max(), ba.max()))
        # independent check of the directed rule against a second formulation
        assert np.allclose(ab, mr.directed(p, g, spacing))
    return r


def dhc_rule(pred, lab, c):
    """evaluate_Ntimes.py of DHC/SKCDF: (Dice*100, ASD) in voxels, (0, 128) one empty, (1, 0) both empty."""
    p = pred == c
    g = lab == c
    if p.any() and g.any():
        return [mr.dc(p, g) * 100.0, float(mr.directed(p, g).mean())]
    if p.any() or g.any():
        return [0.0, 128.0]
    return [1.0, 0.0]


def cml_rule(pred, lab, c):
    """CML test scripts: empty prediction -> (0,0,0,0); empty label -> medpy raises; else medpy in voxels."""
    p = pred == c
    g = lab == c
    if not p.any():
        return [0.0, 0.0, 0.0, 0.0]
    if not g.any():
        return 'error'
    ab, ba = mr.both_directions(p, g, None)
    return [mr.dc(p, g), mr.jc(p, g), mr.hd95_from(ab, ba), float(ab.mean())]


def make_case(name, pred, lab, num_classes, spacing=None, note=''):
    assert pred.shape == lab.shape
    case = {
        'name': name,
        'note': note,
        'shape': list(lab.shape),
        'spacing': None if spacing is None else [float(s) for s in spacing],
        'numClasses': num_classes,
        'pred': pack(pred.astype(np.uint8)),
        'label': pack(lab.astype(np.uint8)),
        'classes': {},
        'referenceDhc': {},
        'referenceCml': {},
    }
    for c in range(num_classes):
        case['classes'][str(c)] = class_values(pred, lab, c, spacing)
    for c in range(1, num_classes):
        case['referenceDhc'][str(c)] = dhc_rule(pred, lab, c)
        case['referenceCml'][str(c)] = cml_rule(pred, lab, c)
    return case


def box(shape, lo, hi, value=1):
    a = np.zeros(shape, dtype=np.uint8)
    a[tuple(slice(l, h) for l, h in zip(lo, hi))] = value
    return a


def hand_made(rng):
    cases = []
    # spec/dhc.md §12 G10
    s = (4, 6, 6)
    P = box(s, (1, 1, 1), (3, 4, 4))
    G = box(s, (1, 2, 1), (4, 5, 5))
    pred = P.copy()
    pred[0, 5, 5] = 2
    lab = G.copy()
    lab[3, 0, 0] = 3
    cases.append(make_case('g10', pred, lab, 5, note='spec/dhc.md G10: classes 2/3 one-sided, 4 absent'))
    cases.append(make_case('g10-single-voxel', box(s, (0, 0, 0), (1, 1, 1)), G, 2, note="P' at (0,0,0)"))
    cases.append(make_case('full-cube-3x3x3', np.ones((3, 3, 3), np.uint8), box((3, 3, 3), (1, 1, 1), (2, 2, 2)), 2))
    # empty sides
    s = (8, 9, 10)
    blob = ellipsoid(s, (4, 4, 5), (3, 3, 3)).astype(np.uint8)
    cases.append(make_case('empty-pred', np.zeros(s, np.uint8), blob, 2))
    cases.append(make_case('empty-label', blob, np.zeros(s, np.uint8), 2))
    cases.append(make_case('both-empty', np.zeros(s, np.uint8), np.zeros(s, np.uint8), 2))
    cases.append(make_case('identical', blob, blob, 2, spacing=(2.0, 0.7, 0.7)))
    # single voxels at known distances, anisotropic
    s = (6, 7, 8)
    a = box(s, (1, 2, 3), (2, 3, 4))
    b = box(s, (4, 0, 7), (5, 1, 8))
    cases.append(make_case('two-voxels-aniso', a, b, 2, spacing=(2.5, 0.5, 1.25)))
    cases.append(make_case('two-voxels-unit', a, b, 2))
    # objects on the array border, whole-volume mask, thin structures
    s = (7, 8, 9)
    cases.append(make_case('border-slab', box(s, (0, 0, 0), (2, 8, 9)), box(s, (0, 1, 1), (3, 7, 8)), 2))
    cases.append(make_case('whole-volume', np.ones(s, np.uint8), box(s, (2, 2, 2), (5, 6, 7)), 2, spacing=(3, 1, 1)))
    cases.append(make_case('thin-plane-vs-line', box(s, (3, 0, 0), (4, 8, 9)), box(s, (0, 4, 4), (7, 5, 5)), 2))
    hollow = ellipsoid(s, (3, 4, 4), (3, 3.5, 4)) & ~ellipsoid(s, (3, 4, 4), (1.5, 2, 2))
    cases.append(make_case('hollow-vs-solid', hollow.astype(np.uint8), ellipsoid(s, (3, 4, 4), (3, 3.5, 4)).astype(np.uint8), 2))
    # degenerate axes: a 3D volume one slice thick, a line of voxels
    cases.append(make_case('one-slice-3d', box((1, 10, 12), (0, 2, 2), (1, 8, 9)), box((1, 10, 12), (0, 3, 1), (1, 9, 10)), 2, spacing=(5, 1, 1)))
    cases.append(make_case('unit-h-axis', box((5, 1, 7), (1, 0, 1), (4, 1, 5)), box((5, 1, 7), (0, 0, 2), (5, 1, 7)), 2))
    # 2D hand-made
    s2 = (12, 15)
    cases.append(make_case('2d-single-pixels', box(s2, (0, 0), (1, 1)), box(s2, (11, 14), (12, 15)), 2, spacing=(0.8, 1.7)))
    cases.append(make_case('2d-border-touching', box(s2, (0, 3), (5, 15)), box(s2, (0, 0), (6, 12)), 2))
    cases.append(make_case('2d-empty-label-multiclass', box(s2, (2, 2), (6, 6), 2), box(s2, (2, 2), (6, 7), 1), 3))
    return cases


def random_cases(rng, count):
    cases = []
    spacings3 = [None, (1.0, 1.0, 1.0), (2.5, 0.8, 0.8), (10.0, 1.0, 1.0), (0.7, 1.3, 2.1)]
    spacings2 = [None, (1.0, 1.0), (0.6, 1.4), (3.0, 0.5)]
    for i in range(count):
        is2d = i % 4 == 3
        if is2d:
            shape = tuple(int(x) for x in rng.integers(6, 25, size=2))
            spacing = spacings2[int(rng.integers(len(spacings2)))]
        else:
            shape = tuple(int(x) for x in rng.integers(4, 25, size=3))
            spacing = spacings3[int(rng.integers(len(spacings3)))]
        num_classes = int(rng.integers(2, 6))
        lab = random_labels(rng, shape, num_classes)
        pred = perturb(rng, lab, num_classes, flip=float(rng.choice([0.0, 0.01, 0.05])))
        if i % 5 == 1 and num_classes > 2:
            pred[pred == num_classes - 1] = 0  # drop a class from the prediction
        if i % 7 == 2:
            lab[lab == 1] = 0  # drop a class from the label
        cases.append(make_case(f'random-{i:02d}', pred, lab, num_classes, spacing=spacing,
                               note=f'{len(shape)}D random blobs'))
    return cases


def edt_cases(rng):
    out = []
    specs = [((12, 15), (0.8, 1.7), 0.05), ((9, 10, 11), (2.5, 0.7, 1.1), 0.02), ((6, 7, 8), None, 0.01),
             ((1, 9, 13), (4.0, 1.0, 1.0), 0.05), ((17,), (0.3,), 0.1), ((10, 10, 10), (1.0, 1.0, 1.0), 0.002)]
    for shape, spacing, density in specs:
        feat = (rng.random(shape) < density).astype(np.uint8)
        if not feat.any():
            feat.flat[int(rng.integers(feat.size))] = 1
        dist = distance_transform_edt(feat == 0, sampling=spacing).astype('<f8')
        out.append({'shape': list(shape), 'spacing': None if spacing is None else list(spacing),
                    'feature': pack(feat), 'distance': pack(dist)})
    return out


def main():
    rng = np.random.default_rng(20240531)
    cases = hand_made(rng) + random_cases(rng, 44)
    os.makedirs(OUT, exist_ok=True)
    meta = {'generator': 'scripts/golden/metrics.py', 'numpy': np.__version__, 'scipy': scipy.__version__}
    with open(os.path.join(OUT, 'cases.json'), 'w') as f:
        json.dump({**meta, 'cases': cases}, f, separators=(',', ':'))
    with open(os.path.join(OUT, 'edt.json'), 'w') as f:
        json.dump({**meta, 'cases': edt_cases(rng)}, f, separators=(',', ':'))
    n_empty = sum(1 for c in cases for v in c['classes'].values() if v['hd95'] is None)
    print(f'{len(cases)} cases, {n_empty} class entries with an empty side ->', os.path.normpath(OUT))


if __name__ == '__main__':
    main()
