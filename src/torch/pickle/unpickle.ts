/**
 * A restricted unpickler for the files `torch.save` writes (pickle protocol 2 in a zip archive):
 * dicts, OrderedDicts (state_dicts with `_metadata`), lists, tuples, numbers, strings, and tensors
 * rebuilt from their storages. Any other Python object is refused with a message naming it, so a
 * checkpoint can never run code.
 */
import { DTYPE_SIZE, type DType } from '../dtype.ts';
import * as ops from '../generated/ops.ts';
import { native } from '../native.ts';
import { Tensor } from '../tensor.ts';
import { readZipEntries } from './zip.ts';

/** A value of the unpickled object graph. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Tensor
  | PickleValue[]
  | Map<PickleValue, PickleValue>
  | { readonly tuple: PickleValue[] };

const STORAGE_DTYPES: Record<string, DType> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

interface Global {
  global: string;
}
interface Storage {
  storage: Tensor;
}
const MARK = Symbol('mark');
type Item = PickleValue | Global | Storage | typeof MARK;

class Tuple {
  constructor(readonly tuple: PickleValue[]) {}
}

function asNumber(v: Item, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new Error(`expected a number for ${what}`);
}

function asInts(v: Item, what: string): number[] {
  if (!(v instanceof Tuple)) throw new Error(`expected a tuple for ${what}`);
  return v.tuple.map((x) => asNumber(x, what));
}

/** Parses the bytes of a `torch.save` file into its object graph (tensors are new handles). */
export function unpickleTorchFile(bytes: Uint8Array): PickleValue {
  const entries = readZipEntries(bytes);
  const pklName = [...entries.keys()].find((n) => n.endsWith('/data.pkl') || n === 'data.pkl');
  if (pklName === undefined) throw new Error('the archive has no data.pkl (not a torch.save file)');
  const prefix = pklName.slice(0, pklName.length - 'data.pkl'.length);
  const storages = new Map<string, Tensor>();
  const loadStorage = (pid: PickleValue): Storage => {
    if (!(pid instanceof Tuple) || pid.tuple[0] !== 'storage') throw new Error('unsupported persistent id');
    const [, type, key, , numel] = pid.tuple as [string, unknown, string, string, number];
    const typeName = (type as unknown as Global).global?.split('.').pop() ?? '';
    const dtype = STORAGE_DTYPES[typeName];
    if (dtype === undefined) throw new Error(`unsupported storage type ${typeName}`);
    let s = storages.get(key);
    if (s === undefined) {
      const data = entries.get(`${prefix}data/${key}`);
      if (data === undefined) throw new Error(`storage record data/${key} is missing`);
      const n = Number(numel);
      if (data.length !== n * DTYPE_SIZE[dtype]) throw new Error(`storage data/${key} has the wrong size`);
      s = new Tensor(native.fromBytes(data, dtype, n));
      storages.set(key, s);
    }
    return { storage: s };
  };
  try {
    return run(entries.get(pklName)!, loadStorage);
  } finally {
    for (const s of storages.values()) s.dispose();
  }
}

function callGlobal(name: string, args: PickleValue[]): PickleValue {
  switch (name) {
    case 'collections.OrderedDict':
      return new Map();
    case 'torch._utils._rebuild_tensor_v2': {
      const [storage, offset, size, stride, requiresGrad] = args as unknown as [
        Storage,
        number,
        Item,
        Item,
        boolean,
      ];
      const view = ops.asStrided(storage.storage, asInts(size, 'size'), asInts(stride, 'stride'), {
        storage_offset: asNumber(offset, 'offset'),
      });
      const t = ops.clone(view, { memory_format: 'contiguous' });
      view.dispose();
      if (requiresGrad) t.requiresGrad_(true);
      return t;
    }
    case 'torch.jit._pickle.restore_type_tag':
      // libtorch's writer tags typed containers (e.g. Dict[str, Tensor]); the tag is only a type hint.
      return args[0] ?? null;
    case 'torch._utils._rebuild_parameter': {
      const [data, requiresGrad] = args as [Tensor, boolean];
      if (requiresGrad) data.requiresGrad_(true);
      return data;
    }
    default:
      throw new Error(`refusing to build the Python object ${name}`);
  }
}

