"""Reference surface metrics with medpy's rule, written on scipy (medpy itself is not installed here).

Development aid for semiseg's src/metrics: the golden fixtures (metrics.py) and the benchmark reference
(bench_reference.py) both use these functions. Run with Debian's /usr/bin/python3 (numpy + scipy).

Rule (medpy.metric.binary, connectivity 1):
  surface(m)        = m XOR binary_erosion(m, cross structure, one iteration, border_value 0)
  directed(a, b)    = distance_transform_edt(NOT surface(b), sampling=spacing) sampled at surface(a)
  hd95(a, b)        = numpy.percentile(concat(directed(a, b), directed(b, a)), 95)
  asd(a, b)         = mean(directed(a, b))
  assd(a, b)        = mean of asd(a, b) and asd(b, a)            (medpy 0.4)
"""

import numpy as np
from scipy.ndimage import binary_erosion, distance_transform_edt, generate_binary_structure


def surface(mask):
    """Boolean surface of a boolean mask (any ndim)."""
    mask = np.asarray(mask, dtype=bool)
    cross = generate_binary_structure(mask.ndim, 1)
    return mask ^ binary_erosion(mask, structure=cross, iterations=1)


def directed(a, b, spacing=None):
    """Distances from each surface voxel of a (C order) to the nearest surface voxel of b."""
    sa = surface(a)
    sb = surface(b)
    dt = distance_transform_edt(~sb, sampling=spacing)
    return dt[sa]


def both_directions(a, b, spacing=None):
    """(directed(a, b), directed(b, a)) computing each surface once."""
    sa = surface(a)
    sb = surface(b)
    ab = distance_transform_edt(~sb, sampling=spacing)[sa]
    ba = distance_transform_edt(~sa, sampling=spacing)[sb]
    return ab, ba


def hd95_from(ab, ba):
    return float(np.percentile(np.hstack((ab, ba)), 95))


def dc(a, b):
    a = np.asarray(a, dtype=bool)
    b = np.asarray(b, dtype=bool)
    den = np.count_nonzero(a) + np.count_nonzero(b)
    return None if den == 0 else 2.0 * np.count_nonzero(a & b) / den


def jc(a, b):
    a = np.asarray(a, dtype=bool)
    b = np.asarray(b, dtype=bool)
    union = np.count_nonzero(a | b)
    return None if union == 0 else np.count_nonzero(a & b) / union
