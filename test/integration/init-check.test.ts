// init and check against real git, in real temporary repositories, through the built CLI.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/messages.js';
import { BLOCK_BEGIN } from '../../src/policy/block.js';
import { makeScratch, openTestRepo, withGitRepo, type TestRepo, withGeneratedRepo } from '../helpers/repo.js';

const TRACKED_NAMES = new Set(['metrics.json', 'metadata.json', 'commit.txt']);

/** An oracle written apart from the classifier: the files the default preset tracks, found by walking. */
function expectedTracked(dir: string): string[] {
  const found: string[] = [];
  for (const framework of readdirSync(path.join(dir, 'runs'))) {
    const frameworkDir = path.join(dir, 'runs', framework);
    if (!statSync(frameworkDir).isDirectory()) continue;
    for (const run of readdirSync(frameworkDir)) {
      const runDir = path.join(frameworkDir, run);
      if (!statSync(runDir).isDirectory()) continue;
      for (const entry of readdirSync(runDir, { withFileTypes: true })) {
        if (entry.isFile() && (TRACKED_NAMES.has(entry.name) || entry.name.endsWith('.md'))) {
          found.push(`runs/${framework}/${run}/${entry.name}`);
        }
      }
    }
  }
  return found.sort();
}


describe('init on a generated experiment repository', () => {
  it('stages exactly the tracked run files, keeps user lines, is idempotent, and check catches a force-add', () => {
    return withGeneratedRepo({ runs: 200, workspaceFiles: 20 }, async (repo) => {
      const userLines = readFileSync(path.join(repo.dir, '.gitignore'), 'utf8');

      const init = repo.cli('init');
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      expect(init.stdout).toMatch(/policy and git agree/);

      const gitignore = readFileSync(path.join(repo.dir, '.gitignore'), 'utf8');
      expect(gitignore.startsWith(userLines)).toBe(true);
      expect(gitignore).toContain(BLOCK_BEGIN);

      repo.git('add', '-A');
      const expected = expectedTracked(repo.dir);
      expect(expected.length).toBe(200 * 4 - 1); // run 3 has no metadata.json
      expect(repo.staged('runs')).toEqual(expected);
      // The odd names of the generator made it through (spaces, unicode).
      expect(expected.some((p) => p.includes('retry copy (2)'))).toBe(true);
      expect(expected.some((p) => p.includes('ünïcødé-実験-ε'))).toBe(true);
      // init also installed the pre-commit hook (the generated tree has a package.json: prepare script added).
      expect(repo.staged()).toEqual([...expected, '.gitattributes', '.gitignore', '.husky/pre-commit', 'artifacts.policy.yaml', 'package.json'].sort());

      const before = [gitignore, readFileSync(path.join(repo.dir, 'artifacts.policy.yaml'), 'utf8')];
      const again = repo.cli('init');
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/policy +kept/);
      expect(again.stdout).toMatch(/gitignore +unchanged/);
      expect(again.stdout).toMatch(/hook +unchanged/);
      expect([readFileSync(path.join(repo.dir, '.gitignore'), 'utf8'), readFileSync(path.join(repo.dir, 'artifacts.policy.yaml'), 'utf8')]).toEqual(before);

      expect(repo.cli('check').code).toBe(0);
      const log = expected[10]?.replace(/[^/]+$/, 'run.log') as string;
      repo.git('add', '-f', '--', log);
      const check = repo.cli('check', '--json');
      expect(check.code).toBe(1);
      const report = JSON.parse(check.stdout);
      expect(report.ok).toBe(false);
      expect(report.violations).toEqual([
        expect.objectContaining({ path: log, kind: 'tracked-ignored', expected: 'ignored', actual: 'in the index', source: expect.stringMatching(/^\.gitignore:\d+$/) }),
      ]);
      const human = repo.cli('check');
      expect(human.stdout).toContain(log);
      expect(human.stdout).toContain(`git rm --cached -- ${shellQuote(log)}`);

      repo.write({ 'artifacts.policy.yaml': before[1]?.replace('roots:', 'roots:\n  - path: [') as string });
      const broken = repo.cli('check');
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/^artifacts: artifacts\.policy\.yaml:\d+:\d+: /);
    });
  });
});

