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
  /** File name of the root's manifest, directly in the root; always tracked. */
  manifest?: string;
}

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
  limits: Limits;
  /** Where a key sits in the policy file (for messages about it). */
  locate(key: string): SourceLocation;
}

export const DEFAULT_LIMITS: Limits = { file: 1024 ** 2, repoFile: 50 * 1024 ** 2, run: 5 * 1024 ** 2 };
