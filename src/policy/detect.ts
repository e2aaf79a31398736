// Which presets fit a repository, from a bounded look at its top levels. Each detector names the file
// that convinced it (the evidence). Nothing here walks a tree: every folder is read through `list`, which
// returns at most `max` entries (an opendir that stops early, so a folder of a million runs costs the same
// as one of ten), each probe has a budget of folder reads, and symbolic links are never followed.
import { type Dirent, lstatSync, opendirSync } from 'node:fs';
import path from 'node:path';
import { messages } from '../messages.js';
import { DEFAULT_PRESET, type PresetChoice } from './presets.js';

export interface DetectedEntry {
  name: string;
  isDir: boolean;
  isFile: boolean;
}

/** The file-system reads detection may do. Relative paths are '/'-separated, from the repository root. */
export interface DetectIo {
  /** At most `max` entries of a folder (in the file system's order); [] when it is not a readable folder. */
  list(rel: string, max: number): DetectedEntry[];
  /** Whether `rel` is a regular file (a symbolic link is not). */
  isFile(rel: string): boolean;
  /** Whether `rel` is a folder (a symbolic link to one is not). */
  isDir(rel: string): boolean;
}

export function fsIo(repoRoot: string): DetectIo {
  const abs = (rel: string) => (rel === '' ? repoRoot : path.join(repoRoot, ...rel.split('/')));
  const stat = (rel: string) => {
    try {
      return lstatSync(abs(rel));
    } catch {
      return null;
    }
  };
  return {
    list(rel, max) {
      let dir;
      try {
        dir = opendirSync(abs(rel));
      } catch {
        return [];
      }
      const entries: DetectedEntry[] = [];
      try {
        let entry: Dirent | null;
        while (entries.length < max && (entry = dir.readSync()) !== null) {
          entries.push({ name: entry.name, isDir: entry.isDirectory(), isFile: entry.isFile() });
        }
      } catch {
        // an unreadable folder: what was read so far
      } finally {
        dir.closeSync();
      }
      return entries;
    },
    isFile: (rel) => stat(rel)?.isFile() ?? false,
    isDir: (rel) => stat(rel)?.isDirectory() ?? false,
  };
}

/** Entries read per folder. */
export const PEEK = 32;
/** Entries read at the repository root. */
export const ROOT_PEEK = 256;
/** Folder reads per probe (a probe looks for one layout under one folder). */
export const PROBE_BUDGET = 24;

export interface Finding {
  preset: string;
  /** The file (or folder, ending in '/') that shows the layout, relative to the repository root. */
  evidence: string;
  /** The roots of the preset found on disk (a preset with several roots, such as hydra); all when absent. */
  roots?: string[];
  /** The folder the preset's one root was found in, when the preset lets the user choose it (sacred). */
  rootPath?: string;
}

export interface Detection {
  findings: Finding[];
  /** What was found and why, one sentence each, for the user. */
  notes: string[];
  /** The presets to combine. */
  choices: PresetChoice[];
}

type Level = (name: string) => boolean;
type Leaf = (dir: string) => string | null;

const any: Level = () => true;
const named = (literal: string): Level => (name) => name === literal;
const matching = (re: RegExp): Level => (name) => re.test(name);
const fileAmong = (io: DetectIo, names: readonly string[]): Leaf => (dir) => {
  for (const name of names) if (io.isFile(`${dir}/${name}`)) return `${dir}/${name}`;
  return null;
};

/**
 * Looks for a leaf under `base` through folders whose names pass `levels`, depth first, reading at most
 * PEEK entries per folder and PROBE_BUDGET folders in all.
 */
function probe(io: DetectIo, base: string, levels: readonly Level[], leaf: Leaf): string | null {
  let budget = PROBE_BUDGET;
  const descend = (dir: string, depth: number): string | null => {
    if (depth === levels.length) return leaf(dir);
    if (budget-- <= 0) return null;
    const level = levels[depth] as Level;
    for (const entry of io.list(dir, PEEK)) {
      if (!entry.isDir || !level(entry.name)) continue;
      const found = descend(`${dir}/${entry.name}`, depth + 1);
      if (found !== null) return found;
      if (budget <= 0) return null;
    }
    return null;
  };
  return io.isDir(base) ? descend(base, 0) : null;
}

const HYDRA_DATE = /^\d{4}-\d{2}-\d{2}$/;
const HYDRA_TIME = /^\d{2}-\d{2}-\d{2}$/;
const WANDB_RUN = /^(offline-)?run-\d{8}_\d{6}-[A-Za-z0-9]+$/;

/** The folders of the known layouts: a sacred basedir is any other folder of the right shape. */
const KNOWN_FOLDERS = new Set(['mlruns', 'wandb', 'outputs', 'multirun', 'lightning_logs', '.runs', '_artifacts', 'results', 'runs']);
const NEVER_SACRED = new Set(['.git', 'node_modules', '.venv', 'venv', '__pycache__', '.husky']);

