// The policy's rules read the plain way, one whole path at a time: the model that the classifier (whose
// answers come from per-folder states, memoized: ClassifierBatch) is tested against. It reads the same
// compiled patterns and roots, so a difference is in how the rules are applied, never in how they parse.
import { type Classifier, type FolderVerdict, matchesAnyPrefix, type Verdict } from '../../src/policy/classifier.js';
import { matchSegments, prepareSegment } from '../../src/policy/pattern.js';

/**
 * The verdict on `path` in the policy's order of precedence: never > ignore (top-level, then the root's) >
 * track > ignored by default. For a folder, 'enter' means "may hold tracked files".
 */
export function referenceVerdict(classifier: Classifier, path: string, isFolder: boolean): Verdict | FolderVerdict {
  const verdict = decide(classifier, path.replace(/\/$/, '').split('/'), isFolder);
  return isFolder && verdict === 'track' ? 'enter' : verdict;
}

function decide(classifier: Classifier, raw: string[], isFolder: boolean): Verdict {
  const path = raw.map((segment) => prepareSegment(segment, classifier.ignoreCase));
  if (matchesAnyPrefix(classifier.never, path, isFolder)) return 'never';
  if (matchesAnyPrefix(classifier.ignore, path, isFolder)) return 'ignore';
  const compiled = classifier.roots.find(({ prefix }) => prefix.length <= path.length && prefix.every((segment, i) => path[i] === segment));
  if (!compiled) return 'outside';
  const rel = path.slice(compiled.prefix.length);
  if (rel.length === 0) return 'track'; // the root folder itself

  // Inside a run folder, the root's `ignore` beats everything, and a tracked whole folder takes all it holds.
  const levels = compiled.runMatchers.length;
  if (rel.length > levels && compiled.runMatchers.every((matcher, i) => matcher.test(rel[i] as string))) {
    const inner = rel.slice(levels);
    if (matchesAnyPrefix(compiled.ignore, inner, isFolder)) return 'ignore';
    for (let end = 1; end <= inner.length; end++) {
      if (end === inner.length && !isFolder) break;
      if (compiled.wholeFolders.some((p) => matchSegments(p.matchers, inner.slice(0, end)))) return 'track';
    }
  }
  // Otherwise the folders on the way must be nodes of the root's tree, and the file one of a node's files;
  // everything else in a root is ignored by default.
  let nodes = [compiled.tree];
  for (let i = 0; i < rel.length - 1; i++) {
    const segment = rel[i] as string;
    nodes = nodes.flatMap((node) => node.children.filter((child) => (child.matcher as RegExp).test(segment)));
    if (nodes.length === 0) return 'ignore';
  }
  const last = rel[rel.length - 1] as string;
  if (isFolder) return nodes.some((node) => node.children.some((child) => (child.matcher as RegExp).test(last))) ? 'track' : 'ignore';
  return nodes.some((node) => node.files.some((file) => (file.matchers[0] as RegExp).test(last))) ? 'track' : 'ignore';
}
