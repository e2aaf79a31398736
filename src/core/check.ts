// `artifacts check`: the policy's verdict against real git's, for every file under the roots and every
// `never` match in the repository. Returns data; rendering lives in the command.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  decidingRules,
  type IgnoreRule,
  type IndexEntry,
  listIgnoredTracked,
  listIgnoredUntracked,
  listIndexAndUntracked,
  type Repo,
} from '../git/repo.js';
import { readIfExists } from '../fs/atomic.js';
import { loadPins, type Pins } from '../pins/pins.js';
import { messages } from '../messages.js';
import { hookInactiveHere } from './hook-layout.js';
import { compileBlockLines, splitGitignore } from '../policy/block.js';
import type { Classifier, ClassifierBatch } from '../policy/classifier.js';

export type ViolationKind = 'would-commit' | 'hidden' | 'tracked-ignored' | 'tracked-never' | 'stale-block' | 'unsupported';

export const VIOLATION_ORDER: readonly ViolationKind[] = [
  'tracked-never',
  'would-commit',
  'hidden',
  'tracked-ignored',
  'stale-block',
  'unsupported',
];

export interface Violation {
  path: string;
  kind: ViolationKind;
  /** What the policy says: 'tracked', 'ignored', 'never committed', or the expected block. */
  expected: string;
  /** What git does. */
  actual: string;
  /** The deciding git rule as `file:line`, where git has one. */
  source: string | null;
  /** That rule's pattern as written. */
  pattern: string | null;
  /** The exact next step. */
  fix: string;
}

export interface CheckResult {
  ok: boolean;
  violations: Violation[];
  /** Problems met on the way that are not verdicts (an unreadable folder). */
  warnings: string[];
  /**
   * Tracked files the policy ignores that a snapshot pinned (artifacts.pins.json): accepted, not findings.
   * A pinned path that matches `never` is not here: it stays a `tracked-never` finding.
   */
  pinned: string[];
  stats: {
    /** Files under the roots that git tracks or would add. */
    files: number;
    /** pinned.length */
    pinned: number;
    /** Folders and files under the roots that git ignores wholesale, counted without being entered. */
    ignoredEntries: number;
  };
}

const POLICY_WORD = { track: 'tracked', ignore: 'ignored', never: 'never committed', outside: 'outside the roots' } as const;

export type Pending = Omit<Violation, 'source' | 'pattern' | 'fix'>;

/**
 * tracked-ignored, tracked-never and submodules: what the index alone tells, without git's ignore rules.
 * A path in `pins` that the policy ignores is accepted and, when `pinned` is given, collected there;
 * `never` always wins over a pin.
 */
export function indexViolations(
  classifier: Classifier,
  index: readonly IndexEntry[],
  pins?: Pins,
  pinned?: string[],
): Pending[] {
  const found: Pending[] = [];
  const batch = classifier.batch();
  for (const entry of index) judgeIndexEntry(batch, entry, found, pins, pinned);
  return found;
}

/** indexViolations() for one entry, adding to `found`; returns whether the entry lies under a root. */
function judgeIndexEntry(batch: ClassifierBatch, entry: IndexEntry, found: Pending[], pins?: Pins, pinned?: string[]): boolean {
  const file = entry.path;
  if (entry.mode === '160000') {
    const inRoot = batch.inRoot(file);
    if (inRoot) found.push({ path: file, kind: 'unsupported', expected: 'run files', actual: 'a submodule' });
    return inRoot;
  }
  const verdict = batch.classify(file);
  if (verdict === 'track') return true; // only a root holds tracked files
  if (verdict === 'outside') return false;
  if (verdict === 'never') found.push({ path: file, kind: 'tracked-never', expected: POLICY_WORD.never, actual: 'in the index' });
  else if (pins?.isPinned(file)) pinned?.push(file);
  else found.push({ path: file, kind: 'tracked-ignored', expected: POLICY_WORD.ignore, actual: 'in the index' });
  return batch.inRoot(file);
}

