// `artifacts audit`: where the bytes are, split by the policy. Walks every root on disk (lstat on every
// file: its floor is `du -sb`), sums per run and per root, and keeps only bounded top-N lists, so memory
// grows with the number of runs, never with the number of files. Returns data; rendering is elsewhere.
import { type Dirent, lstatSync, readdirSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Classifier, CompiledRoot } from '../policy/classifier.js';
import { messages } from '../messages.js';

/** Files (regular files and symbolic links) and their sizes. */
export interface Bucket {
  /** Entries git would store as blobs: regular files and symbolic links. */
  files: number;
  /** How many of `files` are symbolic links (counted, sized as the link itself, never followed). */
  links: number;
  /** Apparent size, as `du -b` and `ls -l` show it. */
  bytes: number;
  /** Disk space allocated (`st_blocks * 512`): much less than `bytes` for sparse files. */
  allocated: number;
}

export interface Split {
  /** Files the policy tracks. */
  tracked: Bucket;
  /** Files the policy ignores. */
  ignored: Bucket;
  /** Files matching `never` that are present on disk (warned: they must never be committed). */
  never: Bucket;
}

export interface RunReport extends Split {
  /** The run folder, relative to the repository root. */
  path: string;
  /** The root holding it. */
  root: string;
  /** The run pattern's {name} captures. */
  fields: Record<string, string>;
  /** ignored.bytes / tracked.bytes (the "1:N" of the seed), null when nothing is tracked. */
  ratio: number | null;
}

export interface RootReport extends Split {
  path: string;
  /** Whether the folder exists on disk. */
  exists: boolean;
  runs: number;
  /** Files under the root that are in no run folder (the manifest, strays), included in the root's split. */
  outsideRuns: Split;
  ratio: number | null;
  /** The per-run average times 100: what 100 runs like these weigh, in git and on disk. */
  projection100: { tracked: number; ignored: number };
}

export interface GroupReport extends Split {
  /** The capture's value (e.g. the framework). */
  value: string;
  runs: number;
  ratio: number | null;
}

export interface SizedPath {
  path: string;
  bytes: number;
  allocated: number;
}

export interface FolderSize extends SizedPath {
  files: number;
}

export interface NearLimit {
  /** A tracked file, or a run folder. */
  path: string;
  kind: 'file' | 'run';
  bytes: number;
  limit: number;
  /** bytes / limit: over 0.8 is near, over 1 is over. */
  fraction: number;
}

export interface AuditResult {
  roots: RootReport[];
  runs: RunReport[];
  /** With `by`: the runs grouped by that run pattern capture. */
  groups: GroupReport[] | null;
  by: string;
  /** The largest folders the policy ignores wholesale (workspace/, artifacts/...), largest first. */
  largestIgnoredFolders: FolderSize[];
  /** The largest ignored files, largest first. */
  largestIgnoredFiles: SizedPath[];
  /** Tracked files over 80% of limits.file, and runs whose tracked total is over 80% of limits.run. */
  nearLimits: NearLimit[];
  /** `never` files on disk (first NEVER_LISTED; the count is in totals.never.files). */
  never: SizedPath[];
  totals: Split & { runs: number; ratio: number | null; projection100: { tracked: number; ignored: number } };
  /** Unreadable folders, files that vanished while walking. Not fatal. */
  warnings: string[];
}

export interface AuditOptions {
  /** Length of the largest-of lists (default 10). */
  top?: number;
  /** 'run' (default) or the name of a run pattern capture such as 'framework'. */
  by?: string;
  /** Called now and then while walking, with the files seen so far (for a progress line). */
  onProgress?: (progress: { files: number; runs: number; current: string }) => void;
}

const NEAR = 0.8;
const NEVER_LISTED = 1000;
const PROGRESS_EVERY = 2048;

const emptyBucket = (): Bucket => ({ files: 0, links: 0, bytes: 0, allocated: 0 });
const emptySplit = (): Split => ({ tracked: emptyBucket(), ignored: emptyBucket(), never: emptyBucket() });
function addBucket(into: Bucket, from: Bucket): void {
  into.files += from.files;
  into.links += from.links;
  into.bytes += from.bytes;
  into.allocated += from.allocated;
}
function addSplit(into: Split, from: Split): void {
  addBucket(into.tracked, from.tracked);
  addBucket(into.ignored, from.ignored);
  addBucket(into.never, from.never);
}
const ratioOf = (split: Split): number | null => (split.tracked.bytes === 0 ? null : split.ignored.bytes / split.tracked.bytes);

