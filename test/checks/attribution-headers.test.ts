import { describe, expect, it } from 'vitest';
import check from '../../src/checks/attribution-headers.js';
import { outcomeOf } from '../../src/checks/outcome.js';
import { contextFor, findingsOf, workspaceOf } from '../support/workspace.js';

/** Source lines joined with `\n`, so line numbers in the tables can be read off the array. */
const lines = (...source: string[]): string => source.join('\n');

const OPENROUTER = 'https://openrouter.ai/api/v1';
const SDK_IMPORT = `import { OpenRouter } from '@openrouter/sdk';`;
const REFERER = "'HTTP-Referer': 'https://your.app'";
const TITLE = "'X-OpenRouter-Title': 'Your App'";

const message = (sender: string, missing: string, fix: string): string =>
  `${sender} to OpenRouter sends ${missing}, so OpenRouter cannot attribute its requests to your app; add ${fix}`;
const BOTH = 'no HTTP-Referer and no title header';
const NO_REFERER = 'no HTTP-Referer header';
const NO_TITLE = 'no title header (X-OpenRouter-Title)';

interface InvalidCase {
  name: string;
  source: string;
  findings: { line: number; column: number; message: string; snippet: string }[];
}

describe('attribution-headers', () => {
  const valid: { name: string; files: Record<string, string> }[] = [
    {
      name: 'an OpenAI client with both headers',
      files: { 'src/a.ts': `new OpenAI({ baseURL: '${OPENROUTER}', defaultHeaders: { 'HTTP-Referer': site, 'X-OpenRouter-Title': 'App' } });` },
    },
    {
      name: 'header names in any case, the older X-Title, from a const',
      files: {
        'src/a.ts': lines(
          `const HEADERS = { 'http-referer': 'https://app.example', 'x-title': 'App' };`,
          `new OpenAI({ baseURL: '${OPENROUTER}', defaultHeaders: HEADERS });`,
        ),
      },
    },
    { name: 'a client of another provider', files: { 'src/a.ts': `new OpenAI({ baseURL: 'https://api.example.com/v1' }); // openrouter` } },
    { name: 'a client whose baseURL is unknown', files: { 'src/a.ts': `new OpenAI({ baseURL: process.env.OPENROUTER_BASE_URL });` } },
    {
      name: '@openrouter/sdk with its options',
      files: { 'src/a.ts': lines(SDK_IMPORT, `new OpenRouter({ apiKey, httpReferer: 'https://app.example', appTitle: 'App' });`) },
    },
    {
      name: '@openrouter/sdk with its environment variables',
      files: { 'src/a.ts': lines(SDK_IMPORT, `new OpenRouter({ apiKey });`), '.env.example': 'OPENROUTER_HTTP_REFERER=\nOPENROUTER_APP_TITLE=\n' },
    },
    {
      name: 'fetch with both headers, in a Headers object',
      files: {
        'src/a.ts': `fetch('${OPENROUTER}/chat/completions', { headers: new Headers({ 'HTTP-REFERER': u, 'X-OpenRouter-Title': t }) });`,
      },
    },
    {
      name: 'got with both headers in its options',
      files: { 'src/a.ts': `got.post('${OPENROUTER}/chat/completions', { headers: { 'HTTP-Referer': u, 'X-Title': t }, json: body });` },
    },
    { name: 'fetch to another host', files: { 'src/a.ts': `fetch('https://api.example.com/chat/completions', {}); // openrouter` } },
  ];
  it.each(valid)('no finding: $name', async ({ files }) => {
    expect(await findingsOf(check, files)).toEqual([]);
  });

  const invalid: InvalidCase[] = [
    {
      name: 'an OpenAI client without defaultHeaders, its baseURL in a const',
      source: lines(`import OpenAI from 'openai';`, `const BASE_URL = '${OPENROUTER}';`, `export const client = new OpenAI({ baseURL: BASE_URL });`),
      findings: [
        {
          line: 3,
          column: 23,
          message: message('new OpenAI()', BOTH, `defaultHeaders: { ${REFERER}, ${TITLE} }`),
          snippet: 'export const client = new OpenAI({ baseURL: BASE_URL });',
        },
      ],
    },
    {
      name: 'an OpenAI client with only a title',
      source: `const c = new OpenAI({ baseURL: '${OPENROUTER}', defaultHeaders: { 'X-Title': 'App' } });`,
      findings: [
        {
          line: 1,
          column: 11,
          message: message('new OpenAI()', NO_REFERER, `defaultHeaders: { ${REFERER} }`),
          snippet: `const c = new OpenAI({ baseURL: '${OPENROUTER}', defaultHeaders: { 'X-Title': 'App' } });`,
        },
      ],
    },
    {
      name: '@openrouter/sdk without appTitle',
      source: lines(SDK_IMPORT, `const sdk = new OpenRouter({ apiKey, httpReferer: 'https://app.example' });`),
      findings: [
        {
          line: 2,
          column: 13,
          message: message('new OpenRouter()', NO_TITLE, "appTitle: 'Your App'"),
          snippet: "const sdk = new OpenRouter({ apiKey, httpReferer: 'https://app.example' });",
        },
      ],
    },
    {
      name: 'fetch without headers, and axios with only a referer in lower case',
      source: lines(
        `const URL = '${OPENROUTER}/chat/completions';`,
        `await fetch(URL, { method: 'POST', body });`,
        `await axios.post(URL, payload, { headers: { Authorization, 'http-referer': site } });`,
      ),
      findings: [
        {
          line: 2,
          column: 7,
          message: message('fetch()', BOTH, `headers: { ${REFERER}, ${TITLE} }`),
          snippet: "await fetch(URL, { method: 'POST', body });",
        },
        {
          line: 3,
          column: 7,
          message: message('axios.post()', NO_TITLE, `headers: { ${TITLE} }`),
          snippet: "await axios.post(URL, payload, { headers: { Authorization, 'http-referer': site } });",
        },
      ],
    },
    {
      // A silent pass before issue 15: headers the code does not show are a warning saying so.
      name: 'headers the file does not show',
      source: `new OpenAI({ baseURL: '${OPENROUTER}', defaultHeaders: { ...extraHeaders(), 'HTTP-Referer': site } });`,
      findings: [
        {
          line: 1,
          column: 1,
          message: 'cannot verify the attribution headers new OpenAI() sends to OpenRouter: the headers are not all known',
          snippet: `new OpenAI({ baseURL: '${OPENROUTER}', defaultHeaders: { ...extraHeaders(), 'HTTP-Referer': site } });`,
        },
      ],
    },
  ];
  it.each(invalid)('finds: $name', async ({ source, findings }) => {
    expect(await findingsOf(check, { 'src/a.ts': source })).toEqual(findings.map((finding) => ({ severity: 'warn', file: 'src/a.ts', ...finding })));
  });

  it('states its contract', () => {
    expect([check.id, check.title, check.category, check.kind, check.defaultSeverity]).toEqual([
      'attribution-headers',
      'Requests to OpenRouter say which app sends them',
      'reliability',
      'static',
      'warn',
    ]);
  });
});

