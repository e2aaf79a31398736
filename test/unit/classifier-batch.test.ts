// The classifier answers from per-folder states, memoized (ClassifierBatch; Classifier.classify() and
// classifyFolder() ask a batch of their own). The reference model (test/helpers/reference-classifier.ts)
// reads the rules one whole path at a time, and rootOf() and isNeverName() answer from the path or the
// entry's own name, as audit asks. They must agree on every path, for every policy: random policies with
// several roots, anchored and folder patterns at every level, both case modes, paths inside and around
// the roots, and queries in random order (the batch's memos must not leak between folders).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Classifier } from '../../src/policy/classifier.js';
import { parsePolicy } from '../../src/policy/load.js';
import { patternArbitraries, runPatternText, yamlList as list } from '../helpers/policy-arbitraries.js';
import { referenceVerdict } from '../helpers/reference-classifier.js';
import { POLICIES, prng, samplePaths, samplePolicyPaths, TRICKY_NAMES } from '../helpers/universe.js';

const LITERALS = ['a', 'files', 'logs', 'é', '.cache', 'Data', 'workspace'];
const { fileGlob, runLevel, trackPattern, anywherePattern } = patternArbitraries(LITERALS, ['{c}', '*', 'lit', 'v_{c}', 'run-*-{c}', '{c}x', 'a'], {
  twoLevelFolders: true,
});
const rootSpec = fc.record({
  run: fc.array(runLevel, { minLength: 1, maxLength: 3 }),
  track: fc.uniqueArray(trackPattern, { minLength: 1, maxLength: 5 }),
  ignore: fc.uniqueArray(anywherePattern, { maxLength: 3 }),
  rootTrack: fc.uniqueArray(fileGlob, { maxLength: 2 }),
  manifest: fc.boolean(),
});

const policyText = fc
  .record({
    // Roots one and two levels deep, beside each other and beside names the paths use ('a', 'files').
    paths: fc.uniqueArray(fc.constantFrom('runs', 'a', 'exp/out', 'exp/b', 'files/x', 'é runs'), { minLength: 1, maxLength: 3 }),
    roots: fc.array(rootSpec, { minLength: 3, maxLength: 3 }),
    never: fc.uniqueArray(anywherePattern, { maxLength: 3 }),
    topIgnore: fc.uniqueArray(anywherePattern, { maxLength: 2 }),
  })
  .filter(({ paths }) => !paths.some((a) => paths.some((b) => a !== b && b.startsWith(`${a}/`))))
  .map(({ paths, roots, never, topIgnore }) => {
    const lines = ['version: 1', 'roots:'];
    paths.forEach((rootPath, i) => {
      const spec = roots[i] as (typeof roots)[number];
      lines.push(
        `  - path: ${JSON.stringify(rootPath)}`,
        `    run: ${JSON.stringify(runPatternText(spec.run))}`,
        `    track: ${list(spec.track)}`,
        `    ignore: ${list(spec.ignore)}`,
        `    root_track: ${list(spec.rootTrack)}`,
        ...(spec.manifest ? ['    manifest: index.json'] : []),
      );
    });
    lines.push(`never: ${list(never)}`, `ignore: ${list(topIgnore)}`);
    return lines.join('\n');
  });

/** Paths in and around every root, at the top, and the roots' own paths and their folders as files. */
function pathsFor(classifier: Classifier, seed: number): string[] {
  const paths: string[] = [];
  classifier.roots.forEach((compiled, i) => {
    paths.push(...samplePolicyPaths(compiled.root, [...classifier.policy.never, ...(classifier.policy.ignore ?? [])], 120, seed + i));
    paths.push(...samplePaths(compiled.root.path, 60, 5, seed + 10 + i, LITERALS));
    const parts = compiled.root.path.split('/');
    for (let end = 1; end <= parts.length; end++) paths.push(parts.slice(0, end).join('/'), `${parts.slice(0, end).join('/')}/x.md`);
  });
  // Around the roots too, with the patterns' own names as folders: where anchored patterns see whole paths.
  for (const [i, top] of ['exp', 'a', 'files', 'other'].entries()) paths.push(...samplePaths(top, 40, 4, seed + 20 + i, LITERALS));
  paths.push(...TRICKY_NAMES);
  // Random order, so that folders are first met through a file, a folder, or a deep path alike.
  const rand = prng(seed);
  return paths.map((p) => [rand(), p] as const).sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}

/**
 * Asks in the given order, then in git's (sorted: a folder's files in a row), each with a new batch, and the
 * classifier itself (its own batch, kept across both orders).
 */
