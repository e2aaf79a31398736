// The manifest operations: rebuild, check, refresh from the index (the hook's part), update from the work
// tree (a runner's part). Cores return data; the commands print.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { readBytesIfExists, readIfExists, writeAtomic } from '../fs/atomic.js';
import { withLock } from '../fs/lock.js';
import { addPath, type IndexListing, readObjects, stageText } from '../git/blobs.js';
import type { Repo } from '../git/repo.js';
import { UserError } from '../errors.js';
import { messages } from '../messages.js';
import type { Classifier } from '../policy/classifier.js';
import { POLICY_FILE, type PolicyRoot } from '../policy/policy.js';
import { buildState, comparePaths, normalizeRow, parseAnyManifest, parseCanonical, renderManifest, rowPath, spliceManifestBytes, spliceRows } from './format.js';
import { rowsFromIndex, rowsFromWorktree, type RunRows } from './sources.js';
import type { Row } from './types.js';

/** A root that keeps a manifest, and the manifest's path relative to the repository root. */
export interface ManifestTarget {
  root: PolicyRoot;
  file: string;
}

export function manifestTargets(classifier: Classifier): ManifestTarget[] {
  return classifier.policy.roots.flatMap((root) => (root.manifest === undefined ? [] : [{ root, file: `${root.path}/${root.manifest}` }]));
}

/** How the refresh reads a manifest as HEAD has it (the hook prefetches these while its checks run). */
export const headManifestSpec = (target: ManifestTarget): string => `HEAD:${target.file}`;

function rowsOf(runRows: RunRows): Row[] {
  return [...runRows.rows.values()].filter((row): row is Row => row !== null);
}

export type ManifestSource = 'index' | 'worktree';

/** The manifest text of a root, computed from all of its runs in the index or the work tree. */
export async function computeManifest(repo: Repo, classifier: Classifier, target: ManifestTarget, from: ManifestSource) {
  const runRows = from === 'index' ? await rowsFromIndex(repo, classifier, target.root, null) : rowsFromWorktree(repo, classifier, target.root, null);
  const state = buildState(target.root, rowsOf(runRows));
  return { text: renderManifest(target.root, state), runs: state.lines.length, warnings: runRows.warnings };
}

export interface RebuildResult {
  manifests: Array<{ file: string; runs: number; status: 'written' | 'unchanged' }>;
  warnings: string[];
}

/** Recomputes every manifest from the index (default) or the work tree and writes it; never stages it. */
export async function rebuildManifest(repo: Repo, classifier: Classifier, options: { from?: ManifestSource } = {}): Promise<RebuildResult> {
  const result: RebuildResult = { manifests: [], warnings: [] };
  const targets = manifestTargets(classifier);
  if (targets.length === 0) throw new UserError(messages.manifest.noManifest);
  for (const target of targets) {
    const file = path.join(repo.root, target.file);
    // Computed under the lock: a rebuild that read the runs before a runner's `manifest update` and wrote
    // after it would drop that update's row.
    await mkdir(path.dirname(file), { recursive: true });
    await withLock(file, async () => {
      const computed = await computeManifest(repo, classifier, target, options.from ?? 'index');
      result.warnings.push(...computed.warnings);
      const unchanged = (await readIfExists(file)) === computed.text;
      if (!unchanged) await writeAtomic(file, computed.text);
      result.manifests.push({ file: target.file, runs: computed.runs, status: unchanged ? 'unchanged' : 'written' });
    });
  }
  return result;
}

export interface ManifestDifference {
  file: string;
  /** Why the committed file differs: rows missing, extra or different (run paths), or its layout. */
  missing: string[];
  extra: string[];
  changed: string[];
  layout: boolean;
}

export interface CheckManifestResult {
  ok: boolean;
  differences: ManifestDifference[];
  warnings: string[];
}

/** Compares each manifest in the index (the committed one, in CI) with a recomputation from the index. */
export async function checkManifest(repo: Repo, classifier: Classifier): Promise<CheckManifestResult> {
  const targets = manifestTargets(classifier);
  if (targets.length === 0) throw new UserError(messages.manifest.noManifest);
  const staged = await readObjects(repo, targets.map((t) => `:${t.file}`));
  const result: CheckManifestResult = { ok: true, differences: [], warnings: [] };
  for (const [i, target] of targets.entries()) {
    const computed = await computeManifest(repo, classifier, target, 'index');
    result.warnings.push(...computed.warnings);
    const actual = staged[i]?.toString('utf8') ?? null;
    if (actual === computed.text) continue;
    result.ok = false;
    const expectedRows = new Map((parseAnyManifest(computed.text)?.runs ?? []).map((r) => [rowPath(r), JSON.stringify(normalizeRow(target.root, r))]));
    const actualRows = new Map((actual === null ? [] : (parseAnyManifest(actual)?.runs ?? [])).map((r) => [rowPath(r), JSON.stringify(normalizeRow(target.root, r))]));
    const difference: ManifestDifference = { file: target.file, missing: [], extra: [], changed: [], layout: false };
    for (const [p, row] of expectedRows) {
      if (!actualRows.has(p)) difference.missing.push(p);
      else if (actualRows.get(p) !== row) difference.changed.push(p);
    }
    for (const p of actualRows.keys()) if (!expectedRows.has(p)) difference.extra.push(p);
    difference.layout = difference.missing.length + difference.extra.length + difference.changed.length === 0;
    result.differences.push(difference);
  }
  return result;
}

