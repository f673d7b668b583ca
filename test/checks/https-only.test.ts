import { describe, expect, it } from 'vitest';
import check from '../../src/checks/https-only.js';
import { PLAIN } from '../support/plain-http.js';
import { findingsOf } from '../support/workspace.js';

describe('https-only', () => {
  const valid = [
    'const base = "https://openrouter.ai/api/v1";',
    `const other = "${PLAIN}example.com/openrouter.ai";`,
    `const lookalike = "${PLAIN}openrouter.ai.example.com/";`,
    `const notOurs = "${PLAIN}myopenrouter.ai/";`,
    `const scheme = "shttp://openrouter.ai/";`,
    'see openrouter.ai for docs',
  ];
  it.each(valid)('no finding: %s', async (source) => {
    expect(await findingsOf(check, { 'src/a.ts': source })).toEqual([]);
  });

  const invalid: { source: string; url: string; column: number }[] = [
    { source: `const base = "${PLAIN}openrouter.ai/api/v1";`, url: `${PLAIN}openrouter.ai/api/v1`, column: 15 },
    { source: `fetch('${PLAIN}www.openrouter.ai/api/v1/chat/completions')`, url: `${PLAIN}www.openrouter.ai/api/v1/chat/completions`, column: 8 },
    { source: `BASE=${PLAIN.toUpperCase()}OpenRouter.AI/api/v1`, url: `${PLAIN.toUpperCase()}OpenRouter.AI/api/v1`, column: 6 },
    { source: `url = f"${PLAIN}eu.openrouter.ai:80/api/v1/{path}"`, url: `${PLAIN}eu.openrouter.ai:80/api/v1/`, column: 9 },
    { source: `const u = \`${PLAIN}openrouter.ai\${path}\`;`, url: `${PLAIN}openrouter.ai`, column: 12 },
    { source: `const mixed = "HtTp${PLAIN.slice(4)}openrouter.ai/api/v1";`, url: `HtTp${PLAIN.slice(4)}openrouter.ai/api/v1`, column: 16 },
  ];
  it.each(invalid)('finds $url', async ({ source, url, column }) => {
    expect(await findingsOf(check, { 'src/a.ts': source })).toEqual([
      {
        message: `${url} talks to OpenRouter over plain http; use https`,
        severity: 'error',
        file: 'src/a.ts',
        line: 1,
        column,
        snippet: source,
      },
    ]);
  });

  it('reports upper- and lower-case schemes on one line in the order they are written', async () => {
    const upper = PLAIN.toUpperCase();
    const source = `a("${upper}openrouter.ai/x"); b("${PLAIN}openrouter.ai/y"); c("${upper}OPENROUTER.AI/z");`;
    const findings = await findingsOf(check, { 'src/a.ts': source });
    expect(findings.map((f) => [f.message.split(' ')[0], f.column])).toEqual([
      [`${upper}openrouter.ai/x`, 4],
      [`${PLAIN}openrouter.ai/y`, 33],
      [`${upper}OPENROUTER.AI/z`, 62],
    ]);
  });

  it('reports every occurrence with its own line, in any text file', async () => {
    const findings = await findingsOf(check, {
      'docs/setup.md': `# Setup\n\nPoint the client at ${PLAIN}openrouter.ai/api/v1\r\nor ${PLAIN}openrouter.ai.\n`,
      'config.yaml': `base_url: ${PLAIN}openrouter.ai/api/v1\n`,
    });
    expect(findings.map((f) => [f.file, f.line, f.column])).toEqual([
      ['docs/setup.md', 3, 21],
      ['docs/setup.md', 4, 4],
      ['config.yaml', 1, 11],
    ]);
  });
});