/** The N largest items seen, in a small array kept sorted (N is a screenful: insertion beats a heap). */
class TopN<T extends { bytes: number }> {
  readonly items: T[] = [];
  constructor(private readonly size: number) {}
  offer(item: T): void {
    if (this.size <= 0) return;
    const items = this.items;
    if (items.length === this.size && (items[items.length - 1] as T).bytes >= item.bytes) return;
    let i = items.length;
    while (i > 0 && (items[i - 1] as T).bytes < item.bytes) i--;
    items.splice(i, 0, item);
    if (items.length > this.size) items.pop();
  }
}

type FolderState = 'enter' | 'ignore' | 'never';
type Kind = 'tracked' | 'ignored' | 'never';

/** Walks the roots and sizes every file by the policy's verdict. */
export function runAudit(repoRoot: string, classifier: Classifier, options: AuditOptions = {}): AuditResult {
  const top = options.top ?? 10;
  const by = options.by ?? 'run';
  const limits = classifier.policy.limits;
  const warnings: string[] = [];
  const runs: RunReport[] = [];
  const roots: RootReport[] = [];
  const largestFolders = new TopN<FolderSize>(top);
  const largestFiles = new TopN<SizedPath>(top);
  const nearLimits: NearLimit[] = [];
  const never: SizedPath[] = [];
  let seen = 0;

  for (const compiled of classifier.roots) {
    const rootPath = compiled.root.path;
    const report: RootReport = {
      path: rootPath,
      exists: true,
      runs: 0,
      ...emptySplit(),
      outsideRuns: emptySplit(),
      ratio: null,
      projection100: { tracked: 0, ignored: 0 },
    };
    roots.push(report);
    const levels = compiled.runMatchers.length;

    /** The walk's current sums: the run's while inside one, else the root's outsideRuns. */
    let current: Split = report.outsideRuns;
    /** Sums of the ignored folder being walked, when inside one. */
    let folder: FolderSize | null = null;

    const count = (abs: string, rel: string, kind: Kind, stats: Stats): void => {
      const bucket = current[kind];
      const link = stats.isSymbolicLink();
      const allocated = stats.blocks * 512;
      bucket.files++;
      if (link) bucket.links++;
      bucket.bytes += stats.size;
      bucket.allocated += allocated;
      if (kind === 'ignored') {
        if (folder) {
          folder.files++;
          folder.bytes += stats.size;
          folder.allocated += allocated;
        }
        largestFiles.offer({ path: rel, bytes: stats.size, allocated });
      } else if (kind === 'tracked') {
        if (stats.size > NEAR * limits.file) {
          nearLimits.push({ path: rel, kind: 'file', bytes: stats.size, limit: limits.file, fraction: stats.size / limits.file });
        }
      } else if (never.length < NEVER_LISTED) {
        never.push({ path: rel, bytes: stats.size, allocated });
      }
      if (++seen % PROGRESS_EVERY === 0) options.onProgress?.({ files: seen, runs: runs.length, current: abs });
    };

    const lstat = (abs: string, rel: string): Stats | null => {
      try {
        return lstatSync(abs);
      } catch (error) {
        warnings.push(messages.audit.vanished(rel, (error as NodeJS.ErrnoException).code ?? (error as Error).message));
        return null;
      }
    };

    /** `depth`: folder levels below the root (0: the root itself). */
    const walk = (abs: string, rel: string, depth: number, state: FolderState): void => {
      let entries: Dirent[];
      try {
        entries = readdirSync(abs, { withFileTypes: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (depth === 0 && code === 'ENOENT') report.exists = false;
        else warnings.push(messages.audit.unreadable(rel, code ?? (error as Error).message));
        return;
      }
      for (const entry of entries) {
        const childAbs = `${abs}/${entry.name}`;
        const childRel = `${rel}/${entry.name}`;
        let isDir = entry.isDirectory();
        let stats: Stats | null = null;
        if (!isDir && !entry.isFile() && !entry.isSymbolicLink()) {
          // The file system did not say (DT_UNKNOWN), or a special file: lstat decides.
          stats = lstat(childAbs, childRel);
          if (!stats) continue;
          isDir = stats.isDirectory();
          if (!isDir && !stats.isFile() && !stats.isSymbolicLink()) continue; // fifo, socket, device: git skips them
        }
        if (isDir) {
          if (entry.name === '.git' && depth > 0) continue; // a nested repository's own database
          const childState: FolderState =
            state === 'never'
              ? 'never'
              : state === 'ignore'
                ? classifier.isNeverLeaf(childRel, true) ? 'never' : 'ignore'
                : (classifier.classifyFolder(childRel) as FolderState);
          const startsRun = depth + 1 === levels && childState === 'enter' && current === report.outsideRuns;
          const startsFolder = childState === 'ignore' && state !== 'ignore' && folder === null;
          if (startsRun) {
            current = emptySplit();
          }
          if (startsFolder) folder = { path: `${childRel}/`, files: 0, bytes: 0, allocated: 0 };
          walk(childAbs, childRel, depth + 1, childState);
          if (startsFolder) {
            largestFolders.offer(folder as FolderSize);
            folder = null;
          }
          if (startsRun) {
            finishRun(compiled, childRel, current);
            current = report.outsideRuns;
          }
          continue;
        }
        stats ??= lstat(childAbs, childRel);
        if (!stats) continue;
        let kind: Kind;
        if (state === 'never') kind = 'never';
        else if (state === 'ignore') kind = classifier.isNeverLeaf(childRel, false) ? 'never' : 'ignored';
        else {
          const verdict = classifier.classify(childRel);
          kind = verdict === 'track' ? 'tracked' : verdict === 'never' ? 'never' : 'ignored';
        }
        count(childAbs, childRel, kind, stats);
      }
    };

    const finishRun = (root: CompiledRoot, runPath: string, split: Split): void => {
      const fields = classifier.runOf(runPath)?.fields ?? {};
      runs.push({ path: runPath, root: root.root.path, fields, ...split, ratio: ratioOf(split) });
      report.runs++;
      addSplit(report, split);
      if (split.tracked.bytes > NEAR * limits.run) {
        nearLimits.push({ path: runPath, kind: 'run', bytes: split.tracked.bytes, limit: limits.run, fraction: split.tracked.bytes / limits.run });
      }
    };

    walk(path.join(repoRoot, rootPath), rootPath, 0, 'enter');
    addSplit(report, report.outsideRuns);
    report.ratio = ratioOf(report);
    report.projection100 = projection(report, report.runs);
  }

  const totals = { ...emptySplit(), runs: runs.length, ratio: null as number | null, projection100: { tracked: 0, ignored: 0 } };
  for (const root of roots) addSplit(totals, root);
  totals.ratio = ratioOf(totals);
  // The projection is that of the runs alone: files outside runs do not multiply with more runs.
  const inRuns = emptySplit();
  for (const run of runs) addSplit(inRuns, run);
  totals.projection100 = projection(inRuns, runs.length);
  for (const root of roots) {
    const own = emptySplit();
    for (const run of runs) if (run.root === root.path) addSplit(own, run);
    root.projection100 = projection(own, root.runs);
  }

  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  runs.sort(byPath);
  nearLimits.sort((a, b) => b.fraction - a.fraction || byPath(a, b));
  never.sort(byPath);

  return {
    roots,
    runs,
    groups: by === 'run' ? null : groupRuns(runs, by),
    by,
    largestIgnoredFolders: largestFolders.items,
    largestIgnoredFiles: largestFiles.items,
    nearLimits,
    never,
    totals,
    warnings,
  };
}

function projection(split: Split, runs: number): { tracked: number; ignored: number } {
  if (runs === 0) return { tracked: 0, ignored: 0 };
  return { tracked: Math.round((split.tracked.bytes / runs) * 100), ignored: Math.round((split.ignored.bytes / runs) * 100) };
}

function groupRuns(runs: readonly RunReport[], by: string): GroupReport[] {
  const groups = new Map<string, GroupReport>();
  for (const run of runs) {
    const value = run.fields[by];
    if (value === undefined) continue;
    let group = groups.get(value);
    if (!group) groups.set(value, (group = { value, runs: 0, ...emptySplit(), ratio: null }));
    group.runs++;
    addSplit(group, run);
  }
  const list = [...groups.values()];
  for (const group of list) group.ratio = ratioOf(group);
  return list.sort((a, b) => b.ignored.bytes + b.tracked.bytes - (a.ignored.bytes + a.tracked.bytes) || (a.value < b.value ? -1 : 1));
}

/** The names `--by` accepts: 'run' and every {name} capture of the run patterns. */
export function groupingKeys(classifier: Classifier): string[] {
  const captures = classifier.roots.flatMap((root) => root.root.run.map((segment) => segment.capture).filter((c): c is string => c !== undefined));
  return ['run', ...new Set(captures)];
}
