// The pre-commit hook through real commits: installed by `artifacts init`, run by `git commit`, never
// called as a function. Each repository gets the built CLI on PATH (or in node_modules/.bin) as a user would.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { smallLimitsPolicy } from '../helpers/universe.js';
import { commitThroughHook, openTestRepo, putCliInNodeModules, putCliOnPath, tryGit, withGitRepo, type TestRepo } from '../helpers/repo.js';

const MB = 1024 * 1024;
/** Incompressible bytes, so that a blob's size is not an artefact of zeros. */
const bytes = (n: number) => {
  const buffer = Buffer.alloc(n);
  for (let i = 0; i + 4 <= n; i += 4) buffer.writeUInt32LE((Math.imul(i + 1, 2654435761) ^ (i >>> 3)) >>> 0, i);
  return buffer;
};

/** Everything the hook must leave alone when it blocks: the index (with blob ids) and the work tree's status. */
function snapshot(repo: TestRepo): string {
  return [repo.git('ls-files', '-s', '-z'), repo.git('status', '--porcelain=v1', '-z', '--untracked-files=all')].join('\n---\n');
}

const commit = commitThroughHook;

/** A repository as a Python user has it: no package.json; init installs the policy and the hook. */
function pythonRepo(repo: TestRepo, policy?: string): void {
  putCliOnPath(repo);
  repo.write({ 'train.py': 'print("hi")\n', 'requirements.txt': 'torch\n' });
  if (policy) repo.write({ 'artifacts.policy.yaml': policy });
  const init = repo.cli('init');
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  expect(init.stdout).toMatch(/hook +created +\.husky\/pre-commit/);
  repo.git('add', '-A');
  const first = commit(repo, 'init');
  expect(first.code, first.stderr).toBe(0);
}

const SMALL_LIMITS = smallLimitsPolicy(8, 16, 20);

