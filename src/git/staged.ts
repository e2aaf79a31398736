// Git queries of the pre-commit hook and of `check --staged` / `check --range`: what is being committed
// (the index, never the work tree), what a range of commits changed, and blob sizes. All through git.ts,
// all parsed from -z output, every path passed after `--` or on stdin.
import { listStaged, readObjects, type StagedEntry } from './blobs.js';
import { GitError } from '../errors.js';
import { git, joinNul, splitNul } from './git.js';
import type { Repo } from './repo.js';

/** One path whose content a commit adds or changes. */
export interface Change {
  /** 'A' added, 'M' modified, 'R' renamed, 'C' copied, 'T' type changed. */
  status: 'A' | 'M' | 'R' | 'C' | 'T';
  path: string;
  /** The source of a rename or copy. */
  oldPath?: string;
  /** '100644', '100755', '120000' (symlink) or '160000' (gitlink: a submodule's commit, no blob here). */
  mode: string;
  /** The new blob's object id (full length). */
  oid: string;
}

export const GITLINK = '160000';

/** Statuses that add or change content; deletions ('D') and unmerged paths ('U') are not judged. */
const CONTENT_STATUSES = new Set(['A', 'M', 'R', 'C', 'T']);

/**
 * Parses `--raw -z` records: ":<old mode> <new mode> <old oid> <new oid> <status>[score]\0<path>\0", and for
 * renames and copies a second path (the new one) after the first (the source). With `commits`, a token at a
 * record start that is not a ':' header is the commit id that `diff-tree --stdin` prints before its changes.
 */
export interface RawGroup {
  commit: string | null;
  changes: Change[];
  /** Paths deleted (not judged, but a run losing its files loses its manifest row). */
  removed: string[];
  /** Unmerged paths (a conflict not yet resolved). */
  unmerged: string[];
}

export function parseRaw(output: Buffer, commits = false): RawGroup[] {
  const tokens = splitNul(output);
  const groups: RawGroup[] = [{ commit: null, changes: [], removed: [], unmerged: [] }];
  for (let i = 0; i < tokens.length; i++) {
    // `log -z` puts a newline before the first record after a commit id (paths are read below, verbatim).
    const token = (tokens[i] as string).replace(/^\n/, '');
    if (!token.startsWith(':')) {
      // A commit id (`diff-tree --stdin`, `log --format=%H`), possibly after a newline; `log -z` also
      // leaves empty fields between commits.
      if (commits && token.trim() !== '') groups.push({ commit: token.trim(), changes: [], removed: [], unmerged: [] });
      continue;
    }
    const [, mode = '', , oid = '', statusField = ''] = token.slice(1).split(' ');
    const status = statusField.charAt(0);
    const first = tokens[++i] as string;
    const twoPaths = status === 'R' || status === 'C';
    const second = twoPaths ? (tokens[++i] as string) : undefined;
    if (status === 'D') (groups[groups.length - 1] as RawGroup).removed.push(first);
    if (status === 'U') (groups[groups.length - 1] as RawGroup).unmerged.push(first);
    if (!CONTENT_STATUSES.has(status)) continue;
    const change: Change = { status: status as Change['status'], path: second ?? first, mode, oid };
    if (second !== undefined) change.oldPath = first;
    (groups[groups.length - 1] as { changes: Change[] }).changes.push(change);
  }
  return commits ? groups.slice(1) : groups;
}

/** Every path the staged changes touch: added, changed, deleted, and both sides of a rename or copy. */
export function touchedPaths(group: Pick<RawGroup, 'changes' | 'removed'>): string[] {
  return [...group.changes.flatMap((c) => (c.oldPath === undefined ? [c.path] : [c.oldPath, c.path])), ...group.removed];
}

