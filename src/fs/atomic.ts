// Files we write are replaced whole: written to a temporary file beside them, flushed, then renamed over
// the original, so a crash or a full disk leaves the old version or the new one, never half of either.
import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';

export async function writeAtomic(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, text, { encoding: 'utf8', fsync: true });
}

/** The file's text, or null when it does not exist. */
export async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
