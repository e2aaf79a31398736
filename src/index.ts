// The library API, for Node users who want the policy without the CLI.
export { Classifier, type FolderVerdict, type RunLocation, type Verdict } from './policy/classifier.js';
export { compileBlockLines, renderGitignore, splitGitignore, BLOCK_BEGIN, BLOCK_END } from './policy/block.js';
export { loadPolicy, parsePolicy } from './policy/load.js';
export { POLICY_FILE, type Policy, type PolicyRoot, type Limits } from './policy/policy.js';
export { runCheck, type CheckResult, type Violation, type ViolationKind } from './core/check.js';
export { runInit, type InitOptions, type InitResult } from './core/init.js';
export { openRepo, type Repo } from './git/repo.js';
export { ConfigError, GitError, UserError } from './errors.js';
export {
  checkManifest,
  computeManifest,
  manifestTargets,
  rebuildManifest,
  refreshManifestsFromIndex,
  updateManifest,
  type CheckManifestResult,
  type ManifestDifference,
  type ManifestSource,
  type ManifestTarget,
  type RebuildResult,
  type RefreshResult,
  type UpdateResult,
} from './manifest/manifest.js';
export { readManifest } from './manifest/read.js';
export { findRuns, matches, parseCondition, sortRows, type Condition, type FindOptions, type Operator } from './manifest/query.js';
export { mergeManifestTexts, type MergeResult } from './manifest/merge.js';
export { renderManifest, buildState, parseCanonical, type Layout } from './manifest/format.js';
export { MANIFEST_VERSION, type JsonValue, type Manifest, type Row } from './manifest/types.js';
export type { FieldSource, FieldSpec } from './policy/policy.js';
export { runAudit, type AuditOptions, type AuditResult, type Bucket, type RunReport, type RootReport } from './audit/audit.js';
export { historyOfRoots, type HistoryReport } from './git/history.js';
export { loadPins, parsePins, Pins, PINS_FILE, type PinsData, type PinnedSnapshot } from './pins/pins.js';
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
export { runPreCommit, loadPreCommit, type PreCommitResult, type AfterPassStep } from './core/precommit.js';
export { runRange, type RangeResult } from './core/range.js';
export { judge, type Finding, type FindingKind } from './core/rules.js';
export { installHook, uninstallHook } from './core/hook-install.js';