describe('hostile names', () => {
  it('tracks and ignores exactly per the policy for spaces, unicode, newlines, leading ! and #, and a folder named notes.md', () =>
    withGitRepo((repo) => {
      const files = {
        'runs/fw/!bang run/metrics.json': '{}',
        'runs/fw/!bang run/run.log': 'x',
        'runs/fw/#hash/metrics.json': '{}',
        'runs/fw/#hash/#notes.md': '#',
        'runs/fw/line\nbreak/metrics.json': '{}',
        'runs/fw/line\nbreak/workspace/README.md': 'no',
        'runs/!fw/r2/commit.txt': 'abc',
        'runs/fw/r1/notes.md/inner.md': 'a folder named like a tracked file',
        'runs/fw/r1/café ☕.md': 'yes',
        'runs/fw/r1/-n.md': 'an option-like name',
        'runs/fw/r1/$(touch pwned).md': 'not executed',
        'runs/fw/r1/secrets.json': '{"key": 1}',
        'runs/fw/r1/Metrics.json': 'case variant',
        'runs/fw/top-level.md': 'not at run depth',
      };
      repo.write(files);
      expect(repo.cli('init').code).toBe(0);
      repo.git('add', '-A');
      expect(repo.staged('runs')).toEqual(
        [
          'runs/fw/!bang run/metrics.json',
          'runs/fw/#hash/metrics.json',
          'runs/fw/#hash/#notes.md',
          'runs/fw/line\nbreak/metrics.json',
          'runs/!fw/r2/commit.txt',
          'runs/fw/r1/café ☕.md',
          'runs/fw/r1/-n.md',
          'runs/fw/r1/$(touch pwned).md',
        ].sort(),
      );
      expect(readdirSync(repo.dir)).not.toContain('pwned');
      const check = repo.cli('check', '--json');
      expect(JSON.parse(check.stdout)).toEqual({ ok: true, violations: [], warnings: [], pinned: [] });
      expect(check.code).toBe(0);
    }));
});

describe('rules from outside the block', () => {
  it('wins over user lines before the block, and check names a user line after it that undoes the policy', () =>
    withGitRepo((repo) => {
      repo.write({
        '.gitignore': 'runs/\n*.md\n',
        'runs/fw/r1/metrics.json': '{}',
        'runs/fw/r1/report.md': '#',
        'runs/fw/r1/run.log': 'log',
      });
      expect(repo.cli('init').code).toBe(0);
      expect(repo.cli('check').code).toBe(0);
      repo.git('add', '-A');
      expect(repo.staged('runs')).toEqual(['runs/fw/r1/metrics.json', 'runs/fw/r1/report.md']);
      repo.git('reset', '-q');

      const text = readFileSync(path.join(repo.dir, '.gitignore'), 'utf8');
      repo.write({ '.gitignore': `${text}!*.log\nreport.md\n` });
      const lines = `${text}!*.log\n`.split('\n').length - 1;
      const check = repo.cli('check', '--json');
      expect(check.code).toBe(1);
      const { violations } = JSON.parse(check.stdout);
      expect(violations).toEqual([
        expect.objectContaining({ kind: 'would-commit', path: 'runs/fw/r1/run.log', source: `.gitignore:${lines}`, pattern: '!*.log' }),
        expect.objectContaining({ kind: 'hidden', path: 'runs/fw/r1/report.md', source: `.gitignore:${lines + 1}`, pattern: 'report.md' }),
      ]);
    }));

  it('reports a nested .gitignore that hides a tracked file or re-includes an ignored one, with its line', () =>
    withGitRepo((repo) => {
      repo.write({
        'runs/fw/r1/metrics.json': '{}',
        'runs/fw/r1/report.md': '#',
        'runs/fw/r1/run.log': 'log',
        'runs/fw/r1/.gitignore': '# mine\n*.md\n!run.log\n',
        'runs/fw/r2/.gitignore': '*\n',
        'runs/fw/r2/metrics.json': '{}',
      });
      expect(repo.cli('init').code).toBe(0);
      const check = repo.cli('check', '--json');
      expect(check.code).toBe(1);
      const { violations } = JSON.parse(check.stdout);
      expect(violations).toEqual([
        expect.objectContaining({ kind: 'would-commit', path: 'runs/fw/r1/run.log', source: 'runs/fw/r1/.gitignore:3' }),
        expect.objectContaining({ kind: 'hidden', path: 'runs/fw/r1/report.md', source: 'runs/fw/r1/.gitignore:2' }),
        expect.objectContaining({ kind: 'hidden', path: 'runs/fw/r2/metrics.json', source: 'runs/fw/r2/.gitignore:1' }),
      ]);
    }));

  it('keeps the root visible despite a global excludes file and info/exclude', () =>
    withGitRepo((repo) => {
      repo.write({
        'runs/fw/r1/metrics.json': '{}',
        'runs/fw/r1/notes.md': '#',
        'runs/fw/r1/run.log': 'log',
        [path.relative(repo.dir, path.join(repo.home, 'global-excludes'))]: 'runs/\n*.md\n*.json\n',
      });
      repo.git('config', '--global', 'core.excludesFile', path.join(repo.home, 'global-excludes'));
      repo.write({ '.git/info/exclude': 'runs\nmetrics.json\n' });
      expect(repo.cli('init').code).toBe(0);
      expect(repo.cli('check').code).toBe(0);
      repo.git('add', '-A');
      expect(repo.staged('runs')).toEqual(['runs/fw/r1/metrics.json', 'runs/fw/r1/notes.md']);
    }));
});

