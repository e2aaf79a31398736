// Files we write are replaced whole: written to a temporary file beside them, flushed, then renamed over
// the original, so a crash or a full disk leaves the old version or the new one, never half of either.
import { readFileSync } from 'node:fs';
import { readdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { messages } from '../messages.js';

/** How old a temporary file (write-file-atomic names it `<name>.<32-bit number>`, beside the target) must be to count as left behind. */
const STALE_AFTER_MS = 60_000;

/** Errors that say the file system would not take the bytes: the environment, not a bug (exit 2, with the file named). */
const REFUSED_WRITE = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS', 'EACCES', 'EPERM']);

// A file size limit (`ulimit -f`) makes write() fail with EFBIG and raise SIGXFSZ. Node ignores SIGXFSZ, but
// write-file-atomic's signal-exit listens for it (to remove its temporary file) and then re-raises it, which
// kills the process with no message and the manifest lock left behind. A listener of our own keeps
// signal-exit from re-raising: the write fails with EFBIG, which is reported below like a full disk.
if (process.platform !== 'win32' && process.listenerCount('SIGXFSZ') === 0) process.on('SIGXFSZ', () => {});

export async function writeAtomic(file: string, content: string | Buffer): Promise<void> {
  // Loaded on the first write: signal-exit, which it loads, subscribes to a dozen signals as it loads, a cost
  // that the commands that only read (check, runs) would pay at start-up.
  const [{ default: writeFileAtomic }] = await Promise.all([import('write-file-atomic'), removeStaleTemporaries(file)]);
  try {
    // write-file-atomic issues one write() and does not look at the count it returns: on a nearly full disk,
    // or past a file size limit, the kernel takes part of the bytes and the truncated temporary file would
    // then be renamed over the original. So the bytes are written here, by writeFile (which writes until
    // every byte is out, or throws ENOSPC / EFBIG), into the temporary file write-file-atomic has just
    // created; it then flushes it (fsync), copies the original's mode and renames it, or removes it on any
    // failure and on SIGINT/SIGTERM.
    await writeFileAtomic(file, '', {
      fsync: true,
      tmpfileCreated: (tmpfile: string) => writeFile(tmpfile, content, 'utf8'),
    });
  } catch (error) {
    throw asRefusedWrite(file, error);
  }
}

/** A write the file system refused (full disk, size limit, read-only) as the user's error naming the file; anything else as it is. */
export function asRefusedWrite(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code !== undefined && REFUSED_WRITE.has(code) ? new UserError(messages.writeRefused(shownPath(file), code)) : error;
}

/** The file as the user knows it: relative to the current folder when inside it, else absolute. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/**
 * A writer killed half way (SIGKILL, power loss) cannot remove its temporary file, and one left at the
 * repository root would be offered to `git add -A`. Before writing a file, older temporaries of that same
 * file are removed (a minute old at least, so a concurrent writer's is never touched).
 */
async function removeStaleTemporaries(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return; // no folder yet: nothing left behind
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^\d{1,10}$/.test(name.slice(prefix.length))) continue;
    const leftover = path.join(dir, name);
    try {
      if (Date.now() - (await stat(leftover)).mtimeMs > STALE_AFTER_MS) await unlink(leftover);
    } catch {
      // gone meanwhile, or not ours to remove: leave it
    }
  }
}

/**
 * The file's bytes, or null when it does not exist. Synchronous: fs.promises.readFile reads in 512 KiB round
 * trips through the thread pool, several times slower for a manifest of megabytes, and a command has
 * nothing else to run meanwhile.
 */
export function readBytesIfExists(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** The file's text, or null when it does not exist. */
export async function readIfExists(file: string): Promise<string | null> {
  return readBytesIfExists(file)?.toString('utf8') ?? null;
}
