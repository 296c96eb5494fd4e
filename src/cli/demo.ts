/** `semiseg demo`: the built-in end-to-end demo (phantom, supervised vs DHC, report). */
import { DEMO_DEFAULTS, runDemo } from '../engine/demo.ts';
import { parseFlags, UsageError } from './usage.ts';

function ints(v: string | boolean | undefined, name: string, n?: number): number[] | undefined {
  if (v === undefined) return undefined;
  const xs = String(v)
    .split(',')
    .map((s) => Number(s.trim()));
  if (xs.some((x) => !Number.isInteger(x) || x < 0) || (n !== undefined && xs.length !== n)) {
    throw new UsageError(
      `--${name}: expected ${n ?? 'a list of'} non-negative integers separated by commas, got '${v}'`,
    );
  }
  return xs;
}

export async function runDemoCommand(args: string[]): Promise<number> {
  const spec = {
    out: 'string',
    seeds: 'string',
    epochs: 'string',
    cases: 'string',
    help: 'boolean',
  } as const;
  const { flags, positional } = parseFlags(args, spec);
  if (flags.help) {
    console.log('usage: semiseg demo [--out runs/demo] [--seeds 0,1,2] [--epochs N] [--cases N]');
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const epochs = ints(flags.epochs, 'epochs', 1)?.[0] ?? DEMO_DEFAULTS.epochs;
  const cases = ints(flags.cases, 'cases', 1)?.[0] ?? DEMO_DEFAULTS.cases;
  if (epochs < 1) throw new UsageError('--epochs: expected at least 1');
  if (cases < 8) throw new UsageError('--cases: expected at least 8 (train, validation and test need cases)');
  const r = await runDemo({
    ...DEMO_DEFAULTS,
    out: typeof flags.out === 'string' ? flags.out : 'runs/demo',
    seeds: ints(flags.seeds, 'seeds') ?? DEMO_DEFAULTS.seeds,
    epochs,
    cases,
    log: (l) => console.log(l),
  });
  console.log(r.experiment.table);
  for (const [m, v] of Object.entries(r.rarestHalf))
    console.log(`rarest-half mean Dice, ${m}: ${(v * 100).toFixed(2)}%`);
  console.log(
    `demo finished in ${(r.seconds / 60).toFixed(1)} min; report: ${r.report.html} (and ${r.report.markdown})`,
  );
  return 0;
}
