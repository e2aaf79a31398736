// Reading a manifest file for queries. Kept apart from the writers so that `artifacts runs` loads no git,
// lock or YAML code.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { messages } from '../messages.js';
import { canonicalRows, hasConflictMarkers, type Layout, parseAnyManifest } from './format.js';
import type { Manifest, Row } from './types.js';

/** A manifest file in any JSON layout; a missing file, conflict markers or invalid JSON are refused with the fix. */
export async function readManifest(file: string, label: string = file): Promise<Manifest> {
  return parseManifest(readBytes(file, label).toString('utf8'), label);
}

function readBytes(file: string, label: string): Buffer {
  try {
    // Synchronous: fs.promises reads megabytes in 512 KiB round trips through the thread pool, and `runs` has
    // nothing else to do meanwhile.
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(messages.manifest.missing(label));
    throw new UserError(messages.unreadable(label, (error as Error).message));
  }
}

function parseManifest(text: string, label: string): Manifest {
  const manifest = parseAnyManifest(text);
  if (manifest === null) throw new UserError(messages.manifest.unreadable(label, hasConflictMarkers(text)));
  return manifest;
}

export interface ManifestRows {
  /** The rows that may hold the needle (all of them without one), in the manifest's order. */
  rows: Row[];
  /** How many rows the manifest has. */
  total: number;
  /** The rows' keys in order of first appearance, over all rows. */
  keys: string[];
}

/**
 * The rows of a manifest that `artifacts runs` must look at: with a `needle` (text that every row it wants
 * holds in its line, see prefilterOf), a file in the fixed layout of `layout` has only the rows whose line
 * holds it parsed, which on 10,000 runs is most of the command's work saved. The rows left unparsed are not
 * checked to be JSON (`artifacts manifest check` vouches for a whole file). Any other file is parsed whole.
 */
export function readManifestRows(file: string, label: string, layout: Layout, needle: string | null): ManifestRows {
  const bytes = readBytes(file, label);
  const lines = needle === null ? null : canonicalRows(layout, bytes);
  if (needle !== null && lines !== null) {
    const parsed = new Map<number, Row>();
    const parse = (i: number) => {
      let row = parsed.get(i);
      if (row === undefined) parsed.set(i, (row = JSON.parse(lines.line(i)) as Row));
      return row;
    };
    try {
      // The fixed layout writes the layout's fields in every row, then `errors` where a source file was malformed.
      const keys = layout.fields.map((field) => field.name);
      if (lines.containing('"errors": [').some((i) => Array.isArray(parse(i).errors))) keys.push('errors');
      return { rows: lines.containing(needle).map(parse), total: lines.length, keys };
    } catch (error) {
      // A row line that is not JSON (a hand edit): the whole file is parsed below, which says what is wrong.
      if (!(error instanceof SyntaxError)) throw error;
    }
  }
  const { runs } = parseManifest(bytes.toString('utf8'), label);
  const keys = new Set<string>();
  for (const row of runs) for (const key in row) keys.add(key);
  return { rows: runs, total: runs.length, keys: [...keys] };
}
