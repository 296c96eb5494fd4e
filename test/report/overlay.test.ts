import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classColor } from '../../src/report/colors.ts';
import {
  foregroundPerSlice,
  overlayPng,
  percentileWindow,
  pickSlice,
  renderOverlay,
} from '../../src/report/overlay.ts';
import { decodePng, rgbAt } from './helpers.ts';

const D = 3;
const H = 4;
const W = 5;
const at = (d: number, h: number, w: number) => (d * H + h) * W + w;

function volume() {
  const image = new Float32Array(D * H * W).fill(50);
  image[at(1, 0, 0)] = 0;
  image[at(1, 0, 1)] = 100;
  image[at(1, 3, 4)] = Number.NaN;
  const label = new Uint8Array(D * H * W);
  for (let h = 1; h <= 2; h++) for (let w = 1; w <= 3; w++) label[at(1, h, w)] = 1;
  label[at(2, 0, 0)] = 2;
  const pred = new Uint8Array(D * H * W);
  for (let h = 1; h <= 2; h++) for (let w = 2; w <= 4; w++) pred[at(1, h, w)] = 1;
  return { image, label, pred, shape: [D, H, W] as const };
}

/** Top-left pixel of voxel (h, w) of a panel, plus an offset inside the z x z block. */
function voxelPx(
  p: { x: number; y: number },
  z: number,
  h: number,
  w: number,
  dy = 0,
  dx = 0,
): [number, number] {
  return [p.x + w * z + dx, p.y + h * z + dy];
}

test('overlay: three panels of W*zoom x H*zoom on the slice with most foreground; grey by the window', () => {
  const v = volume();
  const r = renderOverlay({ ...v, windowing: { min: 0, max: 100 }, zoom: 8, style: 'fill', opacity: 1 });
  assert.equal(r.slice, 1);
  assert.equal(r.axis, 0);
  assert.deepEqual(
    r.panels.map((p) => [p.kind, p.width, p.height]),
    [
      ['image', 40, 32],
      ['label', 40, 32],
      ['pred', 40, 32],
    ],
  );
  const img = decodePng(r.canvas.toPng());
  assert.equal(img.width, r.canvas.width);
  assert.equal(img.width, 4 + 3 * (40 + 4));
  const [ip, lp, pp] = r.panels as [(typeof r.panels)[0], (typeof r.panels)[0], (typeof r.panels)[0]];
  // Image panel: 50 -> 128 (0..100 window), 0 -> black, 100 -> white, NaN -> black; whole 8x8 blocks.
  assert.deepEqual(rgbAt(img, ...voxelPx(ip, 8, 2, 2, 7, 7)), [128, 128, 128]);
  assert.deepEqual(rgbAt(img, ...voxelPx(ip, 8, 0, 0, 3, 3)), [0, 0, 0]);
  assert.deepEqual(rgbAt(img, ...voxelPx(ip, 8, 0, 1, 0, 0)), [255, 255, 255]);
  assert.deepEqual(rgbAt(img, ...voxelPx(ip, 8, 3, 4, 4, 4)), [0, 0, 0]);
  // Ground truth panel at opacity 1: class colour exactly on the label, grey elsewhere.
  const c1 = [...classColor(1)].slice(0, 3);
  for (const [h, w] of [
    [1, 1],
    [2, 3],
  ] as const) {
    assert.deepEqual(rgbAt(img, ...voxelPx(lp, 8, h, w, 4, 4)), c1, `label (${h}, ${w})`);
  }
  assert.deepEqual(rgbAt(img, ...voxelPx(lp, 8, 1, 4, 4, 4)), [128, 128, 128], 'no label at (1, 4)');
  assert.deepEqual(rgbAt(img, ...voxelPx(pp, 8, 1, 4, 4, 4)), c1, 'prediction at (1, 4)');
  assert.deepEqual(rgbAt(img, ...voxelPx(pp, 8, 1, 1, 4, 4)), [128, 128, 128], 'no prediction at (1, 1)');
});

