import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Canvas } from '../../src/report/canvas.ts';
import { classColor, lighten, toColor, toHex } from '../../src/report/colors.ts';
import { ADVANCE, GLYPH_ROWS, glyph, glyphChars, hasGlyph, textWidth } from '../../src/report/font.ts';
import { decodePng, rgbAt } from './helpers.ts';

const RED = [255, 0, 0] as const;
const px = (c: Canvas, x: number, y: number) => c.get(x, y).slice(0, 3);

/** The set of painted pixels as "x,y" strings (anything not white). */
function painted(c: Canvas): Set<string> {
  const out = new Set<string>();
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) if (px(c, x, y).join() !== '255,255,255') out.add(`${x},${y}`);
  }
  return out;
}

test('canvas: fillRect covers exactly x..x+w-1, y..y+h-1 and clips', () => {
  const c = new Canvas(10, 8);
  c.fillRect(2, 3, 4, 2, RED);
  const want = new Set<string>();
  for (let y = 3; y < 5; y++) for (let x = 2; x < 6; x++) want.add(`${x},${y}`);
  assert.deepEqual(painted(c), want);
  c.fillRect(-5, -5, 7, 6, RED); // clipped to x 0..1, y 0
  assert.deepEqual(px(c, 1, 0), [...RED]);
  assert.deepEqual(px(c, 2, 0), [255, 255, 255]);
  c.fillRect(3, 3, 0, 5, [0, 0, 255]); // empty
  assert.deepEqual(px(c, 3, 3), [...RED]);
});

test('canvas: horizontal, vertical and diagonal lines; thickness stamps squares', () => {
  const c = new Canvas(12, 12);
  c.line(1, 2, 8, 2, RED);
  const row = [...painted(c)].sort();
  assert.deepEqual(row, ['1,2', '2,2', '3,2', '4,2', '5,2', '6,2', '7,2', '8,2'].sort());
  const d = new Canvas(12, 12);
  d.line(0, 0, 9, 9, RED);
  for (let i = 0; i <= 9; i++) assert.deepEqual(px(d, i, i), [...RED], `diagonal ${i}`);
  assert.equal(painted(d).size, 10);
  const t = new Canvas(12, 12);
  t.line(5, 1, 5, 10, RED, 3); // squares of 3x3 at y = 1..10: columns 4..6, rows 0..11
  const p = painted(t);
  assert.equal(p.size, 3 * 12);
  for (let y = 0; y <= 11; y++) for (const x of [4, 5, 6]) assert.ok(p.has(`${x},${y}`));
  const e = new Canvas(12, 12);
  e.line(2, 5, 9, 5, RED, 2); // even width extends right/down: rows 5..6, columns 2..10
  assert.equal(painted(e).size, 2 * 9);
  assert.ok(painted(e).has('10,6') && !painted(e).has('1,5') && !painted(e).has('5,4'));
});

test('canvas: polyline joins segments, breaks at NaN, paints translucent pixels once', () => {
  const c = new Canvas(12, 12);
  c.polyline([1, 1, 5, 1, 5, 5, Number.NaN, Number.NaN, 8, 8, 10, 8], [0, 0, 0, 128]);
  const p = painted(c);
  assert.ok(p.has('3,1') && p.has('5,3') && p.has('9,8'));
  assert.ok(!p.has('6,6') && !p.has('7,7'), 'gap across the NaN point');
  // 50% black over white once: 127 everywhere, including the joint (5,1).
  for (const k of ['1,1', '5,1', '5,5', '10,8']) {
    const [x, y] = k.split(',').map(Number);
    assert.deepEqual(px(c, x!, y!), [127, 127, 127], k);
  }
});

test('canvas: filled and outlined circles', () => {
  const c = new Canvas(21, 21);
  c.circle(10, 10, 3, RED);
  const p = painted(c);
  let n = 0;
  for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) if (dx * dx + dy * dy <= 9) n++;
  assert.equal(p.size, n);
  assert.ok(p.has('13,10') && p.has('10,7') && !p.has('13,13'));
  const o = new Canvas(21, 21);
  o.circle(10, 10, 6, RED, false);
  const q = painted(o);
  assert.ok(q.has('16,10') && q.has('10,4') && q.has('4,10'));
  assert.ok(!q.has('10,10') && !q.has('13,10'), 'hollow');
});

