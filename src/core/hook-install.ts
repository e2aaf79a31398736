// Installs and removes the pre-commit hook, husky v9's way: core.hooksPath=.husky/_ (husky's dispatcher,
// written by the husky package itself) and a committed .husky/pre-commit holding our block. It never
// clobbers: hooks that ran before keep running (chained), another hook manager is either fed an entry
// (pre-commit framework) or left alone with the manual step (lefthook, a core.hooksPath elsewhere).
// What was installed is recorded in .git/artifacts-hook.json so that `artifacts uninstall` removes
// exactly that.
import { access, chmod, constants, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { readIfExists, writeAtomic } from '../fs/atomic.js';
import { configValues, gitCommonDir } from '../git/hooks.js';
import { configSet, configUnset, type Repo } from '../git/repo.js';
import { messages, shellLiteral } from '../messages.js';
import { BLOCK_BEGIN, BLOCK_END, HOOKS_PATH, HUSKY_DIR } from './hook-layout.js';

export { BLOCK_BEGIN, BLOCK_END, HOOKS_PATH, HUSKY_DIR };

export const STATE_FILE = 'artifacts-hook.json';
export const PRE_COMMIT_CONFIG = '.pre-commit-config.yaml';
const LEFTHOOK_FILES = ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml', 'lefthook.json', '.lefthook.json', 'lefthook.toml', '.lefthook.toml'];

/** The hooks husky's dispatcher runs (husky/index.js): only these can be chained through .husky/NAME. */
export const HUSKY_HOOKS = [
  'pre-commit', 'pre-merge-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'applypatch-msg', 'pre-applypatch',
  'post-applypatch', 'pre-rebase', 'post-rewrite', 'post-checkout', 'post-merge', 'pre-push', 'pre-auto-gc',
] as const;
/** The hooks `git lfs install` writes. */
export const LFS_HOOKS = ['pre-push', 'post-checkout', 'post-commit', 'post-merge'] as const;


export interface HookState {
  version: 1;
  /** Whether init set core.hooksPath (else it was .husky/_ already), and the local value it replaced. */
  setHooksPath: boolean;
  hooksPathBefore: string | null;
  /** Files under .husky/ that hold our block: 'created' (ours whole) or 'inserted' (the user's file). */
  files: Record<string, 'created' | 'inserted'>;
  /** package.json scripts.prepare before init touched it (absent: init did not touch it). */
  prepare?: { before: string | null };
  /** init added an entry to .pre-commit-config.yaml. */
  preCommitConfig?: boolean;
}

export interface HookStepReport {
  status: 'created' | 'updated' | 'unchanged' | 'skipped' | 'refused';
  path?: string;
  detail: string;
}

// ---- the scripts ---------------------------------------------------------------------------------------

/** hooks/pre-commit.sh in this package: the body of our block in .husky/pre-commit. */
const PRE_COMMIT_TEMPLATE = fileURLToPath(new URL('../../hooks/pre-commit.sh', import.meta.url));

/**
 * Our block in .husky/pre-commit: the chain, then the CLI from node_modules/.bin, then from PATH (the script
 * is hooks/pre-commit.sh; its messages come from messages.ts, quoted for the shell).
 */
export function preCommitBlock(): string {
  const body = readFileSync(PRE_COMMIT_TEMPLATE, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .join('\n')
    .replace('@SKIPPED@', () => shellLiteral(messages.hook.skipped))
    .replace('@CLI_MISSING@', () => shellLiteral(messages.hook.cliMissing));
  return [BLOCK_BEGIN, body, BLOCK_END, ''].join('\n');
}

/**
 * Our block in another .husky/NAME: run .git/hooks/NAME when it exists (git-lfs's own hooks are there);
 * for Git LFS's hooks in a repository using LFS, call `git lfs NAME` when .git/hooks has none (a fresh
 * clone), so that LFS keeps working whatever `git lfs install` could or could not write.
 */
export function chainBlock(name: string, lfs: boolean): string {
  const lines = [BLOCK_BEGIN, `legacy="$(git rev-parse --git-common-dir)/hooks/${name}"`];
  if (lfs) {
    lines.push(
      'if [ -x "$legacy" ]; then "$legacy" "$@"',
      `elif command -v git-lfs >/dev/null 2>&1; then git lfs ${name} "$@"`,
      ...(name === 'pre-push' ? [`else printf '%s\\n' ${shellLiteral(messages.hook.lfsMissing)} >&2; exit 2`] : []),
      'fi',
    );
  } else {
    lines.push('if [ -x "$legacy" ]; then "$legacy" "$@"; fi');
  }
  lines.push(BLOCK_END, '');
  return lines.join('\n');
}

/** Puts the block into a file's text: replacing our previous block, or appended after the user's lines. */
export function insertBlock(existing: string | null, block: string): string {
  if (existing === null || existing === '') return block;
  const span = findBlock(existing);
  if (span) return existing.slice(0, span.start) + block + existing.slice(span.end);
  return `${existing}${existing.endsWith('\n') ? '' : '\n'}${block}`;
}

/** The text without our block (null when it had none). */
export function removeBlock(text: string): string | null {
  const span = findBlock(text);
  return span ? text.slice(0, span.start) + text.slice(span.end) : null;
}

function findBlock(text: string): { start: number; end: number } | null {
  const start = text.indexOf(BLOCK_BEGIN);
  if (start === -1) return null;
  const endMarker = text.indexOf(BLOCK_END, start);
  if (endMarker === -1) return null;
  let end = endMarker + BLOCK_END.length;
  if (text[end] === '\n') end++;
  return { start, end };
}

// ---- detection -------------------------------------------------------------------------------------------

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function readState(commonDir: string): Promise<HookState | null> {
  const text = await readIfExists(path.join(commonDir, STATE_FILE));
  return text === null ? null : (JSON.parse(text) as HookState);
}

async function writeState(commonDir: string, state: HookState): Promise<void> {
  await writeAtomic(path.join(commonDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/** True when the repository uses Git LFS: .gitattributes routes something to it, or git-lfs's hooks are installed. */
async function usesLfs(repo: Repo, hooksDir: string): Promise<boolean> {
  const attributes = (await readIfExists(path.join(repo.root, '.gitattributes'))) ?? '';
  if (/\bfilter=lfs\b/.test(attributes)) return true;
  for (const name of LFS_HOOKS) {
    const text = await readIfExists(path.join(hooksDir, name)).catch(() => null);
    if (text && /git[ -]lfs/.test(text)) return true;
  }
  return false;
}

// ---- install ---------------------------------------------------------------------------------------------

export interface InstallOptions {
  dryRun?: boolean;
}

export async function installHook(repo: Repo, options: InstallOptions = {}): Promise<HookStepReport> {
  const dryRun = options.dryRun ?? false;
  const commonDir = await gitCommonDir(repo);
  const hooksDir = path.join(commonDir, 'hooks');

  // 1. The pre-commit framework owns the hooks (and refuses to run with core.hooksPath set): feed it.
  if (await exists(path.join(repo.root, PRE_COMMIT_CONFIG))) return addPreCommitEntry(repo, commonDir, hooksDir, dryRun);

  // 2. lefthook: its own installer rewrites the hooks; leave it alone and say what to add.
  for (const file of LEFTHOOK_FILES) {
    if (await exists(path.join(repo.root, file))) return { status: 'refused', path: file, detail: messages.install.refusedLefthook(file) };
  }
  const legacyPreCommit = (await readIfExists(path.join(hooksDir, 'pre-commit')).catch(() => null)) ?? '';
  if (/lefthook/.test(legacyPreCommit)) return { status: 'refused', path: '.git/hooks/pre-commit', detail: messages.install.refusedLefthook('.git/hooks/pre-commit') };

  // 3. core.hooksPath pointing somewhere else than husky's folder: another setup we would silently disable.
  const state = await readState(commonDir);
  const hooksPaths = await configValues(repo, 'core.hooksPath');
  const effective = hooksPaths[hooksPaths.length - 1];
  const local = [...hooksPaths].reverse().find((v) => v.scope === 'local' || v.scope === 'worktree');
  const isOurs = (value: string) => value.replace(/\/+$/, '') === HOOKS_PATH;
  if (effective && !isOurs(effective.value)) {
    // A non-local hooksPath that points nowhere (no such folder) runs no hook: overriding it loses nothing.
    const where = path.resolve(repo.root, effective.value.replace(/^~(?=\/)/, process.env.HOME ?? '~'));
    if (effective.scope === 'local' || effective.scope === 'worktree' || (await exists(where))) {
      return { status: 'refused', detail: messages.install.refusedHooksPath(effective.value, effective.scope) };
    }
  }

  // 4. husky's layout. Hooks that ran from .git/hooks keep running: each gets a chaining .husky/NAME.
  const lfs = await usesLfs(repo, hooksDir);
  const chained: string[] = [];
  const files: [string, string][] = [['pre-commit', preCommitBlock()]];
  if (await isExecutableFile(path.join(hooksDir, 'pre-commit'))) chained.push('pre-commit');
  for (const name of HUSKY_HOOKS) {
    if (name === 'pre-commit') continue;
    const isLfsHook = lfs && (LFS_HOOKS as readonly string[]).includes(name);
    const legacy = await isExecutableFile(path.join(hooksDir, name));
    const already = ((await readIfExists(path.join(repo.root, HUSKY_DIR, name))) ?? '').includes(BLOCK_BEGIN);
    if (legacy) chained.push(name);
    if (isLfsHook || legacy || already) files.push([name, chainBlock(name, isLfsHook)]);
  }

  const newState: HookState = state ?? { version: 1, setHooksPath: false, hooksPathBefore: null, files: {} };
  let changed = false;
  const huskyReady = effective !== undefined && isOurs(effective.value) && (await huskyComplete(repo.root));
  if (!huskyReady) {
    changed = true;
    if (!state) {
      newState.setHooksPath = !(local && isOurs(local.value));
      newState.hooksPathBefore = local?.value ?? null;
    }
  }
  const writes: Array<{ file: string; text: string }> = [];
  for (const [name, block] of files) {
    const relative = `${HUSKY_DIR}/${name}`;
    const file = path.join(repo.root, HUSKY_DIR, name);
    const existing = await readIfExists(file);
    const text = insertBlock(existing, block);
    if (!(relative in newState.files)) newState.files[relative] = existing === null || existing === '' ? 'created' : 'inserted';
    if (text !== existing) writes.push({ file, text });
  }
  changed ||= writes.length > 0;
  const notes: string[] = [];
  const prepare = await addPrepareScript(repo, true);
  if (prepare) {
    if (prepare.changed) {
      changed = true;
      if (!newState.prepare) newState.prepare = { before: prepare.before };
    }
    notes.push(prepare.note);
  }

  if (!dryRun) {
    // The record of what init changes is written before the changes: an init killed half way leaves a record
    // that still says what was there before it (core.hooksPath, files it created), which the next init
    // keeps and `artifacts uninstall` restores. Written after, a kill in between would make the next init
    // take core.hooksPath and .husky/pre-commit for the user's own.
    if (changed || !state) await writeState(commonDir, newState);
    if (!huskyReady) {
      const why = await runHusky(repo.root);
      if (why) {
        if (!state) await rm(path.join(commonDir, STATE_FILE), { force: true }); // nothing was installed
        return { status: 'refused', detail: messages.install.huskyFailed(why) };
      }
    }
    for (const { file, text } of writes) {
      await writeAtomic(file, text);
      await chmod(file, 0o755);
    }
    if (prepare?.changed) await addPrepareScript(repo, false);
  }

  const detail = changed
    ? messages.install.installed(`${HUSKY_DIR}/pre-commit (core.hooksPath=${HOOKS_PATH})`) +
      (chained.length > 0 ? messages.install.chained(chained) : '') +
      (lfs ? messages.install.lfs : '')
    : messages.install.unchanged;
  return {
    status: changed ? (state || huskyReady ? 'updated' : 'created') : 'unchanged',
    path: `${HUSKY_DIR}/pre-commit`,
    detail: [detail, ...notes].join('; '),
  };
}

/**
 * Whether husky's installer finished writing .husky/_ here. It removes husky.sh first and writes it last,
 * after `h` and the dispatchers: an installer killed half way (or a linked worktree, where the untracked
 * .husky/_ does not exist) lacks it, and git would then skip the pre-commit hook without a word; such a
 * folder is installed again.
 */
async function huskyComplete(root: string): Promise<boolean> {
  const files = ['h', 'pre-commit', 'husky.sh'].map((name) => path.join(root, HOOKS_PATH, name));
  return (await Promise.all(files.map(exists))).every(Boolean);
}

/** husky's own installer (node_modules/husky/index.js): sets core.hooksPath and writes .husky/_. It works in the cwd. */
async function runHusky(root: string): Promise<string> {
  const { default: husky } = await import('husky');
  const cwd = process.cwd();
  process.chdir(root);
  try {
    // It returns '' on success, else why it did not install (HUSKY=0, git missing, ...).
    return husky(HUSKY_DIR) ?? '';
  } finally {
    process.chdir(cwd);
  }
}

/** With a package.json, `"prepare": "husky"` the husky way, so that clones get the hook on npm install. */
async function addPrepareScript(repo: Repo, dryRun: boolean): Promise<{ changed: boolean; before: string | null; note: string } | null> {
  const file = path.join(repo.root, 'package.json');
  const text = await readIfExists(file);
  if (text === null) return null;
  let json: { scripts?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try {
    json = JSON.parse(text);
  } catch {
    return { changed: false, before: null, note: 'package.json is not valid JSON: scripts.prepare not added' };
  }
  const before = json.scripts?.prepare ?? null;
  const hasDependency = ['artifacts', 'husky'].some((name) => json.dependencies?.[name] ?? json.devDependencies?.[name]);
  const hint = hasDependency ? '' : messages.install.prepareNoDependency;
  if (before !== null && /(^|[\s;&|])husky($|[\s;&|])/.test(before)) return { changed: false, before, note: messages.install.prepareKept };
  const prepare = before === null || before.trim() === '' ? 'husky' : `${before} && husky`;
  json.scripts = { ...json.scripts, prepare };
  if (!dryRun) await writeAtomic(file, `${JSON.stringify(json, null, /\t/.test(text) ? '\t' : 2)}\n`);
  return { changed: true, before, note: messages.install.prepareAdded(prepare) + hint };
}

/** The pre-commit framework's way: a `repo: local` hook running `artifacts hook pre-commit`. */
export const PRE_COMMIT_ENTRY = {
  id: 'artifacts',
  name: 'artifacts: sizes, never and ignored files',
  entry: 'artifacts hook pre-commit',
  language: 'system',
  pass_filenames: false,
  always_run: true,
  stages: ['pre-commit'],
};

async function addPreCommitEntry(repo: Repo, commonDir: string, hooksDir: string, dryRun: boolean): Promise<HookStepReport> {
  const file = path.join(repo.root, PRE_COMMIT_CONFIG);
  const text = (await readIfExists(file)) ?? '';
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) doc.contents = doc.createNode({ repos: [] }) as never;
  const top = doc.contents as unknown as YAMLMap;
  let repos = top.get('repos');
  if (!isSeq(repos)) {
    top.set('repos', doc.createNode([]));
    repos = top.get('repos');
  }
  const present = JSON.stringify(doc.toJS()).includes('"id":"artifacts"');
  const active = ((await readIfExists(path.join(hooksDir, 'pre-commit')).catch(() => null)) ?? '').includes('pre-commit');
  if (present) return { status: 'unchanged', path: PRE_COMMIT_CONFIG, detail: messages.install.preCommitFrameworkUnchanged(PRE_COMMIT_CONFIG) };
  (repos as YAMLSeq).add(doc.createNode({ repo: 'local', hooks: [PRE_COMMIT_ENTRY] }));
  if (!dryRun) {
    await writeAtomic(file, doc.toString());
    const state = (await readState(commonDir)) ?? { version: 1, setHooksPath: false, hooksPathBefore: null, files: {} };
    state.preCommitConfig = true;
    await writeState(commonDir, state);
  }
  return { status: 'updated', path: PRE_COMMIT_CONFIG, detail: messages.install.preCommitFramework(PRE_COMMIT_CONFIG, active) };
}

// ---- uninstall -------------------------------------------------------------------------------------------

export interface UninstallAction {
  path: string;
  detail: string;
}

/** Removes exactly what init installed, from the state file; without one, our marked blocks only. */
export async function uninstallHook(repo: Repo): Promise<UninstallAction[]> {
  const commonDir = await gitCommonDir(repo);
  const state = await readState(commonDir);
  const actions: UninstallAction[] = [];
  const huskyDir = path.join(repo.root, HUSKY_DIR);

  // Our blocks in .husky/*: the file goes when nothing of the user's is left in it.
  const names = state ? Object.keys(state.files) : (await readdir(huskyDir).catch(() => [] as string[])).map((n) => `${HUSKY_DIR}/${n}`);
  for (const relative of names) {
    const file = path.join(repo.root, relative);
    const text = await readIfExists(file).catch(() => null);
    if (text === null) continue;
    const rest = removeBlock(text);
    if (rest === null) continue;
    if (rest.trim() === '' && (state?.files[relative] ?? 'created') === 'created') {
      await rm(file, { force: true });
      actions.push({ path: relative, detail: messages.uninstall.removedFile });
    } else {
      await writeAtomic(file, rest);
      actions.push({ path: relative, detail: messages.uninstall.removedBlock });
    }
  }

  const hooksPaths = await configValues(repo, 'core.hooksPath');
  const local = [...hooksPaths].reverse().find((v) => v.scope === 'local');
  const remaining = (await readdir(huskyDir).catch(() => [] as string[])).filter((n) => n !== '_');
  const ownsHusky = state ? state.setHooksPath : remaining.length === 0 && local !== undefined && local.value.replace(/\/+$/, '') === HOOKS_PATH;
  if (ownsHusky && remaining.length === 0) {
    if (local && local.value.replace(/\/+$/, '') === HOOKS_PATH) {
      const before = state?.hooksPathBefore ?? null;
      if (before === null) await configUnset(repo.root, 'core.hooksPath');
      else await configSet(repo.root, 'core.hooksPath', before);
      actions.push({ path: 'core.hooksPath', detail: messages.uninstall.restoredHooksPath(before) });
    }
    if (await exists(path.join(huskyDir, '_'))) {
      await rm(path.join(huskyDir, '_'), { recursive: true, force: true });
      actions.push({ path: HOOKS_PATH, detail: messages.uninstall.removedHuskyDir });
    }
    await rmdir(huskyDir).catch(() => {});
  }

  if (state?.prepare) {
    const file = path.join(repo.root, 'package.json');
    const text = await readIfExists(file);
    if (text !== null) {
      const json = JSON.parse(text) as { scripts?: Record<string, string> };
      const current = json.scripts?.prepare;
      const before = state.prepare.before;
      const ours = before === null ? 'husky' : `${before} && husky`;
      if (json.scripts && current === ours) {
        if (before === null) delete json.scripts.prepare;
        else json.scripts.prepare = before;
        if (Object.keys(json.scripts).length === 0) delete json.scripts;
        await writeAtomic(file, `${JSON.stringify(json, null, /\t/.test(text) ? '\t' : 2)}\n`);
        actions.push({ path: 'package.json', detail: messages.uninstall.prepareRestored(before) });
      }
    }
  }

  if (state?.preCommitConfig) {
    const file = path.join(repo.root, PRE_COMMIT_CONFIG);
    const text = await readIfExists(file);
    if (text !== null) {
      const doc = parseDocument(text);
      const repos = isMap(doc.contents) ? (doc.contents as YAMLMap).get('repos') : null;
      if (isSeq(repos)) {
        const index = repos.items.findIndex((item) => {
          const value = JSON.stringify((item as { toJSON(): unknown }).toJSON());
          return value.includes('"repo":"local"') && value.includes('"id":"artifacts"');
        });
        if (index !== -1) {
          repos.items.splice(index, 1);
          await writeAtomic(file, doc.toString());
          actions.push({ path: PRE_COMMIT_CONFIG, detail: messages.uninstall.preCommitEntry });
        }
      }
    }
  }

  if (state) await rm(path.join(commonDir, STATE_FILE), { force: true });
  return actions;
}

/** For tests and `uninstall --json`: the recorded state, if any. */
export async function readHookState(repo: Repo): Promise<HookState | null> {
  return readState(await gitCommonDir(repo));
}
