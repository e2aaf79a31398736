// init and check in the repository states users meet: no commits yet, a detached HEAD, a shallow clone,
// a work tree entered from a subfolder.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeScratch, openTestRepo, putCliOnPath, withGitRepo } from '../helpers/repo.js';

const FILES = { 'runs/fw/r1/metrics.json': '{}', 'runs/fw/r1/run.log': 'log', 'runs/fw/r1/workspace/a.py': 'x' };

describe('repository states', () => {
  it('works in a repository with no commits yet', () => {
    const scratch = makeScratch();
    try {
      const repo = openTestRepo(scratch.dir, scratch.home, scratch.env);
      repo.git('init', '-q', '-b', 'main');
      repo.write(FILES);
      expect(repo.cli('init').code).toBe(0);
      expect(repo.cli('check').code).toBe(0);
      repo.git('add', '-A');
      expect(repo.staged('runs')).toEqual(['runs/fw/r1/metrics.json']);
    } finally {
      scratch.cleanup();
    }
  });

  it('works on a detached HEAD and from a subfolder of the work tree', () =>
    withGitRepo((repo) => {
      repo.write(FILES);
      repo.git('checkout', '-q', '--detach');
      const sub = openTestRepo(path.join(repo.dir, 'runs', 'fw'), repo.home, repo.env);
      expect(sub.cli('init').code).toBe(0);
      expect(repo.cli('check').code).toBe(0);
      repo.git('add', '-A');
      expect(repo.staged('runs')).toEqual(['runs/fw/r1/metrics.json']);
      repo.git('add', '-f', '--', 'runs/fw/r1/run.log');
      const check = sub.cli('check', '--json');
      expect(check.code).toBe(1);
      expect(JSON.parse(check.stdout).violations[0]).toMatchObject({ path: 'runs/fw/r1/run.log', kind: 'tracked-ignored' });
    }));

  it('works in a shallow clone', () =>
    withGitRepo((origin) => {
      putCliOnPath(origin); // commits go through the installed hook, as for a user
      origin.write(FILES);
      expect(origin.cli('init').code).toBe(0);
      origin.git('add', '-A');
      origin.git('commit', '-q', '-m', 'runs');
      origin.write({ 'runs/fw/r2/metrics.json': '{}' });
      origin.git('add', '-A');
      origin.git('commit', '-q', '-m', 'more');
      const clone = path.join(path.dirname(origin.dir), 'shallow');
      execFileSync('git', ['clone', '-q', '--depth', '1', `file://${origin.dir}`, clone], { env: origin.env });
      const repo = openTestRepo(clone, origin.home, origin.env);
      expect(repo.git('rev-parse', '--is-shallow-repository').trim()).toBe('true');
      expect(repo.cli('check').code).toBe(0);
      const again = repo.cli('init');
      expect(again.stdout).toMatch(/gitignore +unchanged/);
    }));
});

describe('git version', () => {
  it('refuses a git older than 2.25 with exit 2 and says so, writing nothing', () =>
    withGitRepo((repo) => {
      const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
      const fakeBin = path.join(repo.home, 'old-git-bin');
      repo.write({ [path.relative(repo.dir, path.join(fakeBin, 'git'))]: `#!/bin/sh\nfor a in "$@"; do [ "$a" = version ] && { echo "git version 2.17.1"; exit 0; }; done\nexec ${realGit} "$@"\n` });
      execFileSync('chmod', ['+x', path.join(fakeBin, 'git')]);
      const old = openTestRepo(repo.dir, repo.home, { ...repo.env, PATH: `${fakeBin}:${repo.env.PATH}` });
      const init = old.cli('init');
      expect(init.code).toBe(2);
      expect(init.stderr).toMatch(/git version 2\.17\.1 is too old: artifacts needs git 2\.25\.0 or newer/);
      expect(repo.git('status', '--porcelain')).toBe('');
    }));
});
