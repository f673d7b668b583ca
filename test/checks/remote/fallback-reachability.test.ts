import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import check from '../../../src/checks/fallback-reachability.js';
import type { Severity } from '../../../src/checks/types.js';
import type { RemoteApi } from '../../../src/openrouter/remote-api.js';
import { DEFAULT_ERROR_MESSAGES, fakeEndpoint, fakeModel, MANDATORY_REASONING } from '../../support/fake-openrouter.js';
import type { FakeScenario } from '../../support/fake-openrouter.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../../support/time-limits.js';
import { answered, escapeRegExp, paidRequests, RemoteFixture, utcDateIn, wholeLine } from './remote-context.js';
import type { SessionOptions, Verdict } from './remote-context.js';

const remote = new RemoteFixture();
beforeAll(() => remote.start());
afterEach(() => remote.closeSessions());
afterAll(() => remote.close());

const MINI = 'openai/gpt-4o-mini';
const SONNET = 'anthropic/claude-3.7-sonnet';
const GEMINI = 'google/gemini-2.0-flash-001';
const THINKER = 'deepseek/deepseek-r1';
const CATALOGUE = [
  fakeModel(MINI),
  fakeModel(SONNET, { pricing: { prompt: '0.000003', completion: '0.000015' } }),
  fakeModel(GEMINI, { pricing: { prompt: '0.0000001', completion: '0.0000004' } }),
];
/** What a short answer costs on the fake: 8 prompt tokens and 1 completion token at the model's prices. */
const COST: Record<string, string> = { [MINI]: '$0.0000018', [SONNET]: '$0.000039', [GEMINI]: '$0.0000012' };

const FREE_ONLY = 'no paid request (--probe-fallbacks sends one per fallback)';
const ONLY_ONE = 'only 1 fallback configured: keep at least 2, from different providers, so one outage cannot stop the app';
const OUT_OF_CREDITS = "out of credits: add credits at openrouter.ai/settings/credits or raise the key's limit";
const NO_PROVIDER = (model: string, source = 'models.fallbacks'): string =>
  `${model} (${source}) is served by no provider: GET /models/{author}/{slug}/endpoints lists none, so every request to it fails`;
const PINNED = (model: string, source: string, pins: string, servedBy: string): string =>
  `${model} (${source}) is served by no provider its request allows (${pins}): GET /models/{author}/{slug}/endpoints lists ${servedBy}, so every request to it fails`;
const NOT_ROUTABLE = (model: string, source = 'models.fallbacks'): string =>
  `${model} (${source}) is not routable for this account: GET /models/user leaves it out, so the account's privacy or guardrail settings block every provider serving it (openrouter.ai/settings/privacy)`;
/** The account refuses providers that train on prompts; `TrainCo` is the only one serving SONNET. */
const NO_TRAINING: FakeScenario = {
  dataPolicy: { denyTraining: true, trainingProviders: ['TrainCo'] },
  endpoints: { [SONNET]: [fakeEndpoint(SONNET, { provider_name: 'TrainCo' })] },
};

/** `N of M fallbacks served and routable: a (1 provider); …; no paid request (…)`. */
const freeSummary = (of: number, models: string[]): string =>
  `${models.length} of ${of} fallback${of === 1 ? '' : 's'} served and routable${models.length ? `: ${models.map((model) => `${model} (1 provider)`).join('; ')}` : ''}; ${FREE_ONLY}`;

interface Case {
  name: string;
  fallbacks: string[];
  files?: Record<string, string>;
  scenario?: FakeScenario;
  severity?: Severity;
  expected: Verdict;
  /** The models whose endpoints were asked for, in any order. */
  endpointsAskedFor?: string[];
}

