/**
 * Renders `src/torch/generated/ops.ts` from the installed libtorch's operator schemas and the
 * allowlist in `scripts/ops.allowlist`. Pure apart from reading the allowlist; the drift test and
 * `scripts/gen-ops.ts` both call {@link renderOpsFile}.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NativeOpInfo } from '../src/torch/native.ts';

/** What the addon's `describeOp` reports for one operator (and one of its arguments). */
export type OpInfo = NativeOpInfo;
export type ArgInfo = NativeOpInfo['args'][number];

/** One allowlist line: the TypeScript name and the qualified schema name. */
export interface AllowlistEntry {
  tsName: string;
  name: string;
  overload: string;
}

export const ALLOWLIST_PATH = fileURLToPath(new URL('./ops.allowlist', import.meta.url));
export const GENERATED_PATH = fileURLToPath(new URL('../src/torch/generated/ops.ts', import.meta.url));

/** Parses the allowlist: `<tsName> <aten::name[.overload]>` per line, `#` comments. */
export function readAllowlist(path = ALLOWLIST_PATH): AllowlistEntry[] {
  const entries: AllowlistEntry[] = [];
  for (const [i, raw] of readFileSync(path, 'utf8').split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [tsName, qualified, extra] = line.split(/\s+/);
    if (!tsName || !qualified || extra)
      throw new Error(`${path}:${i + 1}: expected '<tsName> <aten::op.overload>'`);
    const dot = qualified.indexOf('.');
    entries.push({
      tsName,
      name: dot < 0 ? qualified : qualified.slice(0, dot),
      overload: dot < 0 ? '' : qualified.slice(dot + 1),
    });
  }
  return entries;
}

const RESERVED = new Set([
  'function',
  'new',
  'default',
  'in',
  'with',
  'delete',
  'var',
  'let',
  'const',
  'class',
]);

function paramName(name: string): string {
  return RESERVED.has(name) ? `${name}_` : name;
}

function tsType(a: ArgInfo): string {
  const base = (() => {
    switch (a.kind) {
      case 'Tensor':
        return 'Tensor';
      case 'int':
      case 'float':
        return 'number';
      case 'bool':
        return 'boolean';
      case 'Scalar':
        return 'Scalar';
      case 'str':
        return 'string';
      case 'int[]':
        return a.size !== undefined && a.size > 0 ? 'number | readonly number[]' : 'readonly number[]';
      case 'float[]':
        return 'readonly number[]';
      case 'bool[]':
        return 'readonly boolean[]';
      case 'Tensor[]':
        return 'readonly Tensor[]';
      case 'Tensor?[]':
        return 'readonly (Tensor | null)[]';
      case 'ScalarType':
        return 'DType';
      case 'Layout':
        return "'strided'";
      case 'MemoryFormat':
        return 'MemoryFormat';
      case 'Device':
        return 'DeviceSpec';
      case 'Generator':
        return 'null';
      default:
        throw new Error(`unsupported argument type ${a.type} (${a.name})`);
    }
  })();
  return a.optional && base !== 'null' ? `${base} | null` : base;
}

function valueExpr(a: ArgInfo, expr: string, required: boolean): string {
  switch (a.kind) {
    case 'Tensor':
      return required && !a.optional ? `${expr}.id` : `idOf(${expr})`;
    case 'Tensor[]':
      return `ids(${expr})`;
    case 'Tensor?[]':
      return `optIds(${expr})`;
    default:
      return expr;
  }
}

type ReturnShape = 'void' | 'self' | 'tensor' | 'tensors' | 'tuple' | 'value';