export function detectPresets(repoRoot: string, io: DetectIo = fsIo(repoRoot)): Detection {
  const findings: Finding[] = [];
  const notes: string[] = [];
  const leafFiles = (names: readonly string[]) => fileAmong(io, names);

  // runs/ is shared by two layouts: the deeper, more specific one wins, and the note says so.
  const llmEval = probe(io, 'runs', [any, any, any, any, any], leafFiles(['results.summary.json', 'results.jsonl', 'run.manifest.json']));
  const runs = probe(io, 'runs', [any, any], leafFiles(['metrics.json', 'metadata.json', 'commit.txt']));
  if (llmEval !== null) {
    findings.push({ preset: 'llm-eval', evidence: llmEval });
    if (runs !== null) notes.push(messages.detect.dropped('runs', 'llm-eval', 'runs'));
  } else if (runs !== null) findings.push({ preset: 'runs', evidence: runs });

  const orchestrator = probe(io, '.runs', [any, named('cli'), any], leafFiles(['manifest.json']));
  if (orchestrator !== null) findings.push({ preset: 'orchestrator', evidence: orchestrator });

  const experiments = probe(io, '_artifacts/experiments', [any], leafFiles(['experiment_plan.json', 'experiment_results.json', 'experiment_plan_full.json']));
  if (experiments !== null) findings.push({ preset: 'experiments', evidence: experiments });

  const results = io.isDir('results') ? io.list('results', PEEK).find((e) => e.isFile && e.name.endsWith('.jsonl')) : undefined;
  if (results !== undefined) findings.push({ preset: 'results', evidence: `results/${results.name}` });

  const notSpecial = (name: string) => !name.startsWith('.') && name !== 'models';
  const mlflow =
    probe(io, 'mlruns', [notSpecial, notSpecial], leafFiles(['meta.yaml'])) ??
    probe(io, 'mlruns', [notSpecial], leafFiles(['meta.yaml']));
  if (mlflow !== null) findings.push({ preset: 'mlflow', evidence: mlflow });

  const wandb = probe(io, 'wandb', [matching(WANDB_RUN)], (dir) => {
    const id = dir.slice(dir.lastIndexOf('-') + 1);
    return fileAmong(io, ['files/wandb-metadata.json', 'files/config.yaml', 'files/wandb-summary.json', `run-${id}.wandb`])(dir) ?? (io.isDir(`${dir}/files`) ? `${dir}/files/` : null);
  });
  if (wandb !== null) findings.push({ preset: 'wandb', evidence: wandb });

  const hydraRun = probe(io, 'outputs', [matching(HYDRA_DATE), matching(HYDRA_TIME)], leafFiles(['.hydra/config.yaml', '.hydra/hydra.yaml']));
  const hydraSweep = probe(io, 'multirun', [matching(HYDRA_DATE), matching(HYDRA_TIME)], (dir) =>
    fileAmong(io, ['multirun.yaml'])(dir) ?? probe(io, dir, [matching(/^\d+$/)], leafFiles(['.hydra/config.yaml'])),
  );
  if (hydraRun !== null || hydraSweep !== null) {
    const found = [...(hydraRun === null ? [] : [{ root: 'outputs', evidence: hydraRun }]), ...(hydraSweep === null ? [] : [{ root: 'multirun', evidence: hydraSweep }])];
    findings.push({ preset: 'hydra', evidence: found.map((f) => f.evidence).join(', '), roots: found.map((f) => f.root) });
  }

  const lightning = probe(io, 'lightning_logs', [matching(/^version_\d+$/)], (dir) =>
    fileAmong(io, ['hparams.yaml', 'metrics.csv'])(dir) ?? (io.list(dir, PEEK).find((e) => e.isFile && e.name.startsWith('events.out.tfevents.')) ? `${dir}/events.out.tfevents.*` : null),
  );
  if (lightning !== null) findings.push({ preset: 'lightning', evidence: lightning });

  // Sacred's basedir is the user's choice: a top-level folder holding <number>/run.json and config.json.
  const claimed = new Set(findings.flatMap((f) => (f.roots ?? [f.evidence.split('/')[0] as string])));
  for (const entry of io.list('', ROOT_PEEK)) {
    if (!entry.isDir || NEVER_SACRED.has(entry.name) || claimed.has(entry.name)) continue;
    if (KNOWN_FOLDERS.has(entry.name) && entry.name !== 'runs' && entry.name !== 'results') continue;
    const run = probe(io, entry.name, [matching(/^\d+$/)], (dir) => (io.isFile(`${dir}/config.json`) ? fileAmong(io, ['run.json'])(dir) : null));
    if (run === null) continue;
    findings.push({ preset: 'sacred', evidence: run, ...(entry.name === 'my_runs' ? {} : { rootPath: entry.name }) });
    break;
  }

  if (findings.length === 0) {
    notes.push(messages.detect.nothing(DEFAULT_PRESET));
    return { findings, notes, choices: [{ name: DEFAULT_PRESET }] };
  }
  const choices = findings.map((f) => ({
    name: f.preset,
    ...(f.roots === undefined ? {} : { roots: f.roots }),
    ...(f.rootPath === undefined ? {} : { rootPath: f.rootPath }),
  }));
  return { findings, notes: [...findings.map((f) => messages.detect.found(f.preset, f.evidence)), ...notes], choices };
}
