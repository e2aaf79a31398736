import type { SourceLocation } from '../errors.js';
import type { Pattern, RunSegment } from './pattern.js';

export const POLICY_FILE = 'artifacts.policy.yaml';

export interface PolicyRoot {
  /** Position in `roots`, for messages. */
  index: number;
  /** Folder holding the runs, relative to the repository root, '/'-separated, no trailing '/'. */
  path: string;
  /** The run pattern as written, e.g. "{framework}/{run_id}". */
  runText: string;
  run: RunSegment[];
  /** Relative to the run folder. */
  track: Pattern[];
  /** Relative to the root, for files above run depth (a task's metrics beside its runs). */
  rootTrack: Pattern[];
  /** Relative to the run folder. */
  ignore: Pattern[];
  /** Which files of a run `artifacts snapshot` commits, relative to the run folder. `never` always stays out. */
  snapshot: SnapshotRule;
  /** File name of the root's manifest, directly in the root; always tracked. */
  manifest?: string;
  /** The manifest's row fields, in row key order (captures and `path` included). */
  fields: FieldSpec[];
  /** Top-level count objects of the manifest: key name -> field counted (e.g. frameworks -> framework). */
  counts: Array<{ key: string; field: string }>;
  /** Fields whose latest value is the manifest's `last_updated`. */
  lastUpdated: string[];
}

/** Where a manifest field's value comes from. */
export type FieldSource =
  /** A {name} capture of the run pattern. */
  | { kind: 'capture'; capture: string }
  /** The run folder relative to the root. */
  | { kind: 'path' }
  /** A JSON pointer into a JSON or YAML file of the run. */
  | { kind: 'json' | 'yaml'; file: string; pointer: string[] }
  /** A JSON pointer into the last record of a JSON Lines file. */
  | { kind: 'jsonl'; file: string; pointer: string[] }
  /** A column of the last non-empty row of a CSV file (header row first). */
  | { kind: 'csv'; file: string; column: string }
  /** The value of the last `timestamp value step` line of an MLflow metric file. */
  | { kind: 'mlflow'; file: string }
  /** The first line of a text file. */
  | { kind: 'line'; file: string };

export interface FieldSpec {
  name: string;
  /** As written in the policy (or implied). */
  text: string;
  source: FieldSource;
}

export interface SnapshotRule {
  /** A file is in the snapshot when one of these matches it (or a folder above it)... */
  include: Pattern[];
  /** ...and none of these does. */
  exclude: Pattern[];
}

/** The snapshot rule of a root that does not say: every file of the run but its workspace/ (the runs preset's). */
export const DEFAULT_SNAPSHOT = { include: ['**'], exclude: ['workspace/'] } as const;

export interface Limits {
  /** Largest blob under a root, in bytes. */
  file: number;
  /** Largest blob anywhere else in the repository. */
  repoFile: number;
  /** Largest total of a run's tracked files. */
  run: number;
}

export interface Policy {
  version: 1;
  roots: PolicyRoot[];
  never: Pattern[];
  /** Ignored anywhere in the repository, roots included (after `never`, before `track`). */
  ignore: Pattern[];
  limits: Limits;
  /** The YAML text it was parsed from (lets worker threads compile the same policy). */
  text?: string;
  /** Where a key sits in the policy file (for messages about it). */
  locate(key: string): SourceLocation;
}

export const DEFAULT_LIMITS: Limits = { file: 1024 ** 2, repoFile: 50 * 1024 ** 2, run: 5 * 1024 ** 2 };
