// Where the manifests are: the policy's roots with a `manifest`, at the repository found from `cwd`.
import path from 'node:path';
import { UserError } from '../errors.js';
import { openRepo } from '../git/repo.js';
import { messages } from '../messages.js';
import { loadPolicy } from '../policy/load.js';

export interface LocatedManifest {
  /** Absolute path. */
  file: string;
  /** Relative to the repository root, for messages. */
  label: string;
}

export async function locateManifests(cwd: string): Promise<LocatedManifest[]> {
  const repo = await openRepo(cwd);
  const policy = await loadPolicy(repo.root);
  const located = policy.roots.flatMap((root) =>
    root.manifest === undefined ? [] : [{ file: path.join(repo.root, root.path, root.manifest), label: `${root.path}/${root.manifest}` }],
  );
  if (located.length === 0) throw new UserError(messages.manifest.noManifest);
  return located;
}
