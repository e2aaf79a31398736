// SIGKILL at chosen moments: a seeded schedule of kill delays spread over a command's normal lifetime, a
// fresh copy of the repository for every kill, and the checks that must hold whatever moment the kill hit.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { parseDocument } from 'yaml';
import { BIN, openTestRepo, type CliResult, type TestRepo } from './repo.js';
import { prng } from './universe.js';

/**
 * `count` kill delays in milliseconds from 0 to `duration` (the command's measured normal run time): the
 * first is 0 (killed before it did anything), the others one in each of the equal slices of (0, duration],
 * at a seeded random place in the slice, so that kills land in every phase of the run.
 */
export function killDelays(seed: number, count: number, duration: number): number[] {
  const rand = prng(seed);
  const delays = [0];
  for (let k = 1; k < count; k++) delays.push(Math.round((duration * (k - 1 + rand())) / (count - 1)));
  return delays;
}

/** Waits until no process is left in the process group `pgid` (git children a killed CLI left behind). */
async function groupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`process group ${pgid} still has processes after 10 s`);
}

export interface Outcome {
  /** The exit code, or null when killed. */
  code: number | null;
  /** Milliseconds from the start to the exit. */
  ms: number;
}

/**
 * Runs `node BIN ARGS` in its own process group and SIGKILLs it `delay` ms after the start (null: lets it
 * finish). Resolves once the CLI and any git process it started are gone: a git child of a killed CLI
 * runs on as an orphan, and the checks must see what it leaves, not race it.
 */
export function runCliKilled(repo: TestRepo, args: string[], delay: number | null, wrapper?: string[]): Promise<Outcome> {
  const argv = [...(wrapper ?? []), process.execPath, BIN, ...args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0] as string, argv.slice(1), { cwd: repo.dir, env: repo.env, stdio: 'ignore', detached: true });
    const timer = delay === null ? null : setTimeout(() => child.kill('SIGKILL'), delay);
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      if (timer) clearTimeout(timer);
      groupGone(child.pid as number).then(() => resolve({ code, ms }), reject);
    });
  });
}

/** The env and the `artifacts` on PATH that the hook finds: a wrapper that records its pid, then execs the CLI. */
export function hookWithPidFile(repo: TestRepo): { pidFile: string } {
  const bin = path.join(repo.home, 'pidbin');
  mkdirSync(bin, { recursive: true });
  const wrapper = path.join(bin, 'artifacts');
  // The pid of this shell is the CLI's (exec keeps it). Paths travel as variables, never in the script text.
  writeFileSync(wrapper, '#!/bin/sh\necho "$$" > "$FAULT_PIDFILE.tmp" && mv "$FAULT_PIDFILE.tmp" "$FAULT_PIDFILE"\nexec "$FAULT_NODE" "$FAULT_BIN" "$@"\n');
  chmodSync(wrapper, 0o755);
  const pidFile = path.join(repo.home, 'hook.pid');
  Object.assign(repo.env, { FAULT_PIDFILE: pidFile, FAULT_NODE: process.execPath, FAULT_BIN: BIN, PATH: `${bin}${path.delimiter}${repo.env.PATH ?? ''}` });
  return { pidFile };
}

/**
 * `git commit` through the installed hook; the hook's CLI (found by its pid file) is SIGKILLed `delay` ms
 * after it started (null: not killed). `ms` is the time from the CLI's start to the commit's end.
 */
export function commitKilled(repo: TestRepo, pidFile: string, delay: number | null): Promise<Outcome> {
  rmSync(pidFile, { force: true });
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['commit', '-q', '-m', 'runs'], { cwd: repo.dir, env: repo.env, stdio: 'ignore', detached: true });
    let cliStarted: number | null = null;
    let timer: NodeJS.Timeout | null = null;
    const poll = setInterval(() => {
      if (cliStarted !== null || !existsSync(pidFile)) return;
      cliStarted = performance.now();
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (delay === null) return;
      timer = setTimeout(() => {
        // Only the hook's own CLI, and only while it runs: its command line names the built bin.
        try {
          if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(BIN)) process.kill(pid, 'SIGKILL');
        } catch {
          // finished already
        }
      }, delay);
    }, 1);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      const ms = cliStarted === null ? 0 : performance.now() - cliStarted;
      groupGone(child.pid as number).then(() => resolve({ code, ms }), reject);
    });
  });
}

