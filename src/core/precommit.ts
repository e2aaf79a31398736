// `artifacts hook pre-commit` and `artifacts check --staged`: the rules on what is being committed, i.e.
// the index (never the work tree). Its cost follows the staged paths and the runs they touch: three git
// processes (diff --cached, ls-files on the touched runs, one cat-file --batch-check), whatever the number of
// runs in the repository. Returns data; never writes to the index or the work tree.
import { type IndexListing, readObjects } from '../git/blobs.js';
import { type Repo } from '../git/repo.js';
import {
  blobSizes,
  type Change,
  filterAttributes,
  GITLINK,
  type RawGroup,
  readStaged,
  stagedDiff,
  stagedEntriesUnder,
  touchedPaths,
} from '../git/staged.js';
import { loadPins, parsePins, PINS_FILE, type Pins } from '../pins/pins.js';
import { Classifier } from '../policy/classifier.js';
import { gitDirOf } from '../git/discover.js';
import { loadPolicyCached, parsePolicyCached } from '../policy/cache.js';
import { POLICY_FILE, type Policy } from '../policy/policy.js';
import { type Entry, type Finding, judge, runTotals, sizeLimit, touchedRuns } from './rules.js';

export interface PreCommitResult {
  ok: boolean;
  findings: Finding[];
  /** Notes of the steps run after the checks passed (the manifest refresh). */
  notes: string[];
  /** Warnings of those steps (a malformed metrics.json): shown, but they do not block. */
  warnings: string[];
  stats: {
    /** Staged entries that add or change content. */
    staged: number;
    /** Runs touched, whose tracked totals were computed. */
    runs: number;
    /** Where the policy was read: the index (what is being committed) or the work tree. */
    policy: 'index' | 'work tree';
  };
}

/**
 * A step run only once the checks passed, before the commit goes on: the run manifest refresh. It gets
 * every path the staged changes touch (deletions and both sides of renames included), may stage its own
 * file, and reports notes and warnings. A step that throws stops the commit through the usual error channel.
 */
export type AfterPassStep = (context: {
  repo: Repo;
  classifier: Classifier;
  touched: readonly string[];
  /** The index entries of these run folders, already listed by the checks (the step lists no run twice). */
  listed: IndexListing;
}) => Promise<{ notes: string[]; warnings: string[] }>;

export interface PreCommitOptions {
  afterPass?: readonly AfterPassStep[];
  /** The staged diff, when the caller read it already (in parallel with the policy: one spawn less in line). */
  diff?: RawGroup;
}

/**
 * Reads the policy being committed and the staged changes at once: the hook's two first questions to git.
 * The staged policy is HEAD's unless the staged changes touch it, so it is read from HEAD's tree, alongside
 * the diff, without the index (whose reading grows with the repository).
 */
export async function loadPreCommit(
  repo: Repo,
  /** core.ignoreCase still being asked (the hook asks it alongside): set on repo before the classifier is built. */
  ignoreCase?: Promise<boolean>,
): Promise<{ classifier: Classifier; source: 'index' | 'work tree'; diff: RawGroup }> {
  const [[headPolicy], diff, caseless] = await Promise.all([readObjects(repo, [`HEAD:${POLICY_FILE}`]), stagedDiff(repo), ignoreCase ?? repo.ignoreCase]);
  repo.ignoreCase = caseless;
  // The diff lists the policy when the commit adds or changes it (with no HEAD yet, every staged file is
  // added): then it is read by the blob id the diff gives, never by `:path`, which makes cat-file read the
  // whole index. Deleted or renamed away, the commit has none; otherwise it is HEAD's.
  const changed = diff.changes.find((change) => change.path === POLICY_FILE);
  const gone = diff.removed.includes(POLICY_FILE) || diff.changes.some((change) => change.status === 'R' && change.oldPath === POLICY_FILE);
  const staged = changed
    ? ((await readObjects(repo, [changed.oid]))[0]?.toString('utf8') ?? null)
    : gone
      ? null
      : (headPolicy?.toString('utf8') ?? null);
  const { policy, source } = await parseCommitPolicy(repo, staged);
  return { classifier: new Classifier(policy, { ignoreCase: caseless }), source, diff };
}

/**
 * The pins being committed (artifacts.pins.json as staged, else the work tree's): snapshot files that the
 * policy ignores but a snapshot pinned on purpose.
 */
export async function loadCommitPins(repo: Repo): Promise<Pins> {
  const staged = await readStaged(repo, PINS_FILE);
  return staged === null ? loadPins(repo.root) : parsePins(staged, `${PINS_FILE} (staged)`);
}

