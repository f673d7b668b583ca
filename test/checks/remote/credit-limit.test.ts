import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import check from '../../../src/checks/credit-limit.js';
import type { CheckOptionValues, Severity } from '../../../src/checks/types.js';
import { DEFAULT_ERROR_MESSAGES, FAKE_KEYS } from '../../support/fake-openrouter.js';
import type { FakeKeyData, FakeScenario } from '../../support/fake-openrouter.js';
import { RemoteFixture } from './remote-context.js';
import type { Verdict } from './remote-context.js';

const remote = new RemoteFixture();
const { key } = remote;
beforeAll(() => remote.start());
afterEach(() => remote.closeSessions());
afterAll(() => remote.close());

interface Case {
  name: string;
  scenario: FakeScenario;
  options?: CheckOptionValues;
  severity?: Severity;
  expected: Verdict;
}

const withKey = (data: Partial<FakeKeyData>, extra: FakeScenario = {}): FakeScenario => ({ keys: { [key]: data }, ...extra });

const NO_LIMIT = 'the key in OPENROUTER_API_KEY has no credit limit: a leaked key could spend the whole account';
const NEARLY_SPENT = "only $0.02 of the key's $5.00 limit is left (minimum $1.00); requests will fail with 402 once it is spent, and this limit never resets";

const cases: Case[] = [
  {
    name: 'a limited key with headroom',
    scenario: withKey(FAKE_KEYS.limited),
    expected: { status: 'pass', findings: [], summary: '$2.50 used of a $10.00 limit, $7.50 left, resets monthly' },
  },
  {
    name: 'an unlimited key',
    scenario: withKey(FAKE_KEYS.unlimited),
    expected: { status: 'fail', findings: [{ severity: 'error', message: `${NO_LIMIT} ($0.01 used so far)` }] },
  },
  {
    name: 'an unlimited key that has spent a fraction of a cent',
    scenario: withKey({ ...FAKE_KEYS.unlimited, usage: 0.0000018 }),
    expected: { status: 'fail', findings: [{ severity: 'error', message: `${NO_LIMIT} ($0.0000018 used so far)` }] },
  },
  {
    name: 'an unlimited key, the check set to warn',
    scenario: withKey(FAKE_KEYS.unlimited),
    severity: 'warn',
    expected: { status: 'warn', findings: [{ severity: 'warn', message: `${NO_LIMIT} ($0.01 used so far)` }] },
  },
  {
    name: 'a nearly spent limit that never resets',
    scenario: withKey(FAKE_KEYS.nearlySpent),
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: NEARLY_SPENT }],
      summary: '$4.98 used of a $5.00 limit, $0.02 left, never resets',
    },
  },
  {
    name: 'a nearly spent limit that resets daily',
    scenario: withKey({ ...FAKE_KEYS.nearlySpent, limit_reset: 'daily' }),
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: "only $0.02 of the key's $5.00 limit is left (minimum $1.00); requests will fail with 402 once it is spent" }],
      summary: '$4.98 used of a $5.00 limit, $0.02 left, resets daily',
    },
  },
  {
    name: 'a limit without limit_remaining: the all-time usage, since the usage under the limit is unknown',
    scenario: withKey({ limit: 20, limit_remaining: null, limit_reset: 'weekly', usage: 3.25 }),
    expected: { status: 'pass', findings: [], summary: '$3.25 used in all, $20.00 limit, resets weekly' },
  },
  {
    name: 'a nearly spent limit with min_remaining 0',
    scenario: withKey(FAKE_KEYS.nearlySpent),
    options: { min_remaining: 0 },
    expected: { status: 'pass', findings: [], summary: '$4.98 used of a $5.00 limit, $0.02 left, never resets' },
  },
  {
    name: 'a limit with $7.50 left and min_remaining 10',
    scenario: withKey(FAKE_KEYS.limited),
    options: { min_remaining: 10 },
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: "only $7.50 of the key's $10.00 limit is left (minimum $10.00); requests will fail with 402 once it is spent" }],
      summary: '$2.50 used of a $10.00 limit, $7.50 left, resets monthly',
    },
  },
  {
    name: 'exactly min_remaining left is enough',
    scenario: withKey({ limit: 3, limit_remaining: 1, limit_reset: 'weekly' }),
    expected: { status: 'pass', findings: [], summary: '$2.00 used of a $3.00 limit, $1.00 left, resets weekly' },
  },
  {
    name: 'an exhausted limit',
    scenario: withKey(FAKE_KEYS.exhausted),
    expected: {
      status: 'fail',
      findings: [
        {
          severity: 'error',
          message: "the key's $5.00 limit is spent: every request fails with 402 until it is raised (it never resets)",
        },
      ],
      summary: '$5.00 used of a $5.00 limit, $0.00 left, never resets',
    },
  },
  {
    name: 'an answer from before limit_reset existed',
    scenario: withKey({ ...FAKE_KEYS.limited, ...FAKE_KEYS.beforeNewerFields }),
    expected: { status: 'pass', findings: [], summary: '$2.50 used of a $10.00 limit, $7.50 left, never resets' },
  },
  {
    name: 'the legacy /auth/key',
    scenario: withKey(FAKE_KEYS.limited, { legacyKeyEndpointOnly: true }),
    expected: { status: 'pass', findings: [], summary: '$2.50 used of a $10.00 limit, $7.50 left, resets monthly' },
  },
  {
    name: '503 on /key on every attempt',
    scenario: withKey(FAKE_KEYS.limited, {
      faults: {
        '/key': [
          { kind: 'status', status: 503 },
          { kind: 'status', status: 503 },
        ],
      },
    }),
    expected: {
      status: 'error',
      message: `cannot read the key's limit: 503 Service Unavailable from GET /key (2 attempts): ${DEFAULT_ERROR_MESSAGES[503]}`,
    },
  },
  {
    name: 'a refused key: the auth check reports it; this one cannot tell',
    scenario: { keys: {} },
    expected: { status: 'error', message: "cannot read the key's limit: 401 Unauthorized from GET /key: User not found." },
  },
  {
    name: 'malformed JSON from /key',
    scenario: withKey(FAKE_KEYS.limited, { faults: { '/key': [{ kind: 'malformed-json' }] } }),
    expected: { status: 'error', message: "cannot read the key's limit: malformed answer from GET /key: not JSON (content-type application/json)" },
  },
  {
    name: 'a limit that is not a number',
    scenario: withKey({ limit: '10' as unknown as number }),
    expected: { status: 'error', message: `cannot read the key's limit: malformed answer from GET /key: data.limit is not a number or null (got "10")` },
  },
];

