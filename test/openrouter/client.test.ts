import { randomBytes } from 'node:crypto';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  APP_TITLE,
  backoffDelayMs,
  baseUrlProblem,
  ClientConfigError,
  createOpenRouterClient,
  describeApiError,
  HTTP_REFERER,
  isLoopbackHost,
  parseRetryAfter,
  userAgentFor,
} from '../../src/openrouter/client.js';
import type { ApiError, ApiResult, OpenRouterClient, OpenRouterClientOptions } from '../../src/openrouter/client.js';
import { maskKey } from '../../src/workspace/secrets.js';
import { FAKE_KEYS, fakeModel, startFakeOpenRouter } from '../support/fake-openrouter.js';
import type { Fault, FakeOpenRouter, FakeScenario } from '../support/fake-openrouter.js';
import { generateKey } from '../support/workspace.js';
import { PLAIN } from '../support/plain-http.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../support/time-limits.js';

/** The time limit of a call whose every attempt hangs: short, as nothing answers to race it. */
const CUT_OFF_MS = 250;
/** A limit that must cut a hang off, then let an answer through: long for any answer here, short for a test to wait. */
const HANG_THEN_ANSWER_MS = 5_000;
const USER_AGENT = userAgentFor('0.0.0-test');

let fake: FakeOpenRouter;
let key: string;
let clients: OpenRouterClient[];
/** What the injected sleep was asked to wait, per client made by `clientFor`. */
let waits: number[];

beforeEach(async () => {
  key = generateKey();
  fake = await startFakeOpenRouter({ keys: { [key]: FAKE_KEYS.limited } });
  clients = [];
  waits = [];
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await fake.close();
});

/** A client of the fake with a sleep that records instead of waiting, and a time limit only a hang meets. */
function clientFor(overrides: Partial<OpenRouterClientOptions> = {}): OpenRouterClient {
  const client = createOpenRouterClient({
    baseUrl: fake.baseUrl,
    apiKey: key,
    timeoutMs: ANSWERED_REQUEST_TIMEOUT_MS,
    retries: 2,
    userAgent: USER_AGENT,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  });
  clients.push(client);
  return client;
}

function withFaults(faults: FakeScenario['faults'], extra: FakeScenario = {}): void {
  fake.setScenario({ keys: { [key]: FAKE_KEYS.limited }, ...extra, faults });
}

function errorOf<T>(result: ApiResult<T>): ApiError {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.data).slice(0, 200)}`);
  return result.error;
}

function dataOf<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected data, got: ${describeApiError(result.error)}`);
  return result.data;
}

