// `artifacts check`, runnable without the CLI framework: bin/artifacts.js dispatches the plain
// `check [--json]` here (its cost is start-up and git's walk of the tree, so it loads only what check
// needs), and the clipanion command runs the same function (help, --staged, --range and any other
// spelling of the arguments go through the CLI).
import type { CheckListings } from './core/check.js';
import { reportError, warn } from './errors.js';
import type { Repo } from './git/repo.js';
import type { Classifier } from './policy/classifier.js';
import type { Policy } from './policy/policy.js';

export interface CheckIo {
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `artifacts check [--json]`; the exit code: 0 clean, 1 findings. Throws on errors. */
export async function checkCommand({ json, stdout, stderr }: CheckIo): Promise<number> {
  const { repo, classifier, listings, later } = await openCheck(process.cwd());
  const [{ runCheck }, { renderCheck }] = await later;
  const result = await runCheck(repo, classifier, undefined, listings);
  if (json) {
    const { ok, violations, warnings, pinned } = result;
    stdout.write(`${JSON.stringify({ ok, violations, warnings, pinned }, null, 2)}\n`);
  } else {
    stdout.write(renderCheck(result));
  }
  warn(stderr, result.warnings);
  return result.ok ? 0 : 1;
}

/**
 * openPolicyContext() for check, with git's walks started before anything else. Most of check's time is
 * git listing the tree and node loading code: when the root is plainly found (discover.ts), the listings
 * start at once, and the rest loads, and git is asked for the root and core.ignoreCase, while git walks.
 * git's answer for the root decides: listings started at another root are dropped and run again.
 * `later`: the modules that run and print the check, loading meanwhile.
 */
async function openCheck(cwd: string): Promise<{
  repo: Repo;
  classifier: Classifier;
  listings: CheckListings | undefined;
  later: Promise<[typeof import('./core/check.js'), typeof import('./render.js')]>;
}> {
  const [git, { findWorkTree, gitDirOf }, { loadPolicyCached }] = await Promise.all([
    import('./git/repo.js'),
    import('./git/discover.js'),
    import('./policy/cache.js'),
  ]);
  // A promise that may be dropped unread when an earlier step fails: its failure is not an unhandled one.
  const quiet = <T>(promise: Promise<T>): Promise<T> => {
    promise.catch(() => {});
    return promise;
  };
  const found = findWorkTree(cwd);
  let early: { root: string; policy: Promise<Policy>; listings: CheckListings | undefined } | undefined;
  if (found) {
    const at: Repo = { root: found.root, ignoreCase: false };
    const policy = quiet(loadPolicyCached(found.root, found.gitDir));
    // The walk of the whole tree (with the index) needs no policy; the walk under the roots waits for the roots.
    const gitWarnings: string[] = [];
    const both = quiet(git.listIndexAndUntracked(at, gitWarnings));
    const rootPaths = await policy.then(
      (loaded) => loaded.roots.map((root) => root.path),
      () => undefined,
    );
    const listings = rootPaths && {
      ignoredUntracked: quiet(git.listIgnoredUntracked(at, rootPaths, gitWarnings)),
      ignoredTracked: quiet(git.listIgnoredTracked(at, rootPaths)),
      index: quiet(both.then((listed) => listed.index)),
      untracked: quiet(both.then((listed) => listed.untracked)),
      gitWarnings,
    };
    early = { root: found.root, policy, listings };
  }
  const opened = Promise.all([git.openRepo(cwd), git.requireGitVersion(cwd)]);
  const later = quiet(Promise.all([import('./core/check.js'), import('./render.js')]));
  const [{ Classifier }] = await Promise.all([import('./policy/classifier.js'), quiet(opened)]);
  const [repo] = await opened;
  const same = early?.root === repo.root ? early : undefined;
  const policy = await (same?.policy ?? loadPolicyCached(repo.root, gitDirOf(repo.root)));
  return { repo, classifier: new Classifier(policy, { ignoreCase: repo.ignoreCase }), listings: same?.listings, later };
}

/** The bin's fast path: the same exit codes and error channels as through the CLI (BaseCommand). */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await checkCommand({ json: argv.includes('--json'), stdout: process.stdout, stderr: process.stderr });
  } catch (error) {
    return reportError(error, process.stderr);
  }
}
