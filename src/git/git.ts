// The one place that spawns git. Every other module asks git through here, so the flags that make git's
// output safe to parse are pinned once, and every failure carries git's own stderr.
import { spawn } from 'node:child_process';
import { GitError, UserError } from '../errors.js';
import { messages } from '../messages.js';

// Pinned before every subcommand, and why:
const PINNED_FLAGS = [
  // Paths in any non -z output (warnings, error messages) stay verbatim instead of "\303\274"-escaped.
  '-c',
  'core.quotePath=false',
  // Read-only queries must not take index.lock to refresh stat data: that would race a concurrent commit.
  '--no-optional-locks',
];

export interface GitCallOptions {
  cwd: string;
  /** Bytes fed to git's standard input (e.g. NUL-separated paths for `--stdin`). */
  input?: string | Buffer;
  /** Exit codes that are answers, not failures (`check-ignore` exits 1 when nothing matched). */
  okExitCodes?: readonly number[];
  /**
   * A path we pass is a path: run folders contain '*', '?', '[' and ':' that git would read as globs or
   * pathspec magic, so --literal-pathspecs is on unless a command refuses it (check-ignore does).
   */
  literalPathspecs?: boolean;
  /**
   * Variables added to the environment (a Repo's `env`). Snapshot uses it for GIT_INDEX_FILE: it builds its commit in a
   * temporary index so that the user's index (and whatever is staged there) is untouched until the commit exists.
   */
  env?: Readonly<Record<string, string>>;
}

export interface GitResult {
  stdout: Buffer;
  exitCode: number;
  /** What git said on stderr although it succeeded: warnings such as a folder it could not open. */
  stderr: string;
}

/** Runs `git ARGS` with no shell in between; paths travel as argv or NUL-separated stdin, never as a string. */
export function git(args: readonly string[], options: GitCallOptions): Promise<GitResult> {
  const fullArgs = [...PINNED_FLAGS, ...(options.literalPathspecs === false ? [] : ['--literal-pathspecs']), ...args];
  return new Promise((resolve, reject) => {
    const env = options.env ? { ...process.env, ...options.env } : process.env;
    const child = spawn('git', fullArgs, { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new UserError(messages.gitMissing) : error);
    });
    // git may close stdin early (it stops reading once it fails); that is reported through its exit code.
    child.stdin.on('error', () => {});
    child.on('close', (code) => {
      const exitCode = code ?? -1;
      if (exitCode === 0 || options.okExitCodes?.includes(exitCode)) {
        resolve({ stdout: Buffer.concat(out), exitCode, stderr: Buffer.concat(err).toString('utf8') });
      } else {
        reject(new GitError(args, code, Buffer.concat(err).toString('utf8')));
      }
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Splits `-z` output into records; the final NUL terminates the last record rather than starting an empty one. */
export function splitNul(output: Buffer | string): string[] {
  const text = typeof output === 'string' ? output : output.toString('utf8');
  if (text === '') return [];
  const records = text.split('\0');
  if (records[records.length - 1] === '') records.pop();
  return records;
}

/** Joins paths for a `--stdin -z` consumer. */
export function joinNul(paths: readonly string[]): string {
  return paths.length === 0 ? '' : `${paths.join('\0')}\0`;
}
