// Rows from the two places a run's files can be read: the index (staged blobs, what will be committed)
// and the work tree (what a runner just wrote). Both yield, per run folder, its row or null when the run
// has no tracked file there (deleted).
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { type IndexListing, listStaged, readObjects, type StagedEntry } from '../git/blobs.js';
import type { Repo } from '../git/repo.js';
import { messages } from '../messages.js';
import type { Classifier, ClassifierBatch } from '../policy/classifier.js';
import { sourceFiles } from '../policy/fields.js';
import type { PolicyRoot } from '../policy/policy.js';
import { extractRow, type RunRef } from './extract.js';
import type { Row } from './types.js';

export interface RunRows {
  /** Run folder (relative to the repository root) -> its row, or null when it has no tracked file. */
  rows: Map<string, Row | null>;
  warnings: string[];
}

/**
 * Rows from the index for the given run folders, or for every run of the root (runPaths null). Only the
 * fields' source files are read, all in one `git cat-file --batch`. `listed`: index entries the caller
 * already has (the hook's checks listed the runs it touches); only the other run folders are listed here.
 */
export async function rowsFromIndex(
  repo: Repo,
  classifier: Classifier,
  root: PolicyRoot,
  runPaths: readonly string[] | null,
  listed?: IndexListing,
): Promise<RunRows> {
  const files = sourceFiles(root.fields);
  let entries: readonly StagedEntry[];
  if (runPaths === null) entries = await listStaged(repo, [root.path]);
  else {
    const known = new Set(listed?.folders ?? []);
    const unlisted = runPaths.filter((runPath) => !known.has(runPath));
    entries = [...(listed?.entries ?? []), ...(unlisted.length === 0 ? [] : await listStaged(repo, unlisted))];
  }
  const wantedRuns = runPaths === null ? null : new Set(runPaths);
  const runs = new Map<string, { ref: RunRef; oids: Map<string, string> }>();
  for (const entry of entries) {
    const loc = classifier.runOf(entry.path);
    if (!loc || loc.root !== root || loc.inner === '' || classifier.classify(entry.path) !== 'track') continue;
    if (wantedRuns !== null && !wantedRuns.has(loc.runPath)) continue;
    let run = runs.get(loc.runPath);
    if (!run) runs.set(loc.runPath, (run = { ref: { runPath: loc.runPath, captures: loc.fields }, oids: new Map() }));
    if (files.includes(loc.inner)) {
      if (entry.stage !== 0) throw new UserError(messages.manifest.unmerged(entry.path));
      run.oids.set(loc.inner, entry.oid);
    }
  }
  const wanted = [...runs.values()].flatMap((run) => [...run.oids.values()]);
  const blobs = await readObjects(repo, wanted);
  const byOid = new Map(wanted.map((oid, i) => [oid, blobs[i] ?? null]));
  const result: RunRows = { rows: new Map(), warnings: [] };
  for (const runPath of runPaths ?? []) result.rows.set(runPath, null);
  for (const [runPath, run] of runs) {
    const contents = new Map(files.map((f) => [f, run.oids.has(f) ? (byOid.get(run.oids.get(f) as string) ?? null) : null]));
    const { row, warnings } = extractRow(root, run.ref, contents);
    result.rows.set(runPath, row);
    result.warnings.push(...warnings);
  }
  return result;
}

/**
 * Rows from the work tree. With runPaths null, walks the root entering only the folders the policy enters
 * (never a workspace or another ignored folder), reading each run's source files once.
 */
