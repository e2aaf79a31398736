// The policy compiled into .gitignore rules, and the managed block that holds them.
//
// The rules form a depth-wise allowlist: each folder level down to the run folders is re-included
// ('!/runs/*/') and its contents excluded ('/runs/*/*'), so git enters only folders that can hold tracked
// files and treats every other folder (workspaces, checkpoints) as one ignored entry it never walks.
// There is deliberately no '!**/' rule: that would make git descend into every ignored folder.
import { ConfigError } from '../errors.js';
import type { Classifier, CompiledRoot, TrackNode } from './classifier.js';
import { POLICY_FILE } from './policy.js';

export const BLOCK_BEGIN = '# >>> artifacts: managed block >>>';
export const BLOCK_END = '# <<< artifacts: managed block <<<';

/** The lines between the markers, compiled from the classifier's roots and `never` patterns. */
export function compileBlockLines(classifier: Classifier): string[] {
  const lines = [
    `# Generated from ${POLICY_FILE} by \`artifacts init\`. Edit the policy, not these lines:`,
    '# `artifacts check` reports any difference.',
  ];
  for (const compiled of classifier.roots) lines.push('', ...rootLines(compiled));
  // After the roots, so that they win over their re-includes (ignore beats track); before `never`.
  if (classifier.ignore.length > 0) {
    lines.push('', '# ignored anywhere in the repository');
    for (const { pattern } of classifier.ignore) lines.push(pattern.anchored ? `/${pattern.text}` : pattern.text);
  }
  if (classifier.never.length > 0) {
    lines.push('', '# never committed, anywhere in the repository');
    for (const { pattern } of classifier.never) lines.push(pattern.anchored ? `/${pattern.text}` : pattern.text);
  }
  return lines;
}

function rootLines(compiled: CompiledRoot): string[] {
  const { root } = compiled;
  const base = `/${root.path}`;
  const run = `${base}/${root.run.map((segment) => segment.glob).join('/')}`;
  // Keeps a global excludes file or info/exclude from hiding the root: .gitignore decides first.
  const lines = [`# root ${root.path}/: runs at ${root.path}/${root.runText}/`, `!${base}/`, `${base}/*`];

  // The folder tree, level by level. At each level all excludes come before all re-includes, so that two
  // overlapping folder globs ('*' and 'files') cannot undo each other's lines.
  const levels: Array<Array<{ path: string; node: TrackNode }>> = [[{ path: base, node: compiled.tree }]];
  for (let depth = 0; (levels[depth]?.length ?? 0) > 0; depth++) {
    levels.push(
      (levels[depth] ?? []).flatMap(({ path, node }) =>
        node.children.map((child) => ({ path: `${path}/${child.glob}`, node: child })),
      ),
    );
  }
  for (const level of levels.slice(1)) {
    for (const { path } of level) lines.push(`!${path}/`);
    for (const { path } of level) lines.push(`${path}/*`);
  }
  for (const { path, node } of levels.flat()) {
    for (const file of node.files) lines.push(`!${path}/${file.pattern.segments.at(-1)}`);
  }
  // A file glob also re-includes folders of that name (a folder called notes.md): exclude the folders of
  // such levels again, then re-include those the tree goes through. A node with a '*' child skips its
  // exclude, which the re-include right after would undo anyway.
  for (const level of levels) {
    const excluding = level.filter(({ node }) => node.files.length > 0 && !node.children.some((c) => c.glob === '*'));
    if (excluding.length === 0) continue;
    for (const { path } of excluding) lines.push(`${path}/*/`);
    for (const { path, node } of level) for (const child of node.children) lines.push(`!${path}/${child.glob}/`);
  }
  for (const whole of compiled.wholeFolders) {
    const folder = `${run}/${whole.pattern.segments.join('/')}`;
    lines.push(`!${folder}/`, `!${folder}/**`);
  }
  // Last, so that they win over every re-include above (ignore beats track).
  for (const { pattern } of compiled.ignore) {
    lines.push(pattern.anchored ? `${run}/${pattern.text}` : `${run}/**/${pattern.text}`);
  }
  return lines;
}

export interface GitignoreParts {
  before: string[];
  /** The lines between the markers, or null when the file has no block. */
  block: string[] | null;
  after: string[];
  eol: '\n' | '\r\n';
}

/** Splits a .gitignore into the user's lines and the managed block; refuses a damaged block. */
export function splitGitignore(text: string, label = '.gitignore'): GitignoreParts {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const begins = lines.flatMap((line, i) => (line.trim() === BLOCK_BEGIN ? [i] : []));
  const ends = lines.flatMap((line, i) => (line.trim() === BLOCK_END ? [i] : []));
  const at = (i: number) => ({ file: label, line: i + 1, column: 1, key: '' });
  if (begins.length === 0 && ends.length === 0) return { before: lines, block: null, after: [], eol };
  if (begins.length > 1) throw new ConfigError(at(begins[1] as number), `a second "${BLOCK_BEGIN}" line: keep one managed block`);
  if (ends.length > 1) throw new ConfigError(at(ends[1] as number), `a second "${BLOCK_END}" line: keep one managed block`);
  const [begin] = begins;
  const [end] = ends;
  if (begin === undefined || end === undefined || end < begin) {
    const line = begin ?? end ?? 0;
    throw new ConfigError(at(line), 'the managed block has lost one of its marker lines: delete the block and run `artifacts init`');
  }
  return { before: lines.slice(0, begin), block: lines.slice(begin + 1, end), after: lines.slice(end + 1), eol };
}

/** The .gitignore text with the block put in place (appended when absent); user lines stay as they were. */
export function renderGitignore(parts: GitignoreParts, blockLines: readonly string[]): string {
  const block = [BLOCK_BEGIN, ...blockLines, BLOCK_END];
  const lines =
    parts.block === null
      ? [...parts.before, ...(parts.before.length > 0 && parts.before.at(-1) !== '' ? [''] : []), ...block]
      : [...parts.before, ...block, ...parts.after];
  return lines.join(parts.eol) + parts.eol;
}
