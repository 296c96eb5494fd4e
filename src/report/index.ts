/**
 * Reporting: PNG encoding, a raster canvas with a bitmap font, line plots, overlay images and the
 * Markdown/HTML report of an experiment. Plain TypeScript plus `node:zlib`; no tensors, no native code.
 * See `docs/report.md`.
 */

export { Canvas, type TextOptions } from './canvas.ts';
export {
  BLACK,
  CLASS_COLORS,
  type Color,
  classColor,
  lighten,
  SERIES_COLORS,
  seriesColor,
  toColor,
  toHex,
  WHITE,
} from './colors.ts';
export {
  bestValidation,
  classValidationPlot,
  defaultSmoothing,
  lossPlot,
  parseMetricsJsonl,
  type RunCurves,
  readMetricsJsonl,
  type StepRecord,
  type ValRecord,
  validationPlot,
} from './curves.ts';
export { type Block, escapeHtml, markdownTableToHtml, renderHtml, renderMarkdown } from './doc.ts';
export {
  ADVANCE,
  CAP_HEIGHT,
  GLYPH_ROWS,
  GLYPH_WIDTH,
  glyph,
  hasGlyph,
  LINE_HEIGHT,
  textWidth,
} from './font.ts';
export {
  foregroundPerSlice,
  type OverlayOptions,
  type OverlayPanel,
  overlayPng,
  percentileWindow,
  pickSlice,
  renderOverlay,
} from './overlay.ts';
export {
  type LinePlotOptions,
  linePlot,
  type PlotFrame,
  renderLinePlot,
  type Series,
  smoothEma,
} from './plot.ts';
export { crc32, encodePng, PNG_SIGNATURE, type PngOptions } from './png.ts';
export {
  type AnySummary,
  buildReport,
  type ReportFiles,
  type ReportOptions,
  type ReportRun,
  resultsCsv,
  toRunsSummary,
  writeReport,
} from './report.ts';
export { type Axis, formatTick, linearAxis, logAxis } from './ticks.ts';
