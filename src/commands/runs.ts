import { Option } from 'clipanion';
import { BaseCommand } from './base.js';

export class RunsCommand extends BaseCommand {
  static override paths = [['runs']];
  static override usage = BaseCommand.Usage({
    category: 'Run manifest',
    description: 'list runs from the manifest: filter, sort, limit; as a table, JSON or CSV',
    details: `
      Reads the manifest files only (no scan of the run folders). Each \`--where FIELD OP VALUE\` must hold; OP is
      \`=\`, \`!=\`, \`>=\`, \`<=\`, \`>\`, \`<\` or \`~\` (substring). Numbers compare as numbers, other values as text
      (ISO times order correctly); \`FIELD=null\` selects missing values. \`--sort FIELD\` ascends, \`--sort=-FIELD\`
      descends (missing values last).
    `,
    examples: [
      ['Verified chatdev runs with at least 100k input tokens', '$0 runs --where framework=chatdev --where verification_status=verified --where total_tokens_in>=100000'],
      ['The five most expensive runs, as JSON', '$0 runs --sort=-total_tokens_in --limit 5 --json'],
      ['Everything, for a spreadsheet', '$0 runs --csv > runs.csv'],
    ],
  });

  where = Option.Array('--where', [], { description: 'FIELD OP VALUE, e.g. framework=chatdev or total_tokens_in>=100000 (repeatable: all must hold)' });
  sort = Option.String('--sort', { description: 'FIELD to sort by; --sort=-FIELD for descending' });
  limit = Option.String('--limit', { description: 'at most N rows' });
  json = Option.Boolean('--json', false, { description: 'print a JSON array of rows' });
  csv = Option.Boolean('--csv', false, { description: 'print CSV with a header line' });

  protected async run(): Promise<number> {
    const { runsCommand } = await import('../runs-main.js');
    const { where, sort, limit, json, csv } = this;
    return runsCommand({ where, sort, limit, json, csv }, this.context);
  }
}
