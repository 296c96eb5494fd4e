/** `semiseg phantom`: writes the built-in phantom as an nnU-Net raw dataset (flags in, library call, one line out). */
import { writePhantomDataset } from '../data/phantom/index.ts';
import { parseFlags, UsageError } from './usage.ts';

const USAGE =
  'usage: semiseg phantom --out DIR [--cases N] [--seed S] [--shape D,H,W] [--spacing D,H,W] [--force] [--quiet]';

function integer(name: string, text: string, min: number): number {
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw new UsageError(`--${name} expects an integer >= ${min}, got '${text}'`);
  }
  return Number(text);
}

function triple(name: string, text: string, parse: (v: string) => number): number[] {
  const parts = text.split(',');
  if (parts.length !== 3)
    throw new UsageError(`--${name} expects three comma-separated values D,H,W, got '${text}'`);
  return parts.map(parse);
}

/** Runs `semiseg phantom ARGS`; returns the exit code (0 written, 2 bad flags). Other failures throw. */
export async function runPhantom(args: string[]): Promise<number> {
  const { flags, positional } = parseFlags(args, {
    out: 'string',
    cases: 'string',
    seed: 'string',
    shape: 'string',
    spacing: 'string',
    force: 'boolean',
    quiet: 'boolean',
    help: 'boolean',
  });
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  if (typeof flags.out !== 'string') throw new UsageError('--out DIR is required');
  const cases = integer('cases', (flags.cases as string | undefined) ?? '20', 1);
  const seed = integer('seed', (flags.seed as string | undefined) ?? '0', 0);
  const shape =
    typeof flags.shape === 'string' ? triple('shape', flags.shape, (v) => integer('shape', v, 1)) : undefined;
  const spacing =
    typeof flags.spacing === 'string'
      ? triple('spacing', flags.spacing, (v) => {
          const x = Number(v);
          if (v.trim() === '' || !(Number.isFinite(x) && x > 0)) {
            throw new UsageError(`--spacing expects positive sizes in mm, got '${flags.spacing}'`);
          }
          return x;
        })
      : undefined;
  const started = performance.now();
  const result = await writePhantomDataset({
    out: flags.out,
    cases,
    seed,
    shape,
    spacing,
    force: flags.force === true,
    onCase: flags.quiet ? undefined : (id, i, n) => console.error(`[phantom] ${i + 1}/${n} ${id}`),
  });
  const s = result.datasetJson.semiseg;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `wrote ${result.ids.length} cases [${s.shape.join(', ')}] at ${s.spacing_mm.join(' x ')} mm to ${result.out} in ${seconds} s`,
  );
  return 0;
}
