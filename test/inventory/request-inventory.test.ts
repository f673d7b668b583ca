import { describe, expect, it } from 'vitest';
import { requestInventory } from '../../src/inventory/request-inventory.js';
import type { RequestSite } from '../../src/inventory/request-site.js';
import { workspaceOf } from '../support/workspace.js';

/** Source lines joined with `\n`, so line numbers in the tables can be read off the array. */
const lines = (...source: string[]): string => source.join('\n');

const OR = 'https://openrouter.ai/api/v1';

/** What the table compares: the site's style and where it goes, and each property's kind. */
function summary(site: RequestSite): Record<string, string | number> {
  return {
    at: `${site.location.file}:${site.location.line}:${site.location.column}`,
    style: site.clientStyle,
    callee: site.callee,
    target: site.target.kind,
    cap: site.outputCap?.kind ?? 'not read',
    timeout: site.client && site.timeout.kind !== 'set' ? `client ${site.client.timeout.kind}` : site.timeout.kind,
    fallbacks: site.fallbacks.kind,
    referer: site.client && site.attribution.referer.kind !== 'set' ? `client ${site.client.attribution.referer.kind}` : site.attribution.referer.kind,
  };
}

interface Case {
  name: string;
  files: Record<string, string>;
  sites: Record<string, string | number>[];
}

