// Human output of `artifacts audit`: tables with sizes in human units (powers of 1024, as `du -h`).
import bytes from 'bytes';
import type { HistoryReport } from '../git/history.js';
import { messages, showPath } from '../messages.js';
import type { AuditResult, Bucket, Split } from './audit.js';

export function size(n: number): string {
  return bytes(n, { unitSeparator: ' ', decimalPlaces: 1 }) ?? `${n} B`;
}

const count = (n: number) => n.toLocaleString('en-US');

export function ratioText(ratio: number | null): string {
  if (ratio === null) return 'nothing tracked';
  return `1:${ratio < 10 ? Number(ratio.toFixed(1)).toString() : count(Math.round(ratio))}`;
}

/** Left-aligns the first column and right-aligns the others. */
function table(rows: string[][], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `${indent}${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`.trimEnd());
}

const files = (b: Bucket) => `${count(b.files)}${b.links > 0 ? ` (${count(b.links)} links)` : ''}`;

function splitTable(split: Split): string[] {
  const rows = [['', 'files', 'bytes', 'allocated']];
  rows.push(['tracked', files(split.tracked), size(split.tracked.bytes), size(split.tracked.allocated)]);
  rows.push(['ignored', files(split.ignored), size(split.ignored.bytes), size(split.ignored.allocated)]);
  if (split.never.files > 0) rows.push(['never', files(split.never), size(split.never.bytes), size(split.never.allocated)]);
  return table(rows, '    ');
}

export function renderAudit(result: AuditResult, top: number, history: HistoryReport | null): string {
  const out: string[] = [];
  const { totals } = result;
  out.push(`artifacts audit: ${count(totals.runs)} run${totals.runs === 1 ? '' : 's'} under ${result.roots.length} root${result.roots.length === 1 ? '' : 's'}`);
  for (const root of result.roots) {
    out.push('', `root ${root.path}/: ${root.exists ? `${count(root.runs)} run${root.runs === 1 ? '' : 's'}` : messages.audit.missingRoot(root.path)}`);
    if (!root.exists) continue;
    out.push(...splitTable(root));
    out.push(`    tracked:ignored ${ratioText(root.ratio)}`);
    if (root.runs > 0) {
      out.push(`    100 runs like these: ${size(root.projection100.tracked)} in git, ${size(root.projection100.ignored)} ignored on disk`);
    }
  }

  if (result.groups) {
    out.push('', `by ${result.by}:`);
    const rows = [[result.by, 'runs', 'tracked', 'ignored', 'allocated', 'ratio']];
    for (const g of result.groups) {
      rows.push([showPath(g.value), count(g.runs), size(g.tracked.bytes), size(g.ignored.bytes), size(g.tracked.allocated + g.ignored.allocated), ratioText(g.ratio)]);
    }
    out.push(...table(rows));
  } else if (result.runs.length > 0) {
    const shown = [...result.runs]
      .sort((a, b) => b.tracked.bytes + b.ignored.bytes - (a.tracked.bytes + a.ignored.bytes) || (a.path < b.path ? -1 : 1))
      .slice(0, top);
    const more = result.runs.length - shown.length;
    out.push('', `runs, largest first${more > 0 ? ` (${shown.length} of ${count(result.runs.length)}; --top N for more, --json for all)` : ''}:`);
    const rows = [['run', 'tracked', '', 'ignored', '', 'allocated', 'ratio']];
    for (const run of shown) {
      rows.push([
        showPath(run.path),
        `${count(run.tracked.files)} files`,
        size(run.tracked.bytes),
        `${count(run.ignored.files)} files`,
        size(run.ignored.bytes),
        size(run.tracked.allocated + run.ignored.allocated + run.never.allocated),
        ratioText(run.ratio),
      ]);
    }
    out.push(...table(rows));
  }

  if (result.largestIgnoredFolders.length > 0) {
    out.push('', 'largest ignored folders:');
    out.push(...table(result.largestIgnoredFolders.map((f) => [showPath(f.path), `${count(f.files)} files`, size(f.bytes), `${size(f.allocated)} allocated`])));
  }
  if (result.largestIgnoredFiles.length > 0) {
    out.push('', 'largest ignored files:');
    out.push(...table(result.largestIgnoredFiles.map((f) => [showPath(f.path), size(f.bytes), `${size(f.allocated)} allocated`])));
  }
  if (result.nearLimits.length > 0) {
    out.push('', 'within 20% of a limit (or over it):');
    out.push(
      ...table(
        result.nearLimits.map((n) => [
          showPath(n.path),
          n.kind === 'file' ? 'tracked file' : 'run total',
          size(n.bytes),
          `${Math.round(n.fraction * 100)}% of limits.${n.kind}`,
          `(${size(n.limit)})`,
        ]),
      ),
    );
  }
  if (totals.never.files > 0) {
    out.push('', `never (${messages.audit.neverOnDisk(totals.never.files)}):`);
    out.push(...table(result.never.map((f) => [showPath(f.path), size(f.bytes)])));
    if (result.never.length < totals.never.files) out.push(`  … and ${count(totals.never.files - result.never.length)} more (--json)`);
  }

  out.push('', 'totals:');
  out.push(...splitTable(totals));
  out.push(`    tracked:ignored ${ratioText(totals.ratio)}`);
  if (totals.runs > 0) out.push(`    100 runs: ${size(totals.projection100.tracked)} in git, ${size(totals.projection100.ignored)} ignored on disk`);

  if (history) {
    out.push('', `history (all refs): ${count(history.blobs)} unique blobs under the roots, ${size(history.bytes)} (${size(history.diskBytes)} in the object database); \`git rm\` does not shrink this`);
    if (history.largest.length > 0) {
      out.push(...table(history.largest.map((b) => [showPath(b.path), size(b.bytes), `added in ${b.commit.slice(0, 12)}`])));
    }
  }
  return `${out.join('\n')}\n`;
}
