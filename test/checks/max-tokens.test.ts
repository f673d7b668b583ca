import { describe, expect, it } from 'vitest';
import check from '../../src/checks/max-tokens.js';
import { outcomeOf } from '../../src/checks/outcome.js';
import type { Finding, Severity } from '../../src/checks/types.js';
import { contextFor, findingsOf, workspaceOf } from '../support/workspace.js';

/** Source lines joined with `\n`, so line numbers in the tables can be read off the array. */
const lines = (...source: string[]): string => source.join('\n');

const CHAT = 'chat.completions.create()';
const SDK_FIX = 'add max_tokens: 1024';
const HTTP_FIX = 'add "max_tokens": 1024 to the JSON body';
const RESPONSES_HTTP_FIX = 'add "max_output_tokens": 1024 to the JSON body';
const OPENROUTER_SDK = '@openrouter/sdk';
const OPENROUTER_SDK_FIX = 'add maxCompletionTokens: 1024';
const AI_SDK = 'Vercel AI SDK';
const AI_SDK_FIX = 'add maxOutputTokens: 1024 (maxTokens on AI SDK v4)';
const LANGCHAIN = 'LangChain';
const LANGCHAIN_FIX = 'add maxTokens: 1024';

const uncapped = (callee: string, style = 'OpenAI SDK', fix = SDK_FIX): string => `${callee} sends no output cap (${style}); ${fix}`;
const unverified = (callee: string, reason: string, style = 'OpenAI SDK'): string => `cannot verify the output cap of ${callee} (${style}): ${reason}`;

interface ExpectedFinding {
  line: number;
  column: number;
  severity: Severity;
  message: string;
}

interface InvalidCase {
  name: string;
  code: string;
  findings: ExpectedFinding[];
}

/** What a user reads in a report: where, how bad, and what it says. */
const visible = (findings: Finding[]): ExpectedFinding[] =>
  findings.map(({ line, column, severity, message }) => ({ line: line!, column: column!, severity, message }));

