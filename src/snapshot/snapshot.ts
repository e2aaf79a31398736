// `artifacts snapshot`: pins selected runs in git despite the ignore rules, in one commit of its own.
//
// The commit is built in a temporary index (GIT_INDEX_FILE), never in the user's: read-tree HEAD, add the
// snapshot files and artifacts.pins.json, write-tree, commit-tree with trailers, then move the branch with
// update-ref, giving the old value so that a concurrent commit makes it fail instead of being lost. Whatever
// the user has staged stays staged and out of the snapshot. Only after the branch moved do we touch the work
// tree (the pins file) and the real index (the snapshot files, so the next ordinary commit keeps them). A
// failure before that point leaves the index, HEAD and the work tree exactly as they were.
//
// `git commit` is not used: it would take the user's index (or need it swapped), and run the pre-commit
// hook against a commit whose every file this command has already checked against the policy (never
// excluded, limits enforced).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { writeAtomic } from '../fs/atomic.js';
import { withLock } from '../fs/lock.js';
import { git, joinNul } from '../git/git.js';
import type { Repo } from '../git/repo.js';
import { readAt, readStaged } from '../git/staged.js';
import { refreshManifestsFromIndex } from '../manifest/manifest.js';
import { findRuns, parseCondition } from '../manifest/query.js';
import { readManifest } from '../manifest/read.js';
import { attributesPattern } from '../core/init.js';
import { messages } from '../messages.js';
import { loadPins, PINS_FILE, type Pins } from '../pins/pins.js';
import type { Classifier } from '../policy/classifier.js';
import { type FileSelection, parseCliPatterns, type SelectedRun, selectFiles, selectRuns } from './select.js';

export const TRAILER = { snapshot: 'Artifacts-Snapshot', runs: 'Artifacts-Runs', files: 'Artifacts-Files', bytes: 'Artifacts-Bytes' } as const;

export interface SnapshotOptions {
  /** RUN arguments: run folders or globs of run folders, relative to `cwd`. */
  runs: readonly string[];
  /** Store the files over limits.file in Git LFS instead of refusing them. */
  lfs?: boolean;
  /** `--where` conditions on the manifest rows, as in `artifacts runs`: their runs join the RUN arguments'. */
  where?: readonly string[];
  cwd: string;
  message?: string;
  tag?: string;
  include?: readonly string[];
  exclude?: readonly string[];
  dryRun?: boolean;
  /** For tests: the name when there is no --tag (default: snapshot-<UTC time>). */
  now?: Date;
}

export interface SnapshotPlan {
  name: string;
  tag: string | null;
  runs: SelectedRun[];
  selection: FileSelection;
  message: string;
  pins: Pins;
}

export interface SnapshotResult {
  name: string;
  dryRun: boolean;
  /** false when files are over limits.file: nothing was changed (exit 1). */
  ok: boolean;
  runs: string[];
  files: { path: string; bytes: number }[];
  bytes: number;
  /** Files matching `never` inside the runs: left out. */
  never: string[];
  oversize: { path: string; bytes: number }[];
  /** With --lfs: the files committed as Git LFS pointers (those over limits.file). */
  lfs: string[];
  limit: number;
  commit: string | null;
  tag: string | null;
}

const MAX_NAME = 200;