describe('configuration', () => {
  it.each([`${PLAIN}example.com/api/v1`, `${PLAIN}10.0.0.1/api/v1`, `${PLAIN}localhost.example.com/`, `${PLAIN}[::2]/`, `${PLAIN}128.0.0.1/`])(
    'refuses plain http to a non-loopback host: %s',
    (baseUrl) => {
      expect(() => clientFor({ baseUrl })).toThrow(ClientConfigError);
      expect(() => clientFor({ baseUrl })).toThrow(/uses plain http; the API key is only sent over https/);
    },
  );

  it('refuses other schemes and invalid URLs', () => {
    expect(() => clientFor({ baseUrl: 'ftp://openrouter.ai/api/v1' })).toThrow('base URL ftp://openrouter.ai/api/v1 must use https');
    expect(() => clientFor({ baseUrl: 'openrouter.ai/api/v1' })).toThrow('base URL openrouter.ai/api/v1 is not a valid URL');
  });

  it.each(['https://openrouter.ai/api/v1', `${PLAIN}localhost:9/api/v1`, `${PLAIN}127.5.6.7/`, `${PLAIN}[::1]:8080/api/v1`])('accepts %s', (baseUrl) => {
    expect(baseUrlProblem(baseUrl)).toBeUndefined();
    clientFor({ baseUrl }); // made, never called
  });

  it('tells loopback hosts from others', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.255.255.254', '::1', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['localhost.', 'a.localhost', '127.0.0.256', '128.0.0.1', '0.0.0.0', '::2', '[::ffff:7f00:1]', 'openrouter.ai']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('refuses an empty key, a key with a newline, and bad numbers, without showing the key', () => {
    expect(() => clientFor({ apiKey: '' })).toThrow('the API key is empty');
    expect(() => clientFor({ apiKey: `${key}\n` })).toThrow('the API key contains whitespace or control characters');
    expect(() => clientFor({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => clientFor({ retries: -1 })).toThrow(/retries/);
    expect(() => clientFor({ userAgent: 'openrouter-check/1\r\nX-Evil: 1' })).toThrow('the user agent must be a non-empty header value');
    const error = (() => {
      try {
        clientFor({ baseUrl: `${PLAIN}example.com/${key}/api/v1` });
      } catch (thrown) {
        return thrown as Error;
      }
      throw new Error('not refused');
    })();
    expect(error.message).not.toContain(key);
    expect(error.message).toContain(maskKey(key));
  });
});

describe('getKey', () => {
  it('returns the key data and sends the identification headers', async () => {
    const result = await clientFor().getKey();
    expect(result).toMatchObject({ ok: true, status: 200, path: '/key', attempts: 1 });
    expect(dataOf(result)).toEqual({
      label: `${key.slice(0, 12)}...${key.slice(-4)}`,
      limit: 10,
      limit_remaining: 7.5,
      limit_reset: 'monthly',
      include_byok_in_limit: false,
      usage: 2.5,
      usage_daily: 0.0011,
      usage_weekly: 0.0042,
      usage_monthly: 2.5,
      byok_usage: 0,
      byok_usage_daily: 0,
      byok_usage_weekly: 0,
      byok_usage_monthly: 0,
      is_free_tier: false,
      is_management_key: false,
      creator_user_id: 'user_2yQz8bN4kLmP0aRt',
      expires_at: null,
    });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'GET', path: '/api/v1/key', body: undefined });
    expect(request!.headers).toMatchObject({
      authorization: `Bearer ${key}`,
      'user-agent': 'openrouter-check/0.0.0-test',
      'http-referer': HTTP_REFERER,
      'x-openrouter-title': APP_TITLE,
      accept: 'application/json',
    });
  });

  it.each([
    ['is_management_key', FAKE_KEYS.management, true],
    ['the deprecated is_provisioning_key', { is_management_key: undefined, is_provisioning_key: true }, true],
    ['neither flag (an older answer)', FAKE_KEYS.beforeNewerFields, false],
  ])('reads the management flag from %s', async (_name, overrides, expected) => {
    fake.setScenario({ keys: { [key]: overrides } });
    expect(dataOf(await clientFor().getKey()).is_management_key).toBe(expected);
  });

  it('leaves fields an older answer lacks absent, not null', async () => {
    fake.setScenario({ keys: { [key]: FAKE_KEYS.beforeNewerFields } });
    const data = dataOf(await clientFor().getKey());
    expect('expires_at' in data).toBe(false);
    expect('limit_reset' in data).toBe(false);
  });

  it('reads free tier, unlimited and expiring keys', async () => {
    fake.setScenario({ keys: { [key]: { ...FAKE_KEYS.freeTier, ...FAKE_KEYS.unlimited, ...FAKE_KEYS.expiring } } });
    expect(dataOf(await clientFor().getKey())).toMatchObject({
      is_free_tier: true,
      limit: null,
      limit_remaining: null,
      expires_at: FAKE_KEYS.expiring.expires_at,
    });
  });

  it('falls back to the legacy /auth/key when /key answers 404', async () => {
    fake.setScenario({ keys: { [key]: FAKE_KEYS.limited }, legacyKeyEndpointOnly: true });
    const result = await clientFor().getKey();
    expect(result).toMatchObject({ ok: true, path: '/auth/key', attempts: 2 });
    expect(dataOf(result).limit).toBe(10);
    expect(result.ok && result.durationMs).toBeGreaterThanOrEqual(0);
    expect(fake.requests.map((request) => request.path)).toEqual(['/api/v1/key', '/api/v1/auth/key']);
  });

  it('does not fall back on a 401', async () => {
    fake.setScenario({ keys: {} });
    const error = errorOf(await clientFor().getKey());
    expect(error).toMatchObject({ kind: 'http', status: 401, code: 401, errorType: 'authentication', message: 'User not found.', attempts: 1 });
    expect(describeApiError(error)).toBe('401 Unauthorized from GET /key: User not found.');
    expect(fake.requestsTo('/auth/key')).toEqual([]);
  });

  it('reports the legacy answer when both paths fail, counting every request', async () => {
    withFaults({ '/key': [{ kind: 'status', status: 404 }], '/auth/key': [{ kind: 'status', status: 404 }] });
    const error = errorOf(await clientFor().getKey());
    expect(error).toMatchObject({ kind: 'http', status: 404, path: '/auth/key', attempts: 2 });
  });

  it('names the missing field of a wrong-shaped answer', async () => {
    withFaults({ '/key': [{ kind: 'wrong-shape' }] });
    const error = errorOf(await clientFor().getKey());
    expect(error).toMatchObject({ kind: 'malformed', status: 200, message: 'data.limit is missing', attempts: 1 });
    expect(describeApiError(error)).toBe('malformed answer from GET /key: data.limit is missing');
  });

  it('names a field of the wrong type', async () => {
    fake.setScenario({ keys: { [key]: { limit: '10' as unknown as number } } });
    expect(errorOf(await clientFor().getKey()).message).toBe('data.limit is not a number or null (got "10")');
  });
});

