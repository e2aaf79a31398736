#!/usr/bin/env node
// npm run bench: times each command side by side with the floor it is compared with (what the machine
// allows for the same work), alternating command and floor, medians of several repetitions, on trees built
// by examples/make-runs-tree.mjs (a copy of shared/bench/make-runs-tree.mjs, so that a fresh clone runs it).
//   node bench/run.mjs [--sizes S,M[,L]] [--large] [--reps N] [--smoke] [--out FILE]
// S = 100 runs x 20 workspace files, M = 2,000 x 50 (the default pair), L = 10,000 x 100 (--large or
// --sizes ...,L: about a minute to build and 5 GB of disk, mostly sparse). Trees are kept in bench/trees/.
// --smoke: the S tree, one repetition, every command must succeed; no time is asserted and no results are
// written (CI runs it so that the harness never rots).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const project = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(project, 'bin', 'artifacts.js');
const generator = path.join(project, 'examples', 'make-runs-tree.mjs');
const walkFloor = path.join(project, 'bench', 'walk-floor.mjs');
const treeRoot = path.join(project, 'bench', 'trees');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const smoke = args.includes('--smoke');
let sizes = (smoke ? 'S' : flag('--sizes', 'S,M')).split(',');
if (args.includes('--large') && !sizes.includes('L')) sizes.push('L');
const reps = smoke ? 1 : Number(flag('--reps', '7'));
const out = flag('--out', path.join(project, 'bench', 'results.json'));
const TREES = { S: { runs: 100, ws: 20 }, M: { runs: 2000, ws: 50 }, L: { runs: 10000, ws: 100 } };
for (const size of sizes) if (!TREES[size]) throw new Error(`unknown size ${size}: S, M or L`);
sizes = ['S', 'M', 'L'].filter((s) => sizes.includes(s));

/** pre-commit-hooks' check-added-large-files on this machine kind: hook overhead on a one-run commit. */
const PEER = {
  bare: { S: 0.18, M: 0.2 },
  framework: '420–490 ms',
};

const node = process.execPath;
const IDENTITY = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false'];
const git = (cwd, ...argv) => execFileSync('git', [...IDENTITY, ...argv], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });

function spawnOk(cwd, command, argv, env) {
  const result = spawnSync(command, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, ...(env ? { env } : {}) });
  if (result.status !== 0) {
    throw new Error(`${command} ${argv.join(' ')} exited ${result.status} in ${cwd}:\n${result.stderr}${result.stdout.slice(0, 2000)}`);
  }
  return result;
}

