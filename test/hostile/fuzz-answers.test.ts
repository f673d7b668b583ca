/**
 * Fuzz (fast-check, fixed seed): the OpenRouter client against random answers from the fake server
 * — any status, content type, Retry-After and Location, and a body that is random JSON, a valid
 * answer with one field broken, random text or bytes, or an error that echoes the key. In process,
 * so hundreds of cases run in seconds. Whatever comes back, a call never throws, never passes on a
 * non-2xx answer or on data of the wrong type, and its error is one line without the key.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenRouterClient, describeApiError, userAgentFor } from '../../src/openrouter/client.js';
import type { ApiResult, OpenRouterClient } from '../../src/openrouter/client.js';
import { FAKE_KEYS, fakeKeyData, fakeModel, startFakeOpenRouter } from '../support/fake-openrouter.js';
import type { Fault, FakeOpenRouter, FakeRoute } from '../support/fake-openrouter.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../support/time-limits.js';
import { generateKey } from '../support/workspace.js';

const SEED = 4_242;
const RUNS_PER_ENDPOINT = 150;
const KINDS = ['http', 'timeout', 'connection', 'malformed', 'too-large', 'aborted'];

let fake: FakeOpenRouter;
let client: OpenRouterClient;
const key = generateKey();

beforeAll(async () => {
  fake = await startFakeOpenRouter({ keys: { [key]: FAKE_KEYS.limited } });
  client = createOpenRouterClient({
    baseUrl: fake.baseUrl,
    apiKey: key,
    timeoutMs: ANSWERED_REQUEST_TIMEOUT_MS,
    retries: 1,
    userAgent: userAgentFor('0.0.0-fuzz'),
    sleep: async () => {},
  });
});
afterAll(async () => {
  await client.close();
  await fake.close();
});

/** A valid answer of each endpoint, to break one field of. */
const VALID: Record<'key' | 'models' | 'completion', unknown> = {
  key: { data: fakeKeyData(key, FAKE_KEYS.limited) },
  models: { data: [fakeModel('openai/gpt-4o-mini'), fakeModel('anthropic/claude-3.5-haiku')] },
  completion: {
    id: 'gen-1',
    model: 'openai/gpt-4o-mini',
    choices: [{ index: 0, finish_reason: 'length', message: { role: 'assistant', content: 'OK' } }],
    usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9, cost: 0.000001 },
  },
};
const PATHS: Record<keyof typeof VALID, string[][]> = {
  key: [
    [],
    ['data'],
    ['data', 'label'],
    ['data', 'limit'],
    ['data', 'limit_remaining'],
    ['data', 'usage'],
    ['data', 'is_free_tier'],
    ['data', 'expires_at'],
    ['data', 'is_management_key'],
  ],
  models: [
    [],
    ['data'],
    ['data', '0'],
    ['data', '0', 'id'],
    ['data', '1', 'pricing'],
    ['data', '1', 'pricing', 'prompt'],
    ['data', '0', 'context_length'],
    ['data', '0', 'expiration_date'],
  ],
  completion: [
    [],
    ['id'],
    ['model'],
    ['choices'],
    ['choices', '0'],
    ['choices', '0', 'finish_reason'],
    ['choices', '0', 'message'],
    ['choices', '0', 'error'],
    ['usage'],
    ['usage', 'cost'],
  ],
};

/** `value` with the field at `path` replaced (or removed, for undefined). */
function withField(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) {
    if (typeof node[step] !== 'object' || node[step] === null) return copy;
    node = node[step] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

const oddValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.constantFrom(1e308, -0, '', 'lots', [], {}, null, key));

const bodyFor = (endpoint: keyof typeof VALID): fc.Arbitrary<string | Buffer> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...PATHS[endpoint]), oddValue).map(([path, value]) => JSON.stringify(withField(VALID[endpoint], path, value)) ?? ''),
    },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(VALID[endpoint])) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
    // An error body that quotes the key, as a careless proxy might.
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        JSON.stringify({ error: { code: 401, message: `Invalid key ${key}` } }),
        JSON.stringify({ error: `bad auth: Bearer ${key}` }),
        `<html><body>Blocked: ${key}</body></html>`,
      ),
    },
  );

