import { Command, UsageError } from 'clipanion';
import { reportError } from '../errors.js';

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
      return reportError(error, this.context.stderr, (e) => e instanceof UsageError);
    }
  }
}
