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

/**
 * The latest of `current` and the row's last_updated fields: a later time wins, ties go to the later string
 * (so the result is deterministic); values that are not times are passed over. Each string is parsed once:
 * a rebuild calls this for every row.
 */
function latestOf(layout: Layout, row: Row, current: string | null): string | null {
  let latest = current;
  let latestTime = current === null ? Number.NaN : Date.parse(current);
  for (const name of layout.lastUpdated) {
    const value = row[name];
    if (typeof value !== 'string') continue;
    const time = Date.parse(value);
    if (Number.isNaN(time)) continue;
    if (latest === null || time > latestTime || (time === latestTime && value > latest)) {
      latest = value;
      latestTime = time;
    }
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
  const header = headerLines(layout, state.last_updated, state.counts, state.lines.length);
  const runs = state.lines.length === 0 ? ['  "runs": []'] : ['  "runs": [', `    ${state.lines.join(',\n    ')}`, '  ]'];
  return `{\n${header.join('\n')}\n${runs.join('\n')}\n}\n`;
}

function renderCounts(counts: Record<string, number>): string {
  const keys = Object.keys(counts).sort(comparePaths);
  return `{${keys.map((k) => pair(k, counts[k] as number)).join(', ')}}`;
}

/** The row lines of a manifest in the fixed layout, each read on demand (without indentation or comma). */
export interface RowLines {
  readonly length: number;
  line(i: number): string;
}

type Header = Pick<ManifestState, 'last_updated' | 'counts'>;

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
  const header = readHeader(layout, lines.slice(0, runsAt).join('\n'), { length: rowLines.length, line: (i) => rowLines[i] as string });
  return header && { ...header, lines: rowLines };
}

/** The header lines of a canonical file (joined by newlines), checked to be what this layout writes for these rows. */
function readHeader(layout: Layout, text: string, rows: RowLines): Header | null {
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(`{${text.split('\n').join('')}"runs": []}`) as Record<string, unknown>;
  } catch {
    return null;
  }
  const counts = emptyCounts(layout);
  for (const { key } of layout.counts) {
    const value = header[key];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    counts[key] = value as Record<string, number>;
  }
  const lastUpdated = header.last_updated;
  if (lastUpdated !== null && typeof lastUpdated !== 'string') return null;
  if (headerLines(layout, lastUpdated, counts, rows.length).join('\n') !== text) return null;
  // The first and last rows must have this layout's keys: a policy whose fields changed means a recompute.
  for (const i of rows.length === 0 ? [] : [0, rows.length - 1]) {
    const line = rows.line(i);
    const row = parseRowLine(line);
    if (row === null || serializeRow(layout, row) !== line) return null;
  }
  return { last_updated: lastUpdated, counts };
}

/**
 * The same reading of a file given as bytes, its row lines found (by their newlines) but not decoded: the
 * hook's refresh splices a few rows into a manifest of megabytes without turning all of it into text.
 */
