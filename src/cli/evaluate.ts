/**
 * `semiseg evaluate --pred DIR --gt DIR [...]`: scores predicted label volumes against labels and writes
 * `summary.json` and `summary.md`. Parses flags and calls `evaluateDirectories`; computes nothing itself.
 */
import { evaluateDirectories, writeEvaluation } from '../engine/inference/index.ts';
import { POLICY_NAMES, type PolicyName } from '../metrics/index.ts';
import { parseFlags, UsageError } from './usage.ts';

const USAGE = `usage: semiseg evaluate --pred DIR --gt DIR [options]

Pairs the label volumes (.nii.gz, .nii, .npy) of the two directories by file name, computes Dice, Jaccard,
HD95 and ASD per foreground class, writes summary.json and summary.md, and prints the tables.

  --pred DIR           predicted label volumes
  --gt DIR             ground-truth label volumes with the same file names (any volume extension)
  --num-classes N      classes including background (default: names + 1, else largest label + 1)
  --classes A,B,...    names of the foreground classes 1..N-1 (table columns)
  --spacing X,Y,Z      voxel size in mm, x first (default: NIfTI header; npy without it: voxels)
  --policy NAME        empty-mask policy: ${POLICY_NAMES.join(', ')} (default strict)
  --pred-subset        evaluate the predicted cases only (labels without prediction are not an error)
  --out DIR            where summary.json and summary.md go (default: the --pred directory)
  --quiet              print nothing but errors

Exit codes: 0 done, 1 bad data (missing directory, unpaired files, shape mismatch, label outside the
classes), 2 bad flags.`;

function positiveNumbers(text: string, flag: string): number[] {
  const parts = text.split(',');
  const values = parts.map((p) => Number(p.trim()));
  if (parts.some((p) => p.trim() === '') || values.some((v) => !(v > 0) || !Number.isFinite(v))) {
    throw new UsageError(`--${flag} ${text}: expected comma-separated positive numbers, e.g. 0.8,0.8,2.5`);
  }
  return values;
}

function parseNumClasses(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 2) {
    throw new UsageError(`--num-classes ${text}: expected an integer >= 2 (classes including background)`);
  }
  return n;
}

function parseNames(text: string, numClasses: number | undefined): string[] {
  const names = text.split(',').map((s) => s.trim());
  if (names.some((s) => s === '')) throw new UsageError(`--classes ${text}: expected comma-separated names`);
  if (numClasses !== undefined && names.length !== numClasses - 1) {
    throw new UsageError(
      `--classes ${text}: ${names.length} names, expected ${numClasses - 1} (the foreground classes 1..` +
        `${numClasses - 1} of --num-classes ${numClasses})`,
    );
  }
  return names;
}

/** Runs `semiseg evaluate`; returns 0, throws UsageError (exit 2) or a one-line data error (exit 1). */
export async function runEvaluate(args: string[]): Promise<number> {
  const { flags, positional } = parseFlags(args, {
    pred: 'string',
    gt: 'string',
    'num-classes': 'string',
    classes: 'string',
    spacing: 'string',
    policy: 'string',
    'pred-subset': 'boolean',
    out: 'string',
    quiet: 'boolean',
    help: 'boolean',
  });
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}' (flags only)`);
  const pred = flags.pred as string | undefined;
  const gt = flags.gt as string | undefined;
  if (pred === undefined || gt === undefined) {
    throw new UsageError(
      `missing ${pred === undefined ? '--pred' : '--gt'} DIR (see semiseg evaluate --help)`,
    );
  }
  const policy = (flags.policy as string | undefined) ?? 'strict';
  if (!(POLICY_NAMES as readonly string[]).includes(policy)) {
    throw new UsageError(`--policy ${policy}: expected one of ${POLICY_NAMES.join(', ')}`);
  }
  const numClasses =
    flags['num-classes'] === undefined ? undefined : parseNumClasses(flags['num-classes'] as string);
  const classNames =
    flags.classes === undefined ? undefined : parseNames(flags.classes as string, numClasses);
  const spacing =
    flags.spacing === undefined ? undefined : positiveNumbers(flags.spacing as string, 'spacing');
  if (spacing !== undefined && spacing.length !== 2 && spacing.length !== 3) {
    throw new UsageError(`--spacing ${flags.spacing}: expected 2 or 3 values (x,y[,z])`);
  }
  const quiet = flags.quiet === true;
  const evaluation = await evaluateDirectories({
    predDir: pred,
    gtDir: gt,
    policy: policy as PolicyName,
    predSubset: flags['pred-subset'] === true,
    ...(numClasses !== undefined ? { numClasses } : {}),
    ...(classNames !== undefined ? { classNames } : {}),
    ...(spacing !== undefined ? { spacing } : {}),
    ...(quiet || !process.stderr.isTTY
      ? {}
      : {
          onCase: (done: number, total: number, id: string) =>
            process.stderr.write(`\r${done}/${total} ${id}  `),
        }),
  });
  if (!quiet && process.stderr.isTTY) process.stderr.write('\n');
  const written = writeEvaluation((flags.out as string | undefined) ?? pred, evaluation);
  if (!quiet) {
    console.log(evaluation.markdown);
    console.log(`wrote ${written.json} and ${written.markdown}`);
  }
  return 0;
}
