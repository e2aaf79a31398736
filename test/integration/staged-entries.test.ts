// The hook lists the touched runs' index entries as HEAD's tree plus the staged diff (without reading the
// whole index); `git ls-files` is the oracle it must equal, whatever is staged.
import { symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listStaged, type StagedEntry } from '../../src/git/blobs.js';
import { stagedDiff, stagedEntriesUnder } from '../../src/git/staged.js';
import { withGitRepo, type TestRepo } from '../helpers/repo.js';

const sorted = (entries: readonly StagedEntry[]) => [...entries].map((e) => `${e.mode} ${e.oid} ${e.stage} ${e.path}`).sort();

async function expectSameAsLsFiles(repo: TestRepo, folders: string[]): Promise<number> {
  const r = { root: repo.dir, ignoreCase: false };
  const fromTrees = await stagedEntriesUnder(r, folders, await stagedDiff(r));
  const fromIndex = await listStaged(r, folders);
  expect(sorted(fromTrees)).toEqual(sorted(fromIndex));
  return fromIndex.length;
}

describe('stagedEntriesUnder', () => {
  it('equals git ls-files after adds, edits, deletions, renames in and out, a type change and partial staging', () =>
    withGitRepo(async (repo) => {
      const runs = ['runs/fw/r1', 'runs/fw/r 2 é', 'runs/fw/[r3]'];
      repo.write({
        'runs/fw/r1/metrics.json': '{"a": 1}\n',
        'runs/fw/r1/notes.md': 'notes, long enough for git to see the rename as one\n'.repeat(4),
        'runs/fw/r 2 é/metrics.json': '{"b": 2}\n',
        'runs/fw/r 2 é/old.md': 'x\n',
        'outside/moved.md': 'a file that will move into a run, recognisably the same\n'.repeat(4),
      });
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'base');
      expect(await expectSameAsLsFiles(repo, runs)).toBe(4);

      repo.write({ 'runs/fw/r1/metrics.json': '{"a": 2}\n', 'runs/fw/[r3]/metrics.json': '{}\n', 'runs/fw/r1/new.md': 'n\n' });
      repo.git('mv', 'runs/fw/r1/notes.md', 'outside/notes.md');
      repo.git('mv', 'outside/moved.md', 'runs/fw/r 2 é/moved.md');
      repo.git('rm', '-q', 'runs/fw/r 2 é/old.md');
      unlinkSync(path.join(repo.dir, 'runs/fw/r 2 é/metrics.json'));
      symlinkSync('../r1/metrics.json', path.join(repo.dir, 'runs/fw/r 2 é/metrics.json'));
      repo.git('add', '-A', '--', 'runs');
      // Partially staged: the index holds the first edit, the work tree a second one.
      repo.write({ 'runs/fw/r1/metrics.json': '{"a": 3}\n' });
      expect(repo.staged()).toContain('runs/fw/r 2 é/moved.md');
      expect(await expectSameAsLsFiles(repo, runs)).toBe(5);
    }));

  it('lists from the index before the first commit and while a merge conflict is unresolved', () =>
    withGitRepo(async (repo) => {
      repo.write({ 'runs/fw/r1/metrics.json': '{"a": 1}\n' });
      repo.git('add', '-A');
      expect(await expectSameAsLsFiles(repo, ['runs/fw/r1'])).toBe(1);
      repo.git('commit', '-q', '-m', 'base');
      repo.git('checkout', '-q', '-b', 'other');
      repo.write({ 'runs/fw/r1/metrics.json': '{"a": 2}\n' });
      repo.git('commit', '-q', '-am', 'other');
      repo.git('checkout', '-q', 'main');
      repo.write({ 'runs/fw/r1/metrics.json': '{"a": 3}\n' });
      repo.git('commit', '-q', '-am', 'main');
      expect(() => repo.git('merge', '-q', 'other')).toThrow();
      // Stages 1, 2 and 3 of the conflicted file, as ls-files has them.
      expect(await expectSameAsLsFiles(repo, ['runs/fw/r1'])).toBe(3);
    }));
});
