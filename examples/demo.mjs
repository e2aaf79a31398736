#!/usr/bin/env node
// The quick-start: builds an example experiment repository (or uses the folder given), installs the policy
// with `artifacts init`, stages with `git add -A`, commits through the installed pre-commit hook (which
// refreshes the run manifest), queries the manifest, and shows a blocked commit.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const project = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(project, 'bin', 'artifacts.js');
const target = path.resolve(process.argv[2] ?? path.join(project, 'example'));

// The hook runs `artifacts` from node_modules/.bin or PATH: put this checkout's bin on PATH, as an install would.
const binDir = path.join(project, 'example-bin');
mkdirSync(binDir, { recursive: true });
if (!existsSync(path.join(binDir, 'artifacts'))) symlinkSync(bin, path.join(binDir, 'artifacts'));
const env = { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` };

const show = (title, command, args) => {
  console.log(`\n$ ${title}`);
  const result = spawnSync(command, args, { cwd: target, encoding: 'utf8', env });
  process.stdout.write(result.stdout);
  process.stdout.write(result.stderr);
  return result;
};

if (!process.argv[2]) {
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  execFileSync(process.execPath, [path.join(project, 'examples', 'make-runs-tree.mjs'), '--out', target, '--runs', '12',
    '--workspace-files', '10', '--git'], { stdio: 'ignore' });
  console.log(`Example repository: ${target} (12 runs under runs/<framework>/<run-id>/, 20 MB archives and logs each, sparse)`);
}
const init = show('artifacts init', 'artifacts', ['init']);
execFileSync('git', ['add', '-A'], { cwd: target, env });
const staged = execFileSync('git', ['diff', '--cached', '--name-only', '-z'], { cwd: target, encoding: 'utf8' }).split('\0').filter(Boolean);
const runFiles = staged.filter((f) => f.startsWith('runs/'));
console.log(`\n$ git add -A   # staged ${staged.length} files: ${runFiles.length} run files (metrics.json, metadata.json, commit.txt, *.md), and`);
for (const file of staged.filter((f) => !f.startsWith('runs/'))) console.log(`  ${file}`);
const commit = show('git commit -m "Track runs"   # through the pre-commit hook', 'git', ['commit', '-q', '-m', 'Track runs']);
show('artifacts runs --where framework=chatdev --sort=-total_tokens_in --limit 3', 'artifacts', ['runs', '--where', 'framework=chatdev', '--sort=-total_tokens_in', '--limit', '3']);
const runDir = runFiles[0]?.split('/').slice(0, 3).join('/');
writeFileSync(path.join(target, runDir, 'secrets.json'), '{"api_key": "sk-demo"}\n');
execFileSync('git', ['add', '-f', '--', `${runDir}/secrets.json`, `${runDir}/run.log`], { cwd: target, env });
const blocked = show(`git add -f ${runDir}/secrets.json ${runDir}/run.log && git commit -m oops`, 'git', ['commit', '-q', '-m', 'oops']);
execFileSync('git', ['restore', '--staged', '--', `${runDir}/secrets.json`, `${runDir}/run.log`], { cwd: target, env });
const check = show('artifacts check', 'artifacts', ['check']);
const ok = init.status === 0 && commit.status === 0 && blocked.status === 1 && check.status === 0;
console.log(ok ? '\ndemo: ok (the blocked commit above was blocked on purpose)' : '\ndemo: something did not go as expected (see above)');
process.exitCode = ok ? 0 : 1;
