import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parsePolicy } from '../../src/policy/load.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

const preset = readFileSync(path.join(PROJECT_ROOT, 'policies', 'runs.yaml'), 'utf8');

function errorOf(text: string): ConfigError {
  try {
    parsePolicy(text, 'artifacts.policy.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the policy was accepted');
}

describe('policy loading', () => {
  it('reads the default preset: roots, patterns, manifest, never and limits in powers of 1024', () => {
    const policy = parsePolicy(preset);
    expect(policy.roots).toHaveLength(1);
    const [root] = policy.roots;
    expect(root?.path).toBe('runs');
    expect(root?.run.map((s) => s.capture)).toEqual(['framework', 'run_id']);
    expect(root?.track.map((p) => p.text)).toEqual(['metrics.json', 'metadata.json', 'commit.txt', '*.md']);
    expect(root?.ignore.map((p) => p.text)).toEqual(['workspace/', 'artifacts/', '*.tar.gz', '*.zip', '*.log']);
    expect(root?.manifest).toBe('runs_manifest.json');
    expect(policy.never.map((p) => p.text)).toEqual(['secrets.json', '.env', '*.pem']);
    expect(policy.limits).toEqual({ file: 1024 ** 2, repoFile: 50 * 1024 ** 2, run: 5 * 1024 ** 2 });
  });

  it('names file, line, column and key for an unknown key, and suggests the nearest one', () => {
    const error = errorOf(preset.replace('    track:', '    trak:'));
    expect(error.location).toMatchObject({ file: 'artifacts.policy.yaml', line: 7, column: 5, key: 'roots[0].trak' });
    expect(error.message).toMatch(/^artifacts\.policy\.yaml:7:5: roots\[0\]\.trak: unknown key "trak" \(did you mean "track"\?\)/);
  });

  it('points at the offending list item for a pattern outside the dialect', () => {
    const error = errorOf(preset.replace('"*.md"', '"{a,b}.md"'));
    expect(error.location.key).toBe('roots[0].track[3]');
    expect(error.location.line).toBe(7);
    expect(error.message).toMatch(/brace expansion/);
  });

  it('reports YAML syntax errors with their position', () => {
    const error = errorOf('version: 1\nroots: [\n');
    expect(error.location.line).toBeGreaterThanOrEqual(2);
    expect(error.message).toMatch(/invalid YAML/);
  });

  it.each([
    ['version: 2\nroots: [{path: runs, run: "{id}"}]\n', 'version', /unsupported version 2/],
    ['version: 1\n', 'roots', /missing/],
    ['version: 1\nroots: []\n', 'roots', /non-empty/],
    ['version: 1\nroots: [{path: runs}]\n', 'roots[0].run', /missing "run"/],
    ['version: 1\nroots: [{path: 3, run: "{id}"}]\n', 'roots[0].path', /must be a folder/],
    ['version: 1\nroots: [{path: "run*", run: "{id}"}]\n', 'roots[0].path', /plain path/],
    ['version: 1\nroots: [{path: runs, run: "{id}", track: metrics.json}]\n', 'roots[0].track', /list of patterns/],
    ['version: 1\nroots: [{path: runs, run: "{id}", manifest: "a/m.json"}]\n', 'roots[0].manifest', /file name/],
    ['version: 1\nroots: [{path: runs, run: "{id}"}, {path: runs/sub, run: "{id}"}]\n', 'roots[1].path', /overlaps/],
    ['version: 1\nroots: [{path: ../up, run: "{id}"}]\n', 'roots[0].path', /outside/],
    ['version: 1\nroots: [{path: runs, run: "{id}"}]\nlimits: {file: huge}\n', 'limits.file', /not a size/],
    ['version: 1\nroots: [{path: runs, run: "{id}"}]\nlimits: {fiel: 1MB}\n', 'limits.fiel', /did you mean "file"/],
    ['- just\n- a list\n', '', /must be a mapping/],
    ['version: 1\nroots: [{path: runs, run: "{id}", root_track: ["a/b.json"]}]\n', 'roots[0].root_track[0]', /inside the run folders/],
    ['version: 1\nroots: [{path: runs, run: "{t}/{id}", root_track: ["*/"]}]\n', 'roots[0].root_track[0]', /names a folder/],
  ])('refuses %j at key %s', (text, key, reason) => {
    const error = errorOf(text);
    expect(error.location.key).toBe(key);
    expect(error.message).toMatch(reason);
    expect(error.location.line).toBeGreaterThanOrEqual(1);
  });

  it('accepts sizes as bytes or with KB/MB/GB (and KiB spellings)', () => {
    const policy = parsePolicy('version: 1\nroots: [{path: runs, run: "{id}"}]\nlimits: {file: 512KB, repo_file: 2GiB, run: 4096}\n');
    expect(policy.limits).toEqual({ file: 512 * 1024, repoFile: 2 * 1024 ** 3, run: 4096 });
  });
});
