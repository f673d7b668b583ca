import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import check from '../../../src/checks/fallback-reachability.js';
import type { Severity } from '../../../src/checks/types.js';
import type { RemoteApi } from '../../../src/openrouter/remote-api.js';
import { DEFAULT_ERROR_MESSAGES, fakeModel } from '../../support/fake-openrouter.js';
import type { FakeScenario } from '../../support/fake-openrouter.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../../support/time-limits.js';
import { answered, escapeRegExp, paidRequests, RemoteFixture, wholeLine } from './remote-context.js';
import type { Verdict } from './remote-context.js';

const remote = new RemoteFixture();
beforeAll(() => remote.start());
afterEach(() => remote.closeSessions());
afterAll(() => remote.close());

const MINI = 'openai/gpt-4o-mini';
const SONNET = 'anthropic/claude-3.7-sonnet';
const GEMINI = 'google/gemini-2.0-flash-001';
const CATALOGUE = [
  fakeModel(MINI),
  fakeModel(SONNET, { pricing: { prompt: '0.000003', completion: '0.000015' } }),
  fakeModel(GEMINI, { pricing: { prompt: '0.0000001', completion: '0.0000004' } }),
];
/** What a 1-token answer costs on the fake: 8 prompt tokens and 1 completion token at the model's prices. */
const COST: Record<string, string> = { [MINI]: '$0.0000018', [SONNET]: '$0.000039', [GEMINI]: '$0.0000012' };

const ONLY_ONE = 'only 1 fallback configured: keep at least 2, from different providers, so one outage cannot stop the app';
const OUT_OF_CREDITS = "out of credits: add credits at openrouter.ai/settings/credits or raise the key's limit";
const UNAVAILABLE = (model: string): string =>
  `${model}: 503 Service Unavailable from POST /chat/completions (2 attempts): ${DEFAULT_ERROR_MESSAGES[503]}`;

/** `N of M fallbacks answered: <model> answered in … ms, cost …; …; P paid requests (run budget 10)`, durations left open. */
const answeredSummary = (of: number, models: string[], paid = models.length): ReturnType<typeof expect.stringMatching> =>
  expect.stringMatching(
    wholeLine(
      `${models.length} of ${of} fallbacks answered`,
      models.length ? ': ' : '',
      models.map((model) => answered(model, COST[model]!)).join('; '),
      escapeRegExp(`; ${paidRequests(paid)}`),
    ),
  );

interface Case {
  name: string;
  fallbacks: string[];
  scenario?: FakeScenario;
  severity?: Severity;
  expected: Verdict;
  /** The models probed, in any order; every probe here takes one attempt unless it is retried. */
  probed: string[];
}

