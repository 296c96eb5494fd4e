/**
 * Loader module for the prefetcher (`src/data/prefetch.ts`): `loader: 'src/data/datasets/preprocessed-loader.ts'`
 * with `loaderOptions: { dir, unlabeled? }` loads cases of a folder written by `semiseg preprocess`.
 *
 * `unlabeled` says what an unlabeled-stream sample carries as label: `'zero'` (default: an all-zero map, as DHC
 * and SKCDF give unlabeled items, so batches always stack), `'keep'` (the stored label, e.g. for diagnostics),
 * or `'drop'` (no label). Labeled-stream samples always carry their stored label.
 */

import { DataError } from '../data-error.ts';
import type { LoaderContext } from '../prefetch-job.ts';
import type { Sample } from '../sample.ts';
import { loadPreprocessedCase } from './preprocessed.ts';

/** `loaderOptions` of this loader. */
export interface PreprocessedLoaderOptions {
  /** The preprocessed folder (absolute, or relative to the working directory). */
  dir: string;
  unlabeled?: 'zero' | 'keep' | 'drop';
}

function options(raw: unknown): Required<PreprocessedLoaderOptions> {
  const o = (raw ?? {}) as Partial<PreprocessedLoaderOptions>;
  if (typeof o.dir !== 'string' || o.dir === '')
    throw new DataError(
      'loaderOptions.dir',
      `is ${JSON.stringify(o.dir)}`,
      'the preprocessed dataset folder',
    );
  const unlabeled = o.unlabeled ?? 'zero';
  if (!['zero', 'keep', 'drop'].includes(unlabeled))
    throw new DataError(
      'loaderOptions.unlabeled',
      `is ${JSON.stringify(unlabeled)}`,
      "'zero', 'keep' or 'drop'",
    );
  return { dir: o.dir, unlabeled };
}

/**
 * `loadCase(id, { stream, options })` of the loader-module contract: the case as `[C, D, H, W]` (or `[C, H, W]`)
 * float32 image and uint8 label (see the module comment for unlabeled samples). Errors name the case's file or
 * the manifest field.
 */
export async function loadCase(id: string, ctx: LoaderContext): Promise<Sample> {
  const o = options(ctx.options);
  if (ctx.stream !== 'unlabeled') return loadPreprocessedCase(o.dir, id);
  if (o.unlabeled === 'keep') return loadPreprocessedCase(o.dir, id);
  const s = await loadPreprocessedCase(o.dir, id, { label: false });
  if (o.unlabeled === 'zero') s.label = new Uint8Array(s.image.length / s.shape[0]);
  return s;
}
