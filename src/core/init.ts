// `artifacts init`: a sequence of steps, each reporting what it did. The hook installation (a later
// step) plugs in here; every step is idempotent, so a second init changes no byte.
import path from 'node:path';
import { readIfExists, writeAtomic } from '../fs/atomic.js';
import { configGet, configSet, listIndex, type Repo } from '../git/repo.js';
import { compileBlockLines, renderGitignore, splitGitignore } from '../policy/block.js';
import { Classifier } from '../policy/classifier.js';
import { parsePolicy } from '../policy/load.js';
import type { Policy } from '../policy/policy.js';
import { POLICY_FILE } from '../policy/policy.js';
import { detectPresets } from '../policy/detect.js';
import { combinePresets, type PresetChoice } from '../policy/presets.js';
import { loadPins } from '../pins/pins.js';
import { messages } from '../messages.js';
import { type CheckResult, explain, indexViolations, runCheck } from './check.js';

export interface InitOptions {
  /** One preset, or several separated by commas; without it, init detects the layout. */
  preset?: string;
  force?: boolean;
  dryRun?: boolean;
  /** Install the pre-commit hook (default); `--no-hook` turns it off. */
  hook?: boolean;
}

export type StepStatus = 'created' | 'replaced' | 'updated' | 'kept' | 'unchanged' | 'skipped' | 'refused' | 'ok' | 'findings';

export interface InitStep {
  step: string;
  /** What was done; under --dry-run, what would be done. */
  status: StepStatus;
  path?: string;
  detail: string;
  /** Further lines under the step (what detection found, and why). */
  notes?: string[];
}

export interface InitResult {
  dryRun: boolean;
  steps: InitStep[];
  /** What detection found when the policy was written without --preset: one entry per preset, with its evidence. */
  detected?: Array<{ preset: string; evidence: string }>;
  /** The check after installation; under --dry-run only the index findings (no rules were written). */
  check: CheckResult;
}

interface InitContext {
  repo: Repo;
  options: InitOptions;
  policyText?: string;
  policy?: Policy;
  classifier?: Classifier;
  check?: CheckResult;
  detected?: Array<{ preset: string; evidence: string }>;
}

/** A step reports what it did, or null when it has nothing to report. */
type Step = (context: InitContext) => Promise<InitStep | null>;

/** The presets named by --preset ("a" or "a,b"). */
export function parsePresetOption(option: string): PresetChoice[] {
  return option
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((name) => ({ name }));
}

/**
 * Writes the policy unless one exists (kept) or --force (replaced): from --preset, or from the presets
 * detected in the repository (combined into one policy when there are several), saying what was found.
 */
const policyStep: Step = async (context) => {
  const { repo, options } = context;
  const file = path.join(repo.root, POLICY_FILE);
  const existing = await readIfExists(file);
  if (existing !== null && !options.force) {
    context.policyText = existing;
    const detail = options.preset ? `kept the existing policy (--force replaces it with preset ${options.preset})` : 'kept the existing policy';
    return { step: 'policy', status: 'kept', path: POLICY_FILE, detail };
  }
  let choices: PresetChoice[];
  let notes: string[];
  if (options.preset !== undefined) {
    choices = parsePresetOption(options.preset);
    notes = [];
  } else {
    const detection = detectPresets(repo.root);
    choices = detection.choices;
    notes = detection.notes;
    context.detected = detection.findings.map(({ preset, evidence }) => ({ preset, evidence }));
  }
  const text = await combinePresets(choices);
  const preset = choices.map((c) => c.name).join(' + ');
  context.policyText = text;
  const withNotes = notes.length > 0 ? { notes } : {};
  if (existing === text) return { step: 'policy', status: 'unchanged', path: POLICY_FILE, detail: `already preset ${preset}`, ...withNotes };
  if (!options.dryRun) await writeAtomic(file, text);
  const status = existing === null ? 'created' : 'replaced';
  return { step: 'policy', status, path: POLICY_FILE, detail: `${status} from preset ${preset}`, ...withNotes };
};

/** Parses the policy (a malformed one stops init with exit 2, naming its line) and compiles it. */
const compileStep: Step = async (context) => {
  context.policy = parsePolicy(context.policyText ?? '', POLICY_FILE);
  context.classifier = new Classifier(context.policy, { ignoreCase: context.repo.ignoreCase });
  return null;
};

/** Writes or refreshes the managed block; lines outside it stay as they are. */
const blockStep: Step = async (context) => {
  const file = path.join(context.repo.root, '.gitignore');
  const existing = await readIfExists(file);
  const parts = splitGitignore(existing ?? '');
  const text = renderGitignore(parts, compileBlockLines(context.classifier as Classifier));
  if (text === existing) return { step: 'gitignore', status: 'unchanged', path: '.gitignore', detail: 'managed block up to date' };
  if (!context.options.dryRun) await writeAtomic(file, text);
  const status = existing === null ? 'created' : 'updated';
  const detail = parts.block === null ? 'added the managed block' : 'refreshed the managed block';
  return { step: 'gitignore', status, path: '.gitignore', detail };
};

