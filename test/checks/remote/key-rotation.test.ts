import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import check from '../../../src/checks/key-rotation.js';
import type { CheckOptionValues, Severity } from '../../../src/checks/types.js';
import { DEFAULT_ERROR_MESSAGES, fakeLabel, fakeManagedKey, NOT_A_MANAGEMENT_KEY_MESSAGE } from '../../support/fake-openrouter.js';
import type { FakeManagedKey, FakeScenario } from '../../support/fake-openrouter.js';
import { generateKey } from '../../support/workspace.js';
import { ManagementFixture } from './management-context.js';
import type { ManagementSessionOptions } from './management-context.js';
import { RemoteFixture } from './remote-context.js';
import type { Verdict } from './remote-context.js';

const remote = new RemoteFixture();
const management = new ManagementFixture(remote);
const { key } = remote;
const label = fakeLabel(key);
beforeAll(() => remote.start());
afterEach(async () => {
  await management.closeSessions();
  await remote.closeSessions();
});
afterAll(() => remote.close());

const DAY_MS = 24 * 60 * 60 * 1000;
/** Now minus `days` days and an hour: the check counts exactly `days` whole days. */
function daysAgo(days: number): string {
  return new Date(Date.now() - days * DAY_MS - 3_600_000).toISOString();
}
const dateOf = (iso: string): string => iso.slice(0, 10);

/** Other keys of the account, none of them the audited one. */
const others = (count: number, from = 0): FakeManagedKey[] =>
  Array.from({ length: count }, (_, index) => fakeManagedKey(generateKey(), { name: `key ${from + index}`, created_at: daysAgo(400) }));

const audited = (overrides: Partial<FakeManagedKey> = {}): FakeManagedKey => fakeManagedKey(key, overrides);

const SKIP_NO_MANAGEMENT =
  'no management key: set OPENROUTER_MANAGEMENT_KEY to a management key (openrouter.ai/settings/management-keys) to read when the key was created';
const rotate = (name: string, created: string, days: number, maximum = 90): string =>
  `the key in OPENROUTER_API_KEY ("${name}", ${label}) was created on ${dateOf(created)}, ${days} days ago (maximum ${maximum} days): ` +
  'create a new key, deploy it, then disable this one';

interface Case {
  name: string;
  scenario: FakeScenario;
  options?: CheckOptionValues;
  severity?: Severity;
  session?: ManagementSessionOptions;
  expected: Verdict;
}

const young = daysAgo(30);
const old = daysAgo(120);
const boundary = daysAgo(90);
const today = new Date(Date.now() - 60_000).toISOString();
const unknownKey = generateKey();
const inferenceOnly = generateKey();

