import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import check from '../../../src/checks/test-completion.js';
import type { CheckOptionValues, Severity } from '../../../src/checks/types.js';
import type { ModelsConfig } from '../../../src/config/config.js';
import { APP_TITLE, HTTP_REFERER } from '../../../src/openrouter/client.js';
import { PROBE_PROMPT } from '../../../src/openrouter/remote-api.js';
import {
  BELOW_MINIMUM_MESSAGE,
  DEFAULT_ERROR_MESSAGES,
  FAKE_KEYS,
  fakeModel,
  MANDATORY_REASONING,
  OPTIONAL_REASONING,
  REASONING_MANDATORY_MESSAGE,
} from '../../support/fake-openrouter.js';
import type { FakeScenario } from '../../support/fake-openrouter.js';
import { answered, escapeRegExp, paidRequests, RemoteFixture, USER_AGENT, wholeLine } from './remote-context.js';
import type { SessionOptions, Verdict } from './remote-context.js';

const remote = new RemoteFixture();
const { key } = remote;
beforeAll(() => remote.start());
afterEach(() => remote.closeSessions());
afterAll(() => remote.close());

const MINI = 'openai/gpt-4o-mini';
const SONNET = 'anthropic/claude-3.7-sonnet';
const FREE = 'meta-llama/llama-3.3-70b-instruct:free';
/** Reasons always: rejects `effort: "none"`, spends its 16 tokens thinking and answers no text. */
const THINKER = 'deepseek/deepseek-r1';
/** May reason, and may be told not to. */
const HYBRID = 'anthropic/claude-3.7-sonnet:thinking';
const CATALOGUE = [
  fakeModel(MINI),
  fakeModel(SONNET, { pricing: { prompt: '0.000003', completion: '0.000015' } }),
  fakeModel(FREE, { pricing: { prompt: '0', completion: '0' } }),
  fakeModel(THINKER, {
    pricing: { prompt: '0.0000005', completion: '0.000002' },
    reasoning: MANDATORY_REASONING,
    supported_parameters: ['max_tokens', 'reasoning'],
  }),
  fakeModel(HYBRID, { reasoning: OPTIONAL_REASONING, supported_parameters: ['max_tokens', 'reasoning'] }),
];
/** 8 prompt tokens and the whole 16-token cap spent reasoning. */
const THINKER_COST = '$0.000036';
/** What a 1-token answer costs on the fake: 8 prompt tokens and 1 completion token at the model's prices. */
const MINI_COST = '$0.0000018';
const SONNET_COST = '$0.000039';

const OUT_OF_CREDITS = "out of credits: add credits at openrouter.ai/settings/credits or raise the key's limit";
const PAYMENT_REQUIRED = `402 Payment Required from POST /chat/completions: ${DEFAULT_ERROR_MESSAGES[402]}`;

const NO_MODEL = 'no model to test: set models.primary or checks.test-completion.model (none was found in the code either)';

interface Case {
  name: string;
  models?: Partial<ModelsConfig>;
  files?: Record<string, string>;
  options?: CheckOptionValues;
  scenario?: FakeScenario;
  session?: SessionOptions;
  severity?: Severity;
  expected: Verdict;
  /** The model the probe asked for, when one was sent; how many attempts were made. */
  probed?: { model: string; attempts: number };
}

