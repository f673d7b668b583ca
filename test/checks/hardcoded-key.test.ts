import { describe, expect, it } from 'vitest';
import check from '../../src/checks/hardcoded-key.js';
import { outcomeOf } from '../../src/checks/outcome.js';
import { maskKey } from '../../src/workspace/secrets.js';
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
    // Not a key: uppercase hex, too short, a 65th hex digit (masked wherever it is quoted, but not a key).
    { 'a.ts': `"${KEY.toUpperCase()}"` },
    { 'a.ts': `"${KEY.slice(0, -1)}"` },
    { 'a.ts': `"${KEY}0"` },
    { 'a.ts': `"${KEY}abc"` },
    // Split, but not into a key: 63 hex digits, or 67.
    { 'a.ts': `const k = 'sk-or-v1-' + '${KEY.slice(9, -1)}';` },
    { 'a.ts': `const k = 'sk-or-v1-' + '${KEY.slice(9)}' + 'abc';` },
    // Parts that are not joined: a list, a call.
    { 'a.ts': `const parts = ['sk-or-v1-', '${KEY.slice(9)}'];` },
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

  // Whatever precedes the prefix (it was once required to start a word), and whatever non-hex follows the 64 digits.
  it.each([
    ['after a JSON \\n escape', `{"env": "A=1\\nOPENROUTER_API_KEY=${KEY}\\n"}`, `{"env": "A=1\\nOPENROUTER_API_KEY=`.length + 1],
    ['glued to a letter', `token=x${KEY}`, 'token=x'.length + 1],
    ['glued to an underscore and a word', `OLD_KEY=_${KEY}_old`, 'OLD_KEY=_'.length + 1],
    ['followed by a suffix', `const retired = "${KEY}_old";`, 'const retired = "'.length + 1],
  ])('finds a key %s', async (_name, text, column) => {
    const findings = await findingsOf(check, { 'config.json': text });
    expect(findings.map((f) => [f.line, f.column, f.message])).toEqual([[1, column, `OpenRouter key ${MASKED} is hardcoded`]]);
    expect(JSON.stringify(findings)).not.toContain(KEY.slice(9, 40));
  });

  it.each([
    ['on one line', `const apiKey = 'sk-or-v1-' + '${KEY.slice(9)}';\n`, [1, 17]],
    ['across a line break', `const apiKey =\n  "sk-or-v1-" +\n  "${KEY.slice(9)}";\n`, [2, 4]],
    ['in three parts, template literals too', `const apiKey = \`sk-or-\` + \`v1-${KEY.slice(9, 30)}\` + '${KEY.slice(30)}';\n`, [1, 17]],
    ['as adjacent literals (Python)', `API_KEY = ("sk-or-v1-"\n    "${KEY.slice(9)}")\n`, [1, 13]],
  ])('finds a key split into string literals %s', async (_name, text, [line, column]) => {
    const findings = await findingsOf(check, { 'src/client.ts': text });
    expect(findings.map((f) => [f.line, f.column, f.message])).toEqual([[line, column, `OpenRouter key ${MASKED} is hardcoded`]]);
    expect(JSON.stringify(findings)).not.toContain(KEY.slice(9, 40));
    expect(JSON.stringify(findings)).not.toContain(KEY.slice(40));
  });

  it('reports a key written whole once, even when more literals are joined to it', async () => {
    const findings = await findingsOf(check, { 'a.ts': `const k = '${KEY}' + suffix;\nconst j = '${KEY}' + '_v2';\n` });
    expect(findings.map((f) => [f.line, f.column])).toEqual([
      [1, 12],
      [2, 12],
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
