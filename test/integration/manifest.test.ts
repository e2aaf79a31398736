// The run manifest against real git: refresh from the index, rebuild, check, update under concurrency,
// the merge driver in a real `git merge`, and `artifacts runs`, all through the built CLI.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, commitThroughHook, putCliOnPath, tryGit, withArtifactsOnPath, withGitRepo, type TestRepo, withGeneratedRepo } from '../helpers/repo.js';

const MANIFEST = 'runs/runs_manifest.json';

interface Row {
  [key: string]: unknown;
  path: string;
}

/** The manifest as committed in HEAD. */
const committed = (repo: TestRepo) => JSON.parse(repo.git('show', `HEAD:${MANIFEST}`)) as { total_runs: number; frameworks: Record<string, number>; last_updated: string | null; runs: Row[] };
const rowOf = (manifest: { runs: Row[] }, runPath: string) => manifest.runs.find((r) => r.path === runPath);

/** A commit through the installed pre-commit hook, which refreshes and stages the manifest; its output. */
function commitWithHook(repo: TestRepo, message: string): string {
  putCliOnPath(repo);
  const commit = commitThroughHook(repo, message);
  expect(commit.code, commit.stderr).toBe(0);
  return commit.stderr;
}

/** Writes the files, installs the default policy and commits everything through the hook. */
function initAndCommit(repo: TestRepo, message: string, files: Record<string, string>): void {
  repo.write(files);
  expect(repo.cli('init').code).toBe(0);
  repo.git('add', '-A');
  commitWithHook(repo, message);
}