describe('listModels', () => {
  it('asks for every output modality and returns the typed entries', async () => {
    const models = dataOf(await clientFor().listModels());
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/api/v1/models', query: { output_modalities: 'all' } });
    expect(models.map((model) => model.id)).toEqual([
      'openai/gpt-4o-mini',
      'anthropic/claude-3.7-sonnet',
      'meta-llama/llama-3.3-70b-instruct:free',
      'openai/text-embedding-3-small',
    ]);
    expect(models[1]).toEqual({
      id: 'anthropic/claude-3.7-sonnet',
      canonical_slug: 'anthropic/claude-3-7-sonnet-20250219',
      name: 'Anthropic: Claude 3.7 Sonnet',
      context_length: 200_000,
      pricing: { prompt: '0.000003', completion: '0.000015' },
      top_provider: { context_length: 200_000, max_completion_tokens: 64_000 },
      supported_parameters: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'response_format', 'tools', 'tool_choice'],
      expiration_date: '2026-10-31',
    });
    expect(models[0]!.expiration_date).toBeNull();
  });

  it('needs no known key (the endpoint is public)', async () => {
    fake.setScenario({ keys: {} });
    expect((await clientFor().listModels()).ok).toBe(true);
  });

  it.each([
    [{ data: 'wrong-shape' }, 'data is not an array (got an object)'],
    [{ data: 'id-missing' }, 'data[1].id is missing'],
    [{ data: 'id-number' }, 'data[0].id is not a string (got 42)'],
    [{ data: 'bad-expiry' }, 'data[0] (a/b).expiration_date is not a string or null (got 20261031)'],
  ])('reports a malformed catalogue: %j', async ({ data }, message) => {
    const broken: Record<string, FakeScenario> = {
      'wrong-shape': { faults: { '/models': [{ kind: 'wrong-shape' }] } },
      'id-missing': { models: [fakeModel('a/b'), { ...fakeModel('c/d'), id: undefined as unknown as string }] },
      'id-number': { models: [{ ...fakeModel('a/b'), id: 42 as unknown as string }] },
      'bad-expiry': { models: [fakeModel('a/b', { expiration_date: 20261031 as unknown as string })] },
    };
    fake.setScenario(broken[data]!);
    expect(errorOf(await clientFor().listModels())).toMatchObject({ kind: 'malformed', message });
  });
});

