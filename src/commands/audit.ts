import { Option } from 'clipanion';
import { AUDIT_DEFAULTS } from '../audit/defaults.js';
import { BaseCommand } from './base.js';

export class AuditCommand extends BaseCommand {
  static override paths = [['audit']];
  static override usage = BaseCommand.Usage({
    description: 'report what the policy keeps in git and what it leaves on disk, per run and per root',
    details: `
      Walks every root and sizes every file by the policy's verdict: tracked, ignored, or \`never\` (present on disk,
      warned). Per run and per root: files, \`bytes\` (the apparent size, as \`du -b\` and \`ls -l\` show) and \`allocated\`
      (disk actually used: run folders hold sparse files and archives); the tracked:ignored ratio and what 100 runs
      would weigh; the largest ignored folders and files; tracked files and runs within 20% of \`limits\`.
      Symbolic links are counted as links (their own size) and never followed.

      \`--history\` adds what the roots weigh in git history: every blob ever committed under them, reachable from any
      ref, and the biggest with the commit that added them. \`git rm\` does not shrink that.

      Exits 0 with a report (warnings on stderr); 2 on a usage or configuration error.
    `,
    examples: [
      ['Sizes per run and root', '$0 audit'],
      ['Grouped by a run pattern field', '$0 audit --by framework'],
      ['Everything, for scripts', '$0 audit --json'],
      ['Include the weight already in git history', '$0 audit --history --top 5'],
    ],
  });

  json = Option.Boolean('--json', false, { description: 'print {"roots", "runs", "totals", ...} as JSON' });
  top = Option.String('--top', AUDIT_DEFAULTS.top, { description: `length of the largest-of lists (default ${AUDIT_DEFAULTS.top})` });
  by = Option.String('--by', AUDIT_DEFAULTS.by, { description: 'group runs: "run" (default) or a {name} of the run pattern, e.g. framework' });
  history = Option.Boolean('--history', false, { description: 'also weigh the roots in git history (all refs)' });

  protected async run(): Promise<number> {
    const { auditCommand } = await import('../audit/main.js');
    const { json, top, by, history } = this;
    return auditCommand({ json, top, by, history, stdout: this.context.stdout, stderr: this.context.stderr });
  }
}