/** A name from the clock: snapshot-20250106T080000Z. */
function defaultName(now: Date): string {
  return `snapshot-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}

/** Works out everything the snapshot would do, changing nothing. Bad input throws UserError (exit 2). */
export async function planSnapshot(repo: Repo, classifier: Classifier, options: SnapshotOptions): Promise<SnapshotPlan> {
  const include = parseCliPatterns(options.include ?? [], '--include');
  const exclude = parseCliPatterns(options.exclude ?? [], '--exclude');
  const tag = options.tag ?? null;
  const name = tag ?? defaultName(options.now ?? new Date());
  if (tag !== null) {
    const { exitCode } = await git(['check-ref-format', `refs/tags/${tag}`], { cwd: repo.root, okExitCodes: [1] });
    if (exitCode !== 0 || tag.length > MAX_NAME) throw new UserError(messages.snapshot.badTag(tag));
    const { stdout } = await git(['rev-parse', '-q', '--verify', `refs/tags/${tag}`], { cwd: repo.root, okExitCodes: [1] });
    if (stdout.length > 0) throw new UserError(messages.snapshot.tagExists(tag));
  }
  const pins = await loadPins(repo.root);
  if (pins.names.includes(name)) throw new UserError(messages.snapshot.nameExists(name));

  const where = options.where ?? [];
  const byArgument = options.runs.length > 0 || where.length === 0 ? selectRuns(repo.root, options.cwd, classifier, options.runs) : [];
  const byManifest = where.length > 0 ? await runsWhere(repo, classifier, where) : [];
  const runs = [...new Map([...byArgument, ...byManifest].map((run) => [run.path, run])).values()].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  let selection: FileSelection;
  try {
    selection = selectFiles(repo.root, classifier, runs, { include, exclude });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new UserError(messages.snapshot.unreadable((error as Error).message));
    throw error;
  }
  if (selection.files.length === 0) throw new UserError(messages.snapshot.noFiles(runs.map((r) => r.path)));
  const message = options.message?.trim() || messages.snapshot.defaultMessage(name, runs.length, selection.files.length);
  return {
    name,
    tag,
    runs,
    selection,
    message,
    pins: pins.with({ name, runs: runs.map((r) => r.path), paths: selection.files.map((f) => f.path) }),
  };
}

/** The commit message: the user's words, then the trailers `snapshot list` reads back. */
export function commitMessage(plan: SnapshotPlan): string {
  // The run list is JSON: run folder names may hold commas, spaces, even newlines, and a trailer is one line.
  const trailers = [
    `${TRAILER.snapshot}: ${plan.name}`,
    `${TRAILER.runs}: ${JSON.stringify(plan.runs.map((r) => r.path))}`,
    `${TRAILER.files}: ${plan.selection.files.length}`,
    `${TRAILER.bytes}: ${plan.selection.bytes}`,
  ];
  return `${plan.message}\n\n${trailers.join('\n')}\n`;
}

/** Commits the plan (see the top of this file). Returns the new commit's id. */
export async function commitSnapshot(repo: Repo, classifier: Classifier, plan: SnapshotPlan, lfs: readonly string[] = []): Promise<string> {
  const cwd = repo.root;
  const head = (await git(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd, okExitCodes: [1] })).stdout.toString('utf8').trim();
  // The ref HEAD points at (refs/heads/main), or HEAD itself when detached.
  const symbolic = await git(['symbolic-ref', '-q', 'HEAD'], { cwd, okExitCodes: [1] });
  const ref = symbolic.exitCode === 0 ? symbolic.stdout.toString('utf8').trim() : 'HEAD';
  const paths = plan.selection.files.map((f) => f.path);

  const scratch = await mkdtemp(path.join(tmpdir(), 'artifacts-snapshot-'));
  const env = { GIT_INDEX_FILE: path.join(scratch, 'index') };
  const manifests: string[] = [];
  let gitattributes: string | null = null;
  let commit: string;
  try {
    // The temporary index starts as HEAD's tree: the commit changes nothing but the snapshot paths.
    await git(head ? ['read-tree', head] : ['read-tree', '--empty'], { cwd, env });
    // -f: the policy ignores most of these paths; that is the point. Paths go NUL-separated on stdin, read
    // literally (--literal-pathspecs is pinned by git()). A file that vanished since the plan fails here.
    const plain = paths.filter((p) => !lfs.includes(p));
    if (plain.length > 0) await git(['add', '-f', '--pathspec-from-file=-', '--pathspec-file-nul'], { cwd, env, input: joinNul(plain) });
    if (lfs.length > 0) {
      // The large files go through the Git LFS clean filter: a temporary attributes file (consulted after the
      // repository's own) routes exactly these paths to it, and the commit carries the same lines in .gitattributes.
      const attributes = path.join(scratch, 'attributes');
      await writeFile(attributes, `${lfsAttributes(lfs).join('\n')}\n`);
      await git(['-c', `core.attributesFile=${attributes}`, 'add', '-f', '--pathspec-from-file=-', '--pathspec-file-nul'], { cwd, env, input: joinNul(lfs) });
      const current = (await readStaged({ ...repo, env }, '.gitattributes')) ?? '';
      const lines = current === '' ? [] : current.replace(/\r?\n$/, '').split(/\r?\n/);
      gitattributes = [...lines, ...lfsAttributes(lfs).filter((line) => !lines.includes(line))].join('\n') + '\n';
      const oid = (await git(['hash-object', '-w', '--stdin'], { cwd, input: gitattributes })).stdout.toString('utf8').trim();
      await git(['update-index', '--add', '--cacheinfo', `100644,${oid},.gitattributes`], { cwd, env });
    }

    // The manifests of the snapshot's runs, refreshed from this temporary index and staged into it: the
    // commit holds the rows of exactly the files it pins.
    const refreshed = await refreshManifestsFromIndex({ ...repo, env }, classifier, paths, { worktree: false });
    manifests.push(...refreshed.written);

    // The pins file goes in as a blob: the work tree copy is written only once the commit exists.
    const blob = (await git(['hash-object', '-w', '--stdin'], { cwd, input: plan.pins.serialize() })).stdout.toString('utf8').trim();
    await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${PINS_FILE}`], { cwd, env });
    const tree = (await git(['write-tree'], { cwd, env })).stdout.toString('utf8').trim();
    const parents = head ? ['-p', head] : [];
    commit = (await git(['commit-tree', tree, ...parents, '-F', '-'], { cwd, input: commitMessage(plan) })).stdout.toString('utf8').trim();
    // The old value makes this fail if the branch moved meanwhile (40 zeros: "must not exist yet").
    await git(['update-ref', '-m', `artifacts snapshot: ${plan.name}`, ref, commit, head || '0'.repeat(40)], { cwd });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  // The commit exists: now the work tree and the user's index follow it.
  await writeAtomic(path.join(repo.root, PINS_FILE), plan.pins.serialize());
  if (gitattributes !== null) await writeAtomic(path.join(repo.root, '.gitattributes'), gitattributes);
  for (const manifest of manifests) {
    const text = (await readAt(repo, commit, manifest)) as string;
    await withLock(path.join(repo.root, manifest), () => writeAtomic(path.join(repo.root, manifest), text));
  }
  await git(['add', '-f', '--pathspec-from-file=-', '--pathspec-file-nul'], { cwd, input: joinNul([...paths, ...manifests, PINS_FILE, ...(gitattributes === null ? [] : ['.gitattributes'])]) });
  if (plan.tag !== null) await git(['tag', '-a', plan.tag, '-m', plan.message, commit], { cwd });
  return commit;
}

