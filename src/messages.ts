// Every sentence a user reads, in one place: what went wrong, then what to do next.

/** Quotes a path for a POSIX shell, so that a printed command can be pasted as it is. */
export function shellQuote(path: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** A path as printed in human output: control characters (a newline in a run name) made visible. */
export function showPath(path: string): string {
  return /[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path;
}

export const messages = {
  gitMissing: 'git was not found on PATH: install git (2.25 or newer) and try again.',
  gitTooOld: (found: string, minimum: string) => `${found} is too old: artifacts needs git ${minimum} or newer; upgrade git.`,
  notARepository: (cwd: string) => `${cwd} is not inside a git repository: run \`git init\` first, or cd into one.`,
  bareRepository: (cwd: string) =>
    `${cwd} is a bare repository: artifacts works on a work tree (run it in a clone with checked-out files).`,
  noPolicy: (file: string) => `no ${file} at the repository root: run \`artifacts init\` to create one from a preset.`,
  unreadable: (file: string, why: string) => `cannot read ${file}: ${why}`,
  unknownPreset: (name: string, known: readonly string[]) =>
    `unknown preset "${name}": the presets are ${known.join(', ')} (see policies/).`,

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
      `these files are over limits.file (${limit}); nothing was staged or committed. Ways out: leave them out with the --exclude options below, or raise limits.file in the policy:`,
  },

  blockMissing: 'the .gitignore has no managed block',
  blockDiffers: 'the managed block differs from the compiled policy',
  nothingInside: (root: string) => `the root folder ${root}/ does not exist yet`,

  manifest: {
    malformed: (file: string, error: string) => `${showPath(file)}: ${error} (the fields it feeds are null in that run's row, which records the error)`,
    lockTimeout: (lock: string, pid: number | null) =>
      `gave up waiting for ${lock}${pid === null ? '' : ` (held by process ${pid})`}: if no artifacts command is running, delete the lock file and retry.`,
    unmerged: (path: string) =>
      `${showPath(path)} has an unresolved merge conflict: resolve it and \`git add\` it first (or use \`artifacts manifest rebuild --worktree\`).`,
    noManifest: 'no root of the policy has a `manifest`: add e.g. `manifest: runs_manifest.json` to a root in artifacts.policy.yaml.',
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
} as const;

function resolveCommand(file: string): string {
  return `artifacts manifest rebuild && git add -- ${shellQuote(file)}`;
}