/** Seconds that one run of [command, argv] takes; anything but exit 0 stops the bench (every command must succeed). */
function time(cwd, [command, argv, env]) {
  const start = process.hrtime.bigint();
  spawnOk(cwd, command, argv, env);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * A tree whose runs' small files are committed with their manifest, the policy and the hook installed by
 * `artifacts init`: the repository of a user some weeks in.
 */
function buildTree(size) {
  const { runs, ws } = TREES[size];
  const dir = path.join(treeRoot, `${size}-${runs}x${ws}-tracked`);
  if (!existsSync(path.join(dir, '.git')) || spawnSync('git', ['cat-file', '-e', 'HEAD:runs/runs_manifest.json'], { cwd: dir }).status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(treeRoot, { recursive: true });
    console.error(`building the ${size} tree (${runs} runs x ${ws} workspace files)…`);
    execFileSync(node, [generator, '--out', dir, '--runs', String(runs), '--workspace-files', String(ws), '--git', '--track-runs'], { stdio: 'ignore' });
    spawnOk(dir, node, [bin, 'init']);
    git(dir, 'add', '-A');
    spawnOk(dir, node, [bin, 'manifest', 'refresh', '--staged']);
    git(dir, 'commit', '-q', '--no-verify', '-m', 'artifacts init, manifest');
  } else {
    spawnOk(dir, node, [bin, 'init']); // an older build's hook block, if any, is brought up to date
    git(dir, 'add', '--', '.husky');
    if (spawnSync('git', ['diff', '--cached', '--quiet'], { cwd: dir }).status !== 0) git(dir, 'commit', '-q', '--no-verify', '-m', 'hook');
  }
  // The one-run commit: a run's metrics.json with a new value (so the manifest row changes), staged. The same
  // run on every size; each repetition commits it, then undoes the commit and unstages the manifest again.
  git(dir, 'reset', '-q', 'HEAD');
  git(dir, 'checkout', '-q', '--', 'runs');
  const framework = readdirSync(path.join(dir, 'runs'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()[0];
  const runName = readdirSync(path.join(dir, 'runs', framework)).sort()[10];
  const metrics = `runs/${framework}/${runName}/metrics.json`;
  const committed = JSON.parse(readFileSync(path.join(dir, metrics), 'utf8'));
  writeFileSync(path.join(dir, metrics), `${JSON.stringify({ ...committed, total_tokens_in: (committed.total_tokens_in ?? 0) + 1 }, null, 2)}\n`);
  git(dir, 'add', '--', metrics);
  return dir;
}

/** The CLI as `artifacts` on PATH, for the installed hook to find (as after `npm install -g`). */
const cliBin = path.join(treeRoot, '.bin');
function ensureCliOnPath() {
  mkdirSync(cliBin, { recursive: true });
  if (!existsSync(path.join(cliBin, 'artifacts'))) symlinkSync(bin, path.join(cliBin, 'artifacts'));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Alternates the command and its floor so that machine noise hits both alike; medians of `reps`. */
function measure(cwd, ours, floor, times = reps) {
  time(cwd, ours); // warm the page cache (and the policy cache)
  time(cwd, floor);
  const a = [];
  const b = [];
  for (let i = 0; i < times; i++) {
    a.push(time(cwd, ours));
    b.push(time(cwd, floor));
  }
  return { ours: median(a), floor: median(b), diff: median(a.map((x, i) => x - b[i])) };
}

const shell = (script, env) => ['bash', ['-c', script], env];
/**
 * The hook rows are differences of two commits that each take 40-300 ms and vary by tens of ms: three times
 * the repetitions, so that the median difference settles.
 */
const hookReps = reps * 3;
/** The environment without NODE_EXTRA_CA_CERTS, when it is set (see below); null otherwise. */
const withoutCaCerts = process.env.NODE_EXTRA_CA_CERTS === undefined ? null : Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));
const STARTUP_BOUND = new Set(['artifacts --version', 'artifacts runs --where framework=chatdev --where total_tokens_in>=100000', 'artifacts check']);
const startLoad = loadavg();
const rows = [];
const hookCost = {};
const checksOnlyCost = {};
const minimalHookCost = {};
const hookProcessCost = {};
/** A hooks folder whose pre-commit hook only reads the staged changes (see the minimal-hook rows). */
const minimalHooks = path.join(treeRoot, '.minimal-hooks');
mkdirSync(minimalHooks, { recursive: true });
const noHooks = path.join(treeRoot, '.no-hooks');
mkdirSync(noHooks, { recursive: true });
writeFileSync(path.join(minimalHooks, 'pre-commit'), '#!/bin/sh\nexec git diff --cached -z --raw --no-abbrev --find-renames >/dev/null\n', { mode: 0o755 });

/** The default preset's policy without its manifest keys (manifest, fields, counts, last_updated). */
function withoutManifest(text) {
  const lines = text.split('\n');
  const kept = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^    (manifest|counts|last_updated):/.test(lines[i])) continue;
    if (/^    fields:/.test(lines[i])) {
      while (/^      /.test(lines[i + 1] ?? '')) i++;
      continue;
    }
    kept.push(lines[i]);
  }
  const result = kept.join('\n');
  if (/^\s*(manifest|fields):/m.test(result)) throw new Error('the preset policy changed shape: update withoutManifest() in bench/run.mjs');
  return result;
}
const stagingCost = {};
ensureCliOnPath();
for (const size of sizes) {
  const dir = buildTree(size);
  const cases = [
    { command: 'artifacts --version', floor: 'node -e 0', target: 1.5, ours: [node, [bin, '--version']], base: [node, ['-e', '0']] },
    {
      command: 'artifacts runs --where framework=chatdev --where total_tokens_in>=100000',
      floor: 'node -e 0',
      target: 1.5,
      ours: [node, [bin, 'runs', '--where', 'framework=chatdev', '--where', 'total_tokens_in>=100000', '--json']],
      base: [node, ['-e', '0']],
    },
    {
      command: 'artifacts manifest rebuild --worktree',
      floor: 'walk-floor.mjs runs --mode manifest',
      target: 1.5,
      ours: [node, [bin, 'manifest', 'rebuild', '--worktree']],
      base: [node, [walkFloor, 'runs', '--mode', 'manifest']],
    },
    {
      command: 'artifacts manifest rebuild',
      floor: 'walk-floor.mjs runs --mode manifest',
      target: null,
      ours: [node, [bin, 'manifest', 'rebuild']],
      base: [node, [walkFloor, 'runs', '--mode', 'manifest']],
    },
    {
      command: 'artifacts check',
      floor: 'git ls-files -o -i --exclude-standard --directory + git ls-files -o --exclude-standard',
      target: 2,
      ours: [node, [bin, 'check']],
      base: shell('git ls-files -z -o -i --exclude-standard --directory >/dev/null && git ls-files -z -o --exclude-standard >/dev/null'),
    },
    { command: 'artifacts audit --json', floor: 'du -sb runs', target: 1.5, ours: [node, [bin, 'audit', '--json']], base: ['du', ['-sb', 'runs']] },
  ];
  for (const c of cases) {
    const m = measure(dir, c.ours, c.base);
    rows.push({ tree: size, command: c.command, floor: c.floor, ours_s: m.ours, floor_s: m.floor, ratio: m.ours / m.floor, target: c.target });
  }
  // NODE_EXTRA_CA_CERTS makes Node read and parse that certificate file before any code runs (about 100 ms
  // here): it inflates `node -e 0` as much as our start-up, which flatters the ratios of the commands whose
  // cost is mostly start-up. Where it is set, those commands are measured without it too (both sides alike).
  if (withoutCaCerts) {
    for (const c of cases.filter((x) => STARTUP_BOUND.has(x.command))) {
      const m = measure(dir, [...c.ours.slice(0, 2), withoutCaCerts], [...c.base.slice(0, 2), withoutCaCerts]);
      rows.push({ tree: size, command: c.command, floor: c.floor, env: 'without NODE_EXTRA_CA_CERTS', ours_s: m.ours, floor_s: m.floor, ratio: m.ours / m.floor, target: null });
    }
  }
  // The hook on a one-run commit: the commit with the hook minus the same commit with --no-verify (median
  // of the pairwise differences). Both undo the commit and unstage the manifest the hook staged.
  const env = { ...process.env, PATH: `${cliBin}${path.delimiter}${process.env.PATH}` };
  const commit = (flags, config = []) =>
    shell(`git ${[...IDENTITY, ...config].join(' ')} commit -q ${flags} -m bench && git reset -q --soft HEAD~1 && git reset -q -- runs/runs_manifest.json`, env);
  const m = measure(dir, commit(''), commit('--no-verify'), hookReps);
  hookCost[size] = m.diff;
  // The same commit with a policy that has no manifest, staged with it (the hook then judges by the staged
  // policy): the hook's checks alone, without the manifest refresh and its staging.
  const policyFile = path.join(dir, 'artifacts.policy.yaml');
  const policyText = readFileSync(policyFile, 'utf8');
  writeFileSync(policyFile, withoutManifest(policyText));
  git(dir, 'add', '--', 'artifacts.policy.yaml');
  const checksOnly = measure(dir, commit(''), commit('--no-verify'), hookReps);
  // The hook process alone on that commit, run as the installed hook runs it (NODE_EXTRA_CA_CERTS emptied),
  // without git commit around it: its own cost, against Node's start-up.
  const quiet = withoutCaCerts ?? process.env;
  const hookProcess = measure(dir, [node, [bin, 'hook', 'pre-commit'], quiet], [node, ['-e', '0'], quiet], hookReps);
  hookProcessCost[size] = hookProcess.ours;
  git(dir, 'reset', '-q', '--', 'artifacts.policy.yaml');
  writeFileSync(policyFile, policyText);
  checksOnlyCost[size] = checksOnly.diff;
  // What any pre-commit hook that reads the staged changes costs here: a shell hook running `git diff --cached`
  // and nothing else (no husky), measured the same way. git reads its whole index for that diff, and reads it
  // again after any pre-commit hook: the part of a hook's cost that grows with the repository whatever it does.
  // Its floor is a commit with no hooks at all: `--no-verify` still runs husky's prepare-commit-msg and
  // post-commit dispatchers, which this hooks folder does not have.
  const minimal = measure(dir, commit('', ['-c', `core.hooksPath=${minimalHooks}`]), commit('', ['-c', `core.hooksPath=${noHooks}`]), hookReps);
  minimalHookCost[size] = minimal.diff;
  // What git alone takes to stage a manifest of this tree's size, the hook's last step: a new blob as large as
  // the manifest (one row per run) and a rewrite of the whole index. Each repetition stages different bytes,
  // as each commit does, then unstages them.
  const manifestFile = path.join(dir, 'runs', 'runs_manifest.json');
  const original = readFileSync(manifestFile);
  const staging = [];
  for (let i = 0; i <= reps; i++) {
    writeFileSync(manifestFile, Buffer.concat([original, Buffer.from(`${' '.repeat(i + 1)}${process.hrtime.bigint()}\n`)]));
    const seconds = time(dir, ['git', ['-c', 'core.looseCompression=1', 'update-index', '--add', '--', 'runs/runs_manifest.json']]);
    if (i > 0) staging.push(seconds); // the first warms the cache
    git(dir, 'reset', '-q', '--', 'runs/runs_manifest.json');
  }
  writeFileSync(manifestFile, original);
  stagingCost[size] = median(staging);
  rows.push({
    tree: size,
    command: 'git commit, one-run commit: hook overhead',
    floor: 'git commit --no-verify',
    ours_s: m.ours,
    floor_s: m.floor,
    hook_s: m.diff,
    peer_bare_s: PEER.bare[size] ?? null,
    ratio: PEER.bare[size] ? m.diff / PEER.bare[size] : null,
    target: PEER.bare[size] ? 1 : null,
  });
}
// The hook's cost must not grow with the tree: the largest tree's against S's.
const largest = sizes[sizes.length - 1];
if (sizes.length > 1 && sizes[0] === 'S') {
  /** A row of the largest tree's figure against S's, from per-size costs. */
  const againstS = (command, floor, cost, target = null) =>
    rows.push({ tree: `${largest} vs S`, command, floor, ours_s: cost[largest], floor_s: cost.S, ratio: cost[largest] / cost.S, target });
  againstS(`hook overhead on ${largest}`, 'hook overhead on S', hookCost, 1.3);
  againstS(`hook overhead on ${largest}, policy without a manifest (the checks alone)`, 'the same on S', checksOnlyCost);
  againstS(`the hook process alone (artifacts hook pre-commit), policy without a manifest, on ${largest}`, 'the same on S', hookProcessCost);
  againstS(`a minimal hook (sh + git diff --cached) on ${largest}`, 'the same on S', minimalHookCost);
  againstS(`git staging a refreshed manifest (update-index) on ${largest}`, 'the same on S', stagingCost);
  const withoutStaging = Object.fromEntries(Object.keys(hookCost).map((size) => [size, hookCost[size] - stagingCost[size]]));
  againstS(`hook overhead minus that staging on ${largest}`, 'the same on S', withoutStaging);
}

