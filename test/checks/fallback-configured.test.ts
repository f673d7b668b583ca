import { describe, expect, it } from 'vitest';
import check from '../../src/checks/fallback-configured.js';
import { outcomeOf } from '../../src/checks/outcome.js';
import { contextFor, findingsOf, workspaceOf } from '../support/workspace.js';

/** Source lines joined with `\n`, so line numbers in the tables can be read off the array. */
const lines = (...source: string[]): string => source.join('\n');

const OPENROUTER = 'https://openrouter.ai/api/v1';
const CLIENT = lines(`import OpenAI from 'openai';`, `const client = new OpenAI({ baseURL: '${OPENROUTER}' });`);
const SDK = lines(`import { OpenRouter } from '@openrouter/sdk';`, `const sdk = new OpenRouter({ apiKey });`);

const SDK_FIX = "models: ['primary/model', 'fallback/model'] to the options (an OpenRouter extra field)";
const OPENROUTER_SDK_FIX = "models: ['primary/model', 'fallback/model'] to the request";
const HTTP_FIX = '"models": ["primary/model", "fallback/model"] to the JSON body';
const noFallback = (callee: string, style: string, fix: string): string =>
  `${callee} (${style}) names no fallback models, so an outage or rate limit of its one model fails the request; add ${fix}`;

interface InvalidCase {
  name: string;
  files: Record<string, string>;
  findings: { file: string; line: number; column: number; message: string; snippet: string }[];
}

