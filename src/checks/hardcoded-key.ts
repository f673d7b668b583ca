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
      // Latin-1 maps each byte to one character, so match indexes are byte offsets.
      const bytesAsText = file.bytes.toString('latin1');
      // One snippet per line: a minified line may hold thousands of keys.
      const snippets = new Map<number, string>();
      for (const match of bytesAsText.matchAll(KEY_PATTERN)) {
        const key = match[0];
        if (isPlaceholderKey(key)) continue;
        const { line, column } = file.positionOfByte(match.index);
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

export default check;
