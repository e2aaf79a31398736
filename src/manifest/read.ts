// Reading a manifest file for queries. Kept apart from the writers so that `artifacts runs` loads no git,
// lock or YAML code.
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { messages } from '../messages.js';
import { hasConflictMarkers, parseAnyManifest } from './format.js';
import type { Manifest } from './types.js';

/** A manifest file in any JSON layout; a missing file, conflict markers or invalid JSON are refused with the fix. */
export async function readManifest(file: string, label: string = file): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(messages.manifest.missing(label));
    throw new UserError(messages.unreadable(label, (error as Error).message));
  }
  const manifest = parseAnyManifest(text);
  if (manifest === null) throw new UserError(messages.manifest.unreadable(label, hasConflictMarkers(text)));
  return manifest;
}
