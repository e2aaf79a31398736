// An exclusive lock file beside the file it guards (runs/.runs_manifest.json.lock), so that many runners
// finishing at once update the manifest one after another: read, modify, write a temporary file, rename.
// The lock is created with O_EXCL ('wx'), which the file system makes atomic. A lock whose holder died
// (same host, pid gone, and older than DEAD_HOLDER_MS) or that is older than STALE_MS is broken; waiting
// backs off with jitter.
import { hostname } from 'node:os';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { asRefusedWrite } from './atomic.js';
import { messages } from '../messages.js';

const STALE_MS = 30_000;
/** A lock whose holder's process is gone is broken once it is this old. */
const DEAD_HOLDER_MS = 2_000;
const TIMEOUT_MS = 120_000;

export function lockPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.lock`);
}

export async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = lockPathFor(file);
  await acquire(lock);
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => {});
  }
}

async function acquire(lock: string): Promise<void> {
  const started = Date.now();
  let delay = 2;
  for (;;) {
    let handle;
    try {
      handle = await open(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw asRefusedWrite(lock, error);
    }
    if (handle) {
      try {
        await handle.writeFile(`${process.pid}\n${hostname()}\n${new Date().toISOString()}\n`);
        await handle.close();
        return;
      } catch (error) {
        // A full disk: a lock without its holder's pid could only be broken once STALE_MS old, so none is left.
        await handle.close().catch(() => {});
        await unlink(lock).catch(() => {});
        throw asRefusedWrite(lock, error);
      }
    }
    const holder = await readHolder(lock);
    if (holder && (await isStale(lock, holder))) {
      await breakLock(lock, holder.text);
      continue;
    }
    if (Date.now() - started > TIMEOUT_MS) throw new UserError(messages.manifest.lockTimeout(lock, holder?.pid ?? null));
    await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 100);
  }
}

interface Holder {
  text: string;
  pid: number | null;
  host: string | null;
}

async function readHolder(lock: string): Promise<Holder | null> {
  try {
    const text = await readFile(lock, 'utf8');
    const [pid, host] = text.split('\n');
    return { text, pid: /^\d+$/.test(pid ?? '') ? Number(pid) : null, host: host || null };
  } catch {
    return null; // released meanwhile, or not written yet: try again
  }
}

async function isStale(lock: string, holder: Holder): Promise<boolean> {
  // The age is that of the lock file there now, which may be a newer holder's than the text read above:
  // a lock younger than DEAD_HOLDER_MS is never broken, so a lock just taken by a live process survives a
  // waiter that read its dead predecessor's pid a moment earlier.
  let age: number;
  try {
    age = Date.now() - (await stat(lock)).mtimeMs;
  } catch {
    return false; // released meanwhile
  }
  if (age > STALE_MS) return true;
  if (age < DEAD_HOLDER_MS || holder.pid === null || holder.host !== hostname()) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Moves the stale lock aside, then checks that what was moved is the stale lock and not one a faster
 * process took meanwhile; such a lock is put back (link fails if yet another process holds the name).
 */
async function breakLock(lock: string, staleText: string): Promise<void> {
  const aside = `${lock}.${process.pid}.${Date.now()}.stale`;
  try {
    await rename(lock, aside);
  } catch {
    return; // someone else broke it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleText);
  if (moved !== staleText) await link(aside, lock).catch(() => {});
  await unlink(aside).catch(() => {});
}
