// Human-readable output. Commands choose between this and --json; cores never print.
import type { CheckResult, Violation } from './core/check.js';
import { VIOLATION_ORDER } from './core/check.js';
import type { InitResult } from './core/init.js';
import type { PreCommitResult } from './core/precommit.js';
import type { RangeResult } from './core/range.js';
import { FINDING_ORDER, type Finding } from './core/rules.js';
import { formatBytes, messages, showPath } from './messages.js';

export function renderCheck(result: CheckResult): string {
  const { files, ignoredEntries, pinned } = result.stats;
  const pins = pinned > 0 ? `pinned: ${pinned} file${pinned === 1 ? '' : 's'} committed by snapshots (artifacts.pins.json), accepted although the policy ignores them\n` : '';
  if (result.ok) {
    return `ok: the policy and git agree (${files} files under the roots; ${ignoredEntries} ignored folders and files not entered)\n${pins}`;
  }
  return `${renderViolations(result.violations)}\n${pins}${result.violations.length} finding${result.violations.length === 1 ? '' : 's'}: the policy and git disagree.\n`;
}

/**
 * Findings grouped by kind, then by what they share (the deciding rule, the verdicts), so that a rule
 * hiding a thousand files prints once; the fix of each group names all of its paths.
 */
export function renderViolations(violations: readonly Violation[]): string {
  const out: string[] = [];
  for (const kind of VIOLATION_ORDER) {
    const ofKind = violations.filter((v) => v.kind === kind);
    if (ofKind.length === 0) continue;
    out.push(`${kind} (${ofKind.length}): ${messages.kindTitle[kind]}`);
    const groups = new Map<string, Violation[]>();
    for (const v of ofKind) {
      const key = JSON.stringify([v.expected, v.actual, v.source, v.pattern, perPath(kind) ? '' : v.fix]);
      groups.set(key, [...(groups.get(key) ?? []), v]);
    }
    for (const group of groups.values()) {
      const [first] = group as [Violation];
      const rule = first.source ? ` · rule ${first.source} ${first.pattern ?? ''}` : '';
      out.push(`  policy: ${first.expected} · git: ${first.actual}${rule}`);
      for (const v of group) out.push(`    ${showPath(v.path)}`);
      const fix = perPath(kind) ? messages.fix[kind as 'tracked-ignored'](group.map((v) => v.path)) : first.fix;
      out.push(`  fix: ${fix}`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Kinds whose fix is a command naming the paths: one command covers a whole group. */
function perPath(kind: Violation['kind']): boolean {
  return kind === 'tracked-ignored' || kind === 'tracked-never';
}

export function renderInit(result: InitResult): string {
  const out: string[] = [result.dryRun ? 'artifacts init --dry-run (nothing written):' : 'artifacts init:'];
  for (const step of result.steps) {
    const status = result.dryRun && step.status !== 'unchanged' && step.status !== 'kept' && step.status !== 'skipped' ? `would be ${step.status}` : step.status;
    out.push(`  ${step.step.padEnd(10)} ${status.padEnd(10)} ${step.path ? `${step.path}: ` : ''}${step.detail}`);
    for (const note of step.notes ?? []) out.push(`${' '.repeat(24)}${note}`);
  }
  const { violations } = result.check;
  if (violations.length > 0) {
    out.push('', renderViolations(violations));
    out.push('init never untracks or deletes anything: the fixes above are yours to run.');
  } else if (!result.dryRun) {
    out.push('', 'The policy and git agree. Next: `git add -A` stages exactly the tracked run files.');
  }
  return `${out.join('\n')}\n`;
}

/** The findings of the hook's rules, grouped by kind: path, size against its limit, the fix. */
export function renderFindings(findings: readonly Finding[]): string {
  const out: string[] = [];
  for (const kind of FINDING_ORDER) {
    const group = findings.filter((f) => f.kind === kind);
    if (group.length === 0) continue;
    out.push(`${kind}: ${messages.hook.kindTitle[kind]} (${group.length})`);
    for (const f of group) {
      const renamed = f.oldPath === undefined ? '' : `   (renamed from ${showPath(f.oldPath)})`;
      const commit = f.commit === undefined ? '' : `   in commit ${f.commit.slice(0, 12)}`;
      out.push(`  ${showPath(f.path)}${renamed}${commit}`);
      if (f.size !== undefined && f.limit !== undefined) {
        out.push(`      size: ${formatBytes(f.size)} (${f.size} bytes) > ${f.limitKey} ${formatBytes(f.limit)}`);
      } else if (f.size !== undefined) {
        out.push(`      size: ${formatBytes(f.size)}`);
      }
      if (f.paths && f.paths.length > 0) out.push(`      staged in this run: ${f.paths.map(showPath).join(', ')}`);
      out.push(`      fix: ${f.fix}`);
    }
    out.push('');
  }
  return out.join('\n');
}

export function renderHook(result: PreCommitResult): string {
  if (result.ok) return result.notes.map((n) => `${n}\n`).join('');
  return `${renderFindings(result.findings)}\n${messages.hook.blocked(result.findings.length)}\n${messages.hook.skipHint}\n`;
}

export function renderStaged(result: PreCommitResult): string {
  if (result.ok) return `${messages.hook.stagedOk(result.stats.staged)}\n`;
  return `${renderFindings(result.findings)}\n${messages.hook.stagedBad(result.findings.length)}\n`;
}

export function renderRange(result: RangeResult): string {
  if (result.ok) return `${messages.hook.rangeOk(result.range, result.stats.commits)}\n`;
  return `${renderFindings(result.findings)}\n${messages.hook.rangeBad(result.range, result.findings.length)}\n`;
}
