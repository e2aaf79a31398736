// The compiled-policy cache (src/policy/cache.ts) and the start-up fast paths of bin/artifacts.js: they
// must change nothing but the time. A cached policy equals the parsed one; a damaged cache entry is a miss;
// an edited policy is parsed (and refused) afresh; `runs` finds the repository without git; the CLI
// registers only the commands argv can reach without changing what help and errors show.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/load.js';
import { makeScratch, PROJECT_ROOT, putCliOnPath, runCli, withGitRepo } from '../helpers/repo.js';

describe('policy cache', () => {
  it('stores every preset policy as JSON that reads back equal to the parsed policy', () => {
    for (const file of readdirSync(path.join(PROJECT_ROOT, 'policies')).filter((f) => f.endsWith('.yaml'))) {
      const { locate: _locate, text: _text, ...data } = parsePolicy(readFileSync(path.join(PROJECT_ROOT, 'policies', file), 'utf8'));
      expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    }
  });

  it('gives the same answers from the cache, misses on a damaged entry, and parses an edited policy afresh', () =>
    withGitRepo((repo) => {
      putCliOnPath(repo);
      expect(repo.cli('init').code).toBe(0);
      const cacheDir = path.join(repo.dir, '.git', 'artifacts-cache');
      const entries = () => readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
      const first = repo.cli('check', '--json');
      expect(first.code).toBe(0);
      expect(entries()).toHaveLength(1);
      expect(repo.cli('check', '--json')).toEqual(first);
      const [entry] = entries() as [string];
      // A hit is read, not parsed: an entry doctored to say otherwise is believed (and then restored).
      const stored = readFileSync(path.join(cacheDir, entry), 'utf8');
      const doctored = JSON.parse(stored);
      doctored.policy.limits.repoFile = 1;
      writeFileSync(path.join(cacheDir, entry), JSON.stringify(doctored));
      repo.write({ 'notes.txt': 'twelve bytes' });
      repo.git('add', 'notes.txt');
      const believed = repo.cli('check', '--staged', '--json');
      expect(believed.code).toBe(1);
      expect(believed.stdout).toContain('notes.txt');
      repo.git('rm', '-q', '--cached', 'notes.txt');
      writeFileSync(path.join(cacheDir, entry), stored);
      // An entry for another text under this text's name (a hash collision) is a miss: the text is compared whole.
      writeFileSync(path.join(cacheDir, entry), JSON.stringify({ ...doctored, text: `${doctored.text}# another policy\n` }));
      repo.git('add', 'notes.txt');
      expect(repo.cli('check', '--staged', '--json').code).toBe(0);
      repo.git('rm', '-q', '--cached', 'notes.txt');
      expect(JSON.parse(readFileSync(path.join(cacheDir, entry), 'utf8')).policy.limits.repoFile).not.toBe(1);
      // A damaged entry: a miss, the same answer, and the entry rewritten.
      writeFileSync(path.join(cacheDir, entry), '{"build": ');
      expect(repo.cli('check', '--json')).toEqual(first);
      expect(JSON.parse(readFileSync(path.join(cacheDir, entry), 'utf8')).policy.roots.length).toBeGreaterThan(0);
      // An edited policy with a mistake: refused with its line, as without a cache.
      const policyFile = path.join(repo.dir, 'artifacts.policy.yaml');
      const text = readFileSync(policyFile, 'utf8');
      writeFileSync(policyFile, text.replace(/^version: 1$/m, 'version: 1\nlimitz: {}'));
      const refused = repo.cli('check');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/artifacts\.policy\.yaml:\d+:\d+: limitz: unknown key "limitz"/);
      // The lean entries (check above, runs, the hook, rebuild, audit) parse a missed policy in
      // dist/policy-load.js, a bundle with its own copy of the error classes: its refusal is still the user's
      // mistake (exit 2, no stack).
      for (const args of [['runs'], ['hook', 'pre-commit'], ['manifest', 'rebuild', '--worktree'], ['audit', '--json']]) {
        const lean = repo.cli(...args);
        expect(lean.code).toBe(2);
        expect(lean.stderr).toMatch(/^artifacts: artifacts\.policy\.yaml[^:]*:\d+:\d+: limitz: unknown key "limitz"/);
        expect(lean.stderr).not.toContain('internal error');
      }
      // Each edited version gets an entry; only the newest few are kept.
      for (let i = 0; i < 12; i++) {
        writeFileSync(policyFile, `${text}# edit ${i}\n`);
        expect(repo.cli('check').code).toBe(0);
      }
      expect(entries().length).toBe(8);
      writeFileSync(policyFile, text);
      // The hook reads the staged policy through the same cache and passes a clean commit.
      repo.write({ 'runs/chatdev/r1/metrics.json': '{"total_tokens_in": 5}\n' });
      repo.git('add', '-A');
      expect(repo.cli('hook', 'pre-commit').code).toBe(0);
      expect(repo.cli('hook', 'pre-commit', '--json').stdout).toMatch(/"ok": true/);
    }));

  it('runs finds the repository from a subfolder without git, and --version prints the package version', () =>
    withGitRepo((repo) => {
      putCliOnPath(repo);
      expect(repo.cli('init').code).toBe(0);
      repo.write({ 'runs/chatdev/r1/metrics.json': '{"total_tokens_in": 5}\n' });
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'a run');
      const fromRoot = repo.cli('runs', '--json');
      expect(fromRoot.code).toBe(0);
      expect(JSON.parse(fromRoot.stdout)).toHaveLength(1);
      expect(runCli(path.join(repo.dir, 'runs', 'chatdev'), repo.env, ['runs', '--json'])).toEqual(fromRoot);
      const version = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).version;
      expect(repo.cli('--version').stdout).toBe(`${version}\n`);
    }));

  it('registers only the commands argv can reach, yet help and typos still see them all', () => {
    const { dir, env, cleanup } = makeScratch();
    try {
      const names = ['init', 'check', 'manifest rebuild', 'manifest update', 'runs', 'audit', 'snapshot', 'snapshot list', 'hook pre-commit', 'uninstall'];
      const help = runCli(dir, env, ['--help']);
      expect(help.code).toBe(0);
      for (const name of names) expect(help.stdout).toContain(`artifacts ${name}`);
      // A typo is matched against every command.
      const typo = runCli(dir, env, ['runz']);
      expect(typo.code).toBe(2);
      for (const name of names) expect(typo.stderr).toContain(`artifacts ${name}`);
      // A group word alone: its own commands only, still exit 2.
      const group = runCli(dir, env, ['manifest']);
      expect(group.code).toBe(2);
      expect(group.stderr).toContain('artifacts manifest rebuild');
      expect(group.stderr).not.toContain('artifacts audit');
      const runsHelp = runCli(dir, env, ['runs', '--help']);
      expect(runsHelp.code).toBe(0);
      expect(runsHelp.stdout).toContain('--where');
    } finally {
      cleanup();
    }
  });
});
