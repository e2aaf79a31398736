import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parsePins, Pins } from '../../src/pins/pins.js';
import { parsePolicy } from '../../src/policy/load.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

const preset = readFileSync(path.join(PROJECT_ROOT, 'policies', 'runs.yaml'), 'utf8');
const texts = (patterns: { text: string }[]) => patterns.map((p) => p.text);

describe('the snapshot policy key', () => {
  it('reads the preset, a plain list, and falls back to everything but workspace/ when absent', () => {
    expect(texts(parsePolicy(preset).roots[0]?.snapshot.include ?? [])).toEqual(['**']);
    expect(texts(parsePolicy(preset).roots[0]?.snapshot.exclude ?? [])).toEqual(['workspace/', '*.tar.gz', '*.zip', '*.log']);
    const list = parsePolicy('version: 1\nroots: [{path: runs, run: "{id}", snapshot: ["results/*.jsonl", "*.md"]}]\n');
    expect(texts(list.roots[0]?.snapshot.include ?? [])).toEqual(['results/*.jsonl', '*.md']);
    expect(list.roots[0]?.snapshot.exclude).toEqual([]);
    const absent = parsePolicy('version: 1\nroots: [{path: runs, run: "{id}"}]\n');
    expect(texts(absent.roots[0]?.snapshot.include ?? [])).toEqual(['**']);
    expect(texts(absent.roots[0]?.snapshot.exclude ?? [])).toEqual(['workspace/']);
  });

  it.each([
    ['snapshot: 3', 'roots[0].snapshot', /must be a list of patterns or \{ include/],
    ['snapshot: { includ: ["**"] }', 'roots[0].snapshot.includ', /unknown key "includ" \(did you mean "include"\?\)/],
    ['snapshot: { exclude: [a] }', 'roots[0].snapshot.include', /missing "include"/],
    ['snapshot: ["{a,b}"]', 'roots[0].snapshot[0]', /brace expansion/],
  ])('refuses %s with its key', (line, key, message) => {
    try {
      parsePolicy(`version: 1\nroots:\n  - path: runs\n    run: "{id}"\n    ${line}\n`);
      expect.unreachable('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).location.key).toBe(key);
      expect((error as ConfigError).location.line).toBe(5);
      expect((error as Error).message).toMatch(message);
    }
  });

  it("still refuses '**' alone outside snapshot", () => {
    expect(() => parsePolicy('version: 1\nroots: [{path: runs, run: "{id}", ignore: ["**"]}]\n')).toThrow(/would match everything/);
  });
});

describe('pins', () => {
  it('serializes deterministically, sorted, one path per line, and answers isPinned', () => {
    const pins = new Pins().with({ name: 'b', runs: ['runs/x'], paths: ['runs/x/z.log', 'runs/x/a.log', 'runs/x/a.log'] });
    const text = pins.serialize();
    expect(text).toBe(
      '{\n  "version": 1,\n  "snapshots": [\n    {\n      "name": "b",\n      "runs": [\n        "runs/x"\n      ],\n      "paths": [\n        "runs/x/a.log",\n        "runs/x/z.log"\n      ]\n    }\n  ]\n}\n',
    );
    const again = parsePins(text);
    expect(again.serialize()).toBe(text);
    expect(again.isPinned('runs/x/a.log')).toBe(true);
    expect(again.isPinned('runs/x')).toBe(false);
    expect(again.with({ name: 'b', runs: [], paths: ['q'] }).size).toBe(1); // same name replaces
  });

  it.each([['nope', /malformed/], ['[]', /not a JSON object/], ['{"version":1,"snapshots":[{"name":"","runs":[],"paths":[]}]}', /name must be/]])(
    'refuses %s',
    (text, message) => {
      expect(() => parsePins(text)).toThrow(message);
    },
  );
});
