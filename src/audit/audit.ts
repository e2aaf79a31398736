// `artifacts audit`: where the bytes are, split by the policy. Walks every root on disk (lstat on every
// file: its floor is `du -sb`), sums per run and per root, and keeps only bounded top-N lists, so memory
// grows with the number of runs, never with the number of files. Returns data; rendering is elsewhere.
// Node's lstat costs several times du's in JavaScript around the system call, so on large trees the run
// folders are shared between this thread and worker threads (one per core): each claims the next run folder
// from a shared counter, and the lists they keep merge into exactly what one thread would have found.
import { constants, type Dirent, existsSync, lstatSync, readdirSync, type Stats } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Classifier, ClassifierBatch, CompiledRoot } from '../policy/classifier.js';
import type { Policy } from '../policy/policy.js';
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
   * Threads walking the run folders, this one included, at most 4. Default: one per core. Below PARALLEL_FROM
   * runs, this thread alone.
   */
  threads?: number;
  /** For tests: `false` leaves every run folder to the worker threads (when there are any). */
  mainThreadWalks?: boolean;
}

const NEAR = 0.8;
const NEVER_LISTED = 1000;
const PROGRESS_EVERY = 2048;
const { S_IFMT, S_IFLNK } = constants;

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

/** An item and where the walk met it: the index of its run folder (-1 above the run folders). */
export interface Ranked<T> {
  item: T;
  order: number;
}

/**
 * The N largest items seen, in a small array kept sorted (N is a screenful: insertion beats a heap). Of items
 * of equal size, the first seen stay: a walk in run order keeps the same ones however many threads walked.
 */
export class TopN<T extends { bytes: number }> {
  readonly entries: Ranked<T>[] = [];
  constructor(private readonly size: number) {}
  /** Whether an item of this size would be kept: most files are not, and need no item built. */
  wants(bytes: number): boolean {
    const entries = this.entries;
    if (entries.length < this.size) return true;
    return this.size > 0 && (entries[entries.length - 1] as Ranked<T>).item.bytes < bytes;
  }
  offer(item: T, order: number): void {
    if (!this.wants(item.bytes)) return;
    const entries = this.entries;
    let i = entries.length;
    while (i > 0 && (entries[i - 1] as Ranked<T>).item.bytes < item.bytes) i--;
    entries.splice(i, 0, { item, order });
    if (entries.length > this.size) entries.pop();
  }
}

/**
 * The N largest of several walkers' TopN lists, equal sizes in run order: what one walker would have kept.
 * (Each list holds its walker's N first in that order, so the N first of all are among them.)
 */
function mergeTop<T extends { bytes: number }>(lists: readonly (readonly Ranked<T>[])[], size: number): T[] {
  const all = lists.flat().sort((a, b) => b.item.bytes - a.item.bytes || a.order - b.order);
  return all.slice(0, Math.max(size, 0)).map((ranked) => ranked.item);
}

/** Items from several walkers in run order (a sort is stable: one run's items keep the order they were met in). */
function inRunOrder<T>(lists: readonly (readonly Ranked<T>[])[]): T[] {
  return lists
    .flat()
    .sort((a, b) => a.order - b.order)
    .map((ranked) => ranked.item);
}

type FolderState = 'enter' | 'ignore' | 'never';
type Kind = 'tracked' | 'ignored' | 'never';

/** A run folder to walk: its path for the file system and from the repository root, and its pattern's levels. */
export interface RunTask {
  dir: string;
  rel: string;
  levels: number;
}

/** The sums of one run folder; `index` is its place in the list of run folders. */
export interface RunResult {
  index: number;
  fields: Record<string, string>;
  split: Split;
}

/** What one thread found: its runs' sums and its bounded lists, each item with the run it came from. */
export interface WalkOutput {
  runs: RunResult[];
  largestIgnoredFolders: Ranked<FolderSize>[];
  largestIgnoredFiles: Ranked<SizedPath>[];
  nearFiles: NearLimit[];
  never: Ranked<SizedPath>[];
  warnings: Ranked<string>[];
}

