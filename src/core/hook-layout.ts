// Where the installed hook lives (husky v9's layout) and how our block in it is marked: shared by the
// installer and by check, which must not load the installer (it parses YAML) to ask whether the hook is there.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readBytesIfExists } from '../fs/atomic.js';

export const HUSKY_DIR = '.husky';
export const HOOKS_PATH = '.husky/_';
export const BLOCK_BEGIN = '# >>> artifacts >>> written by `artifacts init`; `artifacts uninstall` removes this block';
export const BLOCK_END = '# <<< artifacts <<<';

/**
 * Whether the work tree at `root` has our committed .husky/pre-commit but not husky's dispatcher (.husky/_,
 * untracked): git then runs no pre-commit hook here. A fresh clone without `npm install`, or a worktree
 * added after `artifacts init`.
 */
export function hookInactiveHere(root: string): boolean {
  const script = readBytesIfExists(path.join(root, HUSKY_DIR, 'pre-commit'));
  return script !== null && script.includes(BLOCK_BEGIN) && !existsSync(path.join(root, HOOKS_PATH, 'pre-commit'));
}
