#!/usr/bin/python3
"""Golden fixtures for semiseg's IO layer (src/io), made with nibabel, numpy and h5py.

Run with Debian's Python (it has numpy, nibabel, h5py): the tests themselves never need Python.

  /usr/bin/python3 scripts/golden/io_fixtures.py
      (Re)writes the small fixture files in test/fixtures/io/ and test/fixtures/io/expected.json, the values
      that the TypeScript tests compare against: shape, dtypes, affine, zooms and every voxel (all fixtures are
      tiny), read back through nibabel / numpy / h5py, which are the independent reference. When
      ../shared/data exists it also records known voxels of one LA and two ACDC h5 files (read with h5py), and
      when Debian's nibabel test data exists, reference values for a few of those real NIfTI files.

  /usr/bin/python3 scripts/golden/io_fixtures.py verify FILE.nii[.gz] ...
      Checks that nibabel reads files written by semiseg's TypeScript writer (`writeNifti`) with the data and
      affine of the shared recipe below (`ts_recipe`), prints one line per file and exits non-zero on a mismatch.
"""

import gzip
import json
import math
import os
import sys
from pathlib import Path

import h5py
import nibabel as nib
import numpy as np
from nibabel.nifti1 import Nifti1Extension

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / 'test' / 'fixtures' / 'io'
SHARED = ROOT.parent / 'shared' / 'data'
NIB_DATA = Path(nib.__file__).parent / 'tests' / 'data'

NIFTI_DTYPES = ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64']


def jvalue(v, dtype):
    """A JSON-safe scalar: 64-bit integers as decimal strings (JS numbers lose them), non-finite floats as strings."""
    if np.dtype(dtype).kind in 'iu':
        return str(int(v)) if np.dtype(dtype).itemsize == 8 else int(v)
    if np.dtype(dtype).kind == 'b':
        return int(bool(v))
    f = float(v)
    if math.isnan(f):
        return 'nan'
    if math.isinf(f):
        return 'inf' if f > 0 else '-inf'
    return f


def jlist(arr):
    """All values of arr in Fortran order (first axis fastest), JSON-safe."""
    flat = np.asarray(arr).ravel(order='F')
    return [jvalue(v, flat.dtype) for v in flat]


def sample_values(dtype, n):
    """Deterministic values that include the type's extremes (so byte order and sign handling are exercised)."""
    dt = np.dtype(dtype)
    i = np.arange(n, dtype=np.int64)
    if dt.kind in 'iu':
        info = np.iinfo(dt)
        span = min(int(info.max) - int(info.min), 1000)
        vals = np.array([int(info.min) + int((k * 37 + 11) % (span + 1)) for k in i], dtype=object)
        vals[0] = int(info.min)
        vals[-1] = int(info.max)
        if n > 3:
            vals[1] = int(info.max) - 1
            vals[2] = int(info.min) + 1 if dt.kind == 'i' else 0
        return np.array([int(v) for v in vals], dtype=dt)
    vals = (i * 0.37 - 5.5).astype(dt)
    vals[0] = np.finfo(dt).max
    vals[-1] = np.finfo(dt).tiny
    if n > 3:
        vals[1] = -np.finfo(dt).max
        vals[2] = dt.type(1.0) / dt.type(3.0)
    return vals


def stats(arr):
    """min, max, mean (float64) and, for integer arrays, sorted unique values (at most 256)."""
    a = np.asarray(arr)
    out = {}
    if a.size == 0:
        return {'min': None, 'max': None, 'mean': None}
    if a.dtype.kind in 'iu' and a.dtype.itemsize == 8:
        # exact integers as strings; the mean from Python ints
        vals = [int(v) for v in a.ravel()]
        out['min'] = str(min(vals))
        out['max'] = str(max(vals))
        out['mean'] = float(sum(vals) / len(vals))
    else:
        out['min'] = jvalue(np.nanmin(a), a.dtype)
        out['max'] = jvalue(np.nanmax(a), a.dtype)
        # math.fsum: the correctly rounded sum (numpy's pairwise sum absorbs small terms into +-float max)
        finite = a.astype(np.float64).ravel()
        finite = finite[~np.isnan(finite)]
        out['mean'] = math.fsum(finite.tolist()) / finite.size if finite.size else None
    if a.dtype.kind in 'iub':
        u = np.unique(a)
        out['unique_count'] = int(u.size)
        out['unique'] = [jvalue(v, a.dtype) for v in u[:256]]
    return out


