// The policy's verdicts against real git: for trees of tricky names, the files `git add -A` stages under
// each root are exactly those the classifier says are tracked, and `check` finds nothing to report.
import { describe, expect, it } from 'vitest';
import { Classifier } from '../../src/policy/classifier.js';
import { parsePolicy } from '../../src/policy/load.js';
import { withGitRepo } from '../helpers/repo.js';
import { oneSpellingPerFolder, POLICIES, samplePolicyPaths } from '../helpers/universe.js';

describe('classifier against real git', () => {
  for (const [name, text] of Object.entries(POLICIES)) {
    for (const ignoreCase of [false, true]) {
      it(`${name} policy, core.ignoreCase=${ignoreCase}: git add -A stages exactly the tracked files`, () =>
        withGitRepo((repo) => {
          if (ignoreCase) repo.git('config', 'core.ignorecase', 'true');
          const classifier = new Classifier(parsePolicy(text), { ignoreCase });
          const files: string[] = [];
          classifier.roots.forEach((compiled, i) => {
            for (const file of samplePolicyPaths(compiled.root, classifier.policy.never, 400, 11 + i)) {
              files.push(file);
            }
          });
          if (ignoreCase) files.splice(0, files.length, ...oneSpellingPerFolder(files));
          repo.write({ 'artifacts.policy.yaml': text, ...Object.fromEntries(files.map((f) => [f, f])) });
          const init = repo.cli('init');
          expect(init.stderr).toBe('');
          expect(init.code).toBe(0);
          repo.git('add', '-A');
          const roots = classifier.roots.map((c) => c.root.path);
          const stagedFiles = repo.gitZ('diff', '--cached', '--name-only', '-z', '--', ...roots).sort();
          const tracked = files.filter((f) => classifier.classify(f) === 'track').sort();
          expect(stagedFiles).toEqual(tracked);
          // Both verdicts occur, so the comparison says something.
          expect(tracked.length).toBeGreaterThan(10);
          expect(files.length - tracked.length).toBeGreaterThan(10);
          const check = repo.cli('check', '--json');
          expect(JSON.parse(check.stdout)).toEqual({ ok: true, violations: [], warnings: [], pinned: [] });
        }));
    }
  }
});

describe('byte semantics', () => {
  it("reads '?' as one byte, as git does: it does not match a two-byte letter, '??' does", () =>
    withGitRepo((repo) => {
      const policy = 'version: 1\nroots:\n  - path: logs\n    run: "{id}"\n    track: ["?.md", "x??.txt"]\n';
      repo.write({ 'artifacts.policy.yaml': policy, 'logs/1/a.md': '', 'logs/1/é.md': '', 'logs/1/xé.txt': '', 'logs/1/xab.txt': '' });
      expect(repo.cli('init').code).toBe(0);
      repo.git('add', '-A');
      expect(repo.gitZ('diff', '--cached', '--name-only', '-z', '--', 'logs').sort()).toEqual(['logs/1/a.md', 'logs/1/xab.txt', 'logs/1/xé.txt']);
      expect(repo.cli('check').code).toBe(0);
    }));
});
