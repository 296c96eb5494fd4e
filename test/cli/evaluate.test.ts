import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runEvaluate } from '../../src/cli/evaluate.ts';
import { UsageError } from '../../src/cli/usage.ts';
import { writeNiftiSync, writeNpySync } from '../../src/io/index.ts';
import { evaluateCase } from '../../src/metrics/index.ts';

const root = mkdtempSync(join(tmpdir(), 'semiseg-cli-eval-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs the command as `main` does: exit code 2 for a UsageError, 1 for any other error, plus its message. */
async function cli(args: string[]): Promise<{ code: number; message: string; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...xs: unknown[]) => lines.push(xs.join(' '));
  try {
    return { code: await runEvaluate(args), message: '', out: lines.join('\n') };
  } catch (err) {
    return {
      code: err instanceof UsageError ? 2 : 1,
      message: err instanceof Error ? err.message : String(err),
      out: lines.join('\n'),
    };
  } finally {
    console.log = log;
  }
}

const SHAPE: [number, number, number] = [3, 4, 5]; // [D, H, W]
const N = 60;

/** Labels by a rule over (d, h, w); written as NIfTI (x = w fastest) with spacing (x, y, z) = (0.5, 1, 2). */
function writeLabels(
  path: string,
  rule: (d: number, h: number, w: number) => number,
  shape = SHAPE,
): Uint8Array {
  const [D, H, W] = shape;
  const data = new Uint8Array(D * H * W);
  for (let d = 0; d < D; d++)
    for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) data[(d * H + h) * W + w] = rule(d, h, w);
  if (path.endsWith('.npy')) writeNpySync(path, data, shape);
  else
    writeNiftiSync(path, {
      data,
      shape: [W, H, D],
      affine: [
        [0.5, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 2, 0],
        [0, 0, 0, 1],
      ],
    });
  return data;
}

function dirs(name: string): { pred: string; gt: string; out: string } {
  const d = { pred: join(root, name, 'pred'), gt: join(root, name, 'gt'), out: join(root, name, 'out') };
  mkdirSync(d.pred, { recursive: true });
  mkdirSync(d.gt, { recursive: true });
  return d;
}

// Two cases. c1: class 1 = w < 3 (label) vs w < 2 (pred); class 2 = d == 2 && h == 3 in both.
const gtRule = (d: number, h: number, w: number) => (d === 2 && h === 3 ? 2 : w < 3 ? 1 : 0);
const predRule = (d: number, h: number, w: number) => (d === 2 && h === 3 ? 2 : w < 2 ? 1 : 0);

test('evaluate end to end: summary.json equals src/metrics and hand-computed Dice; table printed in %', async () => {
  const d = dirs('e2e');
  const g1 = writeLabels(join(d.gt, 'c1.nii.gz'), gtRule);
  const p1 = writeLabels(join(d.pred, 'c1.nii.gz'), predRule);
  const g2 = writeLabels(join(d.gt, 'c2.nii.gz'), (_d, h, w) => (h < 2 && w > 0 ? 1 : 0));
  const p2 = writeLabels(join(d.pred, 'c2.nii.gz'), (dd, h, w) => (h < 2 && w > 0 && dd > 0 ? 1 : 0));
  const r = await cli([
    '--pred',
    d.pred,
    '--gt',
    d.gt,
    '--num-classes',
    '3',
    '--classes',
    'A,B',
    '--out',
    d.out,
  ]);
  assert.equal(r.code, 0, r.message);
  const summary = JSON.parse(readFileSync(join(d.out, 'summary.json'), 'utf8'));
  assert.equal(summary.policy, 'strict');
  assert.equal(summary.units, 'mm');
  assert.deepEqual(
    summary.cases.map((c: { case: string }) => c.case),
    ['c1', 'c2'],
  );
  // hand-computed class-1 Dice, c1: label w<3 outside (2,3): 3*4*3 - 3 = 33; pred w<2: 3*4*2 - 2 = 22; both 22
  const c1 = summary.cases[0].classes;
  assert.ok(Math.abs(c1['1'].dice - (2 * 22) / (33 + 22)) < 1e-12, `dice ${c1['1'].dice}`);
  assert.equal(c1['2'].dice, 1);
  // c2: label h<2, w>0: 3*2*4 = 24; pred also d>0: 16 -> Dice 32/40 = 0.8; class 2 absent from both -> 1
  const c2 = summary.cases[1].classes;
  assert.ok(Math.abs(c2['1'].dice - 0.8) < 1e-12);
  assert.deepEqual(c2['2'], { dice: 1, jaccard: 1, hd95: 0, asd: 0, empty: 'both' });
  const spacing = [2, 1, 0.5]; // (z, y, x) from the headers' (0.5, 1, 2)
  for (const [i, [p, g]] of [
    [p1, g1],
    [p2, g2],
  ].entries()) {
    const direct = evaluateCase(`c${i + 1}`, p!, g!, [...SHAPE], { numClasses: 3, spacing });
    assert.deepEqual(summary.cases[i].classes, JSON.parse(JSON.stringify(direct.classes)), `case ${i + 1}`);
  }
  const meanDice1 = (c1['1'].dice + 0.8) / 2;
  assert.ok(Math.abs(summary.mean.classes['1'].dice - meanDice1) < 1e-12);
  const md = readFileSync(join(d.out, 'summary.md'), 'utf8');
  const avg = ((meanDice1 + 1) / 2) * 100;
  assert.ok(md.includes(`|pred|${avg.toFixed(2)}|`), `summary.md has the average Dice ${avg.toFixed(2)} %`);
  assert.match(md, /\|Method\|Avg Dice\|Avg ASD\|A\|B\|/);
  assert.ok(r.out.includes(`|pred|${avg.toFixed(2)}|`), 'the table is printed');
  assert.ok(r.out.includes('summary.json'), 'the written paths are printed');
});