def nifti_expect(path, extra=None):
    """What nibabel reports for a NIfTI file: the reference the TS reader must match."""
    img = nib.load(str(path))
    hdr = img.header
    data = np.asanyarray(img.dataobj)
    # after loading, nibabel keeps the data offset and the scaling in the array proxy, not in the header
    proxy = img.dataobj
    slope, inter = float(proxy.slope), float(proxy.inter)
    e = {
        'file': path.name,
        'format': 'nifti2' if isinstance(hdr, nib.Nifti2Header) else 'nifti1',
        'shape': [int(s) for s in data.shape],
        'file_dtype': str(hdr.get_data_dtype().newbyteorder('=').name),
        'data_dtype': str(data.dtype.newbyteorder('=').name),
        'byte_order': 'big' if hdr.endianness == '>' else 'little',
        'affine': [[float(v) for v in row] for row in img.affine],
        'zooms': [float(z) for z in hdr.get_zooms()],
        'sform_code': int(hdr['sform_code']),
        'qform_code': int(hdr['qform_code']),
        'vox_offset': int(proxy.offset),
        'slope': slope,
        'inter': inter,
        'data': jlist(data),
        'sum': float(np.sum(data.astype(np.float64))),
        'stats': stats(data),
    }
    if extra:
        e.update(extra)
    return e


def raw_header(shape, dtype, endian='<', sform=None, qform=None, zooms=None, slope=None, inter=None):
    """A nibabel Nifti1Header with the given fields (no data scaling applied by nibabel)."""
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(dtype)
    hdr.set_data_shape(shape)
    if zooms is not None:
        hdr.set_zooms(zooms)
    if qform is not None:
        aff, code = qform
        hdr.set_qform(aff, code=code)
    if sform is not None:
        aff, code = sform
        hdr.set_sform(aff, code=code)
    hdr['vox_offset'] = 352
    if slope is not None:
        hdr['scl_slope'] = slope
    if inter is not None:
        hdr['scl_inter'] = inter
    if endian == '>':
        hdr = hdr.as_byteswapped('>')
    return hdr


def write_raw_nifti(path, hdr, arr, gz):
    """Header block + 4 zero extension bytes + the array in Fortran order with the header's byte order."""
    dt = hdr.get_data_dtype()
    body = hdr.binaryblock + b'\x00\x00\x00\x00' + np.asarray(arr).astype(dt).tobytes(order='F')
    if gz:
        with open(path, 'wb') as f:
            f.write(gzip.compress(body, compresslevel=6, mtime=0))
    else:
        path.write_bytes(body)


def oblique_affine():
    """Rotation about two axes, anisotropic zooms, an offset, and (optionally) a shear."""
    a, b = math.radians(20), math.radians(-35)
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    rz = np.array([[math.cos(b), -math.sin(b), 0], [math.sin(b), math.cos(b), 0], [0, 0, 1]])
    m = np.eye(4)
    m[:3, :3] = rz @ rx @ np.diag([0.7, 1.3, 2.5])
    m[:3, 3] = [-90.25, 12.5, 33.0]
    return m