describe('case-only differences', () => {
  it('ignores a case variant of a tracked name where git is case-sensitive', () =>
    withGitRepo((repo) => {
      repo.write({ 'runs/fw/r1/Metrics.json': '{}', 'runs/fw/r1/metrics.json': '{}', 'runs/fw/r1/NOTES.MD': '#' });
      expect(repo.cli('init').code).toBe(0);
      expect(repo.cli('check').code).toBe(0);
      repo.git('add', '-A');
      expect(repo.staged('runs')).toEqual(['runs/fw/r1/metrics.json']);
    }));

  it('tracks it where core.ignoreCase folds case, and check agrees with git', () =>
    withGitRepo((repo) => {
      repo.git('config', 'core.ignorecase', 'true');
      repo.write({ 'runs/fw/r1/Metrics.json': '{}', 'runs/fw/r1/NOTES.MD': '#', 'runs/fw/r1/Run.LOG': 'x' });
      expect(repo.cli('init').code).toBe(0);
      expect(repo.cli('check').code).toBe(0);
      repo.git('add', '-A');
      expect(repo.staged('runs')).toEqual(['runs/fw/r1/Metrics.json', 'runs/fw/r1/NOTES.MD']);
    }));
});

describe('already-tracked files', () => {
  it('lists tracked files the policy ignores or forbids with the exact git rm --cached command, and untracks nothing', () =>
    withGitRepo((repo) => {
      repo.write({
        'runs/fw/r 1/metrics.json': '{}',
        'runs/fw/r 1/run.log': 'log',
        'runs/fw/r 1/workspace/main.py': 'print()',
        'config/secrets.json': '{"token": "x"}',
      });
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'before the policy');
      const init = repo.cli('init');
      expect(init.code).toBe(0);
      expect(init.stdout).toContain("git rm --cached -- 'runs/fw/r 1/run.log'");
      expect(init.stdout).toContain("git rm --cached -- 'runs/fw/r 1/workspace/main.py'");
      expect(init.stdout).toContain('git rm --cached -- config/secrets.json');
      expect(repo.gitZ('ls-files', '-z').sort()).toEqual(
        ['config/secrets.json', 'runs/fw/r 1/metrics.json', 'runs/fw/r 1/run.log', 'runs/fw/r 1/workspace/main.py'].sort(),
      );
      const check = repo.cli('check', '--json');
      expect(check.code).toBe(1);
      expect(JSON.parse(check.stdout).violations.map((v: { kind: string; path: string }) => [v.kind, v.path])).toEqual([
        ['tracked-never', 'config/secrets.json'],
        ['tracked-ignored', 'runs/fw/r 1/run.log'],
        ['tracked-ignored', 'runs/fw/r 1/workspace/main.py'],
      ]);
      // Following the printed fixes makes the check clean.
      repo.git('rm', '-q', '--cached', '--', 'config/secrets.json', 'runs/fw/r 1/run.log', 'runs/fw/r 1/workspace/main.py');
      expect(repo.cli('check').code).toBe(0);
    }));

  it('reports a tracked file the policy tracks but git now ignores as hidden', () =>
    withGitRepo((repo) => {
      repo.write({ 'runs/fw/r1/metrics.json': '{}' });
      expect(repo.cli('init').code).toBe(0);
      repo.git('add', '-A');
      repo.write({ 'runs/fw/.gitignore': 'metrics.json\n' });
      const check = repo.cli('check', '--json');
      expect(check.code).toBe(1);
      expect(JSON.parse(check.stdout).violations).toEqual([
        expect.objectContaining({ kind: 'hidden', path: 'runs/fw/r1/metrics.json', actual: 'ignored by git (still in the index)', source: 'runs/fw/.gitignore:1' }),
      ]);
    }));
});

