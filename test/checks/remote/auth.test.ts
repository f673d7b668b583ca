import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import check from '../../../src/checks/auth.js';
import type { CheckOptionValues, Severity } from '../../../src/checks/types.js';
import { maskKey } from '../../../src/workspace/secrets.js';
import { DEFAULT_ERROR_MESSAGES, FAKE_KEYS, fakeKeyData } from '../../support/fake-openrouter.js';
import type { FakeKeyData, FakeScenario } from '../../support/fake-openrouter.js';
import { RemoteFixture } from './remote-context.js';
import type { Verdict } from './remote-context.js';

const remote = new RemoteFixture();
const { key } = remote;
beforeAll(() => remote.start());
afterEach(() => remote.closeSessions());
afterAll(() => remote.close());

/** The label OpenRouter shows for the key: its start and end, never all of it. */
const label = fakeKeyData(key).label;
const PAID = 'paid account';
const FREE = 'free tier (never bought credits: 50 free-model requests a day)';
const MANAGEMENT = 'the key in OPENROUTER_API_KEY is a management key: it cannot make completions and can create or delete keys; give the app an inference key';
/** The fake's `expiring` key expires three days after the fake was loaded. */
const EXPIRING_DATE = FAKE_KEYS.expiring.expires_at.slice(0, 10);

interface Case {
  name: string;
  scenario: FakeScenario;
  options?: CheckOptionValues;
  severity?: Severity;
  expected: Verdict;
}

const withKey = (data: Partial<FakeKeyData>, extra: FakeScenario = {}): FakeScenario => ({
  keys: { [key]: data },
  ...extra,
});