export interface RefreshResult {
  /** Manifest files (relative to the repository root) whose staged content changed. */
  written: string[];
  warnings: string[];
}

/**
 * The pre-commit refresh. `changedPaths` are the paths the staged changes touch (added, modified, deleted,
 * both sides of a rename), relative to the repository root: `git diff --cached --name-only --no-renames`.
 *
 * For each root, the base is the manifest committed in HEAD (a function of HEAD's files); the runs touched
 * by the staged changes are re-read from the index, their rows spliced in (runs left without tracked files
 * are removed), and the result is put in the index. Since the index is HEAD plus those changes, the staged
 * manifest is then a function of the staged files. The whole root is recomputed from the index when HEAD
 * has no manifest in the fixed layout (first commit, hand edit) or the policy itself changed.
 *
 * The work-tree file gets the same text, unless it holds changes of its own (rows a runner added with
 * `manifest update`): then the same rows are spliced into it, and the index gets its text without them.
 */
export interface RefreshOptions {
  /**
   * false: stage the refreshed manifest only, leaving the work tree alone (a snapshot builds its commit in a
   * temporary index, and writes the work tree once the commit exists).
   */
  worktree?: boolean;
  /** Index entries of run folders that the caller listed already (the hook's checks did). */
  listed?: IndexListing;
}

export async function refreshManifestsFromIndex(
  repo: Repo,
  classifier: Classifier,
  changedPaths: readonly string[],
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const result: RefreshResult = { written: [], warnings: [] };
  const targets = manifestTargets(classifier);
  const policyChanged = changedPaths.includes(POLICY_FILE);
  const touched = new Map<ManifestTarget, Set<string>>(targets.map((t) => [t, new Set<string>()]));
  const changedSet = new Set(changedPaths);
  for (const changed of changedPaths) {
    const loc = classifier.runOf(changed);
    if (!loc || loc.inner === '') continue;
    const target = targets.find((t) => t.root === loc.root);
    if (target) touched.get(target)?.add(loc.runPath);
  }
  const due = targets.filter((t) => policyChanged || changedSet.has(t.file) || (touched.get(t)?.size ?? 0) > 0);
  if (due.length === 0) return result;
  // The touched runs' rows are read while the manifests are (two git round trips at once: this is the hook's
  // path); they serve whenever HEAD has a manifest to splice them into, i.e. on every commit but the first.
  const runRowsOf = due.map((target) => {
    if (policyChanged) return null;
    const pending = rowsFromIndex(repo, classifier, target.root, [...(touched.get(target) ?? [])].sort(comparePaths), options.listed);
    pending.catch(() => {}); // awaited below when used; unused, its failure does not matter
    return pending;
  });
  // A manifest that the staged changes leave alone is staged as in HEAD: read once (it may weigh megabytes).
  const stagedAsHead = due.map((target) => !changedSet.has(target.file));
  const specs = due.flatMap((target, i) => (stagedAsHead[i] ? [headManifestSpec(target)] : [headManifestSpec(target), `:${target.file}`]));
  const read = await readObjects(repo, specs);
  let at = 0;
  const before = due.map((_, i) => {
    const head = read[at++] ?? null;
    return { head, staged: stagedAsHead[i] ? head : (read[at++] ?? null) };
  });
  // The files are compared as bytes: decoding and comparing megabytes of text is the hook's cost on a large tree.
  const same = (a: Buffer | null, b: Buffer | null) => a !== null && b !== null && a.equals(b);
  for (const [i, target] of due.entries()) {
    const layout = target.root;
    const { head, staged } = before[i] as { head: Buffer | null; staged: Buffer | null };
    let bytes: Buffer | null = null;
    let changes: Map<string, Row | null> | null = null;
    if (head !== null && !policyChanged) {
      const runRows = await (runRowsOf[i] as Promise<RunRows>);
      result.warnings.push(...runRows.warnings);
      changes = relativeChanges(target, runRows);
      // HEAD's manifest with the touched runs' rows spliced in, as bytes: megabytes at 10,000 runs, never decoded.
      bytes = spliceManifestBytes(layout, head, changes);
    }
    if (bytes === null) {
      // First commit, a hand-edited manifest, or a changed policy: the whole root from the index.
      const runRows = await rowsFromIndex(repo, classifier, target.root, null);
      result.warnings.push(...(changes === null ? runRows.warnings : []));
      const state = buildState(layout, rowsOf(runRows));
      // A root with no runs in the index and no manifest yet (the commit that adds the policy) gets none:
      // the first run committed creates it.
      if (state.lines.length === 0 && head === null && staged === null) continue;
      bytes = Buffer.from(renderManifest(layout, state));
      changes = null;
    }
    const restage = !same(bytes, staged);
    if (options.worktree === false) {
      if (restage) {
        await stageText(repo, target.file, bytes);
        result.written.push(target.file);
      }
      continue;
    }
    const file = path.join(repo.root, target.file);
    await mkdir(path.dirname(file), { recursive: true });
    await withLock(file, async () => {
      const worktree = readBytesIfExists(file);
      let worktreeNew: Buffer = bytes;
      if (worktree !== null && !same(worktree, staged) && !same(worktree, head) && !same(worktree, bytes)) {
        // The work-tree file has changes of its own: keep them, and splice in what the index now says.
        worktreeNew = (changes && spliceManifestBytes(layout, worktree, changes)) ?? worktree;
      }
      if (!same(worktreeNew, worktree)) await writeAtomic(file, worktreeNew);
      if (!restage && same(worktree, bytes)) return; // nothing to do
      if (worktreeNew === bytes) await addPath(repo, target.file);
      else if (restage) await stageText(repo, target.file, bytes);
    });
    if (restage) result.written.push(target.file);
  }
  return result;
}

