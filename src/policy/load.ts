// Reads artifacts.policy.yaml into a Policy. Every refusal names file, line, column and key, and an
// unknown key comes with the nearest known one.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import bytes from 'bytes';
import { closest, distance } from 'fastest-levenshtein';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { ConfigError, type SourceLocation, UserError } from '../errors.js';
import { messages } from '../messages.js';
import { parseLiteralPath, parsePattern, parseRunPattern, PatternError, type Pattern, type PatternUse } from './pattern.js';
import { Classifier } from './classifier.js';
import { completeFields, FIELD_NAME, FieldError, parseFieldSource, RESERVED_FIELDS } from './fields.js';
import {
  DEFAULT_LIMITS,
  DEFAULT_SNAPSHOT,
  type FieldSpec,
  type Limits,
  type Policy,
  POLICY_FILE,
  type PolicyRoot,
  type SnapshotRule,
} from './policy.js';

const TOP_KEYS = ['version', 'roots', 'ignore', 'never', 'limits'] as const;
const ROOT_KEYS = ['path', 'run', 'track', 'root_track', 'ignore', 'manifest', 'snapshot', 'fields', 'counts', 'last_updated'] as const;
const SNAPSHOT_KEYS = ['include', 'exclude'] as const;
const LIMIT_KEYS = ['file', 'repo_file', 'run'] as const;

/** Reads the policy at the repository root; a missing file is a usage error that says how to create one. */
export async function loadPolicy(repoRoot: string): Promise<Policy> {
  const file = path.join(repoRoot, POLICY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(messages.noPolicy(POLICY_FILE));
    throw new UserError(messages.unreadable(POLICY_FILE, (error as Error).message));
  }
  return parsePolicy(text, POLICY_FILE);
}

