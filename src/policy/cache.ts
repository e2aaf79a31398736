// The compiled policy, cached in the git folder (artifacts-cache/policy-<hash>.json) so that the commands
// whose cost is mostly start-up (the pre-commit hook, `runs`) load no YAML parser while the policy does not
// change. An entry is named after the build that parsed it and a cheap hash of the policy text, and holds that
// text, compared whole on every read: an edited policy or an upgraded CLI misses, parses with the full loader
// (every check and message of load.ts) and writes a new entry. Only policies that parsed without error are
// cached. The cache is written atomically (temporary file, then rename) and read defensively: anything
// unexpected is a miss, never an error.
import { readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { messages } from '../messages.js';
import { POLICY_FILE, type Policy } from './policy.js';

/** Set by the bundler to a hash of the sources; the unbundled sources (tests) do not cache. */
declare const __ARTIFACTS_BUILD__: string | undefined;
const BUILD = typeof __ARTIFACTS_BUILD__ === 'string' ? __ARTIFACTS_BUILD__ : null;
const CACHE_DIR = 'artifacts-cache';
/** Entries of this build kept: a handful of policy versions. */
const KEPT_ENTRIES = 8;

interface CacheEntry {
  build: string;
  /** The policy text the entry was parsed from: a hit is an equal text, whatever the file name says. */
  text: string;
  policy: Omit<Policy, 'locate' | 'text'>;
  /** Where each key sits, for Policy.locate: key -> [line, column]. */
  locations: Record<string, [number, number]>;
}

/** The keys a policy's messages can name, to keep their locations (others map to 1:1, as in load.ts). */
function keysOf(policy: Policy): string[] {
  const keys = ['version', 'roots', 'never', 'limits', 'limits.file', 'limits.repo_file', 'limits.run'];
  for (const root of policy.roots) {
    const key = `roots[${root.index}]`;
    keys.push(key, ...['path', 'run', 'track', 'root_track', 'ignore', 'manifest', 'snapshot', 'fields', 'counts', 'last_updated'].map((k) => `${key}.${k}`));
    keys.push(`${key}.snapshot.include`, `${key}.snapshot.exclude`);
    keys.push(...root.fields.map((f) => `${key}.fields.${f.name}`), ...root.counts.map((c) => `${key}.counts.${c.key}`));
  }
  return keys;
}

/**
 * The entry's file name for a policy text: FNV-1a (32 bits) of its UTF-16 units and its length. Not a
 * digest: two texts may share a name, and the entry holds its text, compared whole on every read. Loading
 * node:crypto for a digest costs more (about 5 ms) than the rest of a cache hit.
 */
function textKey(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${(hash >>> 0).toString(16).padStart(8, '0')}-${text.length}`;
}

/** parsePolicy(text, label), through the cache in `gitDir` when there is one. */
export async function parsePolicyCached(text: string, label: string, gitDir: string | null): Promise<Policy> {
  const file = BUILD === null || gitDir === null ? null : path.join(gitDir, CACHE_DIR, `policy-${BUILD}-${textKey(text)}.json`);
  if (file !== null) {
    try {
      // Synchronous, as the policy read below: a few kilobytes, read before anything else can run.
      const entry = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
      if (entry.build === BUILD && entry.text === text && entry.policy?.version === 1 && Array.isArray(entry.policy.roots)) {
        const { locations } = entry;
        return {
          ...entry.policy,
          text,
          locate: (key) => {
            const [line, column] = locations[key] ?? [1, 1];
            return { file: label, line, column, key };
          },
        };
      }
    } catch {
      // A miss: no entry yet, or one we cannot read.
    }
  }
  const { parsePolicy } = await import('./load.js');
  const policy = parsePolicy(text, label);
  if (file !== null) {
    const locations: Record<string, [number, number]> = {};
    for (const key of keysOf(policy)) {
      const { line, column } = policy.locate(key);
      if (line !== 1 || column !== 1) locations[key] = [line, column];
    }
    const { locate: _locate, text: _text, ...data } = policy;
    const entry: CacheEntry = { build: BUILD as string, text, policy: data, locations };
    try {
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(entry));
      await rename(temporary, file);
      // Entries of other builds (an upgraded CLI) are never read again; of this build's, the newest few are
      // kept (a policy edited back and forth hits), so the folder does not grow with every edit.
      const dir = path.dirname(file);
      const ours: Array<{ name: string; mtime: number }> = [];
      for (const name of await readdir(dir)) {
        if (!name.startsWith('policy-')) continue;
        if (!name.startsWith(`policy-${BUILD}-`)) await rm(path.join(dir, name), { force: true });
        else ours.push({ name, mtime: (await stat(path.join(dir, name))).mtimeMs });
      }
      ours.sort((a, b) => b.mtime - a.mtime);
      for (const { name } of ours.slice(KEPT_ENTRIES)) if (name !== path.basename(file)) await rm(path.join(dir, name), { force: true });
    } catch {
      // A read-only git folder: no cache, same answer.
    }
  }
  return policy;
}

/** loadPolicy(repoRoot) through the cache: the same refusals for a missing or unreadable file. */
export async function loadPolicyCached(repoRoot: string, gitDir: string | null): Promise<Policy> {
  let text: string;
  try {
    text = readFileSync(path.join(repoRoot, POLICY_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(messages.noPolicy(POLICY_FILE));
    throw new UserError(messages.unreadable(POLICY_FILE, (error as Error).message));
  }
  return parsePolicyCached(text, POLICY_FILE, gitDir);
}

export { gitDirOf } from '../git/discover.js';