export function rowsFromWorktree(repo: Repo, classifier: Classifier, root: PolicyRoot, runPaths: readonly string[] | null): RunRows {
  const result: RunRows = { rows: new Map(), warnings: [] };
  const files = sourceFiles(root.fields);
  // Paths joined by hand: relative paths here are '/'-separated and normal, and path.join (which normalizes)
  // showed in the profile of a rebuild, once per file.
  const base = `${repo.root}${path.sep}`;
  // Each folder is worked out once, and a name once per kind of folder: every run folder is alike, so a walk
  // of thousands of runs costs a few pattern tests per run instead of the whole policy per path.
  const batch = classifier.batch();
  const list = (folder: string) => listDir(base, folder, result.warnings);
  const readRun = (runPath: string, loc = classifier.runOf(runPath)) => {
    if (!loc || loc.root !== root || loc.inner !== '') {
      result.rows.set(runPath, null);
      return;
    }
    // One listing of the run folder serves both questions: does it hold a tracked file, and which of the
    // source files exist (a missing one is null without a failed open).
    const entries = list(runPath);
    // Unreadable (permission denied): warned, and no verdict: a rebuild leaves the run out, an update leaves its row.
    if (entries === null) return;
    if (!hasTrackedFile(base, batch, runPath, entries, result.warnings, files)) {
      result.rows.set(runPath, null);
      return;
    }
    const contents = new Map<string, string | null>();
    for (const f of files) if (f.includes('/')) contents.set(f, readOrNull(base, `${runPath}/${f}`, result.warnings));
    for (const entry of entries) {
      if (!entry.isDirectory() && files.includes(entry.name)) contents.set(entry.name, readOrNull(base, `${runPath}/${entry.name}`, result.warnings));
    }
    const { row, warnings } = extractRow(root, { runPath, captures: loc.fields }, contents);
    result.rows.set(runPath, row);
    if (warnings.length > 0) result.warnings.push(...warnings);
  };
  if (runPaths !== null) {
    for (const runPath of runPaths) readRun(runPath);
    return result;
  }
  const levels = root.run.length;
  const walk = (folder: string, depth: number) => {
    if (depth === levels) return readRun(folder);
    for (const entry of list(folder) ?? []) {
      if (!entry.isDirectory()) continue;
      const child = `${folder}/${entry.name}`;
      if (batch.classifyFolder(child) === 'enter') walk(child, depth + 1);
    }
  };
  walk(root.path, 0);
  return result;
}

// The options of every listing and read, made once: Node copies an options object for a string ('utf8') on
// each call, which showed in the profile of a rebuild (thousands of reads).
const LIST = { withFileTypes: true } as const;
const READ_TEXT = { encoding: 'utf8', flag: 'r' } as const;

/** A folder's entries: none when it does not exist, null when it cannot be read (warned, with its path). */
function listDir(base: string, folder: string, warnings: string[]): Dirent[] | null {
  try {
    return readdirSync(`${base}${folder}`, LIST);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    warnings.push(messages.manifest.unreadableFolder(folder, code ?? (error as Error).message));
    return null;
  }
}

/** A source file's text (decoded by Node, without a Buffer on the way); null when it is missing. */
function readOrNull(base: string, file: string, warnings: string[]): string | null {
  try {
    return readFileSync(`${base}${file}`, READ_TEXT);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
    warnings.push(messages.manifest.unreadableFile(file, code ?? (error as Error).message));
    return null;
  }
}

/**
 * Whether the folder (its `entries`) holds a file the policy tracks, looking into the folders the policy
 * enters only. The names in `first` (the row's source files) are asked first: usually the one answer needed.
 */
function hasTrackedFile(base: string, batch: ClassifierBatch, folder: string, entries: readonly Dirent[], warnings: string[], first: readonly string[] = []): boolean {
  for (const pass of [true, false]) {
    for (const entry of entries) {
      if (entry.isFile() && first.includes(entry.name) === pass && batch.classify(`${folder}/${entry.name}`) === 'track') return true;
    }
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const child = `${folder}/${entry.name}`;
    if (batch.classifyFolder(child) !== 'enter') continue;
    const inner = listDir(base, child, warnings);
    if (inner !== null && hasTrackedFile(base, batch, child, inner, warnings)) return true;
  }
  return false;
}