interface Snapshot {
  files: Record<string, string | null>;
  staged: string;
  tree: string;
  /** Every path in the work tree (not .git), sorted. */
  listing: string[];
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function listWorkTree(dir: string, skip: readonly string[]): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((p) => p !== '.git' && !p.startsWith(`.git${path.sep}`) && !skip.some((s) => p === s || p.startsWith(`${s}/`)))
    .sort();
}

function snapshot(repo: TestRepo, files: readonly string[], skip: readonly string[]): Snapshot {
  return {
    files: Object.fromEntries(files.map((f) => [f, readOrNull(path.join(repo.dir, f))])),
    staged: repo.git('diff', '--cached', '--name-status', '-z'),
    tree: repo.git('rev-parse', 'HEAD^{tree}').trim(),
    listing: listWorkTree(repo.dir, skip),
  };
}

/** Never torn: what a reader of each kind of file would parse. */
function expectParses(file: string, text: string): void {
  if (file.endsWith('.json')) JSON.parse(text);
  if (file.endsWith('.yaml')) expect(parseDocument(text).errors).toEqual([]);
  if (file === '.gitignore') expect(text.includes('# >>> artifacts') === text.includes('# <<< artifacts')).toBe(true);
}

/** What a killed writer may leave: a temporary of a file it writes (`NAME.<digits>`), or the manifest lock. */
function isLeftover(entry: string, files: readonly string[]): boolean {
  return files.some((f) => {
    const dir = path.dirname(f) === '.' ? '' : `${path.dirname(f)}/`;
    const base = path.basename(f);
    if (!entry.startsWith(dir)) return false;
    const name = entry.slice(dir.length);
    return new RegExp(`^${escape(base)}\\.\\d{1,10}$`).test(name) || new RegExp(`^\\.${escape(base)}\\.lock(\\..*\\.stale)?$`).test(name);
  });
}

/** `git diff --cached --name-status -z` as path -> status. */
function nameStatus(z: string): Map<string, string> {
  const fields = z.split('\0').filter((f) => f !== '');
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i + 1] as string, fields[i] as string);
  return map;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface KillScenario {
  /** Named in the figures line. */
  label: string;
  /** The repository in its "before" state; every round runs in a fresh copy of it (cp -a). */
  template: TestRepo;
  /** Files the command writes (repository-relative), each checked to be the old or the new version. */
  files: string[];
  /** Work-tree folders written by others (husky's .husky/_): not compared after a kill, only after the rerun. */
  foreign?: string[];
  /** Runs the command in `repo`, SIGKILLed `delay` ms after its start (null: runs to the end). */
  run: (repo: TestRepo, delay: number | null) => Promise<Outcome>;
  /** Run again after a kill: must succeed. */
  rerun: (repo: TestRepo) => CliResult;
  /** Files the command itself stages (the hook: the manifest); a kill may leave them staged before the commit is made. */
  stagedByCommand?: string[];
  rounds: number;
  seed: number;
}

export interface KillFigures {
  label: string;
  kills: number;
  /** Rounds after which every file was the old version, the new one, or some old and some new (between two writes). */
  old: number;
  new: number;
  mixed: number;
  /** Rounds that left a temporary file or a lock behind (recovered by the rerun). */
  leftovers: number;
  /** Rounds that left the index with the command's own staging done, the rest not (the hook before git commits). */
  partlyStaged: number;
  /** The measured normal duration the delays were spread over, in ms. */
  duration: number;
}

/**
 * Measures the command once, then for each delay of the seeded schedule: a fresh copy, the command killed
 * at that delay, and the checks: each file byte-identical to the old or the new version and parseable,
 * nothing but a temporary file or the lock left beside them, the index intact (fsck, the staged set and
 * HEAD's tree as before or as after), `git status` working; then the rerun succeeds and leaves exactly the
 * state of an uninterrupted run, leftovers gone.
 */
