// Presets: ready-made policies shipped in the package's policies/ folder, one YAML file each.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { messages } from '../messages.js';

export const DEFAULT_PRESET = 'runs';

/** dist/policy/presets.js -> <package>/policies/ */
const PRESET_DIR = fileURLToPath(new URL('../../policies/', import.meta.url));

export async function listPresets(): Promise<string[]> {
  const names = await readdir(PRESET_DIR);
  return names.filter((n) => n.endsWith('.yaml')).map((n) => n.slice(0, -'.yaml'.length)).sort();
}

export async function readPreset(name: string): Promise<string> {
  const known = await listPresets();
  if (!known.includes(name)) throw new UserError(messages.unknownPreset(name, known));
  return readFile(`${PRESET_DIR}${name}.yaml`, 'utf8');
}
