#!/usr/bin/env node
// Copy of shared/bench/make-runs-tree.mjs, kept in the repository so that the demo, the tests and the
// benchmark run from a clean clone without shared/ beside it. Update it from there rather than editing it here.
// make-runs-tree.mjs: deterministic synthetic "ML experiment runs" repository generator.
// Dependency-free, Node >= 20, ESM. Same arguments + seed => same tree (file contents and names).
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const HELP = `usage: node make-runs-tree.mjs --out DIR --runs N --workspace-files M [options]

Writes DIR/runs/<framework>/<run-id>/ for N runs, each holding
  metrics.json  metadata.json  commit.txt  reconciliation_analysis.md   (small, meant to be tracked)
  workspace/  (M small source files in nested dirs)                    (ignored)
  artifacts/  (a few small binaries + one sparse app.zip of B/2 bytes)  (ignored)
  run.tar.gz  run.log  (sparse files of apparent size B; ~no disk)      (ignored)
plus DIR/.gitignore and a few project files (README.md, package.json, src/...).
Oddities (need N >= 4): run 0's folder name has spaces, run 1's has unicode,
run 2 has an invalid metrics.json, run 3 has no metadata.json.

options:
  --out DIR            output directory (must not exist, or be empty)
  --runs N             number of runs, spread round-robin over frameworks (default 100)
  --workspace-files M  source files per run workspace (default 20)
  --frameworks LIST    comma-separated framework names (default chatdev,baes,ghspec)
  --big-bytes B        apparent size of run.tar.gz and run.log (default 20971520)
  --seed S             PRNG seed, integer (default 1)
  --git                git init DIR and commit the project files (not the runs)
  --track-runs         with --git: also commit the small per-run files
  -h, --help           show this text
Prints one JSON line: {"out","runs","files","bytes_apparent","bytes_written","seconds",...}.`;

// ---- arguments -------------------------------------------------------------------------------
const opt = { out: null, runs: 100, wsFiles: 20, frameworks: 'chatdev,baes,ghspec', big: 20 * 1024 * 1024,
  seed: 1, git: false, trackRuns: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i], val = () => { if (i + 1 >= argv.length) die(`${a} needs a value`); return argv[++i]; };
  const num = () => { const n = Number(val()); if (!Number.isSafeInteger(n) || n < 0) die(`${a}: bad number`); return n; };
  switch (a) {
    case '-h': case '--help': console.log(HELP); process.exit(0);
    case '--out': opt.out = val(); break;
    case '--runs': opt.runs = num(); break;
    case '--workspace-files': opt.wsFiles = num(); break;
    case '--frameworks': opt.frameworks = val(); break;
    case '--big-bytes': opt.big = num(); break;
    case '--seed': opt.seed = num(); break;
    case '--git': opt.git = true; break;
    case '--track-runs': opt.trackRuns = true; break;
    default: die(`unknown argument ${a} (see --help)`);
  }
}
function die(msg) { console.error(`make-runs-tree: ${msg}`); process.exit(2); }
if (!opt.out) die('--out DIR is required (see --help)');
const FRAMEWORKS = opt.frameworks.split(',').map((s) => s.trim()).filter(Boolean);
if (!FRAMEWORKS.length) die('--frameworks is empty');
if (fs.existsSync(opt.out) && fs.readdirSync(opt.out).length) die(`${opt.out} exists and is not empty`);

// ---- deterministic PRNG (mulberry32) -----------------------------------------------------------
let state = (opt.seed ^ 0x9e3779b9) >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (arr) => arr[Math.floor(rand() * arr.length)];
const hex = (n) => { let s = ''; while (s.length < n) s += ((rand() * 2 ** 32) >>> 0).toString(16).padStart(8, '0'); return s.slice(0, n); };
const cap = (s) => s[0].toUpperCase() + s.slice(1);

// ---- shared material, built once from the PRNG -----------------------------------------------------
const WORDS = ['user', 'order', 'token', 'cache', 'config', 'client', 'model', 'parse', 'render', 'score',
  'queue', 'state', 'event', 'route', 'schema', 'store', 'invoice', 'report', 'session', 'payment'];