/** The staged changes against HEAD: content changes to judge, and deletions. */
export async function stagedDiff(repo: Repo): Promise<RawGroup> {
  const args = [
    'diff',
    '--cached', // the index against HEAD: what `git commit` would record, whatever the work tree holds
    '-z', // NUL-terminated records: any byte in a path (newline, quote, tab) arrives verbatim
    '--raw', // the name-status records plus the new mode and blob id, so no second lookup per path
    '--no-abbrev', // full object ids, to feed cat-file
    '--find-renames', // renames are reported as such (their new name is judged; the old one is named)
    '--no-relative', // a user's diff.relative=true would make paths relative to the cwd
    '--no-ext-diff', // an external diff driver must never run from a hook
    '--ignore-submodules=none', // a submodule's moved commit is a change too (we skip its size, not its path)
  ];
  const { stdout } = await git(args, { cwd: repo.root, env: repo.env });
  return parseRaw(stdout)[0] as RawGroup;
}

/**
 * Sizes of objects, from ONE `git cat-file --batch-check` process fed every object id on stdin (a spawn
 * per blob would make the hook's cost grow with the commit). Missing objects map to no entry.
 */
export async function blobSizes(repo: Repo, oids: Iterable<string>): Promise<Map<string, number>> {
  const found = await objectSizes(repo, oids, false);
  return new Map([...found].map(([oid, { bytes }]) => [oid, bytes]));
}

/** Size of each object, and with `disk` what it takes in the object database (compressed, deltified). */
export async function objectSizes(repo: Repo, oids: Iterable<string>, disk: boolean): Promise<Map<string, { bytes: number; disk: number }>> {
  const unique = [...new Set(oids)];
  const sizes = new Map<string, { bytes: number; disk: number }>();
  if (unique.length === 0) return sizes;
  const format = `%(objectname) %(objectsize)${disk ? ' %(objectsize:disk)' : ''}`;
  const { stdout } = await git(['cat-file', `--batch-check=${format}`], {
    cwd: repo.root,
    env: repo.env,
    // Object ids, one a line: they are hex, so newline-separated input is safe (cat-file has no -z here).
    input: `${unique.join('\n')}\n`,
  });
  for (const line of stdout.toString('utf8').split('\n')) {
    // "<oid> <size>[ <disk size>]", or "<oid> missing" for an object the repository does not have (a shallow clone).
    const [oid, size, onDisk] = line.split(' ');
    if (oid && size !== undefined && /^\d+$/.test(size)) sizes.set(oid, { bytes: Number(size), disk: Number(onDisk ?? 0) });
  }
  return sizes;
}

export interface TreeEntry {
  path: string;
  mode: string;
  oid: string;
  /** Known when the listing gives it (`ls-tree -l`); else looked up with blobSizes. */
  size?: number;
}

/** argv is bounded: long pathspec lists go to git in slices (cost still grows with the runs touched only). */
const PATHSPEC_CHUNK = 500;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The index entries under the given folders (run folders), given the staged diff: HEAD's tree there plus
 * the staged changes, which is what the index holds. Read from the trees of those folders only, this costs
 * the same in any repository, where `git ls-files` reads the whole index. `git ls-files` it is when the
 * index has unmerged entries or there is no HEAD yet (the first commit).
 */
export async function stagedEntriesUnder(repo: Repo, folders: readonly string[], diff: RawGroup): Promise<StagedEntry[]> {
  if (folders.length === 0) return [];
  if (diff.unmerged.length === 0) {
    let head: TreeEntry[] | null = null;
    try {
      head = await treeEntriesUnder(repo, 'HEAD', folders);
    } catch (error) {
      if (!(error instanceof GitError)) throw error; // no HEAD: listed from the index below
    }
    if (head !== null) {
      const inFolders = (file: string) => folders.some((folder) => file.startsWith(`${folder}/`));
      const entries = new Map<string, StagedEntry>(head.map((e) => [e.path, { path: e.path, mode: e.mode, oid: e.oid, stage: 0, ...(e.size === undefined ? {} : { size: e.size }) }]));
      for (const file of diff.removed) entries.delete(file);
      for (const change of diff.changes) {
        if (change.status === 'R' && change.oldPath !== undefined) entries.delete(change.oldPath);
        if (inFolders(change.path)) entries.set(change.path, { path: change.path, mode: change.mode, oid: change.oid, stage: 0 });
      }
      return [...entries.values()];
    }
  }
  return listStaged(repo, folders);
}