const cases: Case[] = [
  // TypeScript and JavaScript
  {
    name: 'OpenAI SDK with baseURL, timeout and headers',
    files: {
      'src/a.ts': lines(
        `import OpenAI from 'openai';`,
        `const client = new OpenAI({ baseURL: '${OR}', timeout: 30_000, defaultHeaders: { 'HTTP-Referer': 'https://x.app', 'X-Title': 'X' } });`,
        `await client.chat.completions.create({ model: 'a/b', messages, max_tokens: 10, models: ['a/b', 'c/d'] });`,
      ),
    },
    sites: [
      {
        at: 'src/a.ts:3:7',
        style: 'openai-sdk',
        callee: 'chat.completions.create()',
        target: 'openrouter',
        cap: 'capped',
        timeout: 'client set',
        fallbacks: 'set',
        referer: 'client set',
      },
    ],
  },
  {
    name: 'OpenAI SDK responses through a bare client',
    files: {
      'src/a.ts': lines(
        `import OpenAI from 'openai';`,
        `const client = new OpenAI({ baseURL: '${OR}' });`,
        `await client.responses.create({ model: 'a/b', input });`,
      ),
    },
    sites: [
      {
        at: 'src/a.ts:3:7',
        style: 'openai-sdk',
        callee: 'responses.create()',
        target: 'openrouter',
        cap: 'not-capped',
        timeout: 'client absent',
        fallbacks: 'absent',
        referer: 'client absent',
      },
    ],
  },
  {
    name: 'axios.post with no config',
    files: { 'src/a.ts': `await axios.post('${OR}/chat/completions', { model: 'a/b', messages });` },
    sites: [
      {
        at: 'src/a.ts:1:7',
        style: 'axios',
        callee: 'axios.post()',
        target: 'openrouter',
        cap: 'not-capped',
        timeout: 'absent',
        fallbacks: 'absent',
        referer: 'absent',
      },
    ],
  },
  {
    name: 'an axios instance made with axios.create({ baseURL })',
    files: {
      'src/a.ts': lines(
        `import axios from 'axios';`,
        `const api = axios.create({ baseURL: '${OR}' });`,
        `await api.post('/chat/completions', { model: 'a/b', messages, max_tokens: 5 }, { timeout: 5000 });`,
      ),
    },
    sites: [
      { at: 'src/a.ts:3:7', style: 'axios', callee: 'api.post()', target: 'openrouter', cap: 'capped', timeout: 'set', fallbacks: 'absent', referer: 'absent' },
    ],
  },
  {
    name: 'fetch with a signal and headers',
    files: {
      'src/a.ts': `await fetch('${OR}/chat/completions', { method: 'POST', signal, headers: { 'HTTP-Referer': 'x', 'X-Title': 'y' }, body: JSON.stringify({ model: 'a/b', max_tokens: 9 }) });`,
    },
    sites: [
      { at: 'src/a.ts:1:7', style: 'fetch', callee: 'fetch()', target: 'openrouter', cap: 'capped', timeout: 'set', fallbacks: 'absent', referer: 'set' },
    ],
  },
  {
    name: 'Vercel AI SDK with createOpenRouter',
    files: {
      'src/a.ts': lines(
        `import { createOpenRouter } from '@openrouter/ai-sdk-provider';`,
        `import { generateText } from 'ai';`,
        `const openrouter = createOpenRouter({ apiKey: process.env.OPENROUTER_API_KEY });`,
        `await generateText({ model: openrouter('a/b'), prompt });`,
      ),
    },
    sites: [
      {
        at: 'src/a.ts:4:7',
        style: 'vercel-ai-sdk',
        callee: 'generateText()',
        target: 'openrouter',
        cap: 'not-capped',
        timeout: 'absent',
        fallbacks: 'absent',
        referer: 'absent',
      },
    ],
  },
  {
    name: 'Vercel AI SDK with createOpenAI({ baseURL }) elsewhere',
    files: {
      'src/a.ts': lines(
        `import { createOpenAI } from '@ai-sdk/openai';`,
        `import { generateText } from 'ai';`,
        `const provider = createOpenAI({ baseURL: 'https://api.example.com/v1' });`,
        `await generateText({ model: provider('a'), prompt, maxOutputTokens: 5 });`,
      ),
    },
    sites: [
      {
        at: 'src/a.ts:4:7',
        style: 'vercel-ai-sdk',
        callee: 'generateText()',
        target: 'other',
        cap: 'capped',
        timeout: 'absent',
        fallbacks: 'absent',
        referer: 'absent',
      },
    ],
  },
  {
    name: 'LangChain ChatOpenAI with configuration.baseURL',
    files: {
      'src/a.ts': lines(
        `import { ChatOpenAI } from '@langchain/openai';`,
        `const model = new ChatOpenAI({ model: 'a/b', timeout: 10_000, configuration: { baseURL: '${OR}' } });`,
      ),
    },
    sites: [
      {
        at: 'src/a.ts:2:15',
        style: 'langchain',
        callee: 'new ChatOpenAI()',
        target: 'openrouter',
        cap: 'not-capped',
        timeout: 'set',
        fallbacks: 'absent',
        referer: 'absent',
      },
    ],
  },
  {
    name: '@openrouter/sdk with timeoutMs and attribution options',
    files: {
      'src/a.ts': lines(
        `import { OpenRouter } from '@openrouter/sdk';`,
        `const sdk = new OpenRouter({ apiKey, timeoutMs: 30_000, httpReferer: 'https://x.app', appTitle: 'X' });`,
        `await sdk.chat.send({ chatRequest: { model: 'a/b', messages, maxCompletionTokens: 5 } });`,
      ),
    },
    sites: [
      {
        at: 'src/a.ts:3:7',
        style: 'openrouter-sdk',
        callee: 'chat.send()',
        target: 'openrouter',
        cap: 'capped',
        timeout: 'client set',
        fallbacks: 'absent',
        referer: 'client set',
      },
    ],
  },
  {
    name: 'got with options, ky with its own timeout',
    files: {
      'src/a.ts': lines(
        `await got.post('${OR}/chat/completions', { json: { model: 'a/b', models: ['a/b', 'c/d'] }, timeout: { request: 5000 } });`,
        `await ky.post('${OR}/chat/completions', { json: { model: 'a/b' } });`,
      ),
    },
    sites: [
      { at: 'src/a.ts:1:7', style: 'got', callee: 'got.post()', target: 'openrouter', cap: 'not-capped', timeout: 'set', fallbacks: 'set', referer: 'absent' },
      {
        at: 'src/a.ts:2:7',
        style: 'ky',
        callee: 'ky.post()',
        target: 'openrouter',
        cap: 'not-capped',
        timeout: 'absent',
        fallbacks: 'absent',
        referer: 'absent',
      },
    ],
  },
  // Python
  {
    name: 'an aiohttp session',
    files: {
      'app/llm.py': lines(
        `import aiohttp`,
        `async def ask(body):`,
        `    async with aiohttp.ClientSession() as session:`,
        `        async with session.post("${OR}/chat/completions", json={"model": "a/b", "max_tokens": 5}) as r:`,
        `            return await r.json()`,
      ),
    },
    sites: [
      {
        at: 'app/llm.py:4:20',
        style: 'py-aiohttp',
        callee: 'session.post()',
        target: 'openrouter',
        cap: 'capped',
        timeout: 'absent',
        fallbacks: 'absent',
        referer: 'absent',
      },
    ],
  },
  {
    name: 'requests.post with no timeout, fallbacks or headers',
    files: {
      'app/llm.py': lines(
        `import requests`,
        `headers = {"Authorization": f"Bearer {KEY}"}`,
        `data = {"model": "a/b", "messages": messages}`,
        `r = requests.post("${OR}/chat/completions", headers=headers, json=data)`,
      ),
    },
    sites: [
      {
        at: 'app/llm.py:4:5',
        style: 'py-requests',
        callee: 'requests.post()',
        target: 'openrouter',
        cap: 'not-capped',
        timeout: 'absent',
        fallbacks: 'absent',
        referer: 'absent',
      },
    ],
  },
  {
    name: 'httpx AsyncClient(base_url=…) with stream and request',
    files: {
      'app/llm.py': lines(
        `import httpx`,
        `client = httpx.AsyncClient(base_url="${OR}", timeout=30)`,
        `async def ask(body):`,
        `    async with client.stream("POST", "/chat/completions", json={"model": "a/b", "max_tokens": 5, "models": ["a/b", "c/d"]}) as r:`,
        `        pass`,
        `    return await client.request("POST", "/chat/completions", json={"model": "a/b"}, headers={"HTTP-Referer": "x", "X-Title": "y"})`,
      ),
    },
    sites: [
      {
        at: 'app/llm.py:4:16',
        style: 'py-httpx',
        callee: 'client.stream()',
        target: 'openrouter',
        cap: 'capped',
        timeout: 'client set',
        fallbacks: 'set',
        referer: 'client absent',
      },
      {
        at: 'app/llm.py:6:18',
        style: 'py-httpx',
        callee: 'client.request()',
        target: 'openrouter',
        cap: 'not-capped',
        timeout: 'client set',
        fallbacks: 'absent',
        referer: 'set',
      },
    ],
  },
  {
    name: 'OpenAI SDK, sync and async, with_options',
    files: {
      'app/llm.py': lines(
        `from openai import OpenAI, AsyncOpenAI`,
        `client = OpenAI(base_url="${OR}", api_key=KEY)`,
        `aclient = AsyncOpenAI(base_url="https://api.example.com/v1", timeout=20)`,
        `client.with_options(timeout=5).chat.completions.create(model="a/b", messages=m, max_tokens=5)`,
        `client.chat.completions.create(model="a/b", messages=m, extra_body={"models": ["a/b", "c/d"]})`,
        `await aclient.chat.completions.create(model="a/b", messages=m)`,
      ),
    },
    sites: [
      {
        at: 'app/llm.py:4:1',
        style: 'py-openai-sdk',
        callee: 'chat.completions.create()',
        target: 'openrouter',
        cap: 'capped',
        timeout: 'client set',
        fallbacks: 'absent',
        referer: 'client absent',
      },
      {
        at: 'app/llm.py:5:1',
        style: 'py-openai-sdk',
        callee: 'chat.completions.create()',
        target: 'openrouter',
        cap: 'not-capped',
        timeout: 'client absent',
        fallbacks: 'set',
        referer: 'client absent',
      },
      {
        at: 'app/llm.py:6:7',
        style: 'py-openai-sdk',
        callee: 'chat.completions.create()',
        target: 'other',
        cap: 'not-capped',
        timeout: 'client set',
        fallbacks: 'absent',
        referer: 'client absent',
      },
    ],
  },
  {
    name: 'LangChain ChatOpenAI with openai_api_base, and ChatOpenRouter',
    files: {
      'app/llm.py': lines(
        `from langchain_openai import ChatOpenAI`,
        `from langchain_openrouter import ChatOpenRouter`,
        `a = ChatOpenAI(model="a/b", openai_api_base="${OR}", timeout=30, max_tokens=5)`,
        `b = ChatOpenRouter(model="a/b", default_headers={"HTTP-Referer": "x", "X-Title": "y"})`,
      ),
    },
    sites: [
      {
        at: 'app/llm.py:3:5',
        style: 'py-langchain',
        callee: 'ChatOpenAI()',
        target: 'openrouter',
        cap: 'capped',
        timeout: 'set',
        fallbacks: 'absent',
        referer: 'absent',
      },
      {
        at: 'app/llm.py:4:5',
        style: 'py-langchain',
        callee: 'ChatOpenRouter()',
        target: 'openrouter',
        cap: 'not-capped',
        timeout: 'absent',
        fallbacks: 'absent',
        referer: 'set',
      },
    ],
  },
  {
    name: 'LiteLLM completion with an openrouter/ model',
    files: {
      'app/llm.py': lines(`from litellm import completion`, `completion(model="openrouter/a/b", messages=m, timeout=30, fallbacks=["openrouter/c/d"])`),
    },
    sites: [
      {
        at: 'app/llm.py:2:1',
        style: 'py-litellm',
        callee: 'completion()',
        target: 'openrouter',
        cap: 'not-capped',
        timeout: 'set',
        fallbacks: 'set',
        referer: 'absent',
      },
    ],
  },
];

