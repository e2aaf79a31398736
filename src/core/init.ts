// `artifacts init`: a sequence of steps, each reporting what it did. The hook installation (a later
// step) plugs in here; every step is idempotent, so a second init changes no byte.
import path from 'node:path';
import { readIfExists, writeAtomic } from '../fs/atomic.js';
import { listIndex, type Repo } from '../git/repo.js';
import { compileBlockLines, renderGitignore, splitGitignore } from '../policy/block.js';
import { Classifier } from '../policy/classifier.js';
import { parsePolicy } from '../policy/load.js';
import type { Policy } from '../policy/policy.js';
import { POLICY_FILE } from '../policy/policy.js';
import { DEFAULT_PRESET, readPreset } from '../policy/presets.js';
import { messages } from '../messages.js';
import { type CheckResult, explain, indexViolations, runCheck } from './check.js';

export interface InitOptions {
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
}

export interface InitResult {
  dryRun: boolean;
  steps: InitStep[];
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
}

/** A step reports what it did, or null when it has nothing to report. */
type Step = (context: InitContext) => Promise<InitStep | null>;

/** Writes the policy from a preset unless one exists (kept) or --force (replaced). */
const policyStep: Step = async (context) => {
  const { repo, options } = context;
  const file = path.join(repo.root, POLICY_FILE);
  const existing = await readIfExists(file);
  const preset = options.preset ?? DEFAULT_PRESET;
  if (existing !== null && !options.force) {
    context.policyText = existing;
    const detail = options.preset ? `kept the existing policy (--force replaces it with preset ${preset})` : 'kept the existing policy';
    return { step: 'policy', status: 'kept', path: POLICY_FILE, detail };
  }
  const text = await readPreset(preset);
  context.policyText = text;
  if (existing === text) return { step: 'policy', status: 'unchanged', path: POLICY_FILE, detail: `already preset ${preset}` };
  if (!options.dryRun) await writeAtomic(file, text);
  const status = existing === null ? 'created' : 'replaced';
  return { step: 'policy', status, path: POLICY_FILE, detail: `${status} from preset ${preset}` };
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
    const pending = indexViolations(classifier, await listIndex(context.repo));
    const violations = pending.map((v) => explain(v, null));
    context.check = { ok: violations.length === 0, violations, warnings: [], stats: { files: 0, ignoredEntries: 0 } };
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

export const INIT_STEPS: readonly Step[] = [policyStep, compileStep, blockStep, hookStep, checkStep];

export async function runInit(repo: Repo, options: InitOptions): Promise<InitResult> {
  const context: InitContext = { repo, options };
  const steps: InitStep[] = [];
  for (const step of INIT_STEPS) {
    const done = await step(context);
    if (done) steps.push(done);
  }
  return { dryRun: options.dryRun ?? false, steps, check: context.check as CheckResult };
}
