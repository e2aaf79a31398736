// Where JSON text first goes wrong, as line:column. JSON.parse says "position N" at best (and nothing for
// a truncated file), so on failure the text is read again with jsonc-parser in strict JSON mode, which
// reports every error with its offset. It runs only after JSON.parse has refused the text.
import { parse, type ParseError, printParseErrorCode } from 'jsonc-parser';
import { messages } from '../messages.js';

export interface JsonErrorLocation {
  line: number;
  column: number;
  problem: string;
}

export function jsonErrorAt(text: string): JsonErrorLocation {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const [first] = errors;
  if (!first) return { ...lineColumn(text, text.length), problem: messages.json.other };
  const code = printParseErrorCode(first.error);
  // An unterminated string or number is reported where it starts; the input ends where it stops.
  const atEnd = code === 'UnexpectedEndOfString' || code === 'UnexpectedEndOfNumber' || code === 'UnexpectedEndOfComment';
  const offset = atEnd ? first.offset + first.length : first.offset;
  let problem: string = messages.json.problems[code as keyof typeof messages.json.problems] ?? messages.json.other;
  if (code === 'InvalidSymbol' && isCompleteValue(text.slice(0, offset))) problem = messages.json.afterValue;
  else if (offset >= text.length && !atEnd) problem = messages.json.endOfInput(problem);
  return { ...lineColumn(text, offset), problem };
}

function isCompleteValue(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}
