import { Option } from 'clipanion';
import { warn } from '../errors.js';
import { BaseCommand } from './base.js';


export class ManifestRebuildCommand extends BaseCommand {
  static override paths = [['manifest', 'rebuild']];
  static override usage = BaseCommand.Usage({
    category: 'Run manifest',
    description: 'recompute every manifest from the staged run files (or the work tree) and write it',
    details: `
      Reads every run's tracked source files from the index (\`--worktree\`: from the work tree, entering only the
      folders the policy enters) and writes each root's manifest in its fixed layout. The file is written, not
      staged. A second rebuild changes no byte. This is also how a conflicted manifest is resolved after a merge
      without the merge driver: \`artifacts manifest rebuild && git add runs/runs_manifest.json\`.
    `,
    examples: [
      ['Recompute from the index', '$0 manifest rebuild'],
      ['Recompute from the files on disk', '$0 manifest rebuild --worktree'],
    ],
  });

  worktree = Option.Boolean('--worktree', false, { description: 'read the run files from the work tree instead of the index' });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  protected async run(): Promise<number> {
    const { rebuildCommand } = await import('../rebuild-main.js');
    return rebuildCommand({ worktree: this.worktree, json: this.json, stdout: this.context.stdout, stderr: this.context.stderr });
  }
}

export class ManifestCheckCommand extends BaseCommand {
  static override paths = [['manifest', 'check']];
  static override usage = BaseCommand.Usage({
    category: 'Run manifest',
    description: 'exit 1 when the staged (committed) manifest differs from a recomputation from the index',
    details: `
      For CI, or after a \`git commit --no-verify\`: recomputes each manifest from the index (in CI, the commit) and
      compares it byte for byte with the manifest in the index. Lists the runs whose rows are missing, extra or
      different. Exits 0 when they agree, 1 when they differ, 2 on a usage or configuration error.
    `,
    examples: [['In CI', '$0 manifest check']],
  });

  json = Option.Boolean('--json', false, { description: 'print {"ok", "differences": [{file, missing, extra, changed, layout}]}' });

  protected async run(): Promise<number> {
    const [{ openPolicyContext }, { checkManifest }, { shellQuote }] = await Promise.all([
      import('./context.js'),
      import('../manifest/manifest.js'),
      import('../messages.js'),
    ]);
    const { repo, classifier } = await openPolicyContext(process.cwd());
    const result = await checkManifest(repo, classifier);
    warn(this.context.stderr, result.warnings);
    if (this.json) {
      this.context.stdout.write(`${JSON.stringify({ ok: result.ok, differences: result.differences }, null, 2)}\n`);
    } else if (result.ok) {
      this.context.stdout.write('ok: every manifest matches its run files\n');
    } else {
      const out: string[] = [];
      for (const d of result.differences) {
        out.push(`${d.file}: differs from a recomputation from the run files`);
        for (const [label, runs] of [['missing', d.missing], ['extra', d.extra], ['changed', d.changed]] as const) {
          for (const run of runs) out.push(`  ${label}: ${JSON.stringify(run)}`);
        }
        if (d.layout) out.push('  same rows, different bytes (layout or header)');
        out.push(`  fix: artifacts manifest rebuild && git add -- ${shellQuote(d.file)}`);
      }
      this.context.stdout.write(`${out.join('\n')}\n`);
    }
    return result.ok ? 0 : 1;
  }
}

export class ManifestUpdateCommand extends BaseCommand {
  static override paths = [['manifest', 'update']];
  static override usage = BaseCommand.Usage({
    category: 'Run manifest',
    description: 'update the rows of the given run folders from the work tree (for runners, when a run finishes)',
    details: `
      Reads each RUN_DIR's source files from the work tree (a finished run is not staged yet) and writes its row
      into the work-tree manifest; a run folder without tracked files loses its row. Safe when many processes call
      it at once: they queue on a lock file beside the manifest and each replaces the file atomically. When the
      manifest is missing or not in the fixed layout, it is rebuilt from the whole work tree.
    `,
    examples: [['After a run', '$0 manifest update runs/chatdev/20250106T080000_ab12cd34']],
  });

  runDirs = Option.Rest({ required: 1 });
  json = Option.Boolean('--json', false, { description: 'print the result as JSON' });

