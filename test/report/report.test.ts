import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { aggregateRuns, type EvaluationSummary, summarize } from '../../src/metrics/evaluate.ts';
import { bestValidation, parseMetricsJsonl } from '../../src/report/curves.ts';
import { escapeHtml, markdownTableToHtml, tableCells } from '../../src/report/doc.ts';
import { overlayPng } from '../../src/report/overlay.ts';
import { toRunsSummary, writeReport } from '../../src/report/report.ts';
import { decodePng } from './helpers.ts';

const m = (dice: number, asd: number) => ({ dice, jaccard: dice / 2, hd95: 2 * asd, asd });

/** A hand-built summary: two cases, classes 1 and 2, known means. */
function handSummary(): EvaluationSummary {
  return summarize(
    [
      { case: 'a', classes: { '1': m(0.9, 1), '2': m(0.6, 3) } },
      { case: 'b', classes: { '1': m(0.8, 2), '2': m(0.4, 5) } },
    ],
    'strict',
    'mm',
  );
}

function metricsText(): string {
  const lines: string[] = [];
  for (let it = 0; it < 30; it++) {
    lines.push(
      JSON.stringify({
        type: 'step',
        epoch: Math.floor(it / 10),
        iteration: it,
        lr: 0.01,
        lambda: it / 30,
        total: it === 5 ? null : 1 / (1 + it),
        sup_A: 0.5 / (1 + it),
        weights_A: [1, 2],
        seconds: 0.1,
      }),
    );
    if (it % 10 === 9) {
      const e = Math.floor(it / 10);
      lines.push(
        JSON.stringify({
          type: 'val',
          epoch: e,
          score: 0.5 + e / 10,
          perClass: [0.6 + e / 10, 0.4 + e / 10],
          best: e < 2,
        }),
      );
    }
  }
  return `${lines.join('\n')}\n{"type":"step","epoch":3,"iter`;
}

test('curves: metrics.jsonl records, NaN losses, cut last line, best validation', () => {
  const c = parseMetricsJsonl(metricsText());
  assert.equal(c.steps.length, 30);
  assert.deepEqual(c.lossNames, ['total', 'sup_A']);
  assert.ok(Number.isNaN(c.steps[5]!.losses.total!));
  assert.equal(c.steps[3]!.losses.sup_A, 0.125);
  assert.equal(c.steps[29]!.lambda, 29 / 30);
  assert.equal(c.vals.length, 3);
  assert.deepEqual(c.vals[2]!.perClass, [0.8, 0.6000000000000001]);
  assert.equal(bestValidation(c)!.epoch, 1, 'the last flagged best, not the highest score');
  const unflagged = parseMetricsJsonl(metricsText().replace(/"best":true/g, '"best":false'));
  assert.equal(bestValidation(unflagged)!.epoch, 2);
  const empty = parseMetricsJsonl('');
  assert.deepEqual([empty.steps.length, empty.vals.length, bestValidation(empty)], [0, 0, null]);
});

