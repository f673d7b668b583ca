import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import check from '../../../src/checks/credit-balance.js';
import type { CheckOptionValues, Severity } from '../../../src/checks/types.js';
import { DEFAULT_ERROR_MESSAGES, NOT_A_MANAGEMENT_KEY_MESSAGE } from '../../support/fake-openrouter.js';
import type { FakeScenario } from '../../support/fake-openrouter.js';
import { generateKey } from '../../support/workspace.js';
import { ManagementFixture } from './management-context.js';
import type { ManagementSessionOptions } from './management-context.js';
import { RemoteFixture } from './remote-context.js';
import type { Verdict } from './remote-context.js';

const remote = new RemoteFixture();
const management = new ManagementFixture(remote);
beforeAll(() => remote.start());
afterEach(async () => {
  await management.closeSessions();
  await remote.closeSessions();
});
afterAll(() => remote.close());

interface Case {
  name: string;
  scenario: FakeScenario;
  options?: CheckOptionValues;
  severity?: Severity;
  session?: ManagementSessionOptions;
  expected: Verdict;
}

const inferenceOnly = generateKey();
const LOW = (left: string, minimum = '$10.00'): string =>
  `only ${left} of the account's credits are left (minimum ${minimum}): requests fail with 402 once they run out; ` +
  'add credits or turn on auto top-up at openrouter.ai/settings/credits';
const REFUSED = (status: string): string =>
  "cannot read the account's credits: the key in OPENROUTER_MANAGEMENT_KEY was refused " +
  `(${status} from GET /credits: ${NOT_A_MANAGEMENT_KEY_MESSAGE}); it must be a management key, from openrouter.ai/settings/management-keys`;

