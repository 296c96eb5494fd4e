/** `semiseg inspect FILE`: prints one JSON object describing a volume file. */
import { inspect } from '../io/index.ts';
import { parseFlags, UsageError } from './usage.ts';

export async function runInspect(args: string[]): Promise<number> {
  const { flags, positional } = parseFlags(args, { help: 'boolean' });
  if (flags.help) {
    console.log('usage: semiseg inspect FILE   (.nii, .nii.gz, .npy, .h5)');
    return 0;
  }
  if (positional.length !== 1) throw new UsageError('expected exactly one FILE');
  console.log(JSON.stringify(await inspect(positional[0]!)));
  return 0;
}
