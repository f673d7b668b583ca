/**
 * A server that keeps saying "try again later": each Retry-After under the 30 s the client accepts,
 * on every attempt. Honoured one by one, api.retries 10 would hold a call for five minutes; the
 * waits of one call together stay within MAX_TOTAL_RETRY_WAIT_MS, then the last error is reported.
 * In process, the client's sleep recorded instead of waited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenRouterClient, describeApiError, MAX_TOTAL_RETRY_WAIT_MS, userAgentFor } from '../../src/openrouter/client.js';
import type { Fault, FakeOpenRouter } from '../support/fake-openrouter.js';
import { FAKE_KEYS, startFakeOpenRouter } from '../support/fake-openrouter.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../support/time-limits.js';
import { generateKey } from '../support/workspace.js';

const key = generateKey();
let fake: FakeOpenRouter;

beforeAll(async () => {
  fake = await startFakeOpenRouter();
});
afterAll(() => fake.close());

describe('the total wait between retries', () => {
  it.each([
    { name: '429 asking for 20 s each time', fault: { kind: 'status', status: 429, retryAfter: 20 } as Fault, waits: [20_000], attempts: 2 },
    { name: '503 asking for 10 s each time', fault: { kind: 'status', status: 503, retryAfter: 10 } as Fault, waits: [10_000, 10_000, 10_000], attempts: 4 },
    { name: '502 asking for 29 s each time', fault: { kind: 'status', status: 502, retryAfter: 29 } as Fault, waits: [29_000], attempts: 2 },
  ])('$name: waits $waits, then reports the error after $attempts attempts', async ({ fault, waits, attempts }) => {
    fake.setScenario({ keys: { [key]: FAKE_KEYS.limited }, faults: { '/key': Array.from({ length: 11 }, () => fault) } });
    fake.requests.length = 0;
    const recorded: number[] = [];
    const client = createOpenRouterClient({
      baseUrl: fake.baseUrl,
      apiKey: key,
      timeoutMs: ANSWERED_REQUEST_TIMEOUT_MS,
      retries: 10,
      userAgent: userAgentFor('0.0.0-test'),
      sleep: async (ms) => void recorded.push(ms),
    });
    try {
      const result = await client.getKey();
      expect(recorded).toEqual(waits);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ kind: 'http', attempts });
      expect(describeApiError(result.error)).toMatch(new RegExp(`from GET /key \\(${attempts} attempts\\): .* \\(retry after \\d+ s\\)$`));
      expect(fake.requestsTo('/key')).toHaveLength(attempts);
    } finally {
      await client.close();
    }
  });

  it('plain backoff (no Retry-After) stays within the budget too', async () => {
    const fault: Fault = { kind: 'status', status: 500 };
    fake.setScenario({ keys: { [key]: FAKE_KEYS.limited }, faults: { '/key': Array.from({ length: 11 }, () => fault) } });
    const recorded: number[] = [];
    const client = createOpenRouterClient({
      baseUrl: fake.baseUrl,
      apiKey: key,
      timeoutMs: ANSWERED_REQUEST_TIMEOUT_MS,
      retries: 10,
      userAgent: userAgentFor('0.0.0-test'),
      sleep: async (ms) => void recorded.push(ms),
    });
    try {
      const result = await client.getKey();
      expect(result.ok).toBe(false);
      expect(recorded.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(MAX_TOTAL_RETRY_WAIT_MS);
      // Even at full jitter 0.25 + 0.5 + 1 + 2 + 4 + 8 + 8 s fit: the budget cuts only the tail of ten retries.
      expect(recorded.length).toBeGreaterThanOrEqual(7);
    } finally {
      await client.close();
    }
  });
});
