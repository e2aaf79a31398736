// audit against files of known sizes, real sparse files and symbolic links, and real git history.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { makeScratch, openTestRepo, PROJECT_ROOT, putCliOnPath, runCli, type TestRepo, withGeneratedRepo, withGitRepo } from '../helpers/repo.js';
import { type MergedWalk, mergeOutputs, type RunResult, type RunTask, walkNext, Walker } from '../../src/audit/audit.js';
import { Classifier } from '../../src/policy/classifier.js';
import { parsePolicy } from '../../src/policy/load.js';

const SPARSE = 5 * 1024 * 1024;
const bucket = () => ({ files: 0, links: 0, bytes: 0, allocated: 0 });
const allocatedOf = (repo: TestRepo, ...files: string[]) => files.reduce((sum, f) => sum + lstatSync(path.join(repo.dir, f)).blocks * 512, 0);

/** A small repository whose every size the test knows. */
function writeKnownTree(repo: TestRepo): void {
  repo.write({
    'runs/fw/r1/metrics.json': 'm'.repeat(100),
    'runs/fw/r1/notes.md': 'n'.repeat(50),
    'runs/fw/r1/run.log': 'l'.repeat(3000),
    'runs/fw/r1/workspace/a.py': 'a'.repeat(700),
    'runs/fw/r1/workspace/sub/b.py': 'b'.repeat(300),
    'runs/fw/r1/workspace/sub/.env': 'e'.repeat(9), // never, deep inside an ignored folder
    'runs/fw/r1/artifacts/model.bin': 'PK',
    'runs/other/r2/metrics.json': 'm'.repeat(10),
    'runs/other/r2/big.md': 'b'.repeat(900),
    'runs/other/r2/secrets.json': 's'.repeat(20),
    'runs/other/r2/run.tar.gz': 't'.repeat(1000),
    'runs/runs_manifest.json': 'x'.repeat(30),
    'runs/stray.txt': 'y'.repeat(5),
  });
  truncateSync(path.join(repo.dir, 'runs/fw/r1/artifacts/model.bin'), SPARSE);
  // Links: out of the repository, to itself, and to a folder above (a loop if it were followed).
  symlinkSync('/etc/passwd', path.join(repo.dir, 'runs/fw/r1/link-out'));
  symlinkSync('loop', path.join(repo.dir, 'runs/fw/r1/workspace/loop'));
  symlinkSync('..', path.join(repo.dir, 'runs/fw/r1/workspace/sub/up'));
}

const LIMITS_LINE = /^limits: .*$/m;

