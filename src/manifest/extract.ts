// One manifest row from a run's files. The files come from the index (staged blobs) or from the work tree;
// this module only sees bytes. A missing file or field is null; a malformed file adds an `errors` entry to
// the row (with the parser's line:col) and one warning, and never stops the other rows.
import { createRequire } from 'node:module';
import { messages } from '../messages.js';
import type { FieldSpec, PolicyRoot } from '../policy/policy.js';
import { jsonErrorAt } from './json-error.js';
import { csvLastRow, mlflowLastValue } from './tabular.js';
import type { JsonValue, Row } from './types.js';

/** The YAML parser, loaded on the first YAML source only: most policies read JSON, and the hook is start-up bound. */
let yaml: typeof import('yaml') | undefined;
const loadYaml = (): typeof import('yaml') => (yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/**
 * A run's source files by name relative to the run folder; null when the run has no such file. Blobs come
 * as bytes; the work tree's files come decoded already (Node's UTF-8 read makes no Buffer on the way).
 */
export type RunFiles = ReadonlyMap<string, Buffer | string | null>;

const decode = (content: Buffer | string): string => (typeof content === 'string' ? content : content.toString('utf8'));

export interface RunRef {
  /** The run folder relative to the repository root. */
  runPath: string;
  /** The run pattern's {name} captures. */
  captures: Record<string, string>;
}

export interface ExtractedRow {
  row: Row;
  /** One per malformed file: "runs/x/y/metrics.json: …". */
  warnings: string[];
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

export function extractRow(root: PolicyRoot, run: RunRef, files: RunFiles): ExtractedRow {
  const { slots, slotOf } = planOf(root);
  const parsed: Array<Parsed | null | undefined> = new Array(slots.length);
  const errors: string[] = [];
  const warnings: string[] = [];
  const open = (slot: number): Parsed | null => {
    let result = parsed[slot];
    if (result === undefined) {
      const { kind, file } = slots[slot] as Slot;
      const bytes = files.get(file) ?? null;
      result = bytes === null ? null : parseSource(kind, bytes);
      if (result && !result.ok) {
        errors.push(`${file}: ${result.error}`);
        warnings.push(messages.manifest.malformed(`${run.runPath}/${file}`, result.error));
      }
      parsed[slot] = result;
    }
    return result;
  };
  const row: Row = {};
  const { fields } = root;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as FieldSpec;
    const { source } = field;
    let value: JsonValue = null;
    if (source.kind === 'capture') value = run.captures[source.capture] ?? null;
    else if (source.kind === 'path') value = run.runPath.slice(root.path.length + 1);
    else if (source.kind === 'line') {
      const bytes = files.get(source.file) ?? null;
      if (bytes !== null && bytes.length > 0) value = (decode(bytes).split('\n', 1)[0] as string).replace(/\r$/, '');
    } else {
      const doc = open(slotOf[i] as number);
      if (doc?.ok) value = pointAt(doc.value, source.kind === 'csv' ? [source.column] : source.kind === 'mlflow' ? [] : source.pointer);
    }
    row[field.name] = value;
  }
  if (errors.length > 0) row.errors = errors;
  return { row, warnings };
}

/** A file a root's fields parse, in one way: fields reading the same file the same way share its slot. */
interface Slot {
  kind: SourceKind;
  file: string;
}

/** Each root's slots, and each field's slot (-1: a field that parses no file), worked out once per root. */
const plans = new WeakMap<PolicyRoot, { slots: Slot[]; slotOf: number[] }>();

function planOf(root: PolicyRoot): { slots: Slot[]; slotOf: number[] } {
  let plan = plans.get(root);
  if (plan === undefined) {
    const slots: Slot[] = [];
    const slotOf = root.fields.map(({ source }) => {
      if (source.kind === 'capture' || source.kind === 'path' || source.kind === 'line') return -1;
      const at = slots.findIndex((slot) => slot.kind === source.kind && slot.file === source.file);
      return at !== -1 ? at : slots.push({ kind: source.kind, file: source.file }) - 1;
    });
    plans.set(root, (plan = { slots, slotOf }));
  }
  return plan;
}

type SourceKind = 'json' | 'yaml' | 'jsonl' | 'csv' | 'mlflow';

function parseSource(kind: SourceKind, content: Buffer | string): Parsed {
  let text = decode(content);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (kind === 'json') return parseJson(text, 1);
  if (kind === 'csv') return csvLastRow(text);
  if (kind === 'mlflow') return mlflowLastValue(text);
  if (kind === 'jsonl') {
    // The last record: the last line that is not blank.
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      if ((lines[i] as string).trim() !== '') return parseJson(lines[i] as string, i + 1);
    }
    return { ok: true, value: null };
  }
  const doc = loadYaml().parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const [error] = doc.errors;
  if (error) {
    const pos = error.linePos?.[0];
    return { ok: false, error: `invalid YAML at ${pos ? `${pos.line}:${pos.col}` : '1:1'}: ${error.message.split('\n')[0]}` };
  }
  return { ok: true, value: doc.toJS() };
}

/** JSON.parse, and on failure the first error's line:col (counted from `firstLine`). */
function parseJson(text: string, firstLine: number): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const { line, column, problem } = jsonErrorAt(text);
    return { ok: false, error: `invalid JSON at ${line + firstLine - 1}:${column}: ${problem}` };
  }
}

/** Follows a JSON pointer; anything missing on the way is null. Values are kept as JSON. */
function pointAt(value: unknown, pointer: readonly string[]): JsonValue {
  let current: unknown = value;
  for (const token of pointer) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return null;
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object') {
      current = Object.hasOwn(current, token) ? (current as Record<string, unknown>)[token] : undefined;
    } else return null;
    if (current === undefined) return null;
  }
  if (current === undefined) return null;
  if (typeof current === 'string' || typeof current === 'boolean' || current === null) return current;
  if (typeof current === 'number') return Number.isFinite(current) ? current : null; // as JSON.stringify has it
  // YAML may produce values JSON cannot hold (dates, maps with odd keys): JSON decides what is kept.
  return JSON.parse(JSON.stringify(current) ?? 'null') as JsonValue;
}
