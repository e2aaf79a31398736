import { Option } from 'clipanion';
import { BaseCommand } from './base.js';

export class UninstallCommand extends BaseCommand {
  static override paths = [['uninstall']];
  static override usage = BaseCommand.Usage({
    description: 'remove the pre-commit hook that `artifacts init` installed, exactly that',
    details: `
      Removes what init recorded in \`.git/artifacts-hook.json\`: the artifacts block of each \`.husky/*\` file (the file
      too when init created it), husky's \`.husky/_\` and \`core.hooksPath\` when init set them (restoring the previous
      value), the \`prepare\` script it added to package.json, and its \`.pre-commit-config.yaml\` entry. Without that
      record (a fresh clone), only the marked artifacts blocks are removed. The policy and .gitignore stay.
    `,
    examples: [['Remove the hook', '$0 uninstall']],
  });

  json = Option.Boolean('--json', false, { description: 'print the list of actions as JSON' });

  protected async run(): Promise<number> {
    const [{ openRepo }, { uninstallHook }, { messages }] = await Promise.all([
      import('../git/repo.js'),
      import('../core/hook-install.js'),
      import('../messages.js'),
    ]);
    const repo = await openRepo(process.cwd());
    const actions = await uninstallHook(repo);
    if (this.json) this.context.stdout.write(`${JSON.stringify({ actions }, null, 2)}\n`);
    else if (actions.length === 0) this.context.stdout.write(`${messages.uninstall.nothing}\n`);
    else this.context.stdout.write(`artifacts uninstall:\n${actions.map((a) => `  ${a.path}: ${a.detail}`).join('\n')}\n`);
    return 0;
  }
}