describe('the block and the repository layout', () => {
  it('keeps the contents of a folder named like the manifest or a root_track file out of git', () =>
    withGitRepo((repo) => {
      repo.write({
        'artifacts.policy.yaml':
          'version: 1\nroots:\n  - path: .runs\n    run: "{task}/cli/{run}"\n    track: [manifest.json]\n    root_track: ["*/metrics.json"]\n    manifest: index.json\n',
        '.runs/index.json/inner.txt': 'a folder named like the manifest',
        '.runs/t1/metrics.json': '{"runs": 2}',
        '.runs/t1/metrics-summary.txt': 'not listed',
        '.runs/t2/metrics.json/inner.json': 'a folder named like a root_track file',
        '.runs/t1/cli/r1/manifest.json': '{}',
        '.runs/t1/cli/r1/.resume-token': 'x',
      });
      expect(repo.cli('init').code).toBe(0);
      expect(repo.cli('check').code).toBe(0);
      repo.git('add', '-A');
      expect(repo.staged('.runs')).toEqual(['.runs/t1/cli/r1/manifest.json', '.runs/t1/metrics.json']);
    }));

  it('reports a stale block after the policy changes, and init refreshes it', () =>
    withGitRepo((repo) => {
      repo.write({ 'runs/fw/r1/metrics.json': '{}', 'runs/fw/r1/params.yaml': 'lr: 1' });
      expect(repo.cli('init').code).toBe(0);
      const policy = readFileSync(path.join(repo.dir, 'artifacts.policy.yaml'), 'utf8');
      repo.write({ 'artifacts.policy.yaml': policy.replace('commit.txt,', 'commit.txt, params.yaml,') });
      const stale = repo.cli('check', '--json');
      expect(stale.code).toBe(1);
      expect(JSON.parse(stale.stdout).violations).toEqual([
        expect.objectContaining({ kind: 'hidden', path: 'runs/fw/r1/params.yaml' }),
        expect.objectContaining({ kind: 'stale-block', path: '.gitignore' }),
      ]);
      const refresh = repo.cli('init');
      expect(refresh.stdout).toMatch(/gitignore +updated/);
      expect(repo.cli('check').code).toBe(0);
    }));

  it('reports a nested repository and a submodule inside a root as unsupported', () =>
    withGitRepo((repo) => {
      repo.write({ 'runs/fw/r1/metrics.json': '{}', 'runs/fw/r2/metrics.json': '{}' });
      execFileSync('git', ['init', '-q', path.join(repo.dir, 'runs/fw/r1/metrics.d')], { env: repo.env });
      repo.write({ 'runs/fw/r1/metrics.d/x': 'y' });
      // A nested repository exactly where the policy would look: as a tracked file name's folder.
      execFileSync('git', ['init', '-q', path.join(repo.dir, 'runs/fw/nested')], { env: repo.env });
      const head = repo.git('rev-parse', 'HEAD').trim();
      repo.git('update-index', '--add', '--cacheinfo', `160000,${head},runs/fw/r2/sub`);
      expect(repo.cli('init').code).toBe(0);
      const check = repo.cli('check', '--json');
      expect(check.code).toBe(1);
      expect(JSON.parse(check.stdout).violations.map((v: { kind: string; path: string }) => [v.kind, v.path])).toEqual([
        ['unsupported', 'runs/fw/nested/'],
        ['unsupported', 'runs/fw/r2/sub'],
      ]);
    }));
});