const cases: Case[] = [
  {
    name: 'two healthy fallbacks: served, routable, and not a cent spent',
    fallbacks: [MINI, SONNET],
    expected: { status: 'pass', findings: [], summary: freeSummary(2, [MINI, SONNET]) },
    endpointsAskedFor: [MINI, SONNET],
  },
  {
    name: 'a fallback no provider serves and one the account cannot route to fail, named; the healthy one passes',
    fallbacks: [GEMINI, SONNET, MINI],
    scenario: { ...NO_TRAINING, endpoints: { ...NO_TRAINING.endpoints, [GEMINI]: [] } },
    expected: {
      status: 'fail',
      findings: [
        { severity: 'error', message: NO_PROVIDER(GEMINI) },
        { severity: 'error', message: NOT_ROUTABLE(SONNET) },
      ],
      summary: freeSummary(3, [MINI]),
    },
    endpointsAskedFor: [GEMINI, SONNET, MINI],
  },
  {
    name: 'a fallback in a models list of the code is checked too, where it is written named',
    fallbacks: [MINI],
    files: { 'src/chat.ts': `await client.chat.completions.create({ model: '${MINI}', models: ['${MINI}', '${GEMINI}'], messages, max_tokens: 256 });\n` },
    scenario: { endpoints: { [GEMINI]: [] } },
    expected: {
      status: 'fail',
      findings: [
        { severity: 'error', message: NO_PROVIDER(GEMINI, 'in code at src/chat.ts:1:100') },
        { severity: 'warn', message: ONLY_ONE },
      ],
      summary: freeSummary(2, [MINI]),
    },
    endpointsAskedFor: [MINI, GEMINI],
  },
  {
    name: 'a fallback whose request pins providers (order with allow_fallbacks: false) must be served by one of them',
    fallbacks: [],
    files: {
      'src/chat.ts': `await client.chat.completions.create({ model: '${MINI}', models: ['${MINI}', '${GEMINI}'], provider: { order: ['google-vertex', 'google'], allow_fallbacks: false }, messages, max_tokens: 256 });\n`,
    },
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: PINNED(MINI, 'in code at src/chat.ts:1:78', 'provider.only: google-vertex, google', 'Openai') }],
      summary: freeSummary(2, [GEMINI]),
    },
    endpointsAskedFor: [MINI, GEMINI],
  },
  {
    name: 'Python: the provider options beside a models list in extra_body count the same way (ignore)',
    fallbacks: [],
    files: {
      'app/chat.py': `client.chat.completions.create(model="${MINI}", messages=[], max_tokens=9, extra_body={"models": ["${MINI}", "${GEMINI}"], "provider": {"ignore": ["OpenAI"]}})\n`,
    },
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: PINNED(MINI, 'in code at app/chat.py:1:110', 'provider.ignore: OpenAI', 'Openai') }],
      summary: freeSummary(2, [GEMINI]),
    },
    endpointsAskedFor: [MINI, GEMINI],
  },
  {
    name: "a model sent as the request's one model is no fallback",
    fallbacks: [],
    files: { 'src/chat.ts': `await client.chat.completions.create({ model: '${MINI}', messages, max_tokens: 256 });\n` },
    expected: { status: 'skip', reason: 'no fallbacks configured (models.fallbacks) or found in a models list in the code' },
    endpointsAskedFor: [],
  },
  {
    name: 'a fallback missing from the catalogue',
    fallbacks: [MINI, 'openai/gpt-4o-mni'],
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: `openai/gpt-4o-mni (models.fallbacks) does not exist on OpenRouter; did you mean ${MINI}?` }],
      summary: freeSummary(2, [MINI]),
    },
    endpointsAskedFor: [MINI],
  },
  {
    name: 'a missing fallback, the check set to warn',
    fallbacks: [MINI, 'vendor/missing'],
    severity: 'warn',
    expected: {
      status: 'warn',
      findings: [{ severity: 'warn', message: 'vendor/missing (models.fallbacks) does not exist on OpenRouter' }],
      summary: freeSummary(2, [MINI]),
    },
    endpointsAskedFor: [MINI],
  },
  {
    name: 'a routing suffix is looked up behind it',
    fallbacks: [`${MINI}:nitro`, SONNET],
    expected: { status: 'pass', findings: [], summary: freeSummary(2, [`${MINI}:nitro`, SONNET]) },
    endpointsAskedFor: [MINI, SONNET],
  },
  {
    name: 'a fallback past its expiration date fails; one retired soon warns',
    fallbacks: [MINI, SONNET],
    scenario: { models: [fakeModel(MINI, { expiration_date: utcDateIn(-1) }), fakeModel(SONNET, { expiration_date: utcDateIn(10) })] },
    expected: {
      status: 'fail',
      findings: [
        { severity: 'error', message: `${MINI} (models.fallbacks) is deprecated: its expiration date ${utcDateIn(-1)} has passed` },
        { severity: 'warn', message: `${SONNET} (models.fallbacks) is deprecated: OpenRouter may remove it after ${utcDateIn(10)}` },
      ],
      summary: freeSummary(2, [SONNET]),
    },
    endpointsAskedFor: [MINI, SONNET],
  },
  {
    name: 'low uptime on every provider warns; uptime without data does not',
    fallbacks: [MINI, SONNET],
    scenario: {
      endpoints: {
        [MINI]: [fakeEndpoint(MINI, { uptime_last_30m: 42.26 }), fakeEndpoint(MINI, { provider_name: 'Azure', uptime_last_30m: 61 })],
        [SONNET]: [fakeEndpoint(SONNET, { uptime_last_30m: null })],
      },
    },
    expected: {
      status: 'warn',
      findings: [
        {
          severity: 'warn',
          message: `${MINI} (models.fallbacks) has low uptime: its best provider succeeded on 61% of requests over the last 30 minutes (below 90%)`,
        },
      ],
      summary: `2 of 2 fallbacks served and routable: ${MINI} (2 providers); ${SONNET} (1 provider); ${FREE_ONLY}`,
    },
    endpointsAskedFor: [MINI, SONNET],
  },
  {
    name: 'a preset and a router: OpenRouter resolves them, nothing to look up',
    fallbacks: ['@preset/support-bot', 'openrouter/auto'],
    expected: {
      status: 'pass',
      findings: [],
      summary: `2 of 2 fallbacks served and routable: @preset/support-bot (a preset: its models are not looked up); openrouter/auto (a router: OpenRouter picks the model); ${FREE_ONLY}`,
    },
    endpointsAskedFor: [],
  },
  {
    name: 'a malformed endpoints answer: the check errors in one line',
    fallbacks: [MINI, SONNET],
    scenario: { faults: { '/models/{author}/{slug}/endpoints': [{ kind: 'wrong-shape' }] } },
    expected: {
      status: 'error',
      message: expect.stringMatching(
        /^could not check (openai\/gpt-4o-mini|anthropic\/claude-3\.7-sonnet) \(models\.fallbacks\): malformed answer from GET \/models\/[a-z0-9.\/-]+\/endpoints: data\.endpoints\[0\]\.provider_name is missing; no paid request \(--probe-fallbacks sends one per fallback\)$/,
      ) as unknown as string,
    },
  },
  {
    name: 'not JSON from /models/user: the check errors in one line',
    fallbacks: [MINI, SONNET],
    scenario: { faults: { '/models/user': [{ kind: 'malformed-json' }] } },
    expected: {
      status: 'error',
      message: 'cannot list the models this account may route to: malformed answer from GET /models/user: not JSON (content-type application/json)',
    },
  },
  {
    name: '/models fails: nothing else is asked',
    fallbacks: [MINI, SONNET],
    scenario: {
      faults: {
        '/models': [
          { kind: 'status', status: 500 },
          { kind: 'status', status: 500 },
        ],
      },
    },
    expected: { status: 'error', message: 'cannot list the models: 500 Internal Server Error from GET /models (2 attempts): Internal Server Error' },
    endpointsAskedFor: [],
  },
];