def make_nifti_fixtures(expected):
    shape = (5, 4, 3)
    n = int(np.prod(shape))
    base_aff = np.diag([1.5, 2.0, 3.0, 1.0])
    base_aff[:3, 3] = [-10.0, 20.0, -30.0]
    out = []

    # every datatype, little-endian, alternating .nii.gz / .nii
    for k, dt in enumerate(NIFTI_DTYPES):
        arr = sample_values(dt, n).reshape(shape, order='F')
        gz = k % 2 == 0
        p = OUT / f'dt_{dt}.nii{".gz" if gz else ""}'
        hdr = raw_header(shape, dt, sform=(base_aff, 2), qform=(base_aff, 1))
        write_raw_nifti(p, hdr, arr, gz)
        out.append(nifti_expect(p))

    # big-endian: every item size (1, 2, 4, 8) and both int and float kinds
    for dt, gz in [('int16', False), ('uint16', True), ('int32', True), ('float32', False), ('float64', True),
                   ('int64', False), ('uint8', False)]:
        arr = sample_values(dt, n).reshape(shape, order='F')
        p = OUT / f'be_{dt}.nii{".gz" if gz else ""}'
        hdr = raw_header(shape, dt, endian='>', sform=(base_aff, 1), qform=(base_aff, 1))
        write_raw_nifti(p, hdr, arr, gz)
        out.append(nifti_expect(p))

    # scaling: slope/inter applied (int16 and float32 storage), slope 0, slope NaN, slope 1 inter 0, inter only
    ints = (np.arange(n) * 7 - 100).astype(np.int16).reshape(shape, order='F')
    for name, dt, slope, inter in [
        ('scl_int16', 'int16', 0.5, -10.0),
        ('scl_uint8', 'uint8', 2.5, 1.25),
        ('scl_float32', 'float32', 3.0, 0.5),
        ('scl_slope0', 'int16', 0.0, 5.0),
        ('scl_slopenan', 'int16', float('nan'), 5.0),
        ('scl_identity', 'int16', 1.0, 0.0),
        ('scl_inter_only', 'int16', 1.0, 100.0),
        ('scl_be_int16', 'int16', 0.25, 3.0),
    ]:
        arr = ints.astype(dt) if dt != 'uint8' else (np.arange(n) % 256).astype(np.uint8).reshape(shape, order='F')
        endian = '>' if 'be' in name else '<'
        p = OUT / f'{name}.nii.gz'
        hdr = raw_header(shape, dt, endian=endian, sform=(base_aff, 2), slope=slope, inter=inter)
        write_raw_nifti(p, hdr, arr, True)
        out.append(nifti_expect(p))

    # affines
    obl = oblique_affine()
    sheared = obl.copy()
    sheared[0, 1] += 0.4  # a shear: only the sform can hold it
    arr = (np.arange(n) % 50).astype(np.int16).reshape(shape, order='F')
    # oblique sheared sform (code 2) + a different qform (code 1): nibabel picks the sform
    p = OUT / 'aff_oblique_sform.nii.gz'
    write_raw_nifti(p, raw_header(shape, 'int16', sform=(sheared, 2), qform=(base_aff, 1)), arr, True)
    out.append(nifti_expect(p))
    # qform only (sform_code 0), oblique, with a left-handed frame (qfac -1)
    lefty = obl.copy()
    lefty[:3, 2] *= -1
    p = OUT / 'aff_qform_only.nii'
    write_raw_nifti(p, raw_header(shape, 'int16', qform=(lefty, 1), sform=(base_aff, 0)), arr, False)
    out.append(nifti_expect(p))
    # both codes, qform_code (2) > sform_code (1): nibabel still picks the sform
    p = OUT / 'aff_both.nii.gz'
    write_raw_nifti(p, raw_header(shape, 'int16', qform=(obl, 2), sform=(sheared, 1)), arr, True)
    out.append(nifti_expect(p))
    # neither: nibabel's fallback from pixdim (x flipped, origin at the centre)
    p = OUT / 'aff_none.nii'
    write_raw_nifti(p, raw_header(shape, 'int16', zooms=(0.8, 0.9, 2.2)), arr, False)
    out.append(nifti_expect(p))
    # qfac (pixdim[0]) = 0: nibabel treats it as 1
    hdr = raw_header(shape, 'int16', qform=(obl, 1), sform=(base_aff, 0))
    hdr['pixdim'][0] = 0
    p = OUT / 'aff_qfac0.nii'
    write_raw_nifti(p, hdr, arr, False)
    out.append(nifti_expect(p))

    # zero / negative pixdims: nibabel sets 0 to 1 and takes absolute values on load (qform and fallback)
    hdr = raw_header(shape, 'int16', qform=(obl, 1), sform=(base_aff, 0))
    hdr['pixdim'][1] = -hdr['pixdim'][1]
    hdr['pixdim'][3] = 0
    p = OUT / 'pix_bad_qform.nii'
    write_raw_nifti(p, hdr, arr, False)
    out.append(nifti_expect(p))
    hdr = raw_header(shape, 'int16')
    hdr['pixdim'][1:4] = [0, 2, -3]
    p = OUT / 'pix_bad_none.nii'
    write_raw_nifti(p, hdr, arr, False)
    out.append(nifti_expect(p))

    # other ranks: 2D and 4D
    arr2 = (np.arange(30) - 7).astype(np.float32).reshape((6, 5), order='F')
    p = OUT / 'rank2.nii'
    write_raw_nifti(p, raw_header((6, 5), 'float32', sform=(base_aff, 2)), arr2, False)
    out.append(nifti_expect(p))
    arr4 = (np.arange(48) * 1.5).astype(np.float32).reshape((4, 3, 2, 2), order='F')
    p = OUT / 'rank4.nii.gz'
    write_raw_nifti(p, raw_header((4, 3, 2, 2), 'float32', zooms=(1.0, 1.0, 2.0, 0.5), sform=(base_aff, 2)), arr4, True)
    out.append(nifti_expect(p))

    # a header extension (vox_offset > 352), written by nibabel itself
    img = nib.Nifti1Image(arr, obl)
    img.header.set_qform(obl, code=1)
    img.header.extensions.append(Nifti1Extension('comment', b'semiseg fixture with an extension'))
    img.set_data_dtype(np.int16)
    p = OUT / 'ext_comment.nii'
    nib.save(img, str(p))
    out.append(nifti_expect(p))

    # NIfTI-2, written by nibabel: .nii.gz and .nii, and big-endian .nii
    arr_f = sample_values('float32', n).reshape(shape, order='F')
    for name, gz in [('nifti2_f32.nii.gz', True), ('nifti2_i16.nii', False)]:
        data = arr_f if 'f32' in name else arr
        # the image affine must equal the header's best affine, or nibabel rewrites both forms on save
        img2 = nib.Nifti2Image(data, sheared)
        img2.header.set_qform(obl, code=1)
        img2.header.set_sform(sheared, code=2)
        p = OUT / name
        nib.save(img2, str(p))
        out.append(nifti_expect(p))
    hdr2 = nib.Nifti2Header()
    hdr2.set_data_dtype('int32')
    hdr2.set_data_shape(shape)
    hdr2.set_qform(lefty, code=1)
    hdr2['vox_offset'] = 544
    hdr2 = hdr2.as_byteswapped('>')
    p = OUT / 'nifti2_be_i32_qform.nii'
    body = hdr2.binaryblock + b'\x00' * 4 + sample_values('int32', n).reshape(shape, order='F').astype('>i4').tobytes('F')
    p.write_bytes(body)
    out.append(nifti_expect(p))

    # more than 256 distinct values: inspect lists the 256 smallest and counts them all
    many = ((np.arange(500) * 7919) % 300 - 150).astype(np.int16).reshape((10, 10, 5), order='F')
    p = OUT / 'unique_many.nii.gz'
    write_raw_nifti(p, raw_header((10, 10, 5), 'int16', sform=(base_aff, 2)), many, True)
    out.append(nifti_expect(p))

    # a gzip file of two members (as bgzip or `cat a.gz b.gz` make)
    p = OUT / 'multimember.nii.gz'
    tmp = OUT / 'multimember.tmp.nii'
    write_raw_nifti(tmp, raw_header(shape, 'int16', sform=(base_aff, 2)), arr, False)
    body = tmp.read_bytes()
    tmp.unlink()
    cut = 352 + 40
    p.write_bytes(gzip.compress(body[:cut], mtime=0) + gzip.compress(body[cut:], mtime=0))
    out.append(nifti_expect(p))

    expected['nifti'] = out

    # nibabel's set_qform on a few affines: the quaternion parameters our writer must reproduce
    refs = []
    recipe_aff = ts_recipe()[2]
    for name, aff in [('oblique', obl), ('left_handed', lefty), ('sheared', sheared), ('diagonal', base_aff),
                      ('recipe', recipe_aff), ('flip_x', np.diag([-2.0, 1.0, 1.5, 1.0])),
                      ('rot180_z', np.diag([-1.0, -1.0, 1.0, 1.0]))]:
        h = nib.Nifti1Header()
        h.set_qform(aff, code=1)
        refs.append({
            'name': name,
            'affine': [[float(v) for v in r] for r in aff],
            'quatern': [float(h['quatern_b']), float(h['quatern_c']), float(h['quatern_d'])],
            'qoffset': [float(h['qoffset_x']), float(h['qoffset_y']), float(h['qoffset_z'])],
            'pixdim': [float(v) for v in h['pixdim'][:4]],
            'qform': [[float(v) for v in r] for r in h.get_qform()],
        })
    expected['qform_ref'] = refs


