import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import check from '../../../src/checks/model-availability.js';
import { outcomeOf } from '../../../src/checks/outcome.js';
import type { CheckOptionValues } from '../../../src/checks/types.js';
import type { ModelsConfig } from '../../../src/config/config.js';
import { DEFAULT_ERROR_MESSAGES, DEFAULT_FAKE_MODELS, fakeModel } from '../../support/fake-openrouter.js';
import type { FakeModel, FakeScenario } from '../../support/fake-openrouter.js';
import { workspaceOf } from '../../support/workspace.js';
import { RemoteFixture, utcDateIn } from './remote-context.js';
import type { Verdict } from './remote-context.js';

const remote = new RemoteFixture();
beforeAll(() => remote.start());
afterEach(() => remote.closeSessions());
afterAll(() => remote.close());

const MINI = 'openai/gpt-4o-mini';
const HAIKU = 'anthropic/claude-3.5-haiku';
const LLAMA_FREE = 'meta-llama/llama-3.3-70b-instruct:free';
const EMBEDDING = 'openai/text-embedding-3-small';

/** A catalogue with no dated model in it, so the cases do not depend on today's date. */
const CATALOGUE: FakeModel[] = [fakeModel(MINI), fakeModel(HAIKU), fakeModel(LLAMA_FREE), DEFAULT_FAKE_MODELS.find(({ id }) => id === EMBEDDING)!];

/** One catalogue entry retired on `date`, beside the others. */
const retiring = (date: string): FakeScenario => ({ models: [...CATALOGUE, fakeModel('vendor/old-model', { expiration_date: date })] });

interface Case {
  name: string;
  models: Partial<ModelsConfig>;
  scenario?: FakeScenario;
  options?: CheckOptionValues;
  expected: Verdict;
}

/** Dates relative to today are computed when the table is built, right before the cases run. */
const IN_1_DAY = utcDateIn(1);
const IN_10_DAYS = utcDateIn(10);
const IN_60_DAYS = utcDateIn(60);
const YESTERDAY = utcDateIn(-1);
const TODAY = utcDateIn(0);

