// Faults: a process killed half way must leave every file either as it was or as it would have become.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitKilled, hookWithPidFile, killSchedule, runCliKilled, type KillFigures } from '../helpers/faults.js';
import { BIN, putCliOnPath, tryGit, withArtifactsOnPath, withGitRepo, type CliResult, type TestRepo } from '../helpers/repo.js';
import { prng } from '../helpers/universe.js';

const MANIFEST = 'runs/runs_manifest.json';

/** Runs the CLI and kills it with SIGKILL after `ms` milliseconds (or lets it finish first). */
function killAfter(cwd: string, env: NodeJS.ProcessEnv, args: string[], ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('SIGKILL half way', () => {
  it('leaves the manifest as the old or the new text, never torn, whenever manifest rebuild is killed', async () => {
    await withGitRepo(async (repo) => {
      putCliOnPath(repo);
      const runs: Record<string, string> = {};
      for (let i = 0; i < 300; i++) runs[`runs/fw/run-${String(i).padStart(3, '0')}/metrics.json`] = `{"total_tokens_in": ${i}}\n`;
      repo.write(runs);
      expect(repo.cli('init').code).toBe(0);
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'runs');
      const file = path.join(repo.dir, MANIFEST);
      const before = readFileSync(file, 'utf8');
      // Every run changes, so the rebuilt manifest differs in every row.
      for (const name of Object.keys(runs)) runs[name] = `{"total_tokens_in": ${name.length * 1000}}\n`;
      repo.write(runs);
      const rand = prng(42);
      const seen = new Set<string>();
      for (let round = 0; round < 12; round++) {
        writeFileSync(file, before);
        await killAfter(repo.dir, repo.env, ['manifest', 'rebuild', '--worktree'], Math.floor(rand() * 400));
        const text = readFileSync(file, 'utf8');
        JSON.parse(text); // never torn
        seen.add(text);
      }
      writeFileSync(file, before);
      expect(repo.cli('manifest', 'rebuild', '--worktree').code).toBe(0);
      const after = readFileSync(file, 'utf8');
      expect(after).not.toBe(before);
      for (const text of seen) expect([before, after]).toContain(text);
      // Some kills landed before the write: the rounds did interrupt the command.
      expect(seen.has(before)).toBe(true);
      // Whatever a killed writer left behind (a temporary file, a lock), git is not offered any of it.
      expect(repo.gitZ('ls-files', '-z', '-o', '--exclude-standard')).toEqual([]);
      seededKills += 12;
      console.log(`[figures] SIGKILL manifest rebuild --worktree: 12 kills at seeded 0-400 ms: ${seen.size === 2 ? 'the old and the new text seen' : 'the old text seen'}, never anything else`);
    });
  }, 120_000);
});

describe('temporary files left by a killed writer', () => {
  it('are removed by the next write of the same file, so git add -A never sees them', () =>
    withGitRepo((repo) => {
      // What write-file-atomic leaves when SIGKILL lands between its write and its rename.
      repo.write({ '.gitignore.1234567890': 'half\n', '.gitignore.99': 'fresh: a concurrent writer\'s\n', 'runs/fw/r1/metrics.json': '{}' });
      const old = new Date(Date.now() - 5 * 60_000);
      utimesSync(path.join(repo.dir, '.gitignore.1234567890'), old, old);
      expect(repo.cli('init', '--no-hook').code).toBe(0);
      expect(existsSync(path.join(repo.dir, '.gitignore.1234567890'))).toBe(false);
      expect(existsSync(path.join(repo.dir, '.gitignore.99'))).toBe(true);
    }));
});

/** A repository with `count` runs committed through the installed hook (the manifest with them). */
function committedRuns(repo: TestRepo, count: number): void {
  putCliOnPath(repo);
  const runs: Record<string, string> = {};
  for (let i = 0; i < count; i++) runs[`runs/fw/run-${String(i).padStart(3, '0')}/metrics.json`] = `{"total_tokens_in": ${i}}\n`;
  repo.write({ ...runs, '.gitignore': 'node_modules/\n*.tmp\n' });
  expect(repo.cli('init').code).toBe(0);
  repo.git('add', '-A');
  const commit = tryGit(repo, ['commit', '-q', '-m', 'runs']);
  expect(commit.code, commit.stderr).toBe(0);
}

