/** Regenerates src/torch/generated/ops.ts from the installed libtorch (run: `npm run gen:ops`). */
import { writeFileSync } from 'node:fs';
import { native } from '../src/torch/native.ts';
import { GENERATED_PATH, type OpInfo, renderOpsFile } from './ops-codegen.ts';

const text = renderOpsFile((n, o) => native.describeOp(n, o) as OpInfo, native.version());
writeFileSync(GENERATED_PATH, text);
console.log(`wrote ${GENERATED_PATH}`);
