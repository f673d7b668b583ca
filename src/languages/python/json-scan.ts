/**
 * A small JSON reader that keeps where each string is written: notebook findings must point into the
 * `.ipynb` file's own text. It throws a JsonScanError (with the offset) on anything that is not JSON.
 */

export type JsonNode =
  | { type: 'object'; entries: [string, JsonNode][] }
  | { type: 'array'; items: JsonNode[] }
  /** `start` is the offset of the opening quote, `end` just past the closing one. */
  | { type: 'string'; start: number; end: number }
  | { type: 'scalar' };

export class JsonScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Nesting deeper than this is no notebook: refused rather than risking the call stack. */
const MAX_DEPTH = 256;

export function scanJson(text: string): JsonNode {
  let at = 0;
  const fail = (what: string): never => {
    throw new JsonScanError(what, at);
  };
  const skipSpace = (): void => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\n' || text[at] === '\r' || text[at] === '\t')) at++;
  };
  const scanString = (): JsonNode => {
    const start = at++;
    for (;;) {
      const quote = text.indexOf('"', at);
      if (quote === -1) fail('unterminated string');
      let backslashes = 0;
      while (text[quote - 1 - backslashes] === '\\') backslashes++;
      at = quote + 1;
      if (backslashes % 2 === 0) return { type: 'string', start, end: at };
    }
  };
  const value = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    skipSpace();
    const char = text[at];
    if (char === '"') return scanString();
    if (char === '{') {
      at++;
      const entries: [string, JsonNode][] = [];
      skipSpace();
      if (text[at] === '}') {
        at++;
        return { type: 'object', entries };
      }
      for (;;) {
        skipSpace();
        if (text[at] !== '"') fail('expected a property name');
        const key = scanString() as Extract<JsonNode, { type: 'string' }>;
        skipSpace();
        if (text[at] !== ':') fail('expected ":"');
        at++;
        entries.push([decodeJsonString(text, key).value, value(depth + 1)]);
        skipSpace();
        if (text[at] === ',') at++;
        else if (text[at] === '}') {
          at++;
          return { type: 'object', entries };
        } else fail('expected "," or "}"');
      }
    }
    if (char === '[') {
      at++;
      const items: JsonNode[] = [];
      skipSpace();
      if (text[at] === ']') {
        at++;
        return { type: 'array', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        skipSpace();
        if (text[at] === ',') at++;
        else if (text[at] === ']') {
          at++;
          return { type: 'array', items };
        } else fail('expected "," or "]"');
      }
    }
    const scalar = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at, at + 64));
    if (!scalar) fail('unexpected character');
    at += scalar![0].length;
    return { type: 'scalar' };
  };
  const root = value(0);
  skipSpace();
  if (at < text.length) fail('unexpected text after the end');
  return root;
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** A string's value, and for each of its UTF-16 units the offset in `text` it is written at. */
export function decodeJsonString(text: string, node: { start: number; end: number }): { value: string; offsets: number[] } {
  let value = '';
  const offsets: number[] = [];
  for (let at = node.start + 1; at < node.end - 1; ) {
    const char = text[at]!;
    if (char !== '\\') {
      value += char;
      offsets.push(at);
      at++;
      continue;
    }
    const escape = text[at + 1] ?? '';
    if (escape === 'u') {
      const code = Number.parseInt(text.slice(at + 2, at + 6), 16);
      if (Number.isNaN(code)) throw new JsonScanError('invalid \\u escape', at);
      value += String.fromCharCode(code);
      offsets.push(at);
      at += 6;
    } else {
      const decoded = ESCAPES[escape];
      if (decoded === undefined) throw new JsonScanError(`invalid escape \\${escape}`, at);
      value += decoded;
      offsets.push(at);
      at += 2;
    }
  }
  return { value, offsets };
}
