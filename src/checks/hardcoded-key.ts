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
  // Latin-1 maps each byte to one character, so match indexes are byte offsets.
  for (const match of bytes.toString('latin1').matchAll(KEY_PATTERN)) {
    const key = match[0];
    if (isPlaceholderKey(key)) continue;
    const { line, column } = file.positionOfByte(match.index);
    hits.push({ masked: maskKey(key), line, column, snippet: snippetOf(file.lineText(line)) });
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

export default check;
