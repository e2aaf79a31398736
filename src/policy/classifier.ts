// The one compiled policy. Every command asks this classifier what the policy says of a path; the
// .gitignore compiler (block.ts) emits git rules from the same compiled roots, so there is no second copy.
import {
  compileRunSegment,
  compileSegments,
  fromBytes,
  matchSegments,
  type Pattern,
  prepareSegment,
  type SegmentMatcher,
} from './pattern.js';
import type { Policy, PolicyRoot } from './policy.js';

/** What the policy says of a file. `outside`: not under any root and not `never`: the policy has no say. */
export type Verdict = 'track' | 'ignore' | 'never' | 'outside';

/** What the policy says of a folder: `enter` when files inside may be tracked, else why nothing inside is. */
export type FolderVerdict = 'enter' | 'ignore' | 'never' | 'outside';

export interface CompiledPattern {
  pattern: Pattern;
  matchers: SegmentMatcher[];
}

/**
 * One level of folders below a root that can hold tracked files: the run pattern's levels, the folders of
 * `track` patterns below the run folder, and the folders of `root_track` patterns above it. A node's
 * files are matched against names directly inside the folders the node stands for.
 */
export interface TrackNode {
  /** Glob of this folder level ('' for the root itself). */
  glob: string;
  matcher: SegmentMatcher;
  children: TrackNode[];
  files: CompiledPattern[];
}

export interface CompiledRoot {
  root: PolicyRoot;
  /** Root path segments, prepared for comparison. */
  prefix: string[];
  runMatchers: RegExp[];
  /** The root's folder tree; the run folders are the node reached by the run pattern's globs. */
  tree: TrackNode;
  /** Track patterns ending in '/' (relative to the run folder): everything inside is tracked. */
  wholeFolders: CompiledPattern[];
  ignore: CompiledPattern[];
}

export interface RunLocation {
  root: PolicyRoot;
  /** The run folder, relative to the repository root. */
  runPath: string;
  /** The run pattern's {name} captures. */
  fields: Record<string, string>;
  /** The path below the run folder ('' for the folder itself). */
  inner: string;
}

export interface ClassifierOptions {
  /** git's core.ignoreCase. */
  ignoreCase?: boolean;
}

/**
 * How `never` is read (isNeverName(), and the batch for every folder and name): the patterns that read the
 * name alone are tested as one RegExp (one for files, one for folders; null when there are none), which costs
 * a third of testing them one by one; the anchored ones read the whole path.
 */
interface NeverTests {
  fileName: RegExp | null;
  folderName: RegExp | null;
  anchored: CompiledPattern[];
}

/** The folders a classifier's own batch keeps before it starts afresh (about 2 MB of memos). */
const SHARED_FOLDERS = 10_000;

export class Classifier {
  readonly roots: CompiledRoot[];
  readonly never: CompiledPattern[];
  /** The top-level `ignore` patterns: ignored anywhere, roots included. */
  readonly ignore: CompiledPattern[];
  readonly ignoreCase: boolean;
  /** neverTestsOf()'s tests, made on first use. */
  private neverTests?: NeverTests;
  /** classify()'s and classifyFolder()'s batch (see answers()). */
  private shared?: ClassifierBatch;

