/** `semiseg experiment`: train, test and evaluate methods over seeds; mean and std table. */
import { runExperiment } from '../engine/experiment.ts';
import { ConfigError, parseTrainArgs } from '../engine/train-config.ts';
import { UsageError } from './usage.ts';

export async function runExperimentCommand(args: string[]): Promise<number> {
  if (args.includes('--help')) {
    console.log(
      'usage: semiseg experiment --methods dhc,cps [--seeds 0,1,666] --out DIR <train options without --method/--seed>',
    );
    return 0;
  }
  const rest: string[] = [];
  let methods: string[] = [];
  let seeds = [0, 1, 666];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--methods' || a === '--seeds') {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a}: needs a value`);
      if (a === '--methods') methods = v.split(',');
      else {
        seeds = v.split(',').map(Number);
        if (seeds.some((s) => !Number.isInteger(s) || s < 0))
          throw new UsageError(`--seeds: expected integers, got '${v}'`);
      }
    } else if (a === '--method' || a === '--seed') {
      throw new UsageError(`${a}: use ${a}s with experiment`);
    } else rest.push(a);
  }
  if (methods.length === 0) throw new UsageError('--methods: required (e.g. supervised,cps,dhc)');
  let cfg: ReturnType<typeof parseTrainArgs>;
  try {
    cfg = parseTrainArgs([...rest, '--method', methods[0]!]);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const { method: _m, seed: _s, out, ...base } = cfg;
  const r = await runExperiment({ base, methods, seeds, outDir: out, log: (l) => console.log(l) });
  console.log(r.table);
  console.log(`tables in ${out}/experiment.md and experiment.json`);
  return 0;
}
