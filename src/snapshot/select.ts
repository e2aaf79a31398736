// Which runs a snapshot takes (RUN arguments: folders or globs of folders) and which of their files:
// the root's `snapshot` rule, plus --include, minus --exclude, minus `never` (always). Pure file-system
// reads: nothing here touches git.
import { type Dirent, lstatSync, readdirSync, type Stats } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { messages } from '../messages.js';
import { type Classifier, type CompiledPattern, matchesAnyPrefix } from '../policy/classifier.js';
import { compileSegments, matchSegments, parsePattern, PatternError, prepareSegment, type Pattern } from '../policy/pattern.js';

export interface SelectedRun {
  /** The run folder, relative to the repository root. */
  path: string;
  /** Its root's path. */
  root: string;
}

export interface SnapshotFile {
  path: string;
  /** Apparent size. */
  bytes: number;
  run: string;
}

export interface FileSelection {
  files: SnapshotFile[];
  /** Files inside the selected runs that match `never`: always left out. */
  never: string[];
  /** Selected files over limits.file. */
  oversize: SnapshotFile[];
  /** Files of the runs neither the rule nor --include took, or that --exclude removed. */
  leftOut: number;
  bytes: number;
}

const GLOB = /[*?]/;
const toSlash = (p: string) => p.split(path.sep).join('/');

/** The repository-relative path an argument names, refusing one that leaves the repository. */
export function repoRelative(repoRoot: string, cwd: string, arg: string): string {
  const rel = toSlash(path.relative(repoRoot, path.resolve(cwd, arg)));
  if (rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) throw new UserError(messages.snapshot.escapes(arg));
  return rel.replace(/\/+$/, '');
}

/**
 * Every run folder on disk, per the run patterns (folders the policy enters, at run depth). In a root that
 * tracks nothing inside its runs (the results preset: `run: "{name}.jsonl"`), a file at run depth is a run.
 */
