// Where the manifests are: the policy's roots with a `manifest`, at the repository found from `cwd`.
import path from 'node:path';
import { UserError } from '../errors.js';
import { findWorkTree } from '../git/discover.js';
import { openRepo } from '../git/repo.js';
import { messages } from '../messages.js';
import { loadPolicyCached } from '../policy/cache.js';
import type { PolicyRoot } from '../policy/policy.js';

export interface LocatedManifest {
  /** Absolute path. */
  file: string;
  /** Relative to the repository root, for messages. */
  label: string;
  /** The root whose manifest it is (its fields are the rows' layout). */
  root: PolicyRoot;
}

export async function locateManifests(cwd: string): Promise<LocatedManifest[]> {
  // Found without spawning git when the layout is the plain one (this is most of `runs`'s cost otherwise).
  const found = findWorkTree(cwd);
  const repo = found ?? (await openRepo(cwd));
  const policy = await loadPolicyCached(repo.root, found?.gitDir ?? null);
  const located = policy.roots.flatMap((root) =>
    root.manifest === undefined ? [] : [{ file: path.join(repo.root, root.path, root.manifest), label: `${root.path}/${root.manifest}`, root }],
  );
  if (located.length === 0) throw new UserError(messages.manifest.noManifest);
  return located;
}
