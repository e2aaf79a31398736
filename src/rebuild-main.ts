// `artifacts manifest rebuild`, runnable without the CLI framework: bin/artifacts.js dispatches the plain
// `manifest rebuild [--worktree] [--json]` here (a rebuild of thousands of runs should cost the walk of the
// runs, not the loading of every command), and the clipanion command runs the same function (help and any
// other spelling of the arguments go through the CLI).
import { openPolicyContext } from './commands/context.js';
import { reportError, warn } from './errors.js';
import { rebuildManifest } from './manifest/manifest.js';

export interface RebuildIo {
  /** Read the run files from the work tree instead of the index. */
  worktree: boolean;
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `artifacts manifest rebuild [--worktree] [--json]`; the exit code is 0. Throws on errors. */
export async function rebuildCommand({ worktree, json, stdout, stderr }: RebuildIo): Promise<number> {
  const { repo, classifier } = await openPolicyContext(process.cwd());
  const result = await rebuildManifest(repo, classifier, { from: worktree ? 'worktree' : 'index' });
  warn(stderr, result.warnings);
  if (json) stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    for (const m of result.manifests) {
      stdout.write(`${m.file}: ${m.status} (${m.runs} run${m.runs === 1 ? '' : 's'}, from the ${worktree ? 'work tree' : 'index'})\n`);
    }
  }
  return 0;
}

/** The bin's fast path: the same exit codes and error channels as through the CLI (BaseCommand). */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await rebuildCommand({ worktree: argv.includes('--worktree'), json: argv.includes('--json'), stdout: process.stdout, stderr: process.stderr });
  } catch (error) {
    return reportError(error, process.stderr);
  }
}
