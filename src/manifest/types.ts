// Types shared by the manifest modules and the library API. No imports: `artifacts runs` loads this path.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One run's row: the root's fields in policy order, then `errors` when a source file was malformed. */
export type Row = Record<string, JsonValue> & { errors?: string[] };

/** The manifest of one root, as written to disk. */
export interface Manifest {
  version: string;
  /** The latest time among the rows' `last_updated` fields; null when no row has one. Never the wall clock. */
  last_updated: string | null;
  total_runs: number;
  /** Count objects (e.g. `frameworks`), by manifest key. */
  counts: Record<string, Record<string, number>>;
  runs: Row[];
}

export const MANIFEST_VERSION = '1.0';