function returnShape(op: OpInfo): { shape: ReturnShape; type: string } {
  const r = op.returns;
  if (r.length === 0) return { shape: 'void', type: 'void' };
  if (r.length === 1 && r[0]!.type === 'Tensor') {
    if (r[0]!.aliasesInput && op.args[0]?.writes) return { shape: 'self', type: 'Tensor' };
    return { shape: 'tensor', type: 'Tensor' };
  }
  if (r.length === 1 && r[0]!.type === 'List[Tensor]') return { shape: 'tensors', type: 'Tensor[]' };
  if (r.every((x) => x.type === 'Tensor')) {
    return { shape: 'tuple', type: `[${r.map(() => 'Tensor').join(', ')}]` };
  }
  if (r.length === 1 && (r[0]!.type === 'int' || r[0]!.type === 'float'))
    return { shape: 'value', type: 'number' };
  if (r.length === 1 && r[0]!.type === 'bool') return { shape: 'value', type: 'boolean' };
  throw new Error(`unsupported return types ${r.map((x) => x.type).join(', ')}`);
}

/** Renders one operator wrapper. Arguments without a default are positional; the rest go in `opts`. */
export function renderOp(entry: AllowlistEntry, op: OpInfo): string {
  // Keyword-only optional arguments without a default (None when absent) also go in `opts`.
  const inOpts = (a: ArgInfo) => a.hasDefault || a.kind === 'Generator' || (a.optional && a.kwargOnly);
  const required = op.args.filter((a) => !inOpts(a));
  const optional = op.args.filter(inOpts);
  const params = required.map((a) => `${paramName(a.name)}: ${tsType(a)}`);
  if (optional.length > 0) {
    params.push(`opts?: { ${optional.map((a) => `${a.name}?: ${tsType(a)}`).join('; ')} }`);
  }
  const callArgs = op.args.map((a) =>
    inOpts(a) ? valueExpr(a, `opts?.${a.name}`, false) : valueExpr(a, paramName(a.name), true),
  );
  const { shape, type } = returnShape(op);
  const idVar = `op_${entry.tsName}`;
  const call = `native.call(${idVar}, ${shape === 'void' || shape === 'self' ? 0 : 1}${callArgs.map((c) => `, ${c}`).join('')})`;
  const body = (() => {
    switch (shape) {
      case 'void':
        return `  ${call};`;
      case 'self':
        return `  ${call};\n  return ${paramName(op.args[0]!.name)};`;
      case 'tensor':
        return `  return wrap(${call} as number);`;
      case 'tensors':
      case 'tuple':
        return `  return wrapList(${call} as number[]) as ${type};`;
      default:
        return `  return ${call} as ${type};`;
    }
  })();
  return [
    `let ${idVar} = -1;`,
    `/** \`${op.schema}\` */`,
    `export function ${entry.tsName}(${params.join(', ')}): ${type} {`,
    `  if (${idVar} < 0) ${idVar} = native.opId('${op.name}', '${op.overload}');`,
    body,
    '}',
    '',
  ].join('\n');
}

/** Renders the whole generated file from `describe` (the addon's describeOp). */
export function renderOpsFile(
  describe: (name: string, overload: string) => OpInfo,
  version: string,
  entries = readAllowlist(),
): string {
  const seen = new Set<string>();
  const parts = [
    '// GENERATED by scripts/gen-ops.ts from the installed libtorch and scripts/ops.allowlist.',
    '// Do not edit by hand: run `npm run gen:ops`. A test fails when this file drifts from the generator.',
    `// libtorch ${version}; ${entries.length} operators.`,
    '/* eslint-disable */',
    "import { native } from '../native.ts';",
    "import type { DeviceSpec, DType, MemoryFormat, Scalar } from '../dtype.ts';",
    "import { type Tensor, idOf, ids, optIds, wrap, wrapList } from '../tensor.ts';",
    '',
  ];
  for (const entry of entries) {
    if (seen.has(entry.tsName)) throw new Error(`allowlist: duplicate TypeScript name ${entry.tsName}`);
    seen.add(entry.tsName);
    parts.push(renderOp(entry, describe(entry.name, entry.overload)));
  }
  return parts.join('\n');
}