/** An oracle apart from the manifest code: each run's row from the committed files, read with git show. */
function expectedRows(repo: TestRepo): Row[] {
  const files = repo.gitZ('ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', 'runs').filter((f) => f !== MANIFEST);
  const runs = [...new Set(files.map((f) => f.split('/').slice(0, 3).join('/')))];
  const read = (file: string): Record<string, unknown> | null | 'invalid' => {
    if (!files.includes(file)) return null;
    try {
      return JSON.parse(repo.git('show', `HEAD:${file}`));
    } catch {
      return 'invalid';
    }
  };
  return runs
    .map((run) => {
      const [, framework, runId] = run.split('/') as [string, string, string];
      const meta = read(`${run}/metadata.json`);
      const metrics = read(`${run}/metrics.json`);
      const m = meta === 'invalid' ? null : meta;
      const t = metrics === 'invalid' ? null : metrics;
      const row: Row = {
        run_id: runId,
        framework,
        path: `${framework}/${runId}`,
        start_time: m?.start_time ?? null,
        end_time: m?.end_time ?? null,
        verification_status: m?.verification_status ?? null,
        total_tokens_in: t?.total_tokens_in ?? null,
        total_tokens_out: t?.total_tokens_out ?? null,
      };
      if (metrics === 'invalid' || meta === 'invalid') row.errors = expect.any(Array);
      return row;
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

describe('the manifest of a generated experiment repository', () => {
  it('commits rows matching the committed files, with the oddities, and a second rebuild changes nothing', () =>
    withGeneratedRepo({ runs: 30, workspaceFiles: 2 }, (repo) => {
      putCliOnPath(repo);
      expect(repo.cli('init').code).toBe(0);
      repo.git('add', '-A');
      // Through the installed hook: it checks, then refreshes and stages the manifest.
      const hookSaid = commitWithHook(repo, 'runs');
      expect(hookSaid).toContain(`${MANIFEST}: refreshed and staged`);
      // run 2's metrics.json is truncated: one warning, with line:col.
      expect(hookSaid.split('\n').filter((l) => l.includes('warning'))).toEqual([
        expect.stringMatching(/^artifacts: warning: runs\/ghspec\/[^/]+\/metrics\.json: invalid JSON at \d+:\d+: /),
      ]);

      const manifest = committed(repo);
      const expected = expectedRows(repo);
      expect(manifest.runs).toEqual(expected);
      expect(manifest.total_runs).toBe(30);
      expect(manifest.frameworks).toEqual({ baes: 10, chatdev: 10, ghspec: 10 });
      expect(Object.keys(manifest)).toEqual(['version', 'last_updated', 'total_runs', 'frameworks', 'runs']);
      expect(Object.keys(manifest.runs[0] as Row)).toEqual(['run_id', 'framework', 'path', 'start_time', 'end_time', 'verification_status', 'total_tokens_in', 'total_tokens_out']);
      const latest = expected.flatMap((r) => [r.start_time, r.end_time]).filter((t): t is string => typeof t === 'string').sort().at(-1);
      expect(manifest.last_updated).toBe(latest);

      const spaces = manifest.runs.find((r) => String(r.run_id).includes('retry copy (2)'));
      const unicode = manifest.runs.find((r) => String(r.run_id).includes('ünïcødé-実験-ε'));
      const invalid = manifest.runs.find((r) => r.errors !== undefined);
      const noMetadata = manifest.runs.filter((r) => r.start_time === null);
      expect(spaces?.total_tokens_in).toEqual(expect.any(Number));
      expect(unicode?.framework).toBe('baes');
      expect(invalid).toMatchObject({ framework: 'ghspec', total_tokens_in: null, total_tokens_out: null, verification_status: expect.any(String) });
      expect(invalid?.errors).toEqual([expect.stringMatching(/^metrics\.json: invalid JSON at \d+:\d+: /)]);
      expect(noMetadata).toHaveLength(1);
      expect(noMetadata[0]).toMatchObject({ framework: 'chatdev', verification_status: null, total_tokens_in: expect.any(Number) });

      // One row per line, final newline: the layout the splice relies on.
      const text = repo.git('show', `HEAD:${MANIFEST}`);
      expect(text.split('\n').filter((l) => l.startsWith('    {'))).toHaveLength(30);
      expect(text.endsWith('\n}\n')).toBe(true);

      for (const args of [['manifest', 'rebuild'], ['manifest', 'rebuild', '--worktree']]) {
        const again = repo.cli(...args);
        expect(again.code).toBe(0);
        expect(again.stdout).toMatch(/unchanged \(30 runs/);
        expect(repo.git('status', '--porcelain')).toBe('');
      }
      expect(repo.cli('manifest', 'check').code).toBe(0);

      const chatdev = repo.cli('runs', '--where', 'framework=chatdev', '--json');
      expect(chatdev.code).toBe(0);
      expect(JSON.parse(chatdev.stdout)).toEqual(manifest.runs.filter((r) => r.framework === 'chatdev'));
      const rich = repo.cli('runs', '--where', 'framework=chatdev', '--where', 'total_tokens_in>=1000000', '--sort=-total_tokens_in', '--json');
      expect(rich.code).toBe(0);
      const richRows = JSON.parse(rich.stdout) as Row[];
      const oracle = manifest.runs.filter((r) => r.framework === 'chatdev' && Number(r.total_tokens_in) >= 1_000_000);
      // The filter keeps some chatdev runs and drops others, so the comparison says something.
      expect(oracle.length).toBeGreaterThan(0);
      expect(oracle.length).toBeLessThan(manifest.runs.filter((r) => r.framework === 'chatdev').length);
      expect(richRows.map((r) => r.path).sort()).toEqual(oracle.map((r) => r.path).sort());
      expect(richRows.map((r) => r.total_tokens_in)).toEqual([...oracle.map((r) => r.total_tokens_in)].sort((a, b) => Number(b) - Number(a)));
      const csv = repo.cli('runs', '--where', 'verification_status=verified', '--limit', '2', '--csv');
      expect(csv.stdout.split('\r\n')[0]).toBe('run_id,framework,path,start_time,end_time,verification_status,total_tokens_in,total_tokens_out,errors');
      expect(csv.stdout.split('\r\n').filter((l) => l !== '')).toHaveLength(3);
      // The first parses only the rows whose line holds "chatdev"; the second names no text to look for, so
      // every row is parsed: the same rows, columns (errors included) and counts.
      for (const format of [['--json'], ['--csv'], []]) {
        const needle = repo.cli('runs', '--where', 'framework=chatdev', ...format);
        const whole = repo.cli('runs', '--where', 'framework>=chatdev', '--where', 'framework<=chatdev', ...format);
        expect(needle.code).toBe(0);
        expect(needle.stdout).toBe(whole.stdout);
        expect(needle.stderr).toBe(whole.stderr);
      }
      expect(repo.cli('runs', '--where', 'nope=1').code).toBe(2);
      expect(repo.cli('runs', '--where', 'framework').code).toBe(2);

      // The bin answers plain spellings from dist/runs.js and hands the rest to clipanion (`--no-csv` is
      // clipanion's negation of a boolean, unknown to node:util's parser): both give the same answer.
      const lean = repo.cli('runs', '--where', 'framework=chatdev', '--sort=-total_tokens_in', '--limit', '3', '--json');
      const throughClipanion = repo.cli('runs', '--where', 'framework=chatdev', '--sort=-total_tokens_in', '--limit', '3', '--json', '--no-csv');
      expect(lean.code).toBe(0);
      expect(throughClipanion.code).toBe(0);
      expect(JSON.parse(lean.stdout)).toHaveLength(3);
      expect(throughClipanion.stdout).toBe(lean.stdout);
      const table = repo.cli('runs', '--where', 'framework=chatdev', '--limit', '1');
      expect(table.stdout.split('\n')[0]).toMatch(/^run_id +framework +path/);
      expect(table.stderr).toBe(`1 of ${manifest.runs.length} runs\n`);
      const help = repo.cli('runs', '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('List runs from the manifest');
      // A value that starts with a dash needs `=`: clipanion's refusal, exit 2 through both paths alike.
      const dashed = repo.cli('runs', '--sort', '-total_tokens_in');
      expect(dashed.code).not.toBe(0);
      expect(`${dashed.stdout}${dashed.stderr}`).toContain('--sort');
      expect(repo.cli('runs', '--json', '--csv').code).toBe(2);
      const refresh = repo.cli('manifest', 'refresh');
      expect(refresh.code).toBe(2);
      expect(refresh.stderr).toContain('call it as `artifacts manifest refresh --staged`');
    }));
});

describe("manifest rebuild's own entry", () => {
  it('bin/artifacts.js runs the plain spellings without the CLI framework, with the same bytes, output and errors as through it', () =>
    withGeneratedRepo({ runs: 30, workspaceFiles: 2 }, (repo) => {
      expect(repo.cli('init').code).toBe(0);
      repo.git('add', '-A');
      const file = path.join(repo.dir, MANIFEST);
      /** A rebuild from scratch with these arguments: its output and the bytes written. */
      const rebuild = (...args: string[]) => {
        rmSync(file, { force: true });
        const result = repo.cli('manifest', 'rebuild', ...args);
        return { ...result, bytes: readFileSync(file, 'utf8') };
      };
      for (const worktree of [['--worktree'], []]) {
        // `--no-json` is a spelling only clipanion reads: it goes through the CLI.
        const own = rebuild(...worktree);
        const cli = rebuild(...worktree, '--no-json');
        expect(own).toEqual(cli);
        expect(own.code).toBe(0);
        expect(own.stdout).toMatch(/^runs\/runs_manifest\.json: written \(30 runs, from the (work tree|index)\)\n$/);
        // run 2's metrics.json is truncated: reported with its path, the other rows written.
        expect(own.stderr.split('\n').filter((l) => l !== '')).toEqual([
          expect.stringMatching(/^artifacts: warning: runs\/ghspec\/[^/]+\/metrics\.json: invalid JSON at \d+:\d+: /),
        ]);
        expect(JSON.parse(own.bytes).total_runs).toBe(30);
      }
      const json = repo.cli('manifest', 'rebuild', '--json', '--worktree');
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toEqual({ manifests: [{ file: MANIFEST, runs: 30, status: 'unchanged' }], warnings: [expect.stringContaining('metrics.json: invalid JSON')] });
      // --help goes through the CLI.
      const help = repo.cli('manifest', 'rebuild', '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('artifacts manifest rebuild');
      expect(help.stdout).toContain('--worktree');
      // Errors: the same channel and exit code both ways.
      rmSync(path.join(repo.dir, 'artifacts.policy.yaml'));
      const own = repo.cli('manifest', 'rebuild', '--worktree');
      expect(own.code).toBe(2);
      expect(own.stderr).toMatch(/^artifacts: .*artifacts\.policy\.yaml/);
      expect(repo.cli('manifest', 'rebuild', '--worktree', '--no-json')).toEqual(own);
    }));
});

describe('refresh from the index', () => {
  const setup = (repo: TestRepo) =>
    initAndCommit(repo, 'runs', {
      'runs/fw/r1/metrics.json': '{"total_tokens_in": 1, "total_tokens_out": 2}\n',
      'runs/fw/r1/metadata.json': '{"start_time": "2025-01-01T00:00:00Z", "end_time": "2025-01-01T01:00:00Z"}\n',
      'runs/fw/r2/metrics.json': '{"total_tokens_in": 10}\n',
      'runs/other/r3/commit.txt': 'abc\n',
    });

  it('uses the staged values of a partially staged metrics.json', () =>
    withGitRepo((repo) => {
      setup(repo);
      repo.write({ 'runs/fw/r1/metrics.json': '{"total_tokens_in": 111, "total_tokens_out": 2}\n' });
      repo.git('add', 'runs/fw/r1/metrics.json');
      repo.write({ 'runs/fw/r1/metrics.json': '{"total_tokens_in": 222, "total_tokens_out": 2}\n' });
      commitWithHook(repo, 'partial');
      expect(rowOf(committed(repo), 'fw/r1')?.total_tokens_in).toBe(111);
      expect(rowOf(committed(repo), 'fw/r2')?.total_tokens_in).toBe(10);
      // The work tree still holds the unstaged value, and only that file is modified.
      expect(repo.git('status', '--porcelain')).toBe(' M runs/fw/r1/metrics.json\n');
    }));

  it('refreshes the manifest in a `git commit -a`, which commits from a temporary index', () =>
    withGitRepo((repo) => {
      setup(repo);
      repo.write({ 'runs/fw/r2/metrics.json': '{"total_tokens_in": 20}\n' });
      putCliOnPath(repo);
      const commit = tryGit(repo, ['commit', '-q', '-a', '-m', 'all']);
      expect(commit.code, commit.stderr).toBe(0);
      expect(rowOf(committed(repo), 'fw/r2')?.total_tokens_in).toBe(20);
      expect(repo.git('status', '--porcelain')).toBe('');
    }));

  it('removes the row of a run whose tracked files are all deleted, and adds a new one', () =>
    withGitRepo((repo) => {
      setup(repo);
      expect(committed(repo).total_runs).toBe(3);
      repo.git('rm', '-r', '-q', '--cached', 'runs/fw/r2');
      repo.write({ 'runs/fw/r4/metrics.json': '{"total_tokens_in": 4}\n' });
      repo.git('add', 'runs/fw/r4');
      commitWithHook(repo, 'delete r2, add r4');
      const manifest = committed(repo);
      expect(manifest.runs.map((r) => r.path)).toEqual(['fw/r1', 'fw/r4', 'other/r3']);
      expect(manifest.total_runs).toBe(3);
      expect(manifest.frameworks).toEqual({ fw: 2, other: 1 });
      expect(repo.cli('manifest', 'check').code).toBe(0);
    }));

  it('recomputes last_updated when the run holding it changes, and restores a hand-edited staged manifest', () =>
    withGitRepo((repo) => {
      setup(repo);
      expect(committed(repo).last_updated).toBe('2025-01-01T01:00:00Z');
      repo.write({ 'runs/fw/r1/metadata.json': '{"start_time": "2024-01-01T00:00:00Z"}\n' });
      repo.write({ [MANIFEST]: '{"runs": []}\n' });
      repo.git('add', '-A');
      commitWithHook(repo, 'older');
      const manifest = committed(repo);
      expect(manifest.last_updated).toBe('2024-01-01T00:00:00Z');
      expect(manifest.total_runs).toBe(3);
      expect(repo.cli('manifest', 'check').code).toBe(0);
    }));

  it('manifest check exits 1 after a commit that skipped the refresh, and names the run', () =>
    withGitRepo((repo) => {
      setup(repo);
      repo.write({ 'runs/fw/r5/metrics.json': '{"total_tokens_in": 5}\n' });
      repo.git('add', '-A');
      repo.git('commit', '-q', '--no-verify', '-m', 'skipped the hook');
      const check = repo.cli('manifest', 'check', '--json');
      expect(check.code).toBe(1);
      expect(JSON.parse(check.stdout).differences).toEqual([{ file: MANIFEST, missing: ['fw/r5'], extra: [], changed: [], layout: false }]);
      expect(repo.cli('manifest', 'check').stdout).toContain('artifacts manifest rebuild && git add -- runs/runs_manifest.json');
    }));
});

describe('manifest update', () => {
  it('recovers a lock left by a killed process', () =>
    withGitRepo((repo) => {
      repo.write({ 'runs/fw/r1/metrics.json': '{"total_tokens_in": 5}\n' });
      expect(repo.cli('init').code).toBe(0);
      const lock = path.join(repo.dir, 'runs', '.runs_manifest.json.lock');
      const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
      writeFileSync(lock, `${dead}\n${hostname()}\n2026-01-01T00:00:00.000Z\n`);
      const past = new Date(Date.now() - 10_000);
      utimesSync(lock, past, past);
      const update = repo.cli('manifest', 'update', 'runs/fw/r1');
      expect(update.code, update.stderr).toBe(0);
      expect(existsSync(lock)).toBe(false);
      expect(JSON.parse(readFileSync(path.join(repo.dir, MANIFEST), 'utf8')).runs).toHaveLength(1);
    }));

  it('keeps every row when 16 processes update at once, and the file is valid JSON at every moment', async () => {
    await withGitRepo(async (repo) => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 16; i++) files[`runs/fw/run-${String(i).padStart(2, '0')}/metrics.json`] = `{"total_tokens_in": ${i}}\n`;
      repo.write({ 'runs/fw/seed/metrics.json': '{"total_tokens_in": 99}\n' });
      expect(repo.cli('init').code).toBe(0);
      expect(repo.cli('manifest', 'update', 'runs/fw/seed').code).toBe(0);
      repo.write(files);
      const file = path.join(repo.dir, MANIFEST);
      let reads = 0;
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          JSON.parse(readFileSync(file, 'utf8')); // throws on a torn file
          reads++;
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
      const codes = await Promise.all(
        Object.keys(files).map(
          (f) =>
            new Promise<number>((resolve, reject) => {
              const child = spawn(process.execPath, [BIN, 'manifest', 'update', path.dirname(f)], { cwd: repo.dir, env: repo.env, stdio: 'ignore' });
              child.on('error', reject);
              child.on('close', (code) => resolve(code ?? -1));
            }),
        ),
      );
      watching = false;
      await watcher;
      expect(codes).toEqual(new Array(16).fill(0));
      expect(reads).toBeGreaterThan(0);
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      expect(manifest.total_runs).toBe(17);
      expect(manifest.runs.map((r: Row) => r.total_tokens_in).sort((a: number, b: number) => a - b)).toEqual([...Array(16).keys(), 99]);
      // The lock is gone and was never committable; the result equals a rebuild from the work tree.
      expect(repo.git('status', '--porcelain', '--ignored', 'runs').includes('.lock')).toBe(false);
      expect(repo.cli('manifest', 'rebuild', '--worktree').stdout).toMatch(/unchanged/);
    });
  });

  it('refuses a folder that is not a run, and removes the row of a run folder that is gone', () =>
    withGitRepo((repo) => {
      // fw/c holds only files the policy ignores: no row. fw/b's only source file is metadata.json.
      repo.write({ 'runs/fw/a/metrics.json': '{}', 'runs/fw/b/metadata.json': '{"start_time": "2025-01-01T00:00:00Z"}', 'runs/fw/c/run.log': 'x', 'runs/fw/c/workspace/metrics.json': '{}' });
      expect(repo.cli('init').code).toBe(0);
      expect(repo.cli('manifest', 'rebuild', '--worktree').code).toBe(0);
      const rebuilt = JSON.parse(readFileSync(path.join(repo.dir, MANIFEST), 'utf8'));
      expect(rebuilt.runs.map((r: Row) => [r.path, r.start_time])).toEqual([['fw/a', null], ['fw/b', '2025-01-01T00:00:00Z']]);
      const bad = repo.cli('manifest', 'update', 'runs/fw');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/not a run folder/);
      execFileSync('rm', ['-r', path.join(repo.dir, 'runs/fw/b')]);
      expect(repo.cli('manifest', 'update', 'runs/fw/b').stdout).toMatch(/0 updated, 1 removed/);
      expect(JSON.parse(readFileSync(path.join(repo.dir, MANIFEST), 'utf8')).runs.map((r: Row) => r.path)).toEqual(['fw/a']);
    }));
});

describe('merging branches', () => {
  const base = (repo: TestRepo) =>
    initAndCommit(repo, 'base', {
      'runs/fw/shared/metrics.json': '{\n  "total_tokens_in": 1,\n  "total_tokens_out": 1\n}\n',
      'runs/fw/shared/metadata.json': '{\n  "verification_status": "pending"\n}\n',
    });

  it('merges two branches that add different runs and change one run in different files, with the driver', () =>
    withGitRepo((plain) => {
      const repo = withArtifactsOnPath(plain);
      base(repo);
      expect(readFileSync(path.join(repo.dir, '.gitattributes'), 'utf8')).toBe('/runs/runs_manifest.json merge=artifacts-manifest\n');
      expect(repo.git('config', '--get', 'merge.artifacts-manifest.driver')).toBe('artifacts manifest merge %O %A %B %P\n');
      const second = repo.cli('init');
      expect(second.stdout).toMatch(/merge +unchanged/);

      repo.git('checkout', '-q', '-b', 'feature');
      repo.write({ 'runs/fw/from-feature/metrics.json': '{"total_tokens_in": 7}\n' });
      repo.write({ 'runs/fw/shared/metadata.json': '{\n  "verification_status": "verified"\n}\n' });
      repo.git('add', '-A');
      commitWithHook(repo, 'feature');
      repo.git('checkout', '-q', 'main');
      repo.write({ 'runs/other/from-main/metrics.json': '{"total_tokens_in": 8}\n' });
      repo.write({ 'runs/fw/shared/metrics.json': '{\n  "total_tokens_in": 100,\n  "total_tokens_out": 1\n}\n' });
      repo.git('add', '-A');
      commitWithHook(repo, 'main');

      repo.git('merge', '-q', '--no-edit', 'feature');
      const manifest = committed(repo);
      expect(manifest.runs.map((r) => r.path)).toEqual(['fw/from-feature', 'fw/shared', 'other/from-main']);
      expect(rowOf(manifest, 'fw/shared')).toMatchObject({ verification_status: 'verified', total_tokens_in: 100 });
      expect(manifest.frameworks).toEqual({ fw: 2, other: 1 });
      expect(repo.cli('manifest', 'check').code).toBe(0);
    }));

  it('reports a conflict when both sides change the same field, resolved by rebuild', () =>
    withGitRepo((plain) => {
      const repo = withArtifactsOnPath(plain);
      base(repo);
      repo.git('checkout', '-q', '-b', 'feature');
      repo.write({ 'runs/fw/shared/metadata.json': '{\n  "verification_status": "verified"\n}\n' });
      repo.git('add', '-A');
      commitWithHook(repo, 'feature');
      repo.git('checkout', '-q', 'main');
      repo.write({ 'runs/fw/shared/metadata.json': '{\n  "verification_status": "failed"\n}\n' });
      repo.git('add', '-A');
      commitWithHook(repo, 'main');
      let stderr = '';
      try {
        execFileSync('git', ['merge', '--no-edit', 'feature'], { cwd: repo.dir, env: repo.env, stdio: 'pipe' });
      } catch (error) {
        stderr = String((error as { stderr: Buffer }).stderr) + String((error as { stdout: Buffer }).stdout);
      }
      expect(stderr).toMatch(/changed on both sides[\s\S]*artifacts manifest rebuild && git add -- runs\/runs_manifest\.json/);
      expect(repo.git('diff', '--name-only', '--diff-filter=U')).toContain(MANIFEST);
      repo.write({ 'runs/fw/shared/metadata.json': '{\n  "verification_status": "verified"\n}\n' });
      repo.git('add', 'runs/fw/shared/metadata.json');
      expect(repo.cli('manifest', 'rebuild').code).toBe(0);
      repo.git('add', MANIFEST);
      repo.git('commit', '-q', '--no-edit');
      expect(rowOf(committed(repo), 'fw/shared')?.verification_status).toBe('verified');
      expect(repo.cli('manifest', 'check').code).toBe(0);
    }));

  it('without the driver (a fresh clone), a conflicted manifest is resolved with manifest rebuild', () =>
    withGitRepo((repo) => {
      base(repo);
      // A clone carries .gitattributes but not .git/config.
      repo.git('config', '--remove-section', 'merge.artifacts-manifest');
      repo.git('checkout', '-q', '-b', 'feature');
      repo.write({ 'runs/fw/from-feature/metrics.json': '{"total_tokens_in": 7}\n' });
      repo.git('add', '-A');
      commitWithHook(repo, 'feature');
      repo.git('checkout', '-q', 'main');
      repo.write({ 'runs/fw/from-main/metrics.json': '{"total_tokens_in": 8}\n' });
      repo.git('add', '-A');
      commitWithHook(repo, 'main');
      expect(() => execFileSync('git', ['merge', '--no-edit', 'feature'], { cwd: repo.dir, env: repo.env, stdio: 'pipe' })).toThrow();
      const runs = repo.cli('runs');
      expect(runs.code).toBe(2);
      expect(runs.stderr).toContain('merge conflict markers: resolve it with `artifacts manifest rebuild && git add -- runs/runs_manifest.json`');
      expect(repo.cli('manifest', 'rebuild').code).toBe(0);
      repo.git('add', MANIFEST);
      repo.git('commit', '-q', '--no-edit');
      expect(committed(repo).runs.map((r) => r.path)).toEqual(['fw/from-feature', 'fw/from-main', 'fw/shared']);
      expect(repo.cli('manifest', 'check').code).toBe(0);
    }));
});