const cases: Case[] = [
  {
    name: 'the default account: $37.66 left',
    scenario: {},
    expected: { status: 'pass', findings: [], summary: '$37.66 of $50.00 credits left ($12.34 used)' },
  },
  {
    name: 'below the minimum',
    scenario: { credits: { total_credits: 25, total_usage: 20.5 } },
    expected: { status: 'warn', findings: [{ severity: 'warn', message: LOW('$4.50') }], summary: '$4.50 of $25.00 credits left ($20.50 used)' },
  },
  {
    name: 'exactly the minimum is enough, float noise aside',
    scenario: { credits: { total_credits: 30.3, total_usage: 20.3 } },
    expected: { status: 'pass', findings: [], summary: '$10.00 of $30.30 credits left ($20.30 used)' },
  },
  {
    name: 'a cent under the minimum',
    scenario: { credits: { total_credits: 30, total_usage: 20.01 } },
    expected: { status: 'warn', findings: [{ severity: 'warn', message: LOW('$9.99') }], summary: '$9.99 of $30.00 credits left ($20.01 used)' },
  },
  {
    name: 'min 100, the check at error',
    scenario: {},
    options: { min: 100 },
    severity: 'error',
    expected: { status: 'fail', findings: [{ severity: 'error', message: LOW('$37.66', '$100.00') }], summary: '$37.66 of $50.00 credits left ($12.34 used)' },
  },
  {
    name: 'min 0: only an empty account is a finding',
    scenario: { credits: { total_credits: 5, total_usage: 4.99 } },
    options: { min: 0 },
    expected: { status: 'pass', findings: [], summary: '$0.01 of $5.00 credits left ($4.99 used)' },
  },
  {
    name: 'no credits left',
    scenario: { credits: { total_credits: 10, total_usage: 10 } },
    expected: {
      status: 'warn',
      findings: [
        {
          severity: 'warn',
          message: 'the account has no credits left ($0.00): every paid request fails with 402 until credits are added at openrouter.ai/settings/credits',
        },
      ],
      summary: '$0.00 of $10.00 credits left ($10.00 used)',
    },
  },
  {
    name: 'overspent: a negative balance',
    scenario: { credits: { total_credits: 10, total_usage: 10.42 } },
    expected: {
      status: 'warn',
      findings: [
        {
          severity: 'warn',
          message: 'the account has no credits left (-$0.42): every paid request fails with 402 until credits are added at openrouter.ai/settings/credits',
        },
      ],
      summary: '-$0.42 of $10.00 credits left ($10.42 used)',
    },
  },
  {
    name: 'an account that never bought credits',
    scenario: { credits: { total_credits: 0, total_usage: 0 } },
    expected: {
      status: 'warn',
      findings: [
        {
          severity: 'warn',
          message: 'the account has no credits left ($0.00): every paid request fails with 402 until credits are added at openrouter.ai/settings/credits',
        },
      ],
      summary: '$0.00 of $0.00 credits left ($0.00 used)',
    },
  },
  {
    name: 'no management key',
    scenario: {},
    session: { withManagement: false },
    expected: {
      status: 'skip',
      reason:
        "no management key: set OPENROUTER_MANAGEMENT_KEY to a management key (openrouter.ai/settings/management-keys) to read the account's credit balance",
    },
  },
  {
    name: 'OPENROUTER_MANAGEMENT_KEY holds an inference key: 403, as third parties report',
    scenario: { keys: { ...management.keys(), [inferenceOnly]: {} } },
    session: { managementKey: inferenceOnly },
    expected: { status: 'error', message: REFUSED('403 Forbidden') },
  },
  {
    name: 'OPENROUTER_MANAGEMENT_KEY holds an inference key: 401',
    scenario: { keys: { ...management.keys(), [inferenceOnly]: {} }, nonManagementStatus: 401 },
    session: { managementKey: inferenceOnly },
    expected: { status: 'error', message: REFUSED('401 Unauthorized') },
  },
  {
    name: '500 then 503 on /credits',
    scenario: {
      faults: {
        '/credits': [
          { kind: 'status', status: 500 },
          { kind: 'status', status: 503 },
        ],
      },
    },
    expected: {
      status: 'error',
      message: `cannot read the account's credits: 503 Service Unavailable from GET /credits (2 attempts): ${DEFAULT_ERROR_MESSAGES[503]}`,
    },
  },
  {
    name: 'a 503 then an answer: retried',
    scenario: { faults: { '/credits': [{ kind: 'status', status: 503 }] } },
    expected: { status: 'pass', findings: [], summary: '$37.66 of $50.00 credits left ($12.34 used)' },
  },
  {
    name: 'total_credits as a string',
    scenario: { faults: { '/credits': [{ kind: 'wrong-shape' }] } },
    expected: {
      status: 'error',
      message: `cannot read the account's credits: malformed answer from GET /credits: data.total_credits is not a number (got "50")`,
    },
  },
  {
    name: 'malformed JSON from /credits',
    scenario: { faults: { '/credits': [{ kind: 'malformed-json' }] } },
    expected: { status: 'error', message: "cannot read the account's credits: malformed answer from GET /credits: not JSON (content-type application/json)" },
  },
];

describe('credit-balance', () => {
  it.each(cases)('$name', async ({ scenario, options, severity, session, expected }) => {
    management.serve(scenario);
    const verdict = await management.verdictOf(check, {
      ...(options && { options }),
      ...(severity && { severity }),
      ...(session && { management: session }),
    });
    expect(verdict).toEqual(expected);
  });

  it('asks /credits with the management key only, once per session, and never calls /key', async () => {
    management.serve({});
    const session = management.session();
    const since = remote.mark();
    await management.verdictOf(check, { remote: session });
    await management.verdictOf(check, { remote: session });
    expect(since('/credits').map((request) => request.headers.authorization)).toEqual([`Bearer ${management.managementKey}`]);
    expect(since('/key')).toEqual([]);
  });

  it('a /credits that hangs: error, timed out', async () => {
    management.serve({ faults: { '/credits': [{ kind: 'hang' }] } });
    expect(await management.verdictOf(check, { management: { timeoutMs: 300, retries: 0 } })).toEqual({
      status: 'error',
      message: "cannot read the account's credits: timed out after 300 ms on GET /credits",
    });
  });

  it('never shows either key in a message, summary or error', () => {
    expect(remote.shown.length).toBeGreaterThan(cases.length);
    management.expectKeysNeverShown();
  });
});
