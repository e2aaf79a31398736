// The manifest's bytes. One fixed layout, so that refreshing an unchanged tree changes no byte and a diff
// or a merge sees one line per run:
//
//   {
//     "version": "1.0",
//     "last_updated": "2025-01-06T09:00:00.000Z",
//     "total_runs": 2,
//     "frameworks": {"baes": 1, "chatdev": 1},
//     "runs": [
//       {"run_id": "a", "framework": "baes", "path": "baes/a", ...},
//       {"run_id": "b", "framework": "chatdev", "path": "chatdev/b", ...}
//     ]
//   }
//
// Rows are sorted by path (JavaScript string order) and keep the policy's field order, `errors` last when
// present. Because the layout is fixed, a file in it can be updated by splicing row lines found by binary
// search, without parsing or re-serialising the other rows; anything else (a hand edit) is parsed whole.
import type { PolicyRoot } from '../policy/policy.js';
import { type JsonValue, type Manifest, MANIFEST_VERSION, type Row } from './types.js';

/** What the bytes depend on: the root's fields, count keys and last_updated fields. */
export type Layout = Pick<PolicyRoot, 'fields' | 'counts' | 'lastUpdated'>;

/** A manifest held as its row lines (serialised rows, sorted by path) and the header computed from them. */
export interface ManifestState {
  last_updated: string | null;
  counts: Record<string, Record<string, number>>;
  lines: string[];
}

export const comparePaths = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function pair(key: string, value: JsonValue): string {
  return `${JSON.stringify(key)}: ${JSON.stringify(value)}`;
}

/** Each layout's `"key": ` prefixes, computed once (serializeRow runs once per row of a rebuild). */
const keyPrefixes = new WeakMap<Layout, string[]>();

/** One row as its line (without indentation or comma): the layout's fields in order, then errors. */
export function serializeRow(layout: Layout, row: Row): string {
  let prefixes = keyPrefixes.get(layout);
  if (prefixes === undefined) keyPrefixes.set(layout, (prefixes = layout.fields.map((f) => `${JSON.stringify(f.name)}: `)));
  const parts = layout.fields.map((f, i) => `${prefixes[i] as string}${JSON.stringify(row[f.name] ?? null)}`);
  if (Array.isArray(row.errors) && row.errors.length > 0) parts.push(pair('errors', row.errors));
  return `{${parts.join(', ')}}`;
}

/** A row as the layout keeps it: its fields in order (missing ones null), errors when non-empty. */
export function normalizeRow(layout: Layout, row: Row): Row {
  return JSON.parse(serializeRow(layout, row)) as Row;
}

export const rowPath = (row: Row): string => String(row.path ?? '');

function countKey(value: JsonValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function timeOf(value: JsonValue | undefined): number {
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}

/** Whether time string a is later than b (ties broken by string order, so the result is deterministic). */
function later(a: string, b: string | null): boolean {
  if (b === null) return true;
  const [ta, tb] = [Date.parse(a), Date.parse(b)];
  return ta > tb || (ta === tb && a > b);
}

function latestOf(layout: Layout, row: Row, current: string | null): string | null {
  let latest = current;
  for (const name of layout.lastUpdated) {
    const value = row[name];
    if (typeof value === 'string' && !Number.isNaN(timeOf(value)) && later(value, latest)) latest = value;
  }
  return latest;
}

export function buildState(layout: Layout, rows: readonly Row[]): ManifestState {
  const sorted = [...rows].sort((a, b) => comparePaths(rowPath(a), rowPath(b)));
  const state: ManifestState = { last_updated: null, counts: emptyCounts(layout), lines: [] };
  for (const row of sorted) {
    state.lines.push(serializeRow(layout, row));
    addToHeader(layout, state, row);
  }
  return state;
}

function emptyCounts(layout: Layout): Record<string, Record<string, number>> {
  return Object.fromEntries(layout.counts.map(({ key }) => [key, {}]));
}

function addToHeader(layout: Layout, state: ManifestState, row: Row): void {
  for (const { key, field } of layout.counts) {
    const value = countKey(row[field]);
    if (value === null) continue;
    const counts = state.counts[key] as Record<string, number>;
    counts[value] = (counts[value] ?? 0) + 1;
  }
  state.last_updated = latestOf(layout, row, state.last_updated);
}

/** The file's text. */
export function renderManifest(layout: Layout, state: ManifestState): string {
  const header = headerLines(layout, state);
  const runs = state.lines.length === 0 ? ['  "runs": []'] : ['  "runs": [', `    ${state.lines.join(',\n    ')}`, '  ]'];
  return `{\n${header.join('\n')}\n${runs.join('\n')}\n}\n`;
}

function renderCounts(counts: Record<string, number>): string {
  const keys = Object.keys(counts).sort(comparePaths);
  return `{${keys.map((k) => pair(k, counts[k] as number)).join(', ')}}`;
}

/**
 * Reads a file written in the fixed layout for this root: the header is parsed and checked to be exactly
 * what the layout writes, the row lines are kept as text (their paths are read on demand). Returns null
 * for anything else (hand edits, another policy's fields, conflict markers): the caller then recomputes.
 */
export function parseCanonical(layout: Layout, text: string): ManifestState | null {
  if (!text.startsWith('{\n') || !text.endsWith('\n}\n')) return null;
  const lines = text.slice(2, -3).split('\n');
  const runsAt = lines.findIndex((l) => l === '  "runs": [' || l === '  "runs": []');
  if (runsAt === -1) return null;
  const empty = lines[runsAt] === '  "runs": []';
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(`{${lines.slice(0, runsAt).join('')}"runs": []}`) as Record<string, unknown>;
  } catch {
    return null;
  }
  let rowLines: string[];
  if (empty) {
    if (runsAt !== lines.length - 1) return null;
    rowLines = [];
  } else {
    if (lines[lines.length - 1] !== '  ]' || runsAt >= lines.length - 2) return null;
    rowLines = new Array<string>(lines.length - 2 - runsAt);
    const last = lines.length - 2;
    for (let i = runsAt + 1; i <= last; i++) {
      const line = lines[i] as string;
      const end = i === last ? line.length : line.length - 1;
      if (!line.startsWith('    {') || line[end - 1] !== '}' || (i !== last && line[end] !== ',')) return null;
      rowLines[i - runsAt - 1] = line.slice(4, end);
    }
  }
  const counts = emptyCounts(layout);
  for (const { key } of layout.counts) {
    const value = header[key];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    counts[key] = value as Record<string, number>;
  }
  const lastUpdated = header.last_updated;
  if (lastUpdated !== null && typeof lastUpdated !== 'string') return null;
  const state: ManifestState = { last_updated: lastUpdated, counts, lines: rowLines };
  if (headerLines(layout, state).join('\n') !== lines.slice(0, runsAt).join('\n')) return null;
  // The first and last rows must have this layout's keys: a policy whose fields changed means a recompute.
  for (const line of [rowLines[0], rowLines[rowLines.length - 1]]) {
    if (line === undefined) continue;
    const row = parseRowLine(line);
    if (row === null || serializeRow(layout, row) !== line) return null;
  }
  return state;
}