describe('fallback-configured', () => {
  const valid: { name: string; source: string }[] = [
    { name: 'a models list', source: lines(CLIENT, `client.chat.completions.create({ models: ['a/b', 'c/d'], messages });`) },
    {
      name: 'models from a spread const',
      source: lines(CLIENT, `const routing = { models: FALLBACKS };`, `client.chat.completions.create({ ...routing, messages });`),
    },
    { name: 'provider.allow_fallbacks', source: lines(CLIENT, `client.chat.completions.create({ model, messages, provider: { allow_fallbacks: false } });`) },
    {
      name: 'a client of another provider',
      source: lines(`const client = new OpenAI({ baseURL: 'https://api.example.com' }); // openrouter`, `client.chat.completions.create({ model });`),
    },
    {
      name: 'a client whose baseURL is unknown',
      source: lines(`const client = new OpenAI({ baseURL: process.env.OPENROUTER_URL });`, `client.chat.completions.create({ model });`),
    },
    { name: 'a client the file does not construct', source: `export const ask = (openrouter) => openrouter.chat.completions.create({ model });` },
    { name: '@openrouter/sdk with models', source: lines(SDK, `sdk.chat.send({ chatRequest: { models: ['a/b', 'c/d'], messages } });`) },
    { name: '@openrouter/sdk with provider.allowFallbacks', source: lines(SDK, `sdk.chat.send({ model, messages, provider: { allowFallbacks: true } });`) },
    {
      name: 'fetch with models in the JSON body',
      source: `fetch('${OPENROUTER}/chat/completions', { method: 'POST', body: JSON.stringify({ models, messages }) });`,
    },
    { name: 'got with models under json', source: `got.post('${OPENROUTER}/chat/completions', { headers, json: { models, messages } });` },
    { name: 'fetch to another host', source: `fetch('https://api.example.com/chat/completions', { body: JSON.stringify({ model }) }); // openrouter` },
  ];
  it.each(valid)('no finding: $name', async ({ source }) => {
    expect(await findingsOf(check, { 'src/a.ts': source })).toEqual([]);
  });

  const invalid: InvalidCase[] = [
    {
      name: 'an OpenAI SDK call on an OpenRouter client',
      files: { 'src/a.ts': lines(CLIENT, `await client.chat.completions.create({ model: 'openai/gpt-4o', messages });`) },
      findings: [
        {
          file: 'src/a.ts',
          line: 3,
          column: 7,
          message: noFallback('chat.completions.create()', 'OpenAI SDK', SDK_FIX),
          snippet: "await client.chat.completions.create({ model: 'openai/gpt-4o', messages });",
        },
      ],
    },
    {
      name: 'a client imported from the project, its baseURL in a const there, in a class field',
      files: {
        'src/llm.ts': lines(`import OpenAI from 'openai';`, `const BASE = '${OPENROUTER}';`, `export const openrouter = new OpenAI({ baseURL: BASE });`),
        'src/service.ts': lines(
          `import { openrouter } from './llm.js';`,
          `export class Summarizer {`,
          `  private client = openrouter;`,
          `  run(messages) {`,
          `    const params = { model, messages, provider: { order: ['openai'] } };`,
          `    return this.client.chat.completions.create(params);`,
          `  }`,
          `}`,
        ),
      },
      findings: [
        {
          file: 'src/service.ts',
          line: 6,
          column: 12,
          message: noFallback('chat.completions.create()', 'OpenAI SDK', SDK_FIX),
          snippet: 'return this.client.chat.completions.create(params);',
        },
      ],
    },
    {
      name: '@openrouter/sdk, flat and wrapped',
      files: {
        'src/a.ts': lines(SDK, `sdk.chat.send({ model, messages });`, `sdk.chat.send({ chatRequest: { model, messages, provider: { order } } });`),
      },
      findings: [
        {
          file: 'src/a.ts',
          line: 3,
          column: 1,
          message: noFallback('chat.send()', '@openrouter/sdk', OPENROUTER_SDK_FIX),
          snippet: 'sdk.chat.send({ model, messages });',
        },
        {
          file: 'src/a.ts',
          line: 4,
          column: 1,
          message: noFallback('chat.send()', '@openrouter/sdk', OPENROUTER_SDK_FIX),
          snippet: 'sdk.chat.send({ chatRequest: { model, messages, provider: { order } } });',
        },
      ],
    },
    {
      name: 'fetch and axios to OpenRouter',
      files: {
        'src/a.js': lines(
          `const URL = \`\${'https://openrouter.ai'}/api/v1/chat/completions\`;`,
          `const body = { model, messages };`,
          `await fetch(URL, { method: 'POST', body: JSON.stringify(body) });`,
          `await axios.post(URL, { model, messages }, { headers });`,
        ),
      },
      findings: [
        {
          file: 'src/a.js',
          line: 3,
          column: 7,
          message: noFallback('fetch()', 'raw HTTP', HTTP_FIX),
          snippet: "await fetch(URL, { method: 'POST', body: JSON.stringify(body) });",
        },
        {
          file: 'src/a.js',
          line: 4,
          column: 7,
          message: noFallback('axios.post()', 'raw HTTP', HTTP_FIX),
          snippet: 'await axios.post(URL, { model, messages }, { headers });',
        },
      ],
    },
    // Both were silent passes before issue 15: a property the code does not show is now a warning saying what is unknown.
    {
      name: 'options the file does not show',
      files: { 'src/a.ts': lines(CLIENT, `export const ask = (opts) => client.chat.completions.create({ ...opts, model });`) },
      findings: [
        {
          file: 'src/a.ts',
          line: 3,
          column: 30,
          message:
            'cannot verify the fallback models of chat.completions.create() (OpenAI SDK): spread of `opts` could not be resolved (parameter `opts` of `ask`)',
          snippet: 'export const ask = (opts) => client.chat.completions.create({ ...opts, model });',
        },
      ],
    },
    {
      name: 'fetch with a body the file cannot read',
      files: { 'src/a.ts': `fetch('${OPENROUTER}/chat/completions', { method: 'POST', body: text });` },
      findings: [
        {
          file: 'src/a.ts',
          line: 1,
          column: 1,
          message: 'cannot verify the fallback models of fetch() (raw HTTP): the body is not JSON.stringify(...) of an object the code shows',
          snippet: `fetch('${OPENROUTER}/chat/completions', { method: 'POST', body: text });`,
        },
      ],
    },
  ];
  it.each(invalid)('finds: $name', async ({ files, findings }) => {
    expect(await findingsOf(check, files)).toEqual(findings.map((finding) => ({ severity: 'warn', ...finding })));
  });

  it('follows a client imported into a file that never names OpenRouter', async () => {
    const findings = await findingsOf(check, {
      'src/ai.ts': lines(`import OpenAI from 'openai';`, `export const ai = new OpenAI({ baseURL: '${OPENROUTER}' });`),
      'src/routes/summary.ts': lines(`import { ai } from '../ai.js';`, `export const summary = (messages) => ai.chat.completions.create({ model, messages });`),
    });
    expect(findings.map(({ file, line, column }) => [file, line, column])).toEqual([['src/routes/summary.ts', 2, 38]]);
  });

  it('follows a client assigned in the constructor, and got options', async () => {
    const source = lines(
      `import OpenAI from 'openai';`,
      `class Bot {`,
      `  constructor() { this.ai = new OpenAI({ baseURL: '${OPENROUTER}' }); }`,
      `  ask() { return this.ai.chat.completions.create({ model, messages }); }`,
      `}`,
      `got.post('${OPENROUTER}/chat/completions', { json: { model, messages } });`,
    );
    const findings = await findingsOf(check, { 'src/a.js': source });
    expect(findings.map(({ line, column, message }) => [line, column, message])).toEqual([
      [4, 18, noFallback('chat.completions.create()', 'OpenAI SDK', SDK_FIX)],
      [6, 1, noFallback('got.post()', 'raw HTTP', HTTP_FIX)],
    ]);
  });

  it('passes when the config lists fallbacks the app reads', async () => {
    const workspace = workspaceOf({ 'src/a.ts': lines(CLIENT, `client.chat.completions.create({ model, messages });`) });
    const context = contextFor(check, workspace, { models: { fallbacks: ['x/y'], required: [] } });
    expect(outcomeOf(await check.run(context))).toEqual({ findings: [], summary: 'fallbacks come from the config (models.fallbacks: x/y)' });
  });

  it('states its contract', () => {
    expect([check.id, check.title, check.category, check.kind, check.defaultSeverity]).toEqual([
      'fallback-configured',
      'Completion requests name fallback models',
      'reliability',
      'static',
      'warn',
    ]);
  });
});

