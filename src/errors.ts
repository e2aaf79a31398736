// The three failure channels (as clipanion and knip have them):
// - UserError (and clipanion's UsageError): the user's mistake or environment; printed without a stack, exit 2;
// - findings: not an error at all, a command returns exit code 1;
// - anything else is our bug: printed with its stack, exit 70 (EX_SOFTWARE), so it never looks like a finding.

/**
 * Marks our user-facing errors. The bin's lean entries (dist/hook.js, check.js, runs.js) load the YAML policy
 * loader, a bundle of its own (dist/policy-load.js), only when the policy cache misses: each bundle carries its
 * own copy of this module, so an error is recognised by this registry-wide symbol, not by `instanceof`.
 */
const USER_ERROR = Symbol.for('artifacts.UserError');

/** A mistake in the command line, the policy, the repository or the environment. Exit 2, no stack. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  readonly [USER_ERROR] = true;
}

/** A UserError, whichever bundle's copy of the class built it. */
export function isUserError(error: unknown): error is UserError {
  return typeof error === 'object' && error !== null && (error as { [USER_ERROR]?: unknown })[USER_ERROR] === true;
}

/** Where in a file a configuration error sits; every policy error carries one. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** The key path inside the document, e.g. `roots[0].track[2]`. */
  key: string;
}

/** A malformed policy or managed block: names file, line, column and key. */
export class ConfigError extends UserError {
  override readonly name = 'ConfigError';
  constructor(
    readonly location: SourceLocation,
    readonly problem: string,
  ) {
    const where = `${location.file}:${location.line}:${location.column}`;
    super(`${where}: ${location.key ? `${location.key}: ` : ''}${problem}`);
  }
}

/** git exited with an unexpected status; carries git's own words. */
export class GitError extends UserError {
  override readonly name = 'GitError';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    const said = stderr.trim() || `exit code ${exitCode}`;
    super(`git ${args.filter((a) => !a.startsWith('-c')).slice(0, 3).join(' ')} failed: ${said}`);
  }
}

/** Prints warnings on their channel, each as one `artifacts: warning: ...` line. */
export function warn(stderr: NodeJS.WritableStream, warnings: Iterable<string>): void {
  for (const warning of warnings) stderr.write(`artifacts: warning: ${warning}\n`);
}

export const EXIT = { clean: 0, findings: 1, usage: 2, internal: 70 } as const;

/**
 * Prints an error on its channel and returns the exit code: a user's mistake (UserError, or what
 * `isUsersMistake` also counts, such as clipanion's UsageError) one line, exit 2; anything else is our bug,
 * printed with its stack, exit 70. The CLI's commands and the bin's own entries (hook, check) share it.
 */
export function reportError(error: unknown, stderr: NodeJS.WritableStream, isUsersMistake: (error: unknown) => boolean = () => false): number {
  if (isUserError(error) || isUsersMistake(error)) {
    stderr.write(`artifacts: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  stderr.write(`artifacts: internal error (a bug: please report it with this text)\n${detail}\n`);
  return EXIT.internal;
}
