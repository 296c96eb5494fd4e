/**
 * One case through the preprocessing: resize (optional), then per-channel intensity normalisation. The order
 * is DHC's: its Era 1 preprocessing resized the raw HU volume and its loader windowed the stored volume as a
 * whole, so resizing first and windowing the whole resized volume gives the same arrays (DHC spec §1, §2).
 */

import type { CaseSource, PreprocessStep } from '../manifest.ts';
import { CT_WINDOW, ctWindowNormalize, minMaxNormalize } from './intensity.ts';
import { resizedSpacing, resizeImage, resizeLabel } from './resize.ts';
import { distinctLabels } from './volumes.ts';

/** How a channel's intensities are normalised. */
export type IntensityRule = 'ct-window' | 'minmax' | 'none';

/** What to do to every case of a dataset. */
export interface PreprocessPlan {
  /** Variant name recorded in the manifest. */
  variant: string;
  /** Target spatial size (`[D, H, W]` voxels), or null to keep each case's size. */
  size: number[] | null;
  /** One rule per channel. */
  intensity: IntensityRule[];
  /** Steps the loader applies on every load (recorded in the manifest, not done here). */
  onLoad: PreprocessStep[];
  /** Remarks recorded in the manifest's notes. */
  notes: string[];
}

/** A case as an adapter reads it: project layout, before preprocessing. */
export interface RawCase {
  id: string;
  /** float32, C order, `[C, D, H, W]` or `[C, H, W]`. */
  image: Float32Array;
  shape: number[];
  /** mm per spatial axis (same order as `shape.slice(1)`), or null when unknown. */
  spacing: number[] | null;
  /** uint8 over the spatial axes, or null for an unlabeled case. */
  label: Uint8Array | null;
  source: CaseSource;
}

/** A preprocessed case, ready to be written. */
export interface ProcessedCase extends RawCase {
  /** Distinct label values present (increasing), or null without a label. */
  labelValues: number[] | null;
}

/** The steps `preprocessCase` performs under `plan`, as recorded in the manifest (after the adapter's read step). */
export function planSteps(plan: PreprocessPlan): PreprocessStep[] {
  const steps: PreprocessStep[] = [];
  if (plan.size)
    steps.push({
      op: 'resize',
      size: plan.size,
      image: 'trilinear',
      alignCorners: false,
      label: 'nearest-legacy',
      kernel: 'torch.nn.functional.interpolate(size=...)',
    });
  plan.intensity.forEach((rule, channel) => {
    if (rule === 'ct-window') steps.push({ op: 'clip', channel, min: CT_WINDOW.min, max: CT_WINDOW.max });
    if (rule !== 'none') steps.push({ op: 'minmax-per-volume', channel });
  });
  return steps;
}

/**
 * Applies `plan` to one case: image `[C, ...spatial]` float32 resized trilinear (bilinear for 2D,
 * `align_corners=False`) and label uint8 with legacy nearest to `plan.size`, spacing (mm) scaled by in/out,
 * then each channel normalised by its rule. Returns new arrays (the input is not modified). Throws a
 * RangeError when `plan.size` does not match the case's number of spatial axes or the channel count differs
 * from `plan.intensity`. An empty case (a zero size) throws.
 */
export function preprocessCase(raw: RawCase, plan: PreprocessPlan): ProcessedCase {
  const [channels, ...spatial] = raw.shape as [number, ...number[]];
  if (plan.intensity.length !== channels)
    throw new RangeError(
      `case '${raw.id}': ${channels} image channels but the plan has ${plan.intensity.length} intensity rules`,
    );
  let image = raw.image;
  let label = raw.label;
  let shape = [...raw.shape];
  let spacing = raw.spacing ? [...raw.spacing] : null;
  if (plan.size) {
    if (plan.size.length !== spatial.length)
      throw new RangeError(
        `case '${raw.id}': cannot resize ${spatial.length}D shape [${spatial.join(', ')}] to [${plan.size.join(', ')}]`,
      );
    image = resizeImage(image, shape, plan.size);
    if (label) label = resizeLabel(label, spatial, plan.size);
    spacing = resizedSpacing(spacing, spatial, plan.size);
    shape = [channels, ...plan.size];
  }
  const n = image.length / channels;
  const out = new Float32Array(image.length);
  for (let c = 0; c < channels; c++) {
    const vol = image.subarray(c * n, (c + 1) * n);
    const rule = plan.intensity[c]!;
    out.set(
      rule === 'ct-window' ? ctWindowNormalize(vol) : rule === 'minmax' ? minMaxNormalize(vol) : vol,
      c * n,
    );
  }
  return {
    id: raw.id,
    image: out,
    shape,
    spacing,
    label: label === raw.label && label ? label.slice() : label,
    source: raw.source,
    labelValues: label ? distinctLabels(label) : null,
  };
}