const cases: Case[] = [
  {
    name: 'two fallbacks that answer',
    fallbacks: [MINI, SONNET],
    expected: { status: 'pass', findings: [], summary: answeredSummary(2, [MINI, SONNET]) },
    probed: [MINI, SONNET],
  },
  {
    name: 'three fallbacks that answer, listed in config order',
    fallbacks: [GEMINI, MINI, SONNET],
    scenario: { faults: { '/chat/completions': [{ kind: 'slow', ms: 150 }] } },
    expected: { status: 'pass', findings: [], summary: answeredSummary(3, [GEMINI, MINI, SONNET]) },
    probed: [GEMINI, MINI, SONNET],
  },
  {
    name: 'a fallback configured twice is probed once',
    fallbacks: [MINI, SONNET, MINI],
    expected: { status: 'pass', findings: [], summary: answeredSummary(2, [MINI, SONNET]) },
    probed: [MINI, SONNET],
  },
  {
    name: 'only one fallback',
    fallbacks: [MINI],
    expected: { status: 'warn', findings: [{ severity: 'warn', message: ONLY_ONE }], summary: answeredSummary(1, [MINI]) },
    probed: [MINI],
  },
  {
    name: 'a fallback missing from the catalogue is not probed',
    fallbacks: [MINI, 'vendor/missing'],
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: 'vendor/missing: does not exist on OpenRouter' }],
      summary: answeredSummary(2, [MINI]),
    },
    probed: [MINI],
  },
  {
    name: 'a routing suffix is looked up behind it and probed as written',
    fallbacks: [`${MINI}:nitro`, SONNET],
    scenario: { completions: { [`${MINI}:nitro`]: 'ok' } },
    expected: {
      status: 'pass',
      findings: [],
      summary: expect.stringMatching(
        wholeLine('2 of 2 fallbacks answered: ', answered(`${MINI}:nitro`, '$0.00'), '; ', answered(SONNET, COST[SONNET]!), escapeRegExp(`; ${paidRequests(2)}`)),
      ),
    },
    probed: [`${MINI}:nitro`, SONNET],
  },
  {
    name: 'one 402 and one 503 on every attempt: both are findings',
    fallbacks: [MINI, SONNET],
    scenario: { completions: { [MINI]: { status: 402 }, [SONNET]: { status: 503 } } },
    expected: {
      status: 'fail',
      findings: [
        { severity: 'error', message: `${MINI}: ${OUT_OF_CREDITS} (402 Payment Required from POST /chat/completions: ${DEFAULT_ERROR_MESSAGES[402]})` },
        { severity: 'error', message: UNAVAILABLE(SONNET) },
      ],
      summary: `0 of 2 fallbacks answered; ${paidRequests(3)}`,
    },
    probed: [MINI, SONNET, SONNET],
  },
  {
    name: 'problems are listed in the config order, the unreachable among the refused',
    fallbacks: [SONNET, MINI, GEMINI],
    scenario: { completions: { [SONNET]: { status: 503 }, [MINI]: { status: 404, availability: 'model_deprecated' } } },
    expected: {
      status: 'fail',
      findings: [
        { severity: 'error', message: UNAVAILABLE(SONNET) },
        { severity: 'error', message: `${MINI}: cannot be used (404 Not Found from POST /chat/completions: Not Found)` },
      ],
      summary: answeredSummary(3, [GEMINI], 4),
    },
    probed: [SONNET, SONNET, MINI, GEMINI],
  },
  {
    name: 'a refused single fallback: the refusal and the advice',
    fallbacks: [MINI],
    scenario: { completions: { [MINI]: { status: 402 } } },
    expected: {
      status: 'fail',
      findings: [
        { severity: 'error', message: `${MINI}: ${OUT_OF_CREDITS} (402 Payment Required from POST /chat/completions: ${DEFAULT_ERROR_MESSAGES[402]})` },
        { severity: 'warn', message: ONLY_ONE },
      ],
      summary: `0 of 1 fallbacks answered; ${paidRequests(1)}`,
    },
    probed: [MINI],
  },
  {
    name: 'a missing fallback, the check set to warn',
    fallbacks: [MINI, 'vendor/missing'],
    severity: 'warn',
    expected: {
      status: 'warn',
      findings: [{ severity: 'warn', message: 'vendor/missing: does not exist on OpenRouter' }],
      summary: answeredSummary(2, [MINI]),
    },
    probed: [MINI],
  },
  {
    name: 'only 503s: the check cannot tell',
    fallbacks: [MINI, SONNET],
    scenario: { completions: { [MINI]: { status: 503 }, [SONNET]: { status: 503 } } },
    expected: { status: 'error', message: `could not reach ${UNAVAILABLE(MINI)}; ${UNAVAILABLE(SONNET)}; ${paidRequests(4)}` },
    probed: [MINI, MINI, SONNET, SONNET],
  },
  {
    name: 'one answers and one 503s: still cannot tell',
    fallbacks: [MINI, SONNET],
    scenario: { completions: { [SONNET]: { status: 503 } } },
    expected: { status: 'error', message: `could not reach ${UNAVAILABLE(SONNET)}; ${paidRequests(3)}` },
    probed: [MINI, SONNET, SONNET],
  },
  {
    name: '/models fails: nothing is probed',
    fallbacks: [MINI, SONNET],
    scenario: { faults: { '/models': [{ kind: 'status', status: 500 }, { kind: 'status', status: 500 }] } },
    expected: { status: 'error', message: 'cannot list the models: 500 Internal Server Error from GET /models (2 attempts): Internal Server Error' },
    probed: [],
  },
];