/** The files under the given folders (run folders) in a commit's tree, sizes included (`-l`), for `check --range`. */
export async function treeEntriesUnder(repo: Repo, commit: string, folders: readonly string[]): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  for (const slice of chunks(folders, PATHSPEC_CHUNK)) {
    // -r: files, not subtrees; -l: blob sizes ('-' for gitlinks); -z: verbatim paths.
    const { stdout } = await git(['ls-tree', '-r', '-l', '-z', commit, '--', ...slice], { cwd: repo.root, env: repo.env });
    for (const record of splitNul(stdout)) {
      // "<mode> <type> <oid> <size padded>\t<path>"
      const tab = record.indexOf('\t');
      const [mode = '', , oid = '', size = '-'] = record.slice(0, tab).trim().split(/ +/);
      entries.push({ path: record.slice(tab + 1), mode, oid, ...(/^\d+$/.test(size) ? { size: Number(size) } : {}) });
    }
  }
  return entries;
}

/** The commits of a range such as BASE..HEAD, oldest first, so that the first offence found is the introducing one. */
export async function rangeCommits(repo: Repo, range: string): Promise<string[]> {
  // --reverse: oldest first; --end-of-options: a range starting with '-' is never read as an option.
  const { stdout } = await git(['rev-list', '--reverse', '--end-of-options', range], { cwd: repo.root, env: repo.env });
  return stdout.toString('utf8').split('\n').filter((line) => line !== '');
}

/** What each commit changed against its first parent, from ONE `diff-tree --stdin` process. */
export async function commitChanges(repo: Repo, commits: readonly string[]): Promise<Map<string, Change[]>> {
  const result = new Map<string, Change[]>();
  if (commits.length === 0) return result;
  const args = [
    'diff-tree',
    '--stdin', // commit ids on stdin: one process for the whole range
    '-r', // files inside folders, not the folders
    '-z', // verbatim paths
    '--raw', // mode and blob id of each new version
    '--no-abbrev', // full ids for cat-file
    '--no-renames', // every new path is a plain addition: judged by its blob whatever it was renamed from
    '--root', // a root commit is compared with the empty tree (else it would list nothing)
    '--no-ext-diff',
  ];
  // Merge commits list nothing (no -m): their content came in with the commits of the range they merge.
  const { stdout } = await git(args, { cwd: repo.root, env: repo.env, input: `${commits.join('\n')}\n` });
  for (const group of parseRaw(stdout, true)) {
    if (group.commit) result.set(group.commit, group.changes);
  }
  return result;
}

/** The `filter` attribute of each path (`lfs` when .gitattributes routes it to Git LFS), from the index's attributes. */
export async function filterAttributes(repo: Repo, paths: readonly string[]): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (paths.length === 0) return result;
  // --cached: read .gitattributes from the index, as the commit will have it; -z --stdin: verbatim paths.
  const { stdout } = await git(['check-attr', '--cached', '-z', '--stdin', 'filter'], {
    cwd: repo.root,
    env: repo.env,
    input: joinNul(paths),
    literalPathspecs: false, // check-attr takes paths, not pathspecs, and refuses nothing here; keep it plain
  });
  const fields = splitNul(stdout);
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const [path, , value] = fields.slice(i, i + 3) as [string, string, string];
    if (value !== 'unspecified' && value !== 'unset') result.set(path, value);
  }
  return result;
}

/** A file's text as the index holds it (stage 0), or null when the index has no such path. */
export async function readStaged(repo: Repo, path: string): Promise<string | null> {
  return (await readObjects(repo, [`:${path}`]))[0]?.toString('utf8') ?? null;
}

/** A file's text in a commit, or null when the commit does not have it. */
export async function readAt(repo: Repo, commit: string, path: string): Promise<string | null> {
  return (await readObjects(repo, [`${commit}:${path}`]))[0]?.toString('utf8') ?? null;
}