  constructor(
    readonly policy: Policy,
    options: ClassifierOptions = {},
  ) {
    this.ignoreCase = options.ignoreCase ?? false;
    const compile = (pattern: Pattern): CompiledPattern => ({
      pattern,
      matchers: compileSegments(pattern.segments, this.ignoreCase),
    });
    this.never = policy.never.map(compile);
    this.ignore = (policy.ignore ?? []).map(compile);
    this.roots = policy.roots.map((root) => {
      const tree: TrackNode = { glob: '', matcher: null, children: [], files: [] };
      /** The node for a chain of folder globs below `from`, created on the way. */
      const folder = (from: TrackNode, globs: readonly string[]): TrackNode =>
        globs.reduce((node, glob) => {
          let child = node.children.find((c) => c.glob === glob);
          if (!child) {
            child = { glob, matcher: compileSegments([glob], this.ignoreCase)[0] ?? null, children: [], files: [] };
            node.children.push(child);
          }
          return child;
        }, from);
      const addFile = (from: TrackNode, pattern: Pattern) => {
        const last = pattern.segments[pattern.segments.length - 1] as string;
        folder(from, pattern.segments.slice(0, -1)).files.push({ pattern, matchers: compileSegments([last], this.ignoreCase) });
      };
      const runNode = folder(tree, root.run.map((segment) => segment.glob));
      const wholeFolders: CompiledPattern[] = [];
      for (const pattern of root.track) {
        if (pattern.dirOnly) {
          folder(runNode, pattern.segments.slice(0, -1)); // the folders on the way must be entered
          wholeFolders.push(compile(pattern));
        } else addFile(runNode, pattern);
      }
      for (const pattern of root.rootTrack) addFile(tree, pattern);
      if (root.manifest !== undefined) addFile(tree, { text: root.manifest, segments: [root.manifest], dirOnly: false, anchored: false });
      return {
        root,
        prefix: root.path.split('/').map((s) => prepareSegment(s, this.ignoreCase)),
        runMatchers: root.run.map((segment) => compileRunSegment(segment, this.ignoreCase)),
        tree,
        wholeFolders,
        ignore: root.ignore.map(compile),
      };
    });
  }

  /** What the policy says of the file at `path` (relative to the repository root, '/'-separated). */
  classify(path: string): Verdict {
    return this.answers().classify(path);
  }

  /** What the policy says of the folder at `path` (a trailing '/' is allowed): may it hold tracked files? */
  classifyFolder(path: string): FolderVerdict {
    return this.answers().classifyFolder(path);
  }

  /**
   * The batch that answers classify() and classifyFolder(): the rules are evaluated in one place
   * (ClassifierBatch), whether a caller asks about one path or a whole tree. Its memos grow with the folders
   * asked about, so a long-lived classifier starts a new one after SHARED_FOLDERS of them.
   */
  private answers(): ClassifierBatch {
    if (this.shared === undefined || this.shared.folders > SHARED_FOLDERS) this.shared = new ClassifierBatch(this);
    return this.shared;
  }

  /**
   * Whether a `never` pattern matches `path` itself (`name` is its last segment), leaving its folders aside:
   * a walker that already knows the folders above are not `never` (it asked on the way down) checks each
   * entry with this alone, which is far cheaper than classify() inside folders the policy ignores wholesale
   * (and keeps no memo per folder). The batch reads `never` through the same two tests.
   */
  isNeverName(path: string, name: string, isFolder: boolean): boolean {
    if (this.neverByName(prepareSegment(name, this.ignoreCase), isFolder)) return true;
    return this.neverTestsOf().anchored.length > 0 && this.neverByPath(this.prepare(path.split('/')), isFolder);
  }

  /** Whether a `never` pattern that reads the name alone matches the prepared `name`. */
  neverByName(name: string, isFolder: boolean): boolean {
    const never = this.neverTestsOf();
    const byName = isFolder ? never.folderName : never.fileName;
    return byName !== null && byName.test(name);
  }

  /** Whether an anchored `never` pattern (one that reads the whole path) matches the prepared `path`. */
  neverByPath(path: readonly string[], isFolder: boolean): boolean {
    const { anchored } = this.neverTestsOf();
    for (let i = 0; i < anchored.length; i++) {
      const { pattern, matchers } = anchored[i] as CompiledPattern;
      if ((isFolder || !pattern.dirOnly) && matchSegments(matchers, path)) return true;
    }
    return false;
  }

