import { describe, expect, it } from 'vitest';
import { matchSegments, compileSegments, parsePattern, parseRunPattern, PatternError, prepareSegment } from '../../src/policy/pattern.js';

describe('pattern dialect', () => {
  it.each([
    ['{a,b}.json', /brace/],
    ['[ab].md', /character classes/],
    ['a\\*b', /escapes/],
    ['!keep.md', /negation/],
    ['#notes.md', /comment/],
    ['notes.md ', /white space/],
    ['/abs.json', /absolute/],
    ['../up.json', /'\.\.'/],
    ['a/./b', /'\.'/],
    ['a//b', /empty folder/],
    ['a**b/c', /'\*\*' must stand alone/],
    ['line\nbreak', /control character/],
    ['', /empty/],
  ])('refuses %j with the reason', (text, reason) => {
    expect(() => parsePattern(text, 'ignore')).toThrow(PatternError);
    expect(() => parsePattern(text, 'ignore')).toThrow(reason);
  });

  it('refuses ** in track patterns, because git would have to walk every folder', () => {
    expect(() => parsePattern('reports/**/x.md', 'track')).toThrow(/fixed depth/);
    expect(parsePattern('reports/**/x.md', 'ignore').segments).toEqual(['reports', '**', 'x.md']);
  });

  it('reads anchoring and folder-only the way gitignore does', () => {
    expect(parsePattern('workspace/', 'ignore')).toMatchObject({ dirOnly: true, anchored: false, segments: ['workspace'] });
    expect(parsePattern('files/config.yaml', 'track')).toMatchObject({ dirOnly: false, anchored: true });
    expect(parsePattern('*.log', 'ignore')).toMatchObject({ anchored: false });
  });

  it('parses run patterns with one capture per level mixed with literals and *', () => {
    expect(parseRunPattern('run-*-{run_id}')).toEqual([{ text: 'run-*-{run_id}', glob: 'run-*-*', capture: 'run_id' }]);
    expect(parseRunPattern('{task}/cli/{run}').map((s) => s.glob)).toEqual(['*', 'cli', '*']);
    expect(() => parseRunPattern('{a}{b}')).toThrow(/one per level/);
    expect(() => parseRunPattern('{a}/{a}')).toThrow(/twice/);
    expect(() => parseRunPattern('{1x}')).toThrow(/letters/);
    expect(() => parseRunPattern('runs/**')).toThrow(/fixed depth/);
  });

  it("matches bytes as git does: '?' is one byte, so it does not match a two-byte letter", () => {
    const one = compileSegments(['?.md'], false);
    const two = compileSegments(['??.md'], false);
    const e = prepareSegment('é.md', false);
    expect(matchSegments(one, [e])).toBe(false);
    expect(matchSegments(two, [e])).toBe(true);
  });

  it('gives ** zero or more folders in the middle and at least one at the end', () => {
    const middle = compileSegments(['a', '**', 'b'], false);
    expect(matchSegments(middle, ['a', 'b'])).toBe(true);
    expect(matchSegments(middle, ['a', 'x', 'y', 'b'])).toBe(true);
    expect(matchSegments(middle, ['a', 'x'])).toBe(false);
    const trailing = compileSegments(['a', '**'], false);
    expect(matchSegments(trailing, ['a'])).toBe(false);
    expect(matchSegments(trailing, ['a', 'x', 'y'])).toBe(true);
  });
});