/** `count` runs in the work tree, the policy (no hook) and a manifest rebuilt from the work tree; nothing committed. */
function worktreeRuns(repo: TestRepo, count: number): void {
  const runs: Record<string, string> = {};
  for (let i = 0; i < count; i++) runs[`runs/fw/run-${String(i).padStart(3, '0')}/metrics.json`] = `{"total_tokens_in": ${i}}\n`;
  repo.write(runs);
  expect(repo.cli('init', '--no-hook').code).toBe(0);
  expect(repo.cli('manifest', 'rebuild', '--worktree').code).toBe(0);
}

/** Changes every `step`-th run and adds `added` new ones, in the work tree. */
function changeRuns(repo: TestRepo, count: number, step: number, added: number): string[] {
  const runs: Record<string, string> = {};
  for (let i = 0; i < count; i += step) runs[`runs/fw/run-${String(i).padStart(3, '0')}/metrics.json`] = `{"total_tokens_in": ${i * 1000 + 7}}\n`;
  for (let i = 0; i < added; i++) runs[`runs/new/run-${String(i).padStart(3, '0')}/metrics.json`] = `{"total_tokens_in": ${i}}\n`;
  repo.write(runs);
  return Object.keys(runs).map((f) => path.dirname(f));
}

const figures: KillFigures[] = [];
/** Kills outside killSchedule, for the summary line: at seeded delays (the first test), at fixed points. */
let seededKills = 0;
let kills = 0;
const ROUNDS = 4;

afterAll(() => {
  const scheduled = figures.reduce((sum, f) => sum + f.kills, 0) + seededKills;
  console.log(`[figures] SIGKILL total: ${kills + scheduled} kills (${scheduled} at seeded delays over ${figures.length + (seededKills > 0 ? 1 : 0)} commands, ${kills} at fixed points); every file old or new, the index intact, every rerun succeeded`);
});

describe('SIGKILL at seeded points over the whole run', () => {
  it('manifest rebuild (from the index): the manifest is the old or the new text; a rerun finishes the job', () =>
    withGitRepo(async (repo) => {
      committedRuns(repo, 40);
      changeRuns(repo, 40, 2, 10);
      repo.git('add', '-A'); // staged, not committed: rebuild reads the index
      figures.push(
        await killSchedule({
          label: 'manifest rebuild',
          template: repo,
          files: [MANIFEST],
          run: (r, delay) => runCliKilled(r, ['manifest', 'rebuild'], delay),
          rerun: (r) => r.cli('manifest', 'rebuild'),
          rounds: 4,
          seed: 801,
        }),
      );
    }));

  it('manifest update of 30 runs: the manifest is the old or the new text; a rerun finishes the job', () =>
    withGitRepo(async (repo) => {
      committedRuns(repo, 40);
      const folders = changeRuns(repo, 40, 2, 10);
      figures.push(
        await killSchedule({
          label: 'manifest update',
          template: repo,
          files: [MANIFEST],
          run: (r, delay) => runCliKilled(r, ['manifest', 'update', ...folders], delay),
          rerun: (r) => r.cli('manifest', 'update', ...folders),
          rounds: ROUNDS,
          seed: 802,
        }),
      );
    }));

  it('init on a repository: policy, .gitignore, .gitattributes, hook files and state each old or new; a rerun installs everything', () =>
    withGitRepo(async (repo) => {
      putCliOnPath(repo);
      const runs: Record<string, string> = { '.gitignore': 'node_modules/\n*.tmp\n' };
      for (let i = 0; i < 12; i++) runs[`runs/fw/run-${i}/metrics.json`] = `{"total_tokens_in": ${i}}\n`;
      repo.write(runs);
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'runs, no policy yet');
      figures.push(
        await killSchedule({
          label: 'init',
          template: repo,
          files: ['artifacts.policy.yaml', '.gitignore', '.gitattributes', '.husky/pre-commit', '.git/artifacts-hook.json'],
          foreign: ['.husky/_'],
          run: (r, delay) => runCliKilled(r, ['init'], delay),
          rerun: (r) => {
            const rerun = r.cli('init');
            // Installed for real: git's config points to the hook, and a commit runs it.
            expect(r.git('config', '--get', 'core.hooksPath').trim()).toBe('.husky/_');
            expect(r.git('config', '--get', 'merge.artifacts-manifest.driver').trim()).toBe('artifacts manifest merge %O %A %B %P');
            return rerun;
          },
          rounds: 5,
          seed: 803,
        }),
      );
    }));

  it('init --force rewriting an edited policy: policy and .gitignore block each old or new', () =>
    withGitRepo(async (repo) => {
      committedRuns(repo, 12);
      const policy = path.join(repo.dir, 'artifacts.policy.yaml');
      writeFileSync(policy, readFileSync(policy, 'utf8').replace('never: [', 'never: ["*.key", ').replace('ignore: [', 'ignore: ["*.ckpt", '));
      expect(repo.cli('init').code).toBe(0);
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'edited policy');
      figures.push(
        await killSchedule({
          label: 'init --force',
          template: repo,
          files: ['artifacts.policy.yaml', '.gitignore'],
          run: (r, delay) => runCliKilled(r, ['init', '--force', '--preset', 'runs'], delay),
          rerun: (r) => r.cli('init', '--force', '--preset', 'runs'),
          rounds: 4,
          seed: 804,
        }),
      );
    }));

  it('the hook during git commit: the manifest old or new, the index and HEAD as before or as after; a second commit goes through', () =>
    withGitRepo(async (repo) => {
      committedRuns(repo, 40);
      changeRuns(repo, 40, 2, 10);
      repo.git('add', '-A');
      const { pidFile } = hookWithPidFile(repo);
      figures.push(
        await killSchedule({
          label: 'hook (git commit)',
          template: repo,
          files: [MANIFEST],
          stagedByCommand: [MANIFEST],
          run: (r, delay) => commitKilled(r, pidFile, delay),
          rerun: (r) => {
            const head = r.git('rev-parse', 'HEAD');
            // The kill may have landed after the hook finished: then the commit is made and there is nothing to redo.
            if (r.staged().length === 0) return { code: 0, stdout: head, stderr: '' };
            return tryGit(r, ['commit', '-q', '-m', 'runs']);
          },
          rounds: 5,
          seed: 805,
        }),
      );
    }));
});

