// Worker bootstrap: registers tsx's TypeScript loader inside this worker thread, then runs the TypeScript
// worker. (On Node 20, `--import tsx` in a Worker's execArgv does not apply to the worker's entry module.)
import { register } from 'tsx/esm/api';

register();
await import('./prefetch-worker.ts');