def make_npy_fixtures(expected):
    out = []
    shape = (3, 4, 2)
    n = 24

    def add(name, arr, version=None):
        p = OUT / name
        with open(p, 'wb') as f:
            if version is None:
                np.save(f, arr)
            else:
                np.lib.format.write_array(f, arr, version=version)
        back = np.load(p)
        e = {
            'file': name,
            'shape': [int(s) for s in back.shape],
            'descr': back.dtype.str,
            'fortran_order': bool(np.isfortran(back)) and back.ndim > 1,
            'version': list(np.lib.format.read_magic(open(p, 'rb'))),
            # values in C order (last axis fastest), what our reader returns by default
            'data_c': [jvalue(v, back.dtype) for v in back.ravel(order='C')],
            'stats': stats(back),
        }
        out.append(e)

    for dt in ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64']:
        add(f'npy_{dt}.npy', sample_values(dt, n).reshape(shape))
    add('npy_bool.npy', (np.arange(n) % 3 == 0).reshape(shape))
    f16 = np.array([0.0, -0.0, 1.0, -2.5, 65504.0, 6.1e-05, 5.96e-08, 0.333, 1e4, -7.0, 0.1, 3.0], dtype=np.float16)
    add('npy_float16.npy', f16.reshape((3, 4)))
    add('npy_float16_be.npy', f16.astype('>f2'))
    for dt in ['>i2', '>u2', '>i4', '>f4', '>f8', '>i8', '>u8']:
        base = np.dtype(dt).newbyteorder('=').name
        add(f'npy_be_{base}.npy', sample_values(base, n).reshape(shape).astype(dt))
    add('npy_fortran_f4.npy', np.asfortranarray((np.arange(n) * 0.5 - 3).astype(np.float32).reshape(shape)))
    add('npy_fortran_be_i2.npy', np.asfortranarray((np.arange(n) * 3 - 30).astype('>i2').reshape(shape)))
    add('npy_fortran_2d_u1.npy', np.asfortranarray((np.arange(12) * 17 % 256).astype(np.uint8).reshape((3, 4))))
    add('npy_v2.npy', (np.arange(n) - 5).astype(np.int32).reshape(shape), version=(2, 0))
    add('npy_v3.npy', (np.arange(6) * 0.25).astype(np.float64).reshape((2, 3)), version=(3, 0))
    add('npy_scalar.npy', np.array(42.5, dtype=np.float64))
    add('npy_empty.npy', np.zeros((0, 3), dtype=np.float32))
    add('npy_1d.npy', np.arange(10, dtype=np.uint16))
    # a label volume stored as float32, as DHC's preprocessing writes
    add('npy_label_f32.npy', (np.arange(n) % 4).astype(np.float32).reshape(shape))
    expected['npy'] = out


