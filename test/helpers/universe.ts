import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pattern } from '../../src/policy/pattern.js';
import { PROJECT_ROOT } from './repo.js';

// Path sets that exercise a policy: names chosen to collide with patterns (a folder called notes.md,
// case variants, dots, '!', '#', spaces, unicode), laid out at every depth around the run folders.
export const TRICKY_NAMES = [
  'a',
  'b c',
  'notes.md',
  'README.md',
  'metrics.json',
  'Metrics.json',
  'metadata.json',
  'commit.txt',
  'workspace',
  'artifacts',
  'run.log',
  'run.tar.gz',
  'app.zip',
  'secrets.json',
  '.env',
  'key.pem',
  '.hidden',
  'files',
  'config.yaml',
  'x.json',
  'media',
  '_sources',
  'runs_manifest.json',
  'é.md',
  '実験',
  '!bang.md',
  '#hash.md',
  'run-1-abc',
  'version_3',
];

/** A deterministic PRNG (mulberry32), so a failing case can be replayed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` distinct file paths under `root`, each 1 to `maxDepth` levels deep; every folder on the way is
 * implied. With `extraNames` the names of the policy's own literals join the tricky ones.
 */
export function samplePaths(root: string, count: number, maxDepth: number, seed: number, extraNames: string[] = []): string[] {
  const names = [...TRICKY_NAMES, ...extraNames];
  const rand = prng(seed);
  const paths = new Set<string>();
  const folders = new Set<string>();
  for (let tries = 0; paths.size < count && tries < count * 20; tries++) {
    const depth = 1 + Math.floor(rand() * maxDepth);
    const segments = Array.from({ length: depth }, () => names[Math.floor(rand() * names.length)] as string);
    const file = `${root}/${segments.join('/')}`;
    // A path cannot be both a file and a folder: keep the first use.
    const above = segments.slice(0, -1).map((_, i) => `${root}/${segments.slice(0, i + 1).join('/')}`);
    if (paths.has(file) || folders.has(file) || above.some((folder) => paths.has(folder))) continue;
    paths.add(file);
    for (const folder of above) folders.add(folder);
  }
  return [...paths];
}

/**
 * File paths shaped by a policy root: most follow the run pattern and a track, ignore or never pattern
 * with its wildcards filled in by tricky names (so both verdicts are frequent), the rest are random.
 */
export function samplePolicyPaths(
  root: { path: string; run: Array<{ glob: string }>; track: Pattern[]; rootTrack: Pattern[]; ignore: Pattern[]; manifest?: string },
  never: Pattern[],
  count: number,
  seed: number,
): string[] {
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const name = () => pick(TRICKY_NAMES);
  const fill = (glob: string) =>
    glob === '**'
      ? Array.from({ length: Math.floor(rand() * 3) }, name).join('/')
      : glob.replace(/\*/g, () => (rand() < 0.3 ? '' : pick(['z', name(), 'x.y']))).replace(/\?/g, () => pick(['q', 'é', '.']));
  const paths = new Set<string>();
  const folders = new Set<string>();
  for (let tries = 0; paths.size < count && tries < count * 20; tries++) {
    const runLevels = root.run.map((s) => (rand() < 0.9 ? fill(s.glob) : name()));
    const roll = rand();
    if (roll < 0.1) {
      // Beside or above the run folders: root-level files, the manifest, and folders named like them.
      const above = [...root.rootTrack.map((p) => p.segments.map(fill)), ...(root.manifest ? [[root.manifest]] : [])];
      const chosen = above.length > 0 && rand() < 0.7 ? pick(above) : runLevels.slice(0, 1 + Math.floor(rand() * runLevels.length));
      const extra = rand() < 0.3 ? [name()] : [];
      const segments = [...chosen, ...extra].join('/').split('/');
      if (segments.some((s) => s === '' || s === '.' || s === '..')) continue;
      const file = [root.path, ...segments].join('/');
      const folderPaths = segments.slice(0, -1).map((_, i) => [root.path, ...segments.slice(0, i + 1)].join('/'));
      if (paths.has(file) || folders.has(file) || folderPaths.some((f) => paths.has(f))) continue;
      paths.add(file);
      for (const f of folderPaths) folders.add(f);
      continue;
    }
    const segments: string[] = runLevels;
    const patterns = roll < 0.5 ? root.track : roll < 0.7 ? root.ignore : roll < 0.8 ? never : [];
    if (patterns.length > 0) {
      const pattern = pick(patterns);
      segments.push(...pattern.segments.map(fill).join('/').split('/').filter((s) => s !== ''));
      if (pattern.dirOnly || rand() < 0.2) segments.push(...Array.from({ length: 1 + Math.floor(rand() * 2) }, name));
    } else {
      segments.push(...Array.from({ length: 1 + Math.floor(rand() * 3) }, name));
    }
    if (segments.some((s) => s === '' || s === '.' || s === '..')) continue;
    const file = [root.path, ...segments].join('/');
    const above = segments.slice(0, -1).map((_, i) => [root.path, ...segments.slice(0, i + 1)].join('/'));
    if (paths.has(file) || folders.has(file) || above.some((folder) => paths.has(folder))) continue;
    paths.add(file);
    for (const folder of above) folders.add(folder);
  }
  return [...paths];
}

/**
 * Where git folds case (core.ignoreCase), two spellings of one folder are one folder: drops every path
 * that spells an already seen folder or file differently, as a case-insensitive file system would.
 */
export function oneSpellingPerFolder(files: readonly string[]): string[] {
  const spelling = new Map<string, string>();
  return files.filter((file) => {
    const prefixes = file.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    if (prefixes.some((prefix) => (spelling.get(prefix.toLowerCase()) ?? prefix) !== prefix)) return false;
    for (const prefix of prefixes) spelling.set(prefix.toLowerCase(), prefix);
    return true;
  });
}

/** Policies that exercise the compiler: the default, nested and overlapping track folders, two roots. */
export const POLICIES: Record<string, string> = {
  default: readFileSync(path.join(PROJECT_ROOT, 'policies', 'runs.yaml'), 'utf8'),
  nested: [
    'version: 1',
    'roots:',
    '  - path: wandb',
    '    run: "run-*-{run_id}"',
    '    track: [files/config.yaml, "files/*.json", "*/x.json", _sources/, "*.md"]',
    '    ignore: [files/media/, "*.log", "a/*.md"]',
    'never: ["*.pem", secrets.json, "files/.env"]',
  ].join('\n'),
  deep: [
    'version: 1',
    'roots:',
    '  - path: exp/out',
    '    run: "{suite}/a/{model}"',
    '    track: ["*", "*/*.json", "metrics.json"]',
    '    root_track: ["*/metrics.json", "summary.md", "*/a/*.csv"]',
    '    manifest: index.json',
    '    ignore: [workspace/]',
    '  - path: lightning_logs',
    '    run: "version_{n}"',
    '    track: [config.yaml, "?.md"]',
  ].join('\n'),
};

/** A one-root policy with small limits, for tests of the size rules (limits in KB, as the policy writes them). */
export const smallLimitsPolicy = (file: number, repoFile: number, run: number): string => `version: 1
roots:
  - path: runs
    run: "{framework}/{run_id}"
    track: [metrics.json, "*.md"]
    ignore: ["*.log"]
never: [secrets.json]
limits: { file: ${file}KB, repo_file: ${repoFile}KB, run: ${run}KB }
`;
