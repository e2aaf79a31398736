// The policy's pattern dialect: a strict subset of gitignore syntax that git, our classifier and the
// compiled .gitignore block all read the same way. Anything git and glob libraries read differently
// (braces, classes, escapes, negation, comments, trailing spaces) is refused with the reason.

/** Where a pattern is used; each use allows a little more or less of the dialect. */
export type PatternUse = 'track' | 'ignore' | 'never' | 'snapshot';

export interface Pattern {
  /** As written in the policy. */
  text: string;
  /** Split on '/', without the trailing '/' of a folder pattern. '**' stands alone as a segment. */
  segments: string[];
  /** Trailing '/': matches folders only. */
  dirOnly: boolean;
  /** Has a '/' before its end: matches from the base folder, not at any depth (gitignore's rule). */
  anchored: boolean;
}

/** A pattern the dialect refuses; the caller adds file, line and key. */
export class PatternError extends Error {}

const CONTROL = /[\u0000-\u001f\u007f]/;

function refuseCommon(text: string): void {
  if (text === '') throw new PatternError('is empty');
  if (CONTROL.test(text)) throw new PatternError('contains a control character (newline, tab, ...)');
  if (/\s$/.test(text)) {
    throw new PatternError('ends with white space, which git strips from .gitignore lines: remove it');
  }
  if (text.includes('\\')) {
    throw new PatternError("contains '\\': escapes are read differently by git and glob libraries");
  }
  if (/[[\]]/.test(text)) {
    throw new PatternError("contains '[' or ']': character classes are not part of the pattern dialect; list the names");
  }
  if (text.startsWith('/')) {
    throw new PatternError('is absolute: patterns are relative (a pattern with a \'/\' inside is already anchored)');
  }
}

function refuseSegments(segments: string[], text: string): void {
  for (const segment of segments) {
    if (segment === '') throw new PatternError(`has an empty folder name ('//') in "${text}"`);
    if (segment === '.' || segment === '..') {
      throw new PatternError(`contains '${segment}': paths may not step outside or restate their base folder`);
    }
    if (segment.includes('**') && segment !== '**') {
      throw new PatternError("uses '**' inside a name: '**' must stand alone between slashes (a/**/b)");
    }
  }
}

export function parsePattern(text: string, use: PatternUse): Pattern {
  refuseCommon(text);
  if (text.startsWith('!')) {
    throw new PatternError("starts with '!': negation is what `track` is for; the policy compiles the '!' lines itself");
  }
  if (text.startsWith('#')) throw new PatternError("starts with '#', which makes a .gitignore line a comment");
  if (/[{}]/.test(text)) {
    throw new PatternError("contains '{' or '}': brace expansion is not part of the pattern dialect; list each pattern");
  }
  const dirOnly = text.endsWith('/');
  const body = dirOnly ? text.slice(0, -1) : text;
  const segments = body.split('/');
  refuseSegments(segments, text);
  const everything = segments.length === 1 && segments[0] === '**';
  // A snapshot may well want every file of a run ('**', with excludes beside it); elsewhere it is a mistake.
  if (everything && use !== 'snapshot') {
    throw new PatternError("is '**' alone, which would match everything");
  }
  if (use === 'track' && segments.includes('**')) {
    throw new PatternError(
      "uses '**': tracked files sit at a fixed depth in the run folder, so git never has to walk every folder of every run; name the folders",
    );
  }
  // '**' alone has no name to match at any depth: it is read from the base folder, like an anchored pattern.
  return { text, segments, dirOnly, anchored: segments.length > 1 || everything };
}

/** One segment of a run pattern: literals, '*', '?' and at most one {name} capture. */
export interface RunSegment {
  text: string;
  /** The segment as a gitignore glob: each {name} becomes '*'. */
  glob: string;
  capture?: string;
}

