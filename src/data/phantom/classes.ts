/**
 * The phantom's label set: Synapse's 13 abdominal organs with Synapse's label values (spec/dhc.md section 1),
 * so code and tables written for Synapse run unchanged on the phantom. `hu` is the designed mean intensity in
 * Hounsfield units of a case with average contrast enhancement (before blur, bias field and noise).
 */

/** One foreground class of the phantom. */
export interface PhantomClass {
  /** Label value in the label maps (1..13, as Synapse). */
  id: number;
  /** nnU-Net label name (snake_case). */
  name: string;
  /** Designed mean HU (kidneys: of the cortex; the medulla is about 60 HU darker). */
  hu: number;
  /** Size group: 'large' (liver), 'medium' (spleen, kidneys, stomach, pancreas, gallbladder), 'tube', 'tiny'. */
  size: 'large' | 'medium' | 'tube' | 'tiny';
}

/** The 13 foreground classes in label order (background 0 is not listed). */
export const PHANTOM_CLASSES: readonly PhantomClass[] = Object.freeze([
  { id: 1, name: 'spleen', hu: 130, size: 'medium' },
  { id: 2, name: 'right_kidney', hu: 185, size: 'medium' },
  { id: 3, name: 'left_kidney', hu: 185, size: 'medium' },
  { id: 4, name: 'gallbladder', hu: 10, size: 'medium' },
  { id: 5, name: 'esophagus', hu: 45, size: 'tube' },
  { id: 6, name: 'liver', hu: 105, size: 'large' },
  { id: 7, name: 'stomach', hu: 30, size: 'medium' },
  { id: 8, name: 'aorta', hu: 200, size: 'tube' },
  { id: 9, name: 'inferior_vena_cava', hu: 155, size: 'tube' },
  { id: 10, name: 'portal_and_splenic_vein', hu: 170, size: 'tube' },
  { id: 11, name: 'pancreas', hu: 85, size: 'medium' },
  { id: 12, name: 'right_adrenal_gland', hu: 55, size: 'tiny' },
  { id: 13, name: 'left_adrenal_gland', hu: 55, size: 'tiny' },
] as const);

/** Number of label values including background (14). */
export const PHANTOM_NUM_CLASSES = PHANTOM_CLASSES.length + 1;

/** Label value of each organ, by short name. */
export const PHANTOM_LABEL = {
  spleen: 1,
  rightKidney: 2,
  leftKidney: 3,
  gallbladder: 4,
  esophagus: 5,
  liver: 6,
  stomach: 7,
  aorta: 8,
  ivc: 9,
  portalVein: 10,
  pancreas: 11,
  rightAdrenal: 12,
  leftAdrenal: 13,
} as const;