const modelOf = (path: string): string => decodeURIComponent(path.replace(/^\/api\/v1\/models\//, '').replace(/\/endpoints$/, ''));

describe('fallback-reachability', () => {
  it('spends nothing by default: --no-spend does not skip it', () => {
    expect(check.spendsCredits).toBeFalsy();
  });

  it('skips when no fallback is configured, without asking OpenRouter', async () => {
    remote.serve({ models: CATALOGUE });
    const since = remote.mark();
    expect(await remote.verdictOf(check, { models: { primary: MINI } })).toEqual({
      status: 'skip',
      reason: 'no fallbacks configured (models.fallbacks) or found in a models list in the code',
    });
    expect(since()).toEqual([]);
  });

  it.each(cases)('$name', async ({ fallbacks, files, scenario, severity, expected, endpointsAskedFor }) => {
    remote.serve({ models: CATALOGUE, ...scenario });
    const since = remote.mark();
    expect(await remote.verdictOf(check, { models: { fallbacks }, ...(files && { files }), ...(severity && { severity }) })).toEqual(expected);
    expect(since('/chat/completions')).toEqual([]);
    if (endpointsAskedFor)
      expect(
        since('/models/{author}/{slug}/endpoints')
          .map(({ path }) => modelOf(path))
          .sort(),
      ).toEqual([...endpointsAskedFor].sort());
  });

  describe('with --probe-fallbacks', () => {
    const probing: SessionOptions = { probeFallbacks: true };

    it('keeps at most 4 probes in flight: of 5 fallbacks, the fifth starts once one of the first four is answered', async () => {
      const five = [MINI, SONNET, GEMINI, 'vendor/fourth', 'vendor/fifth'];
      remote.serve({ models: [...CATALOGUE, fakeModel('vendor/fourth'), fakeModel('vendor/fifth')] });
      const session = remote.session(probing);
      // Each probe waits for the test's go before it is sent: only the check's own limit decides how many start.
      const started: string[] = [];
      const go: Array<() => void> = [];
      const gated: RemoteApi = {
        ...session,
        probe: async (model, signal, options) => {
          started.push(model);
          await new Promise<void>((resolve) => go.push(resolve));
          return session.probe(model, signal, options);
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
      expect(await verdict).toMatchObject({ status: 'pass', findings: [] });
    });

    it('each healthy fallback also gets one completion capped at 16 tokens, reasoning off where it can be', async () => {
      remote.serve({ models: [...CATALOGUE, fakeModel(THINKER, { reasoning: MANDATORY_REASONING, supported_parameters: ['max_tokens', 'reasoning'] })] });
      const since = remote.mark();
      const verdict = await remote.verdictOf(check, { models: { fallbacks: [MINI, THINKER] }, session: probing });
      expect(verdict).toEqual({
        status: 'pass',
        findings: [],
        summary: expect.stringMatching(
          wholeLine(
            escapeRegExp(`2 of 2 fallbacks served and routable: ${MINI} (1 provider, `),
            answered(MINI, COST[MINI]!),
            escapeRegExp(`); ${THINKER} (1 provider, `),
            `${escapeRegExp(THINKER)} answered in \\d+ ms, cost \\$[0-9.]+ \\(reasoning is mandatory: effort low\\)`,
            escapeRegExp(`); ${paidRequests(2)}`),
          ),
        ),
      });
      const sent = since('/chat/completions').map(({ body }) => body as Record<string, unknown>);
      expect(sent.map(({ model }) => model).sort()).toEqual([MINI, THINKER].sort());
      expect(sent.every(({ max_tokens }) => max_tokens === 16)).toBe(true);
      expect(sent.find(({ model }) => model === THINKER)!.reasoning).toEqual({ effort: 'low' });
    });

    it('a fallback that fails the free checks is not paid for; a 402 on a probe fails', async () => {
      remote.serve({ models: CATALOGUE, endpoints: { [GEMINI]: [] }, completions: { [SONNET]: { status: 402 } } });
      const since = remote.mark();
      const verdict = await remote.verdictOf(check, { models: { fallbacks: [GEMINI, SONNET, MINI] }, session: probing });
      expect(verdict).toEqual({
        status: 'fail',
        findings: [
          { severity: 'error', message: NO_PROVIDER(GEMINI) },
          { severity: 'error', message: `${SONNET}: ${OUT_OF_CREDITS} (402 Payment Required from POST /chat/completions: ${DEFAULT_ERROR_MESSAGES[402]})` },
        ],
        summary: expect.stringMatching(
          wholeLine(
            escapeRegExp(`1 of 3 fallbacks served and routable: ${MINI} (1 provider, `),
            answered(MINI, COST[MINI]!),
            escapeRegExp(`); ${paidRequests(2)}`),
          ),
        ),
      });
      expect(
        since('/chat/completions')
          .map(({ body }) => (body as { model: string }).model)
          .sort(),
      ).toEqual([MINI, SONNET].sort());
    });

    it('past the paid-request budget: the rest are named in one warning, never dropped', async () => {
      remote.serve({ models: CATALOGUE });
      const since = remote.mark();
      const verdict = await remote.verdictOf(check, { models: { fallbacks: [GEMINI, MINI, SONNET] }, session: { ...probing, maxPaidRequests: 1 } });
      expect(verdict).toMatchObject({
        status: 'warn',
        findings: [
          {
            severity: 'warn',
            message: expect.stringMatching(
              /^2 fallbacks not probed: [a-z0-9./-]+, [a-z0-9./-]+; the run's paid-request budget \(1\) is spent; raise it with --max-paid-requests <n> or OPENROUTER_CHECK_MAX_PAID_REQUESTS$/,
            ),
          },
        ],
      });
      expect(since('/chat/completions')).toHaveLength(1);
    });
  });

  it('never shows the key in a message, summary or error', () => {
    expect(remote.shown.length).toBeGreaterThan(cases.length);
    remote.expectKeyNeverShown();
  });
});
