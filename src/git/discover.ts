// Finding the repository without spawning git, for the commands whose whole cost is start-up (`runs`) and
// for the policy cache's folder. Only the plain layout is handled here: a `.git` folder or `.git` file (a
// linked worktree or submodule) in cwd or above it. Anything else (GIT_DIR or GIT_WORK_TREE in the
// environment, no `.git` on the way up) returns null, and the caller asks git (openRepo) as before.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The work tree's top level holding cwd, and its git folder; null when git must be asked. */
export function findWorkTree(cwd: string): { root: string; gitDir: string } | null {
  if (process.env.GIT_DIR !== undefined || process.env.GIT_WORK_TREE !== undefined) return null;
  for (let dir = path.resolve(cwd); ; ) {
    const gitDir = gitDirOf(dir);
    if (gitDir !== null) return { root: dir, gitDir };
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The git folder of a work tree's top level: `.git` itself, or where a `.git` file points; null if neither. */
export function gitDirOf(root: string): string | null {
  const dotGit = path.join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const found = /^gitdir: (.+?)\r?\n?$/.exec(readFileSync(dotGit, 'utf8'));
    return found ? path.resolve(root, found[1] as string) : null;
  } catch {
    return null;
  }
}