const LINES = Array.from({ length: 1024 }, (_, i) => {
  const a = pick(WORDS), b = pick(WORDS);
  switch (i % 7) {
    case 0: return `def ${a}_${b}(x, y=${int(0, 99)}):`;
    case 1: return `    return ${a}.get("${b}", ${int(0, 999)})`;
    case 2: return `class ${cap(a)}${cap(b)}(Base):`;
    case 3: return `    # TODO: handle the ${a}/${b} edge case (#${int(1, 500)})`;
    case 4: return `import ${a}.${b} as ${a[0]}${b[0]}`;
    case 5: return `    self.${a} = ${b}_factory(${int(1, 64)}, strict=${rand() < 0.5 ? 'True' : 'False'})`;
    default: return '';
  }
});
const NOISE = Buffer.alloc(1 << 20);
for (let i = 0; i < NOISE.length; i += 4) NOISE.writeUInt32LE((rand() * 2 ** 32) >>> 0, i);
const DIRS = ['', 'src', 'src/core', 'src/utils', 'src/api/v1', 'src/api/v2', 'tests', 'tests/unit',
  'tests/integration', 'docs', 'static/css', 'static/js', 'templates', 'app/models', 'app/views',
  'app/services/internal'];
const EXTS = ['py', 'py', 'py', 'js', 'ts', 'html', 'css', 'md', 'json', 'txt'];
const MODELS = ['gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18', 'claude-3-5-sonnet-20241022', 'o3-mini-2025-01-31'];
const SCENARIOS = ['todo-app', 'inventory-api', 'chess-game', 'blog-cms', 'weather-dashboard', 'bank-ledger'];
const STATUSES = ['verified', 'verified', 'verified', 'pending', 'failed'];

// ---- writing helpers (counting files and bytes) ---------------------------------------------------
const stats = { files: 0, bytesApparent: 0, bytesWritten: 0 };
function mkdir(p) { fs.mkdirSync(p, { recursive: true }); }
function write(p, data) {
  fs.writeFileSync(p, data); stats.files++;
  const n = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  stats.bytesApparent += n; stats.bytesWritten += n;
}
function writeSparse(p, head, size) { // small real head, then a hole up to `size` bytes
  fs.writeFileSync(p, head); fs.truncateSync(p, Math.max(size, head.length)); stats.files++;
  stats.bytesApparent += Math.max(size, head.length); stats.bytesWritten += head.length;
}
const json = (o) => JSON.stringify(o, null, 2) + '\n';