describe('usage and configuration errors', () => {
  it('exits 2 outside a repository and in a bare repository, naming the folder', () => {
    const scratch = makeScratch();
    try {
      const outside = openTestRepo(scratch.dir, scratch.home, scratch.env).cli('check');
      expect(outside.code).toBe(2);
      expect(outside.stderr).toMatch(/is not inside a git repository/);
      execFileSync('git', ['init', '-q', '--bare', path.join(scratch.dir, 'bare.git')], { env: scratch.env });
      const bare = openTestRepo(path.join(scratch.dir, 'bare.git'), scratch.home, scratch.env).cli('init');
      expect(bare.code).toBe(2);
      expect(bare.stderr).toMatch(/bare repository/);
    } finally {
      scratch.cleanup();
    }
  });

  it('exits 2 on an unknown preset, an unknown option, or a check without a policy, and writes nothing', () =>
    withGitRepo((repo) => {
      const preset = repo.cli('init', '--preset', 'nope');
      expect(preset.code).toBe(2);
      expect(preset.stderr).toMatch(/unknown preset "nope": the presets are experiments, hydra, lightning, llm-eval, mlflow, orchestrator, results, runs, sacred, wandb/);
      const option = repo.cli('check', '--frobnicate');
      expect(option.code).toBe(2);
      const check = repo.cli('check');
      expect(check.code).toBe(2);
      expect(check.stderr).toMatch(/no artifacts\.policy\.yaml .* run `artifacts init`/);
      expect(readdirSync(repo.dir).sort()).toEqual(['.git']);
    }));

  it('refuses a damaged managed block with its line and leaves .gitignore as it was', () =>
    withGitRepo((repo) => {
      repo.write({ '.gitignore': `mine\n${BLOCK_BEGIN}\n/x\n` });
      const init = repo.cli('init');
      expect(init.code).toBe(2);
      expect(init.stderr).toMatch(/\.gitignore:2:1: the managed block has lost one of its marker lines/);
      expect(readFileSync(path.join(repo.dir, '.gitignore'), 'utf8')).toBe(`mine\n${BLOCK_BEGIN}\n/x\n`);
    }));

  it('dry run reports and writes nothing; --force replaces the policy; --json is a summary', () =>
    withGitRepo((repo) => {
      repo.write({ 'runs/fw/r1/run.log': 'x' });
      repo.git('add', '-A');
      const dry = repo.cli('init', '--dry-run');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/policy +would be created/);
      expect(dry.stdout).toMatch(/gitignore +would be created/);
      expect(dry.stdout).toContain('git rm --cached -- runs/fw/r1/run.log');
      expect(readdirSync(repo.dir).sort()).toEqual(['.git', 'runs']);

      expect(repo.cli('init').code).toBe(0);
      repo.write({ 'artifacts.policy.yaml': readFileSync(path.join(repo.dir, 'artifacts.policy.yaml'), 'utf8').replace('*.md', '*.txt') });
      const kept = JSON.parse(repo.cli('init', '--json').stdout);
      expect(kept.steps[0]).toMatchObject({ step: 'policy', status: 'kept' });
      expect(kept.steps[1]).toMatchObject({ step: 'gitignore', status: 'updated' });
      expect(kept.check.violations).toEqual([expect.objectContaining({ kind: 'tracked-ignored', path: 'runs/fw/r1/run.log' })]);
      const forced = JSON.parse(repo.cli('init', '--force', '--json').stdout);
      expect(forced.steps[0]).toMatchObject({ step: 'policy', status: 'replaced' });
      expect(readFileSync(path.join(repo.dir, 'artifacts.policy.yaml'), 'utf8')).toContain('"*.md"');
    }));
});