describe('max-tokens', () => {
  const valid: string[] = [
    // OpenAI SDK, each cap key, any receiver
    `client.chat.completions.create({ model: 'openai/gpt-4o', messages, max_tokens: 256 });`,
    `openai.chat.completions.create({ model, messages, max_completion_tokens: 64 });`,
    `this.client.chat.completions.create({ model, messages, max_tokens: this.maxTokens });`,
    `client.beta.chat.completions.create({ model, messages, max_tokens: 1 });`,
    `client?.chat.completions.create({ model, messages, max_tokens: 1 });`,
    `openai.completions.create({ model, prompt: 'Say hi', max_tokens: 16 });`,
    `client.responses.create({ model, input: 'hi', max_output_tokens: 400 });`,
    // const options, wrappers, key spellings
    lines(`const params = { model, messages, max_tokens: cfg.maxTokens };`, `await client.chat.completions.create(params);`),
    `client.chat.completions.create({ model, messages, max_tokens: 5 } as ChatCompletionCreateParams);`,
    lines(`const params = { model, max_tokens: 5 } satisfies Params;`, `client.chat.completions.create((params)!);`),
    `client.chat.completions.create({ model, 'max_tokens': 5 });`,
    `client.chat.completions.create({ model, ['max_completion_tokens']: 5 });`,
    lines(`const CAP_KEY = 'max_tokens';`, `client.chat.completions.create({ model, [CAP_KEY]: 5 });`),
    // shorthand: the name is the key, whatever the value
    `export function ask(model: string, max_tokens: number) { return client.chat.completions.create({ model, max_tokens }); }`,
    // spreads
    lines(`const defaults = { temperature: 0, max_tokens: 300 };`, `client.chat.completions.create({ ...defaults, model, messages });`),
    lines(`const a = { max_tokens: 3 };`, `const b = { ...a };`, `const c = { ...b, model };`, `client.chat.completions.create(c);`),
    // a cap wins over a spread that cannot be followed, before or after it
    `function f(opts) { return client.chat.completions.create({ ...opts, max_tokens: 100 }); }`,
    `function f(opts) { return client.chat.completions.create({ max_tokens: 100, ...opts }); }`,
    // conditionals: capped when both branches are
    `client.chat.completions.create(fast ? { model: 'a', max_tokens: 5 } : { model: 'b', max_completion_tokens: 50 });`,
    `client.chat.completions.create({ model, messages, ...(isReasoning ? { max_completion_tokens: n } : { max_tokens: n }) });`,
    // a cap written after the literal
    lines(`const params = { model, messages };`, `params.max_tokens = 512;`, `client.chat.completions.create(params);`),
    lines(`const params = { model };`, `params['max_completion_tokens'] = 512;`, `client.chat.completions.create(params);`),
    `function f(opts) { opts.max_tokens ??= 256; return client.chat.completions.create(opts); }`,
    `client.chat.completions.create(Object.assign({}, { model }, { max_tokens: 9 }));`,
    // raw HTTP
    lines(
      `fetch('https://openrouter.ai/api/v1/chat/completions', {`,
      `  method: 'POST',`,
      `  body: JSON.stringify({ model, messages, max_tokens: 1 }),`,
      `});`,
    ),
    lines(
      `const API = 'https://openrouter.ai/api/v1';`,
      `const payload = { model, messages, max_completion_tokens: 20 };`,
      `const body = JSON.stringify(payload);`,
      `fetch(\`\${API}/chat/completions\`, { method: 'POST', headers, body });`,
    ),
    `fetch(\`\${process.env.OPENROUTER_BASE}/responses\`, { method: 'POST', body: JSON.stringify({ model, input, max_output_tokens: 9 }) });`,
    `axios.post('https://openrouter.ai/api/v1/chat/completions', { model, messages, max_tokens: 10 }, { headers });`,
    `axios.post('https://openrouter.ai/api/v1/chat/completions', JSON.stringify({ model, messages, max_tokens: 10 }));`,
    // not a completion endpoint, or not known to be one
    `fetch('https://openrouter.ai/api/v1/embeddings', { method: 'POST', body: JSON.stringify({ model, input }) });`,
    `fetch('https://openrouter.ai/api/v1/models', { method: 'POST', body: JSON.stringify({}) });`,
    `export function send(url: string) { return fetch(url, { method: 'POST', body: JSON.stringify({ model, messages }) }); }`,
    `fetch(endpoints.chat, { method: 'POST', body: JSON.stringify({ model, messages }) });`,
    `fetch(\`\${base}\${path}\`, { method: 'POST', body: JSON.stringify({ model, messages }) });`,
    `axios.post('/api/upload', { file });`,
    // the endpoint must end the URL's path: these act on a stored response, they do not ask for one
    `axios.post(\`\${BASE}/responses/\${id}/cancel\`, {});`,
    `fetch('https://openrouter.ai/api/v1/chat/completions/abc/messages', { method: 'POST', body: JSON.stringify({}) });`,
    // no request body: a GET, not a completion request
    `fetch('https://openrouter.ai/api/v1/chat/completions');`,
    `fetch('https://openrouter.ai/api/v1/chat/completions', { method: 'GET' });`,
    // a server route that handles completions is not a request
    `app.post('/api/chat/completions', async (req, res) => { res.json(await proxy(req.body)); });`,
    lines(`function handleChat(req, res) {}`, `router.post('/v1/chat/completions', auth, handleChat);`),
    // calls that only look alike
    `db.users.create({ name: 'Ada' });`,
    `stripe.responses.list({ model });`,
    `// client.chat.completions.create({ model })`,
    `const doc = 'client.chat.completions.create({ model })';`,
    // OpenAI SDK helpers around create
    `client.beta.chat.completions.parse({ model, messages, response_format, max_tokens: 100 });`,
    `client.chat.completions.parse({ model, messages, max_completion_tokens: 100 });`,
    `client.chat.completions.stream({ model, messages, max_tokens: 100 });`,
    `const { data, response } = await client.chat.completions.create({ model, messages, max_tokens: 5 }).withResponse();`,
    `client.responses.stream({ model, input, max_output_tokens: 100 });`,
    // calls named alike on other objects
    `socket.send({ model, messages });`,
    `room.chat.send('hello everyone');`,
    `chat.completions.list({ model });`,
    `parser.parse({ model });`,
    // @openrouter/sdk: flat, and wrapped as v0.8 and v0.11 wrap it
    `openRouter.chat.send({ model, messages, maxTokens: 100 });`,
    `openRouter.chat.send({ model, messages, maxCompletionTokens: 100 });`,
    `openRouter.chat.send({ chatGenerationParams: { model, messages, maxTokens: 100 } });`,
    `openRouter.chat.send({ chatRequest: { model, messages, maxCompletionTokens: 100 }, appTitle: 'x' });`,
    lines(`const chatRequest = { model, messages, maxTokens: 5 };`, `await this.client.chat.send({ chatRequest });`),
    `chatSend(core, { chatRequest: { model, messages, maxCompletionTokens: 5 } });`,
    `openRouter.responses.send({ responsesRequest: { model, input, maxOutputTokens: 100 } });`,
    // Vercel AI SDK: v5+ and v4 spellings, and the OpenRouter provider's raw body options
    lines(`import { generateText } from 'ai';`, `await generateText({ model: openrouter('openai/gpt-4o'), prompt, maxOutputTokens: 512 });`),
    `streamText({ model, messages, maxTokens: 512 });`,
    `generateObject({ model, schema, prompt, maxOutputTokens: 512 });`,
    `streamObject({ model, schema, prompt, maxOutputTokens: 512 });`,
    `generateText({ model, prompt, providerOptions: { openrouter: { max_tokens: 300 } } });`,
    // a function of the same name that is not the AI SDK's
    lines(`import { generateText } from './llm.js';`, `generateText({ prompt });`),
    lines(`function streamText(options) { return options; }`, `streamText({ prompt });`),
    // under another name, or on a namespace: only the AI SDK's own functions count
    lines(`import { generateText as gen } from 'ai';`, `gen({ model, prompt, maxOutputTokens: 100 });`),
    lines(`import { generateText as gen } from './llm.js';`, `gen({ prompt });`),
    lines(`import * as llm from './llm.js';`, `llm.generateText({ prompt });`),
    lines(`import * as ai from 'ai';`, `ai.streamText({ model, prompt, maxOutputTokens: 100 });`),
    lines(`import { ChatOpenAI as Chat } from '@langchain/openai';`, `new Chat({ model, maxTokens: 5 });`),
    lines(`const { generateObject } = require('./schema-tools');`, `generateObject({ schema });`),
    // LangChain: a cap on the model covers every call through it
    lines(
      `import { ChatOpenAI } from '@langchain/openai';`,
      `const model = new ChatOpenAI({ model: 'openai/gpt-4o', maxTokens: 512 });`,
      `await model.invoke(messages);`,
    ),
    `const model = new ChatOpenAI({ model, maxCompletionTokens: 512, configuration: { baseURL } });`,
    `const model = new ChatOpenRouter({ model, maxTokens: 512 });`,
    lines(`const model = new ChatOpenAI({ model });`, `const capped = model.bind({ max_tokens: 256 });`),
    lines(`const model = new ChatOpenRouter({ model });`, `const capped = model.withConfig({ maxTokens: 256 });`),
    `const capped = new ChatOpenAI({ model }).bind({ maxTokens: 256 });`,
    lines(`class ChatOpenAI {}`, `new ChatOpenAI({ model });`),
    // more HTTP clients
    `axios({ url: 'https://openrouter.ai/api/v1/chat/completions', method: 'post', data: { model, messages, max_tokens: 5 } });`,
    `axios.request({ url: \`\${BASE}/chat/completions\`, method: 'POST', data: { model, messages, max_tokens: 5 } });`,
    `got.post('https://openrouter.ai/api/v1/chat/completions', { json: { model, messages, max_tokens: 5 } });`,
    `ky.post('https://openrouter.ai/api/v1/responses', { json: { model, input, max_output_tokens: 5 } });`,
    `api.post('chat/completions', { json: { model, messages, max_completion_tokens: 5 }, headers });`,
    `request('https://openrouter.ai/api/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model, max_tokens: 5 }) });`,
    `undici.fetch('https://openrouter.ai/api/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model, max_tokens: 5 }) });`,
    lines(`const url = new URL('chat/completions', process.env.BASE_URL);`, `fetch(url, { method: 'POST', body: JSON.stringify({ model, max_tokens: 5 }) });`),
    // requests that are not completions, or send nothing
    `axios({ url: 'https://openrouter.ai/api/v1/models', method: 'get' });`,
    `https.request('https://openrouter.ai/api/v1/chat/completions', (res) => {});`,
    `got.post('https://openrouter.ai/api/v1/chat/completions');`,
    `fetch(new URL('embeddings', base), { method: 'POST', body: JSON.stringify({ model, input }) });`,
    // data flow within a file
    lines(`let params = { model, max_tokens: 5 };`, `client.chat.completions.create(params);`),
    lines(`let params;`, `params = { model, max_tokens: 5 };`, `client.chat.completions.create(params);`),
    lines(`const base = { max_tokens: 5 };`, `client.chat.completions.create(Object.assign({}, base, { model }));`),
    `function ask(opts = {}) { return client.chat.completions.create({ model, max_tokens: 5, ...opts }); }`,
    lines(`const params = { model };`, `{`, `  params.max_tokens = 5;`, `}`, `client.chat.completions.create(params);`),
    // a model-level default of the OpenRouter provider
    `generateText({ model: openrouter('openai/gpt-4o-mini', { maxTokens: 60 }), prompt });`,
    lines(`const model = openrouter('openai/gpt-4o-mini', { maxTokens: 60 });`, `streamText({ model, prompt });`),
  ];
  it.each(valid)('no finding: %s', async (code) => {
    expect(await findingsOf(check, { 'src/app.ts': code })).toEqual([]);
  });

  const invalid: InvalidCase[] = [
    {
      name: 'chat completion without a cap',
      code: `const completion = await client.chat.completions.create({ model: 'openai/gpt-4o', messages });`,
      findings: [{ line: 1, column: 26, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'legacy completions without a cap',
      code: `openai.completions.create({ model, prompt });`,
      findings: [{ line: 1, column: 1, severity: 'error', message: uncapped('completions.create()') }],
    },
    {
      name: 'responses without a cap, with the Responses spelling in the fix',
      code: `client.responses.create({ model, input });`,
      findings: [{ line: 1, column: 1, severity: 'error', message: uncapped('responses.create()', 'OpenAI SDK', 'add max_output_tokens: 1024') }],
    },
    {
      name: 'max_tokens does not cap the Responses API',
      code: `client.responses.create({ model, input, max_tokens: 100 });`,
      findings: [{ line: 1, column: 1, severity: 'error', message: uncapped('responses.create()', 'OpenAI SDK', 'add max_output_tokens: 1024') }],
    },
    {
      name: 'max_output_tokens does not cap chat completions',
      code: `client.chat.completions.create({ model, messages, max_output_tokens: 100 });`,
      findings: [{ line: 1, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'a nested reasoning budget is not an output cap',
      code: `client.chat.completions.create({ model, messages, reasoning: { max_tokens: 2000 } });`,
      findings: [{ line: 1, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'a cap set to undefined or null is not sent',
      code: lines(
        `client.chat.completions.create({ model, max_tokens: undefined });`,
        `client.chat.completions.create({ model, max_completion_tokens: null });`,
        `client.chat.completions.create({ model, max_tokens: void 0 });`,
      ),
      findings: [
        { line: 1, column: 1, severity: 'error', message: uncapped(CHAT) },
        { line: 2, column: 1, severity: 'error', message: uncapped(CHAT) },
        { line: 3, column: 1, severity: 'error', message: uncapped(CHAT) },
      ],
    },
    {
      name: 'a null cap is a missing cap: in place, through a const, in a JSON body, in @openrouter/sdk',
      code: lines(
        `client.chat.completions.create({ model, messages, max_tokens: null });`,
        `const NO_CAP = null;`,
        `client.chat.completions.create({ model, messages, max_tokens: NO_CAP });`,
        `fetch('https://openrouter.ai/api/v1/chat/completions', { method: 'POST', body: JSON.stringify({ model, messages, max_tokens: null }) });`,
      ),
      findings: [
        { line: 1, column: 1, severity: 'error', message: uncapped(CHAT) },
        { line: 3, column: 1, severity: 'error', message: uncapped(CHAT) },
        { line: 4, column: 1, severity: 'error', message: uncapped('fetch()', 'raw HTTP', HTTP_FIX) },
      ],
    },
    {
      name: 'a later undefined removes a cap a spread set',
      code: lines(`const base = { max_tokens: 100 };`, `client.chat.completions.create({ ...base, max_tokens: undefined });`),
      findings: [{ line: 2, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'no options at all',
      code: `client.chat.completions.create();`,
      findings: [{ line: 1, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'a const options object without a cap',
      code: lines(`const params = { model, messages };`, `client.chat.completions.create(params);`),
      findings: [{ line: 2, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'a spread of consts, none of which caps',
      code: lines(`const base = { model, temperature: 0 };`, `client.chat.completions.create({ ...base, messages });`),
      findings: [{ line: 2, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'a conditional with one uncapped branch',
      code: `client.chat.completions.create(long ? { model, messages } : { model, messages, max_tokens: 5 });`,
      findings: [{ line: 1, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'a conditional spread with one uncapped branch',
      code: `client.chat.completions.create({ model, ...(cheap ? { max_tokens: 5 } : {}) });`,
      findings: [{ line: 1, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'the nearest declaration decides: an inner const shadows a capped outer one',
      code: lines(
        `const params = { model, max_tokens: 100 };`,
        `export function ask() {`,
        `  const params = { model };`,
        `  return client.chat.completions.create(params);`,
        `}`,
      ),
      findings: [{ line: 4, column: 10, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'options from a function parameter: a warning naming the function',
      code: lines(`export async function callModel(opts: ChatCompletionCreateParams) {`, `  return client.chat.completions.create(opts);`, `}`),
      findings: [{ line: 2, column: 10, severity: 'warn', message: unverified(CHAT, 'options come from parameter `opts` of `callModel`') }],
    },
    {
      name: 'parameters of arrow functions, methods, constructors and anonymous functions',
      code: lines(
        `const ask = (request) => client.chat.completions.create(request);`,
        `class Bot {`,
        `  reply(options) { return this.openai.chat.completions.create(options); }`,
        `  constructor(init) { this.pending = client.chat.completions.create(init); }`,
        `}`,
        `handlers.push(function (body) { return client.chat.completions.create(body); });`,
      ),
      findings: [
        { line: 1, column: 26, severity: 'warn', message: unverified(CHAT, 'options come from parameter `request` of `ask`') },
        { line: 3, column: 27, severity: 'warn', message: unverified(CHAT, 'options come from parameter `options` of `reply`') },
        { line: 4, column: 38, severity: 'warn', message: unverified(CHAT, 'options come from parameter `init` of the constructor of `Bot`') },
        { line: 6, column: 40, severity: 'warn', message: unverified(CHAT, 'options come from parameter `body` of an anonymous function') },
      ],
    },
    {
      name: 'a parameter shadows a capped outer const',
      code: lines(`const params = { max_tokens: 1 };`, `function send(params) { return client.chat.completions.create(params); }`),
      findings: [{ line: 2, column: 32, severity: 'warn', message: unverified(CHAT, 'options come from parameter `params` of `send`') }],
    },
    {
      name: 'a spread that cannot be followed and no cap',
      code: lines(`function build(base) {`, `  return client.chat.completions.create({ ...base, model });`, `}`),
      findings: [
        {
          line: 2,
          column: 10,
          severity: 'warn',
          message: unverified(CHAT, 'spread of `base` could not be resolved (parameter `base` of `build`)'),
        },
      ],
    },
    {
      name: 'an unresolved spread reached through consts names the spread itself',
      code: lines(
        `function build(overrides) {`,
        `  const merged = { ...overrides, model };`,
        `  const request = { ...merged, messages };`,
        `  return client.chat.completions.create(request);`,
        `}`,
      ),
      findings: [
        {
          line: 4,
          column: 10,
          severity: 'warn',
          message: unverified(CHAT, 'spread of `overrides` could not be resolved (parameter `overrides` of `build`)'),
        },
      ],
    },
    {
      name: 'a let assigned more than once is not followed',
      code: lines(
        `let params = { model, max_tokens: 5 };`,
        `if (long) params = { model };`,
        `client.chat.completions.create(params);`,
        `let other;`,
        `other = { model, max_tokens: 1 };`,
        `other = { model, max_tokens: 2 };`,
        `client.chat.completions.create(other);`,
        `let counted = { max_tokens: 1 };`,
        `counted++;`,
        `client.chat.completions.create(counted);`,
      ),
      findings: [
        { line: 3, column: 1, severity: 'warn', message: unverified(CHAT, '`params` is not a const object in this file') },
        { line: 7, column: 1, severity: 'warn', message: unverified(CHAT, '`other` is not a const object in this file') },
        { line: 10, column: 1, severity: 'warn', message: unverified(CHAT, '`counted` is not a const object in this file') },
      ],
    },
    {
      name: 'a let assigned once without a cap',
      code: lines(`let params = { model };`, `client.chat.completions.create(params);`),
      findings: [{ line: 2, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'a parameter default: uncapped when the default is, unverifiable when only callers decide',
      code: lines(
        `function ask(opts = { model }) { return client.chat.completions.create(opts); }`,
        `function complete(messages, extra = {}) { return client.chat.completions.create({ model, messages, ...extra }); }`,
        `function capped(opts = { model, max_tokens: 5 }) { return client.chat.completions.create(opts); }`,
        `function retry(opts = { model }) { opts = next(opts); return client.chat.completions.create(opts); }`,
        `const run = (options = { maxOutputTokens: 100 }) => generateText({ model, prompt, ...options });`,
      ),
      findings: [
        { line: 1, column: 41, severity: 'error', message: uncapped(CHAT) },
        { line: 2, column: 50, severity: 'error', message: uncapped(CHAT) },
        { line: 3, column: 59, severity: 'warn', message: unverified(CHAT, 'options come from parameter `opts` of `capped`') },
        { line: 4, column: 62, severity: 'warn', message: unverified(CHAT, 'options come from parameter `opts` of `retry`') },
        {
          line: 5,
          column: 53,
          severity: 'warn',
          message: unverified('generateText()', 'spread of `options` could not be resolved (parameter `options` of `run`)', AI_SDK),
        },
      ],
    },
    {
      name: 'a cap written only on some paths does not cap',
      code: lines(
        `export function digest(messages, short) {`,
        `  const params = { model, messages };`,
        `  if (short) params.max_tokens = 100;`,
        `  return client.chat.completions.create(params);`,
        `}`,
        `let late;`,
        `if (ready) late = { model, max_tokens: 5 };`,
        `client.chat.completions.create(late);`,
      ),
      findings: [
        { line: 4, column: 10, severity: 'error', message: uncapped(CHAT) },
        { line: 8, column: 1, severity: 'warn', message: unverified(CHAT, '`late` is not a const object in this file') },
      ],
    },
    {
      name: 'Object.assign without a cap in any argument',
      code: lines(`const base = { model };`, `client.chat.completions.create(Object.assign({}, base, { messages }));`),
      findings: [{ line: 2, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'OpenAI SDK helpers without a cap are named as written',
      code: lines(
        `client.beta.chat.completions.parse({ model, messages, response_format });`,
        `client.chat.completions.stream({ model, messages });`,
        `const { data } = await client.chat.completions.create({ model, messages }).withResponse();`,
        `client.responses.stream({ model, input, max_tokens: 5 });`,
      ),
      findings: [
        { line: 1, column: 1, severity: 'error', message: uncapped('chat.completions.parse()') },
        { line: 2, column: 1, severity: 'error', message: uncapped('chat.completions.stream()') },
        { line: 3, column: 24, severity: 'error', message: uncapped(CHAT) },
        { line: 4, column: 1, severity: 'error', message: uncapped('responses.stream()', 'OpenAI SDK', 'add max_output_tokens: 1024') },
      ],
    },
    {
      name: '@openrouter/sdk chat.send in its three shapes, without a cap',
      code: lines(
        `import { OpenRouter } from '@openrouter/sdk';`,
        `const openRouter = new OpenRouter({ apiKey });`,
        `await openRouter.chat.send({ model, messages, max_tokens: 5 });`,
        `await openRouter.chat.send({ chatGenerationParams: { model, messages } });`,
        `await openRouter.chat.send({ chatRequest: { model, messages, reasoning: { maxTokens: 5 } }, appTitle: 'x' });`,
        `await chatSend(core, { chatRequest: { model } });`,
        `await openRouter.responses.send({ responsesRequest: { model, input } });`,
      ),
      findings: [
        { line: 3, column: 7, severity: 'error', message: uncapped('chat.send()', OPENROUTER_SDK, OPENROUTER_SDK_FIX) },
        { line: 4, column: 7, severity: 'error', message: uncapped('chat.send()', OPENROUTER_SDK, OPENROUTER_SDK_FIX) },
        { line: 5, column: 7, severity: 'error', message: uncapped('chat.send()', OPENROUTER_SDK, OPENROUTER_SDK_FIX) },
        { line: 6, column: 7, severity: 'error', message: uncapped('chatSend()', OPENROUTER_SDK, OPENROUTER_SDK_FIX) },
        { line: 7, column: 7, severity: 'error', message: uncapped('responses.send()', OPENROUTER_SDK, 'add maxOutputTokens: 1024') },
      ],
    },
    {
      name: '@openrouter/sdk request from a parameter',
      code: `function send(chatRequest) { return sdk.chat.send({ chatRequest }); }`,
      findings: [
        {
          line: 1,
          column: 37,
          severity: 'warn',
          message: unverified('chat.send()', 'options come from parameter `chatRequest` of `send`', OPENROUTER_SDK),
        },
      ],
    },
    {
      name: 'Vercel AI SDK calls without a cap',
      code: lines(
        `import { generateText, streamText, generateObject, streamObject } from 'ai';`,
        `await generateText({ model: openrouter('openai/gpt-4o'), prompt });`,
        `streamText({ model, messages, max_tokens: 100 });`,
        `generateObject({ model, schema, prompt, providerOptions: { openrouter: { reasoning: { max_tokens: 100 } } } });`,
        `streamObject({ model, schema, prompt, providerOptions: { anthropic: { max_tokens: 100 } } });`,
      ),
      findings: [
        { line: 2, column: 7, severity: 'error', message: uncapped('generateText()', AI_SDK, AI_SDK_FIX) },
        { line: 3, column: 1, severity: 'error', message: uncapped('streamText()', AI_SDK, AI_SDK_FIX) },
        { line: 4, column: 1, severity: 'error', message: uncapped('generateObject()', AI_SDK, AI_SDK_FIX) },
        { line: 5, column: 1, severity: 'error', message: uncapped('streamObject()', AI_SDK, AI_SDK_FIX) },
      ],
    },
    {
      name: 'Vercel AI SDK functions required from ai, and models imported from langchain',
      code: lines(
        `const { generateText } = require('ai');`,
        `const { ChatOpenAI } = require('@langchain/openai');`,
        `generateText({ model, prompt });`,
        `const llm = new ChatOpenAI({ model });`,
      ),
      findings: [
        { line: 3, column: 1, severity: 'error', message: uncapped('generateText()', AI_SDK, AI_SDK_FIX) },
        { line: 4, column: 13, severity: 'error', message: uncapped('new ChatOpenAI()', LANGCHAIN, LANGCHAIN_FIX) },
      ],
    },
    {
      name: 'Vercel AI SDK options from a parameter',
      code: `export const ask = (options) => generateText({ model, ...options });`,
      findings: [
        {
          line: 1,
          column: 33,
          severity: 'warn',
          message: unverified('generateText()', 'spread of `options` could not be resolved (parameter `options` of `ask`)', AI_SDK),
        },
      ],
    },
    {
      name: 'LangChain models without a cap are reported where they are made, not where they are called',
      code: lines(
        `import { ChatOpenAI } from '@langchain/openai';`,
        `import { ChatOpenRouter } from '@langchain/openrouter';`,
        `const model = new ChatOpenAI({ model: 'openai/gpt-4o', configuration: { baseURL } });`,
        `await model.invoke(messages);`,
        `await model.invoke(other);`,
        `const router = new ChatOpenRouter({ model, maxTokens: -1 });`,
        `const bare = new ChatOpenAI();`,
        `const kwargs = new ChatOpenAI({ model, modelKwargs: { max_tokens: 100 } });`,
      ),
      findings: [
        { line: 3, column: 15, severity: 'error', message: uncapped('new ChatOpenAI()', LANGCHAIN, LANGCHAIN_FIX) },
        { line: 6, column: 16, severity: 'error', message: uncapped('new ChatOpenRouter()', LANGCHAIN, LANGCHAIN_FIX) },
        { line: 7, column: 14, severity: 'error', message: uncapped('new ChatOpenAI()', LANGCHAIN, LANGCHAIN_FIX) },
        { line: 8, column: 16, severity: 'error', message: uncapped('new ChatOpenAI()', LANGCHAIN, LANGCHAIN_FIX) },
      ],
    },
    {
      name: 'LangChain: binding something other than a cap does not cap',
      code: lines(`const model = new ChatOpenAI({ model });`, `const withTools = model.bind({ tools });`),
      findings: [{ line: 1, column: 15, severity: 'error', message: uncapped('new ChatOpenAI()', LANGCHAIN, LANGCHAIN_FIX) }],
    },
    {
      name: 'more HTTP clients without a cap',
      code: lines(
        `const BASE = 'https://openrouter.ai/api/v1';`,
        `axios({ url: \`\${BASE}/chat/completions\`, method: 'post', data: { model, messages } });`,
        `axios.request({ url: BASE + '/responses', method: 'post', data: JSON.stringify({ model, input }) });`,
        `got.post(\`\${BASE}/chat/completions\`, { json: { model, messages } });`,
        `ky.post(\`\${BASE}/responses\`, { json: { model, input, max_tokens: 5 } });`,
        `request(\`\${BASE}/chat/completions\`, { method: 'POST', body: JSON.stringify({ model }) });`,
        `fetch(new URL('chat/completions', BASE), { method: 'POST', body: JSON.stringify({ model }) });`,
      ),
      findings: [
        { line: 2, column: 1, severity: 'error', message: uncapped('axios()', 'raw HTTP', HTTP_FIX) },
        { line: 3, column: 1, severity: 'error', message: uncapped('axios.request()', 'raw HTTP', RESPONSES_HTTP_FIX) },
        { line: 4, column: 1, severity: 'error', message: uncapped('got.post()', 'raw HTTP', HTTP_FIX) },
        { line: 5, column: 1, severity: 'error', message: uncapped('ky.post()', 'raw HTTP', RESPONSES_HTTP_FIX) },
        { line: 6, column: 1, severity: 'error', message: uncapped('request()', 'raw HTTP', HTTP_FIX) },
        { line: 7, column: 1, severity: 'error', message: uncapped('fetch()', 'raw HTTP', HTTP_FIX) },
      ],
    },
    {
      name: 'got options from a parameter',
      code: `function send(options) { return got.post('https://openrouter.ai/api/v1/chat/completions', options); }`,
      findings: [
        {
          line: 1,
          column: 33,
          severity: 'warn',
          message: unverified('got.post()', 'the request init comes from parameter `options` of `send`', 'raw HTTP'),
        },
      ],
    },
    {
      name: 'AI SDK functions imported under another name, or called on a namespace',
      code: lines(
        `import { generateText as gen, streamObject as objects } from 'ai';`,
        `import * as ai from 'ai';`,
        `const sdk = require('ai');`,
        `import { ChatOpenAI as Chat } from '@langchain/openai';`,
        `gen({ model, prompt });`,
        `objects({ model, schema, prompt });`,
        `ai.generateText({ model, prompt });`,
        `sdk.streamText({ model, prompt });`,
        `new Chat({ model });`,
      ),
      findings: [
        { line: 5, column: 1, severity: 'error', message: uncapped('generateText()', AI_SDK, AI_SDK_FIX) },
        { line: 6, column: 1, severity: 'error', message: uncapped('streamObject()', AI_SDK, AI_SDK_FIX) },
        { line: 7, column: 1, severity: 'error', message: uncapped('generateText()', AI_SDK, AI_SDK_FIX) },
        { line: 8, column: 1, severity: 'error', message: uncapped('streamText()', AI_SDK, AI_SDK_FIX) },
        { line: 9, column: 1, severity: 'error', message: uncapped('new ChatOpenAI()', LANGCHAIN, LANGCHAIN_FIX) },
      ],
    },
    {
      name: 'options imported from a module missing from the workspace',
      code: lines(`import { defaults } from './defaults.js';`, `client.chat.completions.create(defaults);`),
      findings: [
        {
          line: 2,
          column: 1,
          severity: 'warn',
          message: unverified(CHAT, "options come from `defaults`, imported from './defaults.js', which is not among the audited files"),
        },
      ],
    },
    {
      name: 'options built by a call',
      code: `client.chat.completions.create(buildOptions(model));`,
      findings: [
        {
          line: 1,
          column: 1,
          severity: 'warn',
          message: unverified(CHAT, 'options come from `buildOptions(model)`, which is not an object this file defines'),
        },
      ],
    },
    {
      name: 'a computed key that could be the cap',
      code: `client.chat.completions.create({ model, [capKey]: 5 });`,
      findings: [{ line: 1, column: 1, severity: 'warn', message: unverified(CHAT, 'computed key `[capKey]` could not be resolved') }],
    },
    {
      name: 'consts that spread each other',
      code: lines(`const a = { ...b, model };`, `const b = { ...a };`, `client.chat.completions.create(a);`),
      findings: [{ line: 3, column: 1, severity: 'warn', message: unverified(CHAT, 'spread of `a` could not be resolved (`a` refers to itself)') }],
    },
    {
      name: 'more conditional branches than are worth following',
      code: `client.chat.completions.create({ model, ${['a', 'b', 'c', 'd', 'e', 'f'].map((flag) => `...(${flag} ? { x: 1 } : {})`).join(', ')} });`,
      findings: [
        {
          line: 1,
          column: 1,
          severity: 'warn',
          message: unverified(CHAT, '`(f ? { x: 1 } : {})` has too many branches or levels to follow'),
        },
      ],
    },
    {
      name: 'a write of undefined is not a cap',
      code: lines(`const params = { model };`, `params.max_tokens = undefined;`, `client.chat.completions.create(params);`),
      findings: [{ line: 3, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'a definitely uncapped branch outweighs one that cannot be verified',
      code: `function f(opts) { return client.chat.completions.create(flag ? opts : { model }); }`,
      findings: [{ line: 1, column: 27, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'fetch to a URL built from a const and a template literal',
      code: lines(
        `const API = 'https://openrouter.ai/api/v1';`,
        ``,
        `export async function streamAnswer(question: string, apiKey: string) {`,
        `  const payload = { model: 'anthropic/claude-3.5-sonnet', stream: true, messages: [{ role: 'user', content: question }] };`,
        `  return fetch(\`\${API}/chat/completions\`, {`,
        `    method: 'POST',`,
        `    headers: { Authorization: \`Bearer \${apiKey}\`, 'Content-Type': 'application/json' },`,
        `    body: JSON.stringify(payload),`,
        `  });`,
        `}`,
      ),
      findings: [{ line: 5, column: 10, severity: 'error', message: uncapped('fetch()', 'raw HTTP', HTTP_FIX) }],
    },
    {
      name: 'fetch to a URL concatenated from consts, body through a const',
      code: lines(
        `const BASE = 'https://openrouter.ai/api' + '/v1';`,
        `const CHAT_URL = BASE + '/chat/completions';`,
        `const body = JSON.stringify({ model, messages });`,
        `fetch(CHAT_URL, { method: 'POST', body });`,
      ),
      findings: [{ line: 4, column: 1, severity: 'error', message: uncapped('fetch()', 'raw HTTP', HTTP_FIX) }],
    },
    {
      name: 'fetch to an env-based URL whose path is known, with a query string',
      code: `fetch(\`\${process.env.LLM_BASE_URL}/chat/completions?trace=\${id}\`, { method: 'POST', body: JSON.stringify({ model }) });`,
      findings: [{ line: 1, column: 1, severity: 'error', message: uncapped('fetch()', 'raw HTTP', HTTP_FIX) }],
    },
    {
      name: 'fetch to /responses takes max_output_tokens',
      code: `fetch('https://openrouter.ai/api/v1/responses', { method: 'POST', body: JSON.stringify({ model, input, max_tokens: 5 }) });`,
      findings: [{ line: 1, column: 1, severity: 'error', message: uncapped('fetch()', 'raw HTTP', 'add "max_output_tokens": 1024 to the JSON body') }],
    },
    {
      name: 'fetch with a body that is not JSON.stringify',
      code: `fetch('https://openrouter.ai/api/v1/chat/completions', { method: 'POST', body: serialize(request) });`,
      findings: [{ line: 1, column: 1, severity: 'warn', message: unverified('fetch()', 'the body is not JSON.stringify(...)', 'raw HTTP') }],
    },
    {
      name: 'fetch with a body from a parameter',
      code: `async function send(body) { return fetch('/api/v1/chat/completions', { method: 'POST', body }); }`,
      findings: [{ line: 1, column: 36, severity: 'warn', message: unverified('fetch()', 'the body comes from parameter `body` of `send`', 'raw HTTP') }],
    },
    {
      name: 'fetch with init from a parameter',
      code: `async function send(init) { return fetch('/api/v1/chat/completions', init); }`,
      findings: [
        {
          line: 1,
          column: 36,
          severity: 'warn',
          message: unverified('fetch()', 'the request init comes from parameter `init` of `send`', 'raw HTTP'),
        },
      ],
    },
    {
      name: 'axios.post with only a reasoning budget',
      code: lines(
        `import axios from 'axios';`,
        `const MODERATION_URL = 'https://openrouter.ai/api/v1/chat/completions';`,
        `export async function isAllowed(text) {`,
        `  const { data } = await axios.post(MODERATION_URL, {`,
        `    model: 'openai/gpt-4o-mini',`,
        `    reasoning: { max_tokens: 2000 },`,
        `  });`,
        `}`,
      ),
      findings: [{ line: 4, column: 26, severity: 'error', message: uncapped('axios.post()', 'raw HTTP', HTTP_FIX) }],
    },
    {
      name: 'any client .post to a relative completions path',
      code: lines(
        `class Llm {`,
        `  http = axios.create({ baseURL: 'https://openrouter.ai/api/v1' });`,
        `  ask(messages) { return this.http.post('/chat/completions', { model: 'x', messages }); }`,
        `  raw(payload) { return this.http.post('/chat/completions', payload); }`,
        `}`,
      ),
      findings: [
        { line: 3, column: 26, severity: 'error', message: uncapped('http.post()', 'raw HTTP', HTTP_FIX) },
        {
          line: 4,
          column: 25,
          severity: 'warn',
          message: unverified('http.post()', 'the body comes from parameter `payload` of `raw`', 'raw HTTP'),
        },
      ],
    },
    {
      name: 'several calls on one line are reported left to right',
      code: `Promise.all([client.chat.completions.create({ model }), client.responses.create({ model })]);`,
      findings: [
        { line: 1, column: 14, severity: 'error', message: uncapped(CHAT) },
        { line: 1, column: 57, severity: 'error', message: uncapped('responses.create()', 'OpenAI SDK', 'add max_output_tokens: 1024') },
      ],
    },
    {
      name: 'a multi-line call chain is located at its first character',
      code: lines(
        `export async function summarize(ticket: string) {`,
        `  const completion =`,
        `    await client`,
        `      .chat`,
        `      .completions.create({`,
        `        model: 'openai/gpt-4o-mini',`,
        `        messages: [{ role: 'user', content: ticket }],`,
        `      });`,
        `  return completion;`,
        `}`,
      ),
      findings: [{ line: 3, column: 11, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'columns count UTF-16 code units, as editors do',
      code: `const label = '🚀'; client.chat.completions.create({ model });`,
      findings: [{ line: 1, column: 21, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'lines end at \\n only, and CRLF endings do not shift columns',
      code: `const a = 'x\u2028y';\r\n  client.chat.completions.create({ model });\r\n`,
      findings: [{ line: 2, column: 3, severity: 'error', message: uncapped(CHAT) }],
    },
  ];
  it.each(invalid)('$name', async ({ code, findings }) => {
    expect(visible(await findingsOf(check, { 'src/app.ts': code }))).toEqual(findings);
  });

  /** Imports of the project's own modules are followed into the files that define them. */
  const acrossFiles: { name: string; files: Record<string, string>; findings: (ExpectedFinding & { file: string })[] }[] = [
    {
      name: 'an imported const that caps',
      files: {
        'src/app.ts': lines(`import { DEFAULTS } from './config/defaults.js';`, `client.chat.completions.create({ ...DEFAULTS, messages });`),
        'src/config/defaults.ts': `export const DEFAULTS = { model: 'openai/gpt-4o-mini', max_tokens: 600 };`,
      },
      findings: [],
    },
    {
      name: 'an imported const without a cap',
      files: {
        'src/app.ts': lines(`import { DEFAULTS } from './config/defaults.js';`, `client.chat.completions.create({ ...DEFAULTS, messages });`),
        'src/config/defaults.ts': `export const DEFAULTS = { model: 'openai/gpt-4o-mini', temperature: 0 };`,
      },
      findings: [{ file: 'src/app.ts', line: 2, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'a cap written to the const in its own module',
      files: {
        'src/app.ts': lines(`import { DEFAULTS } from './defaults';`, `client.chat.completions.create(DEFAULTS);`),
        'src/defaults.mts': lines(`export const DEFAULTS = { model };`, `DEFAULTS.max_tokens = 5;`),
      },
      findings: [],
    },
    {
      name: 'a chain of re-exports, renamed, through an index file and export *',
      files: {
        'src/app.ts': lines(`import { LLM_FIELDS } from './config';`, `new ChatOpenAI({ ...LLM_FIELDS, temperature: 0 });`),
        'src/config/index.ts': `export * from './fields.js';`,
        'src/config/fields.ts': `export { BASE as LLM_FIELDS } from './base.js';`,
        'src/config/base.js': lines(`import { CAP } from './cap.js';`, `const base = { model, ...CAP };`, `export { base as BASE };`),
        'src/config/cap.ts': `export const CAP = { maxTokens: 300 };`,
      },
      findings: [],
    },
    {
      name: 'default exports, an object and a const',
      files: {
        'src/app.ts': lines(
          `import capped from './capped.js';`,
          `import open from './open.js';`,
          `client.chat.completions.create({ ...capped, messages });`,
          `client.chat.completions.create({ ...open, messages });`,
        ),
        'src/capped.ts': `export default { model, max_completion_tokens: 50 };`,
        'src/open.ts': lines(`const settings = { model };`, `export default settings;`),
      },
      findings: [{ file: 'src/app.ts', line: 4, column: 1, severity: 'error', message: uncapped(CHAT) }],
    },
    {
      name: 'a namespace import',
      files: {
        'src/app.ts': lines(`import * as config from '../config/llm.js';`, `client.chat.completions.create({ ...config.DIGEST, messages });`),
        'config/llm.ts': `export const DIGEST = { model, max_tokens: 900 };`,
      },
      findings: [],
    },
    {
      name: 'a JSON module, read by a property path',
      files: {
        'src/app.ts': lines(
          `import llmConfig from '../config/llm.json' with { type: 'json' };`,
          `client.chat.completions.create({ ...llmConfig.digest, messages });`,
          `client.chat.completions.create({ ...llmConfig['chat'], messages });`,
          `client.chat.completions.create({ ...llmConfig.missing, messages });`,
        ),
        'config/llm.json': JSON.stringify({ digest: { model: 'a', max_tokens: 900 }, chat: { model: 'b' } }, null, 2),
      },
      findings: [
        { file: 'src/app.ts', line: 3, column: 1, severity: 'error', message: uncapped(CHAT) },
        { file: 'src/app.ts', line: 4, column: 1, severity: 'error', message: uncapped(CHAT) },
      ],
    },
    {
      name: 'a property read from a getter is not known',
      files: {
        'src/app.ts': lines(
          `import { settings } from './settings.js';`,
          `client.chat.completions.create(settings.chat);`,
          `client.chat.completions.create(settings.digest);`,
        ),
        'src/settings.ts': lines(`export const settings = {`, `  chat: { model, max_tokens: 5 },`, `  get digest() { return { model }; },`, `};`),
      },
      findings: [
        {
          file: 'src/app.ts',
          line: 3,
          column: 1,
          severity: 'warn',
          message: unverified(CHAT, 'options come from `settings.digest`, which is not an object this file defines'),
        },
      ],
    },
    {
      name: 'a JSON module that is not valid JSON',
      files: {
        'src/app.ts': lines(`import llmConfig from './llm.json';`, `client.chat.completions.create({ ...llmConfig.digest, messages });`),
        'src/llm.json': `{ "digest": { "max_tokens": 900 }, }`,
      },
      findings: [
        {
          file: 'src/app.ts',
          line: 2,
          column: 1,
          severity: 'warn',
          message: unverified(
            CHAT,
            "spread of `llmConfig.digest` could not be resolved (`llmConfig` is imported from './llm.json', which could not be parsed)",
          ),
        },
      ],
    },
    {
      name: 'a cycle of re-exports ends, unverified',
      files: {
        'src/app.ts': lines(`import { SETTINGS } from './a.js';`, `client.chat.completions.create(SETTINGS);`),
        'src/a.ts': `export { SETTINGS } from './b.js';`,
        'src/b.ts': `export { SETTINGS } from './a.js';`,
      },
      findings: [
        {
          file: 'src/app.ts',
          line: 2,
          column: 1,
          severity: 'warn',
          message: unverified(CHAT, "options come from `SETTINGS`, imported from './a.js', in a cycle of imports"),
        },
      ],
    },
    {
      name: 'consts of two modules spreading each other end, unverified',
      files: {
        'src/app.ts': lines(`import { A } from './a.js';`, `client.chat.completions.create(A);`),
        'src/a.ts': lines(`import { B } from './b.js';`, `export const A = { ...B };`),
        'src/b.ts': lines(`import { A } from './a.js';`, `export const B = { model, ...A };`),
      },
      findings: [
        {
          file: 'src/app.ts',
          line: 2,
          column: 1,
          severity: 'warn',
          message: unverified(CHAT, 'spread of `A` could not be resolved (`A` refers to itself)'),
        },
      ],
    },
    {
      name: 'an import from a package is not followed',
      files: {
        'src/app.ts': lines(`import { DEFAULTS } from '@acme/llm-defaults';`, `client.chat.completions.create(DEFAULTS);`),
      },
      findings: [
        {
          file: 'src/app.ts',
          line: 2,
          column: 1,
          severity: 'warn',
          message: unverified(CHAT, "options come from `DEFAULTS`, imported from '@acme/llm-defaults'"),
        },
      ],
    },
    {
      name: 'a module that re-exports from a package, a function, or nothing of that name',
      files: {
        'src/app.ts': lines(
          `import { PRESET, build, NOPE } from './presets.js';`,
          `client.chat.completions.create(PRESET);`,
          `client.chat.completions.create(build);`,
          `client.chat.completions.create(NOPE);`,
        ),
        'src/presets.ts': lines(`export { PRESET } from '@acme/presets';`, `export function build() { return {}; }`),
      },
      findings: [
        {
          file: 'src/app.ts',
          line: 2,
          column: 1,
          severity: 'warn',
          message: unverified(CHAT, "options come from `PRESET`, imported from './presets.js', which takes it from the package '@acme/presets'"),
        },
        {
          file: 'src/app.ts',
          line: 3,
          column: 1,
          severity: 'warn',
          message: unverified(CHAT, "options come from `build`, imported from './presets.js', where `build` is not a const"),
        },
        {
          file: 'src/app.ts',
          line: 4,
          column: 1,
          severity: 'warn',
          message: unverified(CHAT, "options come from `NOPE`, imported from './presets.js', which does not export it"),
        },
      ],
    },
    {
      name: 'a target file excluded from the workspace',
      files: {
        'src/app.ts': lines(`import { DEFAULTS } from '../generated/defaults.js';`, `client.chat.completions.create({ ...DEFAULTS, model });`),
      },
      findings: [
        {
          file: 'src/app.ts',
          line: 2,
          column: 1,
          severity: 'warn',
          message: unverified(
            CHAT,
            "spread of `DEFAULTS` could not be resolved (`DEFAULTS` is imported from '../generated/defaults.js', which is not among the audited files)",
          ),
        },
      ],
    },
    {
      name: 'a body imported into a raw HTTP call',
      files: {
        'src/app.ts': lines(
          `import { BODY } from './body.js';`,
          `fetch('https://openrouter.ai/api/v1/chat/completions', { method: 'POST', body: JSON.stringify(BODY) });`,
        ),
        'src/body.ts': `export const BODY = { model, messages };`,
      },
      findings: [{ file: 'src/app.ts', line: 2, column: 1, severity: 'error', message: uncapped('fetch()', 'raw HTTP', HTTP_FIX) }],
    },
    {
      name: 'a key name imported from the project',
      files: {
        'src/app.ts': lines(`import { CAP_KEY } from './keys.js';`, `client.chat.completions.create({ model, [CAP_KEY]: 5 });`),
        'src/keys.ts': `export const CAP_KEY = 'max_tokens';`,
      },
      findings: [],
    },
    {
      name: 'callers of a wrapper in its own file: the one passing no cap is reported where it calls',
      files: {
        'src/app.ts': lines(
          `export async function callModel(opts) {`,
          `  return client.chat.completions.create(opts);`,
          `}`,
          `callModel({ model, messages });`,
          `callModel({ model, messages, max_tokens: 5 });`,
          `callModel(fromSomewhere);`,
          `callModel();`,
        ),
      },
      findings: [
        { file: 'src/app.ts', line: 2, column: 10, severity: 'warn', message: unverified(CHAT, 'options come from parameter `opts` of `callModel`') },
        {
          file: 'src/app.ts',
          line: 4,
          column: 1,
          severity: 'error',
          message: 'callModel() is called without an output cap; its options reach chat.completions.create() (OpenAI SDK) in src/app.ts:2',
        },
      ],
    },
    {
      name: 'callers of an exported wrapper in other files, under another name, through spreads and defaults',
      files: {
        'src/llm.ts': lines(
          `export const callModel = async (messages, opts = { max_tokens: 256 }) =>`,
          `  client.chat.completions.create({ model, messages, ...opts });`,
        ),
        'src/routes.ts': lines(
          `import { callModel as ask } from './llm.js';`,
          `ask(messages, { temperature: 0 });`,
          `ask(messages, { max_completion_tokens: 5 });`,
          `ask(messages);`,
        ),
        'src/elsewhere.ts': lines(`import { callModel } from 'some-package';`, `callModel(messages, {});`),
        'src/unrelated.ts': `callModel(messages, {});`,
      },
      findings: [
        {
          file: 'src/llm.ts',
          line: 2,
          column: 3,
          severity: 'warn',
          message: unverified(CHAT, 'spread of `opts` could not be resolved (parameter `opts` of `callModel`)'),
        },
        {
          file: 'src/routes.ts',
          line: 2,
          column: 1,
          severity: 'error',
          message: 'ask() is called without an output cap; its options reach chat.completions.create() (OpenAI SDK) in src/llm.ts:2',
        },
      ],
    },
    {
      name: 'a wrapper that reassigns its parameter is not checked through its callers',
      files: {
        'src/app.ts': lines(
          `export function callModel(opts) {`,
          `  if (!opts.model) opts = { ...opts, model };`,
          `  return client.chat.completions.create(opts);`,
          `}`,
          `callModel({ messages });`,
        ),
      },
      findings: [{ file: 'src/app.ts', line: 3, column: 10, severity: 'warn', message: unverified(CHAT, 'options come from parameter `opts` of `callModel`') }],
    },
  ];
  it.each(acrossFiles)('across files: $name', async ({ files, findings }) => {
    const reported = await findingsOf(check, files);
    expect(reported.map((finding) => ({ file: finding.file, ...visible([finding])[0]! }))).toEqual(findings);
  });

  it('reports the file and the trimmed source line of each finding', async () => {
    const code = lines(`import OpenAI from 'openai';`, `const client = new OpenAI();`, `    await client.chat.completions.create({ model, messages });   `);
    expect(await findingsOf(check, { 'src/chat.ts': code })).toEqual([
      {
        message: uncapped(CHAT),
        severity: 'error',
        file: 'src/chat.ts',
        line: 3,
        column: 11,
        snippet: 'await client.chat.completions.create({ model, messages });',
      },
    ]);
  });

  it('cuts a long snippet to 200 characters', async () => {
    const code = `client.chat.completions.create({ model, messages: [${'"x", '.repeat(100)}] });`;
    const [finding] = await findingsOf(check, { 'src/app.ts': code });
    expect(finding?.snippet).toHaveLength(200);
    expect(finding?.snippet?.startsWith('client.chat.completions.create({ model')).toBe(true);
  });

  it('reports uncapped calls at the configured severity, and unverifiable ones as warnings', async () => {
    const code = lines(`client.chat.completions.create({ model });`, `function f(o) { return client.chat.completions.create(o); }`);
    const { findings } = outcomeOf(await check.run(contextFor(check, workspaceOf({ 'src/app.ts': code }), { severity: 'warn' })));
    expect(findings.map((finding) => finding.severity)).toEqual(['warn', 'warn']);
    const atError = await findingsOf(check, { 'src/app.ts': code });
    expect(atError.map((finding) => finding.severity)).toEqual(['error', 'warn']);
  });

  it('audits every JavaScript and TypeScript extension, with JSX where the extension allows it', async () => {
    const call = `client.chat.completions.create({ model });`;
    const component = lines(`export function Ask() {`, `  return <button onClick={() => client.chat.completions.create({ model })}>Ask</button>;`, `}`);
    const findings = await findingsOf(check, {
      'a.ts': call,
      'b.mts': call,
      'c.cts': call,
      'd.js': call,
      'e.mjs': call,
      'f.cjs': `const { client } = require('./client');\n${call}`,
      'g.tsx': component,
      'h.jsx': component,
      'i.JS': call,
      'j.js': component,
    });
    expect(findings.map((finding) => [finding.file, finding.line, finding.column])).toEqual([
      ['a.ts', 1, 1],
      ['b.mts', 1, 1],
      ['c.cts', 1, 1],
      ['d.js', 1, 1],
      ['e.mjs', 1, 1],
      ['f.cjs', 2, 1],
      ['g.tsx', 2, 33],
      ['h.jsx', 2, 33],
      ['i.JS', 1, 1],
      ['j.js', 2, 33],
    ]);
  });

  it('ignores files that are not JavaScript, TypeScript or Python, and declaration files', async () => {
    const call = `client.chat.completions.create({ model });`;
    const findings = await findingsOf(check, {
      'README.md': `\`\`\`ts\n${call}\n\`\`\``,
      'app.py': `client.chat.completions.create(model=model)`,
      'App.vue': `<script>${call}</script>`,
      'types.d.ts': call,
      'notes.txt': call,
      'src/real.ts': call,
    });
    // Python is analysed too (issue 6); both languages come from one request inventory, in file order (issue 15).
    expect(findings.map((finding) => finding.file)).toEqual(['app.py', 'src/real.ts']);
  });

  it('still reports the well-formed call after a syntax error', async () => {
    const code = lines(
      `import OpenAI from 'openai';`,
      `const client = new OpenAI();`,
      `export function broken( {`,
      `  const x = ;`,
      ``,
      `export async function stillChecked() {`,
      `  return client.chat.completions.create({ model: 'openai/gpt-4o', messages: [] });`,
      `}`,
    );
    expect(visible(await findingsOf(check, { 'src/half-written.ts': code }))).toEqual([{ line: 7, column: 10, severity: 'error', message: uncapped(CHAT) }]);
  });

  it('turns a file it cannot analyse into a warning and goes on with the others', async () => {
    // Nesting this deep exhausts the parser's stack; the run must survive it.
    const deep = `client.chat.completions.create(${'['.repeat(5000)}${']'.repeat(5000)});`;
    const findings = await findingsOf(check, { 'src/deep.ts': deep, 'src/z.ts': `client.chat.completions.create({ model });` });
    expect(findings).toEqual([
      { message: expect.stringMatching(/^could not analyse src\/deep\.ts: .+/), severity: 'warn' },
      expect.objectContaining({ file: 'src/z.ts', line: 1, column: 1, severity: 'error' }),
    ]);
  });

  it('sorts findings by file, then line, then column', async () => {
    const call = `client.chat.completions.create({ model });`;
    const findings = await findingsOf(check, {
      'src/b.ts': lines(call, `  ${call}`),
      'src/a.ts': lines(``, ``, call),
      'lib/c.js': call,
    });
    expect(findings.map((finding) => [finding.file, finding.line, finding.column])).toEqual([
      ['lib/c.js', 1, 1],
      ['src/a.ts', 3, 1],
      ['src/b.ts', 1, 1],
      ['src/b.ts', 2, 3],
    ]);
  });

  it('places findings correctly in a file with a byte-order mark', async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`client.chat.completions.create({ model });`)]);
    expect(await findingsOf(check, { 'src/app.ts': withBom })).toEqual([
      expect.objectContaining({ line: 1, column: 1, snippet: 'client.chat.completions.create({ model });' }),
    ]);
  });

  it('passes when every request is capped', async () => {
    expect(await findingsOf(check, { 'src/app.ts': `client.chat.completions.create({ model, max_tokens: 1 });` })).toEqual([]);
  });

  it('stops when its run is cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const ctx = contextFor(check, workspaceOf({ 'src/app.ts': `client.chat.completions.create({});` }), { signal: controller.signal });
    await expect(check.run(ctx)).rejects.toThrow('cancelled');
  });

  it('declares its contract', () => {
    expect(check).toMatchObject({ id: 'max-tokens', category: 'cost', kind: 'static', defaultSeverity: 'error' });
    expect(check.docs).toMatch(/reserves credits/);
    expect(check.docs).toMatch(/max_tokens/);
  });
});