test('font: every glyph fits its cell; text draws the glyph bitmaps at scale', () => {
  for (const ch of glyphChars()) {
    const g = glyph(ch);
    assert.equal(g.length, GLYPH_ROWS);
    for (const row of g) assert.ok(row < 32, `glyph ${ch} is 5 wide`);
  }
  for (const ch of '0123456789.-+eE%()ABCXYZabcxyz') assert.ok(hasGlyph(ch), ch);
  assert.equal(textWidth(''), 0);
  assert.equal(textWidth('abc', 2), 2 * (3 * ADVANCE - 1));
  const c = new Canvas(40, 30);
  const w = c.text(3, 4, 'L1', RED, { scale: 2 });
  assert.equal(w, textWidth('L1', 2));
  // 'L': left column rows 0..6 and the bottom row; at scale 2 each font pixel is a 2x2 block.
  for (let r = 0; r < 7; r++) assert.deepEqual(px(c, 3, 4 + 2 * r + 1), [...RED], `L stem row ${r}`);
  assert.deepEqual(px(c, 3 + 2 * 4 + 1, 4 + 13), [...RED], 'L foot right end');
  assert.deepEqual(px(c, 3 + 2 * 4, 4), [255, 255, 255], 'L has no top bar');
  // '1' starts one advance later: its stem is column 2.
  assert.deepEqual(px(c, 3 + 2 * ADVANCE + 4, 4 + 6), [...RED]);
  // Unknown characters draw a box.
  const b = new Canvas(8, 10);
  b.text(0, 0, '\u2603', RED);
  assert.deepEqual(px(b, 0, 0), [...RED]);
  assert.deepEqual(px(b, 4, 6), [...RED]);
  assert.deepEqual(px(b, 2, 3), [255, 255, 255]);
});

test('font: centred, right-aligned and vertical text land where the metrics say', () => {
  const c = new Canvas(60, 60);
  c.text(30, 0, 'I', RED, { align: 'center' }); // width 5, shift 2: columns 28..32, stem at 30
  assert.deepEqual(px(c, 30, 3), [...RED]);
  c.text(59, 20, 'I', RED, { align: 'right' }); // spans 54..58
  assert.deepEqual(px(c, 56, 23), [...RED]);
  assert.deepEqual(px(c, 59, 20), [255, 255, 255]);
  const v = new Canvas(20, 20);
  v.text(2, 15, 'L', RED, { vertical: true }); // stem (font column 0) runs along x = 2..8 at y = 15
  for (let r = 0; r < 7; r++) assert.deepEqual(px(v, 2 + r, 15), [...RED]);
  // the foot (row 6) runs upward from y = 15 to y = 11 at x = 8
  for (let k = 0; k < 5; k++) assert.deepEqual(px(v, 8, 15 - k), [...RED]);
  assert.deepEqual(px(v, 2, 14), [255, 255, 255]);
});

test('canvas: drawCanvas composites; toPng round-trips; colours parse', () => {
  const a = new Canvas(6, 4, [10, 20, 30]);
  const layer = new Canvas(2, 2, [0, 0, 0, 0]);
  layer.setPixel(0, 0, RED);
  a.drawCanvas(layer, 3, 1);
  assert.deepEqual(px(a, 3, 1), [...RED]);
  assert.deepEqual(px(a, 4, 1), [10, 20, 30], 'transparent layer pixel leaves the target');
  const d = decodePng(a.toPng());
  assert.equal(d.channels, 3);
  assert.deepEqual(rgbAt(d, 3, 1), [...RED]);
  assert.deepEqual(rgbAt(d, 0, 0), [10, 20, 30]);
  assert.deepEqual(toColor('#0f8'), [0, 255, 136]);
  assert.deepEqual(toColor('#01020380'), [1, 2, 3, 128]);
  assert.equal(toHex([255, 0, 16]), '#ff0010');
  assert.throws(() => toColor('red'), RangeError);
  assert.deepEqual(lighten([0, 100, 255], 0.5), [128, 178, 255]);
  assert.deepEqual(classColor(1), classColor(17), 'class colours cycle after 16');
  assert.notDeepEqual(classColor(1), classColor(2));
  assert.throws(() => new Canvas(0, 3), RangeError);
});