/** Slots of the counters the threads share (an Int32Array on a SharedArrayBuffer). */
export const NEXT_RUN = 0;
export const FILES_SEEN = 1;
export const RUNS_DONE = 2;
const COUNTERS = 3;

/**
 * Sizes files under a folder by the policy. Below a folder the policy ignores wholesale, files are only
 * checked against `never` (classify() is the expensive part there, and its answer is known).
 */
export class Walker {
  readonly largestFolders: TopN<FolderSize>;
  readonly largestFiles: TopN<SizedPath>;
  readonly nearFiles: NearLimit[] = [];
  readonly never: Ranked<SizedPath>[] = [];
  readonly warnings: Ranked<string>[] = [];
  files = 0;
  /** The run folder being walked (its index; -1 above the run folders), recorded with what is found. */
  order = -1;
  private folder: FolderSize | null = null;
  private readonly fileLimit: number;
  /**
   * classify() and classifyFolder() for the folders that may hold tracked files (run folders, mostly): every
   * run folder reaches the same state, so after the first run a verdict is a look-up by name. It keeps a
   * scope per such folder: memory grows with the number of runs, as the sums do.
   */
  private readonly batch: ClassifierBatch;
  constructor(
    readonly classifier: Classifier,
    top: number,
    private readonly onFile?: (files: number) => void,
  ) {
    this.largestFolders = new TopN(top);
    this.largestFiles = new TopN(top);
    this.fileLimit = classifier.policy.limits.file;
    this.batch = classifier.batch();
  }

  /** Walks a run folder whole. */
  walkRun(dir: string, rel: string, levels: number): Split {
    const split = emptySplit();
    this.walk(dir, rel, levels, levels, 'enter', split);
    return split;
  }