test('evaluate: default --out is the prediction directory; --quiet prints nothing', async () => {
  const d = dirs('quiet');
  writeLabels(join(d.gt, 'x.npy'), gtRule);
  writeLabels(join(d.pred, 'x.npy'), predRule);
  const r = await cli(['--pred', d.pred, '--gt', d.gt, '--quiet', '--policy', 'reference-cml']);
  assert.equal(r.code, 0, r.message);
  assert.equal(r.out, '');
  const s = JSON.parse(readFileSync(join(d.pred, 'summary.json'), 'utf8'));
  assert.equal(s.policy, 'reference-cml');
  assert.equal(s.units, 'voxel');
  // a second run ignores the summary files now sitting in the prediction directory
  assert.equal((await cli(['--pred', d.pred, '--gt', d.gt, '--quiet'])).code, 0);
});

/** Each bad input: expected exit code and a pattern the single-line message must match. */
test('evaluate: bad input gives one line naming the flag or file, exit 2 for flags, 1 for data', async () => {
  const d = dirs('bad');
  writeLabels(join(d.gt, 'a.nii.gz'), gtRule);
  writeLabels(join(d.pred, 'a.nii.gz'), predRule);
  const base = ['--pred', d.pred, '--gt', d.gt, '--quiet'];
  const fresh = (name: string) => {
    const x = dirs(`bad-${name}`);
    return { ...x, args: ['--pred', x.pred, '--gt', x.gt, '--quiet'] };
  };

  const shape = fresh('shape');
  writeLabels(join(shape.gt, 'a.nii.gz'), gtRule);
  writeLabels(join(shape.pred, 'a.nii.gz'), predRule, [3, 5, 4]);

  const range = fresh('range');
  writeLabels(join(range.gt, 'a.nii.gz'), gtRule);
  writeLabels(join(range.pred, 'a.nii.gz'), (_d, _h, w) => (w === 4 ? 7 : 0));

  const floaty = fresh('float');
  writeLabels(join(floaty.gt, 'a.nii.gz'), gtRule);
  writeNpySync(
    join(floaty.pred, 'a.npy'),
    Float32Array.from({ length: N }, (_, i) => (i === 5 ? 0.5 : 0)),
    [...SHAPE],
  );

  const unpaired = fresh('unpaired');
  writeLabels(join(unpaired.gt, 'a.nii.gz'), gtRule);
  writeLabels(join(unpaired.pred, 'a.nii.gz'), predRule);
  writeLabels(join(unpaired.pred, 'b.nii.gz'), predRule);

  const missingPred = fresh('missing-pred');
  writeLabels(join(missingPred.gt, 'a.nii.gz'), gtRule);
  writeLabels(join(missingPred.gt, 'b.nii.gz'), gtRule);
  writeLabels(join(missingPred.pred, 'a.nii.gz'), predRule);

  const corrupt = fresh('corrupt');
  writeLabels(join(corrupt.gt, 'a.nii.gz'), gtRule);
  writeFileSync(join(corrupt.pred, 'a.nii.gz'), 'not a nifti file at all');

  const dup = fresh('dup');
  writeLabels(join(dup.gt, 'a.nii.gz'), gtRule);
  writeLabels(join(dup.pred, 'a.nii.gz'), predRule);
  writeLabels(join(dup.pred, 'a.npy'), predRule);

  const cml = fresh('cml'); // class 2 predicted, absent from the label: CML's script crashes
  writeLabels(join(cml.gt, 'a.nii.gz'), (_d, _h, w) => (w < 3 ? 1 : 0));
  writeLabels(join(cml.pred, 'a.nii.gz'), predRule);

  const mixed = fresh('mixed'); // one case with NIfTI spacing, one npy-only case
  writeLabels(join(mixed.gt, 'a.nii.gz'), gtRule);
  writeLabels(join(mixed.pred, 'a.nii.gz'), predRule);
  writeLabels(join(mixed.gt, 'b.npy'), gtRule);
  writeLabels(join(mixed.pred, 'b.npy'), predRule);

  const empty = fresh('empty');
  writeLabels(join(empty.gt, 'a.nii.gz'), gtRule);

  const cases: [string, string[], number, RegExp][] = [
    ['unknown flag', [...base, '--fold', '1'], 2, /unknown flag --fold/],
    ['missing --gt', ['--pred', d.pred], 2, /missing --gt DIR/],
    ['flag without value', ['--pred', d.pred, '--gt'], 2, /flag --gt needs a value/],
    ['unknown policy', [...base, '--policy', 'medpy'], 2, /--policy medpy: expected one of reference-dhc/],
    ['bad spacing', [...base, '--spacing', '1,x,2'], 2, /--spacing 1,x,2: expected comma-separated positive/],
    ['spacing count', [...base, '--spacing', '1,2,3,4'], 2, /expected 2 or 3 values/],
    ['num-classes 1', [...base, '--num-classes', '1'], 2, /--num-classes 1: expected an integer >= 2/],
    ['names vs classes', [...base, '--num-classes', '4', '--classes', 'A,B'], 2, /2 names, expected 3/],
    ['positional', [...base, 'extra'], 2, /unexpected argument 'extra'/],
    [
      'missing dir',
      ['--pred', join(root, 'nope'), '--gt', d.gt],
      1,
      /nope: does not exist .*prediction directory/,
    ],
    ['empty dir', empty.args, 1, /pred: holds no volume files; expected prediction volumes/],
    ['shape mismatch', shape.args, 1, /a\.nii\.gz: has shape \[3, 5, 4\] but its label .* has \[3, 4, 5\]/],
    [
      'label out of range',
      [...range.args, '--num-classes', '3'],
      1,
      /a\.nii\.gz: holds the value 7 at voxel \[0, 0, 4\]; expected integer labels in 0\.\.2/,
    ],
    ['non-integral label', floaty.args, 1, /a\.npy: holds the value 0\.5 at voxel \[0, 1, 0\]/],
    ['unpaired prediction', unpaired.args, 1, /b\.nii\.gz: has no label file in/],
    ['unpaired label', missingPred.args, 1, /b\.nii\.gz: has no prediction in .*--pred-subset/],
    ['corrupt file', corrupt.args, 1, /pred\/a\.nii\.gz: .*expected .*NIfTI/],
    ['duplicate case id', dup.args, 1, /has the same case id 'a'/],
    [
      'cml: class absent from label',
      [...cml.args, '--policy', 'reference-cml'],
      1,
      /class 2 is predicted but absent/,
    ],
    ['spacing for 2 axes', [...base, '--spacing', '1,1'], 1, /has 3 axes but 2 spacing values were given/],
    ['mixed spacing sources', mixed.args, 1, /b\.npy: has no voxel spacing/],
  ];
  for (const [name, args, code, pattern] of cases) {
    const r = await cli(args);
    assert.equal(r.code, code, `${name}: exit code (message: ${r.message})`);
    assert.match(r.message, pattern, name);
    assert.ok(!r.message.includes('\n'), `${name}: one line`);
  }
  // the two escapes: --pred-subset and a --spacing for the mixed directory
  assert.equal((await cli([...missingPred.args, '--pred-subset'])).code, 0);
  assert.equal((await cli([...mixed.args, '--spacing', '0.5,1,2'])).code, 0);
});

test('evaluate --help prints the usage and exits 0', async () => {
  const r = await cli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /usage: semiseg evaluate --pred DIR --gt DIR/);
  assert.match(r.out, /--policy NAME/);
});
