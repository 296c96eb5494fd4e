#!/usr/bin/env python3
"""Development aid (not run by the tests): checks PNG files written by src/report with Python's own zlib.

Usage: /usr/bin/python3 test/report/golden/check_png.py FILE.png ...

For each file: the signature, every chunk's CRC (zlib.crc32), the IHDR fields, that the IDAT stream inflates
to exactly (1 + width * channels) * height bytes with filter types 0..4, and the SHA-256 of the unfiltered
pixels. When Pillow is installed, it also decodes the file and the pixels are compared with ours.
"""
import hashlib
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def decode(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'signature'
    pos, idat, ihdr, types = 8, b'', None, []
    while pos < len(data):
        (length,) = struct.unpack('>I', data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f'CRC of {kind}'
        types.append(kind.decode())
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    assert types[0] == 'IHDR' and types[-1] == 'IEND', types
    w, h, depth, ctype, comp, filt, interlace = ihdr
    assert depth == 8 and ctype in (2, 6) and comp == 0 and filt == 0 and interlace == 0, ihdr
    ch = 4 if ctype == 6 else 3
    raw = zlib.decompress(idat)
    stride = w * ch
    assert len(raw) == (stride + 1) * h, 'inflated size'
    out = bytearray(stride * h)
    for y in range(h):
        f = raw[y * (stride + 1)]
        assert f <= 4, f'filter {f}'
        for i in range(stride):
            x = raw[y * (stride + 1) + 1 + i]
            a = out[y * stride + i - ch] if i >= ch else 0
            b = out[(y - 1) * stride + i] if y > 0 else 0
            c = out[(y - 1) * stride + i - ch] if i >= ch and y > 0 else 0
            pred = (0, a, b, (a + b) // 2, paeth(a, b, c))[f]
            out[y * stride + i] = (x + pred) & 0xFF
    return w, h, ch, bytes(out)


def main():
    for path in sys.argv[1:]:
        w, h, ch, px = decode(path)
        note = ''
        try:
            from PIL import Image

            im = Image.open(path)
            im.load()
            assert im.size == (w, h) and im.tobytes() == px, 'Pillow disagrees'
            note = ', Pillow agrees'
        except ImportError:
            pass
        print(f'{path}: {w}x{h}, {ch} channels, sha256 {hashlib.sha256(px).hexdigest()[:16]}{note}')


if __name__ == '__main__':
    main()