describe('the hook in a Python repository (no package.json)', () => {
  it('passes one run, blocks a 2 MB metrics.json, a secrets.json, a force-added run.log and an 80 MB file, changing nothing', () =>
    withGitRepo((repo) => {
      pythonRepo(repo);
      expect(existsSync(path.join(repo.dir, 'package.json'))).toBe(false);
      expect(repo.git('config', '--local', 'core.hooksPath').trim()).toBe('.husky/_');
      expect(repo.git('ls-files', '.husky').trim()).toBe('.husky/pre-commit');

      repo.write({ 'runs/fw/r1/metrics.json': '{"loss": 0.1}\n', 'runs/fw/r1/commit.txt': 'abc\n' });
      repo.git('add', '-A');
      const ok = commit(repo, 'one run', { NODE_EXTRA_CA_CERTS: path.join(repo.dir, 'no-such-ca.pem') });
      expect(ok.code, ok.out).toBe(0);
      expect(ok.out).not.toContain('extra certs'); // emptied for the CLI found on PATH too
      expect(repo.git('log', '-1', '--format=%s').trim()).toBe('one run');

      const cases: [string, () => void, RegExp[]][] = [
        [
          'a 2 MB metrics.json',
          () => {
            repo.write({ 'runs/fw/r2/metrics.json': bytes(2 * MB) });
            repo.git('add', '--', 'runs/fw/r2/metrics.json');
          },
          [/too-large/, /runs\/fw\/r2\/metrics\.json/, /2 MB \(2097152 bytes\) > limits\.file 1 MB/, /git restore --staged -- runs\/fw\/r2\/metrics\.json/, /limits: file/],
        ],
        [
          'a secrets.json',
          () => {
            repo.write({ 'secrets.json': '{"token": "x"}' });
            repo.git('add', '-f', '--', 'secrets.json');
          },
          [/never: /, /secrets\.json/, /git restore --staged -- secrets\.json/],
        ],
        [
          'a force-added run.log',
          () => {
            repo.write({ 'runs/fw/r1/run.log': 'epoch 1\n' });
            repo.git('add', '-f', '--', 'runs/fw/r1/run.log');
          },
          [/ignored: /, /runs\/fw\/r1\/run\.log/, /git restore --staged -- runs\/fw\/r1\/run\.log/],
        ],
        [
          'an 80 MB file outside the roots',
          () => {
            repo.write({ 'data/dump.bin': Buffer.alloc(80 * MB, 7) });
            repo.git('add', '--', 'data/dump.bin');
          },
          [/data\/dump\.bin/, /80 MB \(83886080 bytes\) > limits\.repo_file 50 MB/, /git lfs track data\/dump\.bin/, /limits: repo_file/],
        ],
      ];
      for (const [what, stage, expected] of cases) {
        stage();
        const head = repo.git('rev-parse', 'HEAD');
        const before = snapshot(repo);
        const blocked = commit(repo, what);
        expect(blocked.code, what).toBe(1);
        const said = blocked.out;
        for (const pattern of expected) expect(said, what).toMatch(pattern);
        expect(said).toMatch(/the commit is blocked/);
        expect(repo.git('rev-parse', 'HEAD')).toBe(head);
        expect(snapshot(repo), what).toBe(before);
        repo.git('reset', '-q'); // unstage, for the next case
      }

      // CI's guard: a --no-verify commit of an oversized file is named by check --range.
      repo.git('add', '--', 'runs/fw/r2/metrics.json');
      expect(commit(repo, 'sneaky', {}, '--no-verify').code).toBe(0);
      const range = repo.cli('check', '--range', 'HEAD~1..HEAD');
      expect(range.code).toBe(1);
      expect(range.stdout).toContain('runs/fw/r2/metrics.json');
      expect(range.stdout).toContain(`in commit ${repo.git('rev-parse', 'HEAD').slice(0, 12)}`);
      // The fixes are for a file in history: unstaging would change nothing there.
      expect(range.stdout).toContain('to stop tracking it: git rm --cached -- runs/fw/r2/metrics.json');
      expect(range.stdout).toContain(`git rebase -i ${repo.git('rev-parse', 'HEAD').slice(0, 12)}^`);
      expect(range.stdout).not.toContain('restore --staged');
      const json = JSON.parse(repo.cli('check', '--range', 'HEAD~2..HEAD', '--json').stdout);
      expect(json.findings).toEqual([
        expect.objectContaining({ kind: 'too-large', path: 'runs/fw/r2/metrics.json', size: 2 * MB, limit: MB, commit: repo.git('rev-parse', 'HEAD').trim() }),
      ]);
      expect(repo.cli('check', '--range', 'HEAD~2..HEAD~1').code).toBe(0);
    }));

  it('judges the staged blob: a file grown after it was added, and partial staging both ways', () =>
    withGitRepo((repo) => {
      pythonRepo(repo, SMALL_LIMITS);
      repo.write({ 'runs/fw/r1/metrics.json': '{"a": 1}\n' });
      repo.git('add', '-A');
      expect(commit(repo, 'small').code).toBe(0);

      // Grown after it was first added, then re-staged: a modification, blocked (check-added-large-files misses it).
      repo.write({ 'runs/fw/r1/metrics.json': bytes(12 * 1024) });
      repo.git('add', '-A');
      const grown = commit(repo, 'grown');
      expect(grown.code).toBe(1);
      expect(grown.out).toMatch(/runs\/fw\/r1\/metrics\.json\n +size: 12 KB \(12288 bytes\) > limits\.file 8 KB/);
      expect(grown.out).toContain('(keeps the committed version)');

      // Staged small, work tree big: the staged blob is what is committed, so it passes.
      repo.write({ 'runs/fw/r1/metrics.json': '{"a": 2}\n' });
      repo.git('add', '-A');
      repo.write({ 'runs/fw/r1/metrics.json': bytes(12 * 1024) });
      const partial = commit(repo, 'partial');
      expect(partial.code, partial.out).toBe(0);
      expect(repo.git('show', 'HEAD:runs/fw/r1/metrics.json')).toBe('{"a": 2}\n');

      // Staged big, work tree small again: blocked, and the work tree's small version is left as it was.
      repo.git('add', '-A');
      repo.write({ 'runs/fw/r1/metrics.json': '{"a": 3}\n' });
      const before = snapshot(repo);
      expect(commit(repo, 'big staged').code).toBe(1);
      expect(snapshot(repo)).toBe(before);
      expect(readFileSync(path.join(repo.dir, 'runs/fw/r1/metrics.json'), 'utf8')).toBe('{"a": 3}\n');
      expect(repo.cli('check', '--staged').code).toBe(1);
    }));

  it("blocks a run whose tracked total would exceed limits.run, counting the run's files already committed", () =>
    withGitRepo((repo) => {
      pythonRepo(repo, SMALL_LIMITS);
      repo.write({ 'runs/fw/r1/metrics.json': bytes(7 * 1024), 'runs/fw/r1/a.md': bytes(7 * 1024) });
      repo.git('add', '-A');
      expect(commit(repo, '14 KB').code).toBe(0);
      // 7 KB more is under limits.file, but the run would hold 21 KB > 20 KB. A big ignored log does not count.
      repo.write({ 'runs/fw/r1/b.md': bytes(7 * 1024), 'runs/fw/r2/metrics.json': bytes(7 * 1024), 'runs/fw/r1/x.log': bytes(30 * 1024) });
      repo.git('add', '-A');
      const blocked = commit(repo, 'over');
      expect(blocked.code).toBe(1);
      expect(blocked.out).toMatch(/run-too-large: .*\(1\)\n  runs\/fw\/r1\n +size: 21 KB \(21504 bytes\) > limits\.run 20 KB/);
      expect(blocked.out).toContain('staged in this run: runs/fw/r1/b.md');
      expect(blocked.out).not.toContain('runs/fw/r2');
      const staged = JSON.parse(repo.cli('check', '--staged', '--json').stdout);
      expect(staged.findings.map((f: { kind: string; path: string }) => `${f.kind} ${f.path}`)).toEqual(['run-too-large runs/fw/r1']);
      expect(staged.stats.runs).toBe(2);
    }));

  it('judges by the policy being committed: HEAD\'s while the commit leaves it alone, else the staged one', () =>
    withGitRepo((repo) => {
      pythonRepo(repo, SMALL_LIMITS); // policy committed
      const policyFile = path.join(repo.dir, 'artifacts.policy.yaml');
      const raised = SMALL_LIMITS.replace('file: 8KB', 'file: 64KB');
      // Raised in the work tree only: the committed 8 KB still holds.
      writeFileSync(policyFile, raised);
      repo.write({ 'runs/fw/r1/metrics.json': bytes(12 * 1024) });
      repo.git('add', 'runs');
      const unstaged = commit(repo, 'unstaged raise');
      expect(unstaged.code).toBe(1);
      expect(unstaged.out).toMatch(/> limits\.file 8 KB/);
      // Staged with the commit: the raised limit is the one judged.
      repo.git('add', 'artifacts.policy.yaml');
      expect(commit(repo, 'staged raise').code).toBe(0);
      // A lower limit staged, HEAD's higher one left behind: the staged one.
      writeFileSync(policyFile, SMALL_LIMITS.replace('file: 8KB', 'file: 4KB'));
      repo.write({ 'runs/fw/r2/metrics.json': bytes(6 * 1024) });
      repo.git('add', '-A');
      const lowered = commit(repo, 'staged lower');
      expect(lowered.code).toBe(1);
      expect(lowered.out).toMatch(/> limits\.file 4 KB/);
      // The policy's deletion staged: the commit has none, so the work tree's (4 KB) judges, not HEAD's 64 KB.
      repo.git('rm', '-q', '--cached', '--', 'artifacts.policy.yaml');
      const removed = commit(repo, 'policy removed');
      expect(removed.code).toBe(1);
      expect(removed.out).toMatch(/> limits\.file 4 KB/);
    }));

  it('check warns in a worktree added after init, where husky\'s dispatcher is missing, until init is run there', () =>
    withGitRepo((repo) => {
      pythonRepo(repo);
      expect(repo.cli('check').stderr).not.toContain('not active');
      const dir = path.join(path.dirname(repo.dir), 'second');
      repo.git('worktree', 'add', '-q', '-b', 'second', dir);
      const second = openTestRepo(dir, repo.home, repo.env);
      const before = second.cli('check');
      expect(before.stderr).toContain('the pre-commit hook is not active in this work tree');
      // Without the dispatcher git runs no hook here: a secrets.json goes through.
      second.write({ 'secrets.json': '{"key": 1}\n' });
      second.git('add', '-f', 'secrets.json');
      expect(commit(second, 'unchecked').code).toBe(0);
      second.git('rm', '-q', '--cached', 'secrets.json');
      second.git('commit', '-q', '--no-verify', '-m', 'undo');
      expect(second.cli('init').code).toBe(0);
      expect(second.cli('check').stderr).not.toContain('not active');
      second.git('add', '-f', 'secrets.json');
      expect(commit(second, 'checked').code).toBe(1);
    }));

  it('blocks a rename onto a `never` name and names the old path', () =>
    withGitRepo((repo) => {
      pythonRepo(repo);
      repo.write({ 'config/settings.json': '{"token": "abc", "padding": "keeps the rename recognisable"}\n' });
      repo.git('add', '-A');
      expect(commit(repo, 'settings').code).toBe(0);
      repo.git('mv', 'config/settings.json', 'config/secrets.json');
      const before = snapshot(repo);
      const blocked = commit(repo, 'rename');
      expect(blocked.code).toBe(1);
      expect(blocked.out).toMatch(/never: .*\n  config\/secrets\.json   \(renamed from config\/settings\.json\)/);
      expect(snapshot(repo)).toBe(before);
    }));

  it('executes nothing from hostile file names, and shows them verbatim', () =>
    withGitRepo((repo) => {
      pythonRepo(repo);
      const good = ['runs/fw/$(touch pwned)/metrics.json', 'runs/fw/a\nb/metrics.json', `runs/fw/it's "q" \`touch pwned2\`/metrics.json`, 'runs/fw/-n/metrics.json'];
      for (const file of good) repo.write({ [file]: '{}' });
      repo.git('add', '-A');
      const ok = commit(repo, 'hostile ok');
      expect(ok.code, ok.out).toBe(0);
      // The hook refreshed the run manifest too, hostile names and all.
      expect(repo.gitZ('ls-files', '-z', 'runs').sort()).toEqual([...good, 'runs/runs_manifest.json'].sort());
      expect(JSON.parse(repo.git('show', 'HEAD:runs/runs_manifest.json')).runs.map((r: { run_id: string }) => r.run_id).sort()).toEqual(
        ['$(touch pwned)', 'a\nb', `it's "q" \`touch pwned2\``, '-n'].sort(),
      );

      const bad = ['runs/fw/$(touch pwned)/secrets.json', 'runs/fw/a\nb/run.log', `x/it's "q" $(touch pwned3)/secrets.json`];
      for (const file of bad) repo.write({ [file]: 'x' });
      repo.git('add', '-f', '--', ...bad);
      const blocked = commit(repo, 'hostile bad');
      expect(blocked.code).toBe(1);
      expect(blocked.out).toContain('runs/fw/$(touch pwned)/secrets.json');
      expect(blocked.out).toContain(JSON.stringify('runs/fw/a\nb/run.log'));
      expect(blocked.out).toContain(`git restore --staged -- 'x/it'\\''s "q" $(touch pwned3)/secrets.json'`);
      const everything = execFileSync('find', [repo.dir, repo.home], { encoding: 'utf8' });
      expect(everything).not.toMatch(/pwned\d?\n/);
    }));

  it('fails with the install/skip message when the CLI is absent, and ARTIFACTS_SKIP=1 skips saying so', () =>
    withGitRepo((repo) => {
      pythonRepo(repo);
      const withCli = repo.env.PATH as string;
      repo.env.PATH = withCli.split(path.delimiter).slice(1).join(path.delimiter); // drop the private bin
      repo.write({ 'runs/fw/r1/metrics.json': '{}' });
      repo.git('add', '-A');
      const missing = commit(repo, 'no cli');
      expect(missing.code).toBe(1);
      expect(missing.out).toContain('cannot find the artifacts CLI');
      expect(missing.out).toContain('npm install --save-dev artifacts');
      expect(missing.out).toContain('ARTIFACTS_SKIP=1');
      const skippedNoCli = commit(repo, 'skip without cli', { ARTIFACTS_SKIP: '1' });
      expect(skippedNoCli.code).toBe(0);
      expect(skippedNoCli.out).toContain('ARTIFACTS_SKIP=1: the pre-commit checks were skipped');

      repo.env.PATH = withCli;
      repo.write({ 'secrets.json': '{}' });
      repo.git('add', '-f', 'secrets.json');
      expect(commit(repo, 'blocked').code).toBe(1);
      const skipped = commit(repo, 'skip', { ARTIFACTS_SKIP: '1' });
      expect(skipped.code).toBe(0);
      expect(skipped.out).toContain('ARTIFACTS_SKIP=1: the pre-commit checks were skipped');
      expect(repo.git('ls-files', 'secrets.json').trim()).toBe('secrets.json');
    }));
});