const ms = (s) => (s === null || s === undefined ? '' : `${(s * 1000).toFixed(0)} ms`);
const lines = [];
lines.push('| tree | command | floor | ours | floor | ratio | target | met |');
lines.push('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const met = r.target === null ? '' : r.ratio <= r.target ? 'yes' : 'no';
  if (r.hook_s !== undefined) {
    // ours: commit with the hook minus commit --no-verify; the floor column: the peer's same measure.
    lines.push(
      `| ${r.tree} | hook overhead on a one-run commit (commit ${ms(r.ours_s)} − \`--no-verify\` ${ms(r.floor_s)}) | check-added-large-files, bare git hook | ${ms(r.hook_s)} | ${r.peer_bare_s ? ms(r.peer_bare_s) : ''} | ${r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`} | ${r.target === null ? '' : '< 1x'} | ${met} |`,
    );
  } else {
    const env = r.env ? ` (${r.env})` : '';
    lines.push(`| ${r.tree} | \`${r.command}\`${env} | \`${r.floor}\`${env} | ${ms(r.ours_s)} | ${ms(r.floor_s)} | ${r.ratio.toFixed(2)}x | ${r.target === null ? '' : `≤ ${r.target}x`} | ${met} |`);
  }
}
const gitVersion = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
const cpu = cpus()[0]?.model ?? 'unknown cpu';
const machine = `${cpus().length} cores (${cpu}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, node ${process.version}, ${gitVersion}`;
const date = new Date().toISOString().slice(0, 10);
lines.push('');
lines.push(`peer: pre-commit-hooks' check-added-large-files (sizes of added files only), hook overhead on this machine kind: ${ms(PEER.bare.S)} (100 runs), ${ms(PEER.bare.M)} (2,000 runs) as a bare git hook, ${PEER.framework} through the pre-commit framework.`);
lines.push(`machine: ${machine}; ${date}; load average at start ${startLoad.map((l) => l.toFixed(2)).join(' ')}; medians of ${reps} alternating runs (${hookReps} for the hook rows)${withoutCaCerts ? '; NODE_EXTRA_CA_CERTS is set here: the rows marked "without" are measured with it removed, for both sides; the hook empties it for its own Node process' : ''}`);
console.log(lines.join('\n'));
if (!smoke) {
  writeFileSync(out, `${JSON.stringify({ date, machine, node: process.version, git: gitVersion, node_extra_ca_certs: withoutCaCerts !== null, loadavg_start: startLoad, reps, sizes, rows }, null, 2)}\n`);
}