function run(pkl: Uint8Array, persistentLoad: (pid: PickleValue) => Storage): PickleValue {
  const v = new DataView(pkl.buffer, pkl.byteOffset, pkl.byteLength);
  const text = new TextDecoder();
  const stack: Item[] = [];
  const memo = new Map<number, Item>();
  let p = 0;
  const pop = (): Item => {
    if (stack.length === 0) throw new Error('pickle stack underflow');
    return stack.pop()!;
  };
  const popMark = (): Item[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw new Error('pickle MARK missing');
    const items = stack.splice(i);
    items.shift();
    return items;
  };
  const top = (): Item => stack[stack.length - 1]!;
  const readLine = (): string => {
    const end = pkl.indexOf(0x0a, p);
    if (end < 0) throw new Error('pickle truncated');
    const s = text.decode(pkl.subarray(p, end));
    p = end + 1;
    return s;
  };
  const need = (n: number) => {
    if (p + n > pkl.length) throw new Error('pickle truncated');
  };
  const setItems = (target: Item, items: Item[]) => {
    if (!(target instanceof Map)) throw new Error('SETITEM on a non-dict');
    for (let i = 0; i + 1 < items.length; i += 2)
      target.set(items[i] as PickleValue, items[i + 1] as PickleValue);
  };
  const str = (n: number): string => {
    need(n);
    const s = text.decode(pkl.subarray(p, p + n));
    p += n;
    return s;
  };
  for (;;) {
    need(1);
    const op = pkl[p++]!;
    switch (op) {
      case 0x80: // PROTO
        p += 1;
        break;
      case 0x95: // FRAME
        p += 8;
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new Tuple([]));
        break;
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x58: // BINUNICODE
        need(4);
        p += 4;
        stack.push(str(v.getUint32(p - 4, true)));
        break;
      case 0x8c: // SHORT_BINUNICODE
        need(1);
        stack.push(str(pkl[p++]!));
        break;
      case 0x55: // SHORT_BINSTRING
        need(1);
        stack.push(str(pkl[p++]!));
        break;
      case 0x71: // BINPUT
        need(1);
        memo.set(pkl[p++]!, top());
        break;
      case 0x72: // LONG_BINPUT
        need(4);
        memo.set(v.getUint32(p, true), top());
        p += 4;
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        need(1);
        stack.push(memo.get(pkl[p++]!) as Item);
        break;
      case 0x6a: // LONG_BINGET
        need(4);
        stack.push(memo.get(v.getUint32(p, true)) as Item);
        p += 4;
        break;
      case 0x4b: // BININT1
        need(1);
        stack.push(pkl[p++]!);
        break;
      case 0x4d: // BININT2
        need(2);
        stack.push(v.getUint16(p, true));
        p += 2;
        break;
      case 0x4a: // BININT
        need(4);
        stack.push(v.getInt32(p, true));
        p += 4;
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement of n bytes
        need(1);
        const n = pkl[p++]!;
        need(n);
        let x = 0n;
        for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(pkl[p + i]!);
        if (n > 0 && pkl[p + n - 1]! & 0x80) x -= 1n << BigInt(8 * n);
        p += n;
        stack.push(
          x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x,
        );
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(v.getFloat64(p, false));
        p += 8;
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x74: // TUPLE
        stack.push(new Tuple(popMark() as PickleValue[]));
        break;
      case 0x85: // TUPLE1
        stack.push(new Tuple([pop() as PickleValue]));
        break;
      case 0x86: {
        const b = pop();
        stack.push(new Tuple([pop() as PickleValue, b as PickleValue]));
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push(new Tuple([pop() as PickleValue, b as PickleValue, c as PickleValue]));
        break;
      }
      case 0x63: {
        // GLOBAL module\nname\n
        const module = readLine();
        stack.push({ global: `${module}.${readLine()}` });
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop() as string;
        stack.push({ global: `${pop() as string}.${name}` });
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop() as Global;
        if (!(args instanceof Tuple) || typeof fn?.global !== 'string') throw new Error('malformed REDUCE');
        stack.push(callGlobal(fn.global, args.tuple));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop() as Global;
        stack.push(callGlobal(cls.global, args instanceof Tuple ? args.tuple : []));
        break;
      }
      case 0x62: // BUILD: the state of an OrderedDict (its _metadata) is not needed
        pop();
        break;
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const x = pop();
        (top() as PickleValue[]).push(x as PickleValue);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        (top() as PickleValue[]).push(...(items as PickleValue[]));
        break;
      }
      case 0x51: // BINPERSID
        stack.push(persistentLoad(pop() as PickleValue));
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x2e: // STOP
        return pop() as PickleValue;
      default:
        throw new Error(`unsupported pickle opcode 0x${op.toString(16)} at byte ${p - 1}`);
    }
  }
}