describe('createCompletion', () => {
  const messages = [{ role: 'user' as const, content: 'Say OK.' }];

  it('posts a capped request and returns the completion', async () => {
    const completion = dataOf(await clientFor().createCompletion({ model: 'openai/gpt-4o-mini', messages, max_tokens: 16 }));
    const [request] = fake.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/api/v1/chat/completions', body: { model: 'openai/gpt-4o-mini', messages, max_tokens: 16 } });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(completion.id).toMatch(/^gen-/);
    expect(completion).toMatchObject({
      model: 'openai/gpt-4o-mini',
      choices: [{ index: 0, finish_reason: 'stop', native_finish_reason: 'stop', message: { role: 'assistant', content: 'OK' } }],
      usage: { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 },
    });
    expect(completion.usage!.cost).toBeGreaterThan(0);
  });

  it('sends only model, messages and max_tokens', async () => {
    const extra = { model: 'openai/gpt-4o-mini', messages, max_tokens: 16, stream: true };
    await clientFor().createCompletion(extra);
    expect(Object.keys(fake.requests[0]!.body as object).sort()).toEqual(['max_tokens', 'messages', 'model']);
  });

  it('sends reasoning as only its effort, when given', async () => {
    const withExtra = { model: 'openai/gpt-4o-mini', messages, max_tokens: 16, reasoning: { effort: 'none', exclude: true } };
    await clientFor().createCompletion(withExtra);
    expect(fake.requests[0]!.body).toMatchObject({ reasoning: { effort: 'none' } });
    expect((fake.requests[0]!.body as { reasoning: object }).reasoning).toEqual({ effort: 'none' });
  });

  it.each([0, -1, 1.5, Number.NaN, undefined])('refuses max_tokens %s without sending anything', async (maxTokens) => {
    const request = { model: 'openai/gpt-4o-mini', messages, max_tokens: maxTokens as number };
    await expect(clientFor().createCompletion(request)).rejects.toThrow(TypeError);
    expect(fake.requests).toEqual([]);
  });

  it('reports an unknown model as OpenRouter words it, once', async () => {
    const error = errorOf(await clientFor().createCompletion({ model: 'acme/nope', messages, max_tokens: 16 }));
    expect(describeApiError(error)).toBe('400 Bad Request from POST /chat/completions: acme/nope is not a valid model ID');
    expect(fake.requests).toHaveLength(1);
  });

  it('reads an availability error that has no error.code', async () => {
    fake.setScenario({
      keys: { [key]: {} },
      completions: { 'openai/gpt-4o-mini': { status: 404, availability: 'model_deprecated', message: 'openai/gpt-4o-mini has been deprecated' } },
    });
    const error = errorOf(await clientFor().createCompletion({ model: 'openai/gpt-4o-mini', messages, max_tokens: 16 }));
    expect(error).toMatchObject({ kind: 'http', status: 404, errorType: 'model_deprecated', message: 'openai/gpt-4o-mini has been deprecated', attempts: 1 });
    expect(error.code).toBeUndefined();
  });

  it('reports a spent key with the 402 message', async () => {
    fake.setScenario({ keys: { [key]: FAKE_KEYS.exhausted } });
    const error = errorOf(await clientFor().createCompletion({ model: 'openai/gpt-4o-mini', messages, max_tokens: 16 }));
    expect(describeApiError(error)).toMatch(/^402 Payment Required from POST \/chat\/completions: This request requires more credits, or fewer max_tokens\./);
    expect(error.attempts).toBe(1);
  });

  it('times out on a model that never answers', async () => {
    fake.setScenario({ keys: { [key]: {} }, completions: { 'openai/gpt-4o-mini': 'hang' } });
    const error = errorOf(await clientFor({ timeoutMs: CUT_OFF_MS, retries: 0 }).createCompletion({ model: 'openai/gpt-4o-mini', messages, max_tokens: 16 }));
    expect(describeApiError(error)).toBe('timed out after 250 ms on POST /chat/completions');
  });

  it('names what is wrong in a wrong-shaped completion', async () => {
    withFaults({ '/chat/completions': [{ kind: 'wrong-shape' }] });
    const error = errorOf(await clientFor().createCompletion({ model: 'openai/gpt-4o-mini', messages, max_tokens: 16 }));
    expect(error).toMatchObject({ kind: 'malformed', message: 'model is missing' });
  });
});

