// Real git repositories for tests: a fixed branch and identity, no signing, no hooks or config from the
// machine, and no GIT_* variables leaking in from a hook that runs the tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = path.join(PROJECT_ROOT, 'bin', 'artifacts.js');
export const TREE_GENERATOR = path.join(PROJECT_ROOT, 'examples', 'make-runs-tree.mjs');

/** The environment every git and CLI call in tests gets: the machine's, minus git's, plus a private config. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_') && !key.startsWith('ARTIFACTS_')) env[key] = value;
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
    ...extra,
  };
}

export interface TestRepo {
  /** The work tree. */
  dir: string;
  /** A private HOME holding the global git config. */
  home: string;
  env: NodeJS.ProcessEnv;
  git(...args: string[]): string;
  /** git output split on NUL (for -z listings). */
  gitZ(...args: string[]): string[];
  /** Writes files (creating folders); a Buffer or string each. */
  write(files: Record<string, string | Buffer>): void;
  cli(...args: string[]): CliResult;
  /** The paths staged against HEAD (limited to `pathspec` when given), sorted. */
  staged(...pathspec: string[]): string[];
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(cwd: string, env: NodeJS.ProcessEnv, args: string[]): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A scratch folder with a private HOME, not a repository yet. */
export function makeScratch(): { dir: string; home: string; env: NodeJS.ProcessEnv; cleanup(): void } {
  const base = mkdtempSync(path.join(tmpdir(), 'artifacts-test-'));
  const dir = path.join(base, 'repo');
  const home = path.join(base, 'home');
  mkdirSync(dir);
  mkdirSync(home);
  writeFileSync(path.join(home, '.gitconfig'), '[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n[core]\n\thooksPath = /dev/null/no-hooks\n');
  return { dir, home, env: cleanEnv(home), cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export function openTestRepo(dir: string, home: string, env: NodeJS.ProcessEnv): TestRepo {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  return {
    dir,
    home,
    env,
    git,
    gitZ: (...args: string[]) => git(...args).split('\0').filter((s) => s !== ''),
    write(files) {
      for (const [name, content] of Object.entries(files)) {
        const file = path.join(dir, name);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    },
    cli: (...args: string[]) => runCli(dir, env, args),
    staged: (...pathspec: string[]) =>
      git('diff', '--cached', '--name-only', '-z', '--', ...pathspec).split('\0').filter((s) => s !== '').sort(),
  };
}

/** Runs `fn` in a fresh repository with one empty commit on main, removed afterwards whatever happens. */
export async function withGitRepo<T>(fn: (repo: TestRepo) => Promise<T> | T): Promise<T> {
  const scratch = makeScratch();
  try {
    const repo = openTestRepo(scratch.dir, scratch.home, scratch.env);
    repo.git('init', '-q', '-b', 'main');
    repo.git('commit', '-q', '--allow-empty', '-m', 'root');
    return await fn(repo);
  } finally {
    scratch.cleanup();
  }
}

/** Runs git and reports the outcome instead of throwing (a commit the hook blocks exits 1). */
export function tryGit(repo: TestRepo, args: string[], extraEnv: Record<string, string> = {}): CliResult {
  const result = spawnSync('git', args, { cwd: repo.dir, env: { ...repo.env, ...extraEnv }, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Makes the built CLI findable as `artifacts` on PATH (a private bin folder put first on the repository's
 * PATH), as after `npm install -g`: the installed hook and the manifest merge driver find it there.
 * Returns the folder; calling it twice changes nothing.
 */
export function putCliOnPath(repo: TestRepo): string {
  const bin = path.join(repo.home, 'bin');
  mkdirSync(bin, { recursive: true });
  try {
    symlinkSync(BIN, path.join(bin, 'artifacts'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (!(repo.env.PATH ?? '').startsWith(`${bin}${path.delimiter}`)) repo.env.PATH = `${bin}${path.delimiter}${repo.env.PATH ?? ''}`;
  return bin;
}

/** The repository seen with the CLI on PATH (see putCliOnPath), leaving `repo`'s own environment as it was. */
export function withArtifactsOnPath(repo: TestRepo): TestRepo {
  const withCli = openTestRepo(repo.dir, repo.home, { ...repo.env });
  putCliOnPath(withCli);
  return withCli;
}

/** Makes the CLI findable as node_modules/.bin/artifacts in the repository, as after `npm install -D artifacts`. */
export function putCliInNodeModules(repo: TestRepo): void {
  const bin = path.join(repo.dir, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(BIN, path.join(bin, 'artifacts'));
}

/** A tree from examples/make-runs-tree.mjs: its run count, workspace files per run and big-file size. */
export interface GeneratedTree {
  runs: number;
  workspaceFiles: number;
  bigBytes?: number;
}

/**
 * Runs `fn` in a repository that examples/make-runs-tree.mjs generated (`--git`: initialised, nothing of
 * ours installed or committed), removed afterwards whatever happens.
 */
export async function withGeneratedRepo<T>(tree: GeneratedTree, fn: (repo: TestRepo) => Promise<T> | T): Promise<T> {
  const scratch = makeScratch();
  try {
    const args = ['--out', scratch.dir, '--runs', String(tree.runs), '--workspace-files', String(tree.workspaceFiles), '--git'];
    if (tree.bigBytes !== undefined) args.push('--big-bytes', String(tree.bigBytes));
    execFileSync(process.execPath, [TREE_GENERATOR, ...args], { env: scratch.env, stdio: 'ignore' });
    return await fn(openTestRepo(scratch.dir, scratch.home, scratch.env));
  } finally {
    scratch.cleanup();
  }
}

/**
 * A real `git commit`, through the installed pre-commit hook where there is one (the caller puts the CLI
 * where the hook looks: putCliOnPath, putCliInNodeModules, or nowhere). git hands the hook's stdout to
 * stderr, so `out` holds both.
 */
export function commitThroughHook(repo: TestRepo, message: string, extraEnv: Record<string, string> = {}, ...flags: string[]): CliResult & { out: string } {
  const result = tryGit(repo, ['commit', '-q', '-m', message, ...flags], extraEnv);
  return { ...result, out: result.stdout + result.stderr };
}