function expectSameAnswers(classifier: Classifier, paths: readonly string[]): number {
  const sorted = [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return askInOrder(classifier, paths) + askInOrder(classifier, sorted);
}

function askInOrder(classifier: Classifier, paths: readonly string[]): number {
  const batch = classifier.batch();
  const differences: unknown[] = [];
  const compare = (question: string, path: string, ours: unknown, reference: unknown) => {
    if (ours !== reference) differences.push({ question, path, ours, reference });
  };
  for (const file of paths) {
    const expected = referenceVerdict(classifier, file, false);
    compare('batch.classify', file, batch.classify(file), expected);
    compare('classify', file, classifier.classify(file), expected);
    compare('inRoot', file, batch.inRoot(file), classifier.rootOf(file) !== undefined);
    const segments = file.split('/');
    for (let end = 1; end < segments.length; end++) {
      const folder = segments.slice(0, end).join('/');
      const expectedFolder = referenceVerdict(classifier, folder, true);
      compare('batch.classifyFolder', folder, batch.classifyFolder(folder), expectedFolder);
      compare('classifyFolder', folder, classifier.classifyFolder(folder), expectedFolder);
    }
    // isNeverName() judges the entry alone, for a walker that knows no folder above is `never` (audit's).
    const name = segments[segments.length - 1] as string;
    if (segments.length === 1 || referenceVerdict(classifier, segments.slice(0, -1).join('/'), true) !== 'never') {
      compare('isNeverName file', file, classifier.isNeverName(file, name, false), expected === 'never');
      compare('isNeverName folder', file, classifier.isNeverName(file, name, true), referenceVerdict(classifier, file, true) === 'never');
    }
  }
  expect(differences).toEqual([]);
  return paths.length;
}

describe('ClassifierBatch', () => {
  for (const [name, text] of Object.entries(POLICIES)) {
    it(`answers as the reference model on ${name}, in both case modes`, () => {
      for (const ignoreCase of [false, true]) {
        const classifier = new Classifier(parsePolicy(text), { ignoreCase });
        expect(expectSameAnswers(classifier, pathsFor(classifier, 11))).toBeGreaterThan(400);
      }
    });
  }

  it('tells apart folders of one kind whose verdicts differ by the path an anchored pattern sees', () => {
    const policy = (extra: string[]) =>
      new Classifier(
        parsePolicy(
          [
            'version: 1',
            'roots:',
            '  - path: runs',
            '    run: "{framework}/{run_id}"',
            '    track: ["*/b/x.json", "files/keep/"]',
            '    ignore: [a/b/]',
            ...extra,
          ].join('\n'),
        ),
      );
    const cases: Array<[Classifier, Record<string, string>]> = [
      // The root's anchored `ignore` and its tracked whole folder read the path below the run folder.
      [policy([]), { 'runs/f/r/z/b': 'enter', 'runs/f/r/a/b': 'ignore', 'runs/f/r/files/keep': 'enter', 'runs/f/r/other/keep': 'ignore' }],
      // Anchored `never` and top-level `ignore` patterns read the whole path.
      [policy(['never: [a/b/]', 'ignore: [c/d/]']), { 'c/b': 'outside', 'a/b': 'never', 'e/d': 'outside', 'c/d': 'ignore' }],
    ];
    for (const [classifier, expected] of cases) {
      // One batch, in this order: each second folder has a sibling of the same kind judged before it.
      const batch = classifier.batch();
      const folders = Object.keys(expected);
      expect(Object.fromEntries(folders.map((f) => [f, batch.classifyFolder(f)]))).toEqual(expected);
      expect(Object.fromEntries(folders.map((f) => [f, classifier.classifyFolder(f)]))).toEqual(expected);
    }
  });

  it('tells apart sibling folders that lead to different folders of the policy', () => {
    // No whole folder and no anchored pattern: the states below the run folder differ by their tree nodes alone.
    const classifier = new Classifier(
      parsePolicy(['version: 1', 'roots:', '  - path: runs', '    run: "{framework}/{run_id}"', '    track: [files/x.json, "*/y.json"]'].join('\n')),
    );
    const files = ['runs/f/r/files/x.json', 'runs/f/r/logs/x.json', 'runs/f/r/logs/y.json', 'runs/f/s/logs/x.json', 'runs/f/s/files/x.json'];
    const batch = classifier.batch();
    expect(files.map((f) => batch.classify(f))).toEqual(['track', 'ignore', 'track', 'ignore', 'track']);
    expect(files.map((f) => classifier.classify(f))).toEqual(['track', 'ignore', 'track', 'ignore', 'track']);
    // Many folders at one level (more than a number's bits can tell apart).
    const many = Array.from({ length: 30 }, (_, i) => `f${i}/x${i}.json`);
    const wide = new Classifier(parsePolicy(['version: 1', 'roots:', '  - path: runs', '    run: "{run_id}"', `    track: [${many.join(', ')}]`].join('\n')));
    const paths = ['runs/r/f0/x0.json', 'runs/r/f1/x0.json', 'runs/r/f29/x29.json', 'runs/r/f28/x29.json', 'runs/r/f28/x28.json'];
    const wideBatch = wide.batch();
    expect(paths.map((f) => wideBatch.classify(f))).toEqual(['track', 'ignore', 'track', 'ignore', 'track']);
    expect(paths.map((f) => wide.classify(f))).toEqual(['track', 'ignore', 'track', 'ignore', 'track']);
  });

  it('answers as the reference model on random policies and trees', () => {
    const verdicts = { track: 0, ignore: 0, never: 0, outside: 0 };
    fc.assert(
      fc.property(policyText, fc.integer({ min: 1, max: 1e6 }), fc.boolean(), (text, seed, ignoreCase) => {
        const classifier = new Classifier(parsePolicy(text), { ignoreCase });
        const paths = pathsFor(classifier, seed);
        expectSameAnswers(classifier, paths);
        for (const file of paths) verdicts[classifier.classify(file)]++;
      }),
      { numRuns: 150, seed: 20261122 },
    );
    // Every verdict was met often, so the agreement covers each of the rules' ways out.
    for (const count of Object.values(verdicts)) expect(count).toBeGreaterThan(1000);
  });
});