describe('installation', () => {
  it('with a package.json: adds prepare the husky way, finds node_modules/.bin/artifacts, and uninstall restores every byte', () =>
    withGitRepo((repo) => {
      const pkg = '{\n\t"name": "exp",\n\t"scripts": {\n\t\t"prepare": "node build.js"\n\t},\n\t"devDependencies": {\n\t\t"artifacts": "^0.1.0"\n\t}\n}\n';
      repo.write({ 'package.json': pkg, '.gitignore': 'node_modules/\n' });
      putCliInNodeModules(repo); // no PATH entry: the hook must find node_modules/.bin/artifacts
      const init = repo.cli('init');
      expect(init.code, init.stdout + init.stderr).toBe(0);
      expect(JSON.parse(readFileSync(path.join(repo.dir, 'package.json'), 'utf8')).scripts.prepare).toBe('node build.js && husky');
      expect(readFileSync(path.join(repo.dir, 'package.json'), 'utf8')).toContain('\t"scripts"');
      expect(repo.git('config', '--local', 'core.hooksPath').trim()).toBe('.husky/_');

      repo.write({ 'secrets.json': '{}' });
      repo.git('add', '-A');
      repo.git('add', '-f', 'secrets.json');
      const blocked = commit(repo, 'secret');
      expect(blocked.code).toBe(1);
      expect(blocked.out).toContain('secrets.json');
      repo.git('rm', '-q', '--cached', 'secrets.json');
      // Node reads NODE_EXTRA_CA_CERTS as it starts (and warns when the file is missing): the hook empties it
      // for its own process, which opens no TLS connection.
      const clean = commit(repo, 'clean', { NODE_EXTRA_CA_CERTS: path.join(repo.dir, 'no-such-ca.pem') });
      expect(clean.code, clean.out).toBe(0);
      expect(clean.out).not.toContain('extra certs');

      expect(repo.cli('init').stdout).toMatch(/hook +unchanged/);
      const uninstall = repo.cli('uninstall');
      expect(uninstall.code).toBe(0);
      expect(readFileSync(path.join(repo.dir, 'package.json'), 'utf8')).toBe(pkg);
      expect(existsSync(path.join(repo.dir, '.husky'))).toBe(false);
      expect(tryGit(repo, ['config', '--local', '--get', 'core.hooksPath']).code).toBe(1);
      expect(readdirSync(path.join(repo.dir, '.git'))).not.toContain('artifacts-hook.json');
      expect(repo.cli('uninstall').stdout).toMatch(/nothing to remove/);
    }));

  it('adds "prepare": "husky" when package.json has none', () =>
    withGitRepo((repo) => {
      repo.write({ 'package.json': '{"name": "x"}' });
      putCliOnPath(repo);
      expect(repo.cli('init').code).toBe(0);
      expect(JSON.parse(readFileSync(path.join(repo.dir, 'package.json'), 'utf8')).scripts).toEqual({ prepare: 'husky' });
      repo.cli('uninstall');
      expect(JSON.parse(readFileSync(path.join(repo.dir, 'package.json'), 'utf8'))).toEqual({ name: 'x' });
    }));

  it('chains to an existing .git/hooks/pre-commit: it still runs, and still blocks when it fails', () =>
    withGitRepo((repo) => {
      const legacy = path.join(repo.dir, '.git', 'hooks', 'pre-commit');
      writeFileSync(legacy, '#!/bin/sh\necho ran >> "$(git rev-parse --git-dir)/legacy-ran"\n[ ! -f STOP ]\n');
      chmodSync(legacy, 0o755);
      putCliOnPath(repo);
      const init = repo.cli('init');
      expect(init.code).toBe(0);
      expect(init.stdout).toContain('chains to the existing .git/hooks/pre-commit');
      expect(readFileSync(legacy, 'utf8')).toContain('legacy-ran'); // untouched
      repo.git('add', '-A');
      expect(commit(repo, 'first').code).toBe(0);
      expect(readFileSync(path.join(repo.dir, '.git', 'legacy-ran'), 'utf8')).toBe('ran\n');

      repo.write({ STOP: '' });
      repo.git('add', 'STOP');
      expect(commit(repo, 'legacy says no').code).not.toBe(0);
      expect(readFileSync(path.join(repo.dir, '.git', 'legacy-ran'), 'utf8')).toBe('ran\nran\n');
    }));

  it('keeps a user husky pre-commit: inserts its block, and uninstall leaves the user lines', () =>
    withGitRepo((repo) => {
      repo.write({ '.husky/pre-commit': 'echo user-hook > .git/user-ran\n' });
      putCliOnPath(repo);
      expect(repo.cli('init').code).toBe(0);
      const text = readFileSync(path.join(repo.dir, '.husky/pre-commit'), 'utf8');
      expect(text.startsWith('echo user-hook > .git/user-ran\n# >>> artifacts >>>')).toBe(true);
      repo.git('add', '-A');
      expect(commit(repo, 'both').code).toBe(0);
      expect(existsSync(path.join(repo.dir, '.git', 'user-ran'))).toBe(true);
      repo.cli('uninstall');
      expect(readFileSync(path.join(repo.dir, '.husky/pre-commit'), 'utf8')).toBe('echo user-hook > .git/user-ran\n');
    }));

  it('refuses with the manual step for lefthook and for a local core.hooksPath elsewhere, changing no hook setting', () =>
    withGitRepo((repo) => {
      repo.write({ 'lefthook.yml': 'pre-commit:\n  commands: {}\n' });
      const lefthook = repo.cli('init');
      expect(lefthook.code).toBe(1);
      expect(lefthook.stdout).toMatch(/hook +refused/);
      expect(lefthook.stdout).toContain('run: artifacts hook pre-commit');
      expect(tryGit(repo, ['config', '--local', '--get', 'core.hooksPath']).code).toBe(1);
      expect(existsSync(path.join(repo.dir, '.husky'))).toBe(false);
      expect(repo.cli('init', '--no-hook').code).toBe(0);

      rmSync(path.join(repo.dir, 'lefthook.yml'));
      repo.git('config', '--local', 'core.hooksPath', '.githooks');
      const elsewhere = repo.cli('init');
      expect(elsewhere.code).toBe(1);
      expect(elsewhere.stdout).toContain('Add this line to .githooks/pre-commit yourself: artifacts hook pre-commit');
      expect(repo.git('config', '--local', 'core.hooksPath').trim()).toBe('.githooks');
    }));

  it('adds a repo: local entry to .pre-commit-config.yaml instead of moving hooksPath, and uninstall removes it', () =>
    withGitRepo((repo) => {
      const config = '# ours\nrepos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.6.0\n    hooks:\n      - id: check-yaml\n';
      repo.write({ '.pre-commit-config.yaml': config });
      const init = repo.cli('init');
      expect(init.code).toBe(0);
      expect(init.stdout).toContain('run `pre-commit install` to activate it');
      const parsed = parse(readFileSync(path.join(repo.dir, '.pre-commit-config.yaml'), 'utf8'));
      expect(parsed.repos).toHaveLength(2);
      expect(parsed.repos[1]).toEqual({
        repo: 'local',
        hooks: [expect.objectContaining({ id: 'artifacts', entry: 'artifacts hook pre-commit', language: 'system', pass_filenames: false, always_run: true })],
      });
      expect(readFileSync(path.join(repo.dir, '.pre-commit-config.yaml'), 'utf8').startsWith('# ours\n')).toBe(true);
      expect(tryGit(repo, ['config', '--local', '--get', 'core.hooksPath']).code).toBe(1);
      expect(repo.cli('init').stdout).toMatch(/hook +unchanged/);
      repo.cli('uninstall');
      expect(readFileSync(path.join(repo.dir, '.pre-commit-config.yaml'), 'utf8')).toBe(config);
    }));
});

