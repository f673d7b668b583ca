/**
 * The remote checks end to end: the built CLI, spawned as a user would run it, pointed at a fake
 * OpenRouter (a real HTTP server on 127.0.0.1) with `--base-url`, the key in the environment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { maskKey } from '../../src/workspace/secrets.js';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { FAKE_KEYS, fakeManagedKey, fakeModel, startFakeOpenRouter } from '../support/fake-openrouter.js';
import type { FakeKeyData, FakeOpenRouter, FakeScenario } from '../support/fake-openrouter.js';
import { FIXTURES, materializeFixture } from '../support/fixtures.js';
import { PLAIN } from '../support/plain-http.js';
import { validateSarif } from '../support/sarif.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../support/time-limits.js';
import { makeTree } from '../support/tree.js';
import { generateKey } from '../support/workspace.js';
import { parseJsonReport } from '../support/json-report.js';

const JUNIT_XSD = { fileName: 'junit.xsd', contents: readFileSync(new URL('../schemas/junit.xsd', import.meta.url), 'utf8') };

const REMOTE = ['auth', 'credit-limit', 'model-availability', 'test-completion', 'fallback-reachability'];
/** The static checks, all passing on clean-app. (key-rotation and credit-balance need a management key: skipped here.) */
const PROJECT_CHECKS_PASS = Object.fromEntries(
  [
    'hardcoded-key',
    'https-only',
    'max-tokens',
    'env-files',
    'secret-scanning',
    'client-exposure',
    'client-resilience',
    'fallback-configured',
    'attribution-headers',
  ].map((id) => [id, 'pass']),
);
const ONLY_REMOTE = ['--only', REMOTE.join(',')];

/** The models fixtures/clean-app/.openrouter-check.yml names. */
const CATALOGUE = [
  fakeModel('openai/gpt-4o-mini'),
  fakeModel('anthropic/claude-3.5-haiku'),
  fakeModel('google/gemini-2.0-flash-001'),
  fakeModel('openai/gpt-4o'),
];

interface JsonCheck {
  id: string;
  status: string;
  message: string;
  findings: Array<{ message: string; severity: string; fingerprint?: string }>;
}
interface JsonReport {
  remote?: { host: string; baseUrl: string };
  summary: Record<string, number>;
  checks: JsonCheck[];
}

let fake: FakeOpenRouter;
const key = generateKey();
const app = materializeFixture('clean-app').root;

function scenario(overrides: Partial<FakeKeyData> = FAKE_KEYS.limited, extra: FakeScenario = {}): FakeScenario {
  return { keys: { [key]: overrides }, models: CATALOGUE, ...extra };
}

beforeAll(async () => {
  fake = await startFakeOpenRouter(scenario());
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.setScenario(scenario());
  fake.requests.length = 0;
});

function audit(args: string[], env: Record<string, string> = { OPENROUTER_API_KEY: key }): Promise<CliRun> {
  return runCli([app, '--base-url', fake.baseUrl, ...args], { env });
}

async function auditJson(args: string[] = [], env?: Record<string, string>): Promise<{ status: number | null; report: JsonReport; run: CliRun }> {
  const run = await audit([...args, '--format', 'json'], env);
  return { status: run.status, report: parseJsonReport<JsonReport>(run.stdout), run };
}

const statuses = (report: JsonReport): Record<string, string> => Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
const byId = (report: JsonReport, id: string): JsonCheck => report.checks.find((check) => check.id === id)!;

