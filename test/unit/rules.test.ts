// The hook's rules engine and the raw-diff parser, as pure functions (the integration tests prove them
// through real commits).
import { describe, expect, it } from 'vitest';
import { judge, runTotals, touchedRuns } from '../../src/core/rules.js';
import { normaliseRange } from '../../src/core/range.js';
import { parseRaw } from '../../src/git/staged.js';
import { Classifier } from '../../src/policy/classifier.js';
import { parsePolicy } from '../../src/policy/load.js';
import { smallLimitsPolicy } from '../helpers/universe.js';

const classifier = new Classifier(parsePolicy(smallLimitsPolicy(1, 2, 3)));

describe('parseRaw', () => {
  const zero = '0'.repeat(40);
  const a = 'a'.repeat(40);
  const b = 'b'.repeat(40);
  it('reads renames as (old, new), keeps newlines in names, and drops deletions and unmerged paths', () => {
    const raw = [
      `:100644 100644 ${a} ${b} R087`, 'old\nname', 'new name',
      `:100644 000000 ${a} ${zero} D`, 'gone',
      `:000000 100644 ${zero} ${b} A`, 'added',
      `:100644 100644 ${zero} ${zero} U`, 'conflict',
      `:160000 160000 ${a} ${b} M`, 'sub',
      '',
    ].join('\0');
    expect(parseRaw(Buffer.from(raw))[0]?.changes).toEqual([
      { status: 'R', path: 'new name', oldPath: 'old\nname', mode: '100644', oid: b },
      { status: 'A', path: 'added', mode: '100644', oid: b },
      { status: 'M', path: 'sub', mode: '160000', oid: b },
    ]);
    expect(parseRaw(Buffer.from(raw))[0]?.unmerged).toEqual(['conflict']);
  });
  it('groups diff-tree --stdin output by commit, even when a path looks like an object id', () => {
    const raw = [a, `:000000 100644 ${zero} ${b} A`, b, b, `:000000 100644 ${zero} ${a} A`, 'x', ''].join('\0');
    expect(parseRaw(Buffer.from(raw), true)).toEqual([
      { commit: a, changes: [{ status: 'A', path: b, mode: '100644', oid: b }], removed: [], unmerged: [] },
      { commit: b, changes: [{ status: 'A', path: 'x', mode: '100644', oid: a }], removed: [], unmerged: [] },
    ]);
  });
});

describe('judge', () => {
  it('applies limits.file under a root and limits.repo_file elsewhere, and flags never and ignored paths', () => {
    const findings = judge(
      classifier,
      [
        { path: 'runs/fw/r1/metrics.json', size: 1025, existed: false },
        { path: 'runs/fw/r1/ok.md', size: 1024, existed: false },
        { path: 'data/x.bin', size: 2048, existed: false },
        { path: 'data/y.bin', size: 2049, existed: true },
        { path: 'a/secrets.json', oldPath: 'a/settings.json', size: 3, existed: false },
        { path: 'runs/fw/r1/run.log', size: 3, existed: false },
        { path: 'vendor/sub', existed: false }, // a submodule: no blob, no size
      ],
      [],
    );
    expect(findings.map((f) => [f.kind, f.path, f.limitKey ?? null])).toEqual([
      ['never', 'a/secrets.json', null],
      ['ignored', 'runs/fw/r1/run.log', null],
      ['too-large', 'data/y.bin', 'limits.repo_file'],
      ['too-large', 'runs/fw/r1/metrics.json', 'limits.file'],
    ]);
    expect(findings[0]?.oldPath).toBe('a/settings.json');
    expect(findings[2]?.fix).toContain('(keeps the committed version)');
  });

  it('exempts the run manifest from limits.file: it is ours and grows with the number of runs', () => {
    const withManifest = new Classifier(
      parsePolicy('version: 1\nroots:\n  - path: runs\n    run: "{framework}/{run_id}"\n    track: [metrics.json]\n    manifest: runs_manifest.json\nlimits: { file: 1KB }\n'),
    );
    const findings = judge(
      withManifest,
      [
        { path: 'runs/runs_manifest.json', size: 4 * 1024 * 1024, existed: true },
        { path: 'runs/fw/r1/metrics.json', size: 2048, existed: false },
      ],
      [],
    );
    expect(findings.map((f) => [f.kind, f.path])).toEqual([['too-large', 'runs/fw/r1/metrics.json']]);
  });

  it('totals only tracked files of the touched runs', () => {
    const entries = [{ path: 'runs/fw/r1/metrics.json' }, { path: 'README.md' }, { path: 'runs/fw/r2/a.md' }];
    const runs = touchedRuns(classifier, entries);
    expect(runs).toEqual(['runs/fw/r1', 'runs/fw/r2']);
    const totals = runTotals(
      classifier,
      runs,
      [
        { path: 'runs/fw/r1/metrics.json', size: 1000 },
        { path: 'runs/fw/r1/a.md', size: 1000 },
        { path: 'runs/fw/r1/b.md', size: 1100 },
        { path: 'runs/fw/r1/huge.log', size: 99999 },
        { path: 'runs/fw/r2/a.md', size: 10 },
      ],
      new Set(['runs/fw/r1/metrics.json', 'runs/fw/r1/b.md']),
    );
    expect(totals.map((t) => [t.runPath, t.total])).toEqual([['runs/fw/r1', 3100], ['runs/fw/r2', 10]]);
    const findings = judge(classifier, [], totals);
    expect(findings).toEqual([expect.objectContaining({ kind: 'run-too-large', path: 'runs/fw/r1', size: 3100, limit: 3072, paths: ['runs/fw/r1/b.md', 'runs/fw/r1/metrics.json'] })]);
  });
});

describe('normaliseRange', () => {
  it('keeps BASE..HEAD, reads an all-zero base as everything up to HEAD, refuses the rest', () => {
    expect(normaliseRange('origin/main..HEAD')).toBe('origin/main..HEAD');
    expect(normaliseRange(`${'0'.repeat(40)}..abc123`)).toBe('abc123');
    expect(() => normaliseRange('HEAD')).toThrow(/expected BASE\.\.HEAD/);
    expect(() => normaliseRange('--all..HEAD')).toThrow(/expected BASE\.\.HEAD/);
  });
});
