// The one place that spawns git. Every other module asks git through here, so the flags that make git's
// output safe to parse are pinned once, and every failure carries git's own stderr.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
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

interface PendingRead {
  resolve(content: Buffer | null): void;
  reject(error: Error): void;
}

/**
 * One `git cat-file --batch` process answering many reads: objects by id, `REV:PATH` (`HEAD:runs/m.json`) or
 * `:PATH` (the index). The hook reads three times (the policy, the runs' files, the manifest); one process
 * saves the spawns, and `prefetch` lets a read start long before its answer is needed. Specs travel one a
 * line, so they must hold no newline (object ids never do; callers check paths). Answers come back in the
 * order asked: `<oid> <type> <size>\n<content>\n`, or `<spec> missing\n` (null here, as for a non-blob).
 * git reads the index once, at the first `:PATH`: later answers do not see what was staged meanwhile.
 */
export class ObjectReader {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: PendingRead[] = [];
  private readonly prefetched = new Map<string, Promise<Buffer | null>>();
  private readonly stderr: Buffer[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The header of the object being received: its size and whether it is a blob. */
  private current: { size: number; blob: boolean } | null = null;
  private failure: Error | null = null;
  private closing = false;
  private readonly exited: Promise<void>;

  constructor(options: Pick<GitCallOptions, 'cwd' | 'env'>) {
    const args = ['cat-file', '--batch'];
    const env = options.env ? { ...process.env, ...options.env } : process.env;
    this.child = spawn('git', [...PINNED_FLAGS, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.child.stdin.on('error', () => {}); // a git that died is reported by its exit code
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error: NodeJS.ErrnoException) => {
        this.fail(error.code === 'ENOENT' ? new UserError(messages.gitMissing) : error);
        resolve();
      });
      this.child.on('close', (code) => {
        if (code !== 0) this.fail(new GitError(args, code, Buffer.concat(this.stderr).toString('utf8')));
        else if (this.queue.length > 0) this.fail(new Error(`git cat-file --batch ended with ${this.queue.length} object(s) unanswered`));
        resolve();
      });
    });
  }

  /** The content of each object named by `specs`; null for one that does not exist or is not a blob. */
  read(specs: readonly string[]): Promise<Array<Buffer | null>> {
    return Promise.all(
      specs.map((spec) => {
        const early = this.prefetched.get(spec);
        if (early === undefined) return this.ask(spec);
        this.prefetched.delete(spec); // once: `:PATH` may change (the hook stages files)
        return early;
      }),
    );
  }

  /** Starts reading `specs` now; the next read() of each spec gets this answer. */
  prefetch(specs: readonly string[]): void {
    for (const spec of specs) {
      if (this.prefetched.has(spec)) continue;
      const answer = this.ask(spec);
      answer.catch(() => {}); // a prefetch nobody reads must not be an unhandled rejection
      this.prefetched.set(spec, answer);
    }
  }

  /** Ends the process; throws what made git fail, if anything did. */
  async close(): Promise<void> {
    this.closing = true;
    this.child.stdin.end();
    await this.exited;
    if (this.failure !== null) throw this.failure;
  }

  private ask(spec: string): Promise<Buffer | null> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('git cat-file --batch: read after close'));
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.child.stdin.write(`${spec}\n`);
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.queue.splice(0)) pending.reject(this.failure);
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.current === null) {
        // A header: short, at the start of what is buffered.
        const data = this.take(this.buffered);
        const eol = data.indexOf(0x0a);
        if (eol === -1) {
          this.keep(data);
          return;
        }
        const parts = data.toString('utf8', 0, eol).split(' ');
        this.keep(data.subarray(eol + 1));
        if (parts.length !== 3 || !/^\d+$/.test(parts[2] as string)) {
          this.queue.shift()?.resolve(null); // "<spec> missing" or "<spec> ambiguous"
          continue;
        }
        this.current = { size: Number(parts[2]), blob: parts[1] === 'blob' };
      }
      // The content and the newline git adds after it, joined once all of it is here.
      const needed = this.current.size + 1;
      if (this.buffered < needed) return;
      const data = this.take(this.buffered);
      const content = data.subarray(0, this.current.size);
      this.keep(data.subarray(needed));
      this.queue.shift()?.resolve(this.current.blob ? content : null);
      this.current = null;
    }
  }

  /** Everything buffered, as one Buffer (emptying the buffer). */
  private take(length: number): Buffer {
    const data = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, length);
    this.chunks = [];
    this.buffered = 0;
    return data;
  }

  private keep(rest: Buffer): void {
    if (rest.length === 0) return;
    this.chunks.push(rest);
    this.buffered += rest.length;
  }
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