const answerFor = (endpoint: keyof typeof VALID): fc.Arbitrary<Fault> =>
  fc
    .record({
      status: fc.constantFrom(200, 200, 200, 201, 301, 302, 307, 400, 401, 402, 403, 404, 408, 429, 500, 502, 503, 599),
      contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/html', 'text/plain', 'application/octet-stream'),
      retryAfter: fc.option(fc.constantFrom('0', '1', '1e9', '-1', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT', '99999999999999999999'), { nil: undefined }),
      location: fc.option(fc.constantFrom(`https://evil.example/${key}`, 'https://evil.example/', '/relative'), { nil: undefined }),
      body: bodyFor(endpoint),
    })
    .map(({ status, contentType, retryAfter, location, body }) => {
      const headers: Record<string, string> = { 'content-type': contentType };
      if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
      if (location !== undefined) headers.location = location;
      return { kind: 'raw', status, headers, body };
    });

/** What every result owes: ok only for a 2xx answer, else an error of a known kind, one line, without the key. */
function expectSound<T>(result: ApiResult<T>, answered: Fault): void {
  const status = answered.kind === 'raw' ? (answered.status ?? 200) : 200;
  if (result.ok) {
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(300);
    return;
  }
  expect(KINDS).toContain(result.error.kind);
  const line = describeApiError(result.error);
  expect(line).not.toMatch(/[\r\n]/);
  expect(line).not.toContain(key);
  expect(line).not.toContain(key.slice('sk-or-v1-'.length));
  expect(JSON.stringify(result.error)).not.toContain(key);
}

const isFiniteOrNull = (value: unknown): boolean => value === null || (typeof value === 'number' && Number.isFinite(value));

/** Each attempt (2: retries 1) meets the same answer; for /key, the legacy /auth/key too. */
function serve(routes: FakeRoute[], answer: Fault): void {
  fake.setScenario({ keys: { [key]: FAKE_KEYS.limited }, faults: Object.fromEntries(routes.map((route) => [route, [answer, answer]])) });
}

describe('random answers', () => {
  it('getKey: never throws, passes only a 2xx answer of the right types, errors without the key', async () => {
    await fc.assert(
      fc.asyncProperty(answerFor('key'), async (answer) => {
        serve(['/key', '/auth/key'], answer);
        const result = await client.getKey();
        expectSound(result, answer);
        if (result.ok) {
          const data = result.data;
          expect(typeof data.label).toBe('string');
          expect(isFiniteOrNull(data.limit) && isFiniteOrNull(data.limit_remaining)).toBe(true);
          expect(Number.isFinite(data.usage)).toBe(true);
          expect(typeof data.is_free_tier).toBe('boolean');
        }
      }),
      { seed: SEED, numRuns: RUNS_PER_ENDPOINT },
    );
  });

  it('listModels: never throws, passes only a list of entries with string ids, errors without the key', async () => {
    await fc.assert(
      fc.asyncProperty(answerFor('models'), async (answer) => {
        serve(['/models'], answer);
        const result = await client.listModels();
        expectSound(result, answer);
        if (result.ok) {
          expect(Array.isArray(result.data)).toBe(true);
          for (const model of result.data) expect(typeof model.id).toBe('string');
        }
      }),
      { seed: SEED, numRuns: RUNS_PER_ENDPOINT },
    );
  });

  it('createCompletion: never throws, passes only a completion with a model and a list of choices, errors without the key', async () => {
    await fc.assert(
      fc.asyncProperty(answerFor('completion'), async (answer) => {
        serve(['/chat/completions'], answer);
        const result = await client.createCompletion({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Reply with OK.' }], max_tokens: 1 });
        expectSound(result, answer);
        if (result.ok) {
          expect(typeof result.data.model).toBe('string');
          expect(Array.isArray(result.data.choices)).toBe(true);
          for (const choice of result.data.choices) expect(choice.finish_reason === null || typeof choice.finish_reason === 'string').toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS_PER_ENDPOINT },
    );
  });
});