/** Compares the .gitignore's managed block with what the policy compiles to. */
export async function blockViolation(repo: Repo, classifier: Classifier): Promise<Pending | null> {
  const text = (await readIfExists(path.join(repo.root, '.gitignore'))) ?? '';
  const { block } = splitGitignore(text);
  const expected = compileBlockLines(classifier);
  if (block === null) return { path: '.gitignore', kind: 'stale-block', expected: 'the compiled block', actual: messages.blockMissing };
  const differs = expected.length !== block.length || expected.some((line, i) => line !== block[i]);
  if (!differs) return null;
  const first = expected.findIndex((line, i) => line !== block[i]);
  const where = first === -1 ? block.length : first;
  return {
    path: '.gitignore',
    kind: 'stale-block',
    expected: `block line ${where + 1}: ${JSON.stringify(expected[where] ?? '(end of block)')}`,
    actual: `${messages.blockDiffers}: ${JSON.stringify(block[where] ?? '(end of block)')}`,
  };
}

/** The git listings check reads. */
export interface CheckListings {
  index: Promise<IndexEntry[]>;
  untracked: Promise<string[]>;
  ignoredUntracked: Promise<string[]>;
  ignoredTracked: Promise<string[]>;
  /**
   * git goes on past a folder it cannot open (permission denied) and says so on stderr: the walks add those
   * lines here, complete once `untracked` and `ignoredUntracked` are in.
   */
  gitWarnings: string[];
}

/**
 * Starts the listings at once. The two walks are exactly check's floor (see the benchmark); the index comes
 * with the walk of the whole tree, from the same git process. The ignored index entries have a process of
 * their own: in the walk under the roots they would lengthen the walk that ends last.
 */
export function startListings(repo: Repo, rootPaths: readonly string[]): CheckListings {
  const gitWarnings: string[] = [];
  const all = listIndexAndUntracked(repo, gitWarnings);
  return {
    index: all.then((listed) => listed.index),
    untracked: all.then((listed) => listed.untracked),
    ignoredUntracked: listIgnoredUntracked(repo, rootPaths, gitWarnings),
    ignoredTracked: listIgnoredTracked(repo, rootPaths),
    gitWarnings,
  };
}

/**
 * `pins`: the snapshots' pinned paths; read from artifacts.pins.json at the repository root when not given.
 * `listings`: startListings() for this repository and these roots, when the caller started them early.
 */