test('overlay: default style blends the fill and draws a 1-pixel contour in the class colour', () => {
  const v = volume();
  const r = renderOverlay({ ...v, windowing: { min: 0, max: 100 }, zoom: 4 });
  const lp = r.panels[1]!;
  const c = classColor(1);
  const img = { width: r.canvas.width, rgba: r.canvas.data };
  // Region spans zoomed rows 4..11 and columns 4..15 of the panel: its border pixels are contour.
  assert.deepEqual(rgbAt(img, lp.x + 4, lp.y + 4), [...c].slice(0, 3), 'contour corner');
  assert.deepEqual(rgbAt(img, lp.x + 10, lp.y + 11), [...c].slice(0, 3), 'contour bottom edge');
  // Interior: 40% class colour over grey 128 (alpha round(0.4 * 255) = 102).
  const a = 102 / 255;
  const blend = [0, 1, 2].map((k) => Math.round(c[k]! * a + 128 * (1 - a)));
  assert.deepEqual(rgbAt(img, lp.x + 6, lp.y + 6), blend, 'translucent fill');
  assert.deepEqual(rgbAt(img, lp.x + 3, lp.y + 4), [128, 128, 128], 'outside the region');
  const contourOnly = renderOverlay({ ...v, windowing: { min: 0, max: 100 }, zoom: 4, style: 'contour' });
  const ci = { width: contourOnly.canvas.width, rgba: contourOnly.canvas.data };
  assert.deepEqual(rgbAt(ci, lp.x + 6, lp.y + 6), [128, 128, 128], 'contour style leaves the inside grey');
});

test('overlay: explicit slice, other axes, own colours, legend, panels only for what is given', () => {
  const v = volume();
  const custom = renderOverlay({
    image: v.image,
    shape: v.shape,
    label: v.label,
    slice: 2,
    zoom: 2,
    classColors: { 2: '#00ff00' },
    style: 'fill',
    opacity: 1,
    classNames: ['background', 'liver', 'spleen'],
  });
  assert.deepEqual(
    custom.panels.map((p) => p.kind),
    ['image', 'label'],
  );
  const lp = custom.panels[1]!;
  const img = { width: custom.canvas.width, rgba: custom.canvas.data };
  assert.deepEqual(rgbAt(img, lp.x, lp.y), [0, 255, 0], 'class 2 in its own colour');
  const legendTop = lp.y + lp.height;
  assert.ok(custom.canvas.height > legendTop + 8, 'legend strip below the panels');
  let green = 0;
  for (let y = legendTop; y < custom.canvas.height; y++) {
    for (let x = 0; x < custom.canvas.width; x++) if (rgbAt(img, x, y).join() === '0,255,0') green++;
  }
  assert.ok(green >= 49, 'legend swatch of class 2');
  const red = classColor(1).slice(0, 3).join();
  let reds = 0;
  for (let y = legendTop; y < custom.canvas.height; y++) {
    for (let x = 0; x < custom.canvas.width; x++) if (rgbAt(img, x, y).join() === red) reds++;
  }
  assert.equal(reds, 0, 'class 1 is not in slice 2, so not in its legend');
  const side = renderOverlay({ image: v.image, shape: v.shape, axis: 2, zoom: 3 });
  assert.deepEqual(
    side.panels.map((p) => [p.width, p.height]),
    [[H * 3, D * 3]],
  );
  assert.equal(side.slice, Math.floor(W / 2), 'no labels: middle slice');
  const flat = renderOverlay({ image: new Float32Array(12), shape: [3, 4], zoom: 1 });
  assert.deepEqual([flat.panels[0]!.width, flat.panels[0]!.height], [4, 3], '2D [H, W] input');
  assert.ok(decodePng(overlayPng({ ...v })).width > 0);
});

test('overlay: slice picking, windows and bad input', () => {
  const v = volume();
  assert.deepEqual(foregroundPerSlice(v.label, v.shape, 0), [0, 6, 1]);
  assert.deepEqual(foregroundPerSlice(v.label, v.shape, 2), [1, 2, 2, 2, 0]);
  assert.equal(pickSlice(v.label, v.shape), 1);
  assert.equal(pickSlice(new Uint8Array(60), v.shape), 1, 'empty mask: middle');
  assert.equal(pickSlice(undefined, [7, 1, 1]), 3);
  const ramp = Float32Array.from({ length: 101 }, (_, i) => i);
  const [lo, hi] = percentileWindow(ramp);
  assert.ok(Math.abs(lo - 0.5) < 1e-12 && Math.abs(hi - 99.5) < 1e-12);
  assert.deepEqual(percentileWindow(ramp, 0, 100), [0, 100]);
  assert.deepEqual(percentileWindow(new Float32Array(5).fill(7)), [7, 8]);
  assert.deepEqual(percentileWindow(Float32Array.of(Number.NaN)), [0, 1]);
  assert.deepEqual(percentileWindow([]), [0, 1]);
  assert.throws(() => renderOverlay({ ...v, slice: 3 }), RangeError);
  assert.throws(() => renderOverlay({ ...v, label: new Uint8Array(5) }), RangeError);
  assert.throws(() => renderOverlay({ image: v.image, shape: [3, 4, 0] }), RangeError);
  assert.throws(() => renderOverlay({ ...v, zoom: 0 }), RangeError);
});
