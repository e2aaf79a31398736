// snapshot against real repositories and real commits, through the built CLI.
import { existsSync, lstatSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepo } from '../../src/git/repo.js';
import { loadPolicy } from '../../src/policy/load.js';
import { Classifier } from '../../src/policy/classifier.js';
import { commitSnapshot, planSnapshot } from '../../src/snapshot/snapshot.js';
import { withGitRepo, type TestRepo, putCliOnPath, tryGit, withGeneratedRepo } from '../helpers/repo.js';

/** A generated repository after `init`, its small run files committed; big files 200 KB (under limits.file) unless said. */
function generated(fn: (repo: TestRepo) => void, bigBytes = 200_000): Promise<void> {
  return withGeneratedRepo({ runs: 6, workspaceFiles: 3, bigBytes }, (repo) => {
    putCliOnPath(repo); // commits go through the installed hook, as for a user
    expect(repo.cli('init').code).toBe(0);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'track runs');
    fn(repo);
  });
}

const runsOf = (repo: TestRepo, framework: string) => readdirSync(path.join(repo.dir, 'runs', framework)).sort();
/** Every file of a run folder, walked apart from the tool. */
function filesOf(repo: TestRepo, run: string, skip: (inner: string) => boolean = () => false): string[] {
  const found: string[] = [];
  const walk = (inner: string) => {
    for (const entry of readdirSync(path.join(repo.dir, run, inner), { withFileTypes: true })) {
      const child = inner ? `${inner}/${entry.name}` : entry.name;
      if (skip(child)) continue;
      if (entry.isDirectory()) walk(child);
      else found.push(`${run}/${child}`);
    }
  };
  walk('');
  return found.sort();
}
const state = (repo: TestRepo) => ({
  head: repo.git('rev-parse', 'HEAD').trim(),
  index: repo.git('ls-files', '-s', '-z'),
  staged: repo.gitZ('diff', '--cached', '--name-only', '-z').sort(),
  pins: existsSync(path.join(repo.dir, 'artifacts.pins.json')),
});