describe('faults', () => {
  const notRetried: { fault: Fault; kind: ApiError['kind']; status?: number; line: RegExp }[] = [
    { fault: { kind: 'status', status: 402 }, kind: 'http', status: 402, line: /^402 Payment Required from GET \/models: This request requires more credits/ },
    { fault: { kind: 'status', status: 403 }, kind: 'http', status: 403, line: /^403 Forbidden from GET \/models: Your request was flagged/ },
    { fault: { kind: 'status', status: 404 }, kind: 'http', status: 404, line: /^404 Not Found from GET \/models: Not Found$/ },
    { fault: { kind: 'status', status: 408 }, kind: 'http', status: 408, line: /^408 Request Timeout from GET \/models: Request timed out/ },
    {
      fault: { kind: 'malformed-json' },
      kind: 'malformed',
      status: 200,
      line: /^malformed answer from GET \/models: not JSON \(content-type application\/json\)$/,
    },
    { fault: { kind: 'wrong-shape' }, kind: 'malformed', status: 200, line: /^malformed answer from GET \/models: data is not an array/ },
    { fault: { kind: 'endless-body' }, kind: 'too-large', status: 200, line: /^answer from GET \/models too large: more than 256 KiB$/ },
  ];
  it.each(notRetried)('$fault.kind $fault.status → $kind, not retried', async ({ fault, kind, status, line }) => {
    withFaults({ '/models': [fault, fault, fault] });
    const error = errorOf(await clientFor({ maxResponseBytes: 256 * 1024 }).listModels());
    expect(error).toMatchObject({ kind, status, attempts: 1 });
    expect(describeApiError(error)).toMatch(line);
    expect(fake.requestsTo('/models')).toHaveLength(1);
  });

  const retried: { fault: Fault; kind: ApiError['kind']; line: RegExp }[] = [
    {
      fault: { kind: 'status', status: 429 },
      kind: 'http',
      line: /^429 Too Many Requests from GET \/key \(3 attempts\): Rate limit exceeded: free-models-per-day/,
    },
    { fault: { kind: 'status', status: 500 }, kind: 'http', line: /^500 Internal Server Error from GET \/key \(3 attempts\): Internal Server Error$/ },
    { fault: { kind: 'status', status: 502 }, kind: 'http', line: /^502 Bad Gateway from GET \/key \(3 attempts\): Provider returned error$/ },
    { fault: { kind: 'status', status: 503 }, kind: 'http', line: /^503 Service Unavailable from GET \/key \(3 attempts\): No available model provider/ },
    {
      fault: { kind: 'close-connection' },
      kind: 'connection',
      line: /^connection closed by http:\/\/127\.0\.0\.1:\d+ before the answer was complete \(3 attempts\) on GET \/key$/,
    },
  ];
  it.each(retried)('$fault.kind $fault.status → $kind after retries; recovers when it passes', async ({ fault, kind, line }) => {
    withFaults({ '/key': [fault, fault, fault] });
    const error = errorOf(await clientFor().getKey());
    expect(error).toMatchObject({ kind, attempts: 3 });
    expect(describeApiError(error)).toMatch(line);
    expect(fake.requestsTo('/key')).toHaveLength(3);

    withFaults({ '/key': [fault] });
    const recovered = await clientFor().getKey();
    expect(recovered).toMatchObject({ ok: true, attempts: 2 });
  });

  it('hang → timeout after retries, and no more attempts; recovers when the hang passes', async () => {
    const hang = { kind: 'hang' } as const;
    withFaults({ '/key': [hang, hang, hang] });
    const error = errorOf(await clientFor({ timeoutMs: CUT_OFF_MS, retries: 2 }).getKey());
    expect(error).toMatchObject({ kind: 'timeout', attempts: 3 });
    expect(describeApiError(error)).toBe('timed out after 250 ms (3 attempts) on GET /key');
    expect(waits).toHaveLength(2);
    // The server may miss an attempt cut off before it was sent (a stalled process), never sees a fourth.
    expect(fake.requestsTo('/key').length).toBeLessThanOrEqual(3);

    withFaults({ '/key': [hang] });
    expect(await clientFor({ timeoutMs: HANG_THEN_ANSWER_MS }).getKey()).toMatchObject({ ok: true, attempts: 2 });
  });

  // Were the limit only between bytes (undici's bodyTimeout), this call would never end: the test's own timeout would fail it.
  it('times out a body that trickles in forever', async () => {
    withFaults({ '/models': [{ kind: 'trickle', intervalMs: 20 }] });
    const error = errorOf(await clientFor({ timeoutMs: CUT_OFF_MS, retries: 0 }).listModels());
    expect(error).toMatchObject({ kind: 'timeout', message: 'timed out after 250 ms', attempts: 1 });
  });

  it('waits for a slow answer within the limit, and not beyond it', async () => {
    withFaults({ '/models': [{ kind: 'slow', ms: 200 }] });
    expect(await clientFor().listModels()).toMatchObject({ ok: true, attempts: 1 });
    withFaults({ '/models': [{ kind: 'slow', ms: 60_000 }] });
    expect(errorOf(await clientFor({ timeoutMs: CUT_OFF_MS, retries: 0 }).listModels()).kind).toBe('timeout');
  });

  // However long reading 20 MiB takes on a busy machine, only the cap ends an endless body.
  it('refuses an endless body at the default 20 MiB cap', async () => {
    withFaults({ '/models': [{ kind: 'endless-body' }] });
    const error = errorOf(await clientFor().listModels());
    expect(error).toMatchObject({ kind: 'too-large', message: 'more than 20 MiB', attempts: 1 });
  });

  it('refuses a declared length over the cap without reading it', async () => {
    const error = errorOf(await clientFor({ maxResponseBytes: 1024 }).listModels());
    expect(error).toMatchObject({ kind: 'too-large', message: 'more than 1 KiB' });
  });

  it('reports a refused connection', async () => {
    const closed = await startFakeOpenRouter();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const error = errorOf(await clientFor({ baseUrl, retries: 1 }).getKey());
    expect(error).toMatchObject({ kind: 'connection', attempts: 2 });
    expect(describeApiError(error)).toMatch(/^connection refused by http:\/\/127\.0\.0\.1:\d+ \(2 attempts\) on GET \/key$/);
  });

  it('does not follow a redirect', async () => {
    const elsewhere = 'https://elsewhere.example/api/v1/key';
    withFaults({ '/key': [{ kind: 'status', status: 301, headers: { location: elsewhere } }] });
    const error = errorOf(await clientFor().getKey());
    expect(describeApiError(error)).toBe(`301 Moved Permanently from GET /key: redirected to ${elsewhere}; redirects are not followed`);
    expect(fake.requests).toHaveLength(1);
  });

  it('reads an error that is a bare string', async () => {
    withFaults({ '/models': [{ kind: 'status', status: 400, rawBody: '{"error":"Invalid output_modalities"}' }] });
    expect(errorOf(await clientFor().listModels()).message).toBe('Invalid output_modalities');
  });

  it('reads a non-JSON error page', async () => {
    withFaults({ '/models': [{ kind: 'status', status: 404, rawBody: '<html><head><title>404</title></head><body><h1>Not here</h1></body></html>' }] });
    expect(errorOf(await clientFor().listModels()).message).toBe('404 Not here');
  });
});

