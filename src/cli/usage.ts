/** Flag parsing shared by the commands: unknown flags are errors that name the flag. */

/** A wrong flag, missing value or bad argument: printed as one line, exit code 2. */
export class UsageError extends Error {}

/**
 * Parses `--name value` and `--flag` options against the allowed names. Returns the options and the
 * positional arguments. Throws a UsageError naming an unknown flag or a missing value.
 */
export function parseFlags(
  args: readonly string[],
  spec: Record<string, 'string' | 'boolean'>,
): { flags: Record<string, string | boolean>; positional: string[] } {
  const flags: Record<string, string | boolean> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const kind = spec[name];
    if (kind === undefined) {
      throw new UsageError(
        `unknown flag --${name} (expected one of: ${Object.keys(spec)
          .map((k) => `--${k}`)
          .join(', ')})`,
      );
    }
    if (kind === 'boolean') {
      flags[name] = inline === undefined ? true : inline !== 'false';
    } else {
      const value = inline ?? args[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`flag --${name} needs a value`);
      flags[name] = value;
    }
  }
  return { flags, positional };
}