/**
 * The runs whose manifest rows satisfy every `--where` condition (as `artifacts runs` reads them), as run
 * folders on disk. A condition that matches no row is a usage error, as is a row whose folder is gone.
 */
async function runsWhere(repo: Repo, classifier: Classifier, where: readonly string[]): Promise<SelectedRun[]> {
  const conditions = where.map((text) => parseCondition(text) ?? fail(messages.manifest.badWhere(text)));
  const selected: SelectedRun[] = [];
  for (const root of classifier.policy.roots) {
    if (root.manifest === undefined) continue;
    const file = `${root.path}/${root.manifest}`;
    const manifest = await readManifest(path.join(repo.root, file), file);
    for (const row of findRuns(manifest.runs, { where: conditions })) {
      const run = `${root.path}/${String(row.path)}`;
      if (!existsSync(path.join(repo.root, run))) throw new UserError(messages.snapshot.unknownRun(run));
      selected.push({ path: run, root: root.path });
    }
  }
  if (selected.length === 0) throw new UserError(messages.snapshot.matchesNothing(where.map((w) => `--where ${w}`).join(' ')));
  return selected;
}

/** --lfs needs git-lfs and its filter configured (`git lfs install`), or pointers would never be pushed. */
async function requireLfs(repo: Repo): Promise<void> {
  const version = await git(['lfs', 'version'], { cwd: repo.root, okExitCodes: [1, 128, 127] }).catch(() => null);
  if (!version || version.exitCode !== 0) throw new UserError(messages.snapshot.lfsUnavailable('git-lfs is not installed'));
  const clean = await git(['config', '--get', 'filter.lfs.clean'], { cwd: repo.root, okExitCodes: [1] });
  if (clean.exitCode !== 0) throw new UserError(messages.snapshot.lfsUnavailable('its filter is not configured here'));
}