describe('retries', () => {
  it('backs off exponentially with jitter', async () => {
    withFaults({
      '/models': [
        { kind: 'status', status: 503 },
        { kind: 'status', status: 502 },
        { kind: 'status', status: 500 },
      ],
    });
    const result = await clientFor({ retries: 3 }).listModels();
    expect(result).toMatchObject({ ok: true, attempts: 4 });
    expect(waits).toHaveLength(3);
    expect(waits[0]).toBeGreaterThanOrEqual(125);
    expect(waits[0]).toBeLessThanOrEqual(250);
    expect(waits[1]).toBeGreaterThanOrEqual(250);
    expect(waits[1]).toBeLessThanOrEqual(500);
    expect(waits[2]).toBeGreaterThanOrEqual(500);
    expect(waits[2]).toBeLessThanOrEqual(1000);
  });

  it('caps the backoff', () => {
    expect(backoffDelayMs(1, () => 0)).toBe(125);
    expect(backoffDelayMs(1, () => 1)).toBe(250);
    expect(backoffDelayMs(20, () => 1)).toBe(8000);
    expect(backoffDelayMs(20, () => 0)).toBe(4000);
  });

  it('honours Retry-After in seconds', async () => {
    withFaults({ '/key': [{ kind: 'status', status: 429, retryAfter: 7 }] });
    expect(await clientFor().getKey()).toMatchObject({ ok: true, attempts: 2 });
    expect(waits).toEqual([7000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    withFaults({ '/key': [{ kind: 'status', status: 503, retryAfter: new Date(Date.now() + 5_000).toUTCString() }] });
    expect((await clientFor().getKey()).ok).toBe(true);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(3_000);
    expect(waits[0]).toBeLessThanOrEqual(5_000);
  });

  it('uses availability.retry_after when there is no header', async () => {
    fake.setScenario({
      keys: { [key]: {} },
      completions: { 'openai/gpt-4o-mini': { status: 429, availability: 'capacity_exhausted', retryAfter: 3 } },
    });
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const error = errorOf(await clientFor().createCompletion({ model: 'openai/gpt-4o-mini', messages, max_tokens: 16 }));
    expect(error).toMatchObject({ kind: 'http', status: 429, errorType: 'capacity_exhausted', retryAfterSeconds: 3, attempts: 3 });
    expect(waits).toEqual([3000, 3000]);
  });

  it('does not retry what OpenRouter marks as not retryable', async () => {
    withFaults({ '/models': [{ kind: 'status', status: 503, availability: 'privacy_restricted' }] });
    expect(errorOf(await clientFor().listModels())).toMatchObject({ status: 503, errorType: 'privacy_restricted', attempts: 1 });
  });

  it('gives up at once when Retry-After is longer than it will wait', async () => {
    withFaults({ '/key': [{ kind: 'status', status: 429, retryAfter: 120 }] });
    const error = errorOf(await clientFor().getKey());
    expect(error).toMatchObject({ kind: 'http', status: 429, retryAfterSeconds: 120, attempts: 1 });
    expect(describeApiError(error)).toMatch(/^429 Too Many Requests from GET \/key: Rate limit exceeded: .* \(retry after 120 s\)$/);
    expect(waits).toEqual([]);
  });

  it.each([400, 401, 402, 403, 404, 408, 409, 413, 422])('never retries a %i', async (status) => {
    withFaults({
      '/models': [
        { kind: 'status', status },
        { kind: 'status', status },
      ],
    });
    expect(errorOf(await clientFor({ retries: 5 }).listModels())).toMatchObject({ status, attempts: 1 });
    expect(fake.requestsTo('/models')).toHaveLength(1);
  });

  it('makes one attempt with retries: 0', async () => {
    withFaults({ '/models': [{ kind: 'status', status: 503 }] });
    expect(errorOf(await clientFor({ retries: 0 }).listModels())).toMatchObject({ status: 503, attempts: 1 });
  });

  // How long it waits is shown above with the recording sleep; here, that the client's own timer is the one used and ends.
  it('waits out a Retry-After: 1 with its own timer, then tries again', async () => {
    withFaults({ '/key': [{ kind: 'status', status: 429, retryAfter: 1 }] });
    // `sleep: undefined` restores the client's own, real timer.
    expect(await clientFor({ sleep: undefined }).getKey()).toMatchObject({ ok: true, attempts: 2 });
    expect(fake.requestsTo('/key')).toHaveLength(2);
  });

  it.each([
    ['2', 2000],
    [' 0 ', 0],
    ['1.5', 1500],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 0],
    ['soon', undefined],
    ['-3', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads Retry-After %j as %s ms', (value, expected) => {
    expect(parseRetryAfter(value)).toBe(expected);
  });

  it('reads a Retry-After date relative to now', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000);
  });
});