/** Parses policy text; `label` is the file name used in messages. */
export function parsePolicy(text: string, label: string = POLICY_FILE): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const locateOffset = (offset: number, key: string): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: label, line, column: col, key };
  };
  const [syntaxError] = doc.errors;
  if (syntaxError) {
    const offset = syntaxError.pos[0];
    throw new ConfigError(locateOffset(offset, ''), `invalid YAML: ${syntaxError.message.split('\n')[0]}`);
  }
  const keyOffsets = new Map<string, number>();
  const fail = (node: Node | null | undefined, key: string, problem: string): never => {
    throw new ConfigError(locateOffset(node?.range?.[0] ?? keyOffsets.get(key) ?? 0, key), problem);
  };

  const top = doc.contents;
  if (!isMap(top)) fail(top, '', 'the policy must be a mapping with the keys version, roots, never and limits');
  const topMap = top as YAMLMap;
  const get = (map: YAMLMap, keyPath: string, known: readonly string[]): Map<string, Node> => {
    const values = new Map<string, Node>();
    for (const pair of map.items) {
      const keyNode = pair.key as Node;
      const name = isScalar(keyNode) ? String(keyNode.value) : '';
      const fullKey = keyPath ? `${keyPath}.${name}` : name;
      if (!known.includes(name)) {
        const nearest = closest(name, known as string[]);
        const hint = distance(name, nearest) <= Math.max(2, Math.floor(nearest.length / 3)) ? ` (did you mean "${nearest}"?)` : '';
        fail(keyNode, fullKey, `unknown key "${name}"${hint}; known keys here: ${known.join(', ')}`);
      }
      values.set(name, pair.value as Node);
      keyOffsets.set(fullKey, keyNode.range?.[0] ?? 0);
    }
    return values;
  };

  const topValues = get(topMap, '', TOP_KEYS);
  const versionNode = topValues.get('version');
  if (!versionNode) fail(topMap, 'version', 'missing: the first line of a policy is "version: 1"');
  if (!isScalar(versionNode) || (versionNode.value !== 1 && versionNode.value !== '1')) {
    fail(versionNode, 'version', `unsupported version ${JSON.stringify(isScalar(versionNode) ? versionNode.value : null)}: this tool reads version 1`);
  }

  const stringOf = (node: Node | undefined, key: string, what: string): string => {
    if (!isScalar(node) || typeof node.value !== 'string') {
      return fail(node, key, `must be ${what} (a string)${isScalar(node) ? `, not ${JSON.stringify(node.value)}` : ''}`);
    }
    return node.value;
  };
  const patternList = (node: Node | undefined, key: string, use: PatternUse): Pattern[] => {
    if (node === undefined || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) return fail(node, key, 'must be a list of patterns, e.g. ["metrics.json", "*.md"]');
    return node.items.map((item, i) => {
      const itemKey = `${key}[${i}]`;
      const text = stringOf(item as Node, itemKey, 'a pattern');
      try {
        return parsePattern(text, use);
      } catch (error) {
        if (error instanceof PatternError) return fail(item as Node, itemKey, `"${text}" ${error.message}`);
        throw error;
      }
    });
  };

  // Files above run depth: a file at most at the run folders' level, never a whole folder.
  const rootTrackList = (node: Node | undefined, key: string, levels: number): Pattern[] => {
    const patterns = patternList(node, key, 'track');
    patterns.forEach((pattern, i) => {
      const item = isSeq(node) ? (node.items[i] as Node) : node;
      if (pattern.dirOnly) fail(item, `${key}[${i}]`, `"${pattern.text}" names a folder: root_track lists files`);
      if (pattern.segments.length > levels) {
        fail(item, `${key}[${i}]`, `"${pattern.text}" lies inside the run folders (${levels} level${levels === 1 ? '' : 's'} deep): list it in \`track\`, relative to the run folder`);
      }
    });
    return patterns;
  };

  const rootsNode = topValues.get('roots');
  if (!rootsNode) fail(topMap, 'roots', 'missing: list at least one folder that holds runs');
  if (!isSeq(rootsNode) || rootsNode.items.length === 0) {
    fail(rootsNode, 'roots', 'must be a non-empty list of roots, each with at least "path" and "run"');
  }
  const roots: PolicyRoot[] = (rootsNode as unknown as { items: Node[] }).items.map((rootNode, index) => {
    const key = `roots[${index}]`;
    if (!isMap(rootNode)) return fail(rootNode, key, 'must be a mapping with path, run, track, ignore and manifest');
    const values = get(rootNode, key, ROOT_KEYS);
    const required = (name: string) => values.get(name) ?? fail(rootNode, `${key}.${name}`, `missing "${name}"`);
    const pathNode = required('path');
    const pathText = stringOf(pathNode, `${key}.path`, 'a folder relative to the repository root');
    let pathSegments: string[];
    try {
      pathSegments = parseLiteralPath(pathText);
    } catch (error) {
      if (error instanceof PatternError) return fail(pathNode, `${key}.path`, `"${pathText}" ${error.message}`);
      throw error;
    }
    const runNode = required('run');
    const runText = stringOf(runNode, `${key}.run`, 'a run folder pattern such as "{framework}/{run_id}"');
    let run;
    try {
      run = parseRunPattern(runText);
    } catch (error) {
      if (error instanceof PatternError) return fail(runNode, `${key}.run`, `"${runText}" ${error.message}`);
      throw error;
    }
    let manifest: string | undefined;
    const manifestNode = values.get('manifest');
    if (manifestNode !== undefined && !(isScalar(manifestNode) && manifestNode.value === null)) {
      manifest = stringOf(manifestNode, `${key}.manifest`, 'a file name in the root');
      try {
        if (parseLiteralPath(manifest).length !== 1 || manifest.endsWith('/')) {
          throw new PatternError('must be a file name directly in the root, without folders');
        }
      } catch (error) {
        if (error instanceof PatternError) return fail(manifestNode, `${key}.manifest`, `"${manifest}" ${error.message}`);
        throw error;
      }
    }
    const fields = parseFields(values.get('fields'), `${key}.fields`, run);
    const names = fields.map((f) => f.name);
    const fieldName = (node: Node | undefined, itemKey: string): string => {
      const name = stringOf(node, itemKey, 'a field name');
      if (!names.includes(name)) fail(node, itemKey, `"${name}" is not a field of this root; the fields are ${names.join(', ')}`);
      return name;
    };
    const counts: Array<{ key: string; field: string }> = [];
    const countsNode = values.get('counts');
    if (countsNode === undefined) {
      if (names.includes('framework')) counts.push({ key: 'frameworks', field: 'framework' });
    } else if (!(isScalar(countsNode) && countsNode.value === null)) {
      if (!isMap(countsNode)) fail(countsNode, `${key}.counts`, 'must be a mapping from a manifest key to the field it counts, e.g. { frameworks: framework }');
      for (const pair of (countsNode as YAMLMap).items) {
        const keyNode = pair.key as Node;
        const name = isScalar(keyNode) ? String(keyNode.value) : '';
        const countKey = `${key}.counts.${name}`;
        keyOffsets.set(countKey, keyNode.range?.[0] ?? 0);
        if (!FIELD_NAME.test(name) || ['version', 'last_updated', 'total_runs', 'runs'].includes(name)) {
          fail(keyNode, countKey, `"${name}" cannot be a manifest key: use letters, digits and '_', and none of version, last_updated, total_runs, runs`);
        }
        counts.push({ key: name, field: fieldName(pair.value as Node, countKey) });
      }
    }
    const lastUpdatedNode = values.get('last_updated');
    let lastUpdated: string[];
    if (lastUpdatedNode === undefined || (isScalar(lastUpdatedNode) && lastUpdatedNode.value === null)) {
      lastUpdated = names.filter((n) => n.endsWith('_time'));
    } else if (isSeq(lastUpdatedNode)) {
      lastUpdated = lastUpdatedNode.items.map((item, i) => fieldName(item as Node, `${key}.last_updated[${i}]`));
    } else {
      lastUpdated = [fieldName(lastUpdatedNode, `${key}.last_updated`)];
    }
    // snapshot: a list (what to include) or { include, exclude }; absent: DEFAULT_SNAPSHOT.
    let snapshot: SnapshotRule;
    const snapshotNode = values.get('snapshot');
    const snapshotKey = `${key}.snapshot`;
    if (snapshotNode === undefined || (isScalar(snapshotNode) && snapshotNode.value === null)) {
      snapshot = {
        include: DEFAULT_SNAPSHOT.include.map((text) => parsePattern(text, 'snapshot')),
        exclude: DEFAULT_SNAPSHOT.exclude.map((text) => parsePattern(text, 'snapshot')),
      };
    } else if (isSeq(snapshotNode)) {
      snapshot = { include: patternList(snapshotNode, snapshotKey, 'snapshot'), exclude: [] };
    } else if (isMap(snapshotNode)) {
      const parts = get(snapshotNode, snapshotKey, SNAPSHOT_KEYS);
      snapshot = {
        include: patternList(parts.get('include'), `${snapshotKey}.include`, 'snapshot'),
        exclude: patternList(parts.get('exclude'), `${snapshotKey}.exclude`, 'snapshot'),
      };
      if (!parts.has('include')) fail(snapshotNode, `${snapshotKey}.include`, 'missing "include": list what a snapshot takes, e.g. ["**"]');
    } else {
      return fail(snapshotNode, snapshotKey, 'must be a list of patterns or { include: [...], exclude: [...] }, e.g. { include: ["**"], exclude: [workspace/] }');
    }
    return {
      index,
      path: pathSegments.join('/'),
      snapshot,
      runText,
      run,
      track: patternList(values.get('track'), `${key}.track`, 'track'),
      rootTrack: rootTrackList(values.get('root_track'), `${key}.root_track`, run.length),
      ignore: patternList(values.get('ignore'), `${key}.ignore`, 'ignore'),
      ...(manifest === undefined ? {} : { manifest }),
      fields,
      counts,
      lastUpdated,
    };
  });

  // Roots may not nest: a path would then belong to two rule sets.
  roots.forEach((root, i) => {
    for (const other of roots.slice(0, i)) {
      const [a, b] = [root.path, other.path];
      if (a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`)) {
        const node = (rootsNode as unknown as { items: YAMLMap[] }).items[i]?.get('path', true) as Node | undefined;
        fail(node, `roots[${i}].path`, `"${a}" overlaps roots[${other.index}] "${b}": roots may not contain each other`);
      }
    }
  });

  const never = patternList(topValues.get('never'), 'never', 'never');
  const ignore = patternList(topValues.get('ignore'), 'ignore', 'never');
  const limits = parseLimits(topValues.get('limits'), get, fail);

  const policy: Policy = {
    version: 1,
    roots,
    never,
    ignore,
    limits,
    text,
    locate: (key) => locateOffset(keyOffsets.get(key) ?? 0, key),
  };
  // A field may only read a file the policy tracks: the manifest is a function of committed files.
  const classifier = new Classifier(policy);
  for (const root of roots) {
    const sampleRun = [root.path, ...root.run.map((s) => s.glob.replace(/[*?]/g, 'x'))].join('/');
    root.fields.forEach((field) => {
      const { source } = field;
      if (!('file' in source)) return;
      const verdict = classifier.classify(`${sampleRun}/${source.file}`);
      if (verdict !== 'track') {
        const key = `roots[${root.index}].fields.${field.name}`;
        const why = verdict === 'never' ? 'a `never` pattern matches it' : 'the policy does not track it';
        throw new ConfigError(
          locateOffset(keyOffsets.get(key) ?? 0, key),
          `reads ${source.file}, but ${why}: a field reads tracked files only (add it to \`track\`)`,
        );
      }
    });
  }
  return policy;

  function parseFields(node: Node | undefined, key: string, run: PolicyRoot['run']): FieldSpec[] {
    const written: FieldSpec[] = [];
    if (node !== undefined && !(isScalar(node) && node.value === null)) {
      if (!isMap(node)) {
        return fail(node, key, 'must be a mapping from field name to source, e.g. { total_tokens_in: "metrics.json#/total_tokens_in" }');
      }
      for (const pair of node.items) {
        const keyNode = pair.key as Node;
        const name = isScalar(keyNode) ? String(keyNode.value) : '';
        const fieldKey = `${key}.${name}`;
        keyOffsets.set(fieldKey, keyNode.range?.[0] ?? 0);
        if (!FIELD_NAME.test(name)) fail(keyNode, fieldKey, `"${name}" is not a field name: letters, digits and '_', not starting with a digit`);
        if ((RESERVED_FIELDS as readonly string[]).includes(name)) fail(keyNode, fieldKey, `"${name}" is written by the manifest itself: choose another name`);
        const valueNode = pair.value as Node;
        const text = stringOf(valueNode, fieldKey, 'a source such as "metrics.json#/total_tokens_in", "commit.txt" or "{run_id}"');
        let source;
        try {
          source = parseFieldSource(text, run);
        } catch (error) {
          if (error instanceof FieldError) return fail(valueNode, fieldKey, error.message);
          throw error;
        }
        if ((name === 'path') !== (source.kind === 'path')) {
          fail(valueNode, fieldKey, name === 'path' ? '"path" is the run folder below the root: its source is "{path}"' : '"{path}" is the field named path');
        }
        written.push({ name, text, source });
      }
    }
    return completeFields(written, run);
  }
}