  private neverTestsOf(): NeverTests {
    if (this.neverTests !== undefined) return this.neverTests;
    const byName = this.never.filter((p) => !p.pattern.anchored);
    // The matchers are all compileSegment()'s (anchored at both ends, flag 's'): their union is one alternation.
    const union = (patterns: CompiledPattern[]) =>
      patterns.length === 0 ? null : new RegExp(patterns.map((p) => `(?:${(p.matchers[0] as RegExp).source})`).join('|'), 's');
    return (this.neverTests = {
      fileName: union(byName.filter((p) => !p.pattern.dirOnly)),
      folderName: union(byName),
      anchored: this.never.filter((p) => p.pattern.anchored),
    });
  }

  /** A view for judging many paths of one tree, each folder worked out once (see ClassifierBatch). */
  batch(): ClassifierBatch {
    return new ClassifierBatch(this);
  }

  /** The root holding `path`, if any. */
  rootOf(path: string): CompiledRoot | undefined {
    return locateRoot(this.roots, this.prepare(path.split('/')))?.compiled;
  }

  /** The run folder holding `path` (or being it), with the run pattern's captures. */
  runOf(path: string): RunLocation | undefined {
    // Called once per run folder of a walk: no regular expression, join or copy where the path is the answer.
    const folder = path.endsWith('/') ? path.slice(0, -1) : path;
    const raw = folder.split('/');
    const prepared = this.prepare(raw);
    const found = locateRoot(this.roots, prepared);
    if (!found) return undefined;
    const { compiled, depth } = found;
    const levels = compiled.runMatchers.length;
    if (prepared.length < depth + levels) return undefined;
    const fields: Record<string, string> = {};
    for (let i = 0; i < levels; i++) {
      const segment = prepared[depth + i] as string;
      const match = (compiled.runMatchers[i] as RegExp).exec(segment);
      if (!match) return undefined;
      const name = compiled.root.run[i]?.capture;
      if (name !== undefined && match.indices?.[1]) {
        const [start, end] = match.indices[1];
        // Cut from the unfolded segment so that core.ignoreCase does not lowercase a captured value.
        const unfolded = this.ignoreCase ? prepareSegment(raw[depth + i] as string, false) : segment;
        fields[name] = fromBytes(unfolded.slice(start, end));
      }
    }
    const whole = raw.length === depth + levels;
    return {
      root: compiled.root,
      runPath: whole ? folder : raw.slice(0, depth + levels).join('/'),
      fields,
      inner: whole ? '' : raw.slice(depth + levels).join('/'),
    };
  }

  private prepare(segments: string[]): string[] {
    return segments.map((s) => prepareSegment(s, this.ignoreCase));
  }
}

/**
 * gitignore's reading of a pattern against a path: the path itself or any folder above it may match (an
 * ignored folder hides everything inside); a pattern without '/' matches a name at any depth; a folder
 * pattern ('x/') matches folders only.
 */
export function matchesAnyPrefix(patterns: readonly CompiledPattern[], path: readonly string[], isFolder: boolean): boolean {
  for (const { pattern, matchers } of patterns) {
    for (let end = 1; end <= path.length; end++) {
      const prefixIsFolder = end < path.length || isFolder;
      if (pattern.dirOnly && !prefixIsFolder) continue;
      const matched = pattern.anchored
        ? matchSegments(matchers, path.slice(0, end))
        : (matchers[0] as RegExp).test(path[end - 1] as string);
      if (matched) return true;
    }
  }
  return false;
}

/**
 * What the rules have read of a folder's path, segment by segment: all they need of the folder but the path
 * itself. Folders that reach the same state share one object (every run folder alike), and the verdicts of
 * the names inside are memoized on it.
 */
