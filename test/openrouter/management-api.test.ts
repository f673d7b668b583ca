import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClientConfigError, createManagementClient } from '../../src/openrouter/client.js';
import type { ApiResult, CreditsData, KeyData, ManagedKey, ManagementClient } from '../../src/openrouter/client.js';
import { createManagementSession, findAuditedKey, KEYS_PAGE_SIZE, listAllKeys } from '../../src/openrouter/management-api.js';
import type { AuditedKeyMatch } from '../../src/openrouter/management-api.js';
import { FAKE_KEYS, fakeManagedKey, startFakeOpenRouter } from '../support/fake-openrouter.js';
import type { FakeOpenRouter } from '../support/fake-openrouter.js';
import { PLAIN } from '../support/plain-http.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../support/time-limits.js';
import { generateKey } from '../support/workspace.js';

const managementKey = generateKey();
let fake: FakeOpenRouter;
const clients: ManagementClient[] = [];
beforeAll(async () => {
  fake = await startFakeOpenRouter({ keys: { [managementKey]: FAKE_KEYS.management } });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(() => fake.close());

function client(apiKey = managementKey): ManagementClient {
  const made = createManagementClient({
    baseUrl: fake.baseUrl,
    apiKey,
    timeoutMs: ANSWERED_REQUEST_TIMEOUT_MS,
    retries: 1,
    userAgent: 'test',
    sleep: async () => {},
  });
  clients.push(made);
  return made;
}

const entries = (count: number): ManagedKey[] =>
  Array.from({ length: count }, (_, index) => ({ hash: `h${index}`, label: `sk-or-v1-${index}...`, created_at: '2026-01-01T00:00:00Z' }));

/** A ManagementClient that answers pages from a list of outcomes, for the pagination rules alone. */
function scriptedClient(pages: (ManagedKey[] | 'fail')[]): ManagementClient & { offsets: number[] } {
  const offsets: number[] = [];
  return {
    offsets,
    async listKeysPage(offset): Promise<ApiResult<ManagedKey[]>> {
      offsets.push(offset);
      const page = pages[offsets.length - 1] ?? [];
      if (page === 'fail')
        return { ok: false, error: { kind: 'http', status: 500, method: 'GET', path: '/keys', message: 'Internal Server Error', attempts: 2 } };
      return { ok: true, status: 200, data: page, path: '/keys', attempts: 1, durationMs: 1 };
    },
    async getCredits(): Promise<ApiResult<CreditsData>> {
      throw new Error('not used');
    },
    async close() {},
  };
}

describe('ManagementClient against the fake', () => {
  it('GET /keys, then ?offset=100: each page validated', async () => {
    const keys = Array.from({ length: 120 }, () => fakeManagedKey(generateKey()));
    fake.setScenario({ keys: { [managementKey]: FAKE_KEYS.management }, managedKeys: keys });
    const first = await client().listKeysPage(0);
    const second = await client().listKeysPage(100);
    expect(first.ok && first.data.length).toBe(100);
    expect(second.ok && second.data.map((key) => key.hash)).toEqual(keys.slice(100).map((key) => key.hash));
    // The usage breakdown is not read: the validated entry keeps what the checks may use.
    const { usage_daily, usage_weekly, usage_monthly, byok_usage, byok_usage_daily, byok_usage_weekly, byok_usage_monthly, ...kept } = keys[100]!;
    expect(second.ok && second.data[0]).toEqual(kept);
    expect(
      fake
        .requestsTo('/keys')
        .slice(-2)
        .map((request) => request.query),
    ).toEqual([{}, { offset: '100' }]);
  });

  it('GET /credits', async () => {
    fake.setScenario({ keys: { [managementKey]: FAKE_KEYS.management }, credits: { total_credits: 100, total_usage: 1.5 } });
    const answer = await client().getCredits();
    expect(answer.ok && answer.data).toEqual({ total_credits: 100, total_usage: 1.5 });
  });

  it('rejects a bad offset before sending anything', async () => {
    const made = client();
    const before = fake.requests.length;
    await expect(made.listKeysPage(-1)).rejects.toThrow(TypeError);
    await expect(made.listKeysPage(1.5)).rejects.toThrow('listKeysPage needs offset as a whole number ≥ 0, not 1.5');
    expect(fake.requests.length).toBe(before);
  });

  it('checks its options like the inference client, without showing the key', () => {
    const key = generateKey();
    expect(() => createManagementClient({ baseUrl: `${PLAIN}openrouter.ai/api/v1`, apiKey: key, timeoutMs: 1000, retries: 0, userAgent: 'test' })).toThrow(
      ClientConfigError,
    );
    expect(() => createManagementClient({ baseUrl: `https://x.test/${key}`, apiKey: '', timeoutMs: 1000, retries: 0, userAgent: 'test' })).toThrow(
      /^the API key is empty$/,
    );
  });

  it('the session memoizes /credits', async () => {
    fake.setScenario({ keys: { [managementKey]: FAKE_KEYS.management } });
    const session = createManagementSession(client());
    const before = fake.requestsTo('/credits').length;
    const [a, b] = await Promise.all([session.credits(), session.credits()]);
    expect(a).toBe(b);
    expect(fake.requestsTo('/credits').length).toBe(before + 1);
    expect(session.keyEnv).toBe('OPENROUTER_MANAGEMENT_KEY');
  });
});

describe('listAllKeys', () => {
  it('stops at a short page, offsets counting the keys seen', async () => {
    const scripted = scriptedClient([
      entries(KEYS_PAGE_SIZE),
      entries(KEYS_PAGE_SIZE).map((key) => ({ ...key, hash: `b${key.hash}` })),
      entries(3).map((key) => ({ ...key, hash: `c${key.hash}` })),
    ]);
    const answer = await listAllKeys(scripted, 20);
    expect(scripted.offsets).toEqual([0, 100, 200]);
    expect(answer.ok && { count: answer.data.keys.length, complete: answer.data.complete, attempts: answer.attempts }).toEqual({
      count: 203,
      complete: true,
      attempts: 3,
    });
  });

  it('an empty account: one request, complete', async () => {
    const scripted = scriptedClient([[]]);
    const answer = await listAllKeys(scripted);
    expect(answer.ok && answer.data).toEqual({ keys: [], complete: true });
    expect(scripted.offsets).toEqual([0]);
  });

  it('a server that ignores offset: the cap ends it, each key kept once, reported incomplete', async () => {
    const page = entries(KEYS_PAGE_SIZE);
    const scripted = scriptedClient([page, page, page, page]);
    const answer = await listAllKeys(scripted, 3);
    expect(scripted.offsets).toEqual([0, 100, 200]);
    expect(answer.ok && { count: answer.data.keys.length, complete: answer.data.complete }).toEqual({ count: 100, complete: false });
  });

  it('a failing page is the answer, with every attempt counted', async () => {
    const answer = await listAllKeys(scriptedClient([entries(KEYS_PAGE_SIZE), 'fail']));
    expect(answer).toEqual({ ok: false, error: { kind: 'http', status: 500, method: 'GET', path: '/keys', message: 'Internal Server Error', attempts: 3 } });
  });
});

describe('findAuditedKey', () => {
  const audited: KeyData = {
    label: 'sk-or-v1-abc...1234',
    limit: 10,
    limit_remaining: 5,
    limit_reset: 'monthly',
    usage: 5,
    is_free_tier: false,
    is_management_key: false,
    creator_user_id: 'user_a',
    expires_at: null,
  };
  const entry = (hash: string, overrides: Partial<ManagedKey> = {}): ManagedKey => ({
    hash,
    label: audited.label,
    created_at: '2026-01-01T00:00:00Z',
    limit: 10,
    limit_reset: 'monthly',
    creator_user_id: 'user_a',
    expires_at: null,
    ...overrides,
  });
  const cases: { name: string; keys: ManagedKey[]; expected: AuditedKeyMatch | { kind: 'found'; hash: string } }[] = [
    { name: 'one entry with the label', keys: [entry('a'), entry('b', { label: 'sk-or-v1-def...5678' })], expected: { kind: 'found', hash: 'a' } },
    { name: 'no entry with the label', keys: [entry('b', { label: 'sk-or-v1-def...5678' })], expected: { kind: 'not-found' } },
    { name: 'no entries', keys: [], expected: { kind: 'not-found' } },
    {
      name: 'the label alone decides, whatever the other fields say',
      keys: [entry('a', { limit: null, creator_user_id: 'user_b' })],
      expected: { kind: 'found', hash: 'a' },
    },
    {
      name: 'a collision told apart by disabled',
      keys: [entry('a', { disabled: true }), entry('b', { disabled: false })],
      expected: { kind: 'found', hash: 'b' },
    },
    { name: 'a collision told apart by limit', keys: [entry('a', { limit: 20 }), entry('b')], expected: { kind: 'found', hash: 'b' } },
    { name: 'a collision told apart by limit_reset', keys: [entry('a', { limit_reset: 'daily' }), entry('b')], expected: { kind: 'found', hash: 'b' } },
    {
      name: 'a collision told apart by expires_at',
      keys: [entry('a'), entry('b', { expires_at: '2027-01-01T00:00:00Z' })],
      expected: { kind: 'found', hash: 'a' },
    },
    { name: 'a collision told apart by creator', keys: [entry('a', { creator_user_id: 'user_b' }), entry('b')], expected: { kind: 'found', hash: 'b' } },
    { name: 'a collision nothing tells apart', keys: [entry('a'), entry('b'), entry('c', { limit: 1 })], expected: { kind: 'ambiguous', count: 2 } },
  ];
  it.each(cases)('$name', ({ keys, expected }) => {
    const match = findAuditedKey(audited, keys);
    if (expected.kind === 'found' && 'hash' in expected) expect(match.kind === 'found' && match.key.hash).toBe(expected.hash);
    else expect(match).toEqual(expected);
  });
});
