// The library API, for Node users who want the policy without the CLI.
export { Classifier, type FolderVerdict, type RunLocation, type Verdict } from './policy/classifier.js';
export { compileBlockLines, renderGitignore, splitGitignore, BLOCK_BEGIN, BLOCK_END } from './policy/block.js';
export { loadPolicy, parsePolicy } from './policy/load.js';
export { POLICY_FILE, type Policy, type PolicyRoot, type Limits } from './policy/policy.js';
export { runCheck, type CheckResult, type Violation, type ViolationKind } from './core/check.js';
export { runInit, type InitOptions, type InitResult } from './core/init.js';
export { openRepo, type Repo } from './git/repo.js';
export { ConfigError, GitError, UserError } from './errors.js';
export { runPreCommit, loadPreCommit, type PreCommitResult, type AfterPassStep } from './core/precommit.js';
export { runRange, type RangeResult } from './core/range.js';
export { judge, type Finding, type FindingKind } from './core/rules.js';
export { installHook, uninstallHook } from './core/hook-install.js';
