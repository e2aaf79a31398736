import { Option } from 'clipanion';
import type { AfterPassStep } from '../core/precommit.js';
import { BaseCommand } from './base.js';

/** Once the checks pass: the run manifests, re-read from the index for the runs the commit touches. */
const refreshManifests: AfterPassStep = async ({ repo, classifier, touched }) => {
  if (!classifier.policy.roots.some((root) => root.manifest !== undefined) || touched.length === 0) return { notes: [], warnings: [] };
  const { refreshManifestsFromIndex } = await import('../manifest/manifest.js');
  const result = await refreshManifestsFromIndex(repo, classifier, touched);
  return { notes: result.written.map((file) => `${file}: refreshed and staged`), warnings: result.warnings };
};

export class HookPreCommitCommand extends BaseCommand {
  static override paths = [['hook', 'pre-commit']];
  static override usage = BaseCommand.Usage({
    description: 'the pre-commit hook: block oversized, `never` and policy-ignored files in what is being committed',
    details: `
      Run by \`.husky/pre-commit\` (installed by \`artifacts init\`). Judges the index, never the work tree: every staged
      entry that adds or changes content (added, modified, renamed, copied, type-changed), by its staged blob.
      Blocks a blob over \`limits.file\` under a root or over \`limits.repo_file\` elsewhere, a run whose tracked
      total would exceed \`limits.run\`, any path matching \`never\`, and a path under a root that the policy ignores.
      The policy is read from the index when it is staged, else from the work tree.

      \`ARTIFACTS_SKIP=1\` skips the checks (and says so). Exits 0 to let the commit go on, 1 to block it (each
      finding with its path, size, limit and fix), 2 on a usage or configuration error. It never changes the index
      or the work tree.
    `,
    examples: [['What the hook says of the staged changes', '$0 hook pre-commit']],
  });

  json = Option.Boolean('--json', false, { description: 'print {"ok", "findings": [{kind, path, size, limit, fix}]}' });

  protected async run(): Promise<number> {
    const { messages } = await import('../messages.js');
    if (process.env.ARTIFACTS_SKIP === '1') {
      this.context.stderr.write(`${messages.hook.skipped}\n`);
      return 0;
    }
    const [{ openRepo }, { loadPreCommit, runPreCommit }, { renderHook }] = await Promise.all([
      import('../git/repo.js'),
      import('../core/precommit.js'),
      import('../render.js'),
    ]);
    const repo = await openRepo(process.cwd());
    const { classifier, source, diff } = await loadPreCommit(repo);
    const result = await runPreCommit(repo, classifier, { policySource: source, diff, afterPass: [refreshManifests] });
    for (const warning of result.warnings) this.context.stderr.write(`artifacts: warning: ${warning}\n`);
    this.context.stdout.write(this.json ? `${JSON.stringify(result, null, 2)}\n` : renderHook(result));
    return result.ok ? 0 : 1;
  }
}