export function parseRunPattern(text: string): RunSegment[] {
  refuseCommon(text);
  if (text.endsWith('/')) throw new PatternError("ends with '/': write the run folders without a trailing slash");
  if (text.startsWith('!') || text.startsWith('#')) throw new PatternError(`starts with '${text[0]}'`);
  const parts = text.split('/');
  refuseSegments(parts, text);
  if (parts.includes('**')) {
    throw new PatternError("uses '**': run folders sit at a fixed depth; use one '*' or {name} per folder level");
  }
  const seen = new Set<string>();
  return parts.map((part) => {
    const captures = [...part.matchAll(/\{([^{}]*)\}/g)];
    const stripped = part.replace(/\{[^{}]*\}/g, '');
    if (/[{}]/.test(stripped)) throw new PatternError(`has an unbalanced brace in "${part}"`);
    if (captures.length > 1) {
      throw new PatternError(`has ${captures.length} {name} captures in the folder level "${part}": one per level`);
    }
    const name = captures[0]?.[1];
    if (name === undefined) return { text: part, glob: part };
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new PatternError(`has the capture {${name}}: a name is letters, digits and '_', not starting with a digit`);
    }
    if (seen.has(name)) throw new PatternError(`captures {${name}} twice`);
    seen.add(name);
    return { text: part, glob: part.replace(`{${name}}`, '*'), capture: name };
  });
}

/** A plain relative path: no wildcards at all (roots, the manifest). */
export function parseLiteralPath(text: string): string[] {
  refuseCommon(text);
  const body = text.endsWith('/') ? text.slice(0, -1) : text;
  if (/[*?{}!#]/.test(body[0] ?? '') || /[*?{}]/.test(body)) {
    throw new PatternError("must be a plain path: no '*', '?', braces, or a leading '!' or '#'");
  }
  const segments = body.split('/');
  refuseSegments(segments, text);
  return segments;
}

// ---- matching ------------------------------------------------------------------------------------------
// git compares bytes: '?' is one byte and '*' any bytes but '/', and core.ignoreCase folds ASCII letters
// only. Matching JavaScript strings would make '?' match 'é' (two UTF-8 bytes) where git does not, so
// both sides are turned into byte strings (one char per UTF-8 byte) before matching.

/** A search for one non-ASCII character: twice as fast as matching a whole string of ASCII ones. */
const NOT_ASCII = /[^\u0000-\u007f]/;

export function toBytes(text: string): string {
  return NOT_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

export function foldAscii(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** A compiled segment matcher; `null` stands for a '**' segment. */
export type SegmentMatcher = RegExp | null;

function globToRegexSource(bytes: string): string {
  let source = '';
  for (const char of bytes) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return source;
}

export function compileSegment(glob: string, ignoreCase: boolean): RegExp {
  return new RegExp(`^${globToRegexSource(toBytes(ignoreCase ? foldAscii(glob) : glob))}$`, 's');
}

/** A run segment as a matcher whose group 1, when it has a {name}, is the captured value (in bytes). */
export function compileRunSegment(segment: RunSegment, ignoreCase: boolean): RegExp {
  if (segment.capture === undefined) return compileSegment(segment.glob, ignoreCase);
  const [before, after] = segment.text.split(`{${segment.capture}}`) as [string, string];
  const prepare = (glob: string) => globToRegexSource(toBytes(ignoreCase ? foldAscii(glob) : glob));
  // "d": match indices, so a capture can be cut from the unfolded path when core.ignoreCase folds it.
  return new RegExp(`^${prepare(before)}(.*)${prepare(after)}$`, "sd");
}

/** Back from the byte string a matcher saw to the text it came from. */
export function fromBytes(bytes: string): string {
  return NOT_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
}

export function compileSegments(segments: readonly string[], ignoreCase: boolean): SegmentMatcher[] {
  return segments.map((segment) => (segment === '**' ? null : compileSegment(segment, ignoreCase)));
}

/** Turns a path segment into what compiled matchers compare against. */
export function prepareSegment(segment: string, ignoreCase: boolean): string {
  return toBytes(ignoreCase ? foldAscii(segment) : segment);
}

/**
 * Whether prepared path segments match pattern segments exactly (gitignore's FNM_PATHNAME rules):
 * '**' matches zero or more folders, and a trailing '**' one or more levels ("everything inside").
 */
export function matchSegments(pattern: readonly SegmentMatcher[], path: readonly string[], p = 0, s = 0): boolean {
  if (p === pattern.length) return s === path.length;
  const matcher = pattern[p];
  if (matcher === null) {
    if (p === pattern.length - 1) return s < path.length;
    for (let skip = s; skip <= path.length; skip++) if (matchSegments(pattern, path, p + 1, skip)) return true;
    return false;
  }
  if (s === path.length) return false;
  return (matcher as RegExp).test(path[s] as string) && matchSegments(pattern, path, p + 1, s + 1);
}
