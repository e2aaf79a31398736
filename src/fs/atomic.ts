// Files we write are replaced whole: written to a temporary file beside them, flushed, then renamed over
// the original, so a crash or a full disk leaves the old version or the new one, never half of either.
import { readFileSync } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/** How old a temporary file (write-file-atomic names it `<name>.<32-bit number>`, beside the target) must be to count as left behind. */
const STALE_AFTER_MS = 60_000;

export async function writeAtomic(file: string, content: string | Buffer): Promise<void> {
  await removeStaleTemporaries(file);
  await writeFileAtomic(file, content, { encoding: 'utf8', fsync: true });
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
