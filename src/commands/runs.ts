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
    const [{ UsageError }, { messages }, query, { locateManifests }, { readManifest }] = await Promise.all([
      import('clipanion'),
      import('../messages.js'),
      import('../manifest/query.js'),
      import('../manifest/locate.js'),
      import('../manifest/read.js'),
    ]);
    if (this.json && this.csv) throw new UsageError(messages.manifest.formats);
    const conditions = this.where.map((text) => query.parseCondition(text) ?? (() => { throw new UsageError(messages.manifest.badWhere(text)); })());
    let limit: number | undefined;
    if (this.limit !== undefined) {
      if (!/^\d+$/.test(this.limit)) throw new UsageError(messages.manifest.badLimit(this.limit));
      limit = Number(this.limit);
    }
    const located = await locateManifests(process.cwd());
    const rows = [];
    const columns: string[] = [];
    for (const { file, label } of located) {
      const manifest = await readManifest(file, label);
      for (const row of manifest.runs) {
        for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
        rows.push(row);
      }
    }
    for (const name of [...conditions.map((c) => c.field), ...(this.sort ? [this.sort.replace(/^-/, '')] : [])]) {
      if (rows.length > 0 && !columns.includes(name)) throw new UsageError(messages.manifest.unknownField(name, columns));
    }
    const found = query.findRuns(rows, { where: conditions, ...(this.sort ? { sort: this.sort } : {}), ...(limit === undefined ? {} : { limit }) });
    if (this.json) this.context.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
    else if (this.csv) this.context.stdout.write(query.renderCsv(found, columns));
    else {
      this.context.stdout.write(query.renderTable(found, columns));
      this.context.stderr.write(`${found.length} of ${rows.length} run${rows.length === 1 ? '' : 's'}\n`);
    }
    return 0;
  }
}