def h5_expect(path):
    out = {'file': path.name, 'datasets': {}}
    with h5py.File(path, 'r') as f:
        for k in sorted(f.keys()):
            d = f[k][()]
            out['datasets'][k] = {
                'shape': [int(s) for s in d.shape],
                'dtype': d.dtype.newbyteorder('=').name,
                'data_c': [jvalue(v, d.dtype) for v in d.ravel(order='C')],
                'stats': stats(d),
            }
    return out


def make_h5_fixtures(expected):
    out = []
    img = (np.arange(60) * 0.125 - 2).astype(np.float32).reshape((5, 4, 3))
    lab = (np.arange(60) % 3).astype(np.uint8).reshape((5, 4, 3))
    p = OUT / 'case3d.h5'
    with h5py.File(p, 'w') as f:
        f.create_dataset('image', data=img, compression='gzip', compression_opts=4, chunks=(3, 2, 3))
        f.create_dataset('label', data=lab, compression='gzip', compression_opts=4, chunks=(5, 4, 1))
    out.append(h5_expect(p))
    p = OUT / 'slice2d.h5'
    with h5py.File(p, 'w') as f:
        f.create_dataset('image', data=(np.arange(12) / 11).astype(np.float32).reshape((3, 4)))
        f.create_dataset('label', data=np.array([[0, 1, 2, 3], [3, 2, 1, 0], [0, 0, 1, 1]], dtype=np.uint8))
    out.append(h5_expect(p))
    p = OUT / 'image_only.h5'
    with h5py.File(p, 'w') as f:
        f.create_dataset('image', data=img)
    out.append(h5_expect(p))
    p = OUT / 'label_shape_mismatch.h5'
    with h5py.File(p, 'w') as f:
        f.create_dataset('image', data=img)
        f.create_dataset('label', data=lab[:, :, :2])
    out.append(h5_expect(p))
    # datasets our reader must refuse (float16 and strings): only used by the error tests
    p = OUT / 'bad_types.h5'
    with h5py.File(p, 'w') as f:
        f.create_dataset('image', data=np.ones((2, 3), dtype=np.float16))
        f.create_dataset('label', data=np.array([b'a', b'bc']))
    p = OUT / 'float_label.h5'
    with h5py.File(p, 'w') as f:
        f.create_dataset('image', data=img)
        f.create_dataset('label', data=lab.astype(np.float32))
    expected['h5'] = out


