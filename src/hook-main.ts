// `artifacts hook pre-commit`, runnable without the CLI framework: bin/artifacts.js dispatches the plain
// `hook pre-commit [--json]` here (it runs on every commit, so it loads only what the hook needs), and the
// clipanion command calls the same function (help, and any other spelling of the arguments).
import type { AfterPassStep, PreCommitResult } from './core/precommit.js';
import { reportError, warn } from './errors.js';
import type { Repo } from './git/repo.js';

/** Once the checks pass: the run manifests, re-read from the index for the runs the commit touches. */
const refreshManifests: AfterPassStep = async ({ repo, classifier, touched, listed }) => {
  if (!classifier.policy.roots.some((root) => root.manifest !== undefined) || touched.length === 0) return { notes: [], warnings: [] };
  const { refreshManifestsFromIndex } = await import('./manifest/manifest.js');
  const result = await refreshManifestsFromIndex(repo, classifier, touched, { listed });
  return { notes: result.written.map((file) => `${file}: refreshed and staged`), warnings: result.warnings };
};

export interface HookIo {
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The hook's checks on the index; the exit code: 0 lets the commit go on, 1 blocks it. Throws on errors. */
export async function hookPreCommit({ json, stdout, stderr }: HookIo): Promise<number> {
  if (process.env.ARTIFACTS_SKIP === '1') {
    const { messages } = await import('./messages.js');
    stderr.write(`${messages.hook.skipped}\n`);
    return 0;
  }
  const [{ openRepo, configBool }, { findWorkTree }, { loadPreCommit, runPreCommit }, { renderHook }, { ObjectReader }, { touchedPaths }] = await Promise.all([
    import('./git/repo.js'),
    import('./git/discover.js'),
    import('./core/precommit.js'),
    import('./render.js'),
    import('./git/git.js'),
    import('./git/staged.js'),
  ]);
  // git runs the hook at the top of the work tree: when that is plainly so (a .git here, no GIT_DIR), the
  // root needs no git process, and core.ignoreCase is asked alongside the policy and the staged diff.
  const cwd = process.cwd();
  const found = findWorkTree(cwd);
  let ignoreCase: Promise<boolean> | undefined;
  let repo: Repo;
  if (found !== null && found.root === cwd) {
    repo = { root: cwd, ignoreCase: false };
    ignoreCase = configBool(cwd, 'core.ignorecase').then((value) => value ?? false, () => false);
  } else {
    repo = await openRepo(cwd);
  }
  // One cat-file process for every read of the hook (the policy, the runs' source files, the manifests).
  repo.objects = new ObjectReader({ cwd: repo.root });
  let result: PreCommitResult;
  try {
    const { classifier, source, diff } = await loadPreCommit(repo, ignoreCase);
    // The manifests the refresh will splice into, read while the checks run (when the commit touches a root).
    if (touchedPaths(diff).some((file) => classifier.rootOf(file) !== undefined)) {
      const { manifestTargets, headManifestSpec } = await import('./manifest/manifest.js');
      repo.objects.prefetch(manifestTargets(classifier).map(headManifestSpec));
    }
    result = await runPreCommit(repo, classifier, { policySource: source, diff, afterPass: [refreshManifests] });
  } catch (error) {
    await repo.objects.close().catch(() => {}); // the first failure is the one to report
    throw error;
  }
  await repo.objects.close();
  warn(stderr, result.warnings);
  stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : renderHook(result));
  return result.ok ? 0 : 1;
}

/** The bin's fast path: the same exit codes and error channels as through the CLI (BaseCommand). */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await hookPreCommit({ json: argv.includes('--json'), stdout: process.stdout, stderr: process.stderr });
  } catch (error) {
    return reportError(error, process.stderr);
  }
}
