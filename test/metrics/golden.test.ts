/**
 * Golden comparison with the scipy implementation of medpy's rule (scripts/golden/metrics.py): every class of
 * every fixture case, distances with the case's spacing, tolerance 1e-6 absolute.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateCase } from '../../src/metrics/evaluate.ts';
import { makeGrid } from '../../src/metrics/grid.ts';
import { classCounts } from '../../src/metrics/overlap.ts';
import { EmptyReferenceError } from '../../src/metrics/policy.ts';
import { assdFromDistances, surfaceDistances, surfaceMask } from '../../src/metrics/surface.ts';
import { close, fixture, unpackU8 } from './helpers.ts';

interface PyClass {
  nPred: number;
  nLabel: number;
  inter: number;
  predSurface: number;
  labelSurface: number;
  dice: number | null;
  jaccard: number | null;
  hd95: number | null;
  asd: number | null;
  asdReverse: number | null;
  assd: number | null;
  hd: number | null;
}
interface PyCase {
  name: string;
  shape: number[];
  spacing: number[] | null;
  numClasses: number;
  pred: string;
  label: string;
  classes: Record<string, PyClass>;
  referenceDhc: Record<string, [number, number]>;
  referenceCml: Record<string, [number, number, number, number] | 'error'>;
}

const fx = fixture<{ cases: PyCase[] }>('cases.json');
const TOL = 1e-6;
const nan = (x: number | null): number => (x === null ? Number.NaN : x);

test('golden fixtures: at least 50 cases, 2D and 3D, with empty sides and anisotropic spacing', () => {
  assert.ok(fx.cases.length >= 50, `${fx.cases.length} cases`);
  assert.ok(fx.cases.some((c) => c.shape.length === 2));
  assert.ok(fx.cases.some((c) => c.spacing !== null && new Set(c.spacing).size > 1));
  const kinds = new Set<string>();
  for (const c of fx.cases) {
    for (const v of Object.values(c.classes)) {
      if (v.nPred === 0 && v.nLabel === 0) kinds.add('both');
      else if (v.nPred === 0) kinds.add('pred');
      else if (v.nLabel === 0) kinds.add('label');
    }
  }
  assert.deepEqual([...kinds].sort(), ['both', 'label', 'pred']);
});

for (const c of fx.cases) {
  test(`golden ${c.name}: counts, surfaces, Dice, Jaccard, HD95, ASD, ASSD vs scipy (abs ${TOL})`, () => {
    const pred = unpackU8(c.pred);
    const label = unpackU8(c.label);
    const spacing = c.spacing ?? undefined;
    const counts = classCounts(pred, label, c.numClasses);
    const all = Array.from({ length: c.numClasses }, (_, k) => k);
    const res = evaluateCase(c.name, pred, label, c.shape, {
      numClasses: c.numClasses,
      spacing,
      classes: all,
    });
    for (const k of all) {
      const py = c.classes[String(k)]!;
      const ts = res.classes[String(k)]!;
      const what = `${c.name} class ${k}`;
      assert.equal(counts.pred[k], py.nPred, `${what} nPred`);
      assert.equal(counts.label[k], py.nLabel, `${what} nLabel`);
      assert.equal(counts.intersection[k], py.inter, `${what} inter`);
      const p = pred.map((v) => (v === k ? 1 : 0));
      const g = label.map((v) => (v === k ? 1 : 0));
      assert.equal(
        surfaceMask(p, c.shape).reduce((a, b) => a + b, 0),
        py.predSurface,
        `${what} pred surface`,
      );
      assert.equal(
        surfaceMask(g, c.shape).reduce((a, b) => a + b, 0),
        py.labelSurface,
        `${what} label surface`,
      );
      if (py.hd95 === null) {
        assert.ok(py.nPred === 0 || py.nLabel === 0);
        assert.ok(ts.empty !== undefined, `${what} should be decided by the policy`);
        continue;
      }
      close(ts.dice, nan(py.dice), TOL, `${what} dice`);
      close(ts.jaccard, nan(py.jaccard), TOL, `${what} jaccard`);
      close(ts.hd95, py.hd95, TOL, `${what} hd95`);
      close(ts.asd, nan(py.asd), TOL, `${what} asd`);
      const sd = surfaceDistances(p, g, c.shape, spacing);
      close(assdFromDistances(sd), nan(py.assd), TOL, `${what} assd`);
      const rev = sd.referenceToResult.reduce((a, b) => a + b, 0) / sd.referenceToResult.length;
      close(rev, nan(py.asdReverse), TOL, `${what} asd reverse`);
      close(Math.max(...sd.resultToReference, ...sd.referenceToResult), nan(py.hd), TOL, `${what} hd`);
    }
  });

  test(`golden ${c.name}: seed evaluation rules (DHC evaluate_Ntimes, CML test) in voxels`, () => {
    const pred = unpackU8(c.pred);
    const label = unpackU8(c.label);
    const opts = { numClasses: c.numClasses, spacing: c.spacing ?? undefined };
    const dhc = evaluateCase(c.name, pred, label, c.shape, { ...opts, policy: 'reference-dhc' });
    for (const [k, [dicePct, asdVox]] of Object.entries(c.referenceDhc)) {
      close(dhc.classes[k]!.dice * 100, dicePct, TOL, `${c.name} dhc class ${k} dice%`);
      close(dhc.classes[k]!.asd, asdVox, TOL, `${c.name} dhc class ${k} asd`);
    }
    const cmlWants = Object.entries(c.referenceCml);
    const crashes = cmlWants.some(([, v]) => v === 'error');
    for (const [k, want] of cmlWants) {
      const run = () =>
        evaluateCase(c.name, pred, label, c.shape, {
          ...opts,
          policy: 'reference-cml',
          classes: [Number(k)],
        });
      if (want === 'error') {
        assert.throws(run, EmptyReferenceError);
        continue;
      }
      const m = run().classes[k]!;
      for (const [i, x] of [m.dice, m.jaccard, m.hd95, m.asd].entries()) {
        close(x, want[i]!, TOL, `${c.name} cml class ${k} [${i}]`);
      }
    }
    if (crashes) {
      assert.throws(
        () => evaluateCase(c.name, pred, label, c.shape, { ...opts, policy: 'reference-cml' }),
        EmptyReferenceError,
      );
    }
    assert.ok(makeGrid(c.shape, opts.spacing).size === pred.length);
  });
}
