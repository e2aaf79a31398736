// What the roots weigh in git history: every blob ever committed under them, reachable from any ref.
// `git rm` does not shrink this; only rewriting history does. Two git processes in all, both through git().
import { git } from './git.js';
import { GITLINK, objectSizes, parseRaw } from './staged.js';
import type { Repo } from './repo.js';

export interface HistoryBlob {
  /** The path it was first committed at. */
  path: string;
  oid: string;
  /** Uncompressed size. */
  bytes: number;
  /** The commit that first added it (oldest first, by `git log --reverse`). */
  commit: string;
}

export interface HistoryRoot {
  path: string;
  /** Unique blobs first seen under this root. */
  blobs: number;
  bytes: number;
}

export interface HistoryReport {
  /** Unique blobs under the roots, across all refs. */
  blobs: number;
  /** Their uncompressed size. */
  bytes: number;
  /** What they take in the object database (compressed, deltified in packs). */
  diskBytes: number;
  roots: HistoryRoot[];
  /** The biggest ever committed, biggest first. */
  largest: HistoryBlob[];
}

const ZERO_OID = /^0+$/;

/**
 * Unique blobs under `roots` in all of history, each with the path and commit that first added it.
 *
 * `git rev-list --objects` would list them too, but prints "<oid> <path>" lines with no -z in git 2.39, so a
 * path holding a newline would be misread. `git log --raw -z` does separate every field with NUL.
 */
export async function historyOfRoots(repo: Repo, roots: readonly string[], top = 10): Promise<HistoryReport> {
  const report: HistoryReport = { blobs: 0, bytes: 0, diskBytes: 0, roots: roots.map((p) => ({ path: p, blobs: 0, bytes: 0 })), largest: [] };
  if (roots.length === 0) return report;
  const { stdout: hasCommits } = await git(['rev-parse', '-q', '--verify', 'HEAD'], { cwd: repo.root, okExitCodes: [1] });
  const { stdout: anyRef } = await git(['for-each-ref', '--count=1', '--format=%(objectname)'], { cwd: repo.root });
  if (hasCommits.length === 0 && anyRef.length === 0) return report;

  const args = [
    'log',
    '--all', // every ref: branches, tags, stashes, remotes — what `git gc` keeps
    '--reverse', // oldest first, so the first commit we meet a blob in is the one that added it
    '--raw', // "<:modes> <old> <new> <status>" per changed path, with the blob ids
    '--no-abbrev', // full object ids, for cat-file
    '--no-renames', // a rename is a delete and an add: the added side names the blob's new path
    '--diff-filter=AMT', // only sides that bring a blob in: added, modified, type-changed
    '-z', // NUL after every field: paths are taken verbatim, newlines and all
    '--format=%H', // the commit id, then its raw records
    '--',
    ...roots,
  ];
  const { stdout } = await git(args, { cwd: repo.root });
  const firstSeen = new Map<string, { path: string; commit: string }>();
  for (const group of parseRaw(stdout, true)) {
    for (const change of group.changes) {
      if (change.mode === GITLINK || ZERO_OID.test(change.oid)) continue; // a submodule's commit, or gone
      if (!firstSeen.has(change.oid)) firstSeen.set(change.oid, { path: change.path, commit: group.commit as string });
    }
  }
  if (firstSeen.size === 0) return report;

  // One cat-file process for every size.
  const sizes = await objectSizes(repo, firstSeen.keys(), true);
  const blobs: HistoryBlob[] = [];
  for (const [oid, seen] of firstSeen) {
    const size = sizes.get(oid);
    if (size === undefined) continue; // missing in a shallow clone
    blobs.push({ path: seen.path, oid, bytes: size.bytes, commit: seen.commit });
    report.blobs++;
    report.bytes += size.bytes;
    report.diskBytes += size.disk;
    const root = report.roots.find((r) => seen.path === r.path || seen.path.startsWith(`${r.path}/`));
    if (root) {
      root.blobs++;
      root.bytes += size.bytes;
    }
  }
  report.largest = blobs.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1)).slice(0, top);
  return report;
}