describe('cancelling', () => {
  // A wait the cancel did not end would hold the call for the whole 20 s Retry-After: past this test's 10 s limit.
  it('stops waiting between attempts when the call is cancelled', { timeout: 10_000 }, async () => {
    withFaults({ '/key': [{ kind: 'status', status: 503, retryAfter: 20 }] });
    const controller = new AbortController();
    let fallingAsleep!: () => void;
    const asleep = new Promise<void>((resolve) => (fallingAsleep = resolve));
    // A real timer that honours its signal, as the client's own: cancelled once the wait has begun.
    const sleep = (ms: number, signal: AbortSignal): Promise<void> => {
      fallingAsleep();
      return sleepFor(ms, undefined, { signal });
    };
    const pending = clientFor({ sleep }).getKey({ signal: controller.signal });
    await asleep;
    controller.abort();
    expect(errorOf(await pending)).toMatchObject({ kind: 'aborted', message: 'cancelled', attempts: 1 });
    expect(fake.requestsTo('/key')).toHaveLength(1);
  });

  it('ends a hanging call when the client closes, and refuses calls afterwards', async () => {
    withFaults({ '/key': [{ kind: 'hang' }] });
    const client = clientFor();
    const pending = client.getKey();
    // Closed while the server holds the request, not before it was sent.
    await vi.waitFor(() => expect(fake.requestsTo('/key')).toHaveLength(1), { timeout: ANSWERED_REQUEST_TIMEOUT_MS, interval: 10 });
    await client.close();
    expect(errorOf(await pending)).toMatchObject({ kind: 'aborted', message: 'cancelled: the client was closed' });
    const before = fake.requests.length;
    expect(errorOf(await client.listModels()).kind).toBe('aborted');
    expect(fake.requests).toHaveLength(before);
    await client.close();
  });
});