describe('audit', () => {
  it('sizes every file by the policy, apparent and allocated, counting links without following them', () =>
    withGitRepo((repo) => {
      putCliOnPath(repo); // commits go through the installed hook, as for a user
      writeKnownTree(repo);
      expect(repo.cli('init').code).toBe(0);
      const policyFile = path.join(repo.dir, 'artifacts.policy.yaml');
      const policy = execFileSync('cat', [policyFile], { encoding: 'utf8' });
      writeFileSync(policyFile, policy.replace(LIMITS_LINE, 'limits: { file: 1KB, repo_file: 50MB, run: 1KB }'));

      const result = repo.cli('audit', '--json', '--top', '2');
      expect(result.stderr).toMatch(/warning: 2 files matching `never` are on disk/);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout);
      const r1 = report.runs.find((r: { path: string }) => r.path === 'runs/fw/r1');
      const r2 = report.runs.find((r: { path: string }) => r.path === 'runs/other/r2');
      expect(report.runs).toHaveLength(2);

      expect(r1.fields).toEqual({ framework: 'fw', run_id: 'r1' });
      expect(r1.tracked).toEqual({ files: 2, links: 0, bytes: 150, allocated: allocatedOf(repo, 'runs/fw/r1/metrics.json', 'runs/fw/r1/notes.md') });
      const r1Ignored = ['run.log', 'workspace/a.py', 'workspace/sub/b.py', 'artifacts/model.bin', 'link-out', 'workspace/loop', 'workspace/sub/up'];
      expect(r1.ignored).toEqual({
        files: 7,
        links: 3,
        bytes: 3000 + 700 + 300 + SPARSE + '/etc/passwd'.length + 'loop'.length + '..'.length,
        allocated: allocatedOf(repo, ...r1Ignored.map((f) => `runs/fw/r1/${f}`)),
      });
      // The sparse file's apparent size is counted in bytes, but it takes almost no disk.
      expect(r1.ignored.allocated).toBeLessThan(SPARSE / 4);
      expect(r1.never).toMatchObject({ files: 1, bytes: 9 });
      expect(r1.ratio).toBeCloseTo(r1.ignored.bytes / 150);

      expect(r2.tracked).toMatchObject({ files: 2, bytes: 910 });
      expect(r2.ignored).toMatchObject({ files: 1, bytes: 1000 });
      expect(r2.never).toMatchObject({ files: 1, bytes: 20 });

      const [root] = report.roots;
      expect(root).toMatchObject({ path: 'runs', exists: true, runs: 2 });
      expect(root.outsideRuns.tracked).toMatchObject({ files: 1, bytes: 30 }); // the manifest
      expect(root.outsideRuns.ignored).toMatchObject({ files: 1, bytes: 5 }); // a stray file
      expect(root.tracked.bytes).toBe(150 + 910 + 30);
      expect(root.projection100).toEqual({ tracked: Math.round(((150 + 910) / 2) * 100), ignored: Math.round(((r1.ignored.bytes + 1000) / 2) * 100) });
      expect(report.totals.tracked).toEqual(root.tracked);
      expect(report.totals.ignored).toEqual(root.ignored);
      expect(report.totals.never).toMatchObject({ files: 2, bytes: 29 });
      expect(report.never.map((f: { path: string }) => f.path)).toEqual(['runs/fw/r1/workspace/sub/.env', 'runs/other/r2/secrets.json']);

      expect(report.largestIgnoredFiles.map((f: { path: string }) => f.path)).toEqual(['runs/fw/r1/artifacts/model.bin', 'runs/fw/r1/run.log']);
      expect(report.largestIgnoredFolders).toEqual([
        expect.objectContaining({ path: 'runs/fw/r1/artifacts/', files: 1, bytes: SPARSE }),
        expect.objectContaining({ path: 'runs/fw/r1/workspace/', files: 4, bytes: 700 + 300 + 4 + 2 }),
      ]);
      // big.md (900 B) is over 80% of limits.file (1 KB); r2's tracked total (910 B) over 80% of limits.run.
      expect(report.nearLimits.map((n: { kind: string; path: string }) => [n.kind, n.path])).toEqual([
        ['run', 'runs/other/r2'],
        ['file', 'runs/other/r2/big.md'],
      ]);
    }));

  it('groups by a run pattern field, prints human tables, and refuses an unknown --by or --top', () =>
    withGitRepo((repo) => {
      putCliOnPath(repo); // commits go through the installed hook, as for a user
      writeKnownTree(repo);
      expect(repo.cli('init').code).toBe(0);
      const grouped = JSON.parse(repo.cli('audit', '--json', '--by', 'framework').stdout);
      expect(grouped.groups.map((g: { value: string; runs: number }) => [g.value, g.runs])).toEqual([
        ['fw', 1],
        ['other', 1],
      ]);
      expect(grouped.groups[1].tracked.bytes).toBe(910);

      const human = repo.cli('audit');
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/^root runs\/: 2 runs$/m);
      expect(human.stdout).toMatch(/^ {4}tracked +5 +1\.1 KB/m);
      expect(human.stdout).toMatch(/^ {4}ignored +9 \(3 links\) +5 MB/m);
      expect(human.stdout).toMatch(/tracked:ignored 1:\d/);
      expect(human.stdout).toContain('runs/fw/r1/artifacts/model.bin');
      expect(human.stdout).toMatch(/100 runs: .* in git, .* ignored on disk/);
      // Piped stderr: no progress line, only the never warning.
      expect(human.stderr).toBe('artifacts: warning: 2 files matching `never` are on disk: git ignores them; make sure nothing copies them elsewhere\n');
      // The bin answers the plain `audit [--json]` from dist/audit.js; any other spelling (here the defaults
      // spelled out) goes through clipanion: the same report, byte for byte.
      expect(repo.cli('audit', '--top', '10', '--by', 'run')).toEqual(human);
      const lean = repo.cli('audit', '--json');
      expect(lean.code).toBe(0);
      expect(JSON.parse(lean.stdout).runs).toHaveLength(2);
      expect(repo.cli('audit', '--json', '--top', '10')).toEqual(lean);

      const by = repo.cli('audit', '--by', 'model');
      expect(by.code).toBe(2);
      expect(by.stderr).toMatch(/--by model: group by "run" or "framework" or "run_id"/);
      expect(repo.cli('audit', '--top', '-1').code).toBe(2);
    }));

  it('weighs the roots in history: unique blobs from all refs, the biggest with the commit that added it', () =>
    withGitRepo((repo) => {
      // History as a repository without the hook made it (no manifest commits): every commit skips it.
      repo.write({ 'runs/fw/r1/metrics.json': '{}', 'runs/fw/r 1\nx/model.bin': 'z'.repeat(4000), 'README.md': 'r'.repeat(9000) });
      expect(repo.cli('init').code).toBe(0);
      repo.git('add', '-A');
      repo.git('add', '-f', '--', 'runs/fw/r 1\nx/model.bin');
      // The past mistake the history report is about: committed past the hook.
      repo.git('commit', '-q', '--no-verify', '-m', 'add');
      const added = repo.git('rev-parse', 'HEAD').trim();
      repo.write({ 'runs/fw/r 1\nx/model.bin': 'w'.repeat(3000) });
      repo.git('commit', '-q', '--no-verify', '-am', 'change');
      repo.git('rm', '-q', '--cached', '--', 'runs/fw/r 1\nx/model.bin');
      repo.git('commit', '-q', '--no-verify', '-m', 'untrack');
      // A blob only on another branch counts too.
      repo.git('checkout', '-q', '-b', 'side');
      repo.write({ 'runs/fw/r1/metrics.json': '{"a": 1}' });
      repo.git('commit', '-q', '--no-verify', '-am', 'side');
      repo.git('checkout', '-q', 'main');

      const report = JSON.parse(repo.cli('audit', '--json', '--history').stdout);
      const { history } = report;
      expect(history.blobs).toBe(4); // '{}', '{"a": 1}', 4000 z, 3000 w; README.md is outside the roots
      expect(history.bytes).toBe(2 + 8 + 4000 + 3000);
      expect(history.roots).toEqual([{ path: 'runs', blobs: 4, bytes: 7010 }]);
      expect(history.largest[0]).toMatchObject({ path: 'runs/fw/r 1\nx/model.bin', bytes: 4000, commit: added });
      expect(history.diskBytes).toBeGreaterThan(0);
      const human = repo.cli('audit', '--history');
      expect(human.stdout).toMatch(/history \(all refs\): 4 unique blobs under the roots, 6\.8 KB/);
      expect(human.stdout).toContain(added.slice(0, 12));
    }));

  it('on a generated repository, totals equal the bytes on disk split by what git add -A stages', async () => {
    return withGeneratedRepo({ runs: 250, workspaceFiles: 5, bigBytes: 300_000 }, async (repo) => {
      expect(repo.cli('init').code).toBe(0);
      repo.git('add', '-A');
      const staged = new Set(repo.gitZ('diff', '--cached', '--name-only', '-z', '--', 'runs'));
      // An independent walk: every file under runs/, split by git's own answer.
      const sums = { tracked: { files: 0, bytes: 0 }, ignored: { files: 0, bytes: 0 } };
      const walk = (rel: string) => {
        for (const entry of readdirSync(path.join(repo.dir, rel), { withFileTypes: true })) {
          const child = `${rel}/${entry.name}`;
          if (entry.isDirectory()) walk(child);
          else {
            const side = staged.has(child) ? sums.tracked : sums.ignored;
            side.files++;
            side.bytes += lstatSync(path.join(repo.dir, child)).size;
          }
        }
      };
      walk('runs');
      const report = JSON.parse(repo.cli('audit', '--json').stdout);
      expect(report.runs).toHaveLength(250);
      expect(report.totals.tracked).toMatchObject(sums.tracked);
      expect(report.totals.ignored).toMatchObject(sums.ignored);
      expect(report.totals.never.files).toBe(0);
      expect(report.runs.reduce((s: number, r: { ignored: { bytes: number } }) => s + r.ignored.bytes, 0)).toBe(sums.ignored.bytes);

      // Worker threads (250 runs: enough for them to take part) find exactly what one thread finds, ties in the
      // largest-of lists included (every run.log and run.tar.gz weighs --big-bytes). The built library (the
      // bundle), because the workers run dist/audit/worker.js.
      const dist = (file: string) => pathToFileURL(path.join(PROJECT_ROOT, 'dist', file)).href;
      const { runAudit, Classifier, loadPolicy } = (await import(dist('index.js'))) as typeof import('../../src/index.js');
      const classifier = new Classifier(await loadPolicy(repo.dir));
      const one = await runAudit(repo.dir, classifier, { threads: 1 });
      expect(one.largestIgnoredFiles.every((f) => f.bytes === 300000)).toBe(true);
      // This thread and a worker sharing the runs; a worker walking them all (whatever the machine's cores).
      expect(await runAudit(repo.dir, classifier, { threads: 2 })).toEqual(one);
      expect(await runAudit(repo.dir, classifier, { threads: 2, mainThreadWalks: false })).toEqual(one);
      expect(await runAudit(repo.dir, classifier, { threads: 3, mainThreadWalks: false, top: 3 })).toEqual(await runAudit(repo.dir, classifier, { threads: 1, top: 3 }));
      // The CLI, with as many threads as the machine has cores, prints the same; from a subfolder too (its
      // paths are then relative to the working directory: ../../runs/...).
      expect(repo.cli('audit', '--json').stdout).toBe(`${JSON.stringify(one, null, 2)}\n`);
      expect(runCli(path.join(repo.dir, 'runs', 'baes'), repo.env, ['audit', '--json']).stdout).toBe(`${JSON.stringify(one, null, 2)}\n`);
      expect(one.totals).toMatchObject({ tracked: sums.tracked });
    });
  });
});