/** The .gitattributes lines that route each path (exactly that path) to Git LFS. */
function lfsAttributes(paths: readonly string[]): string[] {
  return paths.map((p) => `${attributesPattern(p)} filter=lfs diff=lfs merge=lfs -text`);
}

function fail(message: string): never {
  throw new UserError(message);
}

/** Plans, then commits unless it is a dry run or a file is over limits.file. */
export async function runSnapshot(repo: Repo, classifier: Classifier, options: SnapshotOptions): Promise<SnapshotResult> {
  const plan = await planSnapshot(repo, classifier, options);
  const { selection } = plan;
  const lfs = options.lfs ? selection.oversize.map((f) => f.path) : [];
  if (lfs.length > 0) await requireLfs(repo);
  const ok = selection.oversize.length === lfs.length;
  const commit = ok && !options.dryRun ? await commitSnapshot(repo, classifier, plan, lfs) : null;
  return {
    name: plan.name,
    dryRun: options.dryRun ?? false,
    ok,
    runs: plan.runs.map((r) => r.path),
    files: selection.files.map(({ path: p, bytes }) => ({ path: p, bytes })),
    bytes: selection.bytes,
    never: selection.never,
    oversize: selection.oversize.map(({ path: p, bytes }) => ({ path: p, bytes })),
    limit: classifier.policy.limits.file,
    lfs,
    commit,
    tag: commit ? plan.tag : null,
  };
}

export interface SnapshotRecord {
  name: string;
  commit: string;
  date: string;
  subject: string;
  runs: string[];
  files: number;
  bytes: number;
  tags: string[];
}

/** Past snapshots, newest first, read back from the trailers of every commit reachable from any ref. */
export async function listSnapshots(repo: Repo): Promise<SnapshotRecord[]> {
  const cwd = repo.root;
  const { stdout: anyRef } = await git(['for-each-ref', '--count=1', '--format=%(objectname)'], { cwd });
  if (anyRef.length === 0) return [];
  const field = (key: string) => `%(trailers:key=${key},valueonly,separator=%x1e)`;
  const format = ['%H', '%cI', field(TRAILER.snapshot), field(TRAILER.runs), field(TRAILER.files), field(TRAILER.bytes), '%s'].join('%x1f');
  const args = [
    'log',
    '--all', // snapshots on any branch or tag
    '--fixed-strings', // the --grep below is a plain string, not a regular expression
    `--grep=${TRAILER.snapshot}: `, // only commits that carry the trailer
    '-z', // commits separated by NUL; fields inside by 0x1f, which trailer values and hashes never hold
    `--format=${format}`,
  ];
  const { stdout } = await git(args, { cwd });
  // Annotated and light tags, by the commit they point at.
  const tagLines = (await git(['for-each-ref', '--format=%(objectname) %(*objectname) %(refname:strip=2)', 'refs/tags'], { cwd })).stdout.toString('utf8');
  const tags = new Map<string, string[]>();
  for (const line of tagLines.split('\n')) {
    const [object, peeled, ...name] = line.split(' ');
    if (!object || name.length === 0) continue;
    const target = peeled || object;
    tags.set(target, [...(tags.get(target) ?? []), name.join(' ')]);
  }
  const records: SnapshotRecord[] = [];
  for (const entry of stdout.toString('utf8').split('\0')) {
    if (entry === '') continue;
    const [commit = '', date = '', name = '', runs = '', files = '', bytes = '', ...subject] = entry.split('\x1f');
    const first = (value: string) => value.split('\x1e')[0]?.trim() ?? '';
    if (first(name) === '') continue;
    let runList: string[] = [];
    try {
      const parsed: unknown = JSON.parse(first(runs));
      if (Array.isArray(parsed)) runList = parsed.filter((r): r is string => typeof r === 'string');
    } catch {
      runList = [];
    }
    records.push({
      name: first(name),
      commit,
      date,
      subject: subject.join('\x1f'),
      runs: runList,
      files: Number(first(files)) || 0,
      bytes: Number(first(bytes)) || 0,
      tags: tags.get(commit) ?? [],
    });
  }
  return records;
}
