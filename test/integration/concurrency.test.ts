// Concurrency: many processes writing the manifest at once, and commits racing in two worktrees of one
// repository, all through the built CLI and real git.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, openTestRepo, putCliOnPath, tryGit, withGitRepo, type CliResult, type TestRepo } from '../helpers/repo.js';

const MANIFEST = 'runs/runs_manifest.json';
const UPDATES = 16;
const REBUILDS = 4;
/** Runs there before the writers start. */
const SEEDS = 40;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a command to its end without blocking the test's event loop (the watcher keeps reading meanwhile). */
function run(cwd: string, env: NodeJS.ProcessEnv, command: string, args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('many writers of one manifest', () => {
  it(`${UPDATES} runners (write the run, then manifest update) and ${REBUILDS} manifest rebuild --worktree at once: no row ever lost, always valid JSON`, async () => {
    await withGitRepo(async (repo) => {
      const seeds: Record<string, string> = {};
      for (let i = 0; i < SEEDS; i++) seeds[`runs/seed/run-${String(i).padStart(4, '0')}/metrics.json`] = `{"total_tokens_in": ${1000 + i}}\n`;
      repo.write(seeds);
      expect(repo.cli('init', '--no-hook').code).toBe(0);
      expect(repo.cli('manifest', 'rebuild', '--worktree').code).toBe(0);
      const file = path.join(repo.dir, MANIFEST);

      // The watcher: every read parses, and the set of runs never shrinks (a row, once in, stays in).
      let reads = 0;
      let watching = true;
      let seen = new Set<string>();
      const shrinks: string[] = [];
      const watcher = (async () => {
        while (watching) {
          const rows = (JSON.parse(readFileSync(file, 'utf8')) as { runs: Array<{ path: string }> }).runs.map((r) => r.path);
          const now = new Set(rows);
          for (const p of seen) if (!now.has(p)) shrinks.push(p);
          seen = now;
          reads++;
          await sleep(1);
        }
      })();

      // Rebuilds start over the first half of the runners' window, so that they read the tree while runs
      // are being written; each runner writes its run, then updates the manifest, as a training job would.
      const started = [
        ...Array.from({ length: REBUILDS }, async (_, i) => {
          await sleep(i * 120);
          return run(repo.dir, repo.env, process.execPath, [BIN, 'manifest', 'rebuild', '--worktree']);
        }),
        ...Array.from({ length: UPDATES }, async (_, i) => {
          await sleep(i * 40);
          const folder = `runs/fw/run-${String(i).padStart(2, '0')}`;
          mkdirSync(path.join(repo.dir, folder), { recursive: true });
          writeFileSync(path.join(repo.dir, folder, 'metrics.json'), `{"total_tokens_in": ${i}}\n`);
          return run(repo.dir, repo.env, process.execPath, [BIN, 'manifest', 'update', folder]);
        }),
      ];
      const results = await Promise.all(started);
      watching = false;
      await watcher;

      for (const result of results) expect(result.code, result.stderr).toBe(0);
      expect(reads).toBeGreaterThan(0);
      expect(shrinks, 'rows that disappeared from the manifest while the writers ran').toEqual([]);
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      expect(manifest.total_runs).toBe(SEEDS + UPDATES);
      expect(manifest.runs.map((r: { total_tokens_in: number }) => r.total_tokens_in).sort((a: number, b: number) => a - b)).toEqual([
        ...Array.from({ length: UPDATES }, (_, i) => i),
        ...Array.from({ length: SEEDS }, (_, i) => 1000 + i),
      ]);
      // The end state is what a rebuild from scratch computes, and no lock is left.
      const fresh = repo.cli('manifest', 'rebuild', '--worktree');
      expect(fresh.stdout).toContain(`unchanged (${SEEDS + UPDATES} runs`);
      expect(existsSync(path.join(repo.dir, 'runs', '.runs_manifest.json.lock'))).toBe(false);
      console.log(`[figures] concurrency: ${UPDATES} manifest update + ${REBUILDS} manifest rebuild at once; the manifest read ${reads} times meanwhile, always valid JSON, no row lost`);
    });
  }, 120_000);
  it('a rebuild that read the runs before an update lands does not write over that update', async () => {
    await withGitRepo(async (repo) => {
      // A run whose metrics.json is a FIFO: the rebuild blocks reading it, after it listed the run folders,
      // until the test writes to it. That holds a rebuild between reading the runs and writing the manifest
      // for as long as the test wants, the window in which an update must not be lost.
      repo.write({ 'runs/fw/a-slow/metadata.json': '{}\n', 'runs/fw/b/metrics.json': '{"total_tokens_in": 2}\n' });
      expect(repo.cli('init', '--no-hook').code).toBe(0);
      expect(repo.cli('manifest', 'rebuild', '--worktree').code).toBe(0);
      const fifo = path.join(repo.dir, 'runs/fw/a-slow/metrics.json');
      execFileSync('mkfifo', ['--', fifo]);
      const rebuild = run(repo.dir, repo.env, process.execPath, [BIN, 'manifest', 'rebuild', '--worktree']);
      const writer = await open(fifo, 'w'); // returns once the rebuild has opened it: the runs are listed
      repo.write({ 'runs/fw/c-new/metrics.json': '{"total_tokens_in": 3}\n' });
      const update = run(repo.dir, repo.env, process.execPath, [BIN, 'manifest', 'update', 'runs/fw/c-new']);
      // Let the update finish if nothing stops it (it must then not be lost), or queue behind the rebuild.
      await Promise.race([update, sleep(2000)]);
      await writer.writeFile('{"total_tokens_in": 1}\n');
      await writer.close();
      const [rebuilt, updated] = await Promise.all([rebuild, update]);
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      expect(updated.code, updated.stderr).toBe(0);
      const rows = JSON.parse(readFileSync(path.join(repo.dir, MANIFEST), 'utf8')).runs;
      expect(rows.map((r: { path: string; total_tokens_in: number }) => [r.path, r.total_tokens_in])).toEqual([
        ['fw/a-slow', 1],
        ['fw/b', 2],
        ['fw/c-new', 3],
      ]);
    });
  });
});

describe('two worktrees of one repository', () => {
  it('commits racing through the hook behave as git does: each branch gets its commit and a manifest with its own runs', () =>
    withGitRepo(async (repo) => {
      putCliOnPath(repo);
      repo.write({ 'runs/fw/base/metrics.json': '{"total_tokens_in": 1}\n' });
      expect(repo.cli('init').code).toBe(0);
      repo.git('add', '-A');
      expect(tryGit(repo, ['commit', '-q', '-m', 'base']).code).toBe(0);
      const otherDir = path.join(path.dirname(repo.dir), 'side');
      repo.git('worktree', 'add', '-q', '-b', 'side', otherDir);
      const side = openTestRepo(otherDir, repo.home, repo.env);
      // .husky/_ (husky's dispatcher) is untracked, so a new worktree has none and git would run no hook
      // there at all: `artifacts init` in the worktree installs it (the hook's files and config are shared).
      expect(side.cli('init').code).toBe(0);

      const rounds = 2;
      let clashes = 0;
      for (let round = 0; round < rounds; round++) {
        repo.write({ [`runs/fw/main-${round}/metrics.json`]: `{"total_tokens_in": ${10 + round}}\n` });
        side.write({ [`runs/fw/side-${round}/metrics.json`]: `{"total_tokens_in": ${20 + round}}\n` });
        repo.git('add', '-A');
        side.git('add', '-A');
        const [a, b] = await Promise.all(
          [repo, side].map((r) => run(r.dir, r.env, 'git', ['commit', '-q', '-m', `round ${round}`])),
        );
        // Separate indexes, separate branches: both go through. Were they to collide on a shared lock, git
        // refuses one with its index.lock message and nothing else happens; that commit is simply retried.
        for (const [r, result] of [[repo, a], [side, b]] as Array<[TestRepo, CliResult]>) {
          if (result.code === 0) continue;
          expect(result.stderr).toMatch(/\.lock/);
          clashes++;
          const retry = tryGit(r, ['commit', '-q', '-m', `round ${round}`]);
          expect(retry.code, retry.stderr).toBe(0);
        }
      }

      const fsck = spawnSync('git', ['fsck', '--no-dangling'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
      expect(fsck.status, fsck.stderr).toBe(0);
      const runsOf = (ref: string) => JSON.parse(repo.git('show', `${ref}:${MANIFEST}`)).runs.map((r: { path: string }) => r.path);
      const ids = (prefix: string) => Array.from({ length: rounds }, (_, i) => `fw/${prefix}-${i}`);
      expect(runsOf('main')).toEqual(['fw/base', ...ids('main')]);
      expect(runsOf('side')).toEqual(['fw/base', ...ids('side')]);
      for (const r of [repo, side]) {
        expect(r.git('status', '--porcelain')).toBe('');
        expect(r.staged()).toEqual([]);
        // The work-tree manifest is the committed one.
        expect(readFileSync(path.join(r.dir, MANIFEST), 'utf8')).toBe(r.git('show', `HEAD:${MANIFEST}`));
      }
      expect(repo.git('rev-list', '--count', 'main')).toBe(`${rounds + 2}\n`);
      expect(repo.git('rev-list', '--count', 'side')).toBe(`${rounds + 2}\n`);
      console.log(`[figures] concurrency: ${rounds} rounds of two commits racing in two worktrees through the hook; ${clashes} refused by git's lock and retried`);
    }));
});
