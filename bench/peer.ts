/**
 * Shared plumbing of the side-by-side benchmarks: a Python reference process driven line by line
 * over stdin/stdout (JSON replies), numeric flags, and medians.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** `--name value` from the command line, or `dflt`. */
export function numberArg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A running `/usr/bin/python3 <script>` that answers each command line with one JSON line. */
export interface PythonPeer {
  /** Sends `cmd` (nothing when empty) and resolves with the next JSON reply. */
  ask<T>(cmd: string): Promise<T>;
  close(): void;
}

/** Starts `script` (a URL next to the caller) with `env` added to the environment. */
export function startPython(script: URL, env: Record<string, string>): PythonPeer {
  const py = spawn('/usr/bin/python3', [fileURLToPath(script)], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
  return {
    async ask<T>(cmd: string): Promise<T> {
      if (cmd) py.stdin.write(`${cmd}\n`);
      const next = await lines.next();
      if (next.done) throw new Error('the Python reference exited (is python3-torch installed?)');
      return JSON.parse(next.value) as T;
    },
    close() {
      py.stdin.end();
    },
  };
}
