// Reading staged content: index entries with their object ids, and blobs by the hundred through one
// `git cat-file --batch`. The manifest is computed from these, never from the work tree, so that a
// partially staged file contributes exactly what will be committed.
import { git, ObjectReader, splitNul } from './git.js';
import type { Repo } from './repo.js';

export interface StagedEntry {
  path: string;
  mode: string;
  oid: string;
  /** 0 for a normal entry; 1, 2, 3 for the base, ours and theirs of an unmerged path. */
  stage: number;
  /** The blob's size, when the listing gave it (`ls-tree -l` of HEAD); else looked up with blobSizes. */
  size?: number;
}

/** Index entries under some folders (run folders): every entry of each folder in `folders`, unmerged stages included. */
export interface IndexListing {
  folders: readonly string[];
  entries: readonly StagedEntry[];
}

/** argv stays far below ARG_MAX (Linux: 2 MiB total, 128 KiB per argument) with run folders in chunks. */
const PATHSPECS_PER_CALL = 2000;

/** The index entries under the given folders or files (all of the index when none are given). */
export async function listStaged(repo: Repo, pathspecs: readonly string[] | null): Promise<StagedEntry[]> {
  const chunks: Array<readonly string[]> = [];
  if (pathspecs === null) chunks.push([]);
  else for (let i = 0; i < pathspecs.length; i += PATHSPECS_PER_CALL) chunks.push(pathspecs.slice(i, i + PATHSPECS_PER_CALL));
  const entries: StagedEntry[] = [];
  for (const chunk of chunks) {
    // -z: paths verbatim, NUL-terminated; --stage: "<mode> <oid> <stage>\t<path>", the object id we read.
    // git() pins --literal-pathspecs, so a run folder named "a[1]*" is that folder and nothing else.
    const { stdout } = await git(['ls-files', '-z', '--stage', '--', ...chunk], { cwd: repo.root, env: repo.env });
    for (const record of splitNul(stdout)) {
      const tab = record.indexOf('\t');
      const [mode, oid, stage] = record.slice(0, tab).split(' ') as [string, string, string];
      entries.push({ path: record.slice(tab + 1), mode, oid, stage: Number(stage) });
    }
  }
  return entries;
}

/**
 * The content of each object named by `specs` (object ids, or `REV:PATH` such as `HEAD:runs/m.json` and
 * `:runs/m.json` for the index); null for an object that does not exist. Through the repository's open
 * reader when it has one (the hook's), else one `git cat-file --batch` for these specs.
 */
export async function readObjects(repo: Repo, specs: readonly string[]): Promise<Array<Buffer | null>> {
  if (specs.length === 0) return [];
  if (repo.objects !== undefined) return repo.objects.read(specs);
  const reader = new ObjectReader({ cwd: repo.root, ...(repo.env ? { env: repo.env } : {}) });
  try {
    return await reader.read(specs);
  } finally {
    await reader.close();
  }
}

/**
 * zlib level 1 for the loose objects of a generated file (the run manifest) that changes on every commit:
 * at 10,000 runs it weighs 2.8 MB, and git's default level takes ~3x longer to write it (about 80 ms, on the
 * hook's path) for a 15% smaller loose object. `git gc` recompresses it into a pack (pack.compression) anyway.
 */
const GENERATED = ['-c', 'core.looseCompression=1'];

/** Writes `text` (a generated file) as a blob and puts it in the index at `path` (what `git add` does, without a work-tree file). */
export async function stageText(repo: Repo, path: string, text: string | Buffer): Promise<void> {
  // -w: store the object; --stdin: content from standard input; --path: apply that path's filters.
  const { stdout } = await git([...GENERATED, 'hash-object', '-w', '--stdin', `--path=${path}`], { cwd: repo.root, input: text, env: repo.env });
  const oid = stdout.toString('utf8').trim();
  // --add: the path may be new; --cacheinfo: mode, object and path given directly, no work-tree read.
  await git(['update-index', '--add', '--cacheinfo', `100644,${oid},${path}`], { cwd: repo.root, env: repo.env });
}

/**
 * Stages the generated work-tree file at `path` (a manifest). Not `git add`, which
 * first refreshes the stat data of every index entry (its cost grows with the repository): `update-index`
 * with a path hashes that one file (its filters applied) and records its stat data.
 */
export async function addPath(repo: Repo, path: string): Promise<void> {
  // --add: the path may be new to the index.
  await git([...GENERATED, 'update-index', '--add', '--', path], { cwd: repo.root, env: repo.env });
}

