// The long-lived `git cat-file --batch` of src/git/git.ts (the hook's one reader), against real repositories:
// answers in the order asked, whatever their size; missing objects are null; a prefetch answers one later
// read; git's failures reach the caller with git's own message.
import { describe, expect, it } from 'vitest';
import { GitError } from '../../src/errors.js';
import { readObjects } from '../../src/git/blobs.js';
import { ObjectReader } from '../../src/git/git.js';
import { withGitRepo } from '../helpers/repo.js';

describe('ObjectReader', () => {
  it('answers many reads over one process, in order, with blobs of any size and null for what is missing', () =>
    withGitRepo(async (repo) => {
      // 3 MB crosses many pipe chunks; the empty file and a file of newlines test the framing.
      const big = Buffer.alloc(3 * 1024 * 1024, 'x');
      big.write('start', 0);
      big.write('end', big.length - 3);
      repo.write({ 'big.bin': big, 'empty.txt': '', 'lines.txt': '\n\n\n', 'dir/é x.json': '{"a": 1}\n' });
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'files');
      const reader = new ObjectReader({ cwd: repo.dir });
      try {
        const [first, second] = await Promise.all([
          reader.read(['HEAD:big.bin', 'HEAD:missing.txt', ':empty.txt']),
          reader.read(['HEAD:lines.txt', 'HEAD:dir', ':dir/é x.json']),
        ]);
        expect(first[0]?.equals(big)).toBe(true);
        expect(first[1]).toBeNull();
        expect(first[2]?.length).toBe(0);
        expect(second[0]?.toString()).toBe('\n\n\n');
        expect(second[1]).toBeNull(); // a tree, not a blob
        expect(second[2]?.toString()).toBe('{"a": 1}\n');
        // A prefetch answers the next read of that spec once; the read after it asks git again.
        reader.prefetch(['HEAD:lines.txt']);
        repo.write({ 'lines.txt': 'changed\n' });
        repo.git('commit', '-q', '-am', 'changed');
        expect((await reader.read(['HEAD:lines.txt']))[0]?.toString()).toBe('\n\n\n');
        expect((await reader.read(['HEAD:lines.txt']))[0]?.toString()).toBe('changed\n');
      } finally {
        await reader.close();
      }
      await expect(reader.read(['HEAD:big.bin'])).rejects.toThrow(/after close/);
      // The one-shot path (no open reader on the Repo) gives the same answers.
      const once = await readObjects({ root: repo.dir, ignoreCase: false }, ['HEAD:dir/é x.json', 'HEAD:nope']);
      expect(once.map((b) => b?.toString() ?? null)).toEqual(['{"a": 1}\n', null]);
    }));

  it("fails every pending read with git's message when git cannot run there", async () => {
    const reader = new ObjectReader({ cwd: '/', env: { GIT_DIR: '/nonexistent/.git' } });
    const read = reader.read(['HEAD:x']);
    await expect(read).rejects.toBeInstanceOf(GitError);
    await expect(read).rejects.toThrow(/not a git repository/);
    await expect(reader.close()).rejects.toBeInstanceOf(GitError);
  });
});
