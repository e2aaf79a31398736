// Git queries of hook installation: where hooks live and what core.hooksPath says, by scope.
import path from 'node:path';
import { git } from './git.js';
import type { Repo } from './repo.js';

/** The repository's common git folder (shared by linked worktrees): where .git/hooks and our state live. */
export async function gitCommonDir(repo: Repo): Promise<string> {
  const { stdout } = await git(['rev-parse', '--git-common-dir'], { cwd: repo.root });
  return path.resolve(repo.root, stdout.toString('utf8').replace(/\n$/, ''));
}

export interface ScopedValue {
  value: string;
  /** 'local', 'global', 'system', 'worktree' or 'command'. */
  scope: string;
}

/** Every value of a key, with the scope that sets it, the last one winning (as git reads it). */
export async function configValues(repo: Repo, key: string): Promise<ScopedValue[]> {
  // --show-scope: which file sets it; -z: values with newlines stay whole; exit 1: not set.
  const { stdout, exitCode } = await git(['config', '--show-scope', '-z', '--get-all', key], { cwd: repo.root, okExitCodes: [1] });
  if (exitCode === 1) return [];
  const values: ScopedValue[] = [];
  // With -z, each value comes as "<scope>\0<value>\0".
  const fields = stdout.toString('utf8').split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) values.push({ scope: fields[i] as string, value: fields[i + 1] as string });
  return values;
}
