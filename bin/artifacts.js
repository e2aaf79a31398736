#!/usr/bin/env node
// Kept tiny: this file is on the path of every commit once the hook is installed.
import module from 'node:module';

// Node >= 22.1 caches compiled bytecode between runs; on Node 20 the call does not exist.
module.enableCompileCache?.();

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  // What the CLI's version command prints, without loading the CLI.
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else if (argv[0] === 'hook' && argv[1] === 'pre-commit' && argv.slice(2).every((a) => a === '--json')) {
  // The hook on every commit: its own small entry, without the CLI framework (`--help` goes through the CLI).
  const { main } = await import('../dist/hook.js');
  process.exitCode = await main(argv.slice(2));
} else if (argv[0] === 'check' && argv.slice(1).every((a) => a === '--json')) {
  // check's cost is start-up and git's walk of the tree: its own entry too (other options go through the CLI).
  const { main } = await import('../dist/check.js');
  process.exitCode = await main(argv.slice(1));
} else if (argv[0] === 'manifest' && argv[1] === 'rebuild' && argv.slice(2).every((a) => a === '--worktree' || a === '--json')) {
  // A rebuild's cost should be its walk of the runs: its own entry too (--help and other spellings go through the CLI).
  const { main } = await import('../dist/rebuild.js');
  process.exitCode = await main(argv.slice(2));
} else if (argv[0] === 'audit' && argv.slice(1).every((a) => a === '--json')) {
  // audit's cost on a large tree is start-up and the walk: its own entry (other options go through the CLI).
  const { main } = await import('../dist/audit.js');
  process.exitCode = await main(argv.slice(1));
} else {
  // runs' cost is start-up and reading the manifest: its own entry when its options parse plainly.
  const code = argv[0] === 'runs' ? await (await import('../dist/runs.js')).main(argv.slice(1)) : undefined;
  if (code === undefined) {
    const { main } = await import('../dist/cli.js');
    process.exitCode = await main(argv);
  } else {
    process.exitCode = code;
  }
}