describe('a healthy key and catalogue', () => {
  it('passes all five remote checks and exits 0, saying what it learnt and where the key went', async () => {
    const { status, report } = await auditJson();
    expect(status).toBe(0);
    expect(report.remote).toEqual({ host: fake.host, baseUrl: fake.baseUrl });
    expect(statuses(report)).toEqual({
      ...PROJECT_CHECKS_PASS,
      auth: 'pass',
      'credit-limit': 'pass',
      'key-rotation': 'skip',
      'credit-balance': 'skip',
      'model-availability': 'pass',
      'test-completion': 'pass',
      'fallback-reachability': 'pass',
    });
    expect(byId(report, 'auth').message).toBe(`key ${key.slice(0, 12)}...${key.slice(-4)} accepted: paid account, no expiry`);
    expect(byId(report, 'credit-limit').message).toBe('$2.50 used of a $10.00 limit, $7.50 left, resets monthly');
    expect(byId(report, 'model-availability').message).toBe(
      '4 models checked against 4 listed: openai/gpt-4o-mini, anthropic/claude-3.5-haiku, google/gemini-2.0-flash-001, openai/gpt-4o',
    );
    expect(byId(report, 'test-completion').message).toMatch(/^openai\/gpt-4o-mini answered in \d+ ms, cost \$0\.\d+; 1 paid request \(run budget 10\)$/);
    expect(byId(report, 'fallback-reachability').message).toBe(
      '2 of 2 fallbacks served and routable: anthropic/claude-3.5-haiku (1 provider); google/gemini-2.0-flash-001 (1 provider); ' +
        'no paid request (--probe-fallbacks sends one per fallback)',
    );
  });

  it('a default run makes exactly one paid request: the primary, capped at 16 tokens; the fallbacks are checked for free', async () => {
    await audit([]);
    expect(fake.requestsTo('/key')).toHaveLength(1);
    expect(fake.requestsTo('/models')).toHaveLength(1);
    expect(fake.requestsTo('/models')[0]!.query).toEqual({ output_modalities: 'all' });
    expect(fake.requestsTo('/models/user')).toHaveLength(1);
    expect(
      fake
        .requestsTo('/models/{author}/{slug}/endpoints')
        .map(({ path }) => path)
        .sort(),
    ).toEqual(['/api/v1/models/anthropic/claude-3.5-haiku/endpoints', '/api/v1/models/google/gemini-2.0-flash-001/endpoints']);
    const completions = fake.requestsTo('/chat/completions');
    expect(completions.map((request) => (request.body as { model: string }).model)).toEqual(['openai/gpt-4o-mini']);
    for (const request of completions) {
      expect(request.body).toEqual({ model: 'openai/gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'Reply with OK.' }] });
      expect(request.headers).toMatchObject({
        authorization: `Bearer ${key}`,
        'user-agent': expect.stringMatching(/^openrouter-check\/\d+\.\d+\.\d+/),
        'http-referer': expect.stringMatching(/^https:\/\//),
        'x-openrouter-title': 'openrouter-check',
      });
    }
  });

  it('shows the key, usage and latency in the text report', async () => {
    const run = await audit(ONLY_REMOTE);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/✔ auth +The API key is accepted — key sk-or-v1-\w{3}\.\.\.\w{4} accepted: paid account, no expiry/);
    expect(run.stdout).toContain('— $2.50 used of a $10.00 limit, $7.50 left, resets monthly');
    expect(run.stdout.split('\n').find((line) => line.startsWith('remote checks:'))).toBe(
      `remote checks: 5 ran against ${fake.host}, 2 skipped — not selected by --only`,
    );
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('5 passed, 0 failed, 0 warned, 11 skipped');
  });
});

describe('without a key, --offline, --no-spend, --require-remote', () => {
  it('skips the remote checks with the reason when no key is set, and sends nothing', async () => {
    const { status, report } = await auditJson([], {});
    expect(status).toBe(0);
    for (const id of REMOTE) expect(byId(report, id)).toMatchObject({ status: 'skip', message: 'no API key: set OPENROUTER_API_KEY to run the remote checks' });
    expect(fake.requests).toEqual([]);
  });

  it('--require-remote turns a missing key into failures', async () => {
    const { status, report } = await auditJson(['--require-remote'], {});
    expect(status).toBe(1);
    for (const id of REMOTE) {
      expect(byId(report, id).status).toBe('fail');
      expect(byId(report, id).findings).toEqual([
        { message: 'no API key: set OPENROUTER_API_KEY to run the remote checks, and --require-remote demands the remote checks', severity: 'error' },
      ]);
    }
  });

  it('--offline skips them even with a key, and makes no request', async () => {
    const { status, report } = await auditJson(['--offline']);
    expect(status).toBe(0);
    for (const id of REMOTE) expect(byId(report, id)).toMatchObject({ status: 'skip', message: 'skipped by --offline' });
    expect(fake.requests).toEqual([]);
  });

  it('--probe-fallbacks: one paid completion per fallback too, within the budget', async () => {
    const { status, report } = await auditJson(['--probe-fallbacks', ...ONLY_REMOTE]);
    expect(status).toBe(0);
    expect(
      fake
        .requestsTo('/chat/completions')
        .map((request) => (request.body as { model: string }).model)
        .sort(),
    ).toEqual(['anthropic/claude-3.5-haiku', 'google/gemini-2.0-flash-001', 'openai/gpt-4o-mini']);
    expect(byId(report, 'fallback-reachability').message).toMatch(
      /^2 of 2 fallbacks served and routable: anthropic\/claude-3\.5-haiku \(1 provider, anthropic\/claude-3\.5-haiku answered in \d+ ms, cost \$[\d.]+\); google\/gemini-2\.0-flash-001 \(1 provider, google\/gemini-2\.0-flash-001 answered in \d+ ms, cost \$[\d.]+\); 2 paid requests \(run budget 10\)$/,
    );
  });

  it('fallbacks no provider serves, or the account cannot route to, fail with their ids; the healthy one passes', async () => {
    fake.setScenario(
      scenario(FAKE_KEYS.limited, {
        endpoints: { 'google/gemini-2.0-flash-001': [] },
        models: [...CATALOGUE, fakeModel('mistralai/mistral-small')],
        dataPolicy: { denyTraining: true, trainingProviders: ['Anthropic'] },
      }),
    );
    const root = makeTree({
      '.openrouter-check.yml':
        'models:\n  primary: openai/gpt-4o-mini\n  fallbacks:\n    - anthropic/claude-3.5-haiku\n    - google/gemini-2.0-flash-001\n    - mistralai/mistral-small\n',
    });
    const run = await runCli([root, '--base-url', fake.baseUrl, '--only', 'fallback-reachability', '--format', 'json'], { env: { OPENROUTER_API_KEY: key } });
    expect(run.status).toBe(1);
    const check = byId(parseJsonReport<JsonReport>(run.stdout), 'fallback-reachability');
    expect(check.findings).toEqual([
      {
        severity: 'error',
        message: expect.stringMatching(
          /^anthropic\/claude-3\.5-haiku \(models\.fallbacks\) is not routable for this account: GET \/models\/user leaves it out/,
        ) as unknown as string,
      },
      {
        severity: 'error',
        message:
          'google/gemini-2.0-flash-001 (models.fallbacks) is served by no provider: GET /models/{author}/{slug}/endpoints lists none, so every request to it fails',
      },
    ]);
    expect(check.message).toBe(
      '2 errors; 1 of 3 fallbacks served and routable: mistralai/mistral-small (1 provider); no paid request (--probe-fallbacks sends one per fallback)',
    );
    expect(fake.requestsTo('/chat/completions')).toEqual([]);
  });

  it('no models.primary: test-completion probes the model the code sends, and names it', async () => {
    const root = makeTree({ 'src/chat.ts': "await client.chat.completions.create({ model: 'openai/gpt-4o', messages, max_tokens: 256 });\n" });
    const run = await runCli([root, '--base-url', fake.baseUrl, '--only', 'test-completion', '--format', 'json'], { env: { OPENROUTER_API_KEY: key } });
    expect(run.status).toBe(0);
    expect(byId(parseJsonReport<JsonReport>(run.stdout), 'test-completion').message).toMatch(
      /^probed openai\/gpt-4o, the model the code sends \(src\/chat\.ts:1:47\); openai\/gpt-4o answered in \d+ ms, cost \$[\d.]+; 1 paid request \(run budget 10\)$/,
    );
    expect(fake.requestsTo('/chat/completions').map((request) => (request.body as { model: string }).model)).toEqual(['openai/gpt-4o']);
  });

  it.each([[[]], [['--probe-fallbacks']]])(
    '--no-spend %j skips the check that sends a completion, checks the fallbacks for free, and sends none',
    async (extra) => {
      const { status, report } = await auditJson(['--no-spend', ...extra, ...ONLY_REMOTE]);
      expect(status).toBe(0);
      expect(statuses(report)).toMatchObject({
        auth: 'pass',
        'credit-limit': 'pass',
        'model-availability': 'pass',
        'test-completion': 'skip',
        'fallback-reachability': 'pass',
      });
      expect(byId(report, 'test-completion').message).toBe('skipped by --no-spend (it sends a billable completion)');
      expect(fake.requestsTo('/chat/completions')).toEqual([]);
    },
  );

  // The operator names the variable (the audited repository's own config may not: see test/hostile/untrusted-repo.test.ts).
  it.each<{ name: string; args: string[]; env: Record<string, string> }>([
    { name: '--key-env', args: ['--key-env', 'SUPPORT_BOT_OPENROUTER_KEY'], env: {} },
    { name: 'OPENROUTER_CHECK_KEY_ENV', args: [], env: { OPENROUTER_CHECK_KEY_ENV: 'SUPPORT_BOT_OPENROUTER_KEY' } },
    { name: "api.key_env in the operator's --config", args: ['--config', 'operator.yml'], env: {} },
  ])('reads the key from the variable $name names', async ({ args, env }) => {
    const root = makeTree({ '.openrouter-check.yml': 'models:\n  primary: openai/gpt-4o-mini\n' });
    const operator = makeTree({ 'operator.yml': 'api:\n  key_env: SUPPORT_BOT_OPENROUTER_KEY\nmodels:\n  primary: openai/gpt-4o-mini\n' });
    const run = await runCli([root, '--base-url', fake.baseUrl, '--only', 'auth', '--format', 'json', ...args], {
      cwd: operator,
      env: { SUPPORT_BOT_OPENROUTER_KEY: key, ...env },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(byId(parseJsonReport<JsonReport>(run.stdout), 'auth').status).toBe('pass');
    expect(fake.requestsTo('/key').map((request) => request.headers.authorization)).toEqual([`Bearer ${key}`]);
  });
});

describe('faults: each yields the right status and message, and the rest of the run goes on', () => {
  it('an unknown key: auth and the completions fail, the static checks and the public /models still pass', async () => {
    fake.setScenario({ models: CATALOGUE, keys: {} });
    const { status, report } = await auditJson();
    expect(status).toBe(1);
    expect(statuses(report)).toEqual({
      ...PROJECT_CHECKS_PASS,
      auth: 'fail',
      'credit-limit': 'error',
      'key-rotation': 'skip',
      'credit-balance': 'skip',
      'model-availability': 'pass',
      'test-completion': 'fail',
      'fallback-reachability': 'error',
    });
    // The fallbacks are judged for free now: /models/user needs the key, so without one the check cannot tell.
    expect(byId(report, 'fallback-reachability').message).toBe(
      'cannot list the models this account may route to: 401 Unauthorized from GET /models/user: User not found.',
    );
    expect(byId(report, 'auth').findings).toEqual([
      { message: 'the key in OPENROUTER_API_KEY was refused: 401 Unauthorized from GET /key: User not found.', severity: 'error' },
    ]);
    expect(byId(report, 'credit-limit').message).toBe("cannot read the key's limit: 401 Unauthorized from GET /key: User not found.");
    expect(byId(report, 'test-completion').findings[0]!.message).toBe(
      'openai/gpt-4o-mini: the key was refused (401 Unauthorized from POST /chat/completions: User not found.)',
    );
  });

  it('a key without a credit limit fails credit-limit', async () => {
    fake.setScenario(scenario(FAKE_KEYS.unlimited));
    const { status, report } = await auditJson(['--only', 'credit-limit']);
    expect(status).toBe(1);
    expect(byId(report, 'credit-limit').findings[0]!.message).toMatch(
      /^the key in OPENROUTER_API_KEY has no credit limit: a leaked key could spend the whole account/,
    );
  });

  it('402 on the completion: test-completion fails "out of credits"', async () => {
    fake.setScenario(scenario(FAKE_KEYS.limited, { completions: { 'openai/gpt-4o-mini': { status: 402 } } }));
    const { status, report } = await auditJson(['--only', 'test-completion']);
    expect(status).toBe(1);
    expect(byId(report, 'test-completion').findings[0]!.message).toMatch(
      /^openai\/gpt-4o-mini: out of credits: add credits at openrouter\.ai\/settings\/credits/,
    );
  });

  // How long it waits is the client's, shown with a recording sleep in test/openrouter/client.test.ts.
  it('429 with Retry-After: the client asks again after the wait, and succeeds', async () => {
    fake.setScenario(scenario(FAKE_KEYS.limited, { faults: { '/key': [{ kind: 'status', status: 429, retryAfter: 1 }] } }));
    const { status, report } = await auditJson(['--only', 'auth']);
    expect(status).toBe(0);
    expect(byId(report, 'auth').status).toBe('pass');
    expect(fake.requestsTo('/key')).toHaveLength(2);
  });

  it('429 on every attempt: test-completion is an error, not a failure', async () => {
    const busy = { kind: 'status', status: 429, retryAfter: 0 } as const;
    fake.setScenario(scenario(FAKE_KEYS.limited, { faults: { '/chat/completions': [busy, busy, busy] } }));
    const { status, report } = await auditJson(['--only', 'test-completion']);
    expect(status).toBe(1);
    expect(byId(report, 'test-completion')).toMatchObject({ status: 'error' });
    expect(byId(report, 'test-completion').message).toMatch(/^openai\/gpt-4o-mini: 429 Too Many Requests from POST \/chat\/completions \(3 attempts\)/);
    expect(fake.requestsTo('/chat/completions')).toHaveLength(3);
  });

  it('a malformed /models answer: the model checks error with the cause, auth still passes', async () => {
    fake.setScenario(scenario(FAKE_KEYS.limited, { faults: { '/models': [{ kind: 'malformed-json' }] } }));
    const { status, report } = await auditJson(ONLY_REMOTE);
    expect(status).toBe(1);
    expect(statuses(report)).toMatchObject({
      auth: 'pass',
      'credit-limit': 'pass',
      'model-availability': 'error',
      'test-completion': 'pass',
      'fallback-reachability': 'error',
    });
    expect(byId(report, 'model-availability').message).toMatch(/^cannot list the models: malformed answer from GET \/models: /);
  });

  it('a model id that does not exist fails with a suggestion', async () => {
    const root = makeTree({ '.openrouter-check.yml': 'models:\n  primary: anthropic/claude-3-5-haiku\n' });
    const run = await runCli([root, '--base-url', fake.baseUrl, '--only', 'model-availability', '--format', 'json'], { env: { OPENROUTER_API_KEY: key } });
    expect(run.status).toBe(1);
    expect(byId(parseJsonReport<JsonReport>(run.stdout), 'model-availability').findings).toEqual([
      { message: 'anthropic/claude-3-5-haiku (models.primary) does not exist on OpenRouter; did you mean anthropic/claude-3.5-haiku?', severity: 'error' },
    ]);
  });

  it('a model id only in the code, unknown to OpenRouter, fails with the place that sends it', async () => {
    const root = makeTree({
      'src/legacy.ts': [
        "import OpenAI from 'openai';",
        'const client = new OpenAI();',
        'export const ask = (q: string) =>',
        "  client.chat.completions.create({ model: 'openai/gpt-4-turbo-preview', max_tokens: 200, messages: [{ role: 'user', content: q }] });",
        '',
      ].join('\n'),
    });
    const run = await runCli([root, '--base-url', fake.baseUrl, '--only', 'model-availability', '--format', 'json'], { env: { OPENROUTER_API_KEY: key } });
    expect(run.status).toBe(1);
    const check = byId(parseJsonReport<JsonReport>(run.stdout), 'model-availability');
    expect(check.findings).toEqual([
      {
        message: 'openai/gpt-4-turbo-preview (used in code) does not exist on OpenRouter',
        severity: 'error',
        file: 'src/legacy.ts',
        line: 4,
        column: 43,
        snippet: "client.chat.completions.create({ model: 'openai/gpt-4-turbo-preview', max_tokens: 200, messages: [{ role: 'user', content: q }] });",
      },
    ]);
  });

  it('a model id in a models list of the code: the same finding, no field more', async () => {
    const root = makeTree({ 'src/chat.ts': "await client.chat.completions.create({ models: ['openai/gpt-4-turbo-preview'], max_tokens: 200, messages });\n" });
    const run = await runCli([root, '--base-url', fake.baseUrl, '--only', 'model-availability', '--format', 'json'], { env: { OPENROUTER_API_KEY: key } });
    expect(byId(parseJsonReport<JsonReport>(run.stdout), 'model-availability').findings).toEqual([
      {
        message: 'openai/gpt-4-turbo-preview (used in code) does not exist on OpenRouter',
        severity: 'error',
        file: 'src/chat.ts',
        line: 1,
        column: 49,
        snippet: "await client.chat.completions.create({ models: ['openai/gpt-4-turbo-preview'], max_tokens: 200, messages });",
      },
    ]);
  });

  it('a hung server: each call is cut off by the time limit after 1 + 2 retries, every remote check an error', async () => {
    const hang = { kind: 'hang' } as const;
    const hangs = [hang, hang, hang];
    fake.setScenario(scenario(FAKE_KEYS.limited, { faults: { '/key': [...hangs], '/models': [...hangs], '/chat/completions': [...hangs, ...hangs] } }));
    // Every request hangs, so a short limit fires however busy the machine; a run without one would be killed as hung.
    const { status, report } = await auditJson([...ONLY_REMOTE, '--timeout', '400']);
    expect(status).toBe(1);
    for (const id of ['auth', 'credit-limit', 'model-availability', 'test-completion']) {
      expect(byId(report, id).status).toBe('error');
      expect(byId(report, id).message).toMatch(/timed out after 400 ms \(3 attempts\)/);
    }
    expect(byId(report, 'fallback-reachability')).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/^cannot list the models: timed out after 400 ms \(3 attempts\)/),
    });
    // The client counts its attempts (above); the server never sees more, though it may miss one cut
    // off before it left a busy process. The fallbacks wait for /models: only the primary's completion.
    for (const route of ['/key', '/models', '/chat/completions'] as const) expect(fake.requestsTo(route).length, route).toBeLessThanOrEqual(3);
  });
});

describe('concurrency', () => {
  it("the remote checks overlap: /key, /models and /models/user in flight together, then the probe and both fallbacks' endpoints", async () => {
    // Nothing is answered until three requests wait together, then three more: requests sent one
    // after another would never fill a batch, and would end in timeouts instead.
    fake.setScenario(scenario(FAKE_KEYS.limited, { answerInBatches: [3, 3] }));
    // The same models as clean-app, but no code.
    const root = makeTree({ '.openrouter-check.yml': readFileSync(join(FIXTURES, 'clean-app/.openrouter-check.yml'), 'utf8') });
    const run = await runCli([root, '--base-url', fake.baseUrl, ...ONLY_REMOTE, '--timeout', String(ANSWERED_REQUEST_TIMEOUT_MS), '--format', 'json'], {
      env: { OPENROUTER_API_KEY: key },
    });
    expect(run.status).toBe(0);
    expect(statuses(parseJsonReport<JsonReport>(run.stdout))).toMatchObject(Object.fromEntries(REMOTE.map((id) => [id, 'pass'])));
    const asked = fake.requests.map((request) =>
      request.route === '/chat/completions' ? (request.body as { model: string }).model : request.path.replace('/api/v1', ''),
    );
    expect(new Set(asked.slice(0, 3))).toEqual(new Set(['/key', '/models', '/models/user']));
    // The probe and the endpoint lookups wait for the catalogue: never more than three in flight at once.
    expect(new Set(asked.slice(3))).toEqual(
      new Set(['openai/gpt-4o-mini', '/models/anthropic/claude-3.5-haiku/endpoints', '/models/google/gemini-2.0-flash-001/endpoints']),
    );
    expect(fake.peakInFlight).toBe(3);
  });
});

describe('the key is never printed', () => {
  it('appears in no format, report file or error, whatever happens', async () => {
    const reports = makeTree({});
    const outputs: string[] = [];
    const cases: Array<{ scenario: FakeScenario; args: string[] }> = [
      { scenario: scenario(), args: [] },
      { scenario: { models: CATALOGUE, keys: {} }, args: [] },
      { scenario: scenario(FAKE_KEYS.management), args: [] },
      { scenario: scenario(FAKE_KEYS.limited, { faults: { '/key': [{ kind: 'malformed-json' }], '/chat/completions': [{ kind: 'wrong-shape' }] } }), args: [] },
      {
        scenario: scenario(FAKE_KEYS.limited, {
          faults: {
            '/key': [
              { kind: 'status', status: 500, message: `echo ${key}` },
              { kind: 'status', status: 500, message: `echo ${key}` },
              { kind: 'status', status: 500, message: `echo ${key}` },
            ],
          },
        }),
        args: [],
      },
    ];
    // One run per case: text on stdout, JSON and JUnit written as report files.
    for (const [index, testCase] of cases.entries()) {
      fake.setScenario(testCase.scenario);
      // max-tokens cannot see a key and only adds the compiler's start-up time.
      const run = await audit([
        ...testCase.args,
        '--skip',
        'max-tokens',
        '--report',
        `json=${reports}/${index}.json`,
        '--report',
        `junit=${reports}/${index}.xml`,
      ]);
      const junit = readFileSync(join(reports, `${index}.xml`), 'utf8');
      outputs.push(run.stdout, run.stderr, readFileSync(join(reports, `${index}.json`), 'utf8'), junit);
      const validation = await validateXML({ xml: [{ fileName: 'junit.xml', contents: junit }], schema: [JUNIT_XSD] });
      expect(validation.errors).toEqual([]);
    }
    // Usage errors that involve the key's surroundings print nothing of it either.
    outputs.push((await audit(['--base-url', `${PLAIN}example.com/${key}/api/v1`])).stderr);
    const everything = outputs.join('\n');
    expect(everything).toContain(maskKey(key));
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(key.slice(9, 40));
  });
});

describe('with a management key (OPENROUTER_MANAGEMENT_KEY)', () => {
  it('runs key-rotation and credit-balance, sends the management key only to /keys and /credits, and never prints it', async () => {
    const managementKey = generateKey();
    const created = new Date(Date.now() - 200 * 24 * 3600 * 1000).toISOString();
    fake.setScenario({
      ...scenario(),
      keys: { [key]: FAKE_KEYS.limited, [managementKey]: FAKE_KEYS.management },
      managedKeys: [fakeManagedKey(key, { limit: 10, limit_remaining: 7.5, limit_reset: 'monthly', created_at: created })],
      credits: { total_credits: 15, total_usage: 12 },
    });
    const { status, report, run } = await auditJson(['--only', 'key-rotation,credit-balance'], {
      OPENROUTER_API_KEY: key,
      OPENROUTER_MANAGEMENT_KEY: managementKey,
    });
    expect(status).toBe(0);
    expect(statuses(report)).toMatchObject({ 'key-rotation': 'warn', 'credit-balance': 'warn' });
    expect(byId(report, 'key-rotation').findings[0]!.message).toMatch(/200 days/);
    expect(byId(report, 'credit-balance').findings[0]!.message).toMatch(/\$3\.00/);
    for (const request of [...fake.requestsTo('/keys'), ...fake.requestsTo('/credits')]) expect(request.headers.authorization).toBe(`Bearer ${managementKey}`);
    for (const request of fake.requestsTo('/key')) expect(request.headers.authorization).toBe(`Bearer ${key}`);
    expect(run.stdout + run.stderr).not.toContain(managementKey);
  });

  it('without it, both are skipped with the reason', async () => {
    const { report } = await auditJson(['--only', 'key-rotation,credit-balance']);
    expect(statuses(report)).toMatchObject({ 'key-rotation': 'skip', 'credit-balance': 'skip' });
    expect(byId(report, 'credit-balance').message).toMatch(/OPENROUTER_MANAGEMENT_KEY/);
    expect(fake.requestsTo('/credits')).toEqual([]);
  });
});

describe('report schemas', () => {
  it('SARIF and JUnit validate for the passing fixture, the failing fixture and a run with remote errors', async () => {
    const out = makeTree({});
    const leaky = materializeFixture('leaky-app').root;
    const failing500 = { kind: 'status', status: 500 } as const;
    const runs: Array<{ name: string; root: string; scenario: FakeScenario; status: number }> = [
      { name: 'passing', root: app, scenario: scenario(), status: 0 },
      { name: 'failing', root: leaky, scenario: scenario(), status: 1 },
      {
        name: 'remote-errors',
        root: app,
        scenario: scenario(FAKE_KEYS.limited, { faults: { '/key': [failing500, failing500, failing500], '/models': [{ kind: 'malformed-json' }] } }),
        status: 1,
      },
    ];
    for (const run of runs) {
      fake.setScenario(run.scenario);
      const result = await runCli(
        [run.root, '--base-url', fake.baseUrl, '--report', `sarif=${out}/${run.name}.sarif`, '--report', `junit=${out}/${run.name}.xml`],
        {
          env: { OPENROUTER_API_KEY: key },
        },
      );
      expect(result.status, run.name).toBe(run.status);
      const sarif = JSON.parse(readFileSync(join(out, `${run.name}.sarif`), 'utf8')) as object;
      expect(validateSarif(sarif), `${run.name}: ${JSON.stringify(validateSarif.errors)}`).toBe(true);
      const junit = readFileSync(join(out, `${run.name}.xml`), 'utf8');
      const validation = await validateXML({ xml: [{ fileName: `${run.name}.xml`, contents: junit }], schema: [JUNIT_XSD] });
      expect(validation.errors, run.name).toEqual([]);
      if (run.name === 'remote-errors') expect(junit).toMatch(/<error type="error" message="cannot verify the key: 500 Internal Server Error/);
    }
  });
});

describe('flag mistakes are one-line usage errors (exit 2)', () => {
  it.each([
    { args: ['--base-url', `${PLAIN}example.com/api/v1`], stderr: /^error: --base-url: base URL .* uses plain http; the API key is only sent over https/ },
    { args: ['--base-url', 'not a url'], stderr: /^error: --base-url: base URL "not a url" is not a valid URL \(such as https:\/\/openrouter\.ai\/api\/v1\)$/ },
    { args: ['--key-env', 'MY KEY'], stderr: /^error: --key-env must be an environment variable name such as OPENROUTER_API_KEY$/ },
    { args: ['--retries', '11'], stderr: /^error: --retries expects a whole number from 0 to 10 \(got "11"\)$/ },
    { args: ['--retries', 'many'], stderr: /^error: --retries expects a whole number from 0 to 10 \(got "many"\)$/ },
    { args: ['--timeout', 'soon'], stderr: /^error: --timeout expects a positive number of milliseconds \(got "soon"\)$/ },
    { args: ['--offline', '--require-remote'], stderr: /^error: --offline and --require-remote contradict each other$/ },
  ])('$args', async ({ args, stderr }) => {
    const run = await runCli([join(FIXTURES, 'clean-app'), ...args], { env: { OPENROUTER_API_KEY: key } });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(stderr);
  });
});
