#!/usr/bin/env node
// The quick-start: builds an example experiment repository (or uses the folder given), installs the policy
// with `artifacts init`, stages with `git add -A`, and shows what git took and what `artifacts check` says.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const project = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(project, 'bin', 'artifacts.js');
const target = path.resolve(process.argv[2] ?? path.join(project, 'example'));

const show = (title, command, args, cwd = target) => {
  console.log(`\n$ ${title}`);
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result;
};

if (!process.argv[2]) {
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  execFileSync(process.execPath, [path.join(project, 'examples', 'make-runs-tree.mjs'), '--out', target, '--runs', '12',
    '--workspace-files', '10', '--git'], { stdio: 'ignore' });
  console.log(`Example repository: ${target} (12 runs under runs/<framework>/<run-id>/, ~250 MB apparent, sparse)`);
}
show('artifacts init', process.execPath, [bin, 'init']);
execFileSync('git', ['add', '-A'], { cwd: target });
const staged = execFileSync('git', ['diff', '--cached', '--name-only', '-z'], { cwd: target, encoding: 'utf8' }).split('\0').filter(Boolean);
console.log(`\n$ git add -A   # staged ${staged.length} files:`);
for (const file of staged.slice(0, 12)) console.log(`  ${file}`);
if (staged.length > 12) console.log(`  … and ${staged.length - 12} more, all metrics.json, metadata.json, commit.txt or *.md`);
const check = show('artifacts check', process.execPath, [bin, 'check']);
process.exitCode = check.status ?? 1;