const cases: Case[] = [
  {
    name: 'no model to test',
    expected: { status: 'skip', reason: NO_MODEL },
  },
  {
    name: 'an empty model option falls back to models.primary, and there is none',
    models: { fallbacks: [MINI] },
    options: { model: '' },
    expected: { status: 'skip', reason: NO_MODEL },
  },
  {
    name: 'a reasoning-mandatory primary behind a 16-token minimum: asked at its lowest effort, an answer cut at the cap still passes',
    models: { primary: THINKER },
    scenario: { minMaxTokens: 16 },
    expected: {
      status: 'pass',
      findings: [],
      summary: expect.stringMatching(wholeLine(answered(THINKER, THINKER_COST), escapeRegExp(` (reasoning is mandatory: effort low); ${paidRequests(1)}`))),
    },
    probed: { model: THINKER, attempts: 1 },
  },
  {
    name: 'a model whose reasoning can be turned off is asked not to reason',
    models: { primary: HYBRID },
    expected: { status: 'pass', findings: [], summary: expect.stringMatching(wholeLine(answered(HYBRID, MINI_COST), escapeRegExp(`; ${paidRequests(1)}`))) },
    probed: { model: HYBRID, attempts: 1 },
  },
  {
    name: 'a preset: the model behind it answers',
    models: { primary: '@preset/support-bot' },
    scenario: { presets: { 'support-bot': { model: MINI } } },
    expected: {
      status: 'pass',
      findings: [],
      summary: expect.stringMatching(wholeLine(answered(`${MINI} (for @preset/support-bot)`, MINI_COST), escapeRegExp(`; ${paidRequests(1)}`))),
    },
    probed: { model: '@preset/support-bot', attempts: 1 },
  },
  {
    name: 'a router: the model it picked answers',
    models: { primary: 'openrouter/auto' },
    expected: {
      status: 'pass',
      findings: [],
      summary: expect.stringMatching(wholeLine(answered(`${MINI} (for openrouter/auto)`, MINI_COST), escapeRegExp(`; ${paidRequests(1)}`))),
    },
    probed: { model: 'openrouter/auto', attempts: 1 },
  },
  {
    name: 'no models.primary: the model the code sends is probed, and named',
    files: { 'src/chat.ts': `await client.chat.completions.create({ model: '${SONNET}', messages, max_tokens: 256 });\n` },
    expected: {
      status: 'pass',
      findings: [],
      summary: expect.stringMatching(
        wholeLine(
          escapeRegExp(`probed ${SONNET}, the model the code sends (src/chat.ts:1:47); `),
          answered(SONNET, SONNET_COST),
          escapeRegExp(`; ${paidRequests(1)}`),
        ),
      ),
    },
    probed: { model: SONNET, attempts: 1 },
  },
  {
    name: 'no models.primary and several models in the code: the most used one, and which',
    files: {
      'src/a.ts': `const MODEL = '${MINI}';\nexport const ask = (messages) => client.chat.completions.create({ model: '${SONNET}', messages, max_tokens: 9 });\n`,
      'src/b.py': `client.chat.completions.create(model="${MINI}", messages=[], max_tokens=9)\nclient.chat.completions.create(model="${MINI}", messages=[], max_tokens=9)\n`,
    },
    expected: {
      status: 'pass',
      findings: [],
      summary: expect.stringMatching(
        wholeLine(
          // `const MODEL = …` counts too: its name says it holds a model the app sends.
          escapeRegExp(`probed ${MINI}, the most used of the 2 models the code sends (3 places, first src/a.ts:1:15); `),
          answered(MINI, MINI_COST),
          escapeRegExp(`; ${paidRequests(1)}`),
        ),
      ),
    },
    probed: { model: MINI, attempts: 1 },
  },
  {
    name: "the code's model refused: the finding says where it came from",
    files: { 'src/chat.ts': `await client.chat.completions.create({ model: 'vendor/typo', messages, max_tokens: 256 });\n` },
    expected: {
      status: 'fail',
      findings: [
        {
          severity: 'error',
          message:
            'probed vendor/typo, the model the code sends (src/chat.ts:1:47); vendor/typo: cannot be used (400 Bad Request from POST /chat/completions: vendor/typo is not a valid model ID)',
        },
      ],
      summary: paidRequests(1),
    },
    probed: { model: 'vendor/typo', attempts: 1 },
  },
  {
    name: 'the primary model answers',
    models: { primary: MINI },
    expected: { status: 'pass', findings: [], summary: expect.stringMatching(wholeLine(answered(MINI, MINI_COST), escapeRegExp(`; ${paidRequests(1)}`))) },
    probed: { model: MINI, attempts: 1 },
  },
  {
    name: 'checks.test-completion.model overrides models.primary',
    models: { primary: MINI },
    options: { model: SONNET },
    expected: { status: 'pass', findings: [], summary: expect.stringMatching(wholeLine(answered(SONNET, SONNET_COST), escapeRegExp(`; ${paidRequests(1)}`))) },
    probed: { model: SONNET, attempts: 1 },
  },
  {
    name: 'a free model costs $0.00',
    models: { primary: FREE },
    expected: { status: 'pass', findings: [], summary: expect.stringMatching(wholeLine(answered(FREE, '$0.00'), escapeRegExp(`; ${paidRequests(1)}`))) },
    probed: { model: FREE, attempts: 1 },
  },
  {
    name: 'a 503 then an answer: the retry succeeds',
    models: { primary: MINI },
    scenario: { faults: { '/chat/completions': [{ kind: 'status', status: 503 }] } },
    expected: { status: 'pass', findings: [], summary: expect.stringMatching(wholeLine(answered(MINI, MINI_COST), escapeRegExp(`; ${paidRequests(2)}`))) },
    probed: { model: MINI, attempts: 2 },
  },
  {
    name: '402 for the model',
    models: { primary: MINI },
    scenario: { completions: { [MINI]: { status: 402 } } },
    expected: { status: 'fail', findings: [{ severity: 'error', message: `${MINI}: ${OUT_OF_CREDITS} (${PAYMENT_REQUIRED})` }], summary: paidRequests(1) },
    probed: { model: MINI, attempts: 1 },
  },
  {
    name: 'a key whose limit is spent: 402',
    models: { primary: MINI },
    scenario: { keys: { [key]: FAKE_KEYS.exhausted } },
    expected: { status: 'fail', findings: [{ severity: 'error', message: `${MINI}: ${OUT_OF_CREDITS} (${PAYMENT_REQUIRED})` }], summary: paidRequests(1) },
    probed: { model: MINI, attempts: 1 },
  },
  {
    name: '404 model_deprecated',
    models: { primary: MINI },
    scenario: { completions: { [MINI]: { status: 404, availability: 'model_deprecated', message: `${MINI} has been deprecated` } } },
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: `${MINI}: cannot be used (404 Not Found from POST /chat/completions: ${MINI} has been deprecated)` }],
      summary: paidRequests(1),
    },
    probed: { model: MINI, attempts: 1 },
  },
  {
    name: 'a model OpenRouter does not know: 400',
    models: { primary: 'vendor/typo' },
    expected: {
      status: 'fail',
      findings: [
        { severity: 'error', message: 'vendor/typo: cannot be used (400 Bad Request from POST /chat/completions: vendor/typo is not a valid model ID)' },
      ],
      summary: paidRequests(1),
    },
    probed: { model: 'vendor/typo', attempts: 1 },
  },
  {
    name: 'a refused key: 401',
    models: { primary: MINI },
    scenario: { keys: {} },
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: `${MINI}: the key was refused (401 Unauthorized from POST /chat/completions: User not found.)` }],
      summary: paidRequests(1),
    },
    probed: { model: MINI, attempts: 1 },
  },
  {
    name: 'flagged by moderation: 403',
    models: { primary: MINI },
    scenario: { completions: { [MINI]: { status: 403 } } },
    expected: {
      status: 'fail',
      findings: [
        {
          severity: 'error',
          message: `${MINI}: the request was refused (403 Forbidden from POST /chat/completions: ${DEFAULT_ERROR_MESSAGES[403]})`,
        },
      ],
      summary: paidRequests(1),
    },
    probed: { model: MINI, attempts: 1 },
  },
  {
    name: '402 with the check set to warn',
    models: { primary: MINI },
    severity: 'warn',
    scenario: { completions: { [MINI]: { status: 402 } } },
    expected: { status: 'warn', findings: [{ severity: 'warn', message: `${MINI}: ${OUT_OF_CREDITS} (${PAYMENT_REQUIRED})` }], summary: paidRequests(1) },
  },
  {
    name: '429 with Retry-After on every attempt',
    models: { primary: MINI },
    scenario: { completions: { [MINI]: { status: 429, retryAfter: 1 } } },
    expected: {
      status: 'error',
      message: `${MINI}: 429 Too Many Requests from POST /chat/completions (2 attempts): ${DEFAULT_ERROR_MESSAGES[429]} (retry after 1 s)`,
    },
    probed: { model: MINI, attempts: 2 },
  },
  {
    name: 'a temporarily exhausted provider on every attempt (retryable availability error)',
    models: { primary: MINI },
    scenario: { completions: { [MINI]: { status: 503, availability: 'capacity_exhausted' } } },
    expected: { status: 'error', message: `${MINI}: 503 Service Unavailable from POST /chat/completions (2 attempts): ${DEFAULT_ERROR_MESSAGES[503]}` },
    probed: { model: MINI, attempts: 2 },
  },
  {
    name: 'a model that never answers',
    models: { primary: MINI },
    scenario: { completions: { [MINI]: 'hang' } },
    session: { timeoutMs: 300, retries: 0 },
    expected: { status: 'error', message: `${MINI}: timed out after 300 ms on POST /chat/completions` },
    probed: { model: MINI, attempts: 1 },
  },
  {
    name: 'a paid-request budget of 0: not probed, a warning that says how to raise it',
    models: { primary: MINI },
    session: { maxPaidRequests: 0 },
    expected: {
      status: 'warn',
      findings: [
        {
          severity: 'warn',
          message: `${MINI} not probed: the run's paid-request budget is 0; raise it with --max-paid-requests <n> or OPENROUTER_CHECK_MAX_PAID_REQUESTS`,
        },
      ],
      summary: paidRequests(0, 0),
    },
    probed: { model: MINI, attempts: 0 },
  },
  {
    name: 'a 503 with a budget of 1: the retry is not sent',
    models: { primary: MINI },
    scenario: { completions: { [MINI]: { status: 503 } } },
    session: { maxPaidRequests: 1, retries: 3 },
    expected: {
      status: 'error',
      message: `${MINI}: 503 Service Unavailable from POST /chat/completions: ${DEFAULT_ERROR_MESSAGES[503]} (not retried: the run's paid-request budget (1) is spent)`,
    },
    probed: { model: MINI, attempts: 1 },
  },
  {
    name: 'an answer of the wrong shape',
    models: { primary: MINI },
    scenario: { faults: { '/chat/completions': [{ kind: 'wrong-shape' }] } },
    expected: { status: 'error', message: `${MINI}: malformed answer from POST /chat/completions: model is missing` },
    probed: { model: MINI, attempts: 1 },
  },
];