/**
 * The policy being committed: the staged artifacts.policy.yaml when the index has one (so that a limit
 * raised in the work tree but not staged does not pass a commit that CI would then refuse), else the
 * work tree's (the first commit after `artifacts init`).
 */
export async function loadCommitClassifier(repo: Repo): Promise<{ classifier: Classifier; source: 'index' | 'work tree' }> {
  const { policy, source } = await loadCommitPolicy(repo);
  return { classifier: new Classifier(policy, { ignoreCase: repo.ignoreCase }), source };
}

async function loadCommitPolicy(repo: Repo): Promise<{ policy: Policy; source: 'index' | 'work tree' }> {
  return parseCommitPolicy(repo, await readStaged(repo, POLICY_FILE));
}

/** The staged policy text (null: none staged) parsed, through the cache; else the work tree's. */
async function parseCommitPolicy(repo: Repo, staged: string | null): Promise<{ policy: Policy; source: 'index' | 'work tree' }> {
  const gitDir = gitDirOf(repo.root);
  const policy = staged === null ? await loadPolicyCached(repo.root, gitDir) : await parsePolicyCached(staged, `${POLICY_FILE} (staged)`, gitDir);
  return { policy, source: staged === null ? 'work tree' : 'index' };
}

export async function runPreCommit(
  repo: Repo,
  classifier: Classifier,
  options: PreCommitOptions & { policySource?: 'index' | 'work tree' } = {},
): Promise<PreCommitResult> {
  const diff = options.diff ?? (await stagedDiff(repo));
  const { changes } = diff;
  const runs = touchedRuns(classifier, changes);
  // The staged blobs' sizes are asked while the touched runs are listed: two git processes at once.
  const stagedSizes = blobSizes(repo, changes.filter((e) => e.mode !== GITLINK).map((e) => e.oid));
  stagedSizes.catch(() => {}); // awaited below; a listing failure is the one reported
  // The whole index of the touched runs: their tracked total after the commit, partial staging included.
  const listed: IndexListing = { folders: runs, entries: await stagedEntriesUnder(repo, runs, diff) };
  // An unmerged path (stages 1-3) counts once: git refuses the commit before it anyway.
  const listing = listed.entries.filter((e, i, all) => e.path !== all[i - 1]?.path);
  const sizes = await stagedSizes;
  // HEAD's entries come with their sizes (ls-tree -l); only a listing from the index (the first commit, a
  // conflict) leaves some to look up.
  for (const entry of listing) if (entry.size !== undefined) sizes.set(entry.oid, entry.size);
  const unknown = listing.filter((e) => e.mode !== GITLINK && !sizes.has(e.oid)).map((e) => e.oid);
  if (unknown.length > 0) for (const [oid, size] of await blobSizes(repo, unknown)) sizes.set(oid, size);

  const sizeOf = (e: { mode: string; oid: string }) => (e.mode === GITLINK ? undefined : sizes.get(e.oid));
  // Only a path over its limit needs its filter attribute (to tell a raw blob that should have gone to LFS).
  const overLimit = changes.filter((c) => (sizeOf(c) ?? 0) > (sizeLimit(classifier, c.path)?.limit ?? Number.POSITIVE_INFINITY));
  const filters = await filterAttributes(repo, overLimit.map((c) => c.path));

  const entries: Entry[] = changes.map((change) => {
    const size = sizeOf(change);
    const filter = filters.get(change.path);
    return {
      path: change.path,
      ...(change.oldPath === undefined ? {} : { oldPath: change.oldPath }),
      ...(size === undefined ? {} : { size }),
      existed: change.status === 'M' || change.status === 'T',
      ...(filter === undefined ? {} : { filter }),
    };
  });
  const totals = runTotals(
    classifier,
    runs,
    listing.map((e) => ({ path: e.path, ...(sizeOf(e) === undefined ? {} : { size: sizeOf(e) as number }) })),
    new Set(changes.map((c) => c.path)),
  );
  let findings = judge(classifier, entries, totals);
  // Force-added files a snapshot pinned are accepted; the pins are read only when there is something to excuse.
  if (findings.some((f) => f.kind === 'ignored')) {
    const pins = await loadCommitPins(repo);
    findings = findings.filter((f) => !(f.kind === 'ignored' && pins.isPinned(f.path)));
  }

  const notes: string[] = [];
  const warnings: string[] = [];
  if (findings.length === 0) {
    for (const step of options.afterPass ?? []) {
      const done = await step({ repo, classifier, touched: touchedPaths(diff), listed });
      notes.push(...done.notes);
      warnings.push(...done.warnings);
    }
  }
  return {
    ok: findings.length === 0,
    findings,
    notes,
    warnings,
    stats: { staged: changes.length, runs: runs.length, policy: options.policySource ?? 'work tree' },
  };
}
