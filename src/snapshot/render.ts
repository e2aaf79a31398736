// Human output of `artifacts snapshot` and `artifacts snapshot list`.
import { size } from '../audit/render.js';
import { messages, shellQuote, showPath } from '../messages.js';
import type { SnapshotRecord, SnapshotResult } from './snapshot.js';

function fileTable(files: readonly { path: string; bytes: number }[]): string[] {
  const width = Math.max(0, ...files.map((f) => showPath(f.path).length));
  return files.map((f) => `  ${showPath(f.path).padEnd(width)}  ${size(f.bytes).padStart(9)}`);
}

/** The --exclude options that leave the oversize files out: their paths inside the run folders. */
export function excludeOptions(result: SnapshotResult): string {
  const inner = new Set<string>();
  for (const file of result.oversize) {
    const run = result.runs.find((r) => file.path.startsWith(`${r}/`));
    inner.add(run ? file.path.slice(run.length + 1) : file.path);
  }
  return [...inner].sort().map((p) => `--exclude ${shellQuote(p)}`).join(' ');
}

export function renderSnapshot(result: SnapshotResult): string {
  const out: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (!result.ok) {
    out.push(`artifacts snapshot ${result.name}: ${messages.snapshot.oversize(size(result.limit))}`);
    out.push(...fileTable(result.oversize));
    out.push(`  leave them out: add ${excludeOptions(result)}`);
    out.push(messages.snapshot.lfsWay);
  } else if (result.dryRun) {
    out.push(`artifacts snapshot --dry-run (nothing changed): ${result.name} would commit ${plural(result.files.length, 'file')} of ${plural(result.runs.length, 'run')}, ${size(result.bytes)}:`);
    out.push(...fileTable(result.files));
    out.push(`  total: ${plural(result.files.length, 'file')}, ${size(result.bytes)} (${result.bytes.toLocaleString('en-US')} bytes)`);
  } else {
    out.push(`artifacts snapshot: committed ${result.name} as ${result.commit?.slice(0, 12)}: ${plural(result.files.length, 'file')} of ${plural(result.runs.length, 'run')}, ${size(result.bytes)}`);
    for (const run of result.runs) out.push(`  ${showPath(run)}`);
    out.push(`  pinned in artifacts.pins.json: \`artifacts check\` accepts these files from now on`);
    if (result.lfs.length > 0) {
      out.push(messages.snapshot.lfsStored(result.lfs.length));
      out.push(...fileTable(result.oversize).map((line) => `  ${line}`));
    }
    if (result.tag) out.push(`  tag: ${result.tag}`);
  }
  if (result.never.length > 0) {
    out.push(`left out (never committed): ${result.never.map(showPath).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

export function renderSnapshotList(records: readonly SnapshotRecord[]): string {
  if (records.length === 0) return 'no snapshots yet: `artifacts snapshot RUN… -m MSG --tag NAME` takes one.\n';
  const out: string[] = [];
  for (const r of records) {
    const tags = r.tags.length > 0 ? ` (tag ${r.tags.join(', ')})` : '';
    out.push(`${r.name}${tags}  ${r.commit.slice(0, 12)}  ${r.date}  ${r.runs.length} run${r.runs.length === 1 ? '' : 's'}, ${r.files} files, ${size(r.bytes)}`);
    out.push(`  ${r.subject}`);
    for (const run of r.runs) out.push(`    ${showPath(run)}`);
  }
  return `${out.join('\n')}\n`;
}
