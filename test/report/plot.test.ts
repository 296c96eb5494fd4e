import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lighten } from '../../src/report/colors.ts';
import { linePlot, renderLinePlot, smoothEma } from '../../src/report/plot.ts';
import { formatTick, linearAxis, logAxis } from '../../src/report/ticks.ts';
import { colourNear, countColour, decodePng, rgbAt } from './helpers.ts';

const BLUE = [0, 0, 255];
const ORANGE = [255, 128, 0];

test('ticks: nice linear axes, log decades and labels', () => {
  const a = linearAxis(0.12, 0.87);
  assert.deepEqual([a.min, a.max, a.step], [0, 1, 0.2]);
  assert.deepEqual(a.ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(
    a.ticks.map((v) => formatTick(v, a)),
    ['0', '0.2', '0.4', '0.6', '0.8', '1.0'],
  );
  const q = linearAxis(0, 1.4, 6);
  assert.equal(q.step, 0.25);
  assert.equal(formatTick(0.25, q), '0.25');
  const big = linearAxis(0, 6000, 6);
  assert.deepEqual(big.ticks, [0, 1000, 2000, 3000, 4000, 5000, 6000]);
  assert.equal(formatTick(1500, big), '1500');
  assert.equal(formatTick(2e6, big), '2e+6');
  assert.equal(formatTick(0.0005, { step: 0.0001, log: false }), '5e-4');
  const flat = linearAxis(3, 3);
  assert.ok(flat.min < 3 && flat.max > 3, 'constant data gets a visible range');
  assert.deepEqual(linearAxis(Number.NaN, 1).ticks, linearAxis(0, 1).ticks);
  const fixed = linearAxis(0.1, 0.95, 6, false);
  assert.deepEqual([fixed.min, fixed.max], [0.1, 0.95], 'unsnapped range is kept');
  assert.ok(fixed.ticks.every((t) => t >= 0.1 && t <= 0.95));
  const l = logAxis(0.03, 0.4);
  assert.deepEqual([l.min, l.max], [0.01, 1]);
  assert.deepEqual(l.ticks, [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
  assert.deepEqual(logAxis(0.03, 4).ticks, [0.01, 0.1, 1, 10], 'three decades: decade ticks only');
  assert.deepEqual(logAxis(1e-4, 1e3).ticks, [1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000]);
  assert.deepEqual(logAxis(-1, 5).ticks, logAxis(1, 10).ticks);
});

test('smoothEma: debiased EMA, NaN skipped', () => {
  assert.deepEqual(
    [...smoothEma([2, 2, 2], 0.9)].map((v) => +v.toFixed(12)),
    [2, 2, 2],
  );
  const s = smoothEma([0, 1, Number.NaN, 1], 0.5);
  assert.equal(s[0], 0);
  assert.ok(Math.abs(s[1]! - 0.5 / 0.75) < 1e-15);
  assert.ok(Number.isNaN(s[2]!));
  assert.ok(Math.abs(s[3]! - 0.75 / 0.875) < 1e-15);
  assert.deepEqual([...smoothEma([1, 5], 0)], [1, 5]);
});

test('linePlot: a known line lies where the axis mapping puts it', () => {
  const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const opts = {
    series: [{ name: 'y=2x', x, y: x.map((v) => 2 * v), color: '#0000ff' }],
    title: 'Known',
    xLabel: 'x',
    yLabel: 'y',
    width: 400,
    height: 300,
    xRange: [0, 10] as const,
    yRange: [0, 20] as const,
    lineWidth: 1,
    markers: false,
    legend: 'none' as const,
  };
  const { frame } = renderLinePlot(opts);
  const img = decodePng(linePlot(opts));
  assert.equal(img.width, 400);
  assert.equal(img.height, 300);
  const { left, right, top, bottom } = frame;
  assert.ok(left > 20 && right < 399 && top > 10 && bottom < 290, 'room for labels');
  // The mapping computed here from the frame, independently of toPx.
  const map = (vx: number, vy: number) => [
    left + (vx / 10) * (right - left),
    bottom - (vy / 20) * (bottom - top),
  ];
  for (const vx of [0.5, 2, 3.3, 5, 7.7, 9.5]) {
    const [px, py] = map(vx, 2 * vx);
    assert.ok(colourNear(img, px!, py!, BLUE, 1), `line pixel near x=${vx}`);
    const [qx, qy] = map(vx, vx < 5 ? 2 * vx + 6 : 2 * vx - 6);
    assert.ok(!colourNear(img, qx!, qy!, BLUE, 2), `no line away from it at x=${vx}`);
  }
  // Frame in the axis colour, white inside, grid lines at the ticks.
  assert.deepEqual(rgbAt(img, left, Math.round((top + bottom) / 2) + 7), [60, 60, 60]);
  assert.deepEqual(rgbAt(img, Math.round(map(8, 0)[0]!) + 3, Math.round(map(8, 4)[1]!) + 3), [255, 255, 255]);
  const gridY = Math.round(map(0, 10)[1]!);
  assert.deepEqual(rgbAt(img, Math.round(map(8, 0)[0]!) + 3, gridY), [228, 228, 228]);
  // Nothing of the series outside the plot area.
  assert.equal(countColour(img, BLUE, 0, 0, left, 300) + countColour(img, BLUE, right + 1, 0, 400, 300), 0);
  // Text was drawn (tick labels left of the frame, title above).
  assert.ok(countColour(img, [20, 20, 20], 0, 0, left, 300) > 50);
  assert.ok(countColour(img, [20, 20, 20], 0, 0, 400, top) > 20);
});

test('linePlot: NaN points leave a gap; log axis maps decades evenly; legend avoids the data', () => {
  const x = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const y = x.map((v) => (v === 4 ? Number.NaN : 1));
  const { canvas, frame } = renderLinePlot({
    series: [{ name: 'flat', x, y, color: '#0000ff' }],
    width: 300,
    height: 200,
    xRange: [0, 8],
    yRange: [0, 2],
    lineWidth: 1,
    markers: false,
    legend: 'none',
  });
  const img = { width: canvas.width, height: canvas.height, rgba: canvas.data };
  const row = Math.round(frame.toPx(0, 1)[1]);
  const [x3] = frame.toPx(3, 1);
  const [x5] = frame.toPx(5, 1);
  assert.equal(countColour(img, BLUE, Math.round(x3) + 1, row - 1, Math.round(x5), row + 2), 0, 'gap');
  assert.ok(countColour(img, BLUE, 0, row, Math.round(x3), row + 1) > 10, 'line before the gap');

  const lx = [0, 1, 2, 3];
  const lp = renderLinePlot({
    series: [{ name: 'decay', x: lx, y: [100, 10, 1, 0], color: '#0000ff' }],
    width: 300,
    height: 200,
    logY: true,
  });
  const rows = [100, 10, 1].map((v) => lp.frame.toPx(0, v)[1]);
  assert.ok(Math.abs(rows[1]! - rows[0]! - (rows[2]! - rows[1]!)) < 1e-9, 'decades evenly spaced');
  assert.equal(lp.frame.y.min, 1);
  assert.equal(lp.frame.y.max, 100);
  const limg = { width: lp.canvas.width, height: lp.canvas.height, rgba: lp.canvas.data };
  const [mx, my] = lp.frame.toPx(1.5, Math.sqrt(10));
  assert.ok(colourNear(limg, mx, my, BLUE, 2), 'log-linear segment between 10 and 1');

  // A rising line occupies the lower-left and upper-right corners: the legend goes top-left.
  const rise = Array.from({ length: 50 }, (_, i) => i);
  const lg = renderLinePlot({
    series: [
      { name: 'a', x: rise, y: rise, color: '#0000ff' },
      { name: 'b', x: rise, y: rise.map((v) => v + 2), color: '#ff8000' },
    ],
    width: 400,
    height: 300,
    xRange: [0, 49],
    yRange: [0, 51],
  });
  const box = lg.frame.legend;
  assert.ok(box !== null);
  const [bx, by, bw, bh] = box;
  assert.ok(
    bx < (lg.frame.left + lg.frame.right) / 2 && by < (lg.frame.top + lg.frame.bottom) / 2,
    'top-left',
  );
  assert.ok(bx >= lg.frame.left && bx + bw <= lg.frame.right && by + bh <= lg.frame.bottom);
  const gimg = { width: 400, height: 300, rgba: lg.canvas.data };
  assert.ok(countColour(gimg, ORANGE, bx, by, bx + bw, by + bh) > 5, 'legend swatch of series b');
});

test('linePlot: empty input says "no data" and still has axes; smoothing draws a faint raw line', () => {
  for (const series of [
    [],
    [{ name: 'nan', x: [1, 2], y: [Number.NaN, Number.NaN] }],
    [{ name: 'e', x: [], y: [] }],
  ]) {
    const r = renderLinePlot({ series, title: 'Empty', width: 320, height: 200 });
    assert.equal(r.empty, true);
    assert.equal(r.frame.legend, null);
    assert.deepEqual([r.frame.x.min, r.frame.x.max], [0, 1]);
    const img = { width: 320, height: 200, rgba: r.canvas.data };
    const { left, right, top, bottom } = r.frame;
    assert.ok(countColour(img, [20, 20, 20], left + 1, top + 1, right, bottom) > 30, '"no data" text inside');
  }
  const png = linePlot({ series: [], width: 320, height: 200 });
  assert.equal(decodePng(png).width, 320);

  const x = Array.from({ length: 200 }, (_, i) => i);
  const y = x.map((i) => (i % 2 ? 1 : 0));
  const sm = renderLinePlot({
    series: [{ name: 'zigzag', x, y, color: '#0000ff' }],
    smooth: 0.95,
    width: 400,
    height: 300,
  });
  const img = { width: 400, height: 300, rgba: sm.canvas.data };
  const faint = lighten([0, 0, 255], 0.65);
  assert.ok(countColour(img, faint) > 100, 'raw line drawn faintly');
  const [cx, cy] = sm.frame.toPx(150, 0.5);
  assert.ok(colourNear(img, cx, cy, BLUE, 3), 'smoothed line near the mean');
  assert.throws(() => linePlot({ series: [], width: 20, height: 20 }), RangeError);
});
