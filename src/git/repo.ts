// Typed git queries, all through the one boundary in git.ts. Every listing is read with -z.
import { GitError, UserError } from '../errors.js';
import { messages } from '../messages.js';
import { git, joinNul, type ObjectReader, splitNul } from './git.js';

export interface Repo {
  /** Absolute path of the work tree's top level; every path we handle is relative to it, with '/'. */
  root: string;
  /** `core.ignoreCase`: git then matches ignore patterns without regard to ASCII case, and so must we. */
  ignoreCase: boolean;
  /**
   * Variables for the git calls that read and write the index on this repository's behalf: a snapshot
   * points GIT_INDEX_FILE at the temporary index its commit is built in.
   */
  env?: Readonly<Record<string, string>>;
  /**
   * A `git cat-file --batch` kept open for this repository's reads (the hook opens one and closes it at the
   * end). Never copied into a Repo with another `env`: its `:PATH` reads see the index it was opened on.
   */
  objects?: ObjectReader;
}

export async function openRepo(cwd: string): Promise<Repo> {
  let root: string;
  // Both questions at once: git reads core.ignoreCase from the repository that cwd is in.
  const ignoreCase = configBool(cwd, 'core.ignorecase').catch(() => undefined);
  try {
    root = (await git(['rev-parse', '--show-toplevel'], { cwd })).stdout.toString('utf8').replace(/\n$/, '');
  } catch (error) {
    if (error instanceof GitError) {
      if (/must be run in a work tree/.test(error.stderr)) throw new UserError(messages.bareRepository(cwd));
      if (/not a git repository/i.test(error.stderr)) throw new UserError(messages.notARepository(cwd));
    }
    throw error;
  }
  return { root, ignoreCase: (await ignoreCase) ?? false };
}

/** The oldest git whose flags and output formats we rely on (`config --type`, `--no-optional-locks`, ...). */
export const MIN_GIT_VERSION = [2, 25, 0] as const;

/** Refuses a git older than MIN_GIT_VERSION with a message saying what to do. */
export async function requireGitVersion(cwd: string): Promise<string> {
  const text = (await git(['version'], { cwd })).stdout.toString('utf8').trim();
  const found = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  const have = found ? [Number(found[1]), Number(found[2]), Number(found[3] ?? 0)] : [0, 0, 0];
  const older = MIN_GIT_VERSION.findIndex((part, i) => have[i] !== part);
  if (older !== -1 && (have[older] as number) < (MIN_GIT_VERSION[older] as number)) {
    throw new UserError(messages.gitTooOld(text, MIN_GIT_VERSION.join('.')));
  }
  return text;
}

export async function configBool(cwd: string, key: string): Promise<boolean | undefined> {
  // Exit 1 means "not set": an answer, not a failure.
  const { stdout, exitCode } = await git(['config', '--type=bool', '--get', key], { cwd, okExitCodes: [1] });
  if (exitCode === 1) return undefined;
  return stdout.toString('utf8').trim() === 'true';
}

export interface IndexEntry {
  path: string;
  /** '100644', '100755', '120000' (symlink) or '160000' (gitlink: a submodule). */
  mode: string;
}

/** Every path in the index (once, even when unmerged), with its mode. */
export async function listIndex(repo: Repo, pathspecs: readonly string[] = []): Promise<IndexEntry[]> {
  const { stdout } = await git(['ls-files', '-z', '--stage', '--', ...pathspecs], { cwd: repo.root, env: repo.env });
  const entries: IndexEntry[] = [];
  let previous = '';
  for (const record of splitNul(stdout)) {
    // "<mode> <object> <stage>\t<path>"
    const tab = record.indexOf('\t');
    const path = record.slice(tab + 1);
    if (path === previous) continue; // the stages 1-3 of an unmerged path
    previous = path;
    entries.push({ path, mode: record.slice(0, record.indexOf(' ')) });
  }
  return entries;
}

/**
 * listIndex() and listUntracked() from one git process, which reads the index once: `-t` tags each record,
 * '?' for an untracked path, another letter for an index entry.
 */
export async function listIndexAndUntracked(repo: Repo, warnings?: string[]): Promise<{ index: IndexEntry[]; untracked: string[] }> {
  const args = ['ls-files', '-z', '-t', '--stage', '--others', '--exclude-standard', '--'];
  const result = await git(args, { cwd: repo.root, env: repo.env });
  collectWarnings(result.stderr, warnings);
  const records = splitNul(result.stdout);
  const index: IndexEntry[] = [];
  const untracked: string[] = [];
  let previous = '';
  // An indexed loop: it runs once per file of the repository, before the JIT has warmed up.
  for (let i = 0; i < records.length; i++) {
    // "? <path>", or "<tag> <mode> <object> <stage>\t<path>"
    const record = records[i] as string;
    if (record.startsWith('? ')) {
      untracked.push(record.slice(2));
      continue;
    }
    const path = record.slice(record.indexOf('\t') + 1);
    if (path === previous) continue; // the stages 1-3 of an unmerged path
    previous = path;
    index.push({ path, mode: record.slice(2, record.indexOf(' ', 2)) });
  }
  return { index, untracked };
}