const cases: Case[] = [
  {
    name: 'a key created 30 days ago',
    scenario: { managedKeys: [...others(2), audited({ created_at: young })] },
    expected: { status: 'pass', findings: [], summary: `key "Production", ${label} created ${dateOf(young)}, 30 days ago (maximum 90 days)` },
  },
  {
    name: 'a key created 120 days ago',
    scenario: { managedKeys: [audited({ name: 'web prod', created_at: old }), ...others(3)] },
    expected: {
      status: 'warn',
      findings: [{ severity: 'warn', message: rotate('web prod', old, 120) }],
      summary: `key "web prod", ${label} created ${dateOf(old)}, 120 days ago (maximum 90 days)`,
    },
  },
  {
    name: 'exactly max_age_days old is still fine',
    scenario: { managedKeys: [audited({ created_at: boundary })] },
    expected: { status: 'pass', findings: [], summary: `key "Production", ${label} created ${dateOf(boundary)}, 90 days ago (maximum 90 days)` },
  },
  {
    name: 'created today',
    scenario: { managedKeys: [audited({ created_at: today })] },
    expected: { status: 'pass', findings: [], summary: `key "Production", ${label} created ${dateOf(today)}, today (maximum 90 days)` },
  },
  {
    name: 'max_age_days 14, the check at error',
    scenario: { managedKeys: [audited({ created_at: young })] },
    options: { max_age_days: 14 },
    severity: 'error',
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: rotate('Production', young, 30, 14) }],
      summary: `key "Production", ${label} created ${dateOf(young)}, 30 days ago (maximum 14 days)`,
    },
  },
  {
    name: 'an entry without a name shows the label alone',
    scenario: { managedKeys: [audited({ created_at: young, name: undefined })] },
    expected: { status: 'pass', findings: [], summary: `key ${label} created ${dateOf(young)}, 30 days ago (maximum 90 days)` },
  },
  {
    name: 'the default listing: the fake derives the account from its known keys',
    scenario: {},
    expected: {
      status: 'warn',
      findings: [
        {
          severity: 'warn',
          message: expect.stringMatching(
            /^the key in OPENROUTER_API_KEY \("Production", sk-or-v1-[0-9a-f]{3}\.\.\.[0-9a-f]{4}\) was created on 2025-02-19, \d+ days ago/,
          ) as string,
        },
      ],
      summary: expect.stringMatching(/ created 2025-02-19, \d+ days ago \(maximum 90 days\)$/) as string,
    },
  },
  {
    name: 'labels collide: the entry whose limit matches /key is the one',
    scenario: {
      keys: management.keys({ limit: 10, limit_remaining: 4, limit_reset: 'monthly' }),
      managedKeys: [audited({ created_at: old, limit: null }), audited({ hash: 'b'.repeat(64), created_at: young, limit: 10, limit_reset: 'monthly' })],
    },
    expected: { status: 'pass', findings: [], summary: `key "Production", ${label} created ${dateOf(young)}, 30 days ago (maximum 90 days)` },
  },
  {
    name: 'labels collide and nothing tells the entries apart',
    scenario: { managedKeys: [audited({ created_at: old }), audited({ hash: 'c'.repeat(64), created_at: young })] },
    expected: { status: 'skip', reason: `2 of the account's keys share the label ${label}: cannot tell which one is in OPENROUTER_API_KEY` },
  },
  {
    name: 'the key is not among the account keys',
    scenario: { managedKeys: others(3) },
    expected: {
      status: 'skip',
      reason: `the key in OPENROUTER_API_KEY (${label}) is not among the 3 keys OPENROUTER_MANAGEMENT_KEY lists: it belongs to another account or workspace`,
    },
  },
  {
    name: 'an account with one key, not this one',
    scenario: { managedKeys: others(1) },
    expected: {
      status: 'skip',
      reason: `the key in OPENROUTER_API_KEY (${label}) is not among the 1 key OPENROUTER_MANAGEMENT_KEY lists: it belongs to another account or workspace`,
    },
  },
  {
    name: 'the key on the third page of /keys',
    scenario: { managedKeys: [...others(230), audited({ created_at: old }), ...others(19, 230)] },
    expected: {
      status: 'warn',
      findings: [{ severity: 'warn', message: rotate('Production', old, 120) }],
      summary: `key "Production", ${label} created ${dateOf(old)}, 120 days ago (maximum 90 days)`,
    },
  },
  {
    name: 'the key past the page cap',
    scenario: { managedKeys: [...others(230), audited({ created_at: old })] },
    session: { maxPages: 2 },
    expected: {
      status: 'skip',
      reason: `the key in OPENROUTER_API_KEY (${label}) is not among the first 200 keys OPENROUTER_MANAGEMENT_KEY lists: it belongs to another account or workspace`,
    },
  },
  {
    name: 'no management key',
    scenario: {},
    session: { withManagement: false },
    expected: { status: 'skip', reason: SKIP_NO_MANAGEMENT },
  },
  {
    name: 'OPENROUTER_MANAGEMENT_KEY holds an inference key: 401 on /keys',
    scenario: { keys: { ...management.keys(), [inferenceOnly]: {} } },
    session: { managementKey: inferenceOnly },
    expected: {
      status: 'error',
      message:
        "cannot list the account's keys: the key in OPENROUTER_MANAGEMENT_KEY was refused " +
        `(401 Unauthorized from GET /keys: ${NOT_A_MANAGEMENT_KEY_MESSAGE}); it must be a management key, from openrouter.ai/settings/management-keys`,
    },
  },
  {
    name: 'OPENROUTER_MANAGEMENT_KEY holds an inference key: 403 on /keys',
    scenario: { keys: { ...management.keys(), [inferenceOnly]: {} }, nonManagementStatus: 403 },
    session: { managementKey: inferenceOnly },
    expected: {
      status: 'error',
      message:
        "cannot list the account's keys: the key in OPENROUTER_MANAGEMENT_KEY was refused " +
        `(403 Forbidden from GET /keys: ${NOT_A_MANAGEMENT_KEY_MESSAGE}); it must be a management key, from openrouter.ai/settings/management-keys`,
    },
  },
  {
    name: 'an unknown management key',
    scenario: {},
    session: { managementKey: unknownKey },
    expected: {
      status: 'error',
      message:
        "cannot list the account's keys: the key in OPENROUTER_MANAGEMENT_KEY was refused " +
        '(401 Unauthorized from GET /keys: User not found.); it must be a management key, from openrouter.ai/settings/management-keys',
    },
  },
  {
    name: 'the audited key refused',
    scenario: { keys: { [management.managementKey]: { is_management_key: true } } },
    expected: { status: 'error', message: 'cannot read the key: 401 Unauthorized from GET /key: User not found.' },
  },
  {
    name: '503 on /keys on every attempt',
    scenario: {
      faults: {
        '/keys': [
          { kind: 'status', status: 503 },
          { kind: 'status', status: 503 },
        ],
      },
    },
    expected: {
      status: 'error',
      message: `cannot list the account's keys: 503 Service Unavailable from GET /keys (2 attempts): ${DEFAULT_ERROR_MESSAGES[503]}`,
    },
  },
  {
    name: 'a /keys entry without a label',
    scenario: { faults: { '/keys': [{ kind: 'wrong-shape' }] } },
    expected: { status: 'error', message: "cannot list the account's keys: malformed answer from GET /keys: data[0].label is missing" },
  },
  {
    name: 'a created_at that is not a date',
    scenario: { managedKeys: [audited({ created_at: 'yesterday' })] },
    expected: { status: 'error', message: `malformed answer from GET /keys: created_at of ${label} is not a date (yesterday)` },
  },
];