const cases: Case[] = [
  {
    name: 'every configured model exists',
    models: { primary: MINI, fallbacks: [HAIKU, LLAMA_FREE] },
    expected: { status: 'pass', findings: [], summary: `3 models checked against 4 listed: ${MINI}, ${HAIKU}, ${LLAMA_FREE}` },
  },
  {
    name: 'only required models',
    models: { required: [MINI] },
    expected: { status: 'pass', findings: [], summary: `1 model checked against 4 listed: ${MINI}` },
  },
  {
    name: 'a typo: dashes for the dot',
    models: { primary: 'anthropic/claude-3-5-haiku' },
    scenario: { models: [fakeModel(HAIKU), fakeModel(MINI)] },
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: `anthropic/claude-3-5-haiku (models.primary) does not exist on OpenRouter; did you mean ${HAIKU}?` }],
      summary: '1 model checked against 2 listed: anthropic/claude-3-5-haiku',
    },
  },
  {
    name: 'a wrong case',
    models: { fallbacks: [MINI, 'OpenAI/GPT-4o-mini'] },
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: `OpenAI/GPT-4o-mini (models.fallbacks) does not exist on OpenRouter; did you mean ${MINI}?` }],
      summary: `2 models checked against 4 listed: ${MINI}, OpenAI/GPT-4o-mini`,
    },
  },
  {
    name: 'an id nothing resembles',
    models: { required: ['nobody/nothing-like-it-at-all'] },
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: 'nobody/nothing-like-it-at-all (models.required) does not exist on OpenRouter' }],
      summary: '1 model checked against 4 listed: nobody/nothing-like-it-at-all',
    },
  },
  {
    name: 'a model configured twice is checked once, under where it first appears',
    models: { primary: 'vendor/missing', fallbacks: ['vendor/missing', MINI], required: ['vendor/missing'] },
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: 'vendor/missing (models.primary) does not exist on OpenRouter' }],
      summary: `2 models checked against 4 listed: vendor/missing, ${MINI}`,
    },
  },
  {
    name: 'an embedding model, only listed with output_modalities=all',
    models: { required: [EMBEDDING] },
    expected: { status: 'pass', findings: [], summary: `1 model checked against 4 listed: ${EMBEDDING}` },
  },
  {
    name: 'a routing suffix (:nitro) resolves to the model behind it',
    models: { primary: `${MINI}:nitro`, fallbacks: [`${HAIKU}:floor`] },
    expected: { status: 'pass', findings: [], summary: `2 models checked against 4 listed: ${MINI}:nitro, ${HAIKU}:floor` },
  },
  {
    name: ':free is a model of its own, not a routing suffix',
    models: { primary: `${HAIKU}:free` },
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: `${HAIKU}:free (models.primary) does not exist on OpenRouter; did you mean ${HAIKU}?` }],
      summary: `1 model checked against 4 listed: ${HAIKU}:free`,
    },
  },
  {
    name: 'a model whose expiration date has passed',
    models: { primary: 'vendor/old-model' },
    scenario: retiring('2026-01-31'),
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: 'vendor/old-model (models.primary) is deprecated: its expiration date 2026-01-31 has passed' }],
      summary: '1 model checked against 5 listed: vendor/old-model',
    },
  },
  {
    name: 'a model retired yesterday',
    models: { fallbacks: ['vendor/old-model'] },
    scenario: retiring(YESTERDAY),
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: `vendor/old-model (models.fallbacks) is deprecated: its expiration date ${YESTERDAY} has passed` }],
      summary: '1 model checked against 5 listed: vendor/old-model',
    },
  },
  {
    name: 'a model retired in 10 days (default warn_days 30)',
    models: { primary: 'vendor/old-model' },
    scenario: retiring(IN_10_DAYS),
    expected: {
      status: 'warn',
      findings: [{ severity: 'warn', message: `vendor/old-model (models.primary) is deprecated: OpenRouter may remove it after ${IN_10_DAYS}, in 10 days` }],
      summary: '1 model checked against 5 listed: vendor/old-model',
    },
  },
  {
    name: 'a model retired tomorrow',
    models: { primary: 'vendor/old-model' },
    scenario: retiring(IN_1_DAY),
    expected: {
      status: 'warn',
      findings: [{ severity: 'warn', message: `vendor/old-model (models.primary) is deprecated: OpenRouter may remove it after ${IN_1_DAY}, in 1 day` }],
      summary: '1 model checked against 5 listed: vendor/old-model',
    },
  },
  {
    name: 'a model retired today still works today: a warning that says so',
    models: { primary: 'vendor/old-model' },
    scenario: retiring(TODAY),
    expected: {
      status: 'warn',
      findings: [{ severity: 'warn', message: `vendor/old-model (models.primary) is deprecated: OpenRouter may remove it after ${TODAY}, today` }],
      summary: '1 model checked against 5 listed: vendor/old-model',
    },
  },
  {
    name: 'an expiration date sent with a time part is shown as a date',
    models: { primary: 'vendor/old-model' },
    scenario: retiring(`${IN_1_DAY}T00:00:00Z`),
    expected: {
      status: 'warn',
      findings: [{ severity: 'warn', message: `vendor/old-model (models.primary) is deprecated: OpenRouter may remove it after ${IN_1_DAY}, in 1 day` }],
      summary: '1 model checked against 5 listed: vendor/old-model',
    },
  },
  {
    name: 'a model retired in 10 days with warn_days 5',
    models: { primary: 'vendor/old-model' },
    scenario: retiring(IN_10_DAYS),
    options: { warn_days: 5 },
    expected: { status: 'pass', findings: [], summary: '1 model checked against 5 listed: vendor/old-model' },
  },
  {
    name: 'a model retired in 60 days',
    models: { primary: 'vendor/old-model' },
    scenario: retiring(IN_60_DAYS),
    expected: { status: 'pass', findings: [], summary: '1 model checked against 5 listed: vendor/old-model' },
  },
  {
    name: 'an expiration date that is not a date is ignored',
    models: { primary: 'vendor/old-model' },
    scenario: retiring('soon'),
    expected: { status: 'pass', findings: [], summary: '1 model checked against 5 listed: vendor/old-model' },
  },
  {
    name: 'a retired model reached through a routing suffix',
    models: { primary: 'vendor/old-model:nitro' },
    scenario: retiring('2026-01-31'),
    expected: {
      status: 'fail',
      findings: [{ severity: 'error', message: 'vendor/old-model:nitro (models.primary) is deprecated: its expiration date 2026-01-31 has passed' }],
      summary: '1 model checked against 5 listed: vendor/old-model:nitro',
    },
  },
  {
    name: 'several problems, in config order',
    models: { primary: 'vendor/old-model', fallbacks: ['anthropic/claude-3-5-haiku'], required: [MINI] },
    scenario: retiring('2026-01-31'),
    expected: {
      status: 'fail',
      findings: [
        { severity: 'error', message: 'vendor/old-model (models.primary) is deprecated: its expiration date 2026-01-31 has passed' },
        { severity: 'error', message: `anthropic/claude-3-5-haiku (models.fallbacks) does not exist on OpenRouter; did you mean ${HAIKU}?` },
      ],
      summary: `3 models checked against 5 listed: vendor/old-model, anthropic/claude-3-5-haiku, ${MINI}`,
    },
  },
  {
    name: 'malformed JSON from /models',
    models: { primary: MINI },
    scenario: { faults: { '/models': [{ kind: 'malformed-json' }] } },
    expected: { status: 'error', message: 'cannot list the models: malformed answer from GET /models: not JSON (content-type application/json)' },
  },
  {
    name: 'JSON of the wrong shape from /models',
    models: { primary: MINI },
    scenario: { faults: { '/models': [{ kind: 'wrong-shape' }] } },
    expected: { status: 'error', message: 'cannot list the models: malformed answer from GET /models: data is not an array (got an object)' },
  },
  {
    name: '503 on /models on every attempt',
    models: { primary: MINI },
    scenario: {
      faults: {
        '/models': [
          { kind: 'status', status: 503 },
          { kind: 'status', status: 503 },
        ],
      },
    },
    expected: {
      status: 'error',
      message: `cannot list the models: 503 Service Unavailable from GET /models (2 attempts): ${DEFAULT_ERROR_MESSAGES[503]}`,
    },
  },
];