  protected async run(): Promise<number> {
    const [{ openPolicyContext }, { updateManifest }, path, { realpathSync }] = await Promise.all([
      import('./context.js'),
      import('../manifest/manifest.js'),
      import('node:path'),
      import('node:fs'),
    ]);
    const { repo, classifier } = await openPolicyContext(process.cwd());
    const folders = this.runDirs.map((dir) => {
      let absolute = path.resolve(process.cwd(), dir);
      try {
        absolute = realpathSync(absolute);
      } catch {
        // a deleted run folder: its row is removed
      }
      return path.relative(repo.root, absolute).split(path.sep).join('/');
    });
    const results = await updateManifest(repo, classifier, folders);
    for (const r of results) warn(this.context.stderr, r.warnings);
    if (this.json) this.context.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else {
      for (const r of results) {
        const counts = ['updated', 'removed'].map((s) => `${r.runs.filter((x) => x.status === s).length} ${s}`).join(', ');
        this.context.stdout.write(`${r.file}: ${counts}${r.rebuilt ? ' (rebuilt from the work tree: it was missing or not in the fixed layout)' : ''}\n`);
      }
    }
    return 0;
  }
}

export class ManifestRefreshCommand extends BaseCommand {
  static override paths = [['manifest', 'refresh']];
  static override usage = BaseCommand.Usage({
    category: 'Run manifest',
    description: 'refresh the manifests from the staged changes and stage them (what the pre-commit hook does)',
    details: `
      Re-reads, from the index, only the runs that the staged changes touch, splices their rows into the manifest
      committed in HEAD, writes the manifest atomically and stages it. For other hook managers: call
      \`artifacts manifest refresh --staged\` from your pre-commit hook.
    `,
    examples: [['In a pre-commit hook', '$0 manifest refresh --staged']],
  });

  staged = Option.Boolean('--staged', false, { description: 'take the changed paths from the index (required)' });

  protected async run(): Promise<number> {
    const [{ UsageError }, { messages }] = await Promise.all([import('clipanion'), import('../messages.js')]);
    if (!this.staged) throw new UsageError(messages.manifest.refreshNeedsStaged);
    const [{ openPolicyContext }, { refreshManifestsFromIndex }, { stagedDiff, touchedPaths }] = await Promise.all([
      import('./context.js'),
      import('../manifest/manifest.js'),
      import('../git/staged.js'),
    ]);
    const { repo, classifier } = await openPolicyContext(process.cwd());
    const result = await refreshManifestsFromIndex(repo, classifier, touchedPaths(await stagedDiff(repo)));
    warn(this.context.stderr, result.warnings);
    for (const file of result.written) this.context.stdout.write(`${file}: refreshed and staged\n`);
    return 0;
  }
}

export class ManifestMergeCommand extends BaseCommand {
  static override paths = [['manifest', 'merge']];
  static override usage = BaseCommand.Usage({
    category: 'Run manifest',
    description: 'the git merge driver for manifest files (registered by `artifacts init`)',
    details: `
      Called by git as \`artifacts manifest merge %O %A %B %P\`: merges the rows of the ancestor (%O), ours (%A) and
      theirs (%B) by run path and writes the result to %A. Exits 1 (a conflict) when a run changed on both sides in
      the same field; then resolve the run files and run \`artifacts manifest rebuild\`.
    `,
  });

  base = Option.String();
  ours = Option.String();
  theirs = Option.String();
  pathname = Option.String();

  protected async run(): Promise<number> {
    const [{ openPolicyContext }, { mergeManifestFiles }, { manifestTargets }, { messages }] = await Promise.all([
      import('./context.js'),
      import('../manifest/merge.js'),
      import('../manifest/manifest.js'),
      import('../messages.js'),
    ]);
    const { classifier } = await openPolicyContext(process.cwd());
    const target = manifestTargets(classifier).find((t) => t.file === this.pathname);
    if (!target) {
      this.context.stderr.write(`artifacts: ${messages.manifest.mergeNoRoot(this.pathname)}\n`);
      return 1;
    }
    const result = await mergeManifestFiles(target.root, this.base, this.ours, this.theirs);
    if (result.unreadable) {
      this.context.stderr.write(`artifacts: ${messages.manifest.mergeUnreadable(this.pathname)}\n`);
      return 1;
    }
    if (result.conflicts.length > 0) {
      this.context.stderr.write(`artifacts: ${messages.manifest.mergeConflict(this.pathname, result.conflicts)}\n`);
      return 1;
    }
    return 0;
  }
}
