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

export class Classifier {
  readonly roots: CompiledRoot[];
  readonly never: CompiledPattern[];
  /** The top-level `ignore` patterns: ignored anywhere, roots included. */
  readonly ignore: CompiledPattern[];
  readonly ignoreCase: boolean;

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
    return this.decide(path.split('/'), false) as Verdict;
  }

  /** What the policy says of the folder at `path`: may it hold tracked files? */
  classifyFolder(path: string): FolderVerdict {
    const verdict = this.decide(path.replace(/\/$/, '').split('/'), true);
    return verdict === 'track' ? 'enter' : verdict;
  }

  /**
   * Whether a `never` pattern matches `path` itself (`name` is its last segment), leaving its folders aside:
   * a walker that already knows the folders above are not `never` (it asked on the way down) checks each
   * entry with this alone, which is far cheaper than classify() inside folders the policy ignores wholesale.
   */
  isNeverName(path: string, name: string, isFolder: boolean): boolean {
    const never = this.never;
    if (never.length === 0) return false;
    const prepared = prepareSegment(name, this.ignoreCase);
    for (let i = 0; i < never.length; i++) {
      const { pattern, matchers } = never[i] as CompiledPattern;
      if (pattern.dirOnly && !isFolder) continue;
      if (pattern.anchored ? matchSegments(matchers, this.prepare(path.split('/'))) : (matchers[0] as RegExp).test(prepared)) return true;
    }
    return false;
  }

  /** The root holding `path`, if any. */
  rootOf(path: string): CompiledRoot | undefined {
    return this.locateRoot(this.prepare(path.split('/')))?.compiled;
  }

  /** The run folder holding `path` (or being it), with the run pattern's captures. */
  runOf(path: string): RunLocation | undefined {
    const raw = path.replace(/\/$/, '').split('/');
    const prepared = this.prepare(raw);
    const found = this.locateRoot(prepared);
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
        fields[name] = fromBytes(prepareSegment(raw[depth + i] as string, false).slice(start, end));
      }
    }
    return {
      root: compiled.root,
      runPath: raw.slice(0, depth + levels).join('/'),
      fields,
      inner: raw.slice(depth + levels).join('/'),
    };
  }

  private prepare(segments: string[]): string[] {
    return segments.map((s) => prepareSegment(s, this.ignoreCase));
  }

  private locateRoot(prepared: string[]): { compiled: CompiledRoot; depth: number } | undefined {
    for (const compiled of this.roots) {
      const { prefix } = compiled;
      if (prepared.length < prefix.length) continue;
      if (prefix.every((segment, i) => prepared[i] === segment)) return { compiled, depth: prefix.length };
    }
    return undefined;
  }

  /**
   * The decision, in the policy's order of precedence: never > ignore (top-level, then the root's) > track >
   * ignored by default.
   * `isFolder` says whether the last segment is a folder; for folders 'track' means "may hold tracked files".
   */
  private decide(raw: string[], isFolder: boolean): Verdict {
    const path = this.prepare(raw);
    if (matchesAnyPrefix(this.never, path, isFolder)) return 'never';
    if (this.ignore.length > 0 && matchesAnyPrefix(this.ignore, path, isFolder)) return 'ignore';
    const found = this.locateRoot(path);
    if (!found) return 'outside';
    const { compiled, depth } = found;
    const rel = path.slice(depth);
    if (rel.length === 0) return 'track'; // the root folder itself

    // Inside a run folder, `ignore` beats everything, and a tracked whole folder takes all it holds.
    const levels = compiled.runMatchers.length;
    if (rel.length > levels && compiled.runMatchers.every((matcher, i) => matcher.test(rel[i] as string))) {
      const inner = rel.slice(levels);
      if (matchesAnyPrefix(compiled.ignore, inner, isFolder)) return 'ignore';
      for (let end = 1; end <= inner.length; end++) {
        if (end === inner.length && !isFolder) break;
        const folder = inner.slice(0, end);
        if (compiled.wholeFolders.some((p) => matchSegments(p.matchers, folder))) return 'track';
      }
    }
    // Otherwise the folders on the way must be nodes of the tree, and the file one of a node's files;
    // everything else in a root is ignored by default.
    let nodes = [compiled.tree];
    for (let i = 0; i < rel.length - 1; i++) {
      const segment = rel[i] as string;
      nodes = nodes.flatMap((node) => node.children.filter((child) => (child.matcher as RegExp).test(segment)));
      if (nodes.length === 0) return 'ignore';
    }
    const last = rel[rel.length - 1] as string;
    if (isFolder) {
      return nodes.some((node) => node.children.some((child) => (child.matcher as RegExp).test(last))) ? 'track' : 'ignore';
    }
    return nodes.some((node) => node.files.some((file) => (file.matchers[0] as RegExp).test(last))) ? 'track' : 'ignore';
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
