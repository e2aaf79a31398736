// Faults: a process killed half way must leave every file either as it was or as it would have become.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, putCliOnPath, withGitRepo } from '../helpers/repo.js';
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
