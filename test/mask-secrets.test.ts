import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maskKey, maskSecretsIn } from '../src/workspace/secrets.js';
import { generateKey } from './support/workspace.js';

// Tokens are made at run time: no credential-shaped string is committed.
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function random(length: number, alphabet = ALNUM): string {
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
/** Starts with a digit and a letter, so the long-run rule always applies. */
const mixed = (length: number): string => `7a${random(length - 2)}`;

describe('maskSecretsIn', () => {
  const shapes: Array<[string, string, string]> = [
    ['an OpenAI project key', `sk-proj-${mixed(40)}`, 'sk-'],
    ['an Anthropic key', `sk-ant-api03-${mixed(40)}`, 'sk-'],
    ['a GitHub personal access token', `ghp_${mixed(36)}`, 'ghp_'],
    ['a GitHub OAuth token', `gho_${mixed(36)}`, 'gho_'],
    ['a GitHub Actions token', `ghs_${mixed(36)}`, 'ghs_'],
    ['a fine-grained GitHub token', `github_pat_${mixed(22)}_${mixed(59)}`, 'github_pat_'],
    ['a Slack bot token', `xoxb-${random(12, '0123456789')}-${random(12, '0123456789')}-${mixed(24)}`, 'xoxb-'],
    ['an AWS access key id', `AKIA${random(16, UPPER_DIGITS)}`, 'AKIA'],
    ['a GitLab token', `glpat-${mixed(20)}`, 'glpat-'],
    ['a long run of letters and digits', mixed(40), ''],
  ];

  it.each(shapes)('masks %s, keeping its prefix and the last 4 characters', (_name, token, prefix) => {
    const masked = maskSecretsIn(`token=${token} (from CI)`);
    expect(masked).not.toContain(token);
    expect(masked).toBe(`token=${prefix}${token.slice(prefix.length, prefix.length + 4)}…${token.slice(-4)} (from CI)`);
  });

  it('masks OpenRouter keys as everywhere else', () => {
    const key = generateKey();
    expect(maskSecretsIn(`key ${key}.`)).toBe(`key ${maskKey(key)}.`);
  });

  it('leaves ordinary text alone: words, numbers, paths, model ids, short ids', () => {
    const ordinary = [
      'openrouter-check-plugin-acme',
      // A run of 32 or more hex digits could be a key's secret alone, and is masked (test/secrets.test.ts).
      'x'.repeat(40),
      '1234567890123456789012345678901',
      'anthropic/claude-3.5-haiku',
      './checks/no-legacy-models.mjs',
      'sk-short',
      'OPENROUTER_API_KEY',
      'https://openrouter.ai/api/v1',
    ];
    for (const text of ordinary) expect(maskSecretsIn(text), text).toBe(text);
  });

  it('is idempotent: a masked value is not masked again', () => {
    const once = maskSecretsIn(`ghp_${mixed(36)} and ${mixed(48)}`);
    expect(maskSecretsIn(once)).toBe(once);
  });
});