/**
 * Puts a `git` first on the repository's PATH that runs the real git, then SIGKILLs its parent (the CLI, or
 * husky inside it) when its arguments are exactly `argv`: a kill at that precise point, every time.
 */
function killAfterGit(repo: TestRepo, argv: string): void {
  const bin = path.join(repo.home, 'gitbin');
  mkdirSync(bin, { recursive: true });
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { env: repo.env, encoding: 'utf8' }).trim();
  writeFileSync(path.join(bin, 'git'), '#!/bin/sh\n"$FAULT_REAL_GIT" "$@"\nrc=$?\nif [ "$*" = "$FAULT_KILL_AFTER" ]; then kill -9 "$PPID"; fi\nexit $rc\n');
  chmodSync(path.join(bin, 'git'), 0o755);
  Object.assign(repo.env, { FAULT_REAL_GIT: realGit, FAULT_KILL_AFTER: argv, PATH: `${bin}${path.delimiter}${repo.env.PATH ?? ''}` });
}

describe('killed at fixed points', () => {
  it('killed right after husky set core.hooksPath: the rerun still knows init set it, and uninstall unsets it', () =>
    withGitRepo((plain) => {
      const repo = withArtifactsOnPath(plain);
      repo.write({ 'runs/fw/r1/metrics.json': '{}\n' });
      const killed = withArtifactsOnPath(repo);
      killAfterGit(killed, 'config core.hooksPath .husky/_');
      const first = killed.cli('init');
      expect(first.code).toBe(-1); // killed by the signal
      kills++;
      expect(repo.git('config', '--local', '--get', 'core.hooksPath').trim()).toBe('.husky/_');
      expect(repo.cli('init').code).toBe(0);
      const state = JSON.parse(readFileSync(path.join(repo.dir, '.git', 'artifacts-hook.json'), 'utf8'));
      expect(state).toMatchObject({ setHooksPath: true, hooksPathBefore: null, files: { '.husky/pre-commit': 'created' } });
      expect(repo.cli('uninstall').code).toBe(0);
      expect(tryGit(repo, ['config', '--local', '--get', 'core.hooksPath']).code).toBe(1);
      expect(existsSync(path.join(repo.dir, '.husky'))).toBe(false);
    }));

  it('the hook killed right after it staged the manifest: no commit, the manifest staged as it would be committed; the next commit goes through', () =>
    withGitRepo((repo) => {
      committedRuns(repo, 10);
      changeRuns(repo, 10, 2, 3);
      repo.git('add', '-A');
      const staged = repo.staged();
      const head = repo.git('rev-parse', 'HEAD');
      const killed = withArtifactsOnPath(repo);
      killAfterGit(killed, `-c core.quotePath=false --no-optional-locks --literal-pathspecs -c core.looseCompression=1 update-index --add -- ${MANIFEST}`);
      // git puts its own exec path first on a hook's PATH: the CLI the hook runs puts the git wrapper back.
      const bin = path.join(repo.home, 'hookbin');
      mkdirSync(bin);
      writeFileSync(path.join(bin, 'artifacts'), '#!/bin/sh\nPATH="$FAULT_GITBIN:$PATH" exec "$FAULT_NODE" "$FAULT_BIN" "$@"\n');
      chmodSync(path.join(bin, 'artifacts'), 0o755);
      Object.assign(killed.env, { FAULT_GITBIN: path.join(repo.home, 'gitbin'), FAULT_NODE: process.execPath, FAULT_BIN: BIN, PATH: `${bin}${path.delimiter}${killed.env.PATH}` });
      const commit = tryGit(killed, ['commit', '-q', '-m', 'killed']);
      kills++;
      expect(commit.code).not.toBe(0);
      expect(repo.git('rev-parse', 'HEAD')).toBe(head);
      expect(repo.staged()).toEqual([...staged, MANIFEST].sort());
      const fsck = spawnSync('git', ['fsck', '--no-dangling'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
      expect(fsck.status, fsck.stderr).toBe(0);
      const again = tryGit(repo, ['commit', '-q', '-m', 'runs']);
      expect(again.code, again.stderr).toBe(0);
      expect(repo.staged()).toEqual([]);
      // What was committed is the manifest the committed runs give, and the work tree holds the same.
      expect(repo.cli('manifest', 'check').code).toBe(0);
      expect(readFileSync(path.join(repo.dir, MANIFEST), 'utf8')).toBe(repo.git('show', `HEAD:${MANIFEST}`));
    }));

  it('a .husky/_ that husky did not finish (killed in its loop) is installed again, and the hook then runs', () =>
    withGitRepo((plain) => {
      const repo = withArtifactsOnPath(plain);
      repo.write({ 'runs/fw/r1/metrics.json': '{}\n', 'secrets.json': '{}\n' });
      expect(repo.cli('init').code).toBe(0);
      // What husky leaves when killed after copying `h`, before writing the dispatchers and husky.sh.
      for (const name of readdirSync(path.join(repo.dir, '.husky', '_'))) if (name !== 'h' && name !== '.gitignore') rmSync(path.join(repo.dir, '.husky', '_', name));
      expect(repo.cli('init').stdout).toMatch(/hook +updated/);
      repo.git('add', '-A');
      repo.git('add', '-f', 'secrets.json');
      const blocked = tryGit(repo, ['commit', '-q', '-m', 'secret']);
      expect(blocked.code).toBe(1);
      expect(blocked.stdout + blocked.stderr).toContain('secrets.json');
    }));
});

/**
 * Runs the CLI under `ulimit -f BLOCKS` (1024-byte blocks): a write past the limit fails with EFBIG. The
 * limit and every path travel as arguments, never inside the script text.
 */
function cliWithFileLimit(repo: TestRepo, blocks: number, ...args: string[]): CliResult {
  const result = spawnSync('bash', ['-c', 'ulimit -f "$1" && shift && exec "$@"', 'bash', String(blocks), process.execPath, BIN, ...args], {
    cwd: repo.dir,
    env: repo.env,
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Every entry of `folder` (relative), to show that nothing was left beside the file. */
const entries = (repo: TestRepo, folder: string) => readdirSync(path.join(repo.dir, folder)).sort();

describe('a full disk or a file size limit', () => {
  it('manifest rebuild past ulimit -f: exit 2 naming the manifest and EFBIG; the old manifest intact, no temporary, no lock', () =>
    withGitRepo((repo) => {
      worktreeRuns(repo, 120);
      changeRuns(repo, 120, 1, 0);
      const file = path.join(repo.dir, MANIFEST);
      const before = readFileSync(file);
      const listing = entries(repo, 'runs');
      expect(before.length).toBeGreaterThan(16 * 1024);
      const full = cliWithFileLimit(repo, 8, 'manifest', 'rebuild', '--worktree');
      expect(full.code, full.stderr).toBe(2);
      expect(full.stderr).toContain(`cannot write ${MANIFEST}`);
      expect(full.stderr).toContain('(EFBIG)');
      expect(full.stderr).toContain('was left as it was');
      expect(full.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(entries(repo, 'runs')).toEqual(listing);
      const rerun = repo.cli('manifest', 'rebuild', '--worktree');
      expect(rerun.code).toBe(0);
      expect(JSON.parse(readFileSync(file, 'utf8')).runs[0].total_tokens_in).toBe(7);
    }));

  it('init past ulimit -f: the policy (then the .gitignore) is not written, exit 2 with the file named; nothing partial', () =>
    withGitRepo((repo) => {
      repo.write({ 'runs/fw/r1/metrics.json': '{}\n', '.gitignore': `${'# user line\n'.repeat(300)}` });
      const gitignore = readFileSync(path.join(repo.dir, '.gitignore'), 'utf8');
      const listing = entries(repo, '.');
      // 1 KB: the policy (about 2 KB) is the first write, and fails.
      const policy = cliWithFileLimit(repo, 1, 'init', '--no-hook');
      expect(policy.code, policy.stderr).toBe(2);
      expect(policy.stderr).toContain('cannot write artifacts.policy.yaml');
      expect(policy.stderr).toContain('(EFBIG)');
      expect(entries(repo, '.')).toEqual(listing);
      // 4 KB: the policy fits; the .gitignore (3.6 KB of the user's lines plus the block) does not.
      const block = cliWithFileLimit(repo, 4, 'init', '--no-hook');
      expect(block.code, block.stderr).toBe(2);
      expect(block.stderr).toContain('cannot write .gitignore');
      expect(readFileSync(path.join(repo.dir, '.gitignore'), 'utf8')).toBe(gitignore);
      expect(entries(repo, '.')).toEqual([...listing, 'artifacts.policy.yaml'].sort());
      expect(repo.cli('init', '--no-hook').code).toBe(0);
      expect(readFileSync(path.join(repo.dir, '.gitignore'), 'utf8')).toMatch(/^# user line\n[^]*# >>> artifacts: managed block >>>/);
    }));

  it('manifest update on a full file system (ENOSPC, a small tmpfs): exit 2 naming the manifest; old manifest intact, nothing left', () =>
    withGitRepo((repo) => {
      worktreeRuns(repo, 120);
      const folders = changeRuns(repo, 120, 1, 0);
      const runs = path.join(repo.dir, 'runs');
      const before = readFileSync(path.join(runs, 'runs_manifest.json'));
      const out = path.join(repo.home, 'out');
      mkdirSync(out);
      // A private mount namespace (as root, or as a user in a user namespace): a tmpfs over runs/ holding a
      // copy of it, filled up but for 16 KB; the CLI runs there, and what it leaves is copied out before the
      // namespace (and the tmpfs) goes away.
      const script = [
        'set -e',
        'runs="$1"; out="$2"; shift 2',
        'cp -a "$runs/." "$out/copy"',
        'mount -t tmpfs -o size=4m tmpfs "$runs"',
        'cp -a "$out/copy/." "$runs/"',
        'dd if=/dev/zero of="$runs/.filler" bs=64k 2>/dev/null || true',
        'truncate -s -16K "$runs/.filler"',
        'set +e',
        '"$@" > "$out/stdout" 2> "$out/stderr"; echo $? > "$out/code"',
        'rm "$runs/.filler"',
        'ls -a "$runs" > "$out/listing"',
        'cp "$runs/runs_manifest.json" "$out/manifest"',
      ].join('\n');
      const namespace = process.getuid?.() === 0 ? ['--mount'] : ['--mount', '--map-root-user'];
      const ran = spawnSync('unshare', [...namespace, 'bash', '-c', script, 'bash', runs, out, process.execPath, BIN, 'manifest', 'update', ...folders], {
        cwd: repo.dir,
        env: repo.env,
        encoding: 'utf8',
      });
      expect(ran.status, `unshare and mount are needed for this test: ${ran.stderr}`).toBe(0);
      const stderr = readFileSync(path.join(out, 'stderr'), 'utf8');
      expect(readFileSync(path.join(out, 'code'), 'utf8').trim(), stderr).toBe('2');
      expect(stderr).toContain(`cannot write ${MANIFEST}: no space left on the device (ENOSPC)`);
      expect(readFileSync(path.join(out, 'manifest')).equals(before)).toBe(true);
      expect(readFileSync(path.join(out, 'listing'), 'utf8').split('\n').filter(Boolean).sort()).toEqual(['.', '..', 'fw', 'runs_manifest.json']);
      // The real runs/ was never touched.
      expect(readFileSync(path.join(runs, 'runs_manifest.json')).equals(before)).toBe(true);
    }));
});