// ---- one run -----------------------------------------------------------------------------------
const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);
let clock = T0;
function makeRun(i) {
  const framework = FRAMEWORKS[i % FRAMEWORKS.length];
  clock += int(60, 5400) * 1000;
  const stamp = new Date(clock).toISOString().replace(/[-:]/g, '').slice(0, 15);
  let runId = `${stamp}_${hex(8)}`;
  if (i === 0) runId = `${stamp} retry copy (2)`;          // oddity: spaces
  if (i === 1) runId = `${stamp}_ünïcødé-実験-ε`;           // oddity: unicode
  const dir = path.join(opt.out, 'runs', framework, runId);
  mkdir(dir);

  const phases = { requirements_s: int(5, 300), design_s: int(10, 900), coding_s: int(60, 5400), testing_s: int(10, 1800) };
  const total = Object.values(phases).reduce((s, x) => s + x, 0) + int(0, 120);
  const tin = int(20_000, 2_500_000), tout = int(4_000, 400_000), calls = int(8, 700);
  const metrics = { run_id: runId, framework, total_tokens_in: tin, total_tokens_out: tout, total_tokens: tin + tout,
    api_calls: calls, cost_usd: Math.round((tin * 2.5e-6 + tout * 1e-5) * 1e4) / 1e4, retries: int(0, 12),
    durations: { total_s: total, ...phases, mean_api_latency_ms: int(300, 9000) },
    quality: { tests_passed: int(0, 60), tests_failed: int(0, 15), lint_warnings: int(0, 200) } };
  let metricsText = json(metrics);
  if (i === 2) metricsText = metricsText.slice(0, Math.floor(metricsText.length * 0.6)); // oddity: truncated write
  write(path.join(dir, 'metrics.json'), metricsText);

  const status = pick(STATUSES);
  if (i !== 3) { // oddity: run 3 has no metadata.json
    write(path.join(dir, 'metadata.json'), json({ run_id: runId, framework,
      start_time: new Date(clock).toISOString(), end_time: new Date(clock + total * 1000).toISOString(),
      verification_status: status, model: pick(MODELS),
      config: { scenario: pick(SCENARIOS), temperature: int(0, 10) / 10, max_iterations: int(3, 30), seed: int(0, 99999),
        framework_version: `${int(0, 3)}.${int(0, 20)}.${int(0, 9)}` } }));
  }
  write(path.join(dir, 'commit.txt'), hex(40) + '\n');
  write(path.join(dir, 'reconciliation_analysis.md'), `# Reconciliation: ${runId}\n\nFramework: ${framework}\n` +
    `Status: ${status}\n\n## Token accounting\n\n| source | tokens in | tokens out |\n|---|---|---|\n` +
    `| metrics.json | ${tin} | ${tout} |\n| provider usage API | ${tin + int(-500, 500)} | ${tout + int(-200, 200)} |\n\n` +
    `## Notes\n\n${LINES.slice(0, int(3, 20)).map((l) => `- ${l.trim() || 'n/a'}`).join('\n')}\n`);

  // workspace/: M small source files spread over nested dirs
  const ws = path.join(dir, 'workspace'), made = new Set();
  for (let f = 0; f < opt.wsFiles; f++) {
    const sub = f < DIRS.length ? DIRS[f] : pick(DIRS);
    const d = path.join(ws, sub);
    if (!made.has(d)) { mkdir(d); made.add(d); }
    const name = `${pick(WORDS)}_${f}.${pick(EXTS)}`;
    const off = int(0, LINES.length - 100);
    write(path.join(d, name), `# ${sub}/${name}\n` + LINES.slice(off, off + int(4, 90)).join('\n') + '\n');
  }

  // artifacts/: a few small binaries plus one sparse archive
  const art = path.join(dir, 'artifacts');
  mkdir(art);
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let k = 1, n = int(1, 4); k <= n; k++) {
    const off = int(0, NOISE.length - 16384);
    write(path.join(art, `screenshot_${k}.png`), Buffer.concat([PNG, NOISE.subarray(off, off + int(512, 16384))]));
  }
  write(path.join(art, 'report.html'), `<html><body><h1>${runId}</h1><p>${calls} calls</p></body></html>\n`);
  writeSparse(path.join(art, 'app.zip'), Buffer.from('PK\x03\x04'), Math.floor(opt.big / 2));

  // big ignored files: sparse, so their apparent size costs ~no disk
  writeSparse(path.join(dir, 'run.tar.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]), opt.big);
  writeSparse(path.join(dir, 'run.log'), Array.from({ length: 20 }, (_, k) =>
    `${new Date(clock + k * 1000).toISOString()} INFO [${framework}] step ${k}: ${LINES[k * 7 + 1].trim()}`).join('\n') + '\n', opt.big);
}

// ---- project files + git ---------------------------------------------------------------------------
function makeProject() {
  mkdir(opt.out);
  write(path.join(opt.out, '.gitignore'), 'runs/*/*/workspace/\nruns/*/*/artifacts/\n*.tar.gz\n*.log\nnode_modules/\n');
  write(path.join(opt.out, 'README.md'), `# llm-framework-experiments\n\nBenchmarks of ${FRAMEWORKS.join(', ')} on generated apps.\n` +
    `Runs live under runs/<framework>/<run-id>/; large outputs are git-ignored.\n`);
  write(path.join(opt.out, 'package.json'), json({ name: 'llm-framework-experiments', private: true, type: 'module',
    scripts: { analyze: 'node src/analyze.js' } }));
  mkdir(path.join(opt.out, 'src', 'lib'));
  write(path.join(opt.out, 'src', 'analyze.js'), "import { load } from './lib/load.js';\nconsole.log(load('runs').length);\n");
  write(path.join(opt.out, 'src', 'lib', 'load.js'), "import fs from 'node:fs';\nexport const load = (d) => fs.readdirSync(d);\n");
  mkdir(path.join(opt.out, 'docs'));
  write(path.join(opt.out, 'docs', 'methodology.md'), '# Methodology\n\n' + LINES.slice(0, 40).join('\n') + '\n');
}
function git(...args) {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid',
    GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid',
    GIT_AUTHOR_DATE: '2025-01-06T08:00:00Z', GIT_COMMITTER_DATE: '2025-01-06T08:00:00Z' };
  execFileSync('git', args, { cwd: opt.out, env, stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
}

const t = process.hrtime.bigint();
makeProject();
for (let i = 0; i < opt.runs; i++) makeRun(i);
if (opt.git) {
  git('init', '-q', '-b', 'main');
  git('add', '.gitignore', 'README.md', 'package.json', 'src', 'docs');
  git('commit', '-q', '-m', 'Project skeleton');
  if (opt.trackRuns) { git('add', 'runs'); git('commit', '-q', '-m', `Add ${opt.runs} runs (small files only)`); }
}
console.log(JSON.stringify({ out: path.resolve(opt.out), runs: opt.runs, workspace_files: opt.wsFiles,
  frameworks: FRAMEWORKS, files: stats.files, bytes_apparent: stats.bytesApparent,
  bytes_written: stats.bytesWritten, git: opt.git, seconds: Number(process.hrtime.bigint() - t) / 1e9 }));
