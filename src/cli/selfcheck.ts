/** `semiseg selfcheck`: prints the engine check's report. */
import { selfCheck } from '../torch/selfcheck.ts';
import { parseFlags, UsageError } from './usage.ts';

export function runSelfCheck(args: string[]): number {
  const { flags, positional } = parseFlags(args, { steps: 'string', json: 'boolean', help: 'boolean' });
  if (flags.help) {
    console.log('usage: semiseg selfcheck [--steps N] [--json]');
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const steps = flags.steps === undefined ? 8 : Number(flags.steps);
  if (!Number.isInteger(steps) || steps < 2)
    throw new UsageError(`--steps must be an integer >= 2, got ${flags.steps}`);
  const r = selfCheck(steps);
  if (flags.json) {
    console.log(JSON.stringify(r));
  } else {
    console.log(`libtorch ${r.libtorch}, ${r.threads} threads, ${r.cudaDevices} CUDA devices`);
    console.log(`losses: ${r.losses.map((l) => l.toFixed(4)).join(' ')}`);
    console.log(`${(r.secondsPerStep * 1000).toFixed(0)} ms per step; leaked tensors: ${r.leakedTensors}`);
    console.log(r.ok ? 'engine self-check passed' : 'engine self-check FAILED');
  }
  return r.ok ? 0 : 1;
}
