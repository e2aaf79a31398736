import { readFileSync } from 'node:fs';
import { type BaseContext, Builtins, Cli, type Command, type CommandClass } from 'clipanion';
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

const COMMANDS: ReadonlyArray<CommandClass<BaseContext>> = [
  InitCommand,
  CheckCommand,
  ManifestRebuildCommand,
  ManifestCheckCommand,
  ManifestUpdateCommand,
  ManifestRefreshCommand,
  ManifestMergeCommand,
  PresetsCommand,
  RunsCommand,
  AuditCommand,
  SnapshotCommand,
  SnapshotListCommand,
  HookPreCommitCommand,
  UninstallCommand,
];

/**
 * The CLI with the commands that `argv` can reach. clipanion compiles one state machine of every registered
 * command's options on each run, a good part of a short command's start-up (`runs`, `--version`): when
 * argv's first word names commands, only those are registered. Anything else (no word, `--help`, a typo to
 * suggest a fix for) gets them all.
 */
export function createCli(argv: readonly string[] = []): Cli {
  const cli = new Cli({ binaryLabel: 'artifacts', binaryName: 'artifacts', binaryVersion: version, enableCapture: false });
  const reachable = COMMANDS.filter((command) => command.paths?.some((path) => path[0] === argv[0]));
  for (const command of reachable.length > 0 ? reachable : COMMANDS) cli.register(command);
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  return cli;
}

/** Runs the CLI and returns its exit code: 0 clean, 1 findings, 2 usage or configuration error. */
export async function main(argv: string[]): Promise<number> {
  const cli = createCli(argv);
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