describe('credit-limit', () => {
  it.each(cases)('$name', async ({ scenario, options, severity, expected }) => {
    remote.serve(scenario);
    expect(await remote.verdictOf(check, { ...(options && { options }), ...(severity && { severity }) })).toEqual(expected);
  });

  it('a /key that hangs: error, timed out', async () => {
    remote.serve(withKey(FAKE_KEYS.limited, { faults: { '/key': [{ kind: 'hang' }] } }));
    expect(await remote.verdictOf(check, { session: { timeoutMs: 300, retries: 0 } })).toEqual({
      status: 'error',
      message: "cannot read the key's limit: timed out after 300 ms on GET /key",
    });
  });

  // OpenRouter lets a key run slightly past its limit (charges land after the request), so limit_remaining can be negative.
  it('an overspent key shows its negative balance as -$0.12, not $-0.12', async () => {
    remote.serve(withKey({ limit: 5, limit_remaining: -0.12, limit_reset: null, usage: 5.12 }));
    const verdict = await remote.verdictOf(check);
    expect(verdict).toMatchObject({ status: 'fail', summary: '$5.12 used of a $5.00 limit, -$0.12 left, never resets' });
    expect(JSON.stringify(verdict)).not.toContain('$-');
  });

  it('never shows the key in a message, summary or error', () => {
    expect(remote.shown.length).toBeGreaterThan(cases.length);
    remote.expectKeyNeverShown();
  });
});