export async function killSchedule(scenario: KillScenario): Promise<KillFigures> {
  const template = scenario.template;
  const workDir = path.join(path.dirname(template.dir), 'work');
  const fresh = () => {
    rmSync(workDir, { recursive: true, force: true });
    execFileSync('cp', ['-a', '--', template.dir, workDir]);
    return openTestRepo(workDir, template.home, template.env);
  };
  const skip = scenario.foreign ?? [];
  const beforeRepo = fresh();
  const before = snapshot(beforeRepo, scenario.files, skip);
  const reference = await scenario.run(beforeRepo, null);
  expect(reference.code).toBe(0);
  const after = snapshot(beforeRepo, scenario.files, []);
  const afterForeign = Object.fromEntries(after.listing.filter((p) => skip.some((s) => p.startsWith(`${s}/`))).map((p) => [p, readOrNull(path.join(workDir, p))]));
  expect(after.files, 'the command changes the files it is tested on').not.toEqual(before.files);

  const figures: KillFigures = { label: scenario.label, kills: 0, old: 0, new: 0, mixed: 0, leftovers: 0, partlyStaged: 0, duration: Math.round(reference.ms) };
  for (const delay of killDelays(scenario.seed, scenario.rounds, reference.ms)) {
    const repo = fresh();
    await scenario.run(repo, delay);
    figures.kills++;
    const mid = snapshot(repo, scenario.files, skip);
    let olds = 0;
    for (const file of scenario.files) {
      const text = mid.files[file] ?? null;
      expect([before.files[file], after.files[file]], `${file} after a kill at ${delay} ms`).toContainEqual(text);
      if (text !== null) expectParses(file, text);
      if (text === before.files[file]) olds++;
    }
    if (olds === scenario.files.length) figures.old++;
    else if (scenario.files.every((f) => mid.files[f] === after.files[f])) figures.new++;
    else figures.mixed++;
    // The index: intact, with the staged changes and HEAD as before or as after.
    const fsck = spawnSync('git', ['fsck', '--no-dangling'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    expect(fsck.status, fsck.stderr).toBe(0);
    if (mid.staged !== before.staged && mid.staged !== after.staged) {
      // The hook runs on the real index: killed after staging the manifest, it leaves the commit's staged
      // changes plus the manifest exactly as it would have been committed, and nothing else.
      const was = nameStatus(before.staged);
      const now = nameStatus(mid.staged);
      for (const file of scenario.stagedByCommand ?? []) {
        if (!now.has(file) || now.get(file) === was.get(file)) continue;
        expect(repo.git('show', `:${file}`), `${file} staged by a killed run`).toBe(after.files[file]);
        now.delete(file);
        was.delete(file);
      }
      expect(now, `staged after a kill at ${delay} ms`).toEqual(was);
      figures.partlyStaged++;
    }
    expect([before.tree, after.tree]).toContain(mid.tree);
    expect(spawnSync('git', ['status', '--porcelain', '-z'], { cwd: repo.dir, env: repo.env }).status).toBe(0);
    // Anything else in the work tree is a temporary file or a lock of a file the command writes; aged as if
    // the user came back later, the rerun removes it.
    const known = new Set([...before.listing, ...after.listing]);
    const extra = mid.listing.filter((p) => !known.has(p));
    for (const entry of extra) expect(isLeftover(entry, scenario.files), `left behind: ${entry}`).toBe(true);
    if (extra.length > 0) figures.leftovers++;
    const old = new Date(Date.now() - 5 * 60_000);
    for (const entry of extra) utimesSync(path.join(repo.dir, entry), old, old);
    const rerun = scenario.rerun(repo);
    expect(rerun.code, rerun.stderr).toBe(0);
    const final = snapshot(repo, scenario.files, []);
    expect(final.files).toEqual(after.files);
    expect(final.staged).toBe(after.staged);
    expect(final.tree).toBe(after.tree);
    expect(final.listing).toEqual(after.listing);
    for (const [file, text] of Object.entries(afterForeign)) expect(readOrNull(path.join(repo.dir, file)), file).toBe(text);
  }
  rmSync(workDir, { recursive: true, force: true });
  console.log(
    `[figures] SIGKILL ${figures.label}: ${figures.kills} kills over 0-${figures.duration} ms: ${figures.old} left the old files, ${figures.new} the new, ${figures.mixed} some of each; ${figures.leftovers} left a temporary file or lock, removed by the rerun${scenario.stagedByCommand ? `; ${figures.partlyStaged} left the manifest staged, not yet committed` : ''}`,
  );
  return figures;
}