const cases: Case[] = [
  {
    name: 'a healthy key on a paid account, no expiry',
    scenario: withKey(FAKE_KEYS.limited),
    expected: { status: 'pass', findings: [], summary: `key ${label} accepted: ${PAID}, no expiry` },
  },
  {
    name: 'a free-tier account',
    scenario: withKey(FAKE_KEYS.freeTier),
    expected: { status: 'pass', findings: [], summary: `key ${label} accepted: ${FREE}, no expiry` },
  },
  {
    name: 'an answer from before expires_at, limit_reset and is_management_key existed',
    scenario: withKey(FAKE_KEYS.beforeNewerFields),
    expected: { status: 'pass', findings: [], summary: `key ${label} accepted: ${PAID}, no expiry` },
  },
  {
    name: 'a management key',
    scenario: withKey(FAKE_KEYS.management),
    expected: { status: 'fail', findings: [{ severity: 'error', message: MANAGEMENT }], summary: `key ${label} accepted: ${PAID}, no expiry` },
  },
  {
    name: 'a management key flagged only by the deprecated is_provisioning_key',
    scenario: withKey({ is_management_key: undefined, is_provisioning_key: true }),
    expected: { status: 'fail', findings: [{ severity: 'error', message: MANAGEMENT }], summary: `key ${label} accepted: ${PAID}, no expiry` },
  },
  {
    name: 'a management key, the check set to warn',
    scenario: withKey(FAKE_KEYS.management),
    severity: 'warn',
    expected: { status: 'warn', findings: [{ severity: 'warn', message: MANAGEMENT }], summary: `key ${label} accepted: ${PAID}, no expiry` },
  },
  {
    name: 'a key expiring in 3 days (default warn_days 14)',
    scenario: withKey(FAKE_KEYS.expiring),
    expected: {
      status: 'warn',
      findings: [{ severity: 'warn', message: `the key expires on ${EXPIRING_DATE}, in 3 days: rotate it before then` }],
      summary: `key ${label} accepted: ${PAID}, expires ${EXPIRING_DATE}`,
    },
  },
  {
    name: 'a key expiring in 3 days with warn_days 0',
    scenario: withKey(FAKE_KEYS.expiring),
    options: { warn_days: 0 },
    expected: { status: 'pass', findings: [], summary: `key ${label} accepted: ${PAID}, expires ${EXPIRING_DATE}` },
  },
  {
    name: 'a key expiring in 3 days with warn_days 3',
    scenario: withKey(FAKE_KEYS.expiring),
    options: { warn_days: 3 },
    expected: {
      status: 'warn',
      findings: [{ severity: 'warn', message: `the key expires on ${EXPIRING_DATE}, in 3 days: rotate it before then` }],
      summary: `key ${label} accepted: ${PAID}, expires ${EXPIRING_DATE}`,
    },
  },
  {
    name: 'an expired key',
    scenario: withKey(FAKE_KEYS.expired),
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: 'the key expired on 2025-01-01: create a new key and deploy it' }],
      summary: `key ${label} accepted: ${PAID}, expires 2025-01-01`,
    },
  },
  {
    name: 'an expired management key: both problems',
    scenario: withKey({ ...FAKE_KEYS.management, ...FAKE_KEYS.expired }),
    expected: {
      status: 'fail',
      findings: [
        { severity: 'error', message: MANAGEMENT },
        { severity: 'error', message: 'the key expired on 2025-01-01: create a new key and deploy it' },
      ],
      summary: `key ${label} accepted: ${PAID}, expires 2025-01-01`,
    },
  },
  {
    name: 'a key OpenRouter does not know: 401',
    scenario: { keys: {} },
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: 'the key in OPENROUTER_API_KEY was refused: 401 Unauthorized from GET /key: User not found.' }],
    },
  },
  {
    name: 'a 403 on /key',
    scenario: withKey(FAKE_KEYS.limited, { faults: { '/key': [{ kind: 'status', status: 403, message: 'Forbidden for this key' }] } }),
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: 'the key in OPENROUTER_API_KEY was refused: 403 Forbidden from GET /key: Forbidden for this key' }],
    },
  },
  {
    name: 'a server with only the legacy /auth/key',
    scenario: withKey(FAKE_KEYS.limited, { legacyKeyEndpointOnly: true }),
    expected: { status: 'pass', findings: [], summary: `key ${label} accepted: ${PAID}, no expiry, via the legacy /auth/key` },
  },
  {
    name: 'a 401 from the legacy /auth/key',
    scenario: { keys: {}, faults: { '/key': [{ kind: 'status', status: 404 }] } },
    expected: {
      status: 'fail',
      findings: [
        { severity: 'error', message: 'the key in OPENROUTER_API_KEY was refused: 401 Unauthorized from GET /auth/key (2 attempts): User not found.' },
      ],
    },
  },
  {
    name: '500 on /key on every attempt',
    scenario: withKey(FAKE_KEYS.limited, {
      faults: {
        '/key': [
          { kind: 'status', status: 500 },
          { kind: 'status', status: 500 },
        ],
      },
    }),
    expected: { status: 'error', message: 'cannot verify the key: 500 Internal Server Error from GET /key (2 attempts): Internal Server Error' },
  },
  {
    name: 'a 500 then an answer: the retry succeeds',
    scenario: withKey(FAKE_KEYS.limited, { faults: { '/key': [{ kind: 'status', status: 500 }] } }),
    expected: { status: 'pass', findings: [], summary: `key ${label} accepted: ${PAID}, no expiry` },
  },
  {
    name: 'a 429 with Retry-After on every attempt',
    scenario: withKey(FAKE_KEYS.limited, {
      faults: {
        '/key': [
          { kind: 'status', status: 429, retryAfter: 2 },
          { kind: 'status', status: 429, retryAfter: 2 },
        ],
      },
    }),
    expected: {
      status: 'error',
      message: `cannot verify the key: 429 Too Many Requests from GET /key (2 attempts): ${DEFAULT_ERROR_MESSAGES[429]} (retry after 2 s)`,
    },
  },
  {
    name: 'malformed JSON from /key',
    scenario: withKey(FAKE_KEYS.limited, { faults: { '/key': [{ kind: 'malformed-json' }] } }),
    expected: { status: 'error', message: 'cannot verify the key: malformed answer from GET /key: not JSON (content-type application/json)' },
  },
  {
    name: 'JSON of the wrong shape from /key',
    scenario: withKey(FAKE_KEYS.limited, { faults: { '/key': [{ kind: 'wrong-shape' }] } }),
    expected: { status: 'error', message: 'cannot verify the key: malformed answer from GET /key: data.limit is missing' },
  },
  {
    name: "a proxy's HTML error page",
    scenario: withKey(FAKE_KEYS.limited, {
      faults: {
        '/key': [
          { kind: 'status', status: 502, rawBody: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
          { kind: 'status', status: 502, rawBody: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
        ],
      },
    }),
    expected: { status: 'error', message: 'cannot verify the key: 502 Bad Gateway from GET /key (2 attempts): 502 Bad Gateway' },
  },
];

describe('auth', () => {
  it.each(cases)('$name', async ({ scenario, options, severity, expected }) => {
    remote.serve(scenario);
    expect(await remote.verdictOf(check, { ...(options && { options }), ...(severity && { severity }) })).toEqual(expected);
  });

  it('a connection dropped on every attempt: error, after the retries', async () => {
    remote.serve(withKey(FAKE_KEYS.limited, { faults: { '/key': [{ kind: 'close-connection' }, { kind: 'close-connection' }] } }));
    const verdict = await remote.verdictOf(check);
    expect(verdict).toEqual({ status: 'error', message: expect.stringMatching(/^cannot verify the key: connection .* \(2 attempts\) on GET \/key$/) });
  });

  it('a server that echoes the key in its error shows it masked', async () => {
    const said = `invalid credentials: ${key}`;
    remote.serve(withKey(FAKE_KEYS.limited, { faults: { '/key': [{ kind: 'status', status: 401, message: said }] } }));
    expect(await remote.verdictOf(check)).toEqual({
      status: 'fail',
      findings: [
        { severity: 'error', message: `the key in OPENROUTER_API_KEY was refused: 401 Unauthorized from GET /key: invalid credentials: ${maskKey(key)}` },
      ],
    });
  });

  it('asks GET /key once, with the key as a bearer token', async () => {
    remote.serve(withKey(FAKE_KEYS.limited));
    const since = remote.mark();
    await remote.verdictOf(check);
    expect(since().map(({ method, path }) => `${method} ${path}`)).toEqual(['GET /api/v1/key']);
    expect(since('/key')[0]?.headers.authorization).toBe(`Bearer ${key}`);
  });

  it('never shows the key in a message, summary or error', () => {
    expect(remote.shown.length).toBeGreaterThan(cases.length);
    remote.expectKeyNeverShown();
  });
});
