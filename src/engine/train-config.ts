/**
 * The training configuration: every option of `semiseg train`, its flag, its type, its default and
 * its check. Flags and config files (JSON or YAML) use the same keys; an unknown key or flag, or a
 * value of the wrong type, is an error naming it.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export interface TrainConfig {
  task: string;
  method: string;
  /** A preprocessed dataset folder (with manifest.json). */
  data: string;
  /** Labeled split name (`20p`, `labeled_20p`, `4`). */
  labeled: string;
  /** Run folder to create (or resume). */
  out: string;
  seed: number;
  /** E: epochs 0..E are run. */
  epochs: number;
  lr: number;
  unsupWeight: number;
  rampup: boolean;
  /** Ramp length in epochs (default: E). */
  rampLength: number | null;
  /** Patch `[D, H, W]` in voxels. */
  patch: number[];
  /** VNet base width. */
  filters: number;
  /** Samples per stream per iteration. */
  batch: number;
  momentum: number;
  weightDecay: number;
  validateEvery: number;
  /** Early-stop patience in epochs (0: never). */
  patience: number;
  device: string;
  workers: number;
  threads: number;
  resume: boolean;
  /** Stop after this many iterations in this process (smoke runs). 0: no limit. */
  maxIterations: number;
  /** Keep this many cases out as both the validation and the test set (0: the manifest's or 20% each). */
  holdout: number;
}

type Kind = 'string' | 'number' | 'int' | 'boolean' | 'ints' | 'int?';

interface OptionSpec {
  key: keyof TrainConfig;
  flag: string;
  kind: Kind;
  help: string;
  check?: (v: never) => string | null;
}

const positive = (v: number) => (v > 0 ? null : 'must be > 0');
const nonNegative = (v: number) => (v >= 0 ? null : 'must be >= 0');

/** Every option, in help order. */
export const TRAIN_OPTIONS: readonly OptionSpec[] = [
  { key: 'task', flag: 'task', kind: 'string', help: 'synapse, amos, la, acdc, or a dataset name' },
  { key: 'method', flag: 'method', kind: 'string', help: 'see `semiseg methods`' },
  { key: 'data', flag: 'data', kind: 'string', help: 'preprocessed dataset folder (manifest.json)' },
  {
    key: 'labeled',
    flag: 'labeled',
    kind: 'string',
    help: 'labeled split: 20p, labeled_20p, or a case count',
  },
  { key: 'out', flag: 'out', kind: 'string', help: 'run folder' },
  { key: 'seed', flag: 'seed', kind: 'int', help: 'random seed', check: nonNegative },
  { key: 'epochs', flag: 'epochs', kind: 'int', help: 'max epoch E (epochs 0..E)', check: positive },
  { key: 'lr', flag: 'lr', kind: 'number', help: 'base learning rate', check: positive },
  {
    key: 'unsupWeight',
    flag: 'unsup-weight',
    kind: 'number',
    help: 'unsupervised weight w',
    check: nonNegative,
  },
  { key: 'rampup', flag: 'rampup', kind: 'boolean', help: 'sigmoid ramp-up of the unsupervised weight' },
  { key: 'rampLength', flag: 'ramp-length', kind: 'int?', help: 'ramp length in epochs (default E)' },
  { key: 'patch', flag: 'patch', kind: 'ints', help: 'patch D,H,W in voxels' },
  { key: 'filters', flag: 'filters', kind: 'int', help: 'network base width', check: positive },
  { key: 'batch', flag: 'batch', kind: 'int', help: 'samples per stream per iteration', check: positive },
  { key: 'momentum', flag: 'momentum', kind: 'number', help: 'SGD momentum', check: nonNegative },
  { key: 'weightDecay', flag: 'weight-decay', kind: 'number', help: 'SGD weight decay', check: nonNegative },
  {
    key: 'validateEvery',
    flag: 'validate-every',
    kind: 'int',
    help: 'epochs between validations',
    check: positive,
  },
  {
    key: 'patience',
    flag: 'patience',
    kind: 'int',
    help: 'early-stop patience in epochs (0: never)',
    check: nonNegative,
  },
  { key: 'device', flag: 'device', kind: 'string', help: 'cpu, cuda or cuda:N' },
  { key: 'workers', flag: 'workers', kind: 'int', help: 'data loading threads', check: nonNegative },
  {
    key: 'threads',
    flag: 'threads',
    kind: 'int',
    help: 'libtorch intra-op threads (0: all cores)',
    check: nonNegative,
  },
  {
    key: 'resume',
    flag: 'resume',
    kind: 'boolean',
    help: 'continue the run in --out from its last checkpoint',
  },
  {
    key: 'holdout',
    flag: 'holdout',
    kind: 'int',
    help: 'cases kept out as both validation and test set (0: splits)',
    check: nonNegative,
  },
  {
    key: 'maxIterations',
    flag: 'max-iterations',
    kind: 'int',
    help: 'stop after N iterations (0: no limit)',
    check: nonNegative,
  },
];

/** The references' defaults (DHC's scripts: lr 0.03, w 0.1, ramp-up on, E = 300 for 20%). */
export const TRAIN_DEFAULTS: Omit<TrainConfig, 'task' | 'method' | 'data' | 'labeled' | 'out'> = {
  seed: 0,
  epochs: 300,
  lr: 0.03,
  unsupWeight: 0.1,
  rampup: true,
  rampLength: null,
  patch: [64, 128, 128],
  filters: 32,
  batch: 2,
  momentum: 0.9,
  weightDecay: 3e-5,
  validateEvery: 10,
  patience: 100,
  device: 'cpu',
  workers: 2,
  threads: 0,
  resume: false,
  maxIterations: 0,
  holdout: 0,
};

