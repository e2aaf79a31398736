import { Option } from 'clipanion';
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
      Exits 0 when clean, 1 with findings, 2 on a usage or configuration error.
    `,
    examples: [
      ['Check the repository', '$0 check'],
      ['Machine-readable findings (for CI)', '$0 check --json'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'print {"ok", "violations": [{path, kind, expected, actual, source}], "warnings", "pinned"}' });

  protected async run(): Promise<number> {
    const [{ openRepo, requireGitVersion }, { loadPolicy }, { Classifier }, { runCheck }, { renderCheck }] = await Promise.all([
      import('../git/repo.js'),
      import('../policy/load.js'),
      import('../policy/classifier.js'),
      import('../core/check.js'),
      import('../render.js'),
    ]);
    const [repo] = await Promise.all([openRepo(process.cwd()), requireGitVersion(process.cwd())]);
    const policy = await loadPolicy(repo.root);
    const result = await runCheck(repo, new Classifier(policy, { ignoreCase: repo.ignoreCase }));
    if (this.json) {
      const { ok, violations, warnings, pinned } = result;
      this.context.stdout.write(`${JSON.stringify({ ok, violations, warnings, pinned }, null, 2)}\n`);
    } else {
      this.context.stdout.write(renderCheck(result));
    }
    for (const warning of result.warnings) this.context.stderr.write(`artifacts: warning: ${warning}\n`);
    return result.ok ? 0 : 1;
  }
}