  /**
   * Walks the folder at `dir` (for the file system: absolute, or relative to the working directory), which
   * is `rel` from the repository root, `depth` levels below its root. With `onRunFolder`, run folders are
   * handed to it instead of being entered.
   */
  walk(dir: string, rel: string, depth: number, levels: number, state: FolderState, split: Split, onRunFolder?: (dir: string, rel: string) => void): boolean {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (depth === 0 && code === 'ENOENT') return false;
      this.warnings.push({ item: messages.audit.unreadable(rel, code ?? (error as Error).message), order: this.order });
      return true;
    }
    const classifier = this.classifier;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Dirent;
      const name = entry.name;
      const child = `${dir}/${name}`;
      let isDir = entry.isDirectory();
      let stats: Stats | null = null;
      if (!isDir && !entry.isFile() && !entry.isSymbolicLink()) {
        // The file system did not say (DT_UNKNOWN), or a special file: lstat decides.
        stats = this.lstat(child, rel, name);
        if (!stats) continue;
        isDir = stats.isDirectory();
        if (!isDir && !stats.isFile() && !stats.isSymbolicLink()) continue; // fifo, socket, device: git skips them
      }
      if (isDir) {
        if (name === '.git' && depth > 0) continue; // a nested repository's own database
        const childRel = `${rel}/${name}`;
        const childState: FolderState =
          state === 'never'
            ? 'never'
            : state === 'ignore'
              ? classifier.isNeverName(childRel, name, true) ? 'never' : 'ignore'
              : (this.batch.classifyFolder(childRel) as FolderState);
        if (onRunFolder && depth + 1 === levels && childState === 'enter') {
          onRunFolder(child, childRel);
          continue;
        }
        const startsFolder = childState === 'ignore' && this.folder === null;
        if (startsFolder) this.folder = { path: `${childRel}/`, files: 0, bytes: 0, allocated: 0 };
        this.walk(child, childRel, depth + 1, levels, childState, split, onRunFolder);
        if (startsFolder) {
          this.largestFolders.offer(this.folder as FolderSize, this.order);
          this.folder = null;
        }
        continue;
      }
      stats ??= this.lstat(child, rel, name);
      if (!stats) continue;
      let kind: Kind;
      if (state === 'never') kind = 'never';
      else if (state === 'ignore') kind = classifier.isNeverName(`${rel}/${name}`, name, false) ? 'never' : 'ignored';
      else {
        const verdict = this.batch.classify(`${rel}/${name}`);
        kind = verdict === 'track' ? 'tracked' : verdict === 'never' ? 'never' : 'ignored';
      }
      this.count(rel, name, kind, stats, split);
    }
    return true;
  }

  private lstat(file: string, rel: string, name: string): Stats | null {
    try {
      return lstatSync(file);
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      this.warnings.push({ item: messages.audit.vanished(`${rel}/${name}`, why), order: this.order });
      return null;
    }
  }

  /** Counts the file `name` in the folder `rel`; its path is built only for the lists that keep it. */
  private count(rel: string, name: string, kind: Kind, stats: Stats, split: Split): void {
    const bucket = split[kind];
    const size = stats.size;
    const allocated = stats.blocks * 512;
    bucket.files++;
    // The mode's bits rather than isSymbolicLink(): this runs for every file, and Node's method costs more.
    if ((stats.mode & S_IFMT) === S_IFLNK) bucket.links++;
    bucket.bytes += size;
    bucket.allocated += allocated;
    if (kind === 'ignored') {
      const folder = this.folder;
      if (folder) {
        folder.files++;
        folder.bytes += size;
        folder.allocated += allocated;
      }
      if (this.largestFiles.wants(size)) this.largestFiles.offer({ path: `${rel}/${name}`, bytes: size, allocated }, this.order);
    } else if (kind === 'tracked') {
      const limit = this.fileLimit;
      if (size > NEAR * limit) this.nearFiles.push({ path: `${rel}/${name}`, kind: 'file', bytes: size, limit, fraction: size / limit });
    } else if (this.never.length < NEVER_LISTED) {
      // The first NEVER_LISTED in run order: each thread keeps its first, the merge the first of all.
      this.never.push({ item: { path: `${rel}/${name}`, bytes: size, allocated }, order: this.order });
    }
    this.files++;
    if (this.onFile && this.files % PROGRESS_EVERY === 0) this.onFile(this.files);
  }

  /** What this walker found, with `runs`, the sums of the run folders it walked. */
  output(runs: RunResult[]): WalkOutput {
    return {
      runs,
      largestIgnoredFolders: this.largestFolders.entries,
      largestIgnoredFiles: this.largestFiles.entries,
      nearFiles: this.nearFiles,
      never: this.never,
      warnings: this.warnings,
    };
  }
}

/**
 * Walks the next run folder nobody has claimed, claiming it from a counter that all threads share; null when
 * none is left. A thread that starts earlier (this one: the workers are still starting) or runs faster takes
 * more, and none waits for another. Each thread claims in increasing order, so its lists are in run order.
 */
export function walkNext(walker: Walker, tasks: readonly RunTask[], counters: Int32Array): RunResult | null {
  const index = Atomics.add(counters, NEXT_RUN, 1);
  if (index >= tasks.length) return null;
  const task = tasks[index] as RunTask;
  walker.order = index;
  const split = walker.walkRun(task.dir, task.rel, task.levels);
  Atomics.add(counters, RUNS_DONE, 1);
  return { index, fields: walker.classifier.runOf(task.rel)?.fields ?? {}, split };
}

/** Walks run folders until none is left (see walkNext). */
export function walkRuns(walker: Walker, tasks: readonly RunTask[], counters: Int32Array): RunResult[] {
  const results: RunResult[] = [];
  for (let result = walkNext(walker, tasks, counters); result !== null; result = walkNext(walker, tasks, counters)) results.push(result);
  return results;
}

/** What the walkers found together, as one walker walking every run folder in order would have found it. */
export interface MergedWalk {
  /** In run order. */
  runs: RunResult[];
  largestIgnoredFolders: FolderSize[];
  largestIgnoredFiles: SizedPath[];
  nearFiles: NearLimit[];
  /** The first NEVER_LISTED in run order (not sorted yet). */
  never: SizedPath[];
  warnings: string[];
}

