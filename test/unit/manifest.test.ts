import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { extractRow } from '../../src/manifest/extract.js';
import { buildState, canonicalRows, parseCanonical, renderManifest, spliceManifestBytes, spliceRows } from '../../src/manifest/format.js';
import { jsonErrorAt } from '../../src/manifest/json-error.js';
import { mergeManifestTexts } from '../../src/manifest/merge.js';
import { findRuns, parseCondition, prefilterOf } from '../../src/manifest/query.js';
import { readManifestRows } from '../../src/manifest/read.js';
import type { Row } from '../../src/manifest/types.js';
import { parsePolicy } from '../../src/policy/load.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

const preset = readFileSync(path.join(PROJECT_ROOT, 'policies', 'runs.yaml'), 'utf8');
const root = parsePolicy(preset).roots[0]!;

function errorOf(text: string): ConfigError {
  try {
    parsePolicy(text);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

const withFields = (fields: string) =>
  `version: 1\nroots:\n  - path: exp\n    run: "{model}/{seed}"\n    track: [log.jsonl, config.yaml, commit.txt, m.json]\n    manifest: m.json\n    fields:\n${fields}`;

describe('policy fields', () => {
  it('gives the default preset the seed schema, with frameworks counted', () => {
    expect(root.fields.map((f) => f.name)).toEqual(['run_id', 'framework', 'path', 'start_time', 'end_time', 'verification_status', 'total_tokens_in', 'total_tokens_out']);
    expect(root.counts).toEqual([{ key: 'frameworks', field: 'framework' }]);
  });

  it('reads every source form, and adds captures and path that the list leaves out, first', () => {
    const policy = parsePolicy(withFields('      loss: log.jsonl#last/loss\n      lr: config.yaml#/optimizer/lr\n      commit: commit.txt\n'));
    const [r] = policy.roots;
    expect(r!.fields.map((f) => [f.name, f.source.kind])).toEqual([
      ['model', 'capture'], ['seed', 'capture'], ['path', 'path'], ['loss', 'jsonl'], ['lr', 'yaml'], ['commit', 'line'],
    ]);
    expect(r!.counts).toEqual([]);
  });

  it.each([
    ['      x: "{nope}"\n', /roots\[0\]\.fields\.x: "\{nope\}" is not a capture of the run pattern: the captures are \{model\}, \{seed\}, \{path\}/],
    ['      x: notes.txt\n', /roots\[0\]\.fields\.x: reads notes\.txt, but the policy does not track it/],
    ['      x: log.jsonl#/loss\n', /a JSON Lines source reads the last record/],
    ['      x: config.yaml\n', /names a YAML file without a pointer/],
    ['      x: commit.txt#/a\n', /'#' selects inside/],
    ['      errors: commit.txt\n', /written by the manifest itself/],
    ['      path: commit.txt\n', /its source is "\{path\}"/],
    ['      x: m.json#a\n', /a JSON pointer starts with '\//],
  ])('refuses %j with file:line:col and key', (fields, message) => {
    const error = errorOf(withFields(fields));
    expect(error.message).toMatch(/^artifacts\.policy\.yaml:8:\d+: /);
    expect(error.message).toMatch(message);
  });

  it('refuses counts of an unknown field, with the known ones', () => {
    const error = errorOf(`${withFields('      c: commit.txt\n')}    counts: { models: modle }\n`);
    expect(error.message).toMatch(/roots\[0\]\.counts\.models: "modle" is not a field of this root; the fields are model, seed, path, c/);
  });
});

describe('row extraction', () => {
  const policy = parsePolicy(withFields('      loss: log.jsonl#last/loss\n      lr: config.yaml#/optimizer/lr\n      commit: commit.txt\n      name: m.json#/a~1b/0\n'));
  const r = policy.roots[0]!;
  const run = { runPath: 'exp/gpt/7', captures: { model: 'gpt', seed: '7' } };

  it('reads JSONL last records, YAML keys, first lines and escaped pointers; missing is null', () => {
    const files = new Map<string, Buffer | null>([
      ['log.jsonl', Buffer.from('{"loss": 3}\n{"loss": 1.5}\n\n')],
      ['config.yaml', Buffer.from('optimizer:\n  lr: 0.001\n')],
      ['commit.txt', Buffer.from('abc123\r\nsecond\n')],
      ['m.json', null],
    ]);
    expect(extractRow(r, run, files)).toEqual({
      row: { model: 'gpt', seed: '7', path: 'gpt/7', loss: 1.5, lr: 0.001, commit: 'abc123', name: null },
      warnings: [],
    });
  });

  it('records a malformed file with line:col in the row and warns once, leaving the other fields', () => {
    const files = new Map<string, Buffer | null>([
      ['log.jsonl', Buffer.from('{"loss": 3}\n{"loss": \n')],
      ['config.yaml', Buffer.from('optimizer: [\n')],
      ['commit.txt', Buffer.from('abc\n')],
      ['m.json', Buffer.from('{"a/b": ["x"]}')],
    ]);
    const { row, warnings } = extractRow(r, run, files);
    expect(row).toMatchObject({ loss: null, lr: null, commit: 'abc', name: 'x' });
    expect(row.errors).toEqual([expect.stringMatching(/^log\.jsonl: invalid JSON at 2:10: unexpected end of input/), expect.stringMatching(/^config\.yaml: invalid YAML at \d+:\d+: /)]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^exp\/gpt\/7\/log\.jsonl: invalid JSON at 2:10/);
  });

  it('locates JSON errors by line and column', () => {
    expect(jsonErrorAt('{\n  "a": 1,\n  "b": }')).toMatchObject({ line: 3, column: 8 });
    expect(jsonErrorAt('{"a": 1} x')).toMatchObject({ line: 1, column: 10, problem: expect.stringMatching(/after the value/) });
    expect(jsonErrorAt('{\n  "a": "tru')).toMatchObject({ line: 2, column: 12, problem: expect.stringMatching(/end of input inside a string/) });
  });
});

describe('the fixed layout', () => {
  const row = (n: number, extra: Partial<Row> = {}): Row => ({
    run_id: `r${n}`, framework: n % 2 ? 'baes' : 'chatdev', path: `${n % 2 ? 'baes' : 'chatdev'}/r${String(n).padStart(3, '0')}`,
    start_time: `2025-01-${String((n % 27) + 1).padStart(2, '0')}T00:00:00Z`, end_time: null, verification_status: 'verified',
    total_tokens_in: n * 10, total_tokens_out: n, ...extra,
  });

  it('splices changes to exactly the bytes of a full rebuild, including last_updated and counts', () => {
    let rows = Array.from({ length: 60 }, (_, i) => row(i));
    let state = buildState(root, rows);
    // A deterministic sequence of edits: removals (also of the row holding last_updated), additions, changes.
    for (let step = 0; step < 40; step++) {
      const changes = new Map<string, Row | null>();
      for (let k = 0; k < 1 + (step % 4); k++) {
        const n = (step * 37 + k * 11) % 90;
        const target = row(n);
        const exists = rows.some((r) => r.path === target.path);
        changes.set(target.path as string, exists && (step + k) % 3 === 0 ? null : row(n, { total_tokens_in: step, start_time: step % 5 === 0 ? '2026-01-01T00:00:00Z' : target.start_time }));
      }
      const text = renderManifest(root, state);
      const parsed = parseCanonical(root, text);
      expect(parsed).not.toBeNull();
      state = spliceRows(root, parsed!, changes)!;
      const bytes = spliceManifestBytes(root, Buffer.from(text), changes);
      rows = [...rows.filter((r) => !changes.has(r.path as string)), ...[...changes.values()].filter((r): r is Row => r !== null)];
      const rebuilt = renderManifest(root, buildState(root, rows));
      expect(renderManifest(root, state)).toBe(rebuilt);
      expect(bytes?.toString('utf8')).toBe(rebuilt);
    }
  });

  it('splices a file given as bytes exactly as the text path: multi-byte names, down to no rows and back', () => {
    const named = (n: number, extra: Partial<Row> = {}) => row(n, { path: `fw/ü実-${n} "q"`, run_id: `ü実-${n}`, ...extra });
    let rows = [named(1), named(2), named(3, { start_time: '2026-05-01T00:00:00Z' })];
    const steps: Array<Map<string, Row | null>> = [
      new Map([[named(3).path as string, named(3, { start_time: '2025-01-01T00:00:00Z' })]]), // the latest row gets older
      new Map([[named(1).path as string, null], [named(0).path as string, named(0)]]), // first row out, a new first row
      new Map(rows.map((r) => [r.path as string, null] as [string, null])).set(named(0).path as string, null), // every row out
      new Map([[named(9).path as string, named(9)]]), // from none to one
    ];
    let text = renderManifest(root, buildState(root, rows));
    for (const changes of steps) {
      const bytes = spliceManifestBytes(root, Buffer.from(text), changes);
      rows = [...rows.filter((r) => !changes.has(r.path as string)), ...[...changes.values()].filter((r): r is Row => r !== null)];
      const rebuilt = renderManifest(root, buildState(root, rows));
      expect(bytes?.toString('utf8')).toBe(rebuilt);
      text = rebuilt;
    }
    expect(JSON.parse(text).runs.map((r: Row) => r.run_id)).toEqual(['ü実-9']);
  });

  it('declines to splice a hand-edited file', () => {
    const text = renderManifest(root, buildState(root, [row(1), row(2)]));
    expect(parseCanonical(root, text)).not.toBeNull();
    expect(parseCanonical(root, text.replace('"total_runs": 2', '"total_runs": 3'))).toBeNull();
    expect(parseCanonical(root, JSON.stringify(JSON.parse(text), null, 2))).toBeNull();
    expect(parseCanonical(root, text.replace('"framework": "baes", ', ''))).toBeNull();
    const none = new Map<string, Row | null>();
    expect(spliceManifestBytes(root, Buffer.from(text), none)?.toString()).toBe(text);
    for (const edited of [text.replace('"total_runs": 2', '"total_runs": 3'), JSON.stringify(JSON.parse(text), null, 2), text.replace('"framework": "baes", ', ''), text.replace('},\n', '}\n'), `${text}\n`]) {
      expect(spliceManifestBytes(root, Buffer.from(edited), none)).toBeNull();
    }
  });

  it('merges rows by path: one-sided additions, deletions and changes; same-field changes conflict', () => {
    const base = renderManifest(root, buildState(root, [row(1), row(2), row(3)]));
    const ours = renderManifest(root, buildState(root, [row(1, { verification_status: 'failed' }), row(3, { total_tokens_in: 5 }), row(4)]));
    const theirs = renderManifest(root, buildState(root, [row(1), row(2), row(3, { total_tokens_out: 6 }), row(5)]));
    const merged = mergeManifestTexts(root, base, ours, theirs);
    expect(merged.conflicts).toEqual([]);
    const rows = JSON.parse(merged.text!).runs as Row[];
    expect(rows.map((r) => r.path)).toEqual([row(1), row(3), row(4), row(5)].map((r) => r.path as string).sort());
    expect(rows.find((r) => r.run_id === 'r3')).toMatchObject({ total_tokens_in: 5, total_tokens_out: 6 });
    expect(rows.find((r) => r.run_id === 'r1')).toMatchObject({ verification_status: 'failed' });
    const clash = mergeManifestTexts(root, base, ours, renderManifest(root, buildState(root, [row(1, { verification_status: 'pending' }), row(2), row(3)])));
    expect(clash.conflicts).toEqual([row(1).path]);
  });
});

describe('findRuns', () => {
  const rows: Row[] = [
    { path: 'a', framework: 'chatdev', verification_status: 'verified', total_tokens_in: 150000 },
    { path: 'b', framework: 'chatdev', verification_status: 'verified', total_tokens_in: 99999 },
    { path: 'c', framework: 'baes', verification_status: null, total_tokens_in: 200000 },
  ];
  it('filters numbers numerically, text as text, and null explicitly; sorts and limits', () => {
    expect(findRuns(rows, { where: ['framework=chatdev', 'verification_status=verified', 'total_tokens_in>=100000'] }).map((r) => r.path)).toEqual(['a']);
    expect(findRuns(rows, { where: ['verification_status=null'] }).map((r) => r.path)).toEqual(['c']);
    expect(findRuns(rows, { where: ['framework!=baes', 'framework~chat'] }).map((r) => r.path)).toEqual(['a', 'b']);
    expect(findRuns(rows, { sort: '-total_tokens_in', limit: 2 }).map((r) => r.path)).toEqual(['c', 'a']);
  });
});

describe('the prefilter of artifacts runs', () => {
  // Values JSON writes as they are and values it escapes, numbers, booleans, nested values, multi-byte text.
  const values = ['chatdev', 'baes', 'é実験', 'a"b', 'back\\slash', 'line\nbreak', 'tab\there', '😀 run', 100, 100.5, 0, true, false, null, { x: 1 }, ['chatdev']];
  const rows: Row[] = Array.from({ length: 48 }, (_, n) => ({
    run_id: `r${n}`,
    framework: values[n % values.length] ?? null,
    path: `f/r${String(n).padStart(3, '0')}`,
    start_time: `2025-01-${String((n % 27) + 1).padStart(2, '0')}T00:00:00Z`,
    end_time: null,
    verification_status: values[(n * 5) % values.length] ?? null,
    total_tokens_in: n * 50,
    total_tokens_out: values[(n * 3) % values.length] ?? null,
    ...(n % 7 === 3 ? { errors: ['metrics.json: invalid JSON at 1:2: unexpected end of input'] } : {}),
  }));
  const bytes = Buffer.from(renderManifest(root, buildState(root, rows)));
  const all = JSON.parse(bytes.toString('utf8')).runs as Row[];

  it('parses only rows that hold the needle, and never leaves out a row that passes', () => {
    const lines = canonicalRows(root, bytes);
    expect(lines?.length).toBe(rows.length);
    const texts = ['chatdev', 'chat', 'é実', '実験', 'a"b', 'back', '😀 run', '100', '100.5', 'true', 'null', 'x', 'r01', 'f/r00', '2025-01-0', ''];
    let prefiltered = 0;
    let selective = 0;
    for (const field of ['framework', 'verification_status', 'total_tokens_out', 'path', 'run_id', 'start_time']) {
      for (const op of ['=', '~', '!=', '>=']) {
        for (const text of texts) {
          const where = [parseCondition(`${field}${op}${text}`)!];
          const needle = prefilterOf(where);
          const expected = findRuns(all, { where });
          if (needle === null) continue;
          prefiltered++;
          const candidates = lines!.containing(needle).map((i) => JSON.parse(lines!.line(i)) as Row);
          if (candidates.length < rows.length / 2) selective++;
          expect(findRuns(candidates, { where }), `${field}${op}${text}`).toEqual(expected);
        }
      }
    }
    expect(prefiltered).toBeGreaterThan(40);
    expect(selective).toBeGreaterThan(prefiltered / 2);
  });

  it('takes no needle where the text is not written as it is, or = compares numbers or null', () => {
    for (const text of ['framework=a"b', 'framework~back\\', 'framework=line\nbreak', 'framework~😀', 'total_tokens_in=100', 'total_tokens_in=1e2', 'end_time=null', 'framework=', 'framework!=baes', 'total_tokens_in>=5']) {
      expect(prefilterOf([parseCondition(text)!]), text).toBeNull();
    }
    expect(prefilterOf([parseCondition('total_tokens_in>=5')!, parseCondition('framework=chatdev')!])).toBe('chatdev');
    expect(prefilterOf([parseCondition('framework~chat')!])).toBe('chat');
  });

  it('refuses a row line it parses that is not JSON as the whole file would be refused, naming the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'artifacts-rows-'));
    try {
      const file = path.join(dir, 'runs_manifest.json');
      writeFileSync(file, bytes.toString('utf8').replace('"run_id": "r0",', '"run_id": r0,')); // a chatdev row
      expect(() => readManifestRows(file, 'runs/runs_manifest.json', root, 'chatdev')).toThrow(/runs\/runs_manifest\.json/);
      writeFileSync(file, bytes);
      expect(readManifestRows(file, 'runs/runs_manifest.json', root, 'chatdev').total).toBe(rows.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads no file that is not in the fixed layout as rows', () => {
    expect(canonicalRows(root, Buffer.from(JSON.stringify({ version: '1.0', runs: rows }, null, 2)))).toBeNull();
    expect(canonicalRows(root, Buffer.from(bytes.toString('utf8').replace('"total_runs": 48', '"total_runs": 47')))).toBeNull();
  });
});