interface FolderState {
  /** A `never` pattern matches the folder or a folder above it. */
  never: boolean;
  /** A top-level `ignore` pattern matches the folder or a folder above it. */
  ignored: boolean;
  /** The root holding the folder; `depth`: how many segments its path has. */
  root: CompiledRoot | undefined;
  depth: number;
  /** How many segments the folder has below its root. */
  rel: number;
  /** Every run level among those segments matched (vacuous above the run depth). */
  runOk: boolean;
  /** Inside a run folder: the root's `ignore` matches a folder of the path below the run folder. */
  rootIgnored: boolean;
  /** Inside a run folder: a tracked whole folder (`track: [x/]`) holds this one or is it. */
  wholeFolder: boolean;
  /** The tree nodes the segments below the root lead to (empty: nothing inside is tracked). */
  nodes: TrackNode[];
  /** The prepared path below the run folder, kept only where a pattern of the root reads it (whole folders, anchored `ignore`). */
  inner: string[] | undefined;
  /** The states of subfolders, by what their names matched (by the name itself where `inner` is kept). */
  next: Map<number | string, FolderState>;
  /** The children of `nodes`, in order: what a subfolder's name is matched against. */
  children?: TrackNode[];
  /** classifyFolder()'s answer for the folder. */
  verdict: FolderVerdict;
  /** The verdicts of subfolders by name: valid while no pattern reads a folder's whole path. */
  folders: Map<string, FolderVerdict>;
  /** How the files inside are judged, worked out on first use. */
  files?: FileRule;
}

/** A state's own fields; the memos are added when it is made. */
type StateFields = Omit<FolderState, 'next' | 'verdict' | 'folders' | 'files' | 'children'>;

/** A folder as a batch meets it: its path, its prepared segments and its state. */
interface FolderScope {
  path: string;
  prepared: string[];
  state: FolderState;
  /** A root is this folder plus one segment: a child may be a root itself, so children go through classify(). */
  parentOfRoot: boolean;
}

/**
 * How the files of a folder are judged by their names, with the memo of those verdicts. The memo leaves out
 * the anchored `never` and top-level `ignore` patterns, which read the whole path: those are tested per path.
 */
interface FileRule {
  /** never: the folder is; ignore: all inside is, but what `never` names; outside: no root holds it. */
  kind: 'never' | 'ignore' | 'outside' | 'root';
  /** For 'root': whether the files are inside a run folder. */
  inRun: boolean;
  names: Map<string, Verdict>;
}

/**
 * Where the rules are applied, in the policy's order of precedence: never > ignore (top-level, then the
 * root's) > track > ignored by default; inside a run folder the root's `ignore` beats `track`, and a tracked
 * whole folder (`track: [x/]`) takes all it holds. Each folder is worked out once, from its parent's state
 * and its name, and each name once per kind of folder (FolderState): 100,000 paths cost a few thousand
 * pattern tests instead of millions, and consecutive paths in one folder (git lists them sorted) skip even
 * the folder lookup. Classifier.classify() and classifyFolder() answer through a batch of the classifier's
 * own; a walk of a tree takes a batch of its own (Classifier.batch()), whose memos go with it.
 * test/unit/classifier-batch.test.ts holds the answers equal to a plain reading of the rules, one whole path
 * at a time, on random policies and trees; test/property/differential.test.ts to real git's.
 */
export class ClassifierBatch {
  private readonly scopes = new Map<string, FolderScope>();
  private readonly top: FolderScope;
  /** The folder of the previous question. */
  private last: FolderScope;
  /** The top-level `ignore` file patterns that read more than a name: tested per path, never memoized by name. */
  private readonly anchoredIgnore: CompiledPattern[];
  /** The top-level `ignore` file patterns that read the name alone. */
  private readonly nameIgnore: CompiledPattern[];
  /** Some `never` or top-level `ignore` file pattern reads the whole path: files are also tested by path. */
  private readonly anchoredFiles: boolean;
  /** Some `never` or top-level `ignore` pattern reads a folder's whole path: folders are not judged by name. */
  private readonly anchoredFolders: boolean;
  /** The most segments a root's path has: deeper folders lie in their parent's root, if any. */
  private readonly rootDepth: number;

