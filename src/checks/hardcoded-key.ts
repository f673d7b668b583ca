import type { Check } from './types.js';
import { searchEveryFile } from '../workspace/byte-scan.js';
import type { HitExtractor } from '../workspace/byte-scan.js';
import { ByteWord } from '../workspace/byte-word.js';
import { isPlaceholderKey, maskKey } from '../workspace/secrets.js';
import { snippetOf } from '../workspace/snippet.js';

/** Every key starts with it, and so does every split key's first part (`'sk-or-' + 'v1-…'`). */
const KEY_START = new ByteWord('sk-or-');
/** A key (KEY_PATTERN) at the start of a text. */
const KEY_AT_START = /^sk-or-v1-[0-9a-f]{64}(?![0-9a-fA-F])/;
/** A key and the character after it, which decides whether it ends there. */
const KEY_WITH_NEXT = 'sk-or-v1-'.length + 64 + 1;
/** How far a chain of string literals is followed: a few parts and the spaces and line break between them. */
const MAX_CHAIN_BYTES = 1024;
/** Spaces, tabs and line breaks between a literal's closing quote, the `+` and the next literal's opening quote. */
const MAX_JOIN_BYTES = 256;

/** A key found in a file: only its masked form is kept. */
interface KeyHit {
  offset: number;
  masked: string;
  line: number;
  column: number;
  /** None in a binary file: its "line" is bytes, not code to quote. */
  snippet: string | undefined;
}

/**
 * The real-format keys a file holds, placeholders left out; located while the scan has the bytes in hand.
 * Every file of the set is searched: build output, vendored and minified code, binaries, files of any size.
 */
const keyHitsIn: HitExtractor<KeyHit> = (bytes, file) => {
  // Most files never mention the prefix: a byte search spares decoding them.
  if (!KEY_START.isIn(bytes)) return undefined;
  let hits: KeyHit[] | undefined;
  // One snippet per line: a minified line may hold thousands of keys.
  const snippets = new Map<number, string>();
  for (const { offset, key } of keysIn(bytes)) {
    if (isPlaceholderKey(key)) continue;
    const { line, column } = file.positionOfByte(offset);
    let snippet = file.binary ? undefined : snippets.get(line);
    if (snippet === undefined && !file.binary) snippets.set(line, (snippet = snippetOf(file.lineText(line))));
    (hits ??= []).push({ offset, masked: maskKey(key), line, column, snippet });
  }
  return hits;
};

const check: Check = {
  id: 'hardcoded-key',
  title: 'No OpenRouter key in the code',
  category: 'security',
  kind: 'static',
  defaultSeverity: 'error',
  docs:
    'A key committed to a repository is a key anyone with read access can spend, and OpenRouter revokes keys it finds public. ' +
    'Revoke the key at openrouter.ai/settings/keys, read it from the environment (OPENROUTER_API_KEY), ' +
    'and keep local .env files out of git with .gitignore.',
  async run(ctx) {
    const found = await searchEveryFile(ctx.workspace, keyHitsIn);
    return [...found].flatMap(([file, hits]) =>
      hits.map(({ masked, line, column, snippet }) => ({
        message: `OpenRouter key ${masked} is hardcoded${file.binary ? ' (in a binary file)' : ''}`,
        severity: ctx.severity,
        file: file.path,
        line,
        column,
        ...(snippet === undefined ? {} : { snippet }),
      })),
    );
  },
};

/**
 * Every key and its byte offset: written whole (KEY_PATTERN, whatever precedes it), or split into string
 * literals joined by `+` on one line or across a line break (`'sk-or-v1-' + '<hex>'`). Searched in the
 * bytes, by the `sk-or-` each starts with: only the bytes after a hit are decoded.
 */
export function* keysIn(bytes: Buffer): Generator<{ offset: number; key: string }> {
  for (let at = KEY_START.indexIn(bytes); at !== -1; at = KEY_START.indexIn(bytes, at + 1)) {
    // Latin-1 maps each byte to one character: a non-ASCII byte can never pass for a hex digit.
    const whole = KEY_AT_START.exec(bytes.toString('latin1', at, Math.min(bytes.length, at + KEY_WITH_NEXT)));
    const key = whole ? whole[0] : splitKeyAt(bytes, at);
    if (key !== undefined) yield { offset: at, key };
  }
}

const QUOTES = new Set([0x22, 0x27, 0x60]); // " ' `
const SPACES = new Set([0x20, 0x09, 0x0a, 0x0d]);
const PLUS = 0x2b;

/**
 * The key that string literals joined from `start` spell (`'sk-or-v1-' + '<hex>'`, `"sk-or-" + "v1-…"`, also
 * adjacent literals as Python joins them), or undefined when the text there is not split or spells no key.
 */
function splitKeyAt(bytes: Buffer, start: number): string | undefined {
  let spelled = '';
  let joins = 0;
  let at = start;
  const end = Math.min(bytes.length, start + MAX_CHAIN_BYTES);
  while (at < end && spelled.length < KEY_WITH_NEXT) {
    const byte = bytes[at]!;
    if (QUOTES.has(byte)) {
      const next = nextLiteralAfter(bytes, at + 1, end);
      if (next === undefined) break;
      joins++;
      at = next;
      continue;
    }
    if (byte === 0x0a || byte === 0x0d) break;
    spelled += String.fromCharCode(byte);
    at++;
  }
  if (joins === 0) return undefined;
  return KEY_AT_START.exec(spelled)?.[0];
}

/** Where the next literal's text starts when the one closed before `from` is joined to it (`' + '`), else undefined. */
function nextLiteralAfter(bytes: Buffer, from: number, end: number): number | undefined {
  let at = from;
  const limit = Math.min(end, from + MAX_JOIN_BYTES);
  while (at < limit && SPACES.has(bytes[at]!)) at++;
  if (bytes[at] === PLUS) at++;
  while (at < limit && SPACES.has(bytes[at]!)) at++;
  return at < end && QUOTES.has(bytes[at]!) ? at + 1 : undefined;
}

export default check;
