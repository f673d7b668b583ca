import { describe, expect, it } from 'vitest';
import check from '../../src/checks/hardcoded-key.js';
import { outcomeOf } from '../../src/checks/outcome.js';
import { maskKey } from '../../src/secrets.js';
import { findingsOf, generateKey } from '../support/workspace.js';

const KEY = generateKey();
const MASKED = maskKey(KEY);
const hex = (pattern: string): string => pattern.repeat(64 / pattern.length);

describe('hardcoded-key', () => {
  const valid: Record<string, string>[] = [
    { 'src/a.ts': 'const key = process.env.OPENROUTER_API_KEY;' },
    { 'README.md': 'Set OPENROUTER_API_KEY=sk-or-v1-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' },
    { '.env.example': 'OPENROUTER_API_KEY=sk-or-v1-...' },
    { 'docs.md': 'export OPENROUTER_API_KEY=<your key>' },
    // Right format but obviously made up: documentation placeholders.
    { 'docs.md': `key: sk-or-v1-${hex('0')}` },
    { 'docs.md': `key: sk-or-v1-${hex('0123456789abcdef')}` },
    { 'docs.md': `key: sk-or-v1-${hex('ab')}` },
    // Not a key: uppercase hex, too short, too long, glued to a longer word.
    { 'a.ts': `"${KEY.toUpperCase()}"` },
    { 'a.ts': `"${KEY.slice(0, -1)}"` },
    { 'a.ts': `"${KEY}0"` },
    { 'a.ts': `"x${KEY}"` },
  ];
  it.each(valid.map((files) => [Object.values(files)[0]!.slice(0, 60), files]))('no finding: %s', async (_name, files) => {
    expect(await findingsOf(check, files)).toEqual([]);
  });

  it('reports the file, line and column, with the key masked everywhere', async () => {
    const source = `import OpenAI from 'openai';\n\nconst client = new OpenAI({\n  apiKey: '${KEY}',\n});\n`;
    const findings = await findingsOf(check, { 'src/client.ts': source });
    expect(findings).toEqual([
      {
        message: `OpenRouter key ${MASKED} is hardcoded`,
        severity: 'error',
        file: 'src/client.ts',
        line: 4,
        column: 12,
        snippet: `apiKey: '${MASKED}',`,
      },
    ]);
    expect(JSON.stringify(findings)).not.toContain(KEY);
    expect(MASKED).toMatch(/^sk-or-v1-[0-9a-f]{4}…[0-9a-f]{4}$/);
  });

  it('finds every key, in any text file, including dotfiles and a committed .env', async () => {
    const second = generateKey();
    const findings = await findingsOf(check, {
      '.env': `OPENROUTER_API_KEY=${KEY}\n`,
      'scripts/curl.sh': `curl -H "Authorization: Bearer ${KEY}" https://openrouter.ai/api/v1/key # and ${second}\n`,
    });
    expect(findings.map((f) => [f.file, f.line, f.column])).toEqual([
      ['.env', 1, 20],
      ['scripts/curl.sh', 1, 32],
      ['scripts/curl.sh', 1, 32 + KEY.length + 41],
    ]);
  });

  it('counts columns in characters after multi-byte text and ignores CRLF', async () => {
    const findings = await findingsOf(check, { 'a.ts': `// clé\r\nconst k = "é€${KEY}";\r\n` });
    expect(findings.map((f) => [f.line, f.column, f.snippet])).toEqual([[2, 14, `const k = "é€${MASKED}";`]]);
  });

  it('masks a key even when the snippet is cut to length', async () => {
    const findings = await findingsOf(check, { 'a.ts': `${'x'.repeat(180)} = "${KEY}"` });
    expect(findings[0]!.snippet).not.toContain(KEY.slice(0, 30));
    expect(findings[0]!.snippet!.length).toBeLessThanOrEqual(200);
  });

  it('reports at the configured severity', async () => {
    const { contextFor, workspaceOf } = await import('../support/workspace.js');
    const workspace = workspaceOf({ 'a.ts': `const k = "${KEY}";` });
    const { findings } = outcomeOf(await check.run(contextFor(check, workspace, { severity: 'warn' })));
    expect(findings.map((f) => f.severity)).toEqual(['warn']);
  });
});
