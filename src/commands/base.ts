import { Command, UsageError } from 'clipanion';
import { EXIT, UserError } from '../errors.js';

/**
 * Maps the three failure channels to exit codes: a user's mistake (UserError, UsageError) prints one line
 * and exits 2; anything else is our bug and prints its stack, exit 70. Findings are a return value (1).
 */
export abstract class BaseCommand extends Command {
  protected abstract run(): Promise<number>;

  async execute(): Promise<number> {
    try {
      return await this.run();
    } catch (error) {
      return reportError(error, this.context.stderr);
    }
  }
}

export function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (error instanceof UserError || error instanceof UsageError) {
    stderr.write(`artifacts: ${error.message}\n`);
    return EXIT.usage;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  stderr.write(`artifacts: internal error (a bug: please report it with this text)\n${detail}\n`);
  return EXIT.internal;
}
