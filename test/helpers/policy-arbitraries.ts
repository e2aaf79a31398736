// fast-check generators of policy patterns and the YAML they are written in, for the property tests that
// hold the classifier to a reference (test/unit/classifier-batch.test.ts) and to real git
// (test/property/differential.test.ts). Names chosen to collide: globs that match each other's literals,
// dots, unicode, case variants.
import fc from 'fast-check';

export const FILE_GLOBS = ['metrics.json', '*.md', '*.json', '?.txt', 'notes.md', '*', 'x*y', '.env', 'run.log', '*.log', 'é.md', 'Metrics.json'];

export interface PatternArbitraries {
  literal: fc.Arbitrary<string>;
  fileGlob: fc.Arbitrary<string>;
  runLevel: fc.Arbitrary<string>;
  /** `track` patterns, relative to a run folder. */
  trackPattern: fc.Arbitrary<string>;
  /** Patterns that may match at any depth (`ignore`, `never`). */
  anywherePattern: fc.Arbitrary<string>;
}

/**
 * `literals`: the folder names patterns use; `runLevels`: the run pattern's levels ('{c}' is a capture);
 * `twoLevelFolders`: also whole folders two levels deep (`a/b/`) among the track and anywhere patterns.
 */
export function patternArbitraries(literals: readonly string[], runLevels: readonly string[], { twoLevelFolders = false } = {}): PatternArbitraries {
  const literal = fc.constantFrom(...literals);
  const fileGlob = fc.constantFrom(...FILE_GLOBS);
  const twoLevels = twoLevelFolders ? [fc.tuple(literal, literal).map(([a, b]) => `${a}/${b}/`)] : [];
  return {
    literal,
    fileGlob,
    runLevel: fc.constantFrom(...runLevels),
    trackPattern: fc.oneof(
      fileGlob,
      fc.tuple(literal, fileGlob).map(([a, b]) => `${a}/${b}`),
      fileGlob.map((f) => `*/${f}`),
      literal.map((a) => `${a}/`),
      ...twoLevels,
      fc.tuple(literal, literal, fileGlob).map(([a, b, c]) => `${a}/${b}/${c}`),
    ),
    anywherePattern: fc.oneof(
      literal.map((a) => `${a}/`),
      fileGlob,
      fc.tuple(literal, fileGlob).map(([a, b]) => `${a}/${b}`),
      literal.map((a) => `**/${a}`),
      fc.tuple(literal, fileGlob).map(([a, b]) => `${a}/**/${b}`),
      ...twoLevels,
    ),
  };
}

/** The run pattern from generated levels, each '{c}' a capture of its own name ({c0}, {c1}, …). */
export function runPatternText(levels: readonly string[]): string {
  let capture = 0;
  return levels.map((level) => level.replace('{c}', () => `{c${capture++}}`)).join('/');
}

/** A YAML flow list of quoted strings. */
export const yamlList = (items: readonly string[]): string => `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