function parseCanonicalBytes(layout: Layout, bytes: Buffer): { header: Header; rows: ByteRowLines } | null {
  // latin1 maps each byte to one character: offsets in this string are offsets in the bytes. Scanning it
  // with String#indexOf is about 10x faster than Buffer#indexOf per line (a native call each), and this runs
  // once per commit, before the JIT warms up.
  const text = bytes.toString('latin1');
  if (text.length < 5 || !text.startsWith('{\n') || !text.endsWith('\n}\n')) return null;
  const marker = text.indexOf('\n  "runs": [');
  if (marker === -1) return null;
  const afterMarker = marker + '\n  "runs": ['.length;
  const starts: number[] = [];
  const ends: number[] = [];
  const empty = afterMarker + 4 === text.length && text.endsWith(']\n}\n');
  if (!empty) {
    const closing = text.length - '\n  ]\n}\n'.length;
    if (text.charCodeAt(afterMarker) !== 0x0a || !text.endsWith('\n  ]\n}\n')) return null;
    // Each row line is "    {…}," and the last "    {…}" (characters compared one by one, no string per line).
    for (let at = afterMarker + 1; at <= closing; ) {
      let eol = text.indexOf('\n', at);
      if (eol === -1 || eol > closing) eol = closing;
      const last = eol === closing;
      const close = last ? eol - 1 : eol - 2;
      if (close < at + 4 || !text.startsWith('    {', at) || text.charCodeAt(close) !== 0x7d || (!last && text.charCodeAt(eol - 1) !== 0x2c)) return null;
      starts.push(at);
      ends.push(eol);
      at = eol + 1;
    }
  }
  const contentEnd = (i: number) => (ends[i] as number) - (i === starts.length - 1 ? 0 : 1);
  /** The row whose line holds the offset `at` (at or after the first row's start). */
  const rowAt = (at: number) => {
    let [lo, hi] = [0, starts.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const rows: ByteRowLines = {
    length: starts.length,
    line: (i) => bytes.toString('utf8', (starts[i] as number) + 4, contentEnd(i)),
    bytes: (from, to) => bytes.subarray((starts[from] as number) + 4, contentEnd(to - 1)),
    containing: (needle) => {
      // The needle as UTF-8 bytes spelled in latin1, searched in the latin1 view: each hit names its row.
      const latin = Buffer.from(needle, 'utf8').toString('latin1');
      const found: number[] = [];
      if (latin.length === 0 || starts.length === 0) return found;
      for (let at = text.indexOf(latin, starts[0]); at !== -1; ) {
        const row = rowAt(at);
        if (at + latin.length <= contentEnd(row)) found.push(row);
        if (row + 1 === starts.length) break;
        at = text.indexOf(latin, starts[row + 1] as number); // the row is taken or ruled out: on to the next
      }
      return found;
    },
  };
  const header = readHeader(layout, bytes.toString('utf8', 2, marker), rows);
  return header && { header, rows };
}

interface ByteRowLines extends RowLines {
  /** Rows from..to-1 as they are in the file, the separators between them included. */
  bytes(from: number, to: number): Buffer;
  /** The rows whose line holds `needle`, in order. */
  containing(needle: string): number[];
}

/**
 * A file in the fixed layout of `layout`, its rows as lines not parsed yet: `artifacts runs` parses only the
 * rows whose line holds a value a condition needs. Null for any other file (the caller parses it whole).
 */
export function canonicalRows(layout: Layout, bytes: Buffer): RowLines & Pick<ByteRowLines, 'containing'> | null {
  return parseCanonicalBytes(layout, bytes)?.rows ?? null;
}

function headerLines(layout: Layout, lastUpdated: string | null, counts: ManifestState['counts'], total: number): string[] {
  return [
    `  ${pair('version', MANIFEST_VERSION)},`,
    `  ${pair('last_updated', lastUpdated)},`,
    `  ${pair('total_runs', total)},`,
    ...layout.counts.map(({ key }) => `  ${JSON.stringify(key)}: ${renderCounts(counts[key] ?? {})},`),
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

/** A splice: the new header, and the rows as runs of the old rows kept ({from, to}) and new row lines. */
interface SplicePlan extends Header {
  pieces: Array<{ from: number; to: number } | string>;
  total: number;
}

/**
 * Replaces, adds (Row) or removes (null) the rows at the given paths. Only the rows at the binary-search
 * probes are parsed; the header is adjusted from the rows that left and came. Returns null when a probed
 * line is not a row (the file was edited by hand): the caller then recomputes.
 */
function planSplice(layout: Layout, header: Header, rows: RowLines, changes: ReadonlyMap<string, Row | null>): SplicePlan | null {
  const parsed = new Map<number, Row | null>();
  const rowAt = (i: number): Row | null => {
    if (!parsed.has(i)) parsed.set(i, parseRowLine(rows.line(i)));
    return parsed.get(i) ?? null;
  };
  const paths = [...changes.keys()].sort(comparePaths);
  const next: ManifestState = { last_updated: header.last_updated, counts: structuredClone(header.counts), lines: [] };
  const pieces: SplicePlan['pieces'] = [];
  let total = rows.length;
  const latestBefore = header.last_updated;
  let lostLatest = false;
  let from = 0;
  for (const p of paths) {
    let [lo, hi] = [from, rows.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const row = rowAt(mid);
      if (row === null) return null;
      if (comparePaths(rowPath(row), p) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo > from) pieces.push({ from, to: lo });
    from = lo;
    if (lo < rows.length) {
      const old = rowAt(lo);
      if (old === null) return null;
      if (rowPath(old) === p) {
        from = lo + 1;
        total--;
        for (const { key, field } of layout.counts) {
          const value = countKey(old[field]);
          const counts = next.counts[key] as Record<string, number>;
          if (value === null || counts[value] === undefined) continue;
          if (--counts[value] <= 0) delete counts[value];
        }
        if (latestBefore !== null && layout.lastUpdated.some((name) => old[name] === latestBefore)) lostLatest = true;
      }
    }
    const row = changes.get(p);
    if (row) {
      pieces.push(serializeRow(layout, row));
      total++;
      addToHeader(layout, next, row);
    }
  }
  if (from < rows.length) pieces.push({ from, to: rows.length });
  // A row that held last_updated left or changed, and no new row reaches that time: find the latest again.
  if (lostLatest && next.last_updated === latestBefore) {
    const added = paths.map((p) => changes.get(p)).filter((row): row is Row => Boolean(row));
    if (!added.some((row) => latestOf(layout, row, null) === latestBefore)) {
      next.last_updated = null;
      for (const piece of pieces) {
        const lines = typeof piece === 'string' ? [piece] : Array.from({ length: piece.to - piece.from }, (_, k) => rows.line(piece.from + k));
        for (const line of lines) {
          const row = parseRowLine(line);
          if (row === null) return null;
          next.last_updated = latestOf(layout, row, next.last_updated);
        }
      }
    }
  }
  return { last_updated: next.last_updated, counts: next.counts, pieces, total };
}

export function spliceRows(layout: Layout, state: ManifestState, changes: ReadonlyMap<string, Row | null>): ManifestState | null {
  const { lines } = state;
  const plan = planSplice(layout, state, { length: lines.length, line: (i) => lines[i] as string }, changes);
  if (plan === null) return null;
  const next = plan.pieces.flatMap((piece) => (typeof piece === 'string' ? [piece] : lines.slice(piece.from, piece.to)));
  return { last_updated: plan.last_updated, counts: plan.counts, lines: next };
}

/**
 * spliceRows and renderManifest on a file given as bytes: the rows that stay are copied as bytes, never
 * decoded. The same bytes as the text path; null where that path would return null.
 */
export function spliceManifestBytes(layout: Layout, file: Buffer, changes: ReadonlyMap<string, Row | null>): Buffer | null {
  const parsed = parseCanonicalBytes(layout, file);
  if (parsed === null) return null;
  const plan = planSplice(layout, parsed.header, parsed.rows, changes);
  if (plan === null) return null;
  const header = headerLines(layout, plan.last_updated, plan.counts, plan.total).join('\n');
  if (plan.total === 0) return Buffer.from(`{\n${header}\n  "runs": []\n}\n`);
  const parts: Buffer[] = [Buffer.from(`{\n${header}\n  "runs": [\n    `)];
  const separator = Buffer.from(',\n    ');
  plan.pieces.forEach((piece, i) => {
    if (i > 0) parts.push(separator);
    parts.push(typeof piece === 'string' ? Buffer.from(piece) : parsed.rows.bytes(piece.from, piece.to));
  });
  parts.push(Buffer.from('\n  ]\n}\n'));
  return Buffer.concat(parts);
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
