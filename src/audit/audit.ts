// `artifacts audit`: where the bytes are, split by the policy. Walks every root on disk (lstat on every
// file: its floor is `du -sb`), sums per run and per root, and keeps only bounded top-N lists, so memory
// grows with the number of runs, never with the number of files. Returns data; rendering is elsewhere.
import { type Dirent, existsSync, lstatSync, readdirSync, type Stats } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Classifier } from '../policy/classifier.js';
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
  /**
   * Worker threads for large trees (at most 4). Default 1, this thread only: on the 2-core benchmark machine
   * under load, two workers were slower than one thread (see README, `artifacts audit`, speed).
   */
  threads?: number;
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
export class TopN<T extends { bytes: number }> {
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

/** Partial results of a walk: what a worker thread sends back for its share of the runs. */
export interface WalkOutput {
  runs: { path: string; split: Split }[];
  largestIgnoredFolders: FolderSize[];
  largestIgnoredFiles: SizedPath[];
  nearFiles: NearLimit[];
  never: SizedPath[];
  warnings: string[];
  files: number;
}

/**
 * Sizes files under a folder by the policy. Below a folder the policy ignores wholesale, files are only
 * checked against `never` (classify() is the expensive part there, and its answer is known).
 */
export class Walker {
  readonly largestFolders: TopN<FolderSize>;
  readonly largestFiles: TopN<SizedPath>;
  nearFiles: NearLimit[] = [];
  never: SizedPath[] = [];
  warnings: string[] = [];
  files = 0;
  private folder: FolderSize | null = null;

  constructor(
    private readonly classifier: Classifier,
    private readonly top: number,
    private readonly onFile?: (files: number) => void,
  ) {
    this.largestFolders = new TopN(top);
    this.largestFiles = new TopN(top);
  }

  /** Walks a run folder whole. */
  walkRun(abs: string, rel: string, levels: number): Split {
    const split = emptySplit();
    this.walk(abs, rel, levels, levels, 'enter', split);
    return split;
  }

  /**
   * Walks the folder at `abs` (`rel` from the repository root, `depth` levels below its root). With
   * `onRunFolder`, run folders are handed to it instead of being entered.
   */
  walk(abs: string, rel: string, depth: number, levels: number, state: FolderState, split: Split, onRunFolder?: (abs: string, rel: string) => void): boolean {
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (depth === 0 && code === 'ENOENT') return false;
      this.warnings.push(messages.audit.unreadable(rel, code ?? (error as Error).message));
      return true;
    }
    const classifier = this.classifier;
    for (const entry of entries) {
      const name = entry.name;
      const childAbs = `${abs}/${name}`;
      const childRel = `${rel}/${name}`;
      let isDir = entry.isDirectory();
      let stats: Stats | null = null;
      if (!isDir && !entry.isFile() && !entry.isSymbolicLink()) {
        // The file system did not say (DT_UNKNOWN), or a special file: lstat decides.
        stats = this.lstat(childAbs, childRel);
        if (!stats) continue;
        isDir = stats.isDirectory();
        if (!isDir && !stats.isFile() && !stats.isSymbolicLink()) continue; // fifo, socket, device: git skips them
      }
      if (isDir) {
        if (name === '.git' && depth > 0) continue; // a nested repository's own database
        const childState: FolderState =
          state === 'never'
            ? 'never'
            : state === 'ignore'
              ? classifier.isNeverName(childRel, name, true) ? 'never' : 'ignore'
              : (classifier.classifyFolder(childRel) as FolderState);
        if (onRunFolder && depth + 1 === levels && childState === 'enter') {
          onRunFolder(childAbs, childRel);
          continue;
        }
        const startsFolder = childState === 'ignore' && this.folder === null;
        if (startsFolder) this.folder = { path: `${childRel}/`, files: 0, bytes: 0, allocated: 0 };
        this.walk(childAbs, childRel, depth + 1, levels, childState, split, onRunFolder);
        if (startsFolder) {
          this.largestFolders.offer(this.folder as FolderSize);
          this.folder = null;
        }
        continue;
      }
      stats ??= this.lstat(childAbs, childRel);
      if (!stats) continue;
      let kind: Kind;
      if (state === 'never') kind = 'never';
      else if (state === 'ignore') kind = classifier.isNeverName(childRel, name, false) ? 'never' : 'ignored';
      else {
        const verdict = classifier.classify(childRel);
        kind = verdict === 'track' ? 'tracked' : verdict === 'never' ? 'never' : 'ignored';
      }
      this.count(childRel, kind, stats, split);
    }
    return true;
  }

  private lstat(abs: string, rel: string): Stats | null {
    try {
      return lstatSync(abs);
    } catch (error) {
      this.warnings.push(messages.audit.vanished(rel, (error as NodeJS.ErrnoException).code ?? (error as Error).message));
      return null;
    }
  }

  private count(rel: string, kind: Kind, stats: Stats, split: Split): void {
    const bucket = split[kind];
    const allocated = stats.blocks * 512;
    bucket.files++;
    if (stats.isSymbolicLink()) bucket.links++;
    bucket.bytes += stats.size;
    bucket.allocated += allocated;
    if (kind === 'ignored') {
      const folder = this.folder;
      if (folder) {
        folder.files++;
        folder.bytes += stats.size;
        folder.allocated += allocated;
      }
      this.largestFiles.offer({ path: rel, bytes: stats.size, allocated });
    } else if (kind === 'tracked') {
      const limit = this.classifier.policy.limits.file;
      if (stats.size > NEAR * limit) this.nearFiles.push({ path: rel, kind: 'file', bytes: stats.size, limit, fraction: stats.size / limit });
    } else if (this.never.length < NEVER_LISTED) {
      this.never.push({ path: rel, bytes: stats.size, allocated });
    }
    this.files++;
    if (this.onFile && this.files % PROGRESS_EVERY === 0) this.onFile(this.files);
  }