describe('attribution-headers over the request inventory (issue 15)', () => {
  const cases: { name: string; files: Record<string, string>; findings: { at: string; message: string }[] }[] = [
    {
      name: 'requests.post without attribution headers',
      files: {
        'app/llm.py': `import requests\nheaders = {"Authorization": "Bearer x"}\nr = requests.post("${OPENROUTER}/chat/completions", headers=headers, json=data)`,
      },
      findings: [
        {
          at: 'app/llm.py:3:5',
          message: message('requests.post()', BOTH, 'headers={"HTTP-Referer": "https://your.app", "X-OpenRouter-Title": "Your App"}'),
        },
      ],
    },
    {
      name: 'requests.post with both headers',
      files: { 'app/llm.py': `import requests\nrequests.post("${OPENROUTER}/chat/completions", headers={"HTTP-Referer": "x", "X-Title": "y"}, json=data)` },
      findings: [],
    },
    {
      name: 'an OpenAI client in Python with only a referer',
      files: { 'app/llm.py': `from openai import OpenAI\nclient = OpenAI(base_url="${OPENROUTER}", default_headers={"HTTP-Referer": "x"})` },
      findings: [{ at: 'app/llm.py:2:10', message: message('OpenAI()', NO_TITLE, 'default_headers={"X-OpenRouter-Title": "Your App"}') }],
    },
    {
      name: 'LiteLLM with OR_SITE_URL and OR_APP_NAME in the environment',
      files: {
        'app/llm.py': `from litellm import completion\ncompletion(model="openrouter/a/b", messages=m)`,
        '.env.example': 'OR_SITE_URL=https://x.app\nOR_APP_NAME=X',
      },
      findings: [],
    },
  ];
  it.each(cases)('$name', async ({ files, findings }) => {
    const found = await findingsOf(check, files);
    expect(found.map(({ file, line, column, message }) => ({ at: `${file}:${line}:${column}`, message }))).toEqual(findings);
  });

  it('skips, with the reason, a project that sends nothing to OpenRouter', async () => {
    const workspace = workspaceOf({ 'app.py': `print("hi")` });
    expect(outcomeOf(await check.run(contextFor(check, workspace)))).toEqual({ findings: [], skipReason: 'no OpenRouter request found in 1 file' });
  });
});
