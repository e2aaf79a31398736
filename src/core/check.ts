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
  listIndex,
  listUntracked,
  type Repo,
} from '../git/repo.js';
import { readIfExists } from '../fs/atomic.js';
import { loadPins, type Pins } from '../pins/pins.js';
import { messages } from '../messages.js';
import { compileBlockLines, splitGitignore } from '../policy/block.js';
import type { Classifier } from '../policy/classifier.js';

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
  for (const { path: file, mode } of index) {
    if (mode === '160000') {
      if (classifier.rootOf(file)) found.push({ path: file, kind: 'unsupported', expected: 'run files', actual: 'a submodule' });
      continue;
    }
    const verdict = classifier.classify(file);
    if (verdict === 'never') found.push({ path: file, kind: 'tracked-never', expected: POLICY_WORD.never, actual: 'in the index' });
    else if (verdict === 'ignore') {
      if (pins?.isPinned(file)) pinned?.push(file);
      else found.push({ path: file, kind: 'tracked-ignored', expected: POLICY_WORD.ignore, actual: 'in the index' });
    }
  }
  return found;
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

/** `pins`: the snapshots' pinned paths; read from artifacts.pins.json at the repository root when not given. */
export async function runCheck(repo: Repo, classifier: Classifier, pins?: Pins): Promise<CheckResult> {
  const rootPaths = classifier.roots.map((compiled) => compiled.root.path);
  // Four listings at once; the two walking ones are exactly check's floor (see the benchmark).
  // git goes on past a folder it cannot open (permission denied) and says so on stderr: collected as warnings.
  const gitWarnings: string[] = [];
  const [index, untracked, ignoredUntracked, ignoredTracked, stale, loadedPins] = await Promise.all([
    listIndex(repo),
    listUntracked(repo, [], gitWarnings),
    listIgnoredUntracked(repo, rootPaths, gitWarnings),
    listIgnoredTracked(repo, rootPaths),
    blockViolation(repo, classifier),
    pins ?? loadPins(repo.root),
  ]);
  const pinned: string[] = [];
  const pending: Pending[] = indexViolations(classifier, index, loadedPins, pinned);
  const warnings: string[] = [...new Set(gitWarnings)];
  const tracked = new Set(index.map((entry) => entry.path));
  let files = index.filter((entry) => classifier.rootOf(entry.path)).length;

  for (const file of ignoredTracked) {
    if (classifier.classify(file) === 'track') {
      pending.push({ path: file, kind: 'hidden', expected: POLICY_WORD.track, actual: 'ignored by git (still in the index)' });
    }
  }
  for (const entry of untracked) {
    if (entry.endsWith('/')) {
      // git lists a nested repository as a folder and does not look inside.
      if (classifier.rootOf(entry)) pending.push({ path: entry, kind: 'unsupported', expected: 'run files', actual: 'a nested git repository' });
      continue;
    }
    const verdict = classifier.classify(entry);
    if (verdict !== 'outside') files++;
    if (verdict === 'never' || verdict === 'ignore') {
      pending.push({ path: entry, kind: 'would-commit', expected: POLICY_WORD[verdict], actual: 'git add -A would add it' });
    }
  }
  const hidden = new Set<string>();
  const reportHidden = (file: string) => {
    if (hidden.has(file) || tracked.has(file)) return;
    hidden.add(file);
    pending.push({ path: file, kind: 'hidden', expected: POLICY_WORD.track, actual: 'ignored by git' });
  };
  for (const entry of ignoredUntracked) {
    if (!entry.endsWith('/')) {
      if (classifier.classify(entry) === 'track') reportHidden(entry);
      continue;
    }
    // git skipped this whole folder. Only when the policy could track something inside do we look in,
    // and then only into the folders the policy enters: workspaces stay unvisited.
    if (classifier.classifyFolder(entry) === 'enter') {
      await walkTracked(repo.root, entry.slice(0, -1), classifier, reportHidden, warnings);
    }
  }

  const needRules = pending.filter((v) => v.kind !== 'stale-block' && v.kind !== 'unsupported').map((v) => v.path);
  const rules = await decidingRules(repo, [...new Set(needRules)]);
  const violations = pending.map((v) => explain(v, rules.get(v.path) ?? null));
  if (stale) violations.push(explain(stale, null));
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
  classifier: Classifier,
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