/** Row changes keyed by the row's path (the run folder relative to the root), as spliceRows takes them. */
function relativeChanges(target: ManifestTarget, runRows: RunRows): Map<string, Row | null> {
  const changes = new Map<string, Row | null>();
  for (const [runPath, row] of runRows.rows) changes.set(runPath.slice(target.root.path.length + 1), row);
  return changes;
}

export interface UpdateResult {
  file: string;
  /** Run folders whose rows were written or removed. */
  runs: Array<{ run: string; status: 'updated' | 'removed' }>;
  /** The manifest was missing or not in the fixed layout: it was rebuilt from the whole work tree. */
  rebuilt: boolean;
  warnings: string[];
}

/**
 * A runner's call when a run finishes: re-reads the given run folders from the work tree (nothing is
 * staged yet) and splices their rows into the work-tree manifest under the lock. Concurrent calls queue
 * on the lock, and each writes the whole file atomically: no lost rows, never a torn file.
 */
export async function updateManifest(repo: Repo, classifier: Classifier, runFolders: readonly string[]): Promise<UpdateResult[]> {
  const byTarget = new Map<ManifestTarget, string[]>();
  const targets = manifestTargets(classifier);
  for (const folder of runFolders) {
    const loc = classifier.runOf(folder);
    const target = loc && loc.inner === '' ? targets.find((t) => t.root === loc.root) : undefined;
    if (!loc || !target) throw new UserError(messages.manifest.notARun(folder, classifier.policy.roots.map((r) => `${r.path}/${r.runText}`)));
    byTarget.set(target, [...(byTarget.get(target) ?? []), loc.runPath]);
  }
  const results: UpdateResult[] = [];
  for (const [target, runPaths] of byTarget) {
    const layout = target.root;
    const file = path.join(repo.root, target.file);
    const result: UpdateResult = { file: target.file, runs: [], rebuilt: false, warnings: [] };
    await mkdir(path.dirname(file), { recursive: true });
    await withLock(file, async () => {
      const current = await readIfExists(file);
      const base = current === null ? null : parseCanonical(layout, current);
      const runRows = rowsFromWorktree(repo, classifier, target.root, runPaths);
      result.warnings.push(...runRows.warnings);
      let state = base === null ? null : spliceRows(layout, base, relativeChanges(target, runRows));
      if (state === null) {
        result.rebuilt = true;
        const all = rowsFromWorktree(repo, classifier, target.root, null);
        state = buildState(layout, rowsOf(all));
      }
      for (const [run, row] of runRows.rows) result.runs.push({ run, status: row === null ? 'removed' : 'updated' });
      const text = renderManifest(layout, state);
      if (text !== current) await writeAtomic(file, text);
    });
    results.push(result);
  }
  return results;
}
