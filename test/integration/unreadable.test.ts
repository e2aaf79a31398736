// Folders the tool cannot read and symbolic links that loop: reported, never fatal, never followed.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, withGitRepo, type CliResult, type TestRepo } from '../helpers/repo.js';

const MANIFEST = 'runs/runs_manifest.json';
const NOBODY = 65534;

/**
 * The CLI as a user the file modes apply to. Tests run as root in CI, and root reads a mode-000 folder
 * anyway, so as root the CLI runs as nobody (uid 65534) through setpriv (util-linux), with the repository
 * and its private HOME handed to that user; the folders made unreadable deny their owner as well. Not as
 * root, the CLI runs as the current user, whom mode 000 denies already. No way to drop privileges as root
 * fails the test rather than skipping it.
 */
function unprivileged(repo: TestRepo): (...args: string[]) => CliResult {
  if (process.getuid?.() !== 0) return (...args) => runCli(repo.dir, repo.env, args);
  const setpriv = spawnSync('setpriv', ['--version']);
  if (setpriv.error) throw new Error('running as root, these tests need setpriv (util-linux) to run the CLI as an unprivileged user');
  const base = path.dirname(repo.dir); // the scratch folder holding the repository and its HOME
  execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, base]);
  return (...args) => {
    const result = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, BIN, ...args], {
      cwd: repo.dir,
      env: repo.env,
      encoding: 'utf8',
    });
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  };
}