describe('the request inventory', () => {
  it.each(cases)('$name', async ({ files, sites }) => {
    const inventory = await requestInventory(workspaceOf(files));
    expect(inventory.failures).toEqual([]);
    expect(inventory.requests.map(summary)).toEqual(sites);
  });

  it('is built once per workspace, whoever asks', async () => {
    const workspace = workspaceOf({ 'app.py': `import requests\nrequests.post("${OR}/chat/completions", json={})` });
    const [first, second] = await Promise.all([requestInventory(workspace), requestInventory(workspace)]);
    expect(first).toBe(second);
    expect(first.codeFiles).toBe(1);
  });
});

describe('LiteLLM and CrewAI models that reach OpenRouter', () => {
  it.each([
    {
      name: 'an os.getenv default',
      source: `import os\nfrom litellm import completion\nMODEL = os.getenv("MODEL_NAME", "openrouter/a/b")\ncompletion(model=MODEL, messages=m)`,
    },
    { name: 'an os.environ.get default', source: `import os\nimport litellm\nlitellm.completion(model=os.environ.get("MODEL", "openrouter/a/b"), messages=m)` },
    { name: "CrewAI's LLM", source: `from crewai import LLM\nllm = LLM(model="openrouter/a/b", temperature=0)` },
  ])('$name', async ({ source }) => {
    const inventory = await requestInventory(workspaceOf({ 'app.py': source }));
    expect(inventory.requests.map((site) => [site.clientStyle, site.target.kind, site.outputCap?.kind])).toEqual([['py-litellm', 'openrouter', 'not-capped']]);
  });

  it('leaves out a LiteLLM model of another provider', async () => {
    const inventory = await requestInventory(workspaceOf({ 'app.py': `from crewai import LLM\nllm = LLM(model="gpt-4o")  # not openrouter` }));
    expect(inventory.requests).toEqual([]);
  });
});

