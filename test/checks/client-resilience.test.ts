import { describe, expect, it } from 'vitest';
import check from '../../src/checks/client-resilience.js';
import { outcomeOf } from '../../src/checks/outcome.js';
import { contextFor, findingsOf, workspaceOf } from '../support/workspace.js';

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
    {
      name: 'an @openrouter/sdk client with timeoutMs',
      source: `import { OpenRouter } from '@openrouter/sdk';\nnew OpenRouter({ apiKey, timeoutMs: 30000 });`,
    },
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
      findings: [{ line: 2, column: 23, message: NO_OPENAI_TIMEOUT, snippet: `export const client = new OpenAI({ baseURL: '${OPENROUTER}', apiKey });` }],
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
          // At the property that turns retries off (issue 15).
          line: 3,
          column: 63,
          message: noRetries('new OpenAI()'),
          snippet: 'const client = new OpenAI({ baseURL: BASE_URL, timeout: 5000, maxRetries: 0 });',
        },
      ],
    },
    {
      name: 'an @openrouter/sdk client with neither',
      source: lines(
        `import { OpenRouter } from '@openrouter/sdk';`,
        `const NO_RETRIES = 0;`,
        `const sdk = new OpenRouter({ apiKey, maxRetries: NO_RETRIES });`,
      ),
      findings: [
        { line: 3, column: 13, message: NO_OPENROUTER_TIMEOUT, snippet: 'const sdk = new OpenRouter({ apiKey, maxRetries: NO_RETRIES });' },
        { line: 3, column: 38, message: noRetries('new OpenRouter()'), snippet: 'const sdk = new OpenRouter({ apiKey, maxRetries: NO_RETRIES });' },
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
    {
      // Options the file does not show were given the benefit of the doubt; now the unresolved timeout is a warning (issue 15).
      name: 'options the file does not show',
      source: `function make(opts) { return new OpenAI({ baseURL: '${OPENROUTER}', ...opts }); }`,
      findings: [
        {
          line: 1,
          column: 30,
          message: 'cannot verify the timeout of new OpenAI() for OpenRouter: spread of `opts` could not be resolved (parameter `opts` of `make`)',
          snippet: `function make(opts) { return new OpenAI({ baseURL: '${OPENROUTER}', ...opts }); }`,
        },
      ],
    },
  ];
  it.each(invalid)('finds: $name', async ({ source, findings }) => {
    expect(await findingsOf(check, { 'src/a.ts': source })).toEqual(findings.map((finding) => ({ severity: 'warn', file: 'src/a.ts', ...finding })));
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

describe('client-resilience over the request inventory (issue 15)', () => {
  const cases: { name: string; files: Record<string, string>; findings: { at: string; message: string; severity?: string }[] }[] = [
    {
      name: 'requests.post with no timeout: requests never times out',
      files: { 'app/llm.py': `import requests\nr = requests.post("${OPENROUTER}/chat/completions", headers=headers, json=data)` },
      findings: [
        {
          at: 'app/llm.py:2:5',
          message:
            'requests.post() to OpenRouter sets no timeout, and requests never times out on its own, so a stalled request ties up its caller; add timeout=60',
        },
      ],
    },
    {
      name: 'requests.post with a timeout',
      files: { 'app/llm.py': `import requests\nrequests.post("${OPENROUTER}/chat/completions", json=data, timeout=30)` },
      findings: [],
    },
    {
      name: 'an OpenAI client in Python: at the client, not at each call',
      files: {
        'app/llm.py': lines(
          `from openai import OpenAI`,
          `client = OpenAI(base_url="${OPENROUTER}", max_retries=0)`,
          `client.chat.completions.create(model="a/b", messages=m)`,
          `client.chat.completions.create(model="a/b", messages=m)`,
        ),
      },
      findings: [
        { at: 'app/llm.py:2:10', message: 'OpenAI() for OpenRouter sets no timeout, so a stalled request can hang for minutes; add timeout=60' },
        { at: 'app/llm.py:2:58', message: noRetries('OpenAI()') },
      ],
    },
    {
      name: 'ky, httpx and aiohttp bound their requests themselves',
      files: {
        'src/a.ts': `await ky.post('${OPENROUTER}/chat/completions', { json: body });`,
        'app/llm.py': lines(
          `import aiohttp, httpx`,
          `httpx.post("${OPENROUTER}/chat/completions", json=body)`,
          `async def ask(session: aiohttp.ClientSession):`,
          `    await session.post("${OPENROUTER}/chat/completions", json=body)`,
        ),
      },
      findings: [],
    },
    {
      name: 'axios.post with no config',
      files: { 'src/a.ts': `await axios.post('${OPENROUTER}/chat/completions', body);` },
      findings: [
        {
          at: 'src/a.ts:1:7',
          message:
            'axios.post() to OpenRouter sets no timeout, and axios never times out on its own, so a stalled request ties up its caller; add timeout: 60_000 to the request config (or axios.create)',
        },
      ],
    },
    {
      name: 'generateText through createOpenRouter with no abortSignal',
      files: {
        'src/a.ts': lines(
          `import { createOpenRouter } from '@openrouter/ai-sdk-provider';`,
          `import { generateText } from 'ai';`,
          `const openrouter = createOpenRouter({ apiKey });`,
          `await generateText({ model: openrouter('a/b'), prompt });`,
          `await generateText({ model: openrouter('a/b'), prompt, abortSignal: AbortSignal.timeout(5000) });`,
        ),
      },
      findings: [
        {
          at: 'src/a.ts:4:7',
          message:
            'generateText() to OpenRouter sets no timeout, and the Vercel AI SDK never times out on its own, so a stalled request ties up its caller; add abortSignal: AbortSignal.timeout(60_000)',
        },
      ],
    },
    {
      name: 'a call through a client the analysis cannot follow, in a project that uses OpenRouter',
      files: {
        'src/a.ts': `await fetch('${OPENROUTER}/chat/completions', { signal, body: JSON.stringify({ model }) });`,
        'src/b.ts': `import { client } from 'somewhere';\nawait client.chat.completions.create({ model });`,
      },
      findings: [
        {
          at: 'src/b.ts:2:7',
          severity: 'warn',
          message:
            'cannot verify the timeout of chat.completions.create() (OpenAI SDK) to OpenRouter: its client is not built where the analysis can follow it',
        },
      ],
    },
  ];
  it.each(cases)('$name', async ({ files, findings }) => {
    const found = await findingsOf(check, files);
    expect(found.map(({ file, line, column, message, severity }) => ({ at: `${file}:${line}:${column}`, message, severity }))).toEqual(
      findings.map((finding) => ({ severity: 'warn', ...finding })),
    );
  });

  it('skips, with the reason, a project that sends nothing to OpenRouter', async () => {
    const workspace = workspaceOf({ 'src/a.ts': `export const add = (a: number, b: number) => a + b;`, 'app.py': `print("hi")` });
    expect(outcomeOf(await check.run(contextFor(check, workspace)))).toEqual({ findings: [], skipReason: 'no OpenRouter request found in 2 files' });
  });
});