describe('key-rotation', () => {
  it.each(cases)('$name', async ({ scenario, options, severity, session, expected }) => {
    management.serve(scenario);
    const verdict = await management.verdictOf(check, {
      ...(options && { options }),
      ...(severity && { severity }),
      ...(session && { management: session }),
    });
    expect(verdict).toEqual(expected);
  });

  it('follows /keys page by page with offset, and sends the management key only there', async () => {
    management.serve({ managedKeys: [...others(230), audited({ created_at: young })] });
    const since = remote.mark();
    await management.verdictOf(check);
    expect(since('/keys').map((request) => request.query.offset ?? '0')).toEqual(['0', '100', '200']);
    expect(since('/keys').every((request) => request.headers.authorization === `Bearer ${management.managementKey}`)).toBe(true);
    expect(since('/key').map((request) => request.headers.authorization)).toEqual([`Bearer ${key}`]);
  });

  it('lists the keys once per session, however many checks ask', async () => {
    management.serve({ managedKeys: [audited({ created_at: young })] });
    const session = management.session();
    const since = remote.mark();
    await management.verdictOf(check, { remote: session });
    await management.verdictOf(check, { remote: session });
    expect(since('/keys')).toHaveLength(1);
  });

  it('never shows either key in a message, summary or error', () => {
    expect(remote.shown.length).toBeGreaterThan(cases.length);
    management.expectKeysNeverShown();
  });
});
