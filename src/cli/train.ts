/** `semiseg train`: parses the options and runs the trainer (see `semiseg train --help`). */
import { createRun, openRun } from '../engine/run-folder.ts';
import { setupRun } from '../engine/run-setup.ts';
import { ConfigError, parseTrainArgs, trainHelp } from '../engine/train-config.ts';
import { train } from '../engine/trainer.ts';
import { UsageError } from './usage.ts';

const tty = process.stderr.isTTY === true;

/** One progress line on a terminal: `epoch 3 [#####.....] 12/24 loss 0.8123`. */
function drawProgress(p: { epoch: number; step: number; perEpoch: number; loss: number }): void {
  const width = 24;
  const done = Math.round((p.step / p.perEpoch) * width);
  const bar = `${'#'.repeat(done)}${'.'.repeat(width - done)}`;
  process.stderr.write(`\r\x1b[Kepoch ${p.epoch} [${bar}] ${p.step}/${p.perEpoch} loss ${p.loss.toFixed(4)}`);
}

export async function runTrain(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(trainHelp());
    return 0;
  }
  let cfg: ReturnType<typeof parseTrainArgs>;
  try {
    cfg = parseTrainArgs(args);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  const parts = await setupRun(cfg);
  const paths = cfg.resume ? openRun(cfg.out).paths : createRun(cfg.out, parts.runManifest);
  const s = parts.splits;
  console.log(
    `semiseg train: ${cfg.method} on ${parts.manifest.name}, ${s.labeled.length} labeled + ${s.unlabeled.length} unlabeled cases, ` +
      `${s.eval.length} eval, ${s.test.length} test; ${parts.source.iterationsPerEpoch} iterations per epoch, epochs 0..${cfg.epochs}`,
  );
  try {
    const summary = await train({
      method: parts.method,
      source: parts.source,
      validator: parts.validator,
      paths,
      config: parts.trainer,
      resume: cfg.resume,
      log: (line) => {
        if (tty) process.stderr.write('\r\x1b[K');
        console.log(line);
      },
      ...(tty ? { onStep: drawProgress } : {}),
    });
    if (tty) process.stderr.write('\r\x1b[K');
    console.log(
      `${summary.status}: ${summary.iterations} iterations; best validation Dice ${(summary.bestScore * 100).toFixed(2)}% at epoch ${summary.bestEpoch}; run in ${paths.dir}`,
    );
    return summary.status === 'interrupted' ? 130 : 0;
  } finally {
    parts.method.dispose();
  }
}
