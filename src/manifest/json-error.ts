// Where JSON text first goes wrong, as line:column. JSON.parse says "position N" at best (and nothing for
// a truncated file), so on failure this small scanner walks the grammar to the first bad character.
// It runs only after JSON.parse has refused the text.

export interface JsonErrorLocation {
  line: number;
  column: number;
  problem: string;
}

export function jsonErrorAt(text: string): JsonErrorLocation {
  let i = 0;
  const fail = (problem: string): never => {
    throw Object.assign(new Error(problem), { offset: i });
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const expectChar = (c: string, what: string) => {
    if (i >= text.length) fail(`unexpected end of input, expected ${what}`);
    if (text[i] !== c) fail(`unexpected ${describe(text[i] as string)}, expected ${what}`);
    i++;
  };
  const string = () => {
    expectChar('"', 'a string');
    for (;;) {
      if (i >= text.length) fail('unexpected end of input inside a string');
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return;
      }
      if (c < ' ') fail('control character inside a string');
      if (c === '\\') {
        i++;
        const e = text[i];
        if (e === undefined) fail('unexpected end of input inside a string');
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 5;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e as string)) fail(`bad escape \\${e}`);
      }
      i++;
    }
  };
  const value = (): void => {
    ws();
    if (i >= text.length) fail('unexpected end of input, expected a value');
    const c = text[i] as string;
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        string();
        ws();
        expectChar(':', "':'");
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expectChar('}', "',' or '}'");
        return;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expectChar(']', "',' or ']'");
        return;
      }
    }
    if (c === '"') return string();
    const literal = /^(true|false|null|-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)/.exec(text.slice(i, i + 400));
    if (!literal) fail(`unexpected ${describe(c)}, expected a value`);
    i += (literal as RegExpExecArray)[0].length;
  };
  let problem = 'invalid JSON';
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe(text[i] as string)} after the value`);
  } catch (error) {
    problem = (error as Error).message;
  }
  const before = text.slice(0, i);
  const line = before.split('\n').length;
  const column = i - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column, problem };
}

function describe(c: string): string {
  return c === '\n' ? 'end of line' : `character ${JSON.stringify(c)}`;
}