function parseLimits(
  node: Node | undefined,
  get: (map: YAMLMap, keyPath: string, known: readonly string[]) => Map<string, Node>,
  fail: (node: Node | null | undefined, key: string, problem: string) => never,
): Limits {
  if (node === undefined || (isScalar(node) && node.value === null)) return { ...DEFAULT_LIMITS };
  if (!isMap(node)) return fail(node, 'limits', 'must be a mapping such as { file: 1MB, repo_file: 50MB, run: 5MB }');
  const values = get(node, 'limits', LIMIT_KEYS);
  const size = (name: (typeof LIMIT_KEYS)[number], fallback: number): number => {
    const value = values.get(name);
    if (value === undefined) return fallback;
    const raw = isScalar(value) ? value.value : undefined;
    const parsed = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*[KMGT]?i?B?\s*$/i.test(raw) ? bytes.parse(raw.replace(/iB/i, 'B')) : null;
    if (parsed === null || !Number.isFinite(parsed) || parsed <= 0) {
      return fail(value, `limits.${name}`, `${JSON.stringify(raw ?? null)} is not a size: write bytes or a number with KB, MB or GB (powers of 1024)`);
    }
    return Math.floor(parsed);
  };
  return {
    file: size('file', DEFAULT_LIMITS.file),
    repoFile: size('repo_file', DEFAULT_LIMITS.repoFile),
    run: size('run', DEFAULT_LIMITS.run),
  };
}