describe('audit across threads', () => {
  const POLICY = `version: 1
roots:
  - path: runs
    run: "{framework}/{run_id}"
    track: [metrics.json]
    ignore: [workspace/, "*.log"]
never: [secrets.json, .env]
limits: { file: 1KB, repo_file: 50MB, run: 5MB }
`;

  it('walkers sharing the run folders find what one walker finds, however they interleave', () => {
    const scratch = makeScratch();
    try {
      // Every run weighs the same (ties everywhere), holds never files (more than NEVER_LISTED in all), and
      // three run folders vanish before they are walked (a warning each, from their place in run order).
      const files: Record<string, string> = { 'runs/stray.log': 'x'.repeat(100) };
      for (let i = 0; i < 40; i++) {
        const run = `runs/${i % 2 ? 'b' : 'a'}/r${String(i).padStart(2, '0')}`;
        files[`${run}/metrics.json`] = '{}';
        files[`${run}/run.log`] = 'x'.repeat(100);
        files[`${run}/secrets.json`] = 's';
        for (let j = 0; j < 30; j++) files[`${run}/workspace/d${j}/.env`] = 'e';
        files[`${run}/workspace/big.bin`] = 'x'.repeat(100);
      }
      openTestRepo(scratch.dir, scratch.home, scratch.env).write(files);
      const classifier = new Classifier(parsePolicy(POLICY));

      /** Walkers taking turns by `turns` (walker indexes, repeated), after the first walked the levels above. */
      const walk = (turns: number[]): MergedWalk => {
        const walkers = Array.from({ length: Math.max(...turns) + 1 }, () => new Walker(classifier, 3));
        const tasks: RunTask[] = [];
        (walkers[0] as Walker).walk(path.join(scratch.dir, 'runs'), 'runs', 0, 2, 'enter', { tracked: bucket(), ignored: bucket(), never: bucket() }, (dir, rel) =>
          tasks.push({ dir, rel, levels: 2 }),
        );
        for (const at of [0, 17, 39]) tasks.splice(at, 0, { dir: path.join(scratch.dir, `runs/a/gone${at}`), rel: `runs/a/gone${at}`, levels: 2 });
        const counters = new Int32Array(3);
        const found: RunResult[][] = walkers.map(() => []);
        for (let turn = 0; ; turn++) {
          const w = turns[turn % turns.length] as number;
          const result = walkNext(walkers[w] as Walker, tasks, counters);
          if (result === null) break;
          found[w]?.push(result);
        }
        return mergeOutputs(
          walkers.map((walker, i) => walker.output(found[i] ?? [])),
          3,
        );
      };
      const one = walk([0]);
      expect(one.runs).toHaveLength(43);
      expect(one.never).toHaveLength(1000);
      expect(one.largestIgnoredFiles.map((f) => f.path)).toEqual(['runs/stray.log', 'runs/a/r00/run.log', 'runs/a/r00/workspace/big.bin']);
      expect(one.warnings).toEqual(['gone0', 'gone17', 'gone39'].map((name) => expect.stringContaining(`runs/a/${name}/`)));
      for (const turns of [[0, 1], [1, 0, 0], [1, 1, 1, 0], [0, 1, 2, 2]]) expect(walk(turns)).toEqual(one);
    } finally {
      scratch.cleanup();
    }
  });
});

describe('audit edge cases', () => {
  it('reports a missing root and still exits 0', () =>
    withGitRepo((repo) => {
      putCliOnPath(repo); // commits go through the installed hook, as for a user
      expect(repo.cli('init').code).toBe(0);
      mkdirSync(path.join(repo.dir, 'elsewhere'));
      const result = repo.cli('audit');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/root runs\/: the root folder runs\/ does not exist yet/);
      expect(JSON.parse(repo.cli('audit', '--json').stdout).roots[0]).toMatchObject({ exists: false, runs: 0 });
    }));
});