function headerLines(layout: Layout, state: ManifestState): string[] {
  return [
    `  ${pair('version', MANIFEST_VERSION)},`,
    `  ${pair('last_updated', state.last_updated)},`,
    `  ${pair('total_runs', state.lines.length)},`,
    ...layout.counts.map(({ key }) => `  ${JSON.stringify(key)}: ${renderCounts(state.counts[key] ?? {})},`),
  ];
}

function parseRowLine(line: string): Row | null {
  try {
    const row = JSON.parse(line) as unknown;
    return row !== null && typeof row === 'object' && !Array.isArray(row) ? (row as Row) : null;
  } catch {
    return null;
  }
}

/**
 * Replaces, adds (Row) or removes (null) the rows at the given paths. Only the rows at the binary-search
 * probes are parsed; the header is adjusted from the rows that left and came. Returns null when a probed
 * line is not a row (the file was edited by hand): the caller then recomputes.
 */
export function spliceRows(layout: Layout, state: ManifestState, changes: ReadonlyMap<string, Row | null>): ManifestState | null {
  const { lines } = state;
  const parsed = new Map<number, Row | null>();
  const rowAt = (i: number): Row | null => {
    if (!parsed.has(i)) parsed.set(i, parseRowLine(lines[i] as string));
    return parsed.get(i) ?? null;
  };
  const paths = [...changes.keys()].sort(comparePaths);
  const next: ManifestState = { last_updated: state.last_updated, counts: structuredClone(state.counts), lines: [] };
  let recomputeLatest = false;
  let from = 0;
  for (const p of paths) {
    let [lo, hi] = [from, lines.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const row = rowAt(mid);
      if (row === null) return null;
      if (comparePaths(rowPath(row), p) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = from; i < lo; i++) next.lines.push(lines[i] as string);
    from = lo;
    if (lo < lines.length) {
      const old = rowAt(lo);
      if (old === null) return null;
      if (rowPath(old) === p) {
        from = lo + 1;
        for (const { key, field } of layout.counts) {
          const value = countKey(old[field]);
          const counts = next.counts[key] as Record<string, number>;
          if (value === null || counts[value] === undefined) continue;
          if (--counts[value] <= 0) delete counts[value];
        }
        if (layout.lastUpdated.some((name) => old[name] === next.last_updated)) recomputeLatest = true;
      }
    }
    const row = changes.get(p);
    if (row) {
      next.lines.push(serializeRow(layout, row));
      addToHeader(layout, next, row);
    }
  }
  for (let i = from; i < lines.length; i++) next.lines.push(lines[i] as string);
  if (recomputeLatest) {
    // A row that held last_updated left or changed: the latest time has to be found again.
    next.last_updated = null;
    for (const line of next.lines) {
      const row = parseRowLine(line);
      if (row === null) return null;
      next.last_updated = latestOf(layout, row, next.last_updated);
    }
  }
  return next;
}

/** The rows of a canonical state, parsed. */
export function stateRows(state: ManifestState): Row[] {
  return state.lines.map((line) => JSON.parse(line) as Row);
}

/** Conflict markers left by a textual merge (no merge driver configured). */
export function hasConflictMarkers(text: string): boolean {
  return /^(<{7}|={7}|>{7})( |$)/m.test(text);
}

/** A manifest in any JSON layout (hand-edited, or older), or null when it is not one. */
export function parseAnyManifest(text: string): Manifest | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || !Array.isArray((value as { runs?: unknown }).runs)) return null;
  const record = value as Record<string, unknown>;
  const counts: Record<string, Record<string, number>> = {};
  for (const [key, v] of Object.entries(record)) {
    if (!['version', 'last_updated', 'total_runs', 'runs'].includes(key) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      counts[key] = v as Record<string, number>;
    }
  }
  const runs = (record.runs as unknown[]).filter((r): r is Row => r !== null && typeof r === 'object' && !Array.isArray(r));
  return {
    version: String(record.version ?? MANIFEST_VERSION),
    last_updated: typeof record.last_updated === 'string' ? record.last_updated : null,
    total_runs: runs.length,
    counts,
    runs,
  };
}
