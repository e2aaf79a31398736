#!/usr/bin/env node
// Kept tiny: this file is on the path of every commit once the hook is installed.
import module from 'node:module';

// Node >= 22.1 caches compiled bytecode between runs; on Node 20 the call does not exist.
module.enableCompileCache?.();

const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