const REQUIRED: (keyof TrainConfig)[] = ['task', 'method', 'data', 'labeled', 'out'];

/** A bad option: the message names the flag or key and what was expected. */
export class ConfigError extends Error {}

function convert(spec: OptionSpec, raw: unknown, where: string): unknown {
  const name = `${where}${spec.flag}`;
  const fail = (what: string): never => {
    throw new ConfigError(`${name}: expected ${what}, got ${JSON.stringify(raw)}`);
  };
  switch (spec.kind) {
    case 'string':
      if (typeof raw !== 'string' || raw === '') fail('a non-empty string');
      return raw;
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      return fail('true or false');
    case 'number': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && raw.trim() !== ''
            ? Number(raw)
            : Number.NaN;
      if (!Number.isFinite(n)) fail('a number');
      return n;
    }
    case 'int':
    case 'int?': {
      if (spec.kind === 'int?' && (raw === null || raw === 'none')) return null;
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && raw.trim() !== ''
            ? Number(raw)
            : Number.NaN;
      if (!Number.isInteger(n)) fail('an integer');
      return n;
    }
    case 'ints': {
      const parts = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [];
      const ns = parts.map((p) => (typeof p === 'number' ? p : Number(String(p).trim())));
      if (ns.length !== 3 || ns.some((n) => !Number.isInteger(n) || n <= 0))
        fail('three positive integers D,H,W');
      return ns;
    }
  }
}

function apply(
  target: Partial<TrainConfig>,
  key: string,
  raw: unknown,
  where: string,
  byFlag: boolean,
): void {
  const spec = TRAIN_OPTIONS.find((o) => (byFlag ? o.flag === key : o.key === key || o.flag === key));
  if (!spec) {
    const known = TRAIN_OPTIONS.map((o) => (byFlag ? `--${o.flag}` : o.key)).join(', ');
    throw new ConfigError(
      `${where}${byFlag ? '--' : ''}${key}: unknown ${byFlag ? 'flag' : 'key'} (expected one of: ${known})`,
    );
  }
  const v = convert(spec, raw, where) as never;
  const problem = spec.check?.(v);
  if (problem) throw new ConfigError(`${where}${spec.flag}: ${problem}, got ${JSON.stringify(raw)}`);
  (target as Record<string, unknown>)[spec.key] = v;
}

/** Reads a JSON or YAML config file of training options (keys as in TrainConfig or as flags). */
export function readConfigFile(path: string): Partial<TrainConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  let data: unknown;
  try {
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(
      `${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'} (${(e as Error).message.split('\n')[0]})`,
    );
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(`${path}: expected a mapping of options`);
  }
  const out: Partial<TrainConfig> = {};
  for (const [k, v] of Object.entries(data)) apply(out, k, v, `${path}: `, false);
  return out;
}

/**
 * The configuration from command-line arguments (`--key value`, `--key=value`, `--flag` for true,
 * `--config FILE`): defaults, then the file, then the flags. Throws a ConfigError naming the first
 * bad or missing option.
 */
export function parseTrainArgs(args: readonly string[]): TrainConfig {
  const fromFlags: Partial<TrainConfig> = {};
  let file: Partial<TrainConfig> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new ConfigError(`unexpected argument '${a}' (options are --key value)`);
    const eq = a.indexOf('=');
    const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
    let value: string | undefined = eq > 0 ? a.slice(eq + 1) : undefined;
    const spec = TRAIN_OPTIONS.find((o) => o.flag === key);
    if (value === undefined) {
      if (spec?.kind === 'boolean' && (args[i + 1] === undefined || args[i + 1]!.startsWith('--')))
        value = 'true';
      else if (
        key.startsWith('no-') &&
        TRAIN_OPTIONS.some((o) => o.flag === key.slice(3) && o.kind === 'boolean')
      ) {
        apply(fromFlags, key.slice(3), 'false', '', true);
        continue;
      } else {
        value = args[++i];
        if (value === undefined) throw new ConfigError(`--${key}: needs a value`);
      }
    }
    if (key === 'config') file = readConfigFile(value);
    else apply(fromFlags, key, value, '', true);
  }
  const cfg = { ...TRAIN_DEFAULTS, ...file, ...fromFlags } as TrainConfig;
  for (const k of REQUIRED) {
    if (cfg[k] === undefined) {
      const spec = TRAIN_OPTIONS.find((o) => o.key === k)!;
      throw new ConfigError(`--${spec.flag}: required (${spec.help})`);
    }
  }
  return cfg;
}

/** Help text of `semiseg train`. */
export function trainHelp(): string {
  const rows = TRAIN_OPTIONS.map((o) => {
    const d = (TRAIN_DEFAULTS as Record<string, unknown>)[o.key];
    return `  --${o.flag.padEnd(16)} ${o.help}${d === undefined ? ' (required)' : ` (default ${JSON.stringify(d)})`}`;
  });
  return ['usage: semiseg train [--config FILE.yaml|json] [options]', '', ...rows].join('\n');
}
