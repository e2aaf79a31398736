#!/usr/bin/env node
// npm run bench: times each command against the floor it cannot beat, on trees built by
// examples/make-runs-tree.mjs, alternating command and floor, medians of several runs.
//   node bench/run.mjs [--sizes S,M] [--reps N] [--smoke]
// --smoke: S tree, one repetition, no table of record (CI uses it so the harness never rots).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const project = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(project, 'bin', 'artifacts.js');
const generator = path.join(project, 'examples', 'make-runs-tree.mjs');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const smoke = args.includes('--smoke');
const sizes = (smoke ? 'S' : flag('--sizes', 'S,M')).split(',');
const reps = smoke ? 1 : Number(flag('--reps', '7'));
const TREES = { S: { runs: 100, ws: 20 }, M: { runs: 2000, ws: 50 }, L: { runs: 10000, ws: 100 } };
const treeRoot = path.join(project, 'bench', 'trees');
const walkFloor = path.join(project, 'bench', 'walk-floor.mjs');

function build(size) {
  const { runs, ws } = TREES[size];
  const dir = path.join(treeRoot, `${size}-${runs}x${ws}`);
  if (!existsSync(path.join(dir, '.git'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(treeRoot, { recursive: true });
    console.error(`building ${size} tree (${runs} runs x ${ws} workspace files)…`);
    execFileSync(process.execPath, [generator, '--out', dir, '--runs', String(runs), '--workspace-files', String(ws), '--git'], { stdio: 'ignore' });
  }
  run(dir, process.execPath, [bin, 'init']); // installs the block once; later inits change nothing
  // Commit the runs with their manifest once, then stage one changed run: the hook's everyday situation.
  if (spawnSync('git', ['cat-file', '-e', 'HEAD:runs/runs_manifest.json'], { cwd: dir }).status !== 0) {
    execFileSync('git', ['add', '-A'], { cwd: dir });
    run(dir, process.execPath, [bin, 'manifest', 'refresh', '--staged']);
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-q', '--no-verify', '-m', 'runs'], { cwd: dir });
    const metrics = execFileSync('git', ['ls-files', '-z', '--', 'runs/*/metrics.json'], { cwd: dir, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean)[5];
    writeFileSync(path.join(dir, metrics), '{"total_tokens_in": 1, "total_tokens_out": 2}\n');
    execFileSync('git', ['add', '--', metrics], { cwd: dir });
  }
  return dir;
}

function run(cwd, command, argv) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`${command} ${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return seconds;
}

/**
 * A tree whose runs' small files are committed (--track-runs), with the hook installed by init, and one
 * run's metrics.json changed and staged: the "one-run commit" the hook case measures.
 */
function buildHookTree(size) {
  const { runs, ws } = TREES[size];
  const dir = path.join(treeRoot, `${size}-${runs}x${ws}-tracked`);
  if (!existsSync(path.join(dir, '.git'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(treeRoot, { recursive: true });
    console.error(`building ${size} tracked tree (${runs} runs x ${ws} workspace files)…`);
    execFileSync(process.execPath, [generator, '--out', dir, '--runs', String(runs), '--workspace-files', String(ws), '--git', '--track-runs'], { stdio: 'ignore' });
    run(dir, process.execPath, [bin, 'init']);
    execFileSync('git', [...IDENTITY, 'add', '-A'], { cwd: dir });
    execFileSync('git', [...IDENTITY, 'commit', '-q', '--no-verify', '-m', 'artifacts init'], { cwd: dir });
  }
  // Stage a change to one run (the same run on every size).
  const framework = readdirSync(path.join(dir, 'runs')).sort()[0];
  const runName = readdirSync(path.join(dir, 'runs', framework)).sort()[10];
  const metrics = `runs/${framework}/${runName}/metrics.json`;
  const committed = execFileSync('git', ['cat-file', 'blob', `HEAD:${metrics}`], { cwd: dir });
  writeFileSync(path.join(dir, metrics), Buffer.concat([committed, Buffer.from('\n')]));
  execFileSync('git', ['add', '--', metrics], { cwd: dir });
  return dir;
}

const IDENTITY = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false'];
/** The CLI as `artifacts` on PATH, for the installed hook to find. */
const cliBin = path.join(treeRoot, '.bin');
function ensureCliOnPath() {
  mkdirSync(cliBin, { recursive: true });
  if (!existsSync(path.join(cliBin, 'artifacts'))) symlinkSync(bin, path.join(cliBin, 'artifacts'));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Alternates the command and its floor so that machine noise hits both alike. */
function measure(cwd, command, floor) {
  const ours = [];
  const floors = [];
  run(cwd, ...command); // warm the page cache and the compile cache
  run(cwd, ...floor);
  for (let i = 0; i < reps; i++) {
    ours.push(run(cwd, ...command));
    floors.push(run(cwd, ...floor));
  }
  return { ours: median(ours), floor: median(floors), ratio: median(ours) / median(floors) };
}

const node = process.execPath;
const shell = (script) => ['bash', ['-c', script]];
const rows = [];
for (const size of sizes) {
  const dir = build(size);
  const cases = [
    { command: 'artifacts --version', floor: 'node -e 0', target: 1.5, ours: [node, [bin, '--version']], base: [node, ['-e', '0']] },
    {
      command: 'artifacts check',
      floor: 'git ls-files -o -i --directory + git ls-files -o',
      target: 2,
      ours: [node, [bin, 'check']],
      base: shell('git ls-files -z -o -i --exclude-standard --directory >/dev/null && git ls-files -z -o --exclude-standard >/dev/null'),
    },
    { command: 'artifacts init (again)', floor: 'artifacts check', target: 1.5, ours: [node, [bin, 'init']], base: [node, [bin, 'check']] },
    {
      command: 'artifacts manifest rebuild --worktree',
      floor: 'walk-floor.mjs runs --mode manifest',
      target: 1.5,
      ours: [node, [bin, 'manifest', 'rebuild', '--worktree']],
      base: [node, [walkFloor, 'runs', '--mode', 'manifest']],
    },
    {
      command: 'artifacts manifest rebuild (index)',
      floor: 'walk-floor.mjs runs --mode manifest',
      target: 2,
      ours: [node, [bin, 'manifest', 'rebuild']],
      base: [node, [walkFloor, 'runs', '--mode', 'manifest']],
    },
    {
      command: 'artifacts manifest refresh --staged (1 run staged)',
      floor: 'node -e 0',
      target: null,
      ours: [node, [bin, 'manifest', 'refresh', '--staged']],
      base: [node, ['-e', '0']],
    },
    {
      command: 'artifacts runs --where framework=chatdev --where total_tokens_in>=100000',
      floor: 'node -e 0',
      target: 1.5,
      ours: [node, [bin, 'runs', '--where', 'framework=chatdev', '--where', 'total_tokens_in>=100000', '--json']],
      base: [node, ['-e', '0']],
    },
    // audit must lstat every file under the roots: its floor is du -sb (walk-floor.mjs --mode sizes is the node one).
    { command: 'artifacts audit --json', floor: 'du -sb runs', target: 1.5, ours: [node, [bin, 'audit', '--json']], base: ['du', ['-sb', 'runs']] },
  ];
  for (const c of cases) {
    const m = measure(dir, c.ours, c.base);
    rows.push({ tree: size, command: c.command, floor: c.floor, ours_s: m.ours, floor_s: m.floor, ratio: m.ratio, target: c.target });
  }

  // The hook on a one-run commit: a commit with the hook minus the same commit with --no-verify, each
  // undone with `reset --soft` so that every repetition commits the same staged change.
  ensureCliOnPath();
  const hookDir = buildHookTree(size);
  const commitThenUndo = (flags) =>
    shell(`PATH=${JSON.stringify(cliBin)}:"$PATH" git ${IDENTITY.join(' ')} commit -q ${flags} -m bench && git reset -q --soft HEAD~1`);
  const m = measure(hookDir, commitThenUndo(''), commitThenUndo('--no-verify'));
  rows.push({
    tree: size,
    command: 'git commit (hook, one-run commit)',
    floor: 'git commit --no-verify',
    ours_s: m.ours,
    floor_s: m.floor,
    ratio: m.ratio,
    target: null,
    hook_s: m.ours - m.floor,
  });
}

const fmt = (s) => `${(s * 1000).toFixed(0)} ms`;
console.log('| tree | command | floor | ours | floor | ratio | target |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.tree} | \`${r.command}\` | \`${r.floor}\` | ${fmt(r.ours_s)} | ${fmt(r.floor_s)} | ${r.ratio.toFixed(2)}x | ${r.target === null ? 'see sizes' : `≤ ${r.target}x`} |`);
  const target = r.target === null ? `hook cost ${fmt(r.hook_s)}` : `≤ ${r.target}x`;
  console.log(`| ${r.tree} | \`${r.command}\` | \`${r.floor}\` | ${fmt(r.ours_s)} | ${fmt(r.floor_s)} | ${r.ratio.toFixed(2)}x | ${target} |`);
}
const machine = `${cpus().length} cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, node ${process.version}, ${execFileSync('git', ['--version'], { encoding: 'utf8' }).trim()}`;
console.log(`\nmachine: ${machine}; medians of ${reps} alternating runs`);
if (!smoke) writeFileSync(path.join(project, 'bench', 'results.json'), `${JSON.stringify({ machine, reps, rows }, null, 2)}\n`);