  constructor(readonly classifier: Classifier) {
    const file = (anchored: boolean) => (p: CompiledPattern) => p.pattern.anchored === anchored && !p.pattern.dirOnly;
    this.anchoredIgnore = classifier.ignore.filter(file(true));
    this.nameIgnore = classifier.ignore.filter(file(false));
    this.anchoredFiles = this.anchoredIgnore.length > 0 || classifier.never.some(file(true));
    this.anchoredFolders = [...classifier.never, ...classifier.ignore].some((p) => p.pattern.anchored);
    this.rootDepth = Math.max(0, ...classifier.roots.map((r) => r.prefix.length));
    const state = this.state(NO_ROOT);
    this.top = { path: '', prepared: [], state, parentOfRoot: classifier.roots.some((r) => r.prefix.length === 1) };
    this.scopes.set('', this.top);
    this.last = this.top;
  }

  /** Classifier.classify(path). */
  classify(path: string): Verdict {
    const cut = path.lastIndexOf('/');
    const scope = this.folderOf(path, cut);
    const rule = (scope.state.files ??= this.fileRule(scope.state));
    if (rule.kind === 'never') return 'never';
    const name = path.slice(cut + 1);
    let verdict = rule.names.get(name);
    if (verdict === undefined) {
      verdict = this.judge(rule, scope.state, prepareSegment(name, this.classifier.ignoreCase));
      rule.names.set(name, verdict);
    }
    if (verdict === 'never') return verdict;
    if (this.anchoredFiles) {
      const full = [...scope.prepared, prepareSegment(name, this.classifier.ignoreCase)];
      if (this.classifier.neverByPath(full, false)) return 'never';
      if (verdict !== 'ignore' && this.anchoredIgnore.some((p) => matchSegments(p.matchers, full))) return 'ignore';
    }
    // A file named as a root, in the root's parent folder: the root's own path, which the root "tracks" as it
    // enters it (a name, not a kind of folder: never memoized on the shared state).
    if (verdict === 'outside' && scope.parentOfRoot && this.isRootPath(scope, name)) return 'track';
    return verdict;
  }

  /** Whether `name` in the folder `scope` is the path of a root. */
  private isRootPath(scope: FolderScope, name: string): boolean {
    const full = [...scope.prepared, prepareSegment(name, this.classifier.ignoreCase)];
    return locateRoot(this.classifier.roots, full) !== undefined;
  }

  /** How many folders' scopes this batch keeps (its memory). */
  get folders(): number {
    return this.scopes.size;
  }

  /** classifyFolder(path); a trailing '/' is allowed. */
  classifyFolder(path: string): FolderVerdict {
    const folder = path.endsWith('/') ? path.slice(0, -1) : path;
    const cut = folder.lastIndexOf('/');
    const parent = this.folderOf(folder, cut);
    // A folder git reports as ignored is a leaf here: judged by its name under its parent's state, without
    // a scope of its own, unless a pattern reads more than its name.
    if (parent.parentOfRoot || this.anchoredFolders) return this.scope(folder).state.verdict;
    const name = folder.slice(cut + 1);
    let verdict = parent.state.folders.get(name);
    if (verdict === undefined) {
      const scope = this.child(parent, folder, name);
      verdict = scope.state.verdict;
      parent.state.folders.set(name, verdict);
      // A walker asks next about what an entered folder holds: its scope is kept rather than worked out again.
      if (verdict === 'enter') this.scopes.set(folder, scope);
    }
    return verdict;
  }

  /** rootOf(path) !== undefined, for a file's path. */
  inRoot(path: string): boolean {
    const cut = path.lastIndexOf('/');
    const scope = this.folderOf(path, cut);
    return scope.state.root !== undefined || (scope.parentOfRoot && this.isRootPath(scope, path.slice(cut + 1)));
  }

  /** The scope of the folder holding `path`, whose last '/' is at `cut`. */
  private folderOf(path: string, cut: number): FolderScope {
    if (cut === -1) return this.top;
    const { last } = this;
    if (cut === last.path.length && path.startsWith(last.path)) return last;
    return (this.last = this.scope(path.slice(0, cut)));
  }

