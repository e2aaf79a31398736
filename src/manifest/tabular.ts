// Two line-oriented field sources: the last non-empty row of a CSV file (Lightning's metrics.csv) and the
// last `timestamp value step` line of an MLflow metric file. Both report a malformed input with line:col
// (1-based), as the JSON and YAML sources do, and never throw.

export type TabularResult = { ok: true; value: unknown } | { ok: false; error: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cell as a manifest value: empty is null, a decimal number is a number, anything else stays text. */
export function cellValue(text: string): string | number | null {
  if (text === '') return null;
  if (NUMBER.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) return n;
  }
  return text;
}

interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * RFC 4180: fields separated by ',', records by LF or CRLF, a field may be quoted ("a, b"), a quote inside
 * a quoted field is doubled, and a quoted field may hold line breaks. A blank line is no record.
 */
export function parseCsv(text: string): { ok: true; records: CsvRecord[] } | { ok: false; error: string } {
  const records: CsvRecord[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  let fields: string[] = [];
  let field = '';
  let recordLine = 1;
  let recordHasContent = false;
  const fail = (l: number, c: number, problem: string) => ({ ok: false as const, error: `invalid CSV at ${l}:${c}: ${problem}` });
  const endRecord = () => {
    if (recordHasContent || fields.length > 0) records.push({ fields: [...fields, field], line: recordLine });
    fields = [];
    field = '';
    recordHasContent = false;
  };
  while (i < text.length) {
    const char = text[i] as string;
    if (!recordHasContent && fields.length === 0 && field === '') recordLine = line;
    if (char === '"') {
      if (field !== '') return fail(line, col, 'a quote inside an unquoted field (quote the whole field and double the quote)');
      const [startLine, startCol] = [line, col];
      i++;
      col++;
      let closed = false;
      while (i < text.length) {
        const c = text[i] as string;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            col += 2;
            continue;
          }
          i++;
          col++;
          closed = true;
          break;
        }
        if (c === '\n') {
          line++;
          col = 1;
        } else col++;
        field += c;
        i++;
      }
      if (!closed) return fail(startLine, startCol, 'a quoted field is never closed');
      recordHasContent = true;
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
        return fail(line, col, `unexpected ${JSON.stringify(next)} after a closing quote (expected ',' or the end of the line)`);
      }
      continue;
    }
    if (char === ',') {
      fields.push(field);
      field = '';
      recordHasContent = true;
      i++;
      col++;
      continue;
    }
    if (char === '\r' && text[i + 1] === '\n') {
      i++;
      continue;
    }
    if (char === '\n') {
      endRecord();
      i++;
      line++;
      col = 1;
      continue;
    }
    field += char;
    recordHasContent = true;
    i++;
    col++;
  }
  endRecord();
  return { ok: true, records };
}

/** The last non-empty row of a CSV file as { header: value }, or null when it has no row below the header. */
export function csvLastRow(text: string): TabularResult {
  const parsed = parseCsv(text);
  if (!parsed.ok) return parsed;
  const [header, ...rows] = parsed.records;
  const last = rows.at(-1);
  if (header === undefined || last === undefined) return { ok: true, value: null };
  if (last.fields.length !== header.fields.length) {
    return {
      ok: false,
      error: `invalid CSV at ${last.line}:1: the last row has ${last.fields.length} field${last.fields.length === 1 ? '' : 's'}, the header ${header.fields.length}`,
    };
  }
  const row: Record<string, string | number | null> = Object.create(null) as Record<string, string | number | null>;
  header.fields.forEach((name, i) => {
    if (!Object.hasOwn(row, name)) row[name] = cellValue(last.fields[i] as string);
  });
  return { ok: true, value: row };
}

/**
 * MLflow's file store writes one line per logged value to metrics/<name>: "timestamp value step"
 * (milliseconds, the value, the step; files of old versions have no step). The value of the last line.
 */
export function mlflowLastValue(text: string): TabularResult {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line.trim() === '') continue;
    const tokens = [...line.matchAll(/\S+/g)];
    const at = (k: number) => `${i + 1}:${(tokens[k]?.index ?? line.length) + 1}`;
    if (tokens.length < 2 || tokens.length > 3) {
      return { ok: false, error: `invalid MLflow metric at ${at(Math.min(tokens.length, 3))}: expected "timestamp value step", found ${tokens.length} value${tokens.length === 1 ? '' : 's'}` };
    }
    const [timestamp, value, step] = tokens.map((t) => t[0]);
    if (!/^\d+$/.test(timestamp as string)) return { ok: false, error: `invalid MLflow metric at ${at(0)}: the timestamp ${JSON.stringify(timestamp)} is not an integer` };
    if (step !== undefined && !/^-?\d+$/.test(step)) return { ok: false, error: `invalid MLflow metric at ${at(2)}: the step ${JSON.stringify(step)} is not an integer` };
    if (NUMBER.test(value as string)) return { ok: true, value: Number(value) };
    // MLflow writes non-finite values as Python prints them; JSON has no such numbers, so they stay text.
    if (/^[+-]?(nan|inf|infinity)$/i.test(value as string)) return { ok: true, value: value as string };
    return { ok: false, error: `invalid MLflow metric at ${at(1)}: the value ${JSON.stringify(value)} is not a number` };
  }
  return { ok: true, value: null };
}
