// The one rules engine of the hook, `check --staged` and `check --range`: given the content entries a
// commit adds or changes (path, blob size, old path) and the tracked totals of the runs they touch, what
// must not be committed. Pure: no git, no file system. Every verdict comes from the Classifier.
import { messages } from '../messages.js';
import type { Classifier } from '../policy/classifier.js';

export type FindingKind = 'never' | 'ignored' | 'too-large' | 'run-too-large';

export const FINDING_ORDER: readonly FindingKind[] = ['never', 'ignored', 'too-large', 'run-too-large'];

/** One path whose content is being committed. */
export interface Entry {
  path: string;
  /** The source of a rename or copy. */
  oldPath?: string;
  /** The blob's size in bytes; undefined for a submodule (no blob to measure). */
  size?: number;
  /** True when the path was in HEAD already (a modification): the fix is then to untrack, not to unstage. */
  existed: boolean;
  /** The `filter` attribute (`lfs` when .gitattributes routes the path to Git LFS). */
  filter?: string;
}

export interface Finding {
  kind: FindingKind;
  /** The offending path; for run-too-large, the run folder. */
  path: string;
  oldPath?: string;
  /** Bytes: the blob's size, or the run's tracked total. */
  size?: number;
  /** The limit it exceeds, in bytes, and the policy key that sets it. */
  limit?: number;
  limitKey?: 'limits.file' | 'limits.repo_file' | 'limits.run';
  /** For run-too-large: the run's paths in this commit, the largest first. */
  paths?: string[];
  /** The commit that introduced it (`check --range` only). */
  commit?: string;
  /** The exact next step. */
  fix: string;
}

/** A run touched by the commit, with its tracked total after the commit. */
export interface RunTotal {
  runPath: string;
  total: number;
  /** The tracked files of the run that this commit adds or changes, with their sizes. */
  changed: { path: string; size: number }[];
}

/**
 * The runs (folders) that the entries touch: only these need a tracked total, so the cost follows the
 * commit, not the repository.
 */
export function touchedRuns(classifier: Classifier, entries: readonly { path: string }[]): string[] {
  const runs = new Set<string>();
  for (const { path } of entries) {
    const run = classifier.runOf(path);
    if (run && run.inner !== '') runs.add(run.runPath);
  }
  return [...runs].sort();
}

/**
 * Sums the tracked files of each run folder from a listing of the index (or of a commit's tree). Only
 * paths the policy tracks count: ignored or `never` files force-added are findings of their own.
 */
export function runTotals(
  classifier: Classifier,
  runs: readonly string[],
  listing: readonly { path: string; size?: number }[],
  changedPaths: ReadonlySet<string>,
): RunTotal[] {
  const byRun = new Map<string, RunTotal>(runs.map((runPath) => [runPath, { runPath, total: 0, changed: [] }]));
  for (const { path, size } of listing) {
    if (size === undefined) continue;
    const run = classifier.runOf(path);
    const total = run ? byRun.get(run.runPath) : undefined;
    if (!total || classifier.classify(path) !== 'track') continue;
    total.total += size;
    if (changedPaths.has(path)) total.changed.push({ path, size });
  }
  return [...byRun.values()];
}

/**
 * The size limit a blob at `path` is held to: limits.file under a root, limits.repo_file elsewhere. The run
 * manifests have none: they are ours, always tracked, and grow with the number of runs (about 400 bytes a
 * row), and limits.file is for run files, not for the index of them.
 */
export function sizeLimit(classifier: Classifier, path: string): { limit: number; limitKey: 'limits.file' | 'limits.repo_file' } | null {
  const { limits, roots } = classifier.policy;
  if (roots.some((root) => root.manifest !== undefined && path === `${root.path}/${root.manifest}`)) return null;
  return classifier.rootOf(path) ? { limit: limits.file, limitKey: 'limits.file' } : { limit: limits.repoFile, limitKey: 'limits.repo_file' };
}

/** Judges a commit's entries; findings come sorted by kind, then path. */
export function judge(classifier: Classifier, entries: readonly Entry[], runs: readonly RunTotal[]): Finding[] {
  const findings: Finding[] = [];
  for (const entry of entries) {
    const { path, oldPath, size } = entry;
    const from = oldPath === undefined ? {} : { oldPath };
    const verdict = classifier.classify(path);
    if (verdict === 'never') {
      findings.push({ kind: 'never', path, ...from, ...(size === undefined ? {} : { size }), fix: messages.hook.fix.never(path, entry.existed) });
    } else if (verdict === 'ignore') {
      findings.push({ kind: 'ignored', path, ...from, ...(size === undefined ? {} : { size }), fix: messages.hook.fix.ignored(path, entry.existed) });
    }
    const rule = sizeLimit(classifier, path);
    if (size === undefined || rule === null) continue;
    const { limit, limitKey } = rule;
    if (size > limit) {
      findings.push({
        kind: 'too-large',
        path,
        ...from,
        size,
        limit,
        limitKey,
        fix: messages.hook.fix.tooLarge(path, entry.existed, limitKey, entry.filter === 'lfs'),
      });
    }
  }
  const { limits } = classifier.policy;
  for (const run of runs) {
    if (run.total <= limits.run) continue;
    const paths = [...run.changed].sort((a, b) => b.size - a.size).map((c) => c.path);
    findings.push({
      kind: 'run-too-large',
      path: run.runPath,
      size: run.total,
      limit: limits.run,
      limitKey: 'limits.run',
      paths,
      fix: messages.hook.fix.runTooLarge(paths),
    });
  }
  return sortFindings(findings);
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      FINDING_ORDER.indexOf(a.kind) - FINDING_ORDER.indexOf(b.kind) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}