describe('one level of project helper that forwards its arguments (Python)', () => {
  it('makes each call of the helper with a completion URL a request, with the caller body and the helper post timeout', async () => {
    const source = lines(
      `import requests`,
      `URL = "${OR}/chat/completions"`,
      `def _request_with_retry(url, payload, retries=3):`,
      `    for _ in range(retries):`,
      `        r = requests.post(url, json=payload, headers=HEADERS)`,
      `        if r.ok:`,
      `            return r.json()`,
      `def ask(prompt):`,
      `    return _request_with_retry(URL, {"model": "a/b", "messages": [prompt]})`,
      `def ask_capped(prompt):`,
      `    return _request_with_retry(URL, {"model": "a/b", "max_tokens": 5, "models": ["a/b", "c/d"]})`,
      `def health():`,
      `    return _request_with_retry("https://status.example/ping", {})`,
    );
    const inventory = await requestInventory(workspaceOf({ 'app/llm.py': source }));
    expect(inventory.requests.map(summary)).toEqual([
      {
        at: 'app/llm.py:9:12',
        style: 'py-requests',
        callee: '_request_with_retry()',
        target: 'openrouter',
        cap: 'not-capped',
        timeout: 'absent',
        fallbacks: 'absent',
        referer: 'unknown',
      },
      {
        at: 'app/llm.py:11:12',
        style: 'py-requests',
        callee: '_request_with_retry()',
        target: 'openrouter',
        cap: 'capped',
        timeout: 'absent',
        fallbacks: 'set',
        referer: 'unknown',
      },
    ]);
  });
});

describe("a client's key source", () => {
  it.each([
    {
      file: 'src/a.ts',
      source: `import OpenAI from 'openai';\nconst KEY = process.env.OPENROUTER_API_KEY;\nnew OpenAI({ baseURL: '${OR}', apiKey: KEY });`,
      keySource: 'environment variable OPENROUTER_API_KEY',
    },
    {
      file: 'src/a.ts',
      source: `import OpenAI from 'openai';\nnew OpenAI({ baseURL: '${OR}', apiKey: 'not-a-real-key' });`,
      keySource: 'a string in the code',
    },
    {
      file: 'app.py',
      source: `import os\nfrom openai import OpenAI\nOpenAI(base_url="${OR}", api_key=os.getenv("OR_KEY"))`,
      keySource: 'environment variable OR_KEY',
    },
    {
      file: 'app.py',
      source: `import os\nfrom openai import OpenAI\nOpenAI(base_url="${OR}", api_key=os.environ["OPENROUTER_API_KEY"])`,
      keySource: 'environment variable OPENROUTER_API_KEY',
    },
    {
      file: 'app.py',
      source: `import os\nfrom openai import OpenAI\nOpenAI(base_url="${OR}", api_key=os.environ.get("OR_KEY"))`,
      keySource: 'environment variable OR_KEY',
    },
  ])('$keySource in $file', async ({ file, source, keySource }) => {
    const inventory = await requestInventory(workspaceOf({ [file]: source }));
    expect(inventory.clients.map((client) => client.keySource)).toEqual([keySource]);
  });
});
