// Presets: ready-made policies shipped in the package's policies/ folder, one YAML file each. The first
// line of a preset is "# preset NAME: one-line description" (a comment: the loader refuses unknown keys,
// and the file is copied verbatim into the user's repository). Several presets combine into one policy
// with several roots (combinePresets).
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node, Pair, Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { UserError } from '../errors.js';
import { messages } from '../messages.js';
import { parsePolicy } from './load.js';

export const DEFAULT_PRESET = 'runs';

/** dist/policy/presets.js -> <package>/policies/ */
const PRESET_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));

const DESCRIPTION = /^# preset ([A-Za-z0-9_-]+): (.+)$/;

export async function listPresets(): Promise<string[]> {
  const names = await readdir(PRESET_DIR);
  return names.filter((n) => n.endsWith('.yaml')).map((n) => n.slice(0, -'.yaml'.length)).sort();
}

export async function readPreset(name: string): Promise<string> {
  const known = await listPresets();
  if (!known.includes(name)) throw new UserError(messages.unknownPreset(name, known));
  return readFile(`${PRESET_DIR}${name}.yaml`, 'utf8');
}

/** The one-line description of a preset's text (its first line), or '' when it has none. */
export function presetDescription(text: string): string {
  return DESCRIPTION.exec(text.split('\n', 1)[0] ?? '')?.[2]?.trim() ?? '';
}

export interface PresetInfo {
  name: string;
  description: string;
  /** The folders its roots hold runs in. */
  roots: string[];
}

export async function describePresets(): Promise<PresetInfo[]> {
  return Promise.all(
    (await listPresets()).map(async (name) => {
      const text = await readPreset(name);
      return { name, description: presetDescription(text), roots: parsePolicy(text, `policies/${name}.yaml`).roots.map((r) => r.path) };
    }),
  );
}

/** A preset to put into a policy, optionally narrowed to some of its roots or with its root moved. */
export interface PresetChoice {
  name: string;
  /** Keep only the roots at these paths (detection found only these); all when absent. */
  roots?: string[];
  /** For a one-root preset whose folder is the user's choice (sacred's basedir): the root's path. */
  rootPath?: string;
}

/**
 * The policy text for one or more presets. One unchanged preset is its file, byte for byte. Several are
 * merged into the first: `roots` lists concatenated (comments kept), `never` and `ignore` unioned, and the
 * strictest of each limit. Roots that would contain each other are refused (a UserError naming both).
 */
export async function combinePresets(choices: readonly PresetChoice[]): Promise<string> {
  if (choices.length === 0) throw new UserError(messages.presets.none);
  const seen = new Set<string>();
  for (const choice of choices) {
    if (seen.has(choice.name)) throw new UserError(messages.presets.twice(choice.name));
    seen.add(choice.name);
  }
  const texts = await Promise.all(choices.map((c) => readPreset(c.name)));
  const [first] = choices as [PresetChoice];
  if (choices.length === 1 && first.roots === undefined && first.rootPath === undefined) return texts[0] as string;

  const docs = texts.map((text) => parseDocument(text));
  const rootPaths: Array<{ preset: string; path: string }> = [];
  docs.forEach((doc, i) => {
    const choice = choices[i] as PresetChoice;
    const roots = doc.get('roots') as YAMLSeq<YAMLMap>;
    if (choice.roots !== undefined) {
      const keep = new Set(choice.roots);
      roots.items = roots.items.filter((root) => keep.has(String(root.get('path'))));
      if (roots.items.length === 0) throw new UserError(messages.presets.noRootLeft(choice.name, choice.roots));
    }
    if (choice.rootPath !== undefined) {
      if (roots.items.length !== 1) throw new UserError(messages.presets.rootPathNeedsOneRoot(choice.name));
      const pathNode = (roots.items[0] as YAMLMap).get('path', true) as Scalar;
      pathNode.value = choice.rootPath;
    }
    for (const root of roots.items) rootPaths.push({ preset: choice.name, path: String(root.get('path')) });
  });
  rootPaths.forEach((a, i) => {
    for (const b of rootPaths.slice(0, i)) {
      if (a.path === b.path || a.path.startsWith(`${b.path}/`) || b.path.startsWith(`${a.path}/`)) {
        throw new UserError(messages.presets.overlap(b.preset, b.path, a.preset, a.path));
      }
    }
  });

  const base = docs[0] as Document.Parsed;
  if (docs.length > 1) {
    const names = choices.map((c) => c.name);
    // The file's leading comment sits on the document or on its first key: drop its "# preset" line.
    const firstKey = (base.contents as YAMLMap).items[0]?.key as Node | undefined;
    const holder: { commentBefore?: string | null } = base.commentBefore ? base : (firstKey ?? base);
    const rest = (holder.commentBefore ?? '').split('\n').filter((line) => !DESCRIPTION.test(`#${line}`));
    holder.commentBefore = holder === base ? null : rest.join('\n');
    base.commentBefore = [
      ` preset ${names.join(' + ')}: ${names.length} presets combined by \`artifacts init\``,
      ...choices.map((c, i) => `   ${c.name}: ${presetDescription(texts[i] as string)}`),
      ...(holder === base ? rest : []),
    ].join('\n');
    const baseRoots = base.get('roots') as YAMLSeq;
    for (const doc of docs.slice(1)) {
      const roots = doc.get('roots') as YAMLSeq;
      baseRoots.items.push(...roots.items);
      for (const key of ['ignore', 'never'] as const) unionList(base, doc, key);
    }
    strictestLimits(base, texts);
  }
  return base.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Adds the items of `from`'s top-level list `key` that `into` lacks (by text), creating the list if needed. */
function unionList(into: Document.Parsed, from: Document.Parsed, key: 'ignore' | 'never'): void {
  const source = from.get(key, true) as Node | undefined;
  if (!isSeq(source)) return;
  let target = into.get(key, true) as Node | undefined;
  if (!isSeq(target)) {
    const created = into.createNode([]) as YAMLSeq;
    created.flow = source.flow;
    const map = into.contents as YAMLMap;
    // Keep the reading order of the presets: ignore before never, both before limits.
    const at = map.items.findIndex((pair) => isScalar(pair.key) && ['never', 'limits'].includes(String(pair.key.value)) && !(key === 'never' && pair.key.value === 'never'));
    const pair = new Pair(new Scalar(key), created);
    if (at === -1) map.items.push(pair);
    else map.items.splice(at, 0, pair);
    target = created;
  }
  const targetSeq = target as YAMLSeq;
  const present = new Set(targetSeq.items.map((item) => String(isScalar(item) ? item.value : item)));
  for (const item of source.items) {
    const text = String(isScalar(item) ? item.value : item);
    if (present.has(text)) continue;
    present.add(text);
    targetSeq.items.push(item);
  }
}

/** Each limit as the smallest any of the presets sets (they all have the defaults today). */
function strictestLimits(base: Document.Parsed, texts: readonly string[]): void {
  const limits = texts.map((text) => parsePolicy(text).limits);
  const min = (key: 'file' | 'repoFile' | 'run') => Math.min(...limits.map((l) => l[key]));
  const baseLimits = limits[0] as (typeof limits)[number];
  const wanted = { file: min('file'), repo_file: min('repoFile'), run: min('run') };
  if (wanted.file === baseLimits.file && wanted.repo_file === baseLimits.repoFile && wanted.run === baseLimits.run) return;
  const node = base.get('limits', true);
  if (isMap(node)) for (const [key, value] of Object.entries(wanted)) node.set(key, value);
  else base.set('limits', base.createNode(wanted, { flow: true }));
}
