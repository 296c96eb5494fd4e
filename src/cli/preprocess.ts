/**
 * `semiseg preprocess --task synapse|amos|la|acdc|nnunet --data DIR --out DIR [--variant V] [--cases a,b]
 * [--split-set S] [--force]`: parses the flags and calls `preprocessDataset`. Progress goes to stderr: a bar
 * redrawn in place on a terminal, one plain line per case otherwise. The summary goes to stdout.
 */

import { type PreprocessProgress, preprocessDataset } from '../data/datasets/preprocess-dataset.ts';
import { TASKS, taskVariants } from '../data/preprocess/variants.ts';
import { parseFlags, UsageError } from './usage.ts';

const USAGE = [
  'usage: semiseg preprocess --task TASK --data DIR --out DIR [--variant V] [--cases ID,ID,...]',
  '                          [--split-set NAME] [--force]',
  '',
  `  --task       ${TASKS.join(' | ')}`,
  '  --data       the raw dataset folder (Synapse/AMOS/nnU-Net: imagesTr/ labelsTr/; LA/ACDC: the h5 folder)',
  '  --out        the output folder (new or empty): <id>_image.npy, <id>_label.npy, manifest.json',
  '  --variant    the preprocessing variant, per task (default first):',
  ...TASKS.map((t) => `                 ${t}: ${taskVariants(t).join(', ')}`),
  '  --cases      only these case ids (comma-separated)',
  '  --split-set  reference split set written into the manifest (default: the task default)',
  '  --force      overwrite the arrays and manifest of an earlier run in --out',
].join('\n');

/** Where the command writes; tests pass their own. */
export interface PreprocessIo {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown; isTTY?: boolean };
}

function progressWriter(io: PreprocessIo): (p: PreprocessProgress) => void {
  if (io.err.isTTY) {
    return (p) => {
      const width = 30;
      const full = Math.round((p.done / p.total) * width);
      const bar = `${'#'.repeat(full)}${'.'.repeat(width - full)}`;
      const line = `\r[${bar}] ${p.done}/${p.total} ${p.id} ${(p.elapsedMs / 1000).toFixed(1)} s`;
      io.err.write(`${line.padEnd(80)}${p.done === p.total ? '\n' : ''}`);
    };
  }
  return (p) =>
    io.err.write(`preprocess: ${p.done}/${p.total} ${p.id} (${(p.elapsedMs / 1000).toFixed(1)} s)\n`);
}

function required(flags: Record<string, string | boolean>, name: string, what: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '')
    throw new UsageError(`missing --${name} (expected ${what}; see semiseg preprocess --help)`);
  return v;
}

/**
 * Runs `semiseg preprocess` with `args` (the flags after the command name). Returns 0 on success. Throws
 * `UsageError` for an unknown flag, a missing or valueless flag, an unknown task or a stray argument, and
 * the library's one-line `DataError` / `IoError` for a bad dataset.
 */
export async function runPreprocess(
  args: string[],
  io: PreprocessIo = { out: process.stdout, err: process.stderr },
): Promise<number> {
  const { flags, positional } = parseFlags(args, {
    task: 'string',
    data: 'string',
    out: 'string',
    variant: 'string',
    cases: 'string',
    'split-set': 'string',
    force: 'boolean',
    help: 'boolean',
  });
  if (flags['help']) {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  if (positional.length > 0)
    throw new UsageError(`unexpected argument '${positional[0]}' (all options are flags)`);
  const task = required(flags, 'task', `one of ${TASKS.join(', ')}`);
  if (!(TASKS as readonly string[]).includes(task))
    throw new UsageError(`unknown task '${task}' for --task (expected one of: ${TASKS.join(', ')})`);
  const cases =
    typeof flags['cases'] === 'string' ? flags['cases'].split(',').map((s) => s.trim()) : undefined;
  if (cases?.some((c) => c === ''))
    throw new UsageError(`--cases '${flags['cases']}' has an empty id (expected comma-separated case ids)`);
  const result = await preprocessDataset({
    task,
    dataDir: required(flags, 'data', 'the raw dataset folder'),
    outDir: required(flags, 'out', 'the output folder'),
    ...(typeof flags['variant'] === 'string' ? { variant: flags['variant'] } : {}),
    ...(cases ? { cases } : {}),
    ...(typeof flags['split-set'] === 'string' ? { splitSet: flags['split-set'] } : {}),
    force: flags['force'] === true,
    onProgress: progressWriter(io),
  });
  for (const w of result.warnings) io.err.write(`warning: ${w}\n`);
  const m = result.manifest;
  io.out.write(
    `wrote ${m.cases.length} cases (${m.task}, variant ${m.preprocessing.variant}) and ${result.manifestPath}; ` +
      `splits: ${Object.keys(m.splits).join(', ')}; fingerprint ${m.preprocessing.fingerprint.slice(0, 16)}\n`,
  );
  return 0;
}