export function mergeOutputs(outputs: readonly WalkOutput[], top: number): MergedWalk {
  const lists = <T>(pick: (output: WalkOutput) => T[]): T[][] => outputs.map(pick);
  return {
    runs: outputs.flatMap((output) => output.runs).sort((a, b) => a.index - b.index),
    largestIgnoredFolders: mergeTop(lists((output) => output.largestIgnoredFolders), top),
    largestIgnoredFiles: mergeTop(lists((output) => output.largestIgnoredFiles), top),
    nearFiles: outputs.flatMap((output) => output.nearFiles),
    never: inRunOrder(lists((output) => output.never)).slice(0, NEVER_LISTED),
    warnings: inRunOrder(lists((output) => output.warnings)),
  };
}

/** Below this many runs, a worker thread costs more than it saves (its start-up is tens of milliseconds). */
const PARALLEL_FROM = 200;

/** Walks the roots and sizes every file by the policy's verdict. */
export async function runAudit(repoRoot: string, classifier: Classifier, options: AuditOptions = {}): Promise<AuditResult> {
  const top = options.top ?? 10;
  const by = options.by ?? 'run';
  const limits = classifier.policy.limits;
  const runs: RunReport[] = [];
  const roots: RootReport[] = [];
  const nearLimits: NearLimit[] = [];
  // The next run folder to claim, and for the progress line the files and runs the workers have done.
  const counters = new Int32Array(new SharedArrayBuffer(COUNTERS * Int32Array.BYTES_PER_ELEMENT));
  const onProgress = options.onProgress;
  const walker = new Walker(
    classifier,
    top,
    onProgress && ((files) => onProgress({ files: files + Atomics.load(counters, FILES_SEEN), runs: Atomics.load(counters, RUNS_DONE), current: '' })),
  );

  // The walk's paths are relative to the working directory when that is shorter (the usual case: audit runs
  // at the repository root): the kernel resolves every folder of a path on each lstat, and on the M tree the
  // five folders above the repository cost a sixth of the system time. The directory must then stay put.
  const cwd = process.cwd();
  const base = shorterPath(cwd, repoRoot);

  // First the levels above the run folders (in this thread), collecting the run folders. Worker threads start
  // as soon as there are enough of them, and start up while the rest are found.
  let workers = null as AuditWorkers | null; // (set in a callback: a plain annotation would narrow to null)
  const tasks: RunTask[] = [];
  const rootOfTask: RootReport[] = [];
  const walkRoot = (compiled: CompiledRoot): void => {
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
    report.exists = walker.walk(path.join(base, rootPath), rootPath, 0, levels, 'enter', report.outsideRuns, (dir, rel) => {
      tasks.push({ dir, rel, levels }); // (roots do not nest: the run folder is in this root)
      rootOfTask.push(report);
      if (tasks.length >= PARALLEL_FROM) workers ??= new AuditWorkers(options.threads);
    });
  };
  try {
    for (const compiled of classifier.roots) walkRoot(compiled);
  } catch (error) {
    workers?.stop(); // (an onProgress that threw): they would wait for work forever
    throw error;
  }

  // Then the run folders: worker threads, if any, start on them while this thread already walks them.
  const replies = workers ? workers.walk(classifier, top, tasks, counters) : [];
  const own = options.mainThreadWalks === false && replies.length > 0 ? [] : walkRuns(walker, tasks, counters);
  const walked = mergeOutputs([walker.output(own), ...(await Promise.all(replies))], top);
  if (!path.isAbsolute(base) && process.cwd() !== cwd) {
    // Only a caller of the library can do that, while worker threads walk: their relative paths went astray.
    throw new Error(`the working directory changed during the audit (${cwd} to ${process.cwd()})`);
  }

  for (const { index, fields, split } of walked.runs) {
    const runPath = (tasks[index] as RunTask).rel;
    const root = rootOfTask[index] as RootReport;
    runs.push({ path: runPath, root: root.path, fields, ...split, ratio: ratioOf(split) });
    root.runs++;
    addSplit(root, split);
    if (split.tracked.bytes > NEAR * limits.run) {
      nearLimits.push({ path: runPath, kind: 'run', bytes: split.tracked.bytes, limit: limits.run, fraction: split.tracked.bytes / limits.run });
    }
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
  nearLimits.push(...walked.nearFiles);
  nearLimits.sort((a, b) => b.fraction - a.fraction || byPath(a, b));

  return {
    roots,
    runs,
    groups: by === 'run' ? null : groupRuns(runs, by),
    by,
    largestIgnoredFolders: walked.largestIgnoredFolders,
    largestIgnoredFiles: walked.largestIgnoredFiles,
    nearLimits,
    never: walked.never.sort(byPath),
    totals,
    warnings: walked.warnings,
  };
}

/** What a worker thread starts from (structured-cloned; the counters are shared, not copied). */
export interface WorkerSetup {
  /** The compiled policy's data: the worker builds the same Classifier without parsing YAML again. */
  policy: Omit<Policy, 'locate' | 'text'>;
  ignoreCase: boolean;
  top: number;
  tasks: RunTask[];
  counters: Int32Array;
}

/**
 * The worker threads of a walk. They start as soon as the walk knows it will want them, and start up while it
 * finds the rest of the run folders; until given work they do not keep the process alive.
 */
class AuditWorkers {
  private readonly workers: { worker: Worker; reply: Promise<WalkOutput> }[] = [];

  /**
   * `threads` walking in all, this one included: one per core by default, at most 4. None without the worker
   * file (the unbundled sources, in tests).
   */
  constructor(threads: number = availableParallelism()) {
    const file = new URL('./worker.js', import.meta.url);
    if (threads < 2 || !existsSync(file)) return;
    for (let i = 1; i < Math.min(threads, 4); i++) {
      const worker = new Worker(file);
      const reply = new Promise<WalkOutput>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        // A thread that ends without replying may have claimed run folders: failing beats a silent gap. (After
        // the reply, rejecting changes nothing.)
        worker.once('exit', (code) => reject(new Error(`audit worker exited with code ${code} without replying`)));
      });
      reply.catch(() => {}); // seen by walk()'s caller; a thread never given work may fail unobserved
      worker.unref(); // after the listeners: adding a 'message' listener refs the thread again
      this.workers.push({ worker, reply });
    }
  }

  /**
   * Sets them walking the run folders, claimed from `counters` like this thread does; each replies once, with
   * all it found. A policy that cannot be sent to a thread (a caller's own object with functions in it)
   * leaves the work to this thread.
   */
  walk(classifier: Classifier, top: number, tasks: RunTask[], counters: Int32Array): Promise<WalkOutput>[] {
    const { locate: _locate, text: _text, ...policy } = classifier.policy;
    const setup: WorkerSetup = { policy, ignoreCase: classifier.ignoreCase, top, tasks, counters };
    const replies: Promise<WalkOutput>[] = [];
    for (const { worker, reply } of this.workers) {
      try {
        worker.postMessage(setup);
      } catch {
        void worker.terminate(); // never started: it claimed nothing
        continue;
      }
      worker.ref(); // now the process waits for its reply
      replies.push(reply);
    }
    return replies;
  }

  /** Ends them before they are given work. */
  stop(): void {
    for (const { worker } of this.workers) void worker.terminate();
  }
}

/** `target` relative to `cwd`, or absolute when that has fewer folders for the kernel to resolve. */
function shorterPath(cwd: string, target: string): string {
  const absolute = path.resolve(cwd, target);
  const relative = path.relative(cwd, absolute);
  const folders = (p: string) => p.split(path.sep).filter((s) => s !== '').length;
  return folders(relative) <= folders(absolute) ? relative || '.' : absolute;
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
