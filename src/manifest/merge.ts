// The merge driver for manifest files (`merge=artifacts-manifest` in .gitattributes): git calls
// `artifacts manifest merge %O %A %B %P` with the ancestor's, ours and theirs' versions in temporary files
// and expects the result in %A. Rows merge by path:
//   - a row on one side only (a run added there) is kept; a row deleted on one side and unchanged on the
//     other is removed; a row changed on one side only takes that side;
//   - a row changed on both sides is merged field by field (each field comes from one place in one run
//     file, so this is what recomputing from cleanly merged run files gives); a field both sides changed
//     differently is a conflict: ours is kept and the driver exits 1, naming `manifest rebuild`.
// Header (total_runs, counts, last_updated) is recomputed from the merged rows, in the fixed layout.
import { readFile } from 'node:fs/promises';
import { writeAtomic } from '../fs/atomic.js';
import { buildState, normalizeRow, parseAnyManifest, renderManifest, rowPath, type Layout } from './format.js';
import type { Row } from './types.js';

export interface MergeResult {
  /** The merged text written to %A (null when a side could not be read: %A is left as it was). */
  text: string | null;
  /** Run paths (relative to the root) changed on both sides in the same field. */
  conflicts: string[];
  unreadable: boolean;
}

export function mergeManifestTexts(layout: Layout, base: string, ours: string, theirs: string): MergeResult {
  const parse = (text: string) => (text.trim() === '' ? { runs: [] as Row[] } : parseAnyManifest(text));
  const [o, a, b] = [parse(base), parse(ours), parse(theirs)];
  if (!o || !a || !b) return { text: null, conflicts: [], unreadable: true };
  const index = (rows: Row[]) => new Map(rows.map((row) => [rowPath(row), normalizeRow(layout, row)]));
  const [O, A, B] = [index(o.runs), index(a.runs), index(b.runs)];
  const same = (x: Row | undefined, y: Row | undefined) => JSON.stringify(x) === JSON.stringify(y);
  const merged: Row[] = [];
  const conflicts: string[] = [];
  for (const p of new Set([...A.keys(), ...B.keys()])) {
    const [ro, ra, rb] = [O.get(p), A.get(p), B.get(p)];
    if (same(ra, rb) || same(rb, ro)) {
      if (ra) merged.push(ra);
    } else if (same(ra, ro)) {
      if (rb) merged.push(rb);
    } else if (!ra || !rb) {
      // Deleted on one side, changed on the other: keep the changed row (the run's files still exist).
      merged.push((ra ?? rb) as Row);
    } else {
      const row: Row = {};
      let conflicted = false;
      for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
        const [vo, va, vb] = [JSON.stringify(ro?.[key]), JSON.stringify(ra[key]), JSON.stringify(rb[key])];
        const pick = va === vb || vb === vo ? ra[key] : va === vo ? rb[key] : (conflicted = true, ra[key]);
        if (pick !== undefined) row[key] = pick;
      }
      if (conflicted) conflicts.push(p);
      merged.push(normalizeRow(layout, row));
    }
  }
  return { text: renderManifest(layout, buildState(layout, merged)), conflicts: conflicts.sort(), unreadable: false };
}

/** Reads %O %A %B, writes the merge to %A; returns the result for the command to report and exit on. */
export async function mergeManifestFiles(layout: Layout, base: string, ours: string, theirs: string): Promise<MergeResult> {
  const [textO, textA, textB] = await Promise.all([base, ours, theirs].map((f) => readFile(f, 'utf8')));
  const result = mergeManifestTexts(layout, textO as string, textA as string, textB as string);
  if (result.text !== null && result.text !== textA) await writeAtomic(ours, result.text);
  return result;
}
