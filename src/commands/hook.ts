import { Option } from 'clipanion';
import { BaseCommand } from './base.js';

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
    const { hookPreCommit } = await import('../hook-main.js');
    return hookPreCommit({ json: this.json, stdout: this.context.stdout, stderr: this.context.stderr });
  }
}