describe('the key never shows', () => {
  function expectNoKey(result: ApiResult<unknown>, secret: string): void {
    const error = errorOf(result);
    for (const text of [describeApiError(error), error.message, JSON.stringify(result)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(-40));
    }
  }

  it('not when the error body echoes it', async () => {
    withFaults({ '/key': [{ kind: 'status', status: 401, message: `Key ${key} is not valid for ${key}` }] });
    const result = await clientFor().getKey();
    expectNoKey(result, key);
    expect(errorOf(result).message).toBe(`Key ${maskKey(key)} is not valid for ${maskKey(key)}`);
  });

  it('not when a non-JSON error page echoes it', async () => {
    withFaults({ '/models': [{ kind: 'status', status: 400, rawBody: `<p>Bad header: Authorization: Bearer ${key}</p>` }] });
    expectNoKey(await clientFor().listModels(), key);
  });

  it('not when it is in the URL path and the server echoes the path', async () => {
    const result = await clientFor({ baseUrl: `${fake.baseUrl}/${key}` }).getKey();
    expect(fake.requests[0]!.path).toContain(key);
    expectNoKey(result, key);
  });

  it('not when the key has an unusual format', async () => {
    const oddKey = `test-${randomBytes(16).toString('hex')}`;
    withFaults({
      '/models': [
        { kind: 'status', status: 500, message: `upstream rejected ${oddKey}` },
        { kind: 'status', status: 500, message: `upstream rejected ${oddKey}` },
      ],
    });
    expectNoKey(await clientFor({ apiKey: oddKey, retries: 1 }).listModels(), oddKey);
  });
});

describe('listModelEndpoints', () => {
  it('asks /models/{author}/{slug}/endpoints, a variant suffix kept as written', async () => {
    const answer = await clientFor().listModelEndpoints('meta-llama/llama-3.3-70b-instruct:free');
    expect(fake.requests.map(({ path }) => path)).toEqual(['/api/v1/models/meta-llama/llama-3.3-70b-instruct:free/endpoints']);
    expect(answer.ok).toBe(true);
  });

  it.each(['openai', 'a/b/c', '../key', 'a/..', '/gpt'])('refuses %j without sending anything: an id never picks another path', async (id) => {
    await expect(clientFor().listModelEndpoints(id)).rejects.toThrow(TypeError);
    expect(fake.requests).toEqual([]);
  });
});
