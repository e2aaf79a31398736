import { Option } from 'clipanion';
import { BaseCommand } from './base.js';

export class PresetsCommand extends BaseCommand {
  static override paths = [['presets']];
  static override usage = BaseCommand.Usage({
    description: 'list the layout presets that `artifacts init` can write, with one line each',
    details: `
      Each preset is a policy file in the package's \`policies/\` folder for one tool's run layout. \`artifacts init\`
      detects them; \`artifacts init --preset a,b\` picks them, combined into one policy with several roots.
    `,
    examples: [['List the presets', '$0 presets'], ['As JSON', '$0 presets --json']],
  });

  json = Option.Boolean('--json', false, { description: 'print name, description and root folders as JSON' });

  protected async run(): Promise<number> {
    const [{ describePresets }, { messages }] = await Promise.all([import('../policy/presets.js'), import('../messages.js')]);
    const presets = await describePresets();
    if (this.json) {
      this.context.stdout.write(`${JSON.stringify(presets, null, 2)}\n`);
      return 0;
    }
    const width = Math.max(...presets.map((p) => p.name.length));
    const lines = presets.map((p) => `  ${p.name.padEnd(width)}  ${p.description}`);
    this.context.stdout.write(`${messages.presets.listTitle}\n${lines.join('\n')}\n${messages.presets.listFooter}\n`);
    return 0;
  }
}