describe('Git LFS', () => {
  it('passes a staged LFS pointer, blocks a raw blob that .gitattributes routes to LFS, and keeps git-lfs hooks working', () =>
    withGitRepo((repo) => {
      // .ci/run installs Debian's git-lfs; without it this test fails rather than skips.
      expect(tryGit(repo, ['lfs', 'version']).stdout).toMatch(/git-lfs\//);
      // git-lfs writes its hooks into the hooks folder; the test config's global hooksPath points nowhere.
      repo.git('-c', 'core.hooksPath=.git/hooks', 'lfs', 'install', '--local');
      expect(readFileSync(path.join(repo.dir, '.git/hooks/pre-push'), 'utf8')).toContain('git lfs pre-push');
      repo.git('lfs', 'track', '*.bin');
      pythonRepo(repo, SMALL_LIMITS.replace('repo_file: 16KB', 'repo_file: 1MB'));
      for (const name of ['pre-push', 'post-checkout', 'post-commit', 'post-merge']) {
        expect(readFileSync(path.join(repo.dir, '.husky', name), 'utf8')).toContain(`git lfs ${name}`);
      }

      repo.write({ 'models/big.bin': bytes(2 * MB) });
      repo.git('add', 'models/big.bin');
      const pointer = commit(repo, 'lfs pointer');
      expect(pointer.code, pointer.out).toBe(0);
      expect(repo.git('cat-file', '-p', 'HEAD:models/big.bin')).toMatch(/^version https:\/\/git-lfs\.github\.com\/spec\/v1\n/);

      // The same kind of file staged without the LFS filter: a raw 2 MB blob.
      repo.write({ 'models/raw.bin': bytes(2 * MB) });
      const oid = repo.git('hash-object', '-w', '--no-filters', 'models/raw.bin').trim();
      repo.git('update-index', '--add', '--cacheinfo', `100644,${oid},models/raw.bin`);
      const raw = commit(repo, 'raw');
      expect(raw.code).toBe(1);
      expect(raw.out).toContain('models/raw.bin');
      expect(raw.out).toContain('routes it to Git LFS but it was staged as a raw blob');
      expect(raw.out).toContain('git add --renormalize -- models/raw.bin');
      repo.git('rm', '-q', '-f', '--cached', 'models/raw.bin');

      // git-lfs's pre-push still runs through .husky/_: the LFS object reaches the remote.
      const remote = path.join(repo.home, 'remote.git');
      execFileSync('git', ['init', '-q', '--bare', remote], { env: repo.env });
      repo.git('remote', 'add', 'origin', remote);
      repo.git('push', '-q', 'origin', 'main');
      const lfsOid = /oid sha256:([0-9a-f]{64})/.exec(repo.git('cat-file', '-p', 'HEAD:models/big.bin'))?.[1] as string;
      expect(existsSync(path.join(remote, 'lfs', 'objects', lfsOid.slice(0, 2), lfsOid.slice(2, 4), lfsOid))).toBe(true);
    }));
});