describe('snapshot', () => {
  it('commits one run minus workspace/ and never, leaves unrelated staged changes staged, tags, and check passes', () =>
    generated((repo) => {
      const run = `runs/chatdev/${runsOf(repo, 'chatdev')[0]}`;
      repo.write({ [`${run}/secrets.json`]: '{"key": "hunter2"}' });
      // The run's metrics changed since the last commit (not staged): the snapshot commits them and its manifest row.
      repo.write({ [`${run}/metrics.json`]: '{"total_tokens_in": 4242, "total_tokens_out": 7}\n' });
      repo.write({ 'README.md': 'changed and staged\n', 'unrelated.txt': 'new and staged\n' });
      repo.git('add', 'README.md', 'unrelated.txt');
      const parent = repo.git('rev-parse', 'HEAD').trim();

      const result = repo.cli('snapshot', run, '-m', 'paper', '--tag', 'paper-v1', '--json');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout);
      // The preset's rule: every file but the workspace, archives and logs; never files always left out.
      const expected = filesOf(repo, run, (inner) => inner === 'workspace' || inner === 'secrets.json' || /\.(tar\.gz|zip|log)$/.test(inner));
      expect(report.files.map((f: { path: string }) => f.path)).toEqual(expected);
      expect(report.never).toEqual([`${run}/secrets.json`]);
      expect(report.bytes).toBe(expected.reduce((sum, f) => sum + lstatSync(path.join(repo.dir, f)).size, 0));

      // One commit on top of the previous HEAD, holding that run's files and the pins, nothing else.
      expect(repo.git('rev-parse', 'HEAD^').trim()).toBe(parent);
      const changed = repo.gitZ('diff-tree', '-r', '-z', '--name-only', '--no-commit-id', 'HEAD').sort();
      expect(changed.every((p) => p === 'artifacts.pins.json' || p === 'runs/runs_manifest.json' || p.startsWith(`${run}/`))).toBe(true);
      expect(changed).toContain('artifacts.pins.json');
      expect(changed).toContain('runs/runs_manifest.json');
      const row = JSON.parse(repo.git('show', 'HEAD:runs/runs_manifest.json')).runs.find((r: { path: string }) => `runs/${r.path}` === run);
      expect(row).toMatchObject({ total_tokens_in: 4242, total_tokens_out: 7 });
      expect(readFileSync(path.join(repo.dir, 'runs/runs_manifest.json'), 'utf8')).toBe(repo.git('show', 'HEAD:runs/runs_manifest.json'));
      expect(changed).toContain(`${run}/artifacts/report.html`);
      expect(changed).not.toContain(`${run}/run.tar.gz`);
      const inHead = repo.gitZ('ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', run).sort();
      expect(inHead).toEqual(expected);
      expect(inHead.some((p) => p.includes('/workspace/'))).toBe(false);
      expect(repo.git('log', '-1', '--format=%(trailers:key=Artifacts-Snapshot,valueonly)').trim()).toBe('paper-v1');
      expect(JSON.parse(repo.git('log', '-1', '--format=%(trailers:key=Artifacts-Runs,valueonly)').trim())).toEqual([run]);
      expect(repo.git('log', '-1', '--format=%s').trim()).toBe('paper');
      // The tag is annotated and points at the snapshot.
      expect(repo.git('cat-file', '-t', 'paper-v1').trim()).toBe('tag');
      expect(repo.git('rev-parse', 'paper-v1^{commit}').trim()).toBe(repo.git('rev-parse', 'HEAD').trim());

      // The unrelated changes: still staged, not committed.
      expect(repo.gitZ('diff', '--cached', '--name-only', '-z').sort()).toEqual(['README.md', 'unrelated.txt']);
      // The index holds the snapshot files: nothing of the run shows as a change against HEAD.
      expect(repo.gitZ('diff', '--cached', '--name-only', '-z', '--', run)).toEqual([]);

      const pins = JSON.parse(readFileSync(path.join(repo.dir, 'artifacts.pins.json'), 'utf8'));
      expect(pins).toEqual({ version: 1, snapshots: [{ name: 'paper-v1', runs: [run], paths: expected }] });
      const check = repo.cli('check', '--json');
      expect(check.code).toBe(0);
      const checked = JSON.parse(check.stdout);
      expect(checked.pinned).toContain(`${run}/artifacts/report.html`);
      expect(checked.pinned).not.toContain(`${run}/metrics.json`); // tracked by the policy anyway
      expect(repo.cli('check').stdout).toMatch(/pinned: \d+ files committed by snapshots/);

      // A normal commit afterwards, through the hook, is accepted and keeps the snapshot files; CI's range check agrees.
      const ordinary = tryGit(repo, ['commit', '-q', '-m', 'ordinary']);
      expect(ordinary.code, ordinary.stderr).toBe(0);
      expect(repo.cli('check', '--range', `${parent}..HEAD`).code).toBe(0);
      expect(repo.gitZ('ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', run).sort()).toEqual(expected);
      expect(repo.gitZ('ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', 'unrelated.txt')).toEqual(['unrelated.txt']);
      expect(repo.cli('check').code).toBe(0);

      const list = JSON.parse(repo.cli('snapshot', 'list', '--json').stdout);
      expect(list).toEqual([
        expect.objectContaining({ name: 'paper-v1', runs: [run], files: expected.length, bytes: report.bytes, tags: ['paper-v1'], subject: 'paper' }),
      ]);
      expect(repo.cli('snapshot', 'list').stdout).toMatch(/^paper-v1 \(tag paper-v1\) +[0-9a-f]{12} .* 1 run, \d+ files, /m);
    }));

  it('pins one run of a repository with 20 MB archives in one command: tagged, secrets left out, check clean', () =>
    generated((repo) => {
      const run = `runs/chatdev/${runsOf(repo, 'chatdev')[1]}`;
      repo.write({ [`${run}/secrets.json`]: '{"token": "x"}' });
      const result = repo.cli('snapshot', run, '-m', 'paper', '--tag', 'paper-v1');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const changed = repo.gitZ('diff-tree', '-r', '-z', '--name-only', '--no-commit-id', 'HEAD');
      const ofRuns = changed.filter((p) => p.startsWith('runs/') && p !== 'runs/runs_manifest.json');
      expect(ofRuns.length).toBeGreaterThan(0);
      expect(ofRuns.every((p) => p.startsWith(`${run}/`))).toBe(true);
      expect(changed).not.toContain(`${run}/secrets.json`);
      expect(repo.git('cat-file', '-t', 'paper-v1').trim()).toBe('tag');
      expect(repo.cli('check').code).toBe(0);
    }, 20 * 1024 * 1024));

  it('selects runs with --where on their manifest rows, as artifacts runs does', () =>
    generated((repo) => {
      const dry = repo.cli('snapshot', '--where', 'framework=ghspec', '--dry-run', '--json');
      expect(dry.stderr).toBe('');
      expect(JSON.parse(dry.stdout).runs).toEqual(runsOf(repo, 'ghspec').map((r) => `runs/ghspec/${r}`));
      const both = repo.cli('snapshot', `runs/baes/${runsOf(repo, 'baes')[0]}`, '--where', 'framework=ghspec', '--dry-run', '--json');
      expect(JSON.parse(both.stdout).runs).toHaveLength(3);
      const none = repo.cli('snapshot', '--where', 'framework=nope');
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/--where framework=nope matches no run folder/);
      expect(repo.cli('snapshot', '--where', 'framework').code).toBe(2);
    }));

  it('selects runs by glob, takes --include and --exclude, and a dry run lists every file and changes nothing', () =>
    generated((repo) => {
      const before = state(repo);
      // --include takes back what the root's rule leaves out (the workspace, the log), --exclude wins over both.
      const dry = repo.cli('snapshot', 'runs/ghspec/*', '--exclude', '*.tar.gz', '--include', 'workspace/**', '--include', '*.log', '--dry-run', '--json');
      expect(dry.code).toBe(0);
      const report = JSON.parse(dry.stdout);
      expect(report.runs).toEqual(runsOf(repo, 'ghspec').map((r) => `runs/ghspec/${r}`));
      const expected = report.runs.flatMap((run: string) => filesOf(repo, run, (inner) => /\.(tar\.gz|zip)$/.test(inner))).sort();
      expect(report.files.map((f: { path: string }) => f.path)).toEqual(expected);
      expect(report.files.some((f: { path: string }) => f.path.includes('/workspace/'))).toBe(true);
      expect(report.commit).toBeNull();
      const human = repo.cli('snapshot', 'runs/ghspec/*', '--include', '*.log', '--dry-run');
      expect(human.stdout).toMatch(/^artifacts snapshot --dry-run \(nothing changed\): snapshot-\d{8}T\d{6}Z would commit \d+ files of 2 runs/);
      expect(human.stdout).toMatch(/^ {2}total: \d+ files, .* \([\d,]+ bytes\)$/m);
      expect(human.stdout).toContain('run.log');
      expect(state(repo)).toEqual(before);
    }));

  it('stops before changing anything when a file is over limits.file, naming the --exclude way out', () =>
    generated((repo) => {
      const run = `runs/baes/${runsOf(repo, 'baes')[0]}`;
      const before = state(repo);
      // The preset leaves archives and logs out; taken back in, they are over limits.file.
      const result = repo.cli('snapshot', run, '--tag', 'too-big', '--include', '*.tar.gz', '--include', '*.log');
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/over limits\.file \(1 MB\); nothing was staged or committed/);
      expect(result.stdout).toContain(`${run}/run.tar.gz`);
      // app.zip is exactly 1 MB: at the limit, not over it.
      expect(result.stdout).toContain('leave them out: add --exclude run.log --exclude run.tar.gz\n');
      expect(state(repo)).toEqual(before);
      expect(repo.git('tag', '-l').trim()).toBe('');
      // Following the advice works.
      const retry = repo.cli('snapshot', run, '--include', '*.tar.gz', '--include', '*.log', '--exclude', 'run.log', '--exclude', 'run.tar.gz');
      expect(retry.code).toBe(0);
      expect(repo.cli('check').code).toBe(0);
    }, 2 * 1024 * 1024));

  it('with --lfs, stores the files over limits.file in Git LFS: pointers and .gitattributes committed, check clean', () =>
    generated((repo) => {
      const run = `runs/baes/${runsOf(repo, 'baes')[0]}`;
      // Without Git LFS configured, --lfs refuses and changes nothing.
      const before = state(repo);
      const refused = repo.cli('snapshot', run, '--include', 'run.log', '--lfs');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/--lfs needs Git LFS, and its filter is not configured here: .*git lfs install/);
      expect(state(repo)).toEqual(before);

      repo.git('lfs', 'install', '--local', '--skip-repo'); // the filters; the hooks stay husky's
      const result = repo.cli('snapshot', run, '--include', 'run.log', '--lfs', '--tag', 'with-logs');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/stored in Git LFS \(pointers committed, \.gitattributes updated\): 1 file/);
      // The committed blob is a small LFS pointer; the work tree keeps the real 2 MB log.
      const pointer = repo.git('cat-file', 'blob', `HEAD:${run}/run.log`);
      expect(pointer).toMatch(/^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:[0-9a-f]{64}\nsize 2097152\n$/);
      expect(repo.git('show', 'HEAD:.gitattributes')).toContain(`/${run}/run.log filter=lfs diff=lfs merge=lfs -text`);
      expect(readFileSync(path.join(repo.dir, '.gitattributes'), 'utf8')).toBe(repo.git('show', 'HEAD:.gitattributes'));
      expect(lstatSync(path.join(repo.dir, run, 'run.log')).size).toBe(2 * 1024 * 1024);
      expect(repo.git('status', '--porcelain', '--', run)).toBe('');
      expect(repo.cli('check').code).toBe(0);
      // An ordinary commit through the hook afterwards is accepted.
      repo.write({ 'notes.txt': 'after the snapshot\n' });
      repo.git('add', 'notes.txt');
      const ordinary = tryGit(repo, ['commit', '-q', '-m', 'after']);
      expect(ordinary.code, ordinary.stderr).toBe(0);
    }, 2 * 1024 * 1024));

  it('exits 2 on bad input with nothing staged or committed', () =>
    generated((repo) => {
      const run = `runs/chatdev/${runsOf(repo, 'chatdev')[0]}`;
      repo.write({ 'unrelated.txt': 'staged\n' });
      repo.git('add', 'unrelated.txt');
      const before = state(repo);
      const cases: [string[], RegExp][] = [
        [['runs/chatdev/no-such-run'], /unknown run runs\/chatdev\/no-such-run: no such folder/],
        [['runs/chatdev/zzz*'], /matches no run folder/],
        [['docs'], /is not under any root of the policy \(roots: runs\/\)/],
        [['../elsewhere'], /is outside the repository/],
        [['runs/chatdev'], /is not a run folder: run folders are runs\/\{framework\}\/\{run_id\}/],
        [[`${run}/metrics.json`], /is inside the run/],
        [[], /name at least one run folder/],
        [[run, '--tag', 'bad..name'], /is not a valid tag name/],
        [[run, '--exclude', '{a,b}'], /--exclude "\{a,b\}" contains '\{'/],
        [[run, '--exclude', '*'], /nothing to snapshot in/],
      ];
      for (const [args, message] of cases) {
        const result = repo.cli('snapshot', ...args);
        expect(result.stderr, args.join(' ')).toMatch(message);
        expect(result.code, args.join(' ')).toBe(2);
        expect(state(repo)).toEqual(before);
      }
      repo.git('tag', 'taken');
      const taken = repo.cli('snapshot', run, '--tag', 'taken');
      expect(taken.code).toBe(2);
      expect(taken.stderr).toMatch(/the tag taken already exists/);
    }));

  it('leaves the index, HEAD and the work tree as they were when a file vanishes half way', async () => {
    return withGeneratedRepo({ runs: 3, workspaceFiles: 2, bigBytes: 1_000 }, async (repo) => {
      expect(repo.cli('init').code).toBe(0);
      repo.write({ 'unrelated.txt': 'staged\n' });
      repo.git('add', 'unrelated.txt');
      const before = state(repo);
      const run = `runs/chatdev/${runsOf(repo, 'chatdev')[0]}`;
      const gitRepo = await openRepo(repo.dir);
      const classifier = new Classifier(await loadPolicy(gitRepo.root));
      const plan = await planSnapshot(gitRepo, classifier, { runs: [run], cwd: repo.dir, tag: 'half-way' });
      unlinkSync(path.join(repo.dir, run, 'artifacts', 'report.html'));
      await expect(commitSnapshot(gitRepo, classifier, plan)).rejects.toThrow(/did not match any files/);
      expect(state(repo)).toEqual(before);
      expect(repo.git('tag', '-l').trim()).toBe('');
    });
  });
});