describe('test-completion', () => {
  it('spends credits: --no-spend skips it', () => {
    expect(check.spendsCredits).toBe(true);
  });

  it.each(cases)('$name', async ({ models, files, options, scenario, session, severity, expected, probed }) => {
    remote.serve({ models: CATALOGUE, ...scenario });
    const since = remote.mark();
    const verdict = await remote.verdictOf(check, {
      ...(models && { models }),
      ...(files && { files }),
      ...(options && { options }),
      ...(session && { session }),
      ...(severity && { severity }),
    });
    expect(verdict).toEqual(expected);
    if (probed) expect(since('/chat/completions').map(({ body }) => (body as { model?: unknown }).model)).toEqual(Array(probed.attempts).fill(probed.model));
    if (expected.status === 'skip') expect(since()).toEqual([]);
  });

  it('sends one user message capped at 16 tokens, the key as a bearer token and the attribution headers; /models only to learn about reasoning', async () => {
    remote.serve({ models: CATALOGUE });
    const since = remote.mark();
    await remote.verdictOf(check, { models: { primary: MINI } });
    expect(since().map(({ route }) => route)).toEqual(['/models', '/chat/completions']);
    const [request, ...others] = since('/chat/completions');
    expect(others).toEqual([]);
    expect(request).toMatchObject({ method: 'POST', path: '/api/v1/chat/completions' });
    expect(request!.body).toEqual({ model: MINI, messages: [{ role: 'user', content: PROBE_PROMPT }], max_tokens: 16 });
    expect(request!.headers).toMatchObject({
      authorization: `Bearer ${key}`,
      'http-referer': HTTP_REFERER,
      'x-openrouter-title': APP_TITLE,
      'user-agent': USER_AGENT,
      'content-type': 'application/json',
    });
  });

  it('a run cancelled before the probe: error, nothing sent', async () => {
    remote.serve({ models: CATALOGUE });
    const since = remote.mark();
    const cancelled = new AbortController();
    cancelled.abort();
    expect(await remote.verdictOf(check, { models: { primary: MINI }, signal: cancelled.signal })).toEqual({
      status: 'error',
      message: `${MINI}: cancelled on POST /chat/completions`,
    });
    expect(since()).toEqual([]);
  });

  it('never shows the key in a message, summary or error', () => {
    expect(remote.shown.length).toBeGreaterThan(cases.length);
    remote.expectKeyNeverShown();
  });
});

