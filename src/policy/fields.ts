// The manifest's field sources, as written in a root's `fields` mapping:
//   "{name}"                 a {name} capture of the run pattern; "{path}" is the run folder below the root
//   FILE                     the first line of a text file (commit.txt)
//   FILE.json#/a/b           a JSON pointer (RFC 6901) into a JSON file; "#" alone is the whole document
//   FILE.yaml#/a/b           the same into a YAML file (.yaml or .yml)
//   FILE.jsonl#last/a/b      the same into the last record of a JSON Lines file (.jsonl or .ndjson)
//   FILE.csv#last/COLUMN     the column COLUMN (verbatim, after "last/") of the last non-empty row of a CSV file
//   FILE#mlflow              the value of the last "timestamp value step" line of an MLflow metric file
// FILE is relative to the run folder, a plain path the policy tracks (the manifest is a function of
// committed files). No other forms: a JSON file without '#' is refused rather than read as text.
import { parseLiteralPath, PatternError, type RunSegment } from './pattern.js';
import type { FieldSource, FieldSpec } from './policy.js';

export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Row keys the manifest writes itself. */
export const RESERVED_FIELDS = ['errors'] as const;

export class FieldError extends Error {}

export function parseFieldSource(text: string, run: readonly RunSegment[]): FieldSource {
  const capture = /^\{([^{}]*)\}$/.exec(text);
  if (capture) {
    const name = capture[1] as string;
    if (name === 'path') return { kind: 'path' };
    const known = run.flatMap((s) => (s.capture === undefined ? [] : [s.capture]));
    if (!known.includes(name)) {
      const list = [...known, 'path'].map((n) => `{${n}}`).join(', ');
      throw new FieldError(`"{${name}}" is not a capture of the run pattern: the captures are ${list}`);
    }
    return { kind: 'capture', capture: name };
  }
  if (/[{}]/.test(text)) throw new FieldError(`"${text}": a capture is written alone, as "{name}"`);
  const hash = text.indexOf('#');
  const file = hash === -1 ? text : text.slice(0, hash);
  const selector = hash === -1 ? null : text.slice(hash + 1);
  try {
    if (parseLiteralPath(file).length === 0 || file.endsWith('/')) throw new PatternError('must name a file');
  } catch (error) {
    if (error instanceof PatternError) throw new FieldError(`"${file}" ${error.message}`);
    throw error;
  }
  const lower = file.toLowerCase();
  const isJson = lower.endsWith('.json');
  const isYaml = lower.endsWith('.yaml') || lower.endsWith('.yml');
  const isJsonl = lower.endsWith('.jsonl') || lower.endsWith('.ndjson');
  const isCsv = lower.endsWith('.csv');
  if (selector === null) {
    if (isJson || isYaml || isJsonl || isCsv) {
      const example = isJsonl || isCsv ? `${file}#last/loss` : `${file}#/key`;
      const what = isCsv ? 'CSV' : isJsonl ? 'JSON Lines' : isYaml ? 'YAML' : 'JSON';
      throw new FieldError(`"${text}" names a ${what} file without a ${isCsv ? 'column' : 'pointer'}: write e.g. "${example}"`);
    }
    return { kind: 'line', file };
  }
  if (selector === 'mlflow') {
    if (isJson || isYaml || isJsonl || isCsv) {
      throw new FieldError(`"${text}": "#mlflow" reads an MLflow metric file (metrics/<name>, no extension), not a ${file.slice(file.lastIndexOf('.'))} file`);
    }
    return { kind: 'mlflow', file };
  }
  if (isCsv) {
    if (!selector.startsWith('last/') || selector.length === 'last/'.length) {
      throw new FieldError(`"${text}": a CSV source reads a column of the last row: write "${file}#last/COLUMN", e.g. "${file}#last/val_loss"`);
    }
    return { kind: 'csv', file, column: selector.slice('last/'.length) };
  }
  if (isJsonl) {
    if (!selector.startsWith('last')) throw new FieldError(`"${text}": a JSON Lines source reads the last record: write "${file}#last/key"`);
    return { kind: 'jsonl', file, pointer: parsePointer(selector.slice('last'.length), text) };
  }
  if (isJson || isYaml) return { kind: isJson ? 'json' : 'yaml', file, pointer: parsePointer(selector, text) };
  throw new FieldError(
    `"${text}": '#' selects inside .json, .yaml, .yml, .jsonl, .ndjson or .csv files, or reads an MLflow metric file with "#mlflow"; a text file gives its first line (write "${file}")`,
  );
}

/** RFC 6901: "" is the whole document, otherwise "/"-separated tokens with ~1 for '/' and ~0 for '~'. */
function parsePointer(pointer: string, text: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new FieldError(`"${text}": a JSON pointer starts with '/', e.g. "#/total_tokens_in"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token)) throw new FieldError(`"${text}": '~' in a pointer is written ~0, and '/' is ~1`);
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** The files a root's fields read, relative to the run folder, without duplicates, in field order. */
export function sourceFiles(fields: readonly FieldSpec[]): string[] {
  const files: string[] = [];
  for (const { source } of fields) {
    if ('file' in source && !files.includes(source.file)) files.push(source.file);
  }
  return files;
}

/**
 * The full field list: fields as written, then every capture the list does not read (in pattern order),
 * then `path` when it is not written. Written fields keep their position, so a policy chooses the order.
 */
export function completeFields(written: FieldSpec[], run: readonly RunSegment[]): FieldSpec[] {
  const all = [...written];
  const readCaptures = new Set(written.flatMap((f) => (f.source.kind === 'capture' ? [f.source.capture] : [])));
  const missing: FieldSpec[] = [];
  for (const segment of run) {
    if (segment.capture !== undefined && !readCaptures.has(segment.capture) && !all.some((f) => f.name === segment.capture)) {
      missing.push({ name: segment.capture, text: `{${segment.capture}}`, source: { kind: 'capture', capture: segment.capture } });
    }
  }
  if (!all.some((f) => f.source.kind === 'path')) missing.push({ name: 'path', text: '{path}', source: { kind: 'path' } });
  // Implied fields come first: the row starts with what identifies the run.
  return [...missing, ...all];
}
