#!/usr/bin/env node
// Copy of shared/bench/walk-floor.mjs (the floors of the benchmark), kept in the repository so that
// `npm run bench` runs from a clean clone. Update it from there rather than editing it here.
// walk-floor.mjs: dependency-free floors for walking a runs/ tree (Node >= 20, ESM).
//   node walk-floor.mjs [RUNS_DIR] [--mode manifest|all|sizes] [--async]
// manifest (default): readdir(withFileTypes) recursively, SKIPPING workspace/ and artifacts/, and
//                     read + JSON.parse every metrics.json and metadata.json (manifest-rebuild floor).
// all:                readdir everything, no skips, no stat, no reads (pure directory-listing floor).
// sizes:              readdir everything + lstat every file, summing apparent and allocated bytes,
//                     per run and split into small "kept" files vs workspace/artifacts/big files
//                     (size-audit floor, the node counterpart of `du -sb`).
// --async:            same work through fs.promises, one Promise.all per directory.
// Prints one JSON line of counts so the work cannot be optimised away.
import fs from 'node:fs';
import fsp from 'node:fs/promises';

const args = process.argv.slice(2);
const root = args.find((a, i) => !a.startsWith('--') && !['--mode'].includes(args[i - 1])) ?? 'runs';
const mode = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'manifest';
const useAsync = args.includes('--async');
if (!['manifest', 'all', 'sizes'].includes(mode)) { console.error('bad --mode'); process.exit(2); }

const SKIP = new Set(['workspace', 'artifacts']);
const WANT = new Set(['metrics.json', 'metadata.json']);
const IGNORED_NAME = /\.(tar\.gz|log)$/;
const out = { mode, async: useAsync, dirs: 0, files: 0, parsed: 0, parse_errors: 0, read_errors: 0,
  runs_with_metrics: 0, bytes_apparent: 0, bytes_allocated: 0, bytes_kept: 0, bytes_ignored: 0 };
const perRun = new Map(); // "fw/run" -> [kept, ignored]

function onFile(rel, name, data, st) {
  out.files++;
  if (mode === 'manifest' && WANT.has(name)) {
    if (data === null) { out.read_errors++; return; }
    try { JSON.parse(data); out.parsed++; if (name === 'metrics.json') out.runs_with_metrics++; } catch { out.parse_errors++; }
  } else if (mode === 'sizes' && st) {
    out.bytes_apparent += st.size; out.bytes_allocated += st.blocks * 512;
    const ignored = rel.includes('/workspace/') || rel.includes('/artifacts/') || IGNORED_NAME.test(name);
    if (ignored) out.bytes_ignored += st.size; else out.bytes_kept += st.size;
    const parts = rel.split('/', 3);
    if (parts.length === 3) {
      const k = parts[0] + '/' + parts[1]; let r = perRun.get(k); if (!r) perRun.set(k, r = [0, 0]);
      r[ignored ? 1 : 0] += st.size;
    }
  }
}
const descend = (name) => mode !== 'manifest' || !SKIP.has(name);

function walkSync(dir, rel) {
  let ents; try { ents = fs.readdirSync(dir, { withFileTypes: true }); } catch { out.read_errors++; return; }
  for (const e of ents) {
    const p = dir + '/' + e.name, r = rel ? rel + '/' + e.name : e.name;
    if (e.isDirectory()) { out.dirs++; if (descend(e.name)) walkSync(p, r); continue; }
    let data = null, st = null;
    if (mode === 'manifest' && WANT.has(e.name)) { try { data = fs.readFileSync(p, 'utf8'); } catch {} }
    if (mode === 'sizes') st = fs.lstatSync(p);
    onFile(r, e.name, data, st);
  }
}
async function walkAsync(dir, rel) {
  let ents; try { ents = await fsp.readdir(dir, { withFileTypes: true }); } catch { out.read_errors++; return; }
  await Promise.all(ents.map(async (e) => {
    const p = dir + '/' + e.name, r = rel ? rel + '/' + e.name : e.name;
    if (e.isDirectory()) { out.dirs++; if (descend(e.name)) await walkAsync(p, r); return; }
    let data = null, st = null;
    if (mode === 'manifest' && WANT.has(e.name)) { try { data = await fsp.readFile(p, 'utf8'); } catch {} }
    if (mode === 'sizes') st = await fsp.lstat(p);
    onFile(r, e.name, data, st);
  }));
}

if (useAsync) await walkAsync(root, ''); else walkSync(root, '');
if (mode === 'sizes') out.runs = perRun.size;
console.log(JSON.stringify(out));
