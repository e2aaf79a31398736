import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { BLOCK_BEGIN, BLOCK_END, compileBlockLines, renderGitignore, splitGitignore } from '../../src/policy/block.js';
import { Classifier } from '../../src/policy/classifier.js';
import { parsePolicy } from '../../src/policy/load.js';
import { PROJECT_ROOT } from '../helpers/repo.js';

const preset = readFileSync(path.join(PROJECT_ROOT, 'policies', 'runs.yaml'), 'utf8');
const rules = (lines: string[]) => lines.filter((l) => l !== '' && !l.startsWith('#'));

describe('the .gitignore compiler', () => {
  it('compiles the default policy into a depth-wise allowlist with no rule that enters ignored folders', () => {
    const lines = rules(compileBlockLines(new Classifier(parsePolicy(preset))));
    expect(lines).toEqual([
      '!/runs/',
      '/runs/*',
      '!/runs/*/',
      '/runs/*/*',
      '!/runs/*/*/',
      '/runs/*/*/*',
      '!/runs/runs_manifest.json',
      '!/runs/*/*/metrics.json',
      '!/runs/*/*/metadata.json',
      '!/runs/*/*/commit.txt',
      '!/runs/*/*/*.md',
      '/runs/*/*/*/',
      '/runs/*/*/**/workspace/',
      '/runs/*/*/**/artifacts/',
      '/runs/*/*/**/*.tar.gz',
      '/runs/*/*/**/*.zip',
      '/runs/*/*/**/*.log',
      'secrets.json',
      '.env',
      '*.pem',
    ]);
    expect(lines.some((l) => l.startsWith('!') && l.includes('**'))).toBe(false);
  });

  it('re-includes the folders of nested track patterns level by level, and whole tracked folders last', () => {
    const policy = parsePolicy(
      'version: 1\nroots:\n  - path: wandb\n    run: "run-*-{run_id}"\n    track: [files/config.yaml, "files/*.json", _sources/]\n    ignore: [files/media/]\n',
    );
    expect(rules(compileBlockLines(new Classifier(policy)))).toEqual([
      '!/wandb/',
      '/wandb/*',
      '!/wandb/run-*-*/',
      '/wandb/run-*-*/*',
      '!/wandb/run-*-*/files/',
      '/wandb/run-*-*/files/*',
      '!/wandb/run-*-*/files/config.yaml',
      '!/wandb/run-*-*/files/*.json',
      '/wandb/run-*-*/files/*/',
      '!/wandb/run-*-*/_sources/',
      '!/wandb/run-*-*/_sources/**',
      '/wandb/run-*-*/files/media/',
    ]);
  });

  it('tracks files above run depth (root_track) and re-excludes folders named like them', () => {
    const policy = parsePolicy(
      'version: 1\nroots:\n  - path: .runs\n    run: "{task}/cli/{run}"\n    track: [manifest.json]\n    root_track: ["*/metrics.json"]\n    manifest: index.json\n',
    );
    expect(rules(compileBlockLines(new Classifier(policy)))).toEqual([
      '!/.runs/',
      '/.runs/*',
      '!/.runs/*/',
      '/.runs/*/*',
      '!/.runs/*/cli/',
      '/.runs/*/cli/*',
      '!/.runs/*/cli/*/',
      '/.runs/*/cli/*/*',
      '!/.runs/index.json',
      '!/.runs/*/metrics.json',
      '!/.runs/*/cli/*/manifest.json',
      '/.runs/*/*/',
      '!/.runs/*/cli/',
      '/.runs/*/cli/*/*/',
    ]);
  });

  it('appends the block after the user lines and keeps every one of them', () => {
    const lines = ['node_modules/', '*.log', '', '# mine', '!important.log'];
    const text = renderGitignore(splitGitignore(lines.join('\n')), ['/x']);
    expect(text).toBe(`${lines.join('\n')}\n\n${BLOCK_BEGIN}\n/x\n${BLOCK_END}\n`);
  });

  it('replaces the block in place, leaving lines before and after it untouched, and is idempotent', () => {
    const before = 'a\r\n\r\n';
    const original = `${before}${BLOCK_BEGIN}\r\n/old\r\n${BLOCK_END}\r\nafter-1\r\n!after-2\r\n`;
    const once = renderGitignore(splitGitignore(original), ['/new']);
    expect(once).toBe(`${before}${BLOCK_BEGIN}\r\n/new\r\n${BLOCK_END}\r\nafter-1\r\n!after-2\r\n`);
    expect(renderGitignore(splitGitignore(once), ['/new'])).toBe(once);
  });

  it('refuses a block that lost a marker, naming the line', () => {
    expect(() => splitGitignore(`a\n${BLOCK_BEGIN}\n/x\n`)).toThrow(ConfigError);
    expect(() => splitGitignore(`a\n${BLOCK_BEGIN}\n/x\n`)).toThrow(/\.gitignore:2:1/);
    expect(() => splitGitignore(`${BLOCK_BEGIN}\n${BLOCK_END}\n${BLOCK_BEGIN}\n${BLOCK_END}\n`)).toThrow(/second/);
  });
});
