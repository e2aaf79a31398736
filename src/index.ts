// The library API, for Node users who want the policy without the CLI.
export { Classifier, type FolderVerdict, type RunLocation, type Verdict } from './policy/classifier.js';
export { compileBlockLines, renderGitignore, splitGitignore, BLOCK_BEGIN, BLOCK_END } from './policy/block.js';
export { loadPolicy, parsePolicy } from './policy/load.js';
export { POLICY_FILE, type Policy, type PolicyRoot, type Limits } from './policy/policy.js';
export { runCheck, type CheckResult, type Violation, type ViolationKind } from './core/check.js';
export { runInit, type InitOptions, type InitResult } from './core/init.js';
export { openRepo, type Repo } from './git/repo.js';
export { ConfigError, GitError, UserError } from './errors.js';
export { runAudit, type AuditOptions, type AuditResult, type Bucket, type RunReport, type RootReport } from './audit/audit.js';
export { historyOfRoots, type HistoryReport } from './git/history.js';
export { isPinned, loadPins, parsePins, Pins, PINS_FILE, type PinsData, type PinnedSnapshot } from './pins/pins.js';
export {
  commitSnapshot,
  listSnapshots,
  planSnapshot,
  runSnapshot,
  type SnapshotOptions,
  type SnapshotPlan,
  type SnapshotRecord,
  type SnapshotResult,
} from './snapshot/snapshot.js';
