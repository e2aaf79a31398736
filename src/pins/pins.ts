// artifacts.pins.json: the run files that `artifacts snapshot` committed on purpose although the policy
// ignores them. check (and the pre-commit hook) read it so that a pinned path is accepted, not a finding.
// The file is tracked at the repository root, written whole and deterministically: sorted paths, one per
// line, a final newline, so that two snapshots of the same runs produce the same bytes and diffs stay small.
import path from 'node:path';
import { readIfExists } from '../fs/atomic.js';
import { UserError } from '../errors.js';
import { messages } from '../messages.js';

export const PINS_FILE = 'artifacts.pins.json';

export interface PinnedSnapshot {
  /** The snapshot's name, as in the commit's `Artifacts-Snapshot` trailer (and its tag, with --tag). */
  name: string;
  /** The run folders it took, relative to the repository root, sorted. */
  runs: string[];
  /** Every file it committed, relative to the repository root, sorted. */
  paths: string[];
}

export interface PinsData {
  version: 1;
  /** In the order they were taken. */
  snapshots: PinnedSnapshot[];
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The pinned paths of a repository, with a constant-time `isPinned`. Immutable: `with` returns a new one. */
export class Pins {
  private readonly pinned: Set<string>;

  constructor(readonly data: PinsData = { version: 1, snapshots: [] }) {
    this.pinned = new Set(data.snapshots.flatMap((s) => s.paths));
  }

  /** Whether some snapshot pinned this exact path (relative to the repository root, '/'-separated). */
  isPinned(file: string): boolean {
    return this.pinned.has(file);
  }

  get size(): number {
    return this.pinned.size;
  }

  get names(): string[] {
    return this.data.snapshots.map((s) => s.name);
  }

  /** These pins plus one snapshot (replacing an earlier one of the same name). */
  with(snapshot: PinnedSnapshot): Pins {
    const record = { name: snapshot.name, runs: [...new Set(snapshot.runs)].sort(byCodeUnit), paths: [...new Set(snapshot.paths)].sort(byCodeUnit) };
    return new Pins({ version: 1, snapshots: [...this.data.snapshots.filter((s) => s.name !== snapshot.name), record] });
  }

  /** The file's bytes: deterministic JSON, one path per line, final newline. */
  serialize(): string {
    return `${JSON.stringify(this.data, null, 2)}\n`;
  }
}

/** Reads pins text; anything malformed is a usage error naming the file (fix it or restore it from git). */
export function parsePins(text: string, label: string = PINS_FILE): Pins {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UserError(messages.pins.malformed(label, (error as Error).message));
  }
  const bad = (why: string): never => {
    throw new UserError(messages.pins.malformed(label, why));
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('not a JSON object');
  const object = raw as { version?: unknown; snapshots?: unknown };
  if (object.version !== 1) bad(`unsupported version ${JSON.stringify(object.version ?? null)}: this tool reads version 1`);
  if (!Array.isArray(object.snapshots)) bad('"snapshots" must be a list');
  const strings = (value: unknown, where: string): string[] => {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return bad(`${where} must be a list of strings`);
    return value as string[];
  };
  const snapshots = (object.snapshots as unknown[]).map((entry, i): PinnedSnapshot => {
    if (typeof entry !== 'object' || entry === null) return bad(`snapshots[${i}] must be an object`);
    const { name, runs, paths } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') return bad(`snapshots[${i}].name must be a non-empty string`);
    return { name, runs: strings(runs, `snapshots[${i}].runs`), paths: strings(paths, `snapshots[${i}].paths`) };
  });
  return new Pins({ version: 1, snapshots });
}

/** The repository's pins; none when the file does not exist. */
export async function loadPins(repoRoot: string): Promise<Pins> {
  const text = await readIfExists(path.join(repoRoot, PINS_FILE));
  return text === null ? new Pins() : parsePins(text);
}