def real_h5_expect(rel, coords):
    """Known voxels of a real shared h5 file: the values h5py reads at the given C-order coordinates."""
    p = SHARED / rel
    with h5py.File(p, 'r') as f:
        image = f['image'][()]
        label = f['label'][()]
    return {
        'path': rel,
        'shape': [int(s) for s in image.shape],
        'image_dtype': image.dtype.newbyteorder('=').name,
        'label_dtype': label.dtype.newbyteorder('=').name,
        'voxels': [
            {'at': list(c), 'image': float(image[tuple(c)]), 'label': int(label[tuple(c)])} for c in coords
        ],
        'image_sum': float(image.astype(np.float64).sum()),
        'image_min': float(image.min()),
        'image_max': float(image.max()),
        'image_mean': float(image.astype(np.float64).mean()),
        'label_unique': [int(v) for v in np.unique(label)],
        'label_counts': [int((label == v).sum()) for v in np.unique(label)],
    }


def make_real_expectations(expected):
    if not SHARED.is_dir():
        print(f'note: {SHARED} is absent; the real-data expectations were not refreshed', file=sys.stderr)
        return
    la_id = (SHARED / 'LA' / 'train.list').read_text().split()[0]
    acdc_vol = (SHARED / 'ACDC' / 'val.list').read_text().split()[0]
    acdc_slice = (SHARED / 'ACDC' / 'train_slices.list').read_text().split()[0]
    la_rel = f'LA/2018LA_Seg_Training Set/{la_id}/mri_norm2.h5'
    with h5py.File(SHARED / la_rel, 'r') as f:
        lab = f['label'][()]
    # coordinates: corners, the centre, and a foreground voxel (label 1) so that the label check can fail
    fg = [int(v) for v in np.argwhere(lab == 1)[len(np.argwhere(lab == 1)) // 2]]
    sx, sy, sz = lab.shape
    la_coords = [(0, 0, 0), (sx - 1, sy - 1, sz - 1), (sx // 2, sy // 2, sz // 2), (10, 20, 30), tuple(fg)]
    real = {'la': real_h5_expect(la_rel, la_coords)}
    rel = f'ACDC/data/{acdc_vol}.h5'
    with h5py.File(SHARED / rel, 'r') as f:
        lab = f['label'][()]
    picks = [tuple(int(v) for v in np.argwhere(lab == c)[0]) for c in (1, 2, 3)]
    z, y, x = lab.shape
    real['acdc_volume'] = real_h5_expect(rel, [(0, 0, 0), (z - 1, y - 1, x - 1), (z // 2, y // 2, x // 3)] + picks)
    rel = f'ACDC/data/slices/{acdc_slice}.h5'
    with h5py.File(SHARED / rel, 'r') as f:
        lab = f['label'][()]
    picks = [tuple(int(v) for v in np.argwhere(lab == c)[0]) for c in np.unique(lab) if c > 0]
    h, w = lab.shape
    real['acdc_slice'] = real_h5_expect(rel, [(0, 0), (h - 1, w - 1), (h // 2, w // 2 + 7)] + picks)
    expected['real'] = real


def make_nibabel_data_expectations(expected):
    """Reference values for Debian's nibabel test files (real scanner headers); the TS tests skip when absent."""
    if not NIB_DATA.is_dir():
        return
    out = []
    for name in ['anatomical.nii', 'functional.nii', 'example4d.nii.gz', 'example_nifti2.nii.gz',
                 'reoriented_anat_moved.nii', 'standard.nii.gz']:
        p = NIB_DATA / name
        if not p.exists():
            continue
        e = nifti_expect(p)
        data = np.asanyarray(nib.load(str(p)).dataobj)
        flat = data.ravel(order='F')
        idx = sorted({0, flat.size - 1, flat.size // 2, flat.size // 3, (flat.size * 7) // 11})
        e['samples'] = [{'index_f': int(i), 'value': jvalue(flat[i], flat.dtype)} for i in idx]
        del e['data']
        e['path'] = str(p)
        out.append(e)
    expected['nibabel_data'] = out


# ---------------------------------------------------------------------------------------------------------------
# The TS-written fixture: semiseg's writer makes it from this recipe, nibabel must read it back exactly.


def ts_recipe():
    """Shape, dtype, data (Fortran order) and affine shared with test/io/nifti-write.test.ts."""
    shape = (7, 6, 5)
    x, y, z = np.meshgrid(np.arange(7), np.arange(6), np.arange(5), indexing='ij')
    data = ((x * 7 + y * 13 + z * 29) % 251 - 100).astype(np.int16)
    a, b = math.radians(15), math.radians(-25)
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    rz = np.array([[math.cos(b), -math.sin(b), 0], [math.sin(b), math.cos(b), 0], [0, 0, 1]])
    aff = np.eye(4)
    aff[:3, :3] = rz @ rx @ np.diag([0.9, 1.1, 2.0])
    aff[:3, 3] = [-40.5, 22.25, 7.0]
    return shape, data, aff


def verify(paths):
    shape, data, aff = ts_recipe()
    aff32 = aff.astype(np.float32).astype(np.float64)
    ok = True
    for path in paths:
        if path.endswith('.npy'):
            arr = np.load(path)
            # the npy recipe: the same values in numpy's C order (shape (7, 6, 5)), stored in C order
            if arr.shape == shape and arr.dtype == np.int16 and np.array_equal(arr, data) and not np.isfortran(arr):
                print(f'OK {path}: numpy {np.__version__} reads shape {arr.shape} {arr.dtype}, values exact')
            else:
                ok = False
                print(f'FAIL {path}: shape {arr.shape} dtype {arr.dtype} equal {np.array_equal(arr, data)}')
            continue
        img = nib.load(path)
        hdr = img.header
        got = np.asanyarray(img.dataobj)
        problems = []
        if got.shape != shape:
            problems.append(f'shape {got.shape} != {shape}')
        elif not np.array_equal(got, data):
            problems.append(f'data differ at {int((got != data).sum())} voxels')
        if got.dtype != np.int16:
            problems.append(f'dtype {got.dtype}')
        if not np.array_equal(img.affine, aff32):
            problems.append(f'affine differs by {np.abs(img.affine - aff32).max():.3g}')
        # the qform, recomputed by nibabel from the quaternion, must encode the same (orthogonal) affine
        qerr = np.abs(hdr.get_qform() - aff).max()
        if qerr > 1e-5:
            problems.append(f'qform differs from the affine by {qerr:.3g}')
        # and must match the quaternion nibabel itself derives from the affine (to float32 rounding)
        ref = nib.Nifti1Header()
        ref.set_qform(aff, code=1)
        for f in ['quatern_b', 'quatern_c', 'quatern_d', 'qoffset_x', 'qoffset_y', 'qoffset_z']:
            if abs(float(ref[f]) - float(hdr[f])) > 2e-7 * max(1.0, abs(float(ref[f]))):
                problems.append(f'{f} {float(hdr[f])!r} != nibabel {float(ref[f])!r}')
        if not np.allclose(hdr['pixdim'][:4], ref['pixdim'][:4], rtol=1e-7, atol=0):
            problems.append(f'pixdim {hdr["pixdim"][:4]} != nibabel {ref["pixdim"][:4]}')
        # nibabel's own header checks on the raw bytes (sizeof_hdr, datatype, bitpix, pixdim, qfac, magic, offset)
        raw = gzip.open(path).read(348) if path.endswith('.gz') else open(path, 'rb').read(348)
        diag = nib.Nifti1Header.diagnose_binaryblock(raw)
        if diag:
            problems.append(f'nibabel header diagnosis: {diag}')
        if int(hdr['sform_code']) == 0 or int(hdr['qform_code']) == 0:
            problems.append('sform_code and qform_code should both be set')
        if problems:
            ok = False
            print(f'FAIL {path}: ' + '; '.join(problems))
        else:
            print(f'OK {path}: nibabel {nib.__version__} reads shape {got.shape} {got.dtype}, data and affine exact, '
                  f'qform within {qerr:.2g} of the affine, header checks clean, sform_code {int(hdr["sform_code"])} '
                  f'qform_code {int(hdr["qform_code"])}')
    return ok


def main():
    if len(sys.argv) > 1 and sys.argv[1] == 'verify':
        sys.exit(0 if verify(sys.argv[2:]) else 1)
    OUT.mkdir(parents=True, exist_ok=True)
    for p in OUT.iterdir():
        if p.suffix in ('.nii', '.gz', '.npy', '.h5') and not p.name.startswith('ts_written'):
            p.unlink()
    expected = {
        'generator': 'scripts/golden/io_fixtures.py',
        'versions': {'numpy': np.__version__, 'nibabel': nib.__version__, 'h5py': h5py.__version__},
    }
    make_nifti_fixtures(expected)
    make_npy_fixtures(expected)
    make_h5_fixtures(expected)
    make_real_expectations(expected)
    make_nibabel_data_expectations(expected)
    shape, data, aff = ts_recipe()
    expected['ts_recipe'] = {'shape': list(shape), 'affine': [[float(v) for v in r] for r in aff],
                             'data_f': jlist(data)}
    old = OUT / 'expected.json'
    if old.exists():
        prev = json.loads(old.read_text())
        # keep real-data values when the shared data is absent on this machine
        for key in ('real', 'nibabel_data'):
            if key not in expected and key in prev:
                expected[key] = prev[key]
    old.write_text(json.dumps(expected, indent=1, allow_nan=False) + '\n')
    total = sum(p.stat().st_size for p in OUT.iterdir() if p.is_file())
    print(f'wrote {len(list(OUT.iterdir()))} files to {OUT.relative_to(ROOT)} ({total} bytes)')


if __name__ == '__main__':
    main()