describe('test-completion: reasoning and the provider minimum', () => {
  it('turns reasoning off where it can, and asks a mandatory reasoner for its lowest effort', async () => {
    remote.serve({ models: CATALOGUE });
    const since = remote.mark();
    await remote.verdictOf(check, { models: { primary: HYBRID } });
    await remote.verdictOf(check, { models: { primary: THINKER } });
    const bodies = since('/chat/completions').map(({ body }) => body as Record<string, unknown>);
    expect(bodies.map(({ model, reasoning }) => ({ model, reasoning }))).toEqual([
      { model: HYBRID, reasoning: { effort: 'none' } },
      { model: THINKER, reasoning: { effort: 'low' } },
    ]);
  });

  it('the stand-in answers below 16 tokens and an effort of none as OpenRouter does, so these pins mean something', async () => {
    remote.serve({ models: CATALOGUE });
    const post = async (body: Record<string, unknown>): Promise<{ status: number; message: string }> => {
      const answer = await fetch(`${remote.fake.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], ...body }),
      });
      const json = (await answer.json()) as { error?: { message: string } };
      return { status: answer.status, message: json.error?.message ?? '' };
    };
    expect(await post({ model: MINI, max_tokens: 1 })).toEqual({ status: 400, message: BELOW_MINIMUM_MESSAGE(16) });
    expect(await post({ model: MINI, max_completion_tokens: 15 })).toEqual({ status: 400, message: BELOW_MINIMUM_MESSAGE(16) });
    expect(await post({ model: THINKER, max_tokens: 16, reasoning: { effort: 'none' } })).toEqual({ status: 400, message: REASONING_MANDATORY_MESSAGE });
  });
});