export async function runCheck(repo: Repo, classifier: Classifier, pins?: Pins, listings?: CheckListings): Promise<CheckResult> {
  const listed = listings ?? startListings(repo, classifier.roots.map((compiled) => compiled.root.path));
  const stale = blockViolation(repo, classifier);
  const loadingPins = pins ?? loadPins(repo.root);
  // Each listing is judged as soon as it and those before it are in, while git still walks for the rest;
  // Promise.all only makes every failure a handled one (the first awaited is thrown).
  Promise.all([listed.index, listed.ignoredTracked, listed.untracked, listed.ignoredUntracked, stale, loadingPins]).catch(() => {});
  const [index, loadedPins] = await Promise.all([listed.index, loadingPins]);
  const pinned: string[] = [];
  // One batch for every question: git lists a folder's files together, and each folder is worked out once.
  const batch = classifier.batch();
  const pending: Pending[] = [];
  let files = 0;
  for (let i = 0; i < index.length; i++) if (judgeIndexEntry(batch, index[i] as IndexEntry, pending, loadedPins, pinned)) files++;
  const ignoredTracked = await listed.ignoredTracked;
  for (let i = 0; i < ignoredTracked.length; i++) {
    const file = ignoredTracked[i] as string;
    if (batch.classify(file) === 'track') {
      pending.push({ path: file, kind: 'hidden', expected: POLICY_WORD.track, actual: 'ignored by git (still in the index)' });
    }
  }
  const untracked = await listed.untracked;
  for (let i = 0; i < untracked.length; i++) {
    const entry = untracked[i] as string;
    if (entry.endsWith('/')) {
      // git lists a nested repository as a folder and does not look inside.
      if (classifier.rootOf(entry)) pending.push({ path: entry, kind: 'unsupported', expected: 'run files', actual: 'a nested git repository' });
      continue;
    }
    const verdict = batch.classify(entry);
    if (verdict !== 'outside') files++;
    if (verdict === 'never' || verdict === 'ignore') {
      pending.push({ path: entry, kind: 'would-commit', expected: POLICY_WORD[verdict], actual: 'git add -A would add it' });
    }
  }
  const hidden = new Set<string>();
  // git lists untracked files only: a tracked one can come from the walk into ignored folders alone, so the
  // set of tracked paths is built when a first hidden file turns up.
  let tracked: Set<string> | undefined;
  const reportHidden = (file: string) => {
    tracked ??= new Set(index.map((entry) => entry.path));
    if (hidden.has(file) || tracked.has(file)) return;
    hidden.add(file);
    pending.push({ path: file, kind: 'hidden', expected: POLICY_WORD.track, actual: 'ignored by git' });
  };
  const ignoredUntracked = await listed.ignoredUntracked;
  const warnings: string[] = [...new Set(listed.gitWarnings)];
  if (hookInactiveHere(repo.root)) warnings.push(messages.hookInactiveHere);
  for (let i = 0; i < ignoredUntracked.length; i++) {
    const entry = ignoredUntracked[i] as string;
    if (!entry.endsWith('/')) {
      if (batch.classify(entry) === 'track') reportHidden(entry);
      continue;
    }
    // git skipped this whole folder. Only when the policy could track something inside do we look in,
    // and then only into the folders the policy enters: workspaces stay unvisited.
    if (batch.classifyFolder(entry) === 'enter') {
      await walkTracked(repo.root, entry.slice(0, -1), batch, reportHidden, warnings);
    }
  }

  const needRules = pending.filter((v) => v.kind !== 'stale-block' && v.kind !== 'unsupported').map((v) => v.path);
  const rules = await decidingRules(repo, [...new Set(needRules)]);
  const violations = pending.map((v) => explain(v, rules.get(v.path) ?? null));
  const staleBlock = await stale;
  if (staleBlock) violations.push(explain(staleBlock, null));
  violations.sort(
    (a, b) => VIOLATION_ORDER.indexOf(a.kind) - VIOLATION_ORDER.indexOf(b.kind) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  return {
    ok: violations.length === 0,
    violations,
    warnings,
    pinned,
    stats: { files, pinned: pinned.length, ignoredEntries: ignoredUntracked.length },
  };
}

/** Completes a finding with the git rule that decides its path and the fix that follows. */
export function explain(v: Pending, rule: IgnoreRule | null): Violation {
  const source = rule ? `${rule.file}:${rule.line}` : null;
  const shown = rule ? `${source}` : null;
  const fix =
    v.kind === 'would-commit' || v.kind === 'hidden'
      ? messages.fix[v.kind](shown)
      : messages.fix[v.kind]([v.path]);
  return { ...v, source, pattern: rule?.pattern ?? null, fix };
}

/** Walks a folder git ignored, entering only folders the policy enters, and reports files it tracks. */
async function walkTracked(
  root: string,
  folder: string,
  classifier: ClassifierBatch,
  report: (file: string) => void,
  warnings: string[],
): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(root, folder), { withFileTypes: true });
  } catch (error) {
    warnings.push(messages.checkUnreadable(folder, (error as NodeJS.ErrnoException).code ?? (error as Error).message));
    return;
  }
  for (const entry of entries) {
    const child = `${folder}/${entry.name}`;
    if (entry.isDirectory()) {
      if (classifier.classifyFolder(child) === 'enter') await walkTracked(root, child, classifier, report, warnings);
    } else if (classifier.classify(child) === 'track') {
      report(child);
    }
  }
}