  private scope(path: string): FolderScope {
    const known = this.scopes.get(path);
    if (known) return known;
    const cut = path.lastIndexOf('/');
    const scope = this.child(cut === -1 ? this.top : this.scope(path.slice(0, cut)), path, path.slice(cut + 1));
    this.scopes.set(path, scope);
    return scope;
  }

  /** The state one segment further down. */
  private child(parent: FolderScope, path: string, name: string): FolderScope {
    // Runs once per folder of the tree, mostly before the JIT has warmed up: plain loops, few allocations.
    const { classifier } = this;
    const segment = prepareSegment(name, classifier.ignoreCase);
    const prepared = parent.prepared.concat(segment);
    const from = parent.state;
    const never = !from.never && (classifier.neverByName(segment, true) || classifier.neverByPath(prepared, true));
    const ignored = !from.ignored && endsHere(classifier.ignore, prepared);
    // What the name matched, as one key: the next state follows from the parent's and this key alone.
    let key: number | string = (never ? 1 : 0) | (ignored ? 2 : 0);
    // Below the roots' depth a folder lies in its parent's root, if any: a root holding the folder holds its
    // parent too, and the first root in order wins for both.
    let compiled = from.root;
    let depth = from.depth;
    if (prepared.length <= this.rootDepth) {
      const located = locateRoot(classifier.roots, prepared);
      compiled = located?.compiled;
      depth = located?.depth ?? 0;
    }
    let state: FolderState | undefined;
    if (!compiled) {
      state = from.next.get(key);
      if (!state) from.next.set(key, (state = this.state({ ...NO_ROOT, never: from.never || never, ignored: from.ignored || ignored })));
    } else if (prepared.length === depth) {
      key = -1 - (classifier.roots.indexOf(compiled) * 4 + key);
      state = from.next.get(key);
      if (!state) {
        const fields = { ...NO_ROOT, never: from.never || never, ignored: from.ignored || ignored, root: compiled, depth, nodes: [compiled.tree] };
        from.next.set(key, (state = this.state(fields)));
      }
    } else {
      const rel = prepared.length - depth;
      const levels = compiled.runMatchers.length;
      const runOk = from.runOk && (rel > levels || (compiled.runMatchers[rel - 1] as RegExp).test(segment));
      let rootIgnored = false;
      let wholeFolder = false;
      let inner: string[] | undefined;
      if (rel > levels && runOk) {
        const below = prepared.slice(depth + levels);
        rootIgnored = !from.rootIgnored && endsHere(compiled.ignore, below);
        wholeFolder = !from.wholeFolder && compiled.wholeFolders.some((p) => matchSegments(p.matchers, below));
        // The path below the run folder, where a pattern reads more than the name: states then differ by it.
        if (compiled.wholeFolders.length > 0 || compiled.ignore.some((p) => p.pattern.anchored)) inner = below;
      }
      const children = (from.children ??= from.nodes.flatMap((node) => node.children));
      // Which children matched: bits of a number while they fit, else spelled out.
      let matched: number | string = 0;
      if (children.length <= 26) {
        for (let i = 0; i < children.length; i++) if ((children[i]?.matcher as RegExp).test(segment)) matched |= 1 << i;
      } else {
        matched = children.map((c) => ((c.matcher as RegExp).test(segment) ? 1 : 0)).join('');
      }
      key |= (runOk ? 4 : 0) | (rootIgnored ? 8 : 0) | (wholeFolder ? 16 : 0);
      key = typeof matched === 'number' ? key + matched * 32 : `${key}:${matched}`;
      if (inner) key = `${key}/${segment}`;
      state = from.next.get(key);
      if (!state) {
        const fields: StateFields = {
          never: from.never || never,
          ignored: from.ignored || ignored,
          root: compiled,
          depth,
          rel,
          runOk,
          rootIgnored: from.rootIgnored || rootIgnored,
          wholeFolder: from.wholeFolder || wholeFolder,
          nodes: children.filter((c) => (c.matcher as RegExp).test(segment)),
          inner,
        };
        from.next.set(key, (state = this.state(fields)));
      }
    }
    const parentOfRoot =
      prepared.length < this.rootDepth && classifier.roots.some((r) => r.prefix.length === prepared.length + 1 && prepared.every((s, i) => r.prefix[i] === s));
    return { path, prepared, state, parentOfRoot };
  }