describe('fallback-configured over the request inventory (issue 15)', () => {
  const cases: { name: string; files: Record<string, string>; findings: { at: string; message: string }[] }[] = [
    {
      name: 'requests.post with no models',
      files: { 'app/llm.py': `import requests\nr = requests.post("${OPENROUTER}/chat/completions", headers=headers, json={"model": "a/b"})` },
      findings: [{ at: 'app/llm.py:2:5', message: noFallback('requests.post()', 'raw HTTP', HTTP_FIX) }],
    },
    {
      name: 'requests.post with models',
      files: { 'app/llm.py': `import requests\nrequests.post("${OPENROUTER}/chat/completions", json={"models": ["a/b", "c/d"]})` },
      findings: [],
    },
    {
      name: 'an OpenAI client in Python, with and without extra_body models',
      files: {
        'app/llm.py': lines(
          `from openai import OpenAI`,
          `client = OpenAI(base_url="${OPENROUTER}")`,
          `client.chat.completions.create(model="a/b", messages=m)`,
          `client.chat.completions.create(model="a/b", messages=m, extra_body={"models": ["a/b", "c/d"]})`,
        ),
      },
      findings: [
        {
          at: 'app/llm.py:3:1',
          message: noFallback('chat.completions.create()', 'OpenAI SDK', 'extra_body={"models": ["primary/model", "fallback/model"]}'),
        },
      ],
    },
    {
      name: 'LangChain ChatOpenAI with configuration.baseURL',
      files: {
        'src/a.ts': lines(
          `import { ChatOpenAI } from '@langchain/openai';`,
          `export const model = new ChatOpenAI({ model: 'a/b', configuration: { baseURL: '${OPENROUTER}' } });`,
        ),
      },
      findings: [{ at: 'src/a.ts:2:22', message: noFallback('new ChatOpenAI()', 'LangChain', "modelKwargs: { models: ['primary/model', 'fallback/model'] }") }],
    },
  ];
  it.each(cases)('$name', async ({ files, findings }) => {
    const found = await findingsOf(check, files);
    expect(found.map(({ file, line, column, message }) => ({ at: `${file}:${line}:${column}`, message }))).toEqual(findings);
  });

  it('skips, with the reason, a project that sends nothing to OpenRouter', async () => {
    const workspace = workspaceOf({ 'src/a.ts': `export const add = (a: number, b: number) => a + b;` });
    expect(outcomeOf(await check.run(contextFor(check, workspace)))).toEqual({ findings: [], skipReason: 'no OpenRouter request found in 1 file' });
  });
});
