// `artifacts runs`, runnable without the CLI framework: its cost is Node's start-up plus reading the
// manifest, so bin/artifacts.js sends it here when node:util's strict parser reads the arguments plainly
// (anything else, `--help` included, goes through clipanion). The clipanion command runs the same function.
import { parseArgs } from 'node:util';
import { reportError, UserError } from './errors.js';
import { messages } from './messages.js';
import { locateManifests } from './manifest/locate.js';
import { findRuns, parseCondition, prefilterOf, renderCsv, renderTable } from './manifest/query.js';
import { readManifestRows } from './manifest/read.js';
import type { Row } from './manifest/types.js';

export interface RunsOptions {
  where: readonly string[];
  sort?: string | undefined;
  limit?: string | undefined;
  json: boolean;
  csv: boolean;
}

export interface RunsIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `artifacts runs`: the manifests' rows that pass every `--where`, sorted and limited. Throws UserError. */
export async function runsCommand(options: RunsOptions, { stdout, stderr }: RunsIo): Promise<number> {
  if (options.json && options.csv) throw new UserError(messages.manifest.formats);
  const conditions = options.where.map((text) => {
    const condition = parseCondition(text);
    if (condition === null) throw new UserError(messages.manifest.badWhere(text));
    return condition;
  });
  let limit: number | undefined;
  if (options.limit !== undefined) {
    if (!/^\d+$/.test(options.limit)) throw new UserError(messages.manifest.badLimit(options.limit));
    limit = Number(options.limit);
  }
  const rows: Row[] = [];
  let total = 0;
  // Every key of every row, in order of first appearance (a Set keeps insertion order).
  const seen = new Set<string>();
  // Only the rows that can pass are parsed, when a condition names text they must hold.
  const needle = prefilterOf(conditions);
  for (const { file, label, root } of await locateManifests(process.cwd())) {
    const read = readManifestRows(file, label, root, needle);
    for (const key of read.keys) seen.add(key);
    for (const row of read.rows) rows.push(row);
    total += read.total;
  }
  const columns = [...seen];
  for (const name of [...conditions.map((c) => c.field), ...(options.sort ? [options.sort.replace(/^-/, '')] : [])]) {
    if (total > 0 && !columns.includes(name)) throw new UserError(messages.manifest.unknownField(name, columns));
  }
  const found = findRuns(rows, { where: conditions, ...(options.sort ? { sort: options.sort } : {}), ...(limit === undefined ? {} : { limit }) });
  if (options.json) stdout.write(`${JSON.stringify(found, null, 2)}\n`);
  else if (options.csv) stdout.write(renderCsv(found, columns));
  else {
    stdout.write(renderTable(found, columns));
    stderr.write(`${found.length} of ${total} run${total === 1 ? '' : 's'}\n`);
  }
  return 0;
}

/**
 * The bin's fast path. `undefined` when the arguments are not plainly the documented options (`--help`, a
 * value that starts with a dash without `=`, anything unknown): the bin then runs the CLI, whose parser has
 * the last word on every spelling and error.
 */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  let options: RunsOptions;
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        where: { type: 'string', multiple: true },
        sort: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
      },
    });
    options = { where: values.where ?? [], sort: values.sort, limit: values.limit, json: values.json ?? false, csv: values.csv ?? false };
  } catch {
    return undefined;
  }
  try {
    return await runsCommand(options, { stdout: process.stdout, stderr: process.stderr });
  } catch (error) {
    return reportError(error, process.stderr);
  }
}
