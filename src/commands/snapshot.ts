import { Option } from 'clipanion';
import { BaseCommand } from './base.js';

export class SnapshotCommand extends BaseCommand {
  static override paths = [['snapshot']];
  static override usage = BaseCommand.Usage({
    description: 'commit selected runs despite the ignore rules (for papers and audits), in a commit of their own',
    details: `
      Takes each RUN (a run folder, or a quoted glob of run folders) and commits the files that match its root's
      \`snapshot\` rule (default: every file of the run except \`workspace/\`), plus \`--include\`, minus \`--exclude\`,
      minus \`never\` (always left out). Patterns are the policy's, relative to the run folder.

      The commit holds only those files and \`artifacts.pins.json\` (which records them, so that \`artifacts check\`
      accepts them), even when other changes are staged: those stay staged, uncommitted. Its trailers
      \`Artifacts-Snapshot\` and \`Artifacts-Runs\` let \`artifacts snapshot list\` find it again. Afterwards the index
      holds the snapshot files, so the next ordinary commit keeps them.

      A file over \`limits.file\` stops the snapshot before anything changes (exit 1), listing the \`--exclude\` that
      leaves it out. Bad input (an unknown run, a glob matching nothing, a path outside the roots or the repository)
      exits 2 with nothing staged or committed.
    `,
    examples: [
      ['Pin one run for a paper, with a tag', '$0 snapshot runs/chatdev/20250106T080000_ab12cd34 -m "paper" --tag paper-v1'],
      ['See what would be committed', "$0 snapshot 'runs/chatdev/2025*' --dry-run"],
      ['Every verified chatdev run', '$0 snapshot --where framework=chatdev --where verification_status=verified -m "verified runs"'],
      ['Leave the archives out', "$0 snapshot runs/baes/run-7 --exclude '*.tar.gz' --exclude run.log"],
      ['Take the log too, stored in Git LFS', "$0 snapshot runs/baes/run-7 --include run.log --lfs"],
      ['List past snapshots', '$0 snapshot list'],
    ],
  });

  runs = Option.Rest({ name: 'RUN' });
  message = Option.String('-m,--message', { description: 'the commit message (default: "Snapshot NAME: N runs, F files")' });
  tag = Option.String('--tag', { description: 'name the snapshot and create an annotated tag of that name' });
  where = Option.Array('--where', [], { description: 'select runs by their manifest row, as in `artifacts runs` (repeatable: all must hold)' });
  include = Option.Array('--include', [], { description: 'also take files matching this pattern (relative to the run folder)' });
  exclude = Option.Array('--exclude', [], { description: 'leave out files matching this pattern (relative to the run folder)' });
  lfs = Option.Boolean('--lfs', false, { description: 'store the files over limits.file in Git LFS instead of refusing them (needs git-lfs)' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'list every file with its size and the total; change nothing' });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  protected async run(): Promise<number> {
    const [{ openPolicyContext }, { runSnapshot }, { renderSnapshot }] = await Promise.all([
      import('./context.js'),
      import('../snapshot/snapshot.js'),
      import('../snapshot/render.js'),
    ]);
    const { repo, classifier } = await openPolicyContext(process.cwd());
    const result = await runSnapshot(repo, classifier, {
      runs: this.runs,
      where: this.where ?? [],
      cwd: process.cwd(),
      include: this.include ?? [],
      exclude: this.exclude ?? [],
      dryRun: this.dryRun,
      lfs: this.lfs,
      ...(this.message === undefined ? {} : { message: this.message }),
      ...(this.tag === undefined ? {} : { tag: this.tag }),
    });
    this.context.stdout.write(this.json ? `${JSON.stringify(result, null, 2)}\n` : renderSnapshot(result));
    return result.ok ? 0 : 1;
  }
}

export class SnapshotListCommand extends BaseCommand {
  static override paths = [['snapshot', 'list']];
  static override usage = BaseCommand.Usage({
    description: 'list past snapshots (from the Artifacts-Snapshot trailers of commits on any ref)',
    examples: [['List snapshots', '$0 snapshot list'], ['As JSON', '$0 snapshot list --json']],
  });

  json = Option.Boolean('--json', false, { description: 'print [{name, commit, date, subject, runs, files, bytes, tags}]' });

  protected async run(): Promise<number> {
    const [{ openRepo }, { listSnapshots }, { renderSnapshotList }] = await Promise.all([
      import('../git/repo.js'),
      import('../snapshot/snapshot.js'),
      import('../snapshot/render.js'),
    ]);
    const repo = await openRepo(process.cwd());
    const records = await listSnapshots(repo);
    this.context.stdout.write(this.json ? `${JSON.stringify(records, null, 2)}\n` : renderSnapshotList(records));
    return 0;
  }
}
