/** Segmentation losses as the references define them (see each file's TSDoc). */
export * from './cross-entropy.ts';
export * from './dice.ts';
