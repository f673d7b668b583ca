import type { Check, Finding } from './types.js';
import { KEY_PATTERN, KEY_PREFIX, isPlaceholderKey, maskKey } from '../secrets.js';
import { snippetOf } from '../snippet.js';

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
    const findings: Finding[] = [];
    for (const file of ctx.workspace.files) {
      // Most files never mention the prefix: a byte search spares decoding them.
      if (file.bytes.indexOf(KEY_PREFIX) === -1) continue;
      // One snippet per line: a minified line may hold thousands of keys.
      const snippets = new Map<number, string>();
      for (const { offset, key } of keysIn(file.bytes)) {
        if (isPlaceholderKey(key)) continue;
        const { line, column } = file.positionOfByte(offset);
        let snippet = snippets.get(line);
        if (snippet === undefined) snippets.set(line, (snippet = snippetOf(file.lineText(line))));
        findings.push({
          message: `OpenRouter key ${maskKey(key)} is hardcoded`,
          severity: ctx.severity,
          file: file.path,
          line,
          column,
          snippet,
        });
      }
    }
    return findings;
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
