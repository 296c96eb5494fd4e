/**
 * A reader for the zip archives PyTorch writes (`torch.save` since 1.6): stored (uncompressed)
 * entries, zip64 included. Returns each entry's bytes as a view into the file buffer.
 */

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** A malformed or unsupported archive; the message names the problem. */
export class ZipError extends Error {}

function findEocd(v: DataView): number {
  const min = Math.max(0, v.byteLength - 22 - 65535);
  for (let i = v.byteLength - 22; i >= min; i--) {
    if (v.getUint32(i, true) === EOCD) return i;
  }
  throw new ZipError('not a zip archive (no end-of-central-directory record)');
}

function u64(v: DataView, off: number): number {
  const n = v.getBigUint64(off, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('zip64 value too large');
  return Number(n);
}

/** Maps entry name -> bytes for every entry of the archive in `buf`. */
export function readZipEntries(buf: Uint8Array): Map<string, Uint8Array> {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.byteLength < 22) throw new ZipError('not a zip archive (file too short)');
  const eocd = findEocd(v);
  let count = v.getUint16(eocd + 10, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  if (cdOffset === 0xffffffff || count === 0xffff) {
    const loc = eocd - 20;
    if (loc < 0 || v.getUint32(loc, true) !== ZIP64_LOCATOR) throw new ZipError('zip64 locator missing');
    const z = u64(v, loc + 8);
    if (z + 56 > buf.byteLength || v.getUint32(z, true) !== ZIP64_EOCD)
      throw new ZipError('zip64 record missing');
    count = u64(v, z + 32);
    cdOffset = u64(v, z + 48);
  }
  const out = new Map<string, Uint8Array>();
  const decoder = new TextDecoder();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.byteLength || v.getUint32(p, true) !== CENTRAL) {
      throw new ZipError(`central directory entry ${i} is corrupt`);
    }
    const method = v.getUint16(p + 10, true);
    let size = v.getUint32(p + 24, true);
    let compressed = v.getUint32(p + 20, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    let local = v.getUint32(p + 42, true);
    const name = decoder.decode(buf.subarray(p + 46, p + 46 + nameLen));
    // zip64 extended information: the 0xffffffff fields, in order, as 8-byte values.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) {
          size = u64(v, q);
          q += 8;
        }
        if (compressed === 0xffffffff) {
          compressed = u64(v, q);
          q += 8;
        }
        if (local === 0xffffffff) local = u64(v, q);
      }
      e += 4 + len;
    }
    if (method !== 0)
      throw new ZipError(`entry '${name}' is compressed (method ${method}); PyTorch stores entries`);
    if (local + 30 > buf.byteLength || v.getUint32(local, true) !== LOCAL) {
      throw new ZipError(`entry '${name}' has a corrupt local header`);
    }
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    if (start + size > buf.byteLength) throw new ZipError(`entry '${name}' is truncated`);
    out.set(name, buf.subarray(start, start + size));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
