// `artifacts audit`, runnable without the CLI framework: bin/artifacts.js dispatches the plain `audit [--json]`
// here (on a large tree its cost is start-up and the walk, so it loads only what audit needs), and the
// clipanion command runs the same function (--top, --by, --history, help and any other spelling of the
// arguments go through the CLI).
import { openPolicyContext } from '../commands/context.js';
import { reportError, UserError, warn } from '../errors.js';
import type { HistoryReport } from '../git/history.js';
import { messages } from '../messages.js';
import { AUDIT_DEFAULTS } from './defaults.js';
import { groupingKeys, runAudit } from './audit.js';

export interface AuditIo {
  json: boolean;
  /** --top as typed. */
  top: string;
  by: string;
  history: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `artifacts audit`; the exit code: 0 with a report (warnings on stderr). Throws on errors. */
export async function auditCommand(io: AuditIo): Promise<number> {
  const { json, by, stdout, stderr } = io;
  if (!/^\d+$/.test(io.top)) throw new UserError(messages.audit.badTop(io.top));
  const top = Number(io.top);
  const { repo, classifier } = await openPolicyContext(process.cwd());
  const keys = groupingKeys(classifier);
  if (!keys.includes(by)) throw new UserError(messages.audit.badBy(by, keys));

  const progress = !json && (stderr as NodeJS.WriteStream).isTTY === true;
  let shown = false;
  let last = 0;
  const result = await runAudit(repo.root, classifier, {
    top,
    by,
    ...(progress
      ? {
          onProgress: ({ files, runs }: { files: number; runs: number }) => {
            const now = Date.now();
            if (now - last < 100) return;
            last = now;
            shown = true;
            stderr.write(`\r\x1b[K${messages.audit.progress(files, runs)}`);
          },
        }
      : {}),
  });
  if (shown) stderr.write('\r\x1b[K');
  let history: HistoryReport | null = null;
  if (io.history) {
    const { historyOfRoots } = await import('../git/history.js');
    history = await historyOfRoots(repo, classifier.policy.roots.map((r) => r.path), top);
  }

  if (json) {
    stdout.write(`${JSON.stringify(history ? { ...result, history } : result, null, 2)}\n`);
  } else {
    const { renderAudit } = await import('./render.js');
    stdout.write(renderAudit(result, top, history));
    warn(stderr, result.roots.filter((root) => !root.exists).map((root) => messages.audit.missingRoot(root.path)));
  }
  warn(stderr, result.warnings);
  if (result.totals.never.files > 0) warn(stderr, [messages.audit.neverOnDisk(result.totals.never.files)]);
  return 0;
}

/**
 * The bin's fast path (`audit [--json]`, so the CLI's defaults for the rest): the same exit codes and error
 * channels as through the CLI (BaseCommand).
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await auditCommand({ json: argv.includes('--json'), ...AUDIT_DEFAULTS, history: false, stdout: process.stdout, stderr: process.stderr });
  } catch (error) {
    return reportError(error, process.stderr);
  }
}
