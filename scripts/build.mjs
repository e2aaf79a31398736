#!/usr/bin/env node
// The build: `tsc` checks the types and writes the declarations (dist/**/*.d.ts, for the package's `exports`);
// esbuild bundles the code. Start-up is most of the cost of a short command (the hook runs on every commit),
// and Node 20 has no compile cache: one bundle parses much faster than ~50 modules and their dependencies.
//   dist/cli.js          the CLI (bin/artifacts.js imports it); each command's implementation is a chunk
//                        loaded by its dynamic import(), so a command loads only what it runs
//   dist/hook.js         `artifacts hook pre-commit` without the CLI framework (bin/artifacts.js dispatches):
//                        one self-contained file, no chunks, since Node 20 pays for each ES module it
//                        resolves and links (the hook runs on every commit; its lazy imports are inlined)
//   dist/check.js        `artifacts check [--json]` the same way: one self-contained file, so that git's walk
//                        starts as soon as Node is up (check's cost is start-up and that walk)
//   dist/runs.js         `artifacts runs` the same way: its cost is start-up and reading the manifest
//   dist/rebuild.js      `artifacts manifest rebuild [--worktree] [--json]` the same way: its cost should be
//                        the walk of the runs, not the loading of the CLI
//   dist/audit.js        `artifacts audit [--json]` the same way: one self-contained file (a large tree's
//                        audit is start-up and the walk)
//   dist/policy-load.js  the YAML policy loader for those five entries: they load it only when the policy
//                        cache misses (src/policy/cache.ts), so they do not parse the YAML parser on each run
//   dist/index.js        the library entry
//   dist/audit/worker.js audit's worker thread: one self-contained file too, since the walk waits for it to
//                        start (each module a worker resolves and links delays it)
//   dist/chunk-*.js      code shared between them
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const project = fileURLToPath(new URL('..', import.meta.url));
const src = path.join(project, 'src');
const dist = path.join(project, 'dist');

await rm(dist, { recursive: true, force: true });
// Types: checked, and the declarations emitted (no JavaScript: esbuild writes that).
execFileSync(process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--emitDeclarationOnly'], {
  cwd: project,
  stdio: 'inherit',
});

/**
 * Every output but the worker lies directly in dist/, wherever its source was. A module that resolves a file
 * against its own location (`new URL('../../policies/', import.meta.url)`) gets the URL it would have in the
 * unbundled layout (dist/policy/presets.js), so such paths mean the same bundled or not.
 */
const sourceLocation = {
  name: 'source-location',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      let contents = await readFile(args.path, 'utf8');
      if (contents.includes('import.meta.url')) {
        const rel = path.relative(src, args.path).split(path.sep).join('/').replace(/\.ts$/, '.js');
        contents = contents.replaceAll('import.meta.url', `new URL(${JSON.stringify(`./${rel}`)}, import.meta.url)`);
      }
      return { contents, loader: 'ts' };
    });
  },
};

/** A hash of the sources: the policy cache (src/policy/cache.ts) keeps entries of this build only. */
const hash = createHash('sha256');
for (const file of (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts')).sort()) {
  hash.update(file).update('\0').update(await readFile(path.join(src, file))).update('\0');
}
const buildId = hash.digest('hex').slice(0, 16);

const options = {
  define: { __ARTIFACTS_BUILD__: JSON.stringify(buildId) },
  absWorkingDir: project,
  outdir: dist,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  // CommonJS dependencies (bytes, write-file-atomic) call require() for Node's modules and read __filename.
  banner: {
    js: "import{createRequire as __artifactsRequire}from'node:module';import{fileURLToPath as __artifactsPath}from'node:url';const require=__artifactsRequire(import.meta.url),__filename=__artifactsPath(import.meta.url),__dirname=__artifactsPath(new URL('.',import.meta.url));",
  },
  // husky copies its own files (the dispatcher script) from beside its module: it stays in node_modules.
  external: ['husky'],
  // jsonc-parser's "main" is a UMD build whose require() calls esbuild cannot follow; its ES module build bundles.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  plugins: [sourceLocation],
  logLevel: 'warning',
};
/** The lean entries import the policy loader from its own file, dist/policy-load.js, built beside them. */
const policyLoaderApart = {
  name: 'policy-loader-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/load\.js$/ }, (args) =>
      args.importer.endsWith(path.join('src', 'policy', 'cache.ts')) ? { path: './policy-load.js', external: true } : undefined,
    );
  },
};
const lean = (source, out) => esbuild.build({ ...options, entryPoints: [{ in: source, out }], splitting: false, plugins: [...options.plugins, policyLoaderApart] });

await Promise.all([
  esbuild.build({
    ...options,
    entryPoints: [
      { in: 'src/cli.ts', out: 'cli' },
      { in: 'src/index.ts', out: 'index' },
    ],
    chunkNames: 'chunk-[hash]',
    splitting: true,
  }),
  lean('src/hook-main.ts', 'hook'),
  lean('src/check-main.ts', 'check'),
  lean('src/runs-main.ts', 'runs'),
  lean('src/rebuild-main.ts', 'rebuild'),
  lean('src/audit/main.ts', 'audit'),
  esbuild.build({ ...options, entryPoints: [{ in: 'src/policy/load.ts', out: 'policy-load' }], splitting: false }),
  esbuild.build({ ...options, entryPoints: [{ in: 'src/audit/worker.ts', out: 'audit/worker' }], splitting: false }),
]);
