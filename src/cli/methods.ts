/** `semiseg methods`: lists the training methods. */
import { listMethods } from '../methods/registry.ts';
import { parseFlags, UsageError } from './usage.ts';

export function runMethods(args: string[]): number {
  const { flags, positional } = parseFlags(args, { json: 'boolean', help: 'boolean' });
  if (flags.help) {
    console.log('usage: semiseg methods [--json]');
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const methods = listMethods();
  if (flags.json) {
    console.log(
      JSON.stringify(methods.map(({ name, summary, semiSupervised }) => ({ name, summary, semiSupervised }))),
    );
  } else {
    for (const m of methods) console.log(`${m.name.padEnd(12)} ${m.summary}`);
  }
  return 0;
}
