/**
 * The remote checks run side by side with one session: `/key`, `/models` and `/models/user` are asked
 * once and the answer, good or bad, is shared, so five checks cost one of each (plus the endpoints of
 * each fallback, and the primary's one paid probe).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import auth from '../../../src/checks/auth.js';
import creditLimit from '../../../src/checks/credit-limit.js';
import fallbackReachability from '../../../src/checks/fallback-reachability.js';
import modelAvailability from '../../../src/checks/model-availability.js';
import testCompletion from '../../../src/checks/test-completion.js';
import type { Check } from '../../../src/checks/types.js';
import type { ModelsConfig } from '../../../src/config/config.js';
import { DEFAULT_ERROR_MESSAGES, FAKE_KEYS, fakeKeyData, fakeModel } from '../../support/fake-openrouter.js';
import type { FakeRoute, FakeScenario } from '../../support/fake-openrouter.js';
import { RemoteFixture } from './remote-context.js';
import type { Verdict } from './remote-context.js';

const remote = new RemoteFixture();
const { key } = remote;
beforeAll(() => remote.start());
afterEach(() => remote.closeSessions());
afterAll(() => remote.close());

const MINI = 'openai/gpt-4o-mini';
const SONNET = 'anthropic/claude-3.7-sonnet';
const GEMINI = 'google/gemini-2.0-flash-001';
const CATALOGUE = [fakeModel(MINI), fakeModel(SONNET), fakeModel(GEMINI)];
const MODELS: ModelsConfig = { primary: MINI, fallbacks: [SONNET, GEMINI], required: [] };
const label = fakeKeyData(key).label;

interface Case {
  name: string;
  checks: Check[];
  scenario: FakeScenario;
  /** Requests per route for the whole group. */
  requests: Partial<Record<FakeRoute, number>>;
  /** Each check's status, by id. */
  statuses: Record<string, Verdict['status']>;
}

const cases: Case[] = [
  {
    name: 'auth and credit-limit: one GET /key',
    checks: [auth, creditLimit],
    scenario: { keys: { [key]: FAKE_KEYS.limited }, latencyMs: 50 },
    requests: { '/key': 1 },
    statuses: { auth: 'pass', 'credit-limit': 'pass' },
  },
  {
    name: 'auth and credit-limit on a legacy server: one /key, one /auth/key',
    checks: [auth, creditLimit],
    scenario: { keys: { [key]: FAKE_KEYS.limited }, legacyKeyEndpointOnly: true },
    requests: { '/key': 1, '/auth/key': 1 },
    statuses: { auth: 'pass', 'credit-limit': 'pass' },
  },
  {
    name: 'auth and credit-limit share a failure too: 2 attempts, not 4',
    checks: [auth, creditLimit],
    scenario: {
      keys: { [key]: FAKE_KEYS.limited },
      faults: {
        '/key': [
          { kind: 'status', status: 503 },
          { kind: 'status', status: 503 },
        ],
      },
    },
    requests: { '/key': 2 },
    statuses: { auth: 'error', 'credit-limit': 'error' },
  },
  {
    name: 'model-availability and fallback-reachability: one GET /models',
    checks: [modelAvailability, fallbackReachability],
    scenario: { keys: { [key]: FAKE_KEYS.limited }, models: CATALOGUE, latencyMs: 50 },
    requests: { '/models': 1, '/models/user': 1, '/models/{author}/{slug}/endpoints': 2 },
    statuses: { 'model-availability': 'pass', 'fallback-reachability': 'pass' },
  },
  {
    name: 'all five: one /key, one /models, one /models/user, endpoints per fallback, one paid probe for the primary',
    checks: [auth, creditLimit, modelAvailability, testCompletion, fallbackReachability],
    scenario: { keys: { [key]: FAKE_KEYS.limited }, models: CATALOGUE, latencyMs: 50 },
    requests: { '/key': 1, '/models': 1, '/models/user': 1, '/models/{author}/{slug}/endpoints': 2, '/chat/completions': 1 },
    statuses: { auth: 'pass', 'credit-limit': 'pass', 'model-availability': 'pass', 'test-completion': 'pass', 'fallback-reachability': 'pass' },
  },
];

describe('remote checks share one session', () => {
  it.each(cases)('$name', async ({ checks, scenario, requests, statuses }) => {
    remote.serve(scenario);
    const since = remote.mark();
    const session = remote.session();
    const verdicts = await Promise.all(checks.map((check) => remote.verdictOf(check, { models: MODELS, remote: session })));
    expect(Object.fromEntries(checks.map(({ id }, index) => [id, verdicts[index]!.status]))).toEqual(statuses);
    const counted = Object.fromEntries(Object.keys(requests).map((route) => [route, since(route as FakeRoute).length]));
    expect(counted).toEqual(requests);
    expect(since().length).toBe(Object.values(requests).reduce((sum, count) => sum + count, 0));
  });

  it('both key checks report the one shared failure in their own words', async () => {
    remote.serve({
      keys: { [key]: FAKE_KEYS.limited },
      faults: {
        '/key': [
          { kind: 'status', status: 503 },
          { kind: 'status', status: 503 },
        ],
      },
    });
    const session = remote.session();
    const cause = `503 Service Unavailable from GET /key (2 attempts): ${DEFAULT_ERROR_MESSAGES[503]}`;
    expect(await Promise.all([auth, creditLimit].map((check) => remote.verdictOf(check, { remote: session })))).toEqual([
      { status: 'error', message: `cannot verify the key: ${cause}` },
      { status: 'error', message: `cannot read the key's limit: ${cause}` },
    ]);
  });

  it('a later check reuses the answer an earlier one got', async () => {
    remote.serve({ keys: { [key]: FAKE_KEYS.nearlySpent }, models: CATALOGUE });
    const since = remote.mark();
    const session = remote.session();
    expect(await remote.verdictOf(auth, { remote: session })).toEqual({
      status: 'pass',
      findings: [],
      summary: `key ${label} accepted: paid account, no expiry`,
    });
    // The key is spent in the meantime: the run still judges the one answer it read.
    remote.serve({ keys: { [key]: FAKE_KEYS.exhausted }, models: CATALOGUE });
    expect(await remote.verdictOf(creditLimit, { remote: session })).toMatchObject({ summary: '$4.98 used of a $5.00 limit, $0.02 left, never resets' });
    expect(since('/key')).toHaveLength(1);
  });

  it('never shows the key in a message, summary or error', () => {
    expect(remote.shown.length).toBeGreaterThan(cases.length);
    remote.expectKeyNeverShown();
  });
});