describe('fallback-reachability', () => {
  it('spends credits: --no-spend skips it', () => {
    expect(check.spendsCredits).toBe(true);
  });

  it('skips when no fallback is configured, without asking OpenRouter', async () => {
    remote.serve({ models: CATALOGUE });
    const since = remote.mark();
    expect(await remote.verdictOf(check, { models: { primary: MINI } })).toEqual({ status: 'skip', reason: 'no fallbacks configured (models.fallbacks)' });
    expect(since()).toEqual([]);
  });

  it.each(cases)('$name', async ({ fallbacks, scenario, severity, expected, probed }) => {
    remote.serve({ models: CATALOGUE, ...scenario });
    const since = remote.mark();
    expect(await remote.verdictOf(check, { models: { fallbacks }, ...(severity && { severity }) })).toEqual(expected);
    const sent = since('/chat/completions').map(({ body }) => (body as { model: string; max_tokens: number }));
    expect(sent.map(({ model }) => model).sort()).toEqual([...probed].sort());
    expect(sent.every(({ max_tokens }) => max_tokens === 1)).toBe(true);
  });

  // Answers are held until the batch is in: probes sent one at a time would never fill it, and would time out.
  it('probes the fallbacks side by side: the three are in flight together', async () => {
    remote.serve({ models: CATALOGUE, answerInBatches: [1, 3] }); // The catalogue alone first, then the probes.
    const since = remote.mark();
    const verdict = await remote.verdictOf(check, { models: { fallbacks: [MINI, SONNET, GEMINI] } });
    expect(verdict).toEqual({ status: 'pass', findings: [], summary: answeredSummary(3, [MINI, SONNET, GEMINI]) });
    expect(since().map(({ route }) => route)).toEqual(['/models', '/chat/completions', '/chat/completions', '/chat/completions']);
    expect(remote.fake.peakInFlight).toBe(3);
  });

  it('keeps at most 4 probes in flight: of 5 fallbacks, the fifth starts once one of the first four is answered', async () => {
    const five = [...CATALOGUE.map(({ id }) => id), 'vendor/fourth', 'vendor/fifth'];
    remote.serve({ models: [...CATALOGUE, fakeModel('vendor/fourth'), fakeModel('vendor/fifth')] });
    const session = remote.session();
    // Each probe waits for the test's go before it is sent: only the check's own limit decides how many start.
    const started: string[] = [];
    const go: Array<() => void> = [];
    const gated: RemoteApi = {
      ...session,
      probe: async (model, signal) => {
        started.push(model);
        await new Promise<void>((resolve) => go.push(resolve));
        return session.probe(model, signal);
      },
    };
    const verdict = remote.verdictOf(check, { models: { fallbacks: five }, remote: gated });
    await vi.waitFor(() => expect(started).toHaveLength(4), { timeout: ANSWERED_REQUEST_TIMEOUT_MS, interval: 5 });
    await new Promise(setImmediate); // Whatever else the check would start now, it has started.
    expect(started).toEqual(five.slice(0, 4));
    go.shift()!();
    await vi.waitFor(() => expect(started).toHaveLength(5), { timeout: ANSWERED_REQUEST_TIMEOUT_MS, interval: 5 });
    expect(started[4]).toBe('vendor/fifth');
    for (const release of go.splice(0)) release();
    expect(await verdict).toMatchObject({ status: 'pass', findings: [], summary: expect.stringMatching(/^5 of 5 fallbacks answered: /) });
  });

  it('past the paid-request budget: the first fallbacks are probed, the rest named in one warning, never dropped', async () => {
    const extra = ['vendor/fourth', 'vendor/fifth'];
    remote.serve({ models: [...CATALOGUE, ...extra.map((id) => fakeModel(id))] });
    const since = remote.mark();
    const verdict = await remote.verdictOf(check, { models: { fallbacks: [GEMINI, 'vendor/missing', MINI, SONNET, ...extra] }, session: { maxPaidRequests: 3 } });
    expect(verdict).toEqual({
      status: 'fail',
      findings: [
        { severity: 'error', message: 'vendor/missing: does not exist on OpenRouter' },
        {
          severity: 'warn',
          message:
            "2 fallbacks not probed: vendor/fourth, vendor/fifth; the run's paid-request budget (3) is spent; raise it with --max-paid-requests <n> or OPENROUTER_CHECK_MAX_PAID_REQUESTS",
        },
      ],
      summary: expect.stringMatching(
        wholeLine(
          '3 of 6 fallbacks probed, 3 answered: ',
          [GEMINI, MINI, SONNET].map((model) => answered(model, COST[model]!)).join('; '),
          escapeRegExp(`; 2 not probed: the run's paid-request budget (3) is spent; ${paidRequests(3, 3)}`),
        ),
      ),
    });
    expect(since('/chat/completions').map(({ body }) => (body as { model: string }).model)).toEqual([GEMINI, MINI, SONNET]);
  });

  it('a retry the budget cannot pay for is not sent, and the fallback after it is not probed', async () => {
    remote.serve({ models: CATALOGUE, completions: { [MINI]: { status: 503 } } });
    const since = remote.mark();
    const verdict = await remote.verdictOf(check, { models: { fallbacks: [MINI, SONNET, GEMINI] }, session: { maxPaidRequests: 2, retries: 3 } });
    const notRetried = `${MINI}: 503 Service Unavailable from POST /chat/completions: ${DEFAULT_ERROR_MESSAGES[503]} (not retried: the run's paid-request budget (2) is spent)`;
    // The one problem is not definite (a 503), so the check cannot tell: an error that still names what was not probed.
    expect(verdict).toEqual({
      status: 'error',
      message: `could not reach ${notRetried}; 1 not probed: the run's paid-request budget (2) is spent; ${paidRequests(2, 2)}`,
    });
    expect(since('/chat/completions')).toHaveLength(2);
  });

  it('never shows the key in a message, summary or error', () => {
    expect(remote.shown.length).toBeGreaterThan(cases.length);
    remote.expectKeyNeverShown();
  });
});
