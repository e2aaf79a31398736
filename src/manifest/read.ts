// Reading a manifest file for queries. Kept apart from the writers so that `artifacts runs` loads no git,
// lock or YAML code.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { messages } from '../messages.js';
import { hasConflictMarkers, parseAnyManifest } from './format.js';
import type { Manifest } from './types.js';

/** A manifest file in any JSON layout; a missing file, conflict markers or invalid JSON are refused with the fix. */
export async function readManifest(file: string, label: string = file): Promise<Manifest> {
  let text: string;
  try {
    // Synchronous: fs.promises reads megabytes in 512 KiB round trips through the thread pool, and `runs` has
    // nothing else to do meanwhile.
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(messages.manifest.missing(label));
    throw new UserError(messages.unreadable(label, (error as Error).message));
  }
  const manifest = parseAnyManifest(text);
  if (manifest === null) throw new UserError(messages.manifest.unreadable(label, hasConflictMarkers(text)));
  return manifest;
}
