"""Reference timing for bench/metrics.ts: HD95 and ASD of every class with scipy, using medpy's rule.

Usage: /usr/bin/python3 scripts/golden/bench_reference.py PRED.npy LABEL.npy NUM_CLASSES SD SH SW [REPEATS]
Prints one JSON object: per-class hd95/asd (class 1..C-1), `seconds` (median over repeats of the computation
only: files are loaded and the interpreter started before the clock runs), `seconds_all` and
`seconds_medpy_calls` (one run of the same values as medpy computes them when hd95() and asd() are called
separately: three distance transforms per class instead of two).
"""

import json
import sys
import time

import numpy as np

import medpy_rule as mr


def surface_metrics(pred, label, num_classes, spacing):
    hd95 = []
    asd = []
    for c in range(1, num_classes):
        p = pred == c
        g = label == c
        if not p.any() or not g.any():
            hd95.append(None)
            asd.append(None)
            continue
        ab, ba = mr.both_directions(p, g, spacing)
        hd95.append(mr.hd95_from(ab, ba))
        asd.append(float(ab.mean()))
    return hd95, asd


def medpy_calls(pred, label, num_classes, spacing):
    for c in range(1, num_classes):
        p = pred == c
        g = label == c
        if p.any() and g.any():
            np.percentile(np.hstack((mr.directed(p, g, spacing), mr.directed(g, p, spacing))), 95)
            mr.directed(p, g, spacing).mean()


def main():
    pred = np.load(sys.argv[1])
    label = np.load(sys.argv[2])
    num_classes = int(sys.argv[3])
    spacing = tuple(float(x) for x in sys.argv[4:7])
    repeats = int(sys.argv[7]) if len(sys.argv) > 7 else 3
    times = []
    result = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = surface_metrics(pred, label, num_classes, spacing)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    medpy_calls(pred, label, num_classes, spacing)
    t_medpy = time.perf_counter() - t0
    hd95, asd = result
    print(json.dumps({'hd95': hd95, 'asd': asd, 'seconds': float(np.median(times)), 'seconds_all': times,
                      'seconds_medpy_calls': t_medpy}))


if __name__ == '__main__':
    main()