export function listRunFolders(repoRoot: string, classifier: Classifier): SelectedRun[] {
  const runs: SelectedRun[] = [];
  for (const compiled of classifier.roots) {
    const levels = compiled.runMatchers.length;
    const fileRuns = compiled.root.track.length === 0;
    const descend = (rel: string, depth: number) => {
      let entries: Dirent[];
      try {
        entries = readdirSync(path.join(repoRoot, rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const last = depth + 1 === levels;
        if (!entry.isDirectory() && !(last && fileRuns && entry.isFile())) continue;
        const child = `${rel}/${entry.name}`;
        if (classifier.classifyFolder(child) !== 'enter') continue;
        if (last) runs.push({ path: child, root: compiled.root.path });
        else descend(child, depth + 1);
      }
    };
    descend(compiled.root.path, 0);
  }
  return runs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Resolves RUN arguments to run folders; every problem is a UserError (exit 2) naming the argument. */
export function selectRuns(repoRoot: string, cwd: string, classifier: Classifier, args: readonly string[]): SelectedRun[] {
  if (args.length === 0) throw new UserError(messages.snapshot.noRuns);
  let all: SelectedRun[] | null = null;
  const chosen = new Map<string, SelectedRun>();
  for (const arg of args) {
    const rel = repoRelative(repoRoot, cwd, arg);
    if (GLOB.test(rel)) {
      all ??= listRunFolders(repoRoot, classifier);
      const segments = rel.split('/');
      if (segments.includes('**') || /[[\]{}]/.test(rel)) throw new UserError(messages.snapshot.badGlob(arg));
      const matchers = compileSegments(segments, classifier.ignoreCase);
      const matched = all.filter((run) => matchSegments(matchers, run.path.split('/').map((s) => prepareSegment(s, classifier.ignoreCase))));
      if (matched.length === 0) {
        // Say the more useful thing: outside every root, or simply no run like that.
        const fixed = segments.slice(0, segments.findIndex((s) => GLOB.test(s)));
        if (fixed.length > 0 && !classifier.rootOf(fixed.join('/')) && !classifier.roots.some((r) => r.root.path.startsWith(`${fixed.join('/')}/`))) {
          throw new UserError(messages.snapshot.outsideRoots(arg, classifier.roots.map((r) => r.root.path)));
        }
        throw new UserError(messages.snapshot.matchesNothing(arg));
      }
      for (const run of matched) chosen.set(run.path, run);
      continue;
    }
    const location = classifier.runOf(rel);
    if (!location) {
      if (!classifier.rootOf(rel)) throw new UserError(messages.snapshot.outsideRoots(arg, classifier.roots.map((r) => r.root.path)));
      const root = classifier.rootOf(rel)?.root;
      throw new UserError(messages.snapshot.notARun(arg, `${root?.path}/${root?.runText}`));
    }
    if (location.inner !== '') throw new UserError(messages.snapshot.insideRun(arg, location.runPath));
    if (classifier.classifyFolder(rel) !== 'enter') throw new UserError(messages.snapshot.notARun(arg, `${location.root.path}/${location.root.runText}`));
    let stats: Stats | undefined;
    try {
      stats = lstatSync(path.join(repoRoot, rel));
    } catch {
      stats = undefined;
    }
    // A file at run depth is a run of its own in a root that tracks nothing inside runs (results/*.jsonl).
    if (!stats?.isDirectory() && !(stats?.isFile() && location.root.track.length === 0)) throw new UserError(messages.snapshot.unknownRun(arg));
    chosen.set(rel, { path: rel, root: location.root.path });
  }
  return [...chosen.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Parses --include / --exclude patterns (the policy's dialect, relative to the run folder). */
export function parseCliPatterns(texts: readonly string[], option: '--include' | '--exclude'): Pattern[] {
  return texts.map((text) => {
    try {
      return parsePattern(text.replace(/^\.\//, ''), 'snapshot');
    } catch (error) {
      if (error instanceof PatternError) throw new UserError(messages.snapshot.badPattern(option, text, error.message));
      throw error;
    }
  });
}

/** Walks each selected run and picks its snapshot files. */
export function selectFiles(
  repoRoot: string,
  classifier: Classifier,
  runs: readonly SelectedRun[],
  cli: { include: readonly Pattern[]; exclude: readonly Pattern[] },
): FileSelection {
  const compile = (patterns: readonly Pattern[]): CompiledPattern[] =>
    patterns.map((pattern) => ({ pattern, matchers: compileSegments(pattern.segments, classifier.ignoreCase) }));
  const cliInclude = compile(cli.include);
  const cliExclude = compile(cli.exclude);
  const limit = classifier.policy.limits.file;
  const selection: FileSelection = { files: [], never: [], oversize: [], leftOut: 0, bytes: 0 };

  for (const run of runs) {
    const rule = classifier.rootOf(run.path)?.root.snapshot;
    const include = compile(rule?.include ?? []);
    const exclude = compile(rule?.exclude ?? []);
    const prepare = (inner: string[]) => inner.map((s) => prepareSegment(s, classifier.ignoreCase));
    const walk = (rel: string, inner: string[]) => {
      const entries = readdirSync(path.join(repoRoot, rel), { withFileTypes: true });
      for (const entry of entries) {
        const child = `${rel}/${entry.name}`;
        const childInner = [...inner, entry.name];
        const prepared = prepare(childInner);
        if (entry.isDirectory()) {
          if (entry.name === '.git') continue; // a nested repository's database is never a run file
          if (classifier.classifyFolder(child) === 'never') {
            selection.never.push(`${child}/`);
            continue;
          }
          if (matchesAnyPrefix(cliExclude, prepared, true)) continue;
          // Below a folder the root's rule excludes, only an --include can still take something.
          if (cliInclude.length === 0 && matchesAnyPrefix(exclude, prepared, true)) continue;
          walk(child, childInner);
          continue;
        }
        if (!entry.isFile() && !entry.isSymbolicLink()) continue; // git stores neither fifos nor sockets
        if (classifier.classify(child) === 'never') {
          selection.never.push(child);
          continue;
        }
        const byRule = matchesAnyPrefix(include, prepared, false) && !matchesAnyPrefix(exclude, prepared, false);
        const taken = (byRule || matchesAnyPrefix(cliInclude, prepared, false)) && !matchesAnyPrefix(cliExclude, prepared, false);
        if (!taken) {
          selection.leftOut++;
          continue;
        }
        const { size } = lstatSync(path.join(repoRoot, child));
        const file = { path: child, bytes: size, run: run.path };
        selection.files.push(file);
        selection.bytes += size;
        if (size > limit) selection.oversize.push(file);
      }
    };
    if (lstatSync(path.join(repoRoot, run.path)).isFile()) {
      // A run that is one file: taken whole, unless it matches `never` or an --exclude names it.
      const name = run.path.slice(run.path.lastIndexOf('/') + 1);
      if (classifier.classify(run.path) === 'never') selection.never.push(run.path);
      else if (matchesAnyPrefix(cliExclude, prepare([name]), false)) selection.leftOut++;
      else {
        const { size } = lstatSync(path.join(repoRoot, run.path));
        const file = { path: run.path, bytes: size, run: run.path };
        selection.files.push(file);
        selection.bytes += size;
        if (size > limit) selection.oversize.push(file);
      }
      continue;
    }
    walk(run.path, []);
  }
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  selection.files.sort(byPath);
  selection.oversize.sort(byPath);
  selection.never.sort();
  return selection;
}