describe('model-availability', () => {
  it('skips when no model is configured, without asking OpenRouter', async () => {
    remote.serve({ models: CATALOGUE });
    const since = remote.mark();
    expect(await remote.verdictOf(check)).toEqual({
      status: 'skip',
      reason: 'no models configured (models.primary, models.fallbacks, models.required) or found in the code',
    });
    expect(since()).toEqual([]);
  });

  it.each(cases)('$name', async ({ models, scenario, options, expected }) => {
    remote.serve({ models: CATALOGUE, ...scenario });
    expect(await remote.verdictOf(check, { models, ...(options && { options }) })).toEqual(expected);
  });

  it('asks for every output modality, once', async () => {
    remote.serve({ models: CATALOGUE });
    const since = remote.mark();
    await remote.verdictOf(check, { models: { primary: MINI, required: [EMBEDDING] } });
    expect(since().map(({ method, path, query }) => ({ method, path, query }))).toEqual([
      { method: 'GET', path: '/api/v1/models', query: { output_modalities: 'all' } },
    ]);
  });

  it("the severity of a missing model follows the check's; an upcoming retirement stays a warning", async () => {
    remote.serve(retiring(IN_10_DAYS));
    expect(await remote.verdictOf(check, { severity: 'warn', models: { primary: 'vendor/typo', fallbacks: ['vendor/old-model'] } })).toEqual({
      status: 'warn',
      findings: [
        { severity: 'warn', message: 'vendor/typo (models.primary) does not exist on OpenRouter' },
        { severity: 'warn', message: `vendor/old-model (models.fallbacks) is deprecated: OpenRouter may remove it after ${IN_10_DAYS}, in 10 days` },
      ],
      summary: '2 models checked against 5 listed: vendor/typo, vendor/old-model',
    });
  });

  it('never shows the key in a message, summary or error', () => {
    expect(remote.shown.length).toBeGreaterThan(cases.length);
    remote.expectKeyNeverShown();
  });

  describe('ids from the code: presets, routers and test code', () => {
    /** A small app: a router and a preset in production code, a model id only its tests use. */
    const APP = {
      'src/chat.ts': [
        "export const CHAT_MODELS = ['openrouter/auto', '@preset/support-bot'];",
        `export const ask = (messages) => client.chat.completions.create({ model: '${MINI}@preset/json-mode', models: CHAT_MODELS, messages, max_tokens: 300 });`,
      ].join('\n'),
      'test/chat.test.ts': "const FIXTURE_MODEL = 'test/model';\nit('asks', () => ask({ model: FIXTURE_MODEL }));\n",
      'app/worker.py': 'import os\nMODEL = os.getenv("WORKER_MODEL", "openrouter/auto")\n',
      'tests/test_worker.py': 'MODEL = "test/python-model"\n',
    };

    /** What the user reads for the check, findings with where they point. */
    async function codeVerdictOf(files: Record<string, string>, options: Record<string, boolean> = {}): Promise<unknown> {
      const ctx = { ...remote.context(check, { options }), workspace: workspaceOf(files) };
      const outcome = outcomeOf(await check.run(ctx));
      const shown = [outcome.skipReason, outcome.summary, ...outcome.findings.map(({ message }) => message)].filter(
        (text): text is string => text !== undefined,
      );
      remote.shown.push(...shown);
      if (outcome.skipReason !== undefined) return { skip: outcome.skipReason, findings: outcome.findings };
      return {
        summary: outcome.summary,
        findings: outcome.findings.map(({ severity, message, file, line, column }) => `${file}:${line}:${column} ${severity}: ${message}`),
      };
    }

    it('looks up the model before a preset, names presets and routers as not looked up, leaves test ids out', async () => {
      remote.serve({ models: CATALOGUE });
      const since = remote.mark();
      expect(await codeVerdictOf(APP)).toEqual({
        summary:
          `1 model checked against 4 listed: ${MINI}@preset/json-mode; ` +
          'not looked up: preset @preset/support-bot (set up on OpenRouter), router openrouter/auto (OpenRouter picks the model); ' +
          '2 ids in test code left out (include_tests: true checks them)',
        findings: [],
      });
      expect(since().map(({ path }) => path)).toEqual(['/api/v1/models']);
    });

    it('include_tests: true checks the ids in test code too, at their file, line and column', async () => {
      remote.serve({ models: CATALOGUE });
      expect(await codeVerdictOf(APP, { include_tests: true })).toEqual({
        summary:
          `3 models checked against 4 listed: ${MINI}@preset/json-mode, test/model, test/python-model; ` +
          'not looked up: preset @preset/support-bot (set up on OpenRouter), router openrouter/auto (OpenRouter picks the model)',
        findings: [
          'test/chat.test.ts:1:23 error: test/model (used in code) does not exist on OpenRouter',
          'tests/test_worker.py:1:9 error: test/python-model (used in code) does not exist on OpenRouter',
        ],
      });
    });

    it('a preset on a model that does not exist fails at the id, with suggestions for the model', async () => {
      remote.serve({ models: CATALOGUE });
      expect(await codeVerdictOf({ 'src/a.ts': "ask({ model: 'openai/gpt-4o-mni@preset/json-mode' });" })).toEqual({
        summary: '1 model checked against 4 listed: openai/gpt-4o-mni@preset/json-mode',
        findings: [`src/a.ts:1:14 error: openai/gpt-4o-mni@preset/json-mode (used in code) does not exist on OpenRouter; did you mean ${MINI}?`],
      });
    });

    it('only presets and routers: skipped with what they are, without asking OpenRouter', async () => {
      remote.serve({ models: CATALOGUE });
      const since = remote.mark();
      expect(await codeVerdictOf({ 'src/a.ts': "ask({ model: '@preset/support-bot', models: ['openrouter/auto'] });" })).toEqual({
        skip: 'no catalogue model to look up, only preset @preset/support-bot (set up on OpenRouter), router openrouter/auto (OpenRouter picks the model)',
        findings: [],
      });
      expect(since()).toEqual([]);
    });

    it('only test ids: skipped, saying they were left out and how to bring them in', async () => {
      remote.serve({ models: CATALOGUE });
      const since = remote.mark();
      expect(await codeVerdictOf({ 'src/__tests__/chat.ts': "ask({ model: 'test/model' });" })).toEqual({
        skip: 'no models configured (models.primary, models.fallbacks, models.required) or found in the code; 1 id in test code left out (include_tests: true checks them)',
        findings: [],
      });
      expect(since()).toEqual([]);
    });

    it('a preset or router configured in models is not looked up either', async () => {
      remote.serve({ models: CATALOGUE });
      expect(await remote.verdictOf(check, { models: { primary: '@preset/support-bot', fallbacks: ['openrouter/auto', MINI] } })).toEqual({
        status: 'pass',
        findings: [],
        summary: `1 model checked against 4 listed: ${MINI}; not looked up: preset @preset/support-bot (set up on OpenRouter), router openrouter/auto (OpenRouter picks the model)`,
      });
    });
  });
});
