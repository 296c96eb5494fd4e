/**
 * The `semiseg` command line: parses the subcommand and hands over to a thin command module.
 * Commands never compute; they call the library and print.
 */
import { runDemoCommand } from './demo.ts';
import { runEvaluate } from './evaluate.ts';
import { runExperimentCommand } from './experiment.ts';
import { runInspect } from './inspect.ts';
import { runMethods } from './methods.ts';
import { runPhantom } from './phantom.ts';
import { runPreprocess } from './preprocess.ts';
import { runSelfCheck } from './selfcheck.ts';
import { runTest } from './test-cmd.ts';
import { runTrain } from './train.ts';
import { UsageError } from './usage.ts';

type Command = { summary: string; run: (args: string[]) => Promise<number> | number };

const COMMANDS: Record<string, Command> = {
  demo: {
    summary: 'phantom data, supervised vs DHC at 20% labels, test, evaluate, report (the main job)',
    run: runDemoCommand,
  },
  selfcheck: {
    summary: 'check that libtorch loads and a small 3D net trains',
    run: (args) => runSelfCheck(args),
  },
  inspect: {
    summary: 'print shape, dtype, spacing, affine and value statistics of a volume file',
    run: runInspect,
  },
  methods: { summary: 'list the training methods', run: runMethods },
  preprocess: {
    summary: 'preprocess a raw dataset into npy arrays with a manifest',
    run: (a) => runPreprocess(a),
  },
  phantom: { summary: 'write the built-in phantom CT dataset (nnU-Net raw format)', run: runPhantom },
  train: { summary: 'train a method on a preprocessed dataset (semiseg train --help)', run: runTrain },
  experiment: {
    summary: 'the three-seed protocol: train, test, evaluate, mean and std',
    run: runExperimentCommand,
  },
  test: { summary: "predict a split with a run's best checkpoint and score it", run: runTest },
  evaluate: {
    summary: 'score predicted label volumes against labels (summary.json, summary.md)',
    run: runEvaluate,
  },
};

function help(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return [
    'usage: semiseg <command> [options]',
    '',
    'commands:',
    ...rows,
    '',
    'semiseg <command> --help for its options',
  ].join('\n');
}

/** Runs the command line; returns the process exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(
      `semiseg: unknown command '${name}' (expected one of: ${Object.keys(COMMANDS).join(', ')})`,
    );
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`semiseg ${name}: ${message}`);
    return err instanceof UsageError ? 2 : 1;
  }
}
