import { readFileSync } from 'node:fs';
import { Builtins, Cli, type Command } from 'clipanion';
import { AuditCommand } from './commands/audit.js';
import { CheckCommand } from './commands/check.js';
import { HookPreCommitCommand } from './commands/hook.js';
import { InitCommand } from './commands/init.js';
import {
  ManifestCheckCommand,
  ManifestMergeCommand,
  ManifestRebuildCommand,
  ManifestRefreshCommand,
  ManifestUpdateCommand,
} from './commands/manifest.js';
import { PresetsCommand } from './commands/presets.js';
import { RunsCommand } from './commands/runs.js';
import { SnapshotCommand, SnapshotListCommand } from './commands/snapshot.js';
import { UninstallCommand } from './commands/uninstall.js';
import { EXIT } from './errors.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export function createCli(): Cli {
  const cli = new Cli({ binaryLabel: 'artifacts', binaryName: 'artifacts', binaryVersion: version, enableCapture: false });
  cli.register(InitCommand);
  cli.register(CheckCommand);
  cli.register(ManifestRebuildCommand);
  cli.register(ManifestCheckCommand);
  cli.register(ManifestUpdateCommand);
  cli.register(ManifestRefreshCommand);
  cli.register(ManifestMergeCommand);
  cli.register(PresetsCommand);
  cli.register(RunsCommand);
  cli.register(AuditCommand);
  cli.register(SnapshotCommand);
  cli.register(SnapshotListCommand);
  cli.register(HookPreCommitCommand);
  cli.register(UninstallCommand);
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  return cli;
}

/** Runs the CLI and returns its exit code: 0 clean, 1 findings, 2 usage or configuration error. */
export async function main(argv: string[]): Promise<number> {
  const cli = createCli();
  const context = { ...Cli.defaultContext, colorDepth: process.stdout.isTTY ? Cli.defaultContext.colorDepth : 1 };
  let command: Command;
  try {
    command = cli.process(argv, context);
  } catch (error) {
    // An unknown command or option: clipanion's message and usage, on stderr, exit 2.
    context.stderr.write(cli.error(error, { colored: false }));
    return EXIT.usage;
  }
  return cli.run(command, context);
}