test('doc: table cells, HTML tables with numeric alignment, escaping', () => {
  assert.deepEqual(tableCells('|a\\|b|1.0|'), ['a|b', '1.0']);
  const html = markdownTableToHtml('|Method|Avg Dice|\n|---|---|\n|**X** <b>|85.20±1.03|\n|Y|nan|\n');
  assert.match(html, /<th>Avg Dice<\/th>/);
  assert.match(html, /<td><strong>X<\/strong> &#60;b&#62;<\/td><td class="num">85.20±1.03<\/td>/);
  assert.match(html, /<td class="num">nan<\/td>/);
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  assert.equal(markdownTableToHtml('just text'), '');
});

test('writeReport: files exist, tables hold the summary numbers, HTML references existing PNGs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'semiseg-report-'));
  try {
    writeFileSync(join(dir, 'metrics.jsonl'), metricsText());
    const s = handSummary();
    const two = [s, summarize([{ case: 'a', classes: { '1': m(0.7, 1), '2': m(0.3, 5) } }], 'strict', 'mm')];
    const image = new Float32Array(2 * 8 * 8).map((_, i) => i);
    const label = new Uint8Array(2 * 8 * 8);
    label[70] = 1;
    const out = join(dir, 'out');
    const files = writeReport({
      outDir: out,
      title: 'Phantom <test>',
      runs: [
        { name: 'DHC', metricsJsonl: join(dir, 'metrics.jsonl'), summary: two },
        { name: 'Sup|base', summary: s },
        { name: 'curves only', metricsJsonl: join(dir, 'metrics.jsonl') },
      ],
      classNames: ['bg', 'Sp', 'RK'],
      overlays: [{ caption: 'case a', png: overlayPng({ image, shape: [2, 8, 8], label, pred: label }) }],
      notes: ['first note', 'uses `strict`'],
    });
    for (const p of [files.markdown, files.html, files.csv, files.json, ...files.images])
      assert.ok(existsSync(p), p);
    const md = readFileSync(files.markdown, 'utf8');
    // Hand computation: s has Dice means 85% (Sp) and 50% (RK), average 67.50; ASD means 1.5 and 4, average 2.75.
    assert.ok(md.includes('|Method|Avg Dice|Avg ASD|Sp|RK|'), md);
    assert.ok(md.includes('|Sup\\|base|67.50±0.00|2.75±0.00|85.0|50.0|'), md);
    // DHC: run means 67.50 and 50.00 -> 58.75±8.75; per class (85+70)/2 = 77.5, (50+30)/2 = 40.
    assert.ok(md.includes('|DHC|58.75±8.75|'), md);
    assert.ok(md.includes('|77.5|40.0|'), md);
    assert.ok(md.includes('|Sup\\|base|67.50±0.00|2.75±0.00|1.50|4.00|'), 'per-class ASD table');
    assert.ok(md.includes('|Method|Dice (%)|Jaccard (%)|95HD (mm)|ASD (mm)|'));
    assert.ok(md.includes('runs: DHC 2, Sup|base 1'));
    assert.ok(md.includes('best validation Dice 60.00% at epoch 1'));
    assert.ok(md.includes('- uses `strict`'));
    assert.ok(!md.includes('curves only|'), 'a run without summary adds no row');
    const html = readFileSync(files.html, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<title>Phantom &#60;test&#62;<\/title>/);
    assert.match(html, /<style>/);
    assert.match(html, /<td>Sup\|base<\/td><td class="num">67.50±0.00<\/td>/);
    const srcs = [...html.matchAll(/<img src="([^"]+)"/g)].map((x) => x[1]!);
    assert.deepEqual(srcs.sort(), [
      'images/loss-curves-only.png',
      'images/loss-dhc.png',
      'images/overlay-1.png',
      'images/val-classes-curves-only.png',
      'images/val-classes-dhc.png',
      'images/val-dice.png',
    ]);
    for (const src of srcs) {
      const img = decodePng(readFileSync(join(out, src)));
      assert.ok(img.width > 100 && img.height > 50, src);
      assert.ok(md.includes(`](${src})`), `markdown references ${src}`);
    }
    const csv = readFileSync(files.csv, 'utf8').split('\n');
    assert.equal(csv[0], 'method,runs,policy,units,class,name,metric,mean,std');
    const line = csv.find((l) => l.startsWith('Sup|base,1,strict,mm,1,Sp,dice,'))!.split(',');
    assert.ok(Math.abs(Number(line[7]) - 0.85) < 1e-12 && Number(line[8]) === 0, line.join());
    const json = JSON.parse(readFileSync(files.json, 'utf8'));
    assert.equal(json.methods[1].name, 'Sup|base');
    assert.equal(json.methods[0].summary.runs, 2);

    // Inline images: the same report as one file with valid base64 PNGs.
    const inl = writeReport({
      outDir: join(dir, 'inline'),
      title: 't',
      runs: [{ name: 'DHC', metricsJsonl: join(dir, 'metrics.jsonl') }],
      inlineImages: true,
    });
    const page = readFileSync(inl.html, 'utf8');
    const datas = [...page.matchAll(/<img src="data:image\/png;base64,([^"]+)"/g)].map((x) => x[1]!);
    assert.equal(datas.length, 3);
    for (const b64 of datas) assert.ok(decodePng(Buffer.from(b64, 'base64')).width > 0);
    assert.ok(!page.includes('src="images/'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeReport: no results still gives a report; summaries are normalised; bad input throws', () => {
  const dir = mkdtempSync(join(tmpdir(), 'semiseg-report-'));
  try {
    const f = writeReport({ outDir: dir, title: 'Empty', runs: [] });
    const md = readFileSync(f.markdown, 'utf8');
    assert.ok(md.startsWith('# Empty\n'));
    assert.ok(md.includes('No evaluation results were given.'));
    assert.deepEqual(f.images, []);
    assert.equal(readFileSync(f.csv, 'utf8'), 'method,runs,policy,units,class,name,metric,mean,std\n');
    const s = handSummary();
    const agg = aggregateRuns([s]);
    assert.equal(toRunsSummary(agg), agg, 'a RunsSummary is used as is');
    assert.deepEqual(toRunsSummary(s), agg);
    assert.throws(
      () =>
        writeReport({
          outDir: dir,
          title: 'x',
          runs: [{ name: 'a', metricsJsonl: join(dir, 'missing.jsonl') }],
        }),
      /ENOENT/,
    );
    const other = summarize([{ case: 'a', classes: { '1': m(0.9, 1) } }], 'strict', 'mm');
    assert.throws(
      () =>
        writeReport({
          outDir: dir,
          title: 'x',
          runs: [
            { name: 'a', summary: s },
            { name: 'b', summary: other },
          ],
        }),
      RangeError,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
