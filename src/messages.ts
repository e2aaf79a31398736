// Every sentence a user reads, in one place: what went wrong, then what to do next.

/** Quotes a path for a POSIX shell, so that a printed command can be pasted as it is. */
export function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** A path as printed in human output: control characters (a newline in a run name) made visible. */
export function showPath(path: string): string {
  return /[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path;
}

/** Bytes as people read them (powers of 1024, as the policy's KB/MB/GB count), exact below 1 KB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value >= 100 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

/** The hook scripts print these through `printf '%s\n' 'TEXT'`: single-quoted for sh, nothing expanded. */
export function shellLiteral(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Why a write failed, by errno code (see writeRefused). */
const WRITE_REFUSED: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file would be larger than the file size limit (`ulimit -f`) or the file system allows',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
};

const WRITE_REFUSED_NEXT: Readonly<Record<string, string>> = {
  ENOSPC: 'free some space',
  EDQUOT: 'free some space or raise the quota',
  EFBIG: 'raise the limit (`ulimit -f unlimited`)',
  EROFS: 'remount it writable',
  EACCES: 'give yourself write access to the file and its folder',
  EPERM: 'give yourself write access to the file and its folder',
};

export const messages = {
  gitMissing: 'git was not found on PATH: install git (2.25 or newer) and try again.',
  gitTooOld: (found: string, minimum: string) => `${found} is too old: artifacts needs git ${minimum} or newer; upgrade git.`,
  notARepository: (cwd: string) => `${cwd} is not inside a git repository: run \`git init\` first, or cd into one.`,
  bareRepository: (cwd: string) =>
    `${cwd} is a bare repository: artifacts works on a work tree (run it in a clone with checked-out files).`,
  noPolicy: (file: string) => `no ${file} at the repository root: run \`artifacts init\` to create one from a preset.`,
  unreadable: (file: string, why: string) => `cannot read ${file}: ${why}`,
  hookInactiveHere:
    'the pre-commit hook is not active in this work tree: .husky/pre-commit is committed, but husky\'s .husky/_ is missing here (a fresh clone, or a worktree added after `artifacts init`). Run `artifacts init` here once.',
  checkUnreadable: (folder: string, why: string) => `cannot read ${showPath(folder)}/ (${why}): the files in it are not checked`,
  gitWarning: (line: string) => `git: ${line.replace(/^warning:\s*/, '')} (what git could not read is not checked)`,
  writeRefused: (file: string, code: string) =>
    `cannot write ${showPath(file)}: ${WRITE_REFUSED[code] ?? 'the file system refused the write'} (${code}). ` +
    `${showPath(file)} was left as it was (nothing partial was written): ${WRITE_REFUSED_NEXT[code] ?? 'fix that'}, then run the command again.`,
  unknownPreset: (name: string, known: readonly string[]) =>
    `unknown preset "${name}": the presets are ${known.join(', ')} (see \`artifacts presets\`).`,

  presets: {
    none: 'no preset named: write --preset NAME or --preset A,B (see `artifacts presets`).',
    twice: (name: string) => `preset "${name}" is named twice in --preset.`,
    noRootLeft: (name: string, roots: readonly string[]) => `preset ${name} has no root at ${roots.join(', ')}.`,
    rootPathNeedsOneRoot: (name: string) => `preset ${name} has several roots: its folder cannot be moved.`,
    overlap: (a: string, aPath: string, b: string, bPath: string) =>
      aPath === bPath
        ? `presets ${a} and ${b} both keep their runs in ${aPath}/ and cannot be combined: pick one (--preset ${a} or --preset ${b}).`
        : `presets ${a} (${aPath}/) and ${b} (${bPath}/) have roots inside each other and cannot be combined: pick one.`,
    listTitle: 'presets (artifacts init --preset NAME[,NAME...]; without --preset, init detects them):',
    listFooter: 'Several presets combine into one policy with several roots, unless their folders overlap.',
  },

  detect: {
    found: (preset: string, evidence: string) => `found ${evidence}: preset ${preset}`,
    nothing: (preset: string) => `no known layout found at the top of the repository: preset ${preset} (the default)`,
    explicit: (names: readonly string[]) => `preset ${names.join(' + ')} (--preset)`,
    dropped: (preset: string, kept: string, folder: string) =>
      `also looks like ${preset}, which keeps its runs in ${folder}/ too: ${kept} was chosen (stronger evidence); pass --preset to choose`,
  },

  fix: {
    'tracked-ignored': (paths: readonly string[]) =>
      `untrack, keeping the files on disk: git rm --cached -- ${paths.map(shellQuote).join(' ')}`,
    'tracked-never': (paths: readonly string[]) =>
      `untrack now: git rm --cached -- ${paths.map(shellQuote).join(' ')}; history keeps it, so rotate any secret it holds`,
    'would-commit': (rule: string | null) =>
      rule
        ? `remove or narrow the rule ${rule}, which re-includes it; or track it in the policy and run \`artifacts init\``
        : 'no rule ignores it: run `artifacts init` to write the managed block',
    hidden: (rule: string | null) =>
      rule
        ? `remove or narrow the rule ${rule}, which hides it; or stop tracking it in the policy`
        : 'git does not see it: run `artifacts init` to refresh the managed block',
    'stale-block': (_paths: readonly string[]) => 'run `artifacts init` to rewrite the managed block from the policy',
    unsupported: (_paths: readonly string[]) =>
      "move the nested repository out of the root, or list its folder in the root's `ignore`",
  },

  kindTitle: {
    'would-commit': 'git would commit what the policy ignores',
    hidden: 'git hides what the policy tracks',
    'tracked-ignored': 'already tracked, but the policy ignores it',
    'tracked-never': 'a `never` file is in the index',
    'stale-block': 'the managed .gitignore block is not what the policy compiles to',
    unsupported: 'a nested repository or submodule inside a root',
  },

  pins: {
    malformed: (file: string, why: string) =>
      `${file} is malformed (${why}): restore it with \`git checkout -- ${file}\`, or fix it by hand.`,
  },

  audit: {
    badTop: (value: string) => `--top must be a whole number from 0 up, not "${value}".`,
    badBy: (value: string, known: readonly string[]) =>
      `--by ${value}: group by ${known.map((k) => `"${k}"`).join(' or ')} (run, or a {name} of a root's run pattern).`,
    unreadable: (folder: string, why: string) => `cannot read ${showPath(folder)}/ (${why}): its files are not counted`,
    vanished: (file: string, why: string) => `cannot stat ${showPath(file)} (${why}): not counted`,
    missingRoot: (root: string) => `the root folder ${root}/ does not exist yet`,
    neverOnDisk: (count: number) =>
      `${count} file${count === 1 ? '' : 's'} matching \`never\` ${count === 1 ? 'is' : 'are'} on disk: git ignores ${count === 1 ? 'it' : 'them'}; make sure nothing copies ${count === 1 ? 'it' : 'them'} elsewhere`,
    progress: (files: number, runs: number) => `audit: ${files.toLocaleString('en-US')} files, ${runs.toLocaleString('en-US')} runs…`,
  },

  snapshot: {
    badPattern: (option: string, text: string, problem: string) => `${option} "${text}" ${problem}`,
    noRuns: 'name at least one run folder (or a quoted glob of run folders), e.g. `artifacts snapshot runs/chatdev/<run-id>`.',
    escapes: (arg: string) => `${showPath(arg)} is outside the repository: name run folders inside it.`,
    outsideRoots: (arg: string, roots: readonly string[]) =>
      `${showPath(arg)} is not under any root of the policy (roots: ${roots.map((r) => `${r}/`).join(', ')}).`,
    notARun: (arg: string, pattern: string) =>
      `${showPath(arg)} is not a run folder: run folders are ${pattern}; name one, or quote a glob such as '${pattern.replace(/\{[^}]*\}/g, '*')}'.`,
    insideRun: (arg: string, run: string) => `${showPath(arg)} is inside the run ${showPath(run)}: name the run folder itself.`,
    unknownRun: (arg: string) => `unknown run ${showPath(arg)}: no such folder (check the name with \`ls\`).`,
    matchesNothing: (arg: string) => `${showPath(arg)} matches no run folder.`,
    badGlob: (arg: string) => `${showPath(arg)}: a run glob uses '*' and '?' within one folder level only (no '**', classes or braces).`,
    noFiles: (runs: readonly string[]) =>
      `nothing to snapshot in ${runs.map(showPath).join(', ')}: no file matches the root's \`snapshot\` rule and --include (or --exclude removed them all).`,
    unreadable: (why: string) => `cannot read a selected run: ${why}`,
    badTag: (tag: string) => `--tag ${JSON.stringify(tag)} is not a valid tag name (see \`git check-ref-format\`).`,
    tagExists: (tag: string) => `the tag ${tag} already exists: choose another name, or delete it with \`git tag -d ${shellQuote(tag)}\`.`,
    nameExists: (name: string) => `a snapshot named ${name} is already in artifacts.pins.json: choose another --tag.`,
    defaultMessage: (name: string, runs: number, files: number) =>
      `Snapshot ${name}: ${runs} run${runs === 1 ? '' : 's'}, ${files} file${files === 1 ? '' : 's'}`,
    oversize: (limit: string) =>
      `these files are over limits.file (${limit}); nothing was staged or committed. Ways out: leave them out with the --exclude options below, store them in Git LFS with --lfs, or raise limits.file in the policy:`,
    lfsWay: '  or store them in Git LFS: add --lfs (git-lfs must be installed: `git lfs install`)',
    lfsUnavailable: (why: string) =>
      `--lfs needs Git LFS, and ${why}: install git-lfs (e.g. apt-get install git-lfs), run \`git lfs install\`, then try again; or leave the large files out with --exclude.`,
    lfsStored: (count: number) => `  stored in Git LFS (pointers committed, .gitattributes updated): ${count} file${count === 1 ? '' : 's'}`,
  },

  // What jsonc-parser's error codes mean, for "metrics.json: invalid JSON at LINE:COL: <problem>".
  json: {
    problems: {
      InvalidSymbol: 'unexpected character',
      InvalidNumberFormat: 'invalid number',
      PropertyNameExpected: 'expected a property name in double quotes',
      ValueExpected: 'expected a value',
      ColonExpected: "expected ':'",
      CommaExpected: "expected ','",
      CloseBraceExpected: "expected ',' or '}'",
      CloseBracketExpected: "expected ',' or ']'",
      EndOfFileExpected: 'unexpected text after the value',
      InvalidCommentToken: 'comments are not JSON',
      UnexpectedEndOfComment: 'unexpected end of input inside a comment',
      UnexpectedEndOfString: 'unexpected end of input inside a string',
      UnexpectedEndOfNumber: 'unexpected end of input inside a number',
      InvalidUnicode: 'invalid \\u escape in a string',
      InvalidEscapeCharacter: 'invalid escape in a string',
      InvalidCharacter: 'invalid character in a string',
    },
    afterValue: 'unexpected text after the value',
    endOfInput: (problem: string) => `unexpected end of input, ${problem}`,
    other: 'not valid JSON',
  },

  blockMissing: 'the .gitignore has no managed block',
  blockDiffers: 'the managed block differs from the compiled policy',
  nothingInside: (root: string) => `the root folder ${root}/ does not exist yet`,

  manifest: {
    malformed: (file: string, error: string) => `${showPath(file)}: ${error} (the fields it feeds are null in that run's row, which records the error)`,
    unreadableFolder: (folder: string, why: string) =>
      `cannot read ${showPath(folder)}/ (${why}): the runs in it are skipped (left out of a rebuild; an update leaves their rows as they were)`,
    unreadableFile: (file: string, why: string) => `cannot read ${showPath(file)} (${why}): the fields it feeds are null`,
    lockTimeout: (lock: string, pid: number | null) =>
      `gave up waiting for ${lock}${pid === null ? '' : ` (held by process ${pid})`}: if no artifacts command is running, delete the lock file and retry.`,
    unmerged: (path: string) =>
      `${showPath(path)} has an unresolved merge conflict: resolve it and \`git add\` it first (or use \`artifacts manifest rebuild --worktree\`).`,
    noManifest: 'no root of the policy has a `manifest`: add e.g. `manifest: runs_manifest.json` to a root in artifacts.policy.yaml.',
    refreshNeedsStaged: 'manifest refresh reads the staged changes: call it as `artifacts manifest refresh --staged`.',
    notARun: (folder: string, patterns: readonly string[]) =>
      `${showPath(folder)} is not a run folder of a root with a manifest: run folders are ${patterns.join(', ')} (relative to the repository root).`,
    missing: (file: string) => `${file} does not exist: run \`artifacts manifest rebuild\` to create it.`,
    unreadable: (file: string, conflict: boolean) =>
      conflict
        ? `${file} has merge conflict markers: resolve it with \`${resolveCommand(file)}\` (it is recomputed from the merged run files).`
        : `${file} is not a manifest (invalid JSON or no "runs" list): recreate it with \`artifacts manifest rebuild\`.`,
    resolve: (file: string) => resolveCommand(file),
    mergeConflict: (file: string, runs: readonly string[]) =>
      `${file}: ${runs.length} run${runs.length === 1 ? '' : 's'} changed on both sides with different values (${runs.slice(0, 5).map(showPath).join(', ')}${runs.length > 5 ? ', …' : ''}): resolve the run files, \`git add\` them, then run \`${resolveCommand(file)}\`.`,
    mergeUnreadable: (file: string) =>
      `${file}: one side of the merge is not a manifest, so the rows cannot be merged: after the merge, run \`${resolveCommand(file)}\`.`,
    mergeNoRoot: (file: string) => `${file} is not the manifest of any root in artifacts.policy.yaml: nothing to merge with.`,
    badWhere: (expr: string) =>
      `--where "${expr}" is not FIELD OP VALUE: OP is one of = != >= <= > < ~ (substring), e.g. --where total_tokens_in>=100000.`,
    unknownField: (field: string, known: readonly string[]) => `no field "${field}" in the manifest: the fields are ${known.join(', ')}.`,
    badLimit: (value: string) => `--limit ${value} is not a whole number of rows (0 or more).`,
    formats: '--json and --csv are alternatives: choose one.',
    noMerge: 'without the merge driver, a conflicted manifest is resolved with `artifacts manifest rebuild`, then `git add` of the manifest.',
  },

  // ---- the pre-commit hook, check --staged, check --range --------------------------------------------
  hook: {
    kindTitle: {
      never: 'a `never` file is being committed',
      ignored: 'a file the policy ignores is being committed (force-added?)',
      'too-large': 'a file is over its size limit',
      'run-too-large': "a run's tracked files would be over limits.run",
    },
    fix: {
      never: (path: string, existed: boolean) =>
        existed
          ? `untrack it: git rm --cached -- ${shellQuote(path)}; it is in history already, so rotate any secret it holds`
          : `unstage it (the file stays on disk): git restore --staged -- ${shellQuote(path)}`,
      ignored: (path: string, existed: boolean) =>
        existed
          ? `untrack it, keeping the file: git rm --cached -- ${shellQuote(path)}`
          : `unstage it (the file stays on disk): git restore --staged -- ${shellQuote(path)}`,
      tooLarge: (path: string, existed: boolean, limitKey: string, routedToLfs: boolean) =>
        routedToLfs
          ? `.gitattributes routes it to Git LFS but it was staged as a raw blob: run \`git lfs install\`, then git add --renormalize -- ${shellQuote(path)}`
          : `unstage it: git restore --staged -- ${shellQuote(path)}${existed ? ' (keeps the committed version)' : ''}; ` +
            `or store it in Git LFS: git lfs track ${shellQuote(path)} && git add .gitattributes ${shellQuote(path)}; ` +
            `or raise ${limitKey.replace('limits.', 'limits: ')} in artifacts.policy.yaml`,
      runTooLarge: (paths: readonly string[]) =>
        `unstage the run files you do not mean to commit${paths[0] === undefined ? '' : `, the largest first: git restore --staged -- ${shellQuote(paths[0])}`}; ` +
        'or raise limits: run in artifacts.policy.yaml',
      /**
       * A finding of `check --range`: the file is in a commit already, so unstaging is no fix. A new commit
       * can stop tracking it; only rewriting the commit takes the blob out of history.
       */
      inHistory: (finding: { kind: string; path: string; commit: string; limitKey?: string; paths?: readonly string[] }) => {
        const rewrite = `git rebase -i ${finding.commit.slice(0, 12)}^`;
        const raise = finding.limitKey ? `; or raise ${finding.limitKey.replace('limits.', 'limits: ')} in artifacts.policy.yaml` : '';
        switch (finding.kind) {
          case 'never':
            return `take it out of history: rewrite that commit (${rewrite}), and rotate any secret it holds; to stop tracking it: git rm --cached -- ${shellQuote(finding.path)}`;
          case 'ignored':
            return `untrack it in a new commit, keeping the file: git rm --cached -- ${shellQuote(finding.path)}; or rewrite that commit (${rewrite})`;
          case 'too-large':
            return (
              `it weighs on every clone until that commit is rewritten (${rewrite}, or into Git LFS: git lfs migrate import --include=${shellQuote(finding.path)}); ` +
              `to stop tracking it: git rm --cached -- ${shellQuote(finding.path)}${raise}`
            );
          default: {
            const largest = finding.paths?.[0];
            return `untrack run files in a new commit${largest === undefined ? '' : `, the largest first: git rm --cached -- ${shellQuote(largest)}`}; or rewrite that commit (${rewrite})${raise}`;
          }
        }
      },
    },
    ok: (staged: number, runs: number) =>
      `artifacts: ok: ${staged} staged entr${staged === 1 ? 'y' : 'ies'} checked, ${runs} run total${runs === 1 ? '' : 's'} within limits`,
    blocked: (count: number) =>
      `artifacts: the commit is blocked: ${count} finding${count === 1 ? '' : 's'} (above, each with its fix). Nothing in the index or the work tree was changed.`,
    skipHint:
      'To commit anyway (CI still checks with `artifacts check --range`): ARTIFACTS_SKIP=1 git commit ..., or git commit --no-verify',
    skipped: 'artifacts: ARTIFACTS_SKIP=1: the pre-commit checks were skipped (CI still runs `artifacts check --range`)',
    stagedOk: (staged: number) => `ok: ${staged} staged entr${staged === 1 ? 'y' : 'ies'} pass the hook's rules`,
    stagedBad: (count: number) => `${count} finding${count === 1 ? '' : 's'}: the staged changes break the policy.`,
    rangeOk: (range: string, commits: number) => `ok: ${commits} commit${commits === 1 ? '' : 's'} in ${range} pass the hook's rules`,
    rangeBad: (range: string, count: number) => `${count} finding${count === 1 ? '' : 's'} in ${range}: the commits named above break the policy.`,
    badRange: (range: string) => `--range ${JSON.stringify(range)}: expected BASE..HEAD (two commits, e.g. origin/main..HEAD)`,
    stagedAndRange: '--staged and --range cannot be combined: the first checks the index, the second commits',
    cliMissing:
      'artifacts: the pre-commit hook cannot find the artifacts CLI (not in node_modules/.bin, not on PATH). ' +
      'Install it: npm install --save-dev artifacts (or npm install -g artifacts). ' +
      'To commit without the check: ARTIFACTS_SKIP=1 git commit ..., or git commit --no-verify.',
    lfsMissing:
      'This repository uses Git LFS but git-lfs is not on PATH: install it (apt-get install git-lfs), or remove the Git LFS part of .husky/pre-push.',
  },

  install: {
    installed: (where: string) => `installed: ${where} runs \`artifacts hook pre-commit\` on every commit`,
    unchanged: 'the pre-commit hook is installed and up to date',
    chained: (names: readonly string[]) => `; chains to the existing .git/hooks/${names.join(', .git/hooks/')}`,
    lfs: '; keeps Git LFS hooks working (pre-push, post-checkout, post-commit, post-merge)',
    prepareAdded: (script: string) => `package.json scripts.prepare is now "${script}": clones get the hook on npm install`,
    prepareKept: 'package.json scripts.prepare already runs husky',
    prepareNoDependency:
      ' (add artifacts as a devDependency, npm install --save-dev artifacts, so that `husky` is there when npm runs prepare)',
    skipped: '--no-hook: no hook installed (CI can still run `artifacts check --range`)',
    preCommitFramework: (file: string, active: boolean) =>
      `added a \`repo: local\` hook (id artifacts) to ${file}${active ? '' : '; run `pre-commit install` to activate it'}`,
    preCommitFrameworkUnchanged: (file: string) => `${file} already has the artifacts hook`,
    refusedHooksPath: (hooksPath: string, scope: string) =>
      `not installed: core.hooksPath (${scope}) points to ${hooksPath}, another hook setup; moving it would silently stop those hooks. ` +
      `Add this line to ${hooksPath}/pre-commit yourself: artifacts hook pre-commit`,
    refusedLefthook: (file: string) =>
      `not installed: lefthook manages the hooks here (${file}); add to it yourself:\n` +
      '    pre-commit:\n      commands:\n        artifacts:\n          run: artifacts hook pre-commit',
    huskyFailed: (why: string) => `not installed: husky could not set up .husky/_: ${why}`,
    notInstalledExit: 'the pre-commit hook was not installed (see the hook step above).',
  },

  uninstall: {
    nothing: 'nothing to remove: artifacts init installed no hook here',
    removedFile: 'removed (artifacts created it)',
    removedBlock: 'removed the artifacts block; your lines are kept',
    restoredHooksPath: (before: string | null) => (before === null ? 'unset core.hooksPath (git uses .git/hooks again)' : `core.hooksPath restored to ${before}`),
    removedHuskyDir: 'removed .husky/_ (husky\'s dispatcher, installed by artifacts init)',
    prepareRestored: (before: string | null) => (before === null ? 'removed scripts.prepare' : `scripts.prepare restored to "${before}"`),
    preCommitEntry: 'removed the artifacts hook entry',
  },
} as const;

function resolveCommand(file: string): string {
  return `artifacts manifest rebuild && git add -- ${shellQuote(file)}`;
}