/** Installs the pre-commit hook (husky's layout), or says why not and what to do by hand. */
const hookStep: Step = async (context) => {
  if (context.options.hook === false) return { step: 'hook', status: 'skipped', detail: messages.install.skipped };
  const { installHook } = await import('./hook-install.js');
  const report = await installHook(context.repo, { dryRun: context.options.dryRun ?? false });
  return { step: 'hook', ...report };
};

/** Proves the result with git. Under --dry-run nothing was written, so only the index is examined. */
const checkStep: Step = async (context) => {
  const classifier = context.classifier as Classifier;
  if (context.options.dryRun) {
    const pinned: string[] = [];
    const pending = indexViolations(classifier, await listIndex(context.repo), await loadPins(context.repo.root), pinned);
    const violations = pending.map((v) => explain(v, null));
    context.check = { ok: violations.length === 0, violations, warnings: [], pinned, stats: { files: 0, pinned: pinned.length, ignoredEntries: 0 } };
    return { step: 'check', status: 'skipped', detail: 'dry run: git was not asked (no rules were written)' };
  }
  context.check = await runCheck(context.repo, classifier);
  const count = context.check.violations.length;
  return {
    step: 'check',
    status: count === 0 ? 'ok' : 'findings',
    detail: count === 0 ? 'policy and git agree' : `${count} finding${count === 1 ? '' : 's'} (listed below, with fixes)`,
  };
};

/** The merge driver's name in .gitattributes and the repository config. */
export const MERGE_DRIVER = 'artifacts-manifest';
export const MERGE_DRIVER_CONFIG = {
  name: 'artifacts run manifest: merges rows by run path',
  driver: 'artifacts manifest merge %O %A %B %P',
} as const;

/** A .gitattributes pattern for exactly one file (from the repository root), quoted when git needs it to be. */
export function attributesPattern(file: string): string {
  // Glob characters in the name are escaped: the pattern names this one file.
  const literal = `/${file}`.replace(/[*?[\\]/g, (c) => `\\${c}`);
  return /^[^\s"#!]+$/.test(literal) ? literal : `"${literal.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Registers the manifest merge driver: a line per manifest in .gitattributes (user lines kept, ours
 * appended once) and merge.artifacts-manifest.{name,driver} in the repository config, which a clone does
 * not carry: there, `artifacts init` again, or resolve a conflict with `artifacts manifest rebuild`.
 */
const mergeDriverStep: Step = async (context) => {
  const classifier = context.classifier as Classifier;
  const files = classifier.policy.roots.flatMap((root) => (root.manifest === undefined ? [] : [`${root.path}/${root.manifest}`]));
  if (files.length === 0) return null;
  const file = path.join(context.repo.root, '.gitattributes');
  const existing = await readIfExists(file);
  const lines = existing === null ? [] : existing.replace(/\r?\n$/, '').split(/\r?\n/);
  const wanted = files.map((f) => `${attributesPattern(f)} merge=${MERGE_DRIVER}`);
  const missing = wanted.filter((line) => !lines.some((l) => l.trim() === line));
  const config = await Promise.all(
    (['name', 'driver'] as const).map(async (key) => ({ key, ok: (await configGet(context.repo.root, `merge.${MERGE_DRIVER}.${key}`)) === MERGE_DRIVER_CONFIG[key] })),
  );
  if (missing.length === 0 && config.every((c) => c.ok)) {
    return { step: 'merge', status: 'unchanged', path: '.gitattributes', detail: `manifest merge driver registered (${MERGE_DRIVER})` };
  }
  if (!context.options.dryRun) {
    if (missing.length > 0) {
      const eol = existing?.includes('\r\n') ? '\r\n' : '\n';
      await writeAtomic(file, [...lines, ...missing].join(eol) + eol);
    }
    for (const { key, ok } of config) if (!ok) await configSet(context.repo.root, `merge.${MERGE_DRIVER}.${key}`, MERGE_DRIVER_CONFIG[key]);
  }
  const status = existing === null ? 'created' : 'updated';
  return { step: 'merge', status, path: '.gitattributes', detail: `registered the manifest merge driver (${MERGE_DRIVER}) in .gitattributes and .git/config` };
};

export const INIT_STEPS: readonly Step[] = [policyStep, compileStep, blockStep, mergeDriverStep, hookStep, checkStep];

export async function runInit(repo: Repo, options: InitOptions): Promise<InitResult> {
  const context: InitContext = { repo, options };
  const steps: InitStep[] = [];
  for (const step of INIT_STEPS) {
    const done = await step(context);
    if (done) steps.push(done);
  }
  return {
    dryRun: options.dryRun ?? false,
    steps,
    ...(context.detected === undefined ? {} : { detected: context.detected }),
    check: context.check as CheckResult,
  };
}
