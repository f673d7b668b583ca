import { describe, expect, it } from 'vitest';
import { sourceExcerpt } from '../src/reporters/text.js';
import { KEY_PATTERN, maskKey, maskKeysIn } from '../src/workspace/secrets.js';
import { snippetOf } from '../src/workspace/snippet.js';
import { generateKey } from './support/workspace.js';

const KEY = generateKey();
const SECRET = KEY.slice('sk-or-v1-'.length);

/** Forms that are not keys (or are keys only in part), each of which must still never be printed whole. */
const NEAR_MISSES: [string, string][] = [
  ['a key with hex after it', `${KEY}abc`],
  ['a key in capitals', KEY.toUpperCase()],
  ['a key one digit short', KEY.slice(0, -1)],
  ['another key version', `sk-or-v2-${SECRET}`],
  ['a management-style key', `sk-or-${SECRET}`],
  ['the secret alone', SECRET],
  ['the secret alone, in capitals', SECRET.toUpperCase()],
  ['a prefix and a short secret', 'sk-or-v1-4f9a2c7e1b'],
];

describe('detection', () => {
  it('finds a key whatever precedes it, and not when another hex digit follows', () => {
    const text = `\\n${KEY} x${KEY} _${KEY}_old ${KEY}0 ${KEY}F`;
    expect([...text.matchAll(KEY_PATTERN)].map((match) => match.index)).toEqual([2, 2 + KEY.length + 2, 2 + 2 * (KEY.length + 2)]);
  });
});

describe('masking is looser than detection', () => {
  it.each(NEAR_MISSES)('masks %s wherever it is printed', (_name, secret) => {
    const line = `const value = "${secret}"; // ${secret}`;
    for (const shown of [maskKeysIn(line), snippetOf(line), sourceExcerpt(line, 16).text]) {
      expect(shown).not.toContain(secret);
      expect(shown).not.toMatch(/[0-9a-f]{32}/i);
    }
  });

  it('shows a key and a long secret by their ends, a short one not at all', () => {
    expect(maskKeysIn(`a ${KEY} b`)).toBe(`a ${maskKey(KEY)} b`);
    // A near-miss is masked up to the end of its word: its last four characters are the suffix.
    expect(maskKeysIn(`${KEY}_old`)).toBe(`sk-or-v1-${SECRET.slice(0, 4)}…_old`);
    expect(maskKeysIn(`sk-or-v1-4f9a2c7e1b`)).toBe('sk-or-v1-…');
    expect(maskKeysIn(`sha ${SECRET.slice(0, 40)}.`)).toBe(`sha ${SECRET.slice(0, 4)}…${SECRET.slice(36, 40)}.`);
  });

  it('leaves masked text, placeholders and short hex as they are', () => {
    for (const text of [`key ${maskKey(KEY)} is hardcoded`, 'OPENROUTER_API_KEY=sk-or-v1-...', 'sk-or-v1-…', 'color: #a1b2c3; id 1234abcd']) {
      expect(maskKeysIn(text)).toBe(text);
      expect(maskKeysIn(maskKeysIn(text))).toBe(text);
    }
  });

  it('masks a near-miss cut at the end of a long snippet', () => {
    const snippet = snippetOf(`${'x'.repeat(170)} = "${KEY}abc" + "${SECRET}"`);
    expect(snippet.length).toBeLessThanOrEqual(200);
    expect(snippet).not.toMatch(/[0-9a-f]{20}/);
  });
});