  /** What was gathered since the last drain, for a worker's reply; starts afresh. */
  drain(runs: { path: string; split: Split }[]): WalkOutput {
    const output: WalkOutput = {
      runs,
      largestIgnoredFolders: this.largestFolders.items.splice(0),
      largestIgnoredFiles: this.largestFiles.items.splice(0),
      nearFiles: this.nearFiles,
      never: this.never,
      warnings: this.warnings,
      files: this.files,
    };
    this.nearFiles = [];
    this.never = [];
    this.warnings = [];
    this.files = 0;
    return output;
  }
}

/** Runs handed to each worker thread at a time: small enough to balance the load, large enough to be cheap. */
const CHUNK = 64;
/** Below this many runs, worker threads cost more than they save. */
const PARALLEL_FROM = 200;

/** Walks the roots and sizes every file by the policy's verdict. */
export async function runAudit(repoRoot: string, classifier: Classifier, options: AuditOptions = {}): Promise<AuditResult> {
  const top = options.top ?? 10;
  const by = options.by ?? 'run';
  const limits = classifier.policy.limits;
  const runs: RunReport[] = [];
  const roots: RootReport[] = [];
  const nearLimits: NearLimit[] = [];
  let runsDone = 0;
  let filesDone = 0;
  const progress = (files: number, current: string) => options.onProgress?.({ files, runs: runsDone, current });
  const walker = new Walker(classifier, top, (files) => progress(filesDone + files, ''));

  // First the levels above the run folders (in this thread), collecting the run folders.
  const pending: { abs: string; rel: string; root: RootReport }[] = [];
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
    report.exists = walker.walk(path.join(repoRoot, rootPath), rootPath, 0, levels, 'enter', report.outsideRuns, (abs, rel) =>
      pending.push({ abs, rel, root: report }),
    );
  }
  const rootOfRun = new Map(pending.map((p) => [p.rel, p.root]));
  const finishRun = (runPath: string, split: Split): void => {
    const root = rootOfRun.get(runPath) as RootReport;
    const fields = classifier.runOf(runPath)?.fields ?? {};
    runs.push({ path: runPath, root: root.path, fields, ...split, ratio: ratioOf(split) });
    root.runs++;
    runsDone++;
    addSplit(root, split);
    if (split.tracked.bytes > NEAR * limits.run) {
      nearLimits.push({ path: runPath, kind: 'run', bytes: split.tracked.bytes, limit: limits.run, fraction: split.tracked.bytes / limits.run });
    }
  };

  const threads = Math.min(options.threads ?? 1, availableParallelism(), 4);
  const workerFile = new URL('./worker.js', import.meta.url);
  const parallel = threads > 1 && pending.length >= PARALLEL_FROM && classifier.policy.text !== undefined && existsSync(workerFile);
  if (!parallel) {
    for (const run of pending) {
      const levels = classifier.rootOf(run.rel)?.runMatchers.length ?? 0;
      finishRun(run.rel, walker.walkRun(run.abs, run.rel, levels));
    }
  } else {
    const merge = (output: WalkOutput) => {
      for (const run of output.runs) finishRun(run.path, run.split);
      for (const f of output.largestIgnoredFolders) walker.largestFolders.offer(f);
      for (const f of output.largestIgnoredFiles) walker.largestFiles.offer(f);
      walker.nearFiles.push(...output.nearFiles);
      for (const f of output.never) if (walker.never.length < NEVER_LISTED) walker.never.push(f);
      walker.warnings.push(...output.warnings);
      filesDone += output.files;
      progress(filesDone + walker.files, '');
    };
    await walkInWorkers(workerFile, { policyText: classifier.policy.text as string, ignoreCase: classifier.ignoreCase, top }, pending, threads, merge);
  }

  for (const root of roots) {
    addSplit(root, root.outsideRuns);
    root.ratio = ratioOf(root);
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
  nearLimits.push(...walker.nearFiles);
  nearLimits.sort((a, b) => b.fraction - a.fraction || byPath(a, b));
  const never = walker.never.sort(byPath);

  return {
    roots,
    runs,
    groups: by === 'run' ? null : groupRuns(runs, by),
    by,
    largestIgnoredFolders: walker.largestFolders.items,
    largestIgnoredFiles: walker.largestFiles.items,
    nearLimits,
    never,
    totals,
    warnings: walker.warnings,
  };
}

export interface WorkerSetup {
  policyText: string;
  ignoreCase: boolean;
  top: number;
}

/** Hands the run folders out to `threads` worker threads, CHUNK at a time, merging each reply. */
async function walkInWorkers(
  file: URL,
  setup: WorkerSetup,
  pending: readonly { abs: string; rel: string }[],
  threads: number,
  merge: (output: WalkOutput) => void,
): Promise<void> {
  let next = 0;
  const take = () => {
    const chunk = pending.slice(next, next + CHUNK).map(({ abs, rel }) => ({ abs, rel }));
    next += chunk.length;
    return chunk;
  };
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(file, { workerData: setup });
      worker.on('message', (output: WalkOutput) => {
        merge(output);
        const chunk = take();
        if (chunk.length === 0) void worker.terminate().then(() => resolve());
        else worker.postMessage(chunk);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 || code === 1 ? resolve() : reject(new Error(`audit worker exited with code ${code}`))));
      const chunk = take();
      if (chunk.length === 0) void worker.terminate().then(() => resolve());
      else worker.postMessage(chunk);
    });
  await Promise.all(Array.from({ length: Math.min(threads, Math.ceil(pending.length / CHUNK)) }, one));
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