describe('unreadable folders', () => {
  it('audit, check and the manifest report a permission-denied folder with its path and go on with the rest', () =>
    withGitRepo((repo) => {
      repo.write({
        'runs/fw/r1/metrics.json': '{"total_tokens_in": 1}\n',
        'runs/fw/r1/workspace/a.py': 'x'.repeat(100),
        'runs/fw/r2/metrics.json': '{"total_tokens_in": 2}\n',
        'runs/fw/r3/metrics.json': '{"total_tokens_in": 3}\n',
        'runs/fw/r3/workspace/b.py': 'y'.repeat(50),
        'runs/other/r9/metrics.json': '{"total_tokens_in": 9}\n',
      });
      expect(repo.cli('init', '--no-hook').code).toBe(0);
      repo.git('add', '-A');
      repo.git('commit', '-q', '-m', 'runs');
      expect(repo.cli('manifest', 'rebuild', '--worktree').code).toBe(0);
      const as = unprivileged(repo);
      // A run folder, a workspace inside a run, and a whole framework folder.
      for (const folder of ['runs/fw/r2', 'runs/fw/r3/workspace', 'runs/other']) chmodSync(path.join(repo.dir, folder), 0o000);
      try {
        // The unprivileged user is really denied (else this test proves nothing).
        expect(as('manifest', 'update', 'runs/fw/r2').stderr).toContain('cannot read runs/fw/r2/ (EACCES)');

        const audit = as('audit', '--json');
        expect(audit.code, audit.stderr).toBe(0);
        const report = JSON.parse(audit.stdout);
        expect(report.warnings.sort()).toEqual([
          'cannot read runs/fw/r2/ (EACCES): its files are not counted',
          'cannot read runs/fw/r3/workspace/ (EACCES): its files are not counted',
          'cannot read runs/other/ (EACCES): its files are not counted',
        ]);
        const r1 = report.runs.find((r: { path: string }) => r.path === 'runs/fw/r1');
        expect(r1.ignored).toMatchObject({ files: 1, bytes: 100 });
        expect(r1.tracked).toMatchObject({ files: 1 });
        expect(report.runs.find((r: { path: string }) => r.path === 'runs/fw/r3').tracked).toMatchObject({ files: 1 });

        const check = as('check', '--json');
        expect(check.code, check.stderr).toBe(0);
        const checked = JSON.parse(check.stdout);
        expect(checked.ok).toBe(true);
        // git's own words, naming the folders it could not open (the ignored workspace it never enters).
        expect(checked.warnings.join('\n')).toMatch(/runs\/fw\/r2\/'?: Permission denied/);
        expect(checked.warnings.join('\n')).toMatch(/runs\/other\/'?: Permission denied/);
        expect(check.stderr).toContain('warning: git: could not open directory');

        // An update leaves the unreadable run's row as it was and updates the rest.
        const before = JSON.parse(readFileSync(path.join(repo.dir, MANIFEST), 'utf8')).runs;
        repo.write({ 'runs/fw/r1/metrics.json': '{"total_tokens_in": 100}\n' });
        const update = as('manifest', 'update', 'runs/fw/r1', 'runs/fw/r2');
        expect(update.code, update.stderr).toBe(0);
        expect(update.stderr).toContain('cannot read runs/fw/r2/ (EACCES)');
        const updated = JSON.parse(readFileSync(path.join(repo.dir, MANIFEST), 'utf8')).runs;
        expect(updated.find((r: { path: string }) => r.path === 'fw/r1').total_tokens_in).toBe(100);
        expect(updated.find((r: { path: string }) => r.path === 'fw/r2')).toEqual(before.find((r: { path: string }) => r.path === 'fw/r2'));

        // A rebuild from the work tree leaves the unreadable runs out, says which, and writes the rest.
        const rebuild = as('manifest', 'rebuild', '--worktree');
        expect(rebuild.code, rebuild.stderr).toBe(0);
        expect(rebuild.stderr).toContain('cannot read runs/fw/r2/ (EACCES)');
        expect(rebuild.stderr).toContain('cannot read runs/other/ (EACCES)');
        const rows = JSON.parse(readFileSync(path.join(repo.dir, MANIFEST), 'utf8')).runs;
        expect(rows.map((r: { path: string }) => r.path)).toEqual(['fw/r1', 'fw/r3']);
      } finally {
        for (const folder of ['runs/fw/r2', 'runs/fw/r3/workspace', 'runs/other']) chmodSync(path.join(repo.dir, folder), 0o755);
      }
    }));
});

describe('symbolic link loops in a run folder', () => {
  it('a -> b, b -> a, a link to the parent folder and to the run itself: counted as links, never followed; every command ends', () =>
    withGitRepo((repo) => {
      repo.write({ 'runs/fw/r1/metrics.json': '{"total_tokens_in": 1}\n', 'runs/fw/r1/workspace/w.py': 'w' });
      const run = path.join(repo.dir, 'runs/fw/r1');
      symlinkSync('b', path.join(run, 'a'));
      symlinkSync('a', path.join(run, 'b'));
      symlinkSync('..', path.join(run, 'up'));
      symlinkSync('.', path.join(run, 'workspace/here'));
      // A tracked name that is a loop: not a file, so no row is read from it.
      symlinkSync('metadata.json', path.join(run, 'metadata.json'));
      expect(repo.cli('init', '--no-hook').code).toBe(0);
      const bounded = (...args: string[]) => {
        const result = spawnSync(process.execPath, [BIN, ...args], { cwd: repo.dir, env: repo.env, encoding: 'utf8', timeout: 60_000 });
        expect(result.signal, `artifacts ${args.join(' ')} did not end`).toBeNull();
        return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
      };

      const audit = bounded('audit', '--json');
      expect(audit.code, audit.stderr).toBe(0);
      const r1 = JSON.parse(audit.stdout).runs.find((r: { path: string }) => r.path === 'runs/fw/r1');
      // a, b, up and workspace/here are ignored links; metadata.json is a tracked name (a link git would store).
      expect(r1.ignored).toMatchObject({ files: 5, links: 4, bytes: 'b'.length + 'a'.length + '..'.length + '.'.length + 1 });
      expect(r1.tracked).toMatchObject({ files: 2, links: 1, bytes: '{"total_tokens_in": 1}\n'.length + 'metadata.json'.length });

      const check = bounded('check');
      expect(check.code, check.stdout + check.stderr).toBe(0);
      const rebuild = bounded('manifest', 'rebuild', '--worktree');
      expect(rebuild.code, rebuild.stderr).toBe(0);
      expect(JSON.parse(readFileSync(path.join(repo.dir, MANIFEST), 'utf8')).runs).toMatchObject([{ path: 'fw/r1', total_tokens_in: 1 }]);
      // A snapshot takes the links as links (git stores the target text, a few bytes), not what they point to.
      const snapshot = bounded('snapshot', '--dry-run', 'runs/fw/r1');
      expect(snapshot.code, snapshot.stderr).toBe(0);
      expect(snapshot.stdout).toMatch(/runs\/fw\/r1\/up +2 B\n/);
      expect(snapshot.stdout).toContain('total: 5 files, 40 B');
      // git agrees: the loops are links to git too, and only the tracked names would be added.
      repo.git('add', '-A');
      expect(repo.staged('runs')).toEqual(['runs/fw/r1/metadata.json', 'runs/fw/r1/metrics.json', MANIFEST]);
    }));
});
