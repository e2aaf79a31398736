// `artifacts runs`: the seed's find_runs over manifest rows. Pure functions over rows; no file system, no
// git, no YAML, so the command's import graph stays small.
import type { JsonValue, Row } from './types.js';

export type Operator = '=' | '!=' | '>=' | '<=' | '>' | '<' | '~';

export interface Condition {
  field: string;
  op: Operator;
  value: string;
}

/** "FIELD OP VALUE" (OP one of = != >= <= > < ~), or null when the text is not one. */
export function parseCondition(text: string): Condition | null {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|>=|<=|=|>|<|~)(.*)$/s.exec(text);
  if (!match) return null;
  return { field: match[1] as string, op: match[2] as Operator, value: match[3] as string };
}

const NUMBER = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * Whether a row satisfies a condition. Numbers compare as numbers when both sides are numbers, anything
 * else as text (ISO times order correctly as text); `=null` matches a missing value; `~` is a substring
 * test. A row without the value fails every comparison but `!=` and `=null`.
 */
export function matches(row: Row, condition: Condition): boolean {
  const actual = row[condition.field];
  const { op, value } = condition;
  if (actual === null || actual === undefined) {
    if (op === '=') return value === 'null' || value === '';
    return op === '!=' && value !== 'null' && value !== '';
  }
  const text = typeof actual === 'string' ? actual : JSON.stringify(actual);
  if (op === '~') return text.includes(value);
  let order: number;
  if (typeof actual === 'number' && NUMBER.test(value)) order = Math.sign(actual - Number(value));
  else if (typeof actual === 'boolean' && (value === 'true' || value === 'false')) order = text === value ? 0 : 1;
  else order = text < value ? -1 : text > value ? 1 : 0;
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '>=':
      return order >= 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '<':
      return order < 0;
  }
}

/**
 * Text that the manifest line of every row passing `conditions` holds, or null: the value of an `=` or `~`
 * condition where JSON writes it as it is (no quote, backslash, control character or surrogate) and `=`
 * compares it as text (not a number, not null). A row whose line lacks it need not be parsed.
 */
export function prefilterOf(conditions: readonly Condition[]): string | null {
  for (const { op, value } of conditions) {
    if (!/^[^"\\\u0000-\u001f\ud800-\udfff]+$/.test(value)) continue;
    if (op === '~' || (op === '=' && value !== 'null' && !NUMBER.test(value))) return value;
  }
  return null;
}

/** Orders by one field: numbers numerically, then text; nulls last either way. `-field` descends. */
export function sortRows(rows: Row[], spec: string): Row[] {
  const descending = spec.startsWith('-');
  const field = descending ? spec.slice(1) : spec;
  const key = (v: JsonValue | undefined) => (v === null || v === undefined ? null : v);
  return [...rows].sort((a, b) => {
    const [x, y] = [key(a[field]), key(b[field])];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    let order: number;
    if (typeof x === 'number' && typeof y === 'number') order = x - y;
    else {
      const [sx, sy] = [typeof x === 'string' ? x : JSON.stringify(x), typeof y === 'string' ? y : JSON.stringify(y)];
      order = sx < sy ? -1 : sx > sy ? 1 : 0;
    }
    return descending ? -order : order;
  });
}

export interface FindOptions {
  where?: readonly (Condition | string)[];
  sort?: string;
  limit?: number;
}

/** The rows that satisfy every condition, sorted and limited as asked (the manifest's order otherwise). */
export function findRuns(rows: readonly Row[], options: FindOptions = {}): Row[] {
  const conditions = (options.where ?? []).map((c) => {
    if (typeof c !== 'string') return c;
    const parsed = parseCondition(c);
    if (!parsed) throw new Error(`not a condition: ${c}`);
    return parsed;
  });
  let found = rows.filter((row) => conditions.every((c) => matches(row, c)));
  if (options.sort) found = sortRows(found, options.sort);
  if (options.limit !== undefined) found = found.slice(0, options.limit);
  return found;
}

const cell = (v: JsonValue | undefined): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; lines end with CRLF. */
export function renderCsv(rows: readonly Row[], columns: readonly string[]): string {
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [columns, ...rows.map((row) => columns.map((c) => cell(row[c])))].map((line) => `${line.map(quote).join(',')}\r\n`).join('');
}

/** Aligned columns for a terminal; control characters in values are shown escaped. */
export function renderTable(rows: readonly Row[], columns: readonly string[]): string {
  const show = (s: string) => (/[\u0000-\u001f\u007f]/.test(s) ? JSON.stringify(s) : s);
  const table = [columns.map(String), ...rows.map((row) => columns.map((c) => show(cell(row[c]))))];
  const widths = columns.map((_, i) => Math.max(...table.map((line) => [...(line[i] as string)].length)));
  return table
    .map((line) => `${line.map((v, i) => (i === line.length - 1 ? v : v + ' '.repeat((widths[i] as number) - [...v].length))).join('  ')}`.trimEnd())
    .join('\n')
    .concat('\n');
}
