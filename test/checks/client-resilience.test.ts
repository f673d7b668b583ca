import { describe, expect, it } from 'vitest';
import check from '../../src/checks/client-resilience.js';
import { findingsOf } from '../support/workspace.js';

/** Source lines joined with `\n`, so line numbers in the tables can be read off the array. */
const lines = (...source: string[]): string => source.join('\n');

const OPENROUTER = 'https://openrouter.ai/api/v1';
const noTimeout = (constructor: string, fix: string): string =>
  `${constructor} for OpenRouter sets no timeout, so a stalled request can hang for minutes; add ${fix}`;
const NO_OPENAI_TIMEOUT = noTimeout('new OpenAI()', 'timeout: 60_000');
const NO_OPENROUTER_TIMEOUT = noTimeout('new OpenRouter()', 'timeoutMs: 60_000');
const noRetries = (constructor: string): string =>
  `${constructor} for OpenRouter sets maxRetries: 0, so one 429 or 5xx fails the request; keep the default retries (2) or set more`;
const NO_SIGNAL = 'fetch() to OpenRouter passes no signal, so a stalled request never times out; add signal: AbortSignal.timeout(60_000)';

interface InvalidCase {
  name: string;
  source: string;
  findings: { line: number; column: number; message: string; snippet: string }[];
}

describe('client-resilience', () => {
  const valid: { name: string; source: string }[] = [
    { name: 'an OpenAI client with a timeout', source: `new OpenAI({ baseURL: '${OPENROUTER}', timeout: 30_000 });` },
    {
      name: 'a timeout and retries from consts',
      source: lines(`const TIMEOUT = 20_000;`, `const opts = { timeout: TIMEOUT, maxRetries: 3 };`, `new OpenAI({ baseURL: '${OPENROUTER}', ...opts });`),
    },
    { name: 'a client of another provider', source: `new OpenAI({ baseURL: 'https://api.example.com/v1' }); // openrouter` },
    { name: 'the default OpenAI endpoint', source: `new OpenAI({ apiKey: process.env.OPENROUTER_API_KEY });` },
    { name: 'a baseURL the file does not know', source: `new OpenAI({ baseURL: process.env.OPENROUTER_BASE_URL });` },
    { name: 'options the file does not show', source: `function make(opts) { return new OpenAI({ baseURL: '${OPENROUTER}', ...opts }); }` },
    { name: 'an @openrouter/sdk client with timeoutMs', source: `import { OpenRouter } from '@openrouter/sdk';\nnew OpenRouter({ apiKey, timeoutMs: 30000 });` },
    { name: 'an OpenRouter class of another library', source: `import { OpenRouter } from 'other-lib';\nnew OpenRouter({ apiKey });` },
    {
      name: 'fetch with a signal',
      source: `fetch('${OPENROUTER}/chat/completions', { method: 'POST', signal: AbortSignal.timeout(10_000) });`,
    },
    { name: 'fetch with a shorthand signal', source: `fetch(\`${OPENROUTER}/chat/completions\`, { method: 'POST', signal });` },
    { name: 'fetch to another host', source: `fetch('https://api.example.com/v1/chat/completions', { method: 'POST' }); // openrouter` },
    { name: 'fetch to a URL the file does not know', source: `fetch(\`\${process.env.OPENROUTER_URL}/chat/completions\`, {});` },
    { name: 'fetch to another OpenRouter endpoint', source: `fetch('${OPENROUTER}/models');` },
  ];
  it.each(valid)('no finding: $name', async ({ source }) => {
    expect(await findingsOf(check, { 'src/a.ts': source })).toEqual([]);
  });

  const invalid: InvalidCase[] = [
    {
      name: 'an OpenAI client without a timeout',
      source: lines(`import OpenAI from 'openai';`, `export const client = new OpenAI({ baseURL: '${OPENROUTER}', apiKey });`),
      findings: [
        { line: 2, column: 23, message: NO_OPENAI_TIMEOUT, snippet: `export const client = new OpenAI({ baseURL: '${OPENROUTER}', apiKey });` },
      ],
    },
    {
      name: 'an OpenAI client with its baseURL in consts and retries off',
      source: lines(
        `const HOST = 'https://openrouter.ai';`,
        `const BASE_URL = HOST + '/api/v1';`,
        `const client = new OpenAI({ baseURL: BASE_URL, timeout: 5000, maxRetries: 0 });`,
      ),
      findings: [
        {
          line: 3,
          column: 16,
          message: noRetries('new OpenAI()'),
          snippet: 'const client = new OpenAI({ baseURL: BASE_URL, timeout: 5000, maxRetries: 0 });',
        },
      ],
    },
    {
      name: 'an @openrouter/sdk client with neither',
      source: lines(`import { OpenRouter } from '@openrouter/sdk';`, `const NO_RETRIES = 0;`, `const sdk = new OpenRouter({ apiKey, maxRetries: NO_RETRIES });`),
      findings: [
        { line: 3, column: 13, message: NO_OPENROUTER_TIMEOUT, snippet: 'const sdk = new OpenRouter({ apiKey, maxRetries: NO_RETRIES });' },
        { line: 3, column: 13, message: noRetries('new OpenRouter()'), snippet: 'const sdk = new OpenRouter({ apiKey, maxRetries: NO_RETRIES });' },
      ],
    },
    {
      name: 'an @openrouter/sdk client with no options',
      source: lines(`import { OpenRouter } from '@openrouter/sdk';`, `const sdk = new OpenRouter();`),
      findings: [{ line: 2, column: 13, message: NO_OPENROUTER_TIMEOUT, snippet: 'const sdk = new OpenRouter();' }],
    },
    {
      name: 'fetch without init, and with an init without a signal',
      source: lines(
        `const URL = '${OPENROUTER}/chat/completions';`,
        `await fetch(URL);`,
        `const init = { method: 'POST', headers, body: JSON.stringify(payload) };`,
        `  await fetch('https://eu.openrouter.ai/api/v1/chat/completions', init);`,
      ),
      findings: [
        { line: 2, column: 7, message: NO_SIGNAL, snippet: 'await fetch(URL);' },
        { line: 4, column: 9, message: NO_SIGNAL, snippet: `await fetch('https://eu.openrouter.ai/api/v1/chat/completions', init);` },
      ],
    },
  ];
  it.each(invalid)('finds: $name', async ({ source, findings }) => {
    expect(await findingsOf(check, { 'src/a.ts': source })).toEqual(
      findings.map((finding) => ({ severity: 'warn', file: 'src/a.ts', ...finding })),
    );
  });

  it('states its contract', () => {
    expect([check.id, check.title, check.category, check.kind, check.defaultSeverity]).toEqual([
      'client-resilience',
      'OpenRouter clients time out and retry',
      'reliability',
      'static',
      'warn',
    ]);
  });
});
