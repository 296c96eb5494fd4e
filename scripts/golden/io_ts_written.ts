/**
 * Writes the TS-written golden files from the recipe in test/fixtures/io/expected.json (`ts_recipe`, made by
 * io_fixtures.py): ts_written.nii.gz, ts_written.nii (NIfTI, data x fastest) and ts_written.npy (the same
 * values in C order). Then check them with numpy / nibabel:
 *
 *   node --import tsx scripts/golden/io_ts_written.ts
 *   /usr/bin/python3 scripts/golden/io_fixtures.py verify test/fixtures/io/ts_written.nii.gz \
 *       test/fixtures/io/ts_written.nii test/fixtures/io/ts_written.npy
 *
 * test/io/nifti-write.test.ts checks that the writers still produce these bytes.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fortranToC } from '../../src/io/layout.ts';
import { writeNiftiSync } from '../../src/io/nifti.ts';
import { writeNpySync } from '../../src/io/npy.ts';

const dir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'io');
const recipe = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')).ts_recipe as {
  shape: number[];
  affine: number[][];
  data_f: number[];
};
const data = Int16Array.from(recipe.data_f);
const vol = { data, shape: recipe.shape, affine: recipe.affine };
writeNiftiSync(join(dir, 'ts_written.nii.gz'), vol);
writeNiftiSync(join(dir, 'ts_written.nii'), vol);
writeNpySync(join(dir, 'ts_written.npy'), fortranToC(data, recipe.shape).data, recipe.shape);
console.log(`wrote ts_written.nii.gz, ts_written.nii and ts_written.npy in ${dir}`);
