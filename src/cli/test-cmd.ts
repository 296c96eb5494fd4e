/** `semiseg test --run RUN_DIR [--split test]`: predicts a split with the run's best models and scores it. */
import { testRun } from '../engine/test-run.ts';
import { parseFlags, UsageError } from './usage.ts';

export async function runTest(args: string[]): Promise<number> {
  const { flags, positional } = parseFlags(args, {
    run: 'string',
    split: 'string',
    policy: 'string',
    help: 'boolean',
  });
  if (flags.help) {
    console.log('usage: semiseg test --run RUN_DIR [--split test|eval] [--policy strict|reference-dhc]');
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  if (typeof flags.run !== 'string')
    throw new UsageError('--run: required (a run folder made by semiseg train)');
  const policy = (flags.policy as string | undefined) ?? 'strict';
  if (policy !== 'strict' && policy !== 'reference-dhc') {
    throw new UsageError(`--policy: expected strict or reference-dhc, got '${policy}'`);
  }
  const r = await testRun(flags.run, (flags.split as string | undefined) ?? 'test', { policy });
  console.log(r.markdown);
  console.log(`predictions and summary.json in ${r.dir}`);
  return 0;
}
