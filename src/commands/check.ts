import { Option, UsageError } from 'clipanion';
import { BaseCommand } from './base.js';

export class CheckCommand extends BaseCommand {
  static override paths = [['check']];
  static override usage = BaseCommand.Usage({
    description: 'prove the policy with real git and report every mismatch',
    details: `
      Compares what the policy says of every file under the roots (and of every \`never\` match in the repository)
      with what git does, asking git itself (\`git ls-files\`, \`git check-ignore\`). Each finding names the git rule
      that decides it (\`source:line\`) and the fix.

      Kinds: \`would-commit\` (the policy ignores it, \`git add -A\` would add it), \`hidden\` (the policy tracks it,
      git ignores it), \`tracked-ignored\` (in the index, the policy ignores it), \`tracked-never\` (a \`never\` file in
      the index), \`stale-block\` (the .gitignore block is not what the policy compiles to), \`unsupported\` (a nested
      repository or submodule inside a root).

      Files a snapshot pinned (\`artifacts.pins.json\`, written by \`artifacts snapshot\`) are accepted although the
      policy ignores them, and reported as pinned; a pinned file that matches \`never\` is still a finding.

      Folders that both the policy and git ignore wholesale are never listed or entered.

      \`--staged\` applies the pre-commit hook's rules to the index instead (sizes, \`never\`, ignored files, run totals);
      \`--range BASE..HEAD\` applies them to every commit of the range, by blob, naming the commit that introduced each
      finding: the CI guard for commits made with \`--no-verify\` or without the hook.
      Exits 0 when clean, 1 with findings, 2 on a usage or configuration error.
    `,
    examples: [
      ['Check the repository', '$0 check'],
      ['Machine-readable findings (for CI)', '$0 check --json'],
      ["The hook's rules on the index", '$0 check --staged'],
      ['The hook\'s rules on every commit of a push (CI)', '$0 check --range origin/main..HEAD'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'print {"ok", "violations": [{path, kind, expected, actual, source}], "warnings", "pinned"}' });
  staged = Option.Boolean('--staged', false, { description: "apply the pre-commit hook's rules to the index" });
  range = Option.String('--range', { description: "apply the pre-commit hook's rules to every commit of BASE..HEAD" });

  protected async run(): Promise<number> {
    if (this.staged || this.range !== undefined) return this.runHookRules();
    const { checkCommand } = await import('../check-main.js');
    return checkCommand({ json: this.json, stdout: this.context.stdout, stderr: this.context.stderr });
  }

  /** --staged and --range: the hook's rules engine, on the index or on a range of commits. */
  private async runHookRules(): Promise<number> {
    const [{ openRepo }, { messages }, { renderStaged, renderRange }] = await Promise.all([
      import('../git/repo.js'),
      import('../messages.js'),
      import('../render.js'),
    ]);
    if (this.staged && this.range !== undefined) throw new UsageError(messages.hook.stagedAndRange);
    const repo = await openRepo(process.cwd());
    if (this.staged) {
      const { loadPreCommit, runPreCommit } = await import('../core/precommit.js');
      const { classifier, source, diff } = await loadPreCommit(repo);
      const result = await runPreCommit(repo, classifier, { policySource: source, diff });
      this.context.stdout.write(this.json ? `${JSON.stringify(result, null, 2)}\n` : renderStaged(result));
      return result.ok ? 0 : 1;
    }
    const [{ openPolicyContext }, { runRange }] = await Promise.all([import('./context.js'), import('../core/range.js')]);
    const { classifier } = await openPolicyContext(repo.root);
    const result = await runRange(repo, classifier, this.range as string);
    this.context.stdout.write(this.json ? `${JSON.stringify(result, null, 2)}\n` : renderRange(result));
    return result.ok ? 0 : 1;
  }
}