  private state(fields: StateFields): FolderState {
    const state = { ...fields, next: new Map(), verdict: 'ignore', folders: new Map() } as FolderState;
    state.verdict = verdictOf(state);
    return state;
  }

  /** The rule for the files of a folder in `state`. */
  private fileRule(state: FolderState): FileRule {
    const rule = (kind: FileRule['kind'], inRun = false): FileRule => ({ kind, inRun, names: new Map() });
    if (state.never) return rule('never');
    if (state.ignored) return rule('ignore');
    if (!state.root) return rule('outside');
    // A file one level down is inside a run folder when this folder is at least at the run depth.
    const inRun = state.rel >= state.root.runMatchers.length && state.runOk;
    if (inRun && state.rootIgnored) return rule('ignore');
    if (!(inRun && state.wholeFolder) && state.nodes.length === 0) return rule('ignore');
    return rule('root', inRun);
  }

  /** A file's verdict by its prepared name, leaving out the anchored `never` and top-level `ignore` patterns. */
  private judge(rule: FileRule, state: FolderState, name: string): Verdict {
    const matches = (p: CompiledPattern) => (p.matchers[0] as RegExp).test(name);
    if (this.classifier.neverByName(name, false)) return 'never';
    if (rule.kind === 'ignore' || this.nameIgnore.some(matches)) return 'ignore';
    if (rule.kind === 'outside') return 'outside';
    const compiled = state.root as CompiledRoot;
    if (rule.inRun) {
      const inner = state.inner ?? [];
      if (compiled.ignore.some((p) => !p.pattern.dirOnly && (p.pattern.anchored ? matchSegments(p.matchers, [...inner, name]) : matches(p)))) {
        return 'ignore';
      }
      if (state.wholeFolder) return 'track';
    }
    return state.nodes.some((node) => node.files.some(matches)) ? 'track' : 'ignore';
  }
}

/** The fields of a folder no root holds. */
const NO_ROOT: StateFields = {
  never: false,
  ignored: false,
  root: undefined,
  depth: 0,
  rel: 0,
  runOk: true,
  rootIgnored: false,
  wholeFolder: false,
  nodes: [],
  inner: undefined,
};

/** Whether one of the patterns matches at the last segment of `path`: the last prefix matchesAnyPrefix() tries. */
function endsHere(patterns: readonly CompiledPattern[], path: readonly string[]): boolean {
  for (let i = 0; i < patterns.length; i++) {
    const { pattern, matchers } = patterns[i] as CompiledPattern;
    if (pattern.anchored ? matchSegments(matchers, path) : (matchers[0] as RegExp).test(path[path.length - 1] as string)) return true;
  }
  return false;
}

/** A folder's verdict, from its state. */
function verdictOf(state: FolderState): FolderVerdict {
  if (state.never) return 'never';
  if (state.ignored) return 'ignore';
  if (!state.root) return 'outside';
  if (state.rel === 0) return 'enter';
  if (state.rel > state.root.runMatchers.length && state.runOk) {
    if (state.rootIgnored) return 'ignore';
    if (state.wholeFolder) return 'enter';
  }
  return state.nodes.length > 0 ? 'enter' : 'ignore';
}

/** The first root whose path begins `prepared`, as Classifier.locateRoot. */
function locateRoot(roots: readonly CompiledRoot[], prepared: readonly string[]): { compiled: CompiledRoot; depth: number } | undefined {
  for (const compiled of roots) {
    const { prefix } = compiled;
    if (prepared.length < prefix.length) continue;
    if (prefix.every((segment, i) => prepared[i] === segment)) return { compiled, depth: prefix.length };
  }
  return undefined;
}
