import type { Check } from './types.js';
import { scanBytes } from '../analysis/byte-scan.js';
import type { ByteExtractor } from '../analysis/byte-scan.js';
import { ByteWord } from '../analysis/byte-word.js';
import { KEY_PATTERN, KEY_PREFIX, isPlaceholderKey, maskKey } from '../secrets.js';
import { snippetOf } from '../snippet.js';

const KEY_PREFIX_WORD = new ByteWord(KEY_PREFIX);

/** A key found in a file: only its masked form is kept. */
interface KeyHit {
  masked: string;
  line: number;
  column: number;
  snippet: string;
}

/** The real-format keys a file holds, placeholders left out; located while the scan has the bytes in hand. */
const keyHitsIn: ByteExtractor<KeyHit[]> = (bytes, file) => {
  // Most files never mention the prefix: a byte search spares decoding them.
  if (!KEY_PREFIX_WORD.isIn(bytes)) return undefined;
  const hits: KeyHit[] = [];
  // One snippet per line: a minified line may hold thousands of keys.
  const snippets = new Map<number, string>();
  for (const { offset, key } of keysIn(bytes)) {
    if (isPlaceholderKey(key)) continue;
    const { line, column } = file.positionOfByte(offset);
    let snippet = snippets.get(line);
    if (snippet === undefined) snippets.set(line, (snippet = snippetOf(file.lineText(line))));
    hits.push({ masked: maskKey(key), line, column, snippet });
  }
  return hits.length > 0 ? hits : undefined;
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
    const found = await scanBytes(ctx.workspace, keyHitsIn);
    return [...found].flatMap(([file, hits]) =>
      hits.map(({ masked, line, column, snippet }) => ({
        message: `OpenRouter key ${masked} is hardcoded`,
        severity: ctx.severity,
        file: file.path,
        line,
        column,
        snippet,
      })),
    );
  },
};

/** Bytes searched as one string: V8 strings stop at 2^29 characters, and a raised scan.max_file_size can pass bigger files. */
const PIECE_BYTES = 16 * 1024 * 1024;
/** More than a key and the character after it that the pattern looks at: a key starting in a piece ends in its overlap. */
const PIECE_OVERLAP = 80;

/** Every key-shaped match and its byte offset, the bytes searched piece by piece. */
function* keysIn(bytes: Buffer): Generator<{ offset: number; key: string }> {
  for (let start = 0; start < bytes.length; start += PIECE_BYTES) {
    // One byte before the piece, for the pattern's look-behind.
    const from = Math.max(0, start - 1);
    // Latin-1 maps each byte to one character, so match indexes are byte offsets.
    const text = bytes.toString('latin1', from, Math.min(bytes.length, start + PIECE_BYTES + PIECE_OVERLAP));
    for (const match of text.matchAll(KEY_PATTERN)) {
      const offset = from + match.index;
      // A match starting outside the piece is its neighbour's to report.
      if (offset >= start && offset < start + PIECE_BYTES) yield { offset, key: match[0] };
    }
  }
}

export default check;
