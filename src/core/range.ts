// `artifacts check --range BASE..HEAD`: the hook's rules on every commit of a range, by blob, for CI
// (hooks can be bypassed with --no-verify or a machine without the hook). Each finding names the commit
// that introduced it. Returns data.
import { UserError } from '../errors.js';
import { type Repo } from '../git/repo.js';
import { blobSizes, commitChanges, GITLINK, rangeCommits, readAt, treeEntriesUnder } from '../git/staged.js';
import { parsePins, PINS_FILE } from '../pins/pins.js';
import { messages } from '../messages.js';
import type { Classifier } from '../policy/classifier.js';
import { type Entry, type Finding, judge, runTotals, sortFindings, touchedRuns } from './rules.js';

export interface RangeResult {
  ok: boolean;
  range: string;
  findings: Finding[];
  stats: { commits: number; changes: number };
}

/**
 * Normalises the range: `BASE..HEAD` or `BASE...HEAD`; a BASE of all zeros (what CI reports for a new
 * branch's first push) means "everything reachable from HEAD".
 */
export function normaliseRange(range: string): string {
  const match = /^(.*?)(\.\.\.?)(.*)$/.exec(range);
  if (!match || range.startsWith('-')) throw new UserError(messages.hook.badRange(range));
  const [, base = '', , head = ''] = match;
  if (/^0+$/.test(base)) return head === '' ? 'HEAD' : head;
  return range;
}

export async function runRange(repo: Repo, classifier: Classifier, rawRange: string): Promise<RangeResult> {
  const range = normaliseRange(rawRange);
  const commits = await rangeCommits(repo, range);
  const changesByCommit = await commitChanges(repo, commits);

  // Per commit, the tracked totals of the runs it touches, in that commit's tree (ls-tree -l gives sizes).
  const listings = new Map<string, { runs: string[]; entries: Awaited<ReturnType<typeof treeEntriesUnder>> }>();
  for (const commit of commits) {
    const runs = touchedRuns(classifier, changesByCommit.get(commit) ?? []);
    listings.set(commit, { runs, entries: runs.length === 0 ? [] : await treeEntriesUnder(repo, commit, runs) });
  }
  const allChanges = [...changesByCommit.values()].flat();
  const sizes = await blobSizes(repo, allChanges.filter((c) => c.mode !== GITLINK).map((c) => c.oid));

  const findings: Finding[] = [];
  const reportedRuns = new Set<string>();
  for (const commit of commits) {
    const changes = changesByCommit.get(commit) ?? [];
    const entries: Entry[] = changes.map((change) => {
      const size = change.mode === GITLINK ? undefined : sizes.get(change.oid);
      return { path: change.path, ...(size === undefined ? {} : { size }), existed: change.status === 'M' || change.status === 'T' };
    });
    const listing = listings.get(commit) ?? { runs: [], entries: [] };
    const totals = runTotals(classifier, listing.runs, listing.entries, new Set(changes.map((c) => c.path)));
    let judged = judge(classifier, entries, totals);
    // Files a snapshot pinned in that commit's artifacts.pins.json were force-added on purpose.
    if (judged.some((f) => f.kind === 'ignored')) {
      const text = await readAt(repo, commit, PINS_FILE);
      if (text !== null) {
        const pins = parsePins(text, `${commit.slice(0, 12)}:${PINS_FILE}`);
        judged = judged.filter((f) => !(f.kind === 'ignored' && pins.isPinned(f.path)));
      }
    }
    for (const finding of judged) {
      // A run stays over its limit in the commits after the one that pushed it over: report that one only.
      if (finding.kind === 'run-too-large') {
        if (reportedRuns.has(finding.path)) continue;
        reportedRuns.add(finding.path);
      }
      findings.push({ ...finding, commit, fix: messages.hook.fix.inHistory({ ...finding, commit }) });
    }
  }
  return { ok: findings.length === 0, range, findings: sortFindings(findings), stats: { commits: commits.length, changes: allChanges.length } };
}