describe('check and pins', () => {
  it('still reports a pinned path that matches never', () =>
    withGitRepo((repo) => {
      putCliOnPath(repo); // commits go through the installed hook, as for a user
      repo.write({ 'runs/fw/r1/metrics.json': '{}', 'runs/fw/r1/secrets.json': '{}', 'runs/fw/r1/run.log': 'x' });
      expect(repo.cli('init').code).toBe(0);
      repo.write({
        'artifacts.pins.json': `${JSON.stringify({ version: 1, snapshots: [{ name: 'x', runs: ['runs/fw/r1'], paths: ['runs/fw/r1/run.log', 'runs/fw/r1/secrets.json'] }] }, null, 2)}\n`,
      });
      repo.git('add', '-f', '--', 'runs/fw/r1/secrets.json', 'runs/fw/r1/run.log');
      const check = repo.cli('check', '--json');
      expect(check.code).toBe(1);
      const report = JSON.parse(check.stdout);
      expect(report.violations.map((v: { kind: string; path: string }) => [v.kind, v.path])).toEqual([['tracked-never', 'runs/fw/r1/secrets.json']]);
      expect(report.pinned).toEqual(['runs/fw/r1/run.log']);
      repo.write({ 'artifacts.pins.json': '{"version": 2}' });
      const broken = repo.cli('check');
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/artifacts\.pins\.json is malformed \(unsupported version 2/);
    }));
});
