import { Option } from 'clipanion';
import { BaseCommand } from './base.js';

export class InitCommand extends BaseCommand {
  static override paths = [['init']];
  static override usage = BaseCommand.Usage({
    description: 'install the policy: write artifacts.policy.yaml, compile it into .gitignore, check it with git',
    details: `
      Writes \`artifacts.policy.yaml\` (kept if it exists, unless \`--force\`): from \`--preset\`, or from the presets it
      detects in the repository's top folders (mlruns/, wandb/, outputs/, lightning_logs/...; several combine into one
      policy with several roots), naming the file that shows each layout. Then writes or refreshes the
      managed block in the root \`.gitignore\` (lines outside the block are never touched), then runs \`artifacts check\`
      and prints its findings with their fixes. Files already tracked that the policy ignores are listed with the
      exact \`git rm --cached\` command: init never untracks anything itself. Running it again changes no byte.

      Then installs the pre-commit hook (\`--no-hook\` skips it) with husky v9's layout: \`core.hooksPath=.husky/_\` and a
      committed \`.husky/pre-commit\` running \`artifacts hook pre-commit\`; with a package.json, also \`"prepare": "husky"\`.
      Hooks that ran from .git/hooks keep running (chained); a \`.pre-commit-config.yaml\` gets a \`repo: local\` entry
      instead; lefthook or a core.hooksPath elsewhere are left alone, and init prints the line to add by hand.

      Exits 0 when everything is installed, even if the check found pre-existing problems; 1 when the hook could
      not be installed (the reason and the manual step are printed); 2 on a usage or configuration error (a
      malformed policy is reported with its file, line, column and key).
    `,
    examples: [
      ['Detect the layout and install its policy', '$0 init'],
      ['Combine two presets into one policy', '$0 init --preset mlflow,hydra'],
      ['Show what would be written, changing nothing', '$0 init --dry-run'],
      ['Replace the policy with a preset', '$0 init --preset runs --force'],
      ['Machine-readable summary', '$0 init --json'],
      ['Install the policy without the pre-commit hook', '$0 init --no-hook'],
    ],
  });

  preset = Option.String('--preset', { description: 'preset(s) to write when there is no policy, e.g. mlflow or mlflow,hydra (default: detected; see `artifacts presets`)' });
  force = Option.Boolean('--force', false, { description: 'replace an existing artifacts.policy.yaml with the preset' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'report what would change and write nothing' });
  json = Option.Boolean('--json', false, { description: 'print the summary as JSON' });
  hook = Option.Boolean('--hook', true, { description: 'install the pre-commit hook (default; --no-hook skips it)' });

  protected async run(): Promise<number> {
    const [{ openRepo, requireGitVersion }, { runInit }, { renderInit }] = await Promise.all([
      import('../git/repo.js'),
      import('../core/init.js'),
      import('../render.js'),
    ]);
    const [repo] = await Promise.all([openRepo(process.cwd()), requireGitVersion(process.cwd())]);
    const result = await runInit(repo, {
      ...(this.preset === undefined ? {} : { preset: this.preset }),
      force: this.force,
      dryRun: this.dryRun,
      hook: this.hook,
    });
    this.context.stdout.write(this.json ? `${JSON.stringify(result, null, 2)}\n` : renderInit(result));
    // A hook that could not be installed is not a finished init: say so through the exit code as well.
    return result.steps.some((step) => step.status === 'refused') ? 1 : 0;
  }
}