/** Untracked paths that git does not ignore: what `git add -A` would add. Nested repositories end with '/'. */
export async function listUntracked(repo: Repo, pathspecs: readonly string[] = [], warnings?: string[]): Promise<string[]> {
  const result = await git(['ls-files', '-z', '--others', '--exclude-standard', '--', ...pathspecs], {
    cwd: repo.root,
    env: repo.env,
  });
  collectWarnings(result.stderr, warnings);
  return splitNul(result.stdout);
}

/**
 * Untracked paths that git ignores. `--directory` makes git report a wholly ignored folder as one entry
 * ending in '/' instead of walking into it: this is what keeps the cost independent of workspace sizes.
 */
export async function listIgnoredUntracked(repo: Repo, pathspecs: readonly string[], warnings?: string[]): Promise<string[]> {
  const args = ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', ...pathspecs];
  const result = await git(args, { cwd: repo.root, env: repo.env });
  collectWarnings(result.stderr, warnings);
  return splitNul(result.stdout);
}

/**
 * A listing that succeeded can still have skipped something: git says so on stderr (`warning: could not
 * open directory 'runs/x/': Permission denied`) and goes on. Those lines are passed on, in git's words.
 */
function collectWarnings(stderr: string, warnings: string[] | undefined): void {
  if (!warnings) return;
  for (const line of stderr.split('\n')) if (line.trim() !== '') warnings.push(messages.gitWarning(line.trim()));
}

/** Paths in the index that the ignore rules match: still committed, but new files like them would be hidden. */
export async function listIgnoredTracked(repo: Repo, pathspecs: readonly string[]): Promise<string[]> {
  const args = ['ls-files', '-z', '--cached', '--ignored', '--exclude-standard', '--', ...pathspecs];
  return [...new Set(splitNul((await git(args, { cwd: repo.root, env: repo.env })).stdout))];
}

export interface IgnoreRule {
  /** The file holding the rule, as git names it (`.gitignore`, `runs/x/.gitignore`, an excludes file). */
  file: string;
  line: number;
  /** The pattern as written; a leading '!' means the rule re-includes the path. */
  pattern: string;
}

/**
 * The rule that decides each path, as git sees it, index or not (`--no-index`), including re-including
 * ('!') rules (`--verbose --non-matching`). Paths no rule matches map to null.
 */
export async function decidingRules(repo: Repo, paths: readonly string[]): Promise<Map<string, IgnoreRule | null>> {
  const rules = new Map<string, IgnoreRule | null>();
  if (paths.length === 0) return rules;
  const args = ['check-ignore', '--no-index', '--verbose', '--non-matching', '-z', '--stdin'];
  // check-ignore refuses --literal-pathspecs and reads a leading ':' as pathspec magic, so every path goes
  // in as './PATH' (plain, from the top, since git runs at the root) and comes back the same way.
  const input = joinNul(paths.map((p) => `./${p}`));
  // Exit 1: none of the paths is ignored. Still an answer.
  const { stdout } = await git(args, { cwd: repo.root, env: repo.env, input, okExitCodes: [1], literalPathspecs: false });
  const fields = splitNul(stdout);
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const [file, line, pattern, echoed] = fields.slice(i, i + 4) as [string, string, string, string];
    rules.set(echoed.startsWith('./') ? echoed.slice(2) : echoed, file === '' ? null : { file, line: Number(line), pattern });
  }
  return rules;
}

/** A repository config value, or undefined when it is not set. */
export async function configGet(cwd: string, key: string): Promise<string | undefined> {
  // --local: the repository's own .git/config, the one `configSet` writes. Exit 1 means "not set".
  const { stdout, exitCode } = await git(['config', '--local', '--get', key], { cwd, okExitCodes: [1] });
  return exitCode === 1 ? undefined : stdout.toString('utf8').replace(/\n$/, '');
}

export async function configSet(cwd: string, key: string, value: string): Promise<void> {
  await git(['config', '--local', key, value], { cwd });
}

export async function configUnset(cwd: string, key: string): Promise<void> {
  // Exit 5: the key was not set; nothing to do.
  await git(['config', '--local', '--unset', key], { cwd, okExitCodes: [5] });
}
