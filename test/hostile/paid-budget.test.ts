/**
 * A repository that lists 40 fallbacks, or a model that keeps answering 429/503, cannot make a run
 * spend more than the operator's paid-request budget: the built CLI against a fake OpenRouter on
 * 127.0.0.1, counting what the server receives on /chat/completions. Fallbacks are probed only under
 * the operator's --probe-fallbacks; the primary model's test completion is always among the requests
 * sent, and the fallbacks left out are named in the report.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { FAKE_KEYS, fakeModel, startFakeOpenRouter } from '../support/fake-openrouter.js';
import type { FakeOpenRouter, FakeScenario, Fault } from '../support/fake-openrouter.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../support/time-limits.js';
import { makeTree } from '../support/tree.js';
import { generateKey } from '../support/workspace.js';
import { parseJsonReport } from '../support/json-report.js';

const PRIMARY = 'openai/gpt-4o-mini';
const FALLBACKS = Array.from({ length: 40 }, (_, index) => `vendor/model-${String(index + 1).padStart(2, '0')}`);
const PAID = ['test-completion', 'fallback-reachability'];
const RAISE = 'raise it with --max-paid-requests <n> or OPENROUTER_CHECK_MAX_PAID_REQUESTS';

const key = generateKey();
const baseScenario: FakeScenario = { keys: { [key]: FAKE_KEYS.limited }, models: [fakeModel(PRIMARY), ...FALLBACKS.map((id) => fakeModel(id))] };

interface JsonCheck {
  id: string;
  status: string;
  message: string;
  findings: Array<{ message: string; severity: string }>;
}

let fake: FakeOpenRouter;
beforeAll(async () => {
  fake = await startFakeOpenRouter(baseScenario);
});
beforeEach(() => {
  fake.setScenario(baseScenario);
  fake.requests.length = 0;
});
afterAll(() => fake.close());

/** The models of the test-completion probe and the fallbacks, in the repository's config; the base URL from the operator's flag. */
function audit(
  args: string[],
  { fallbacks = FALLBACKS, retries = 0, env = {} }: { fallbacks?: string[]; retries?: number; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const config = [`models:`, `  primary: ${PRIMARY}`, `  fallbacks:`, ...fallbacks.map((id) => `    - ${id}`), `api:`, `  retries: ${retries}`, ''].join('\n');
  const app = makeTree({ '.openrouter-check.yml': config, 'src/app.ts': 'export const answer = 42;\n' });
  return runCli([app, '--only', PAID.join(','), '--base-url', fake.baseUrl, '--timeout', String(ANSWERED_REQUEST_TIMEOUT_MS), '--format', 'json', ...args], {
    env: { OPENROUTER_API_KEY: key, ...env },
  });
}

const checkOf = (run: CliRun, id: string): JsonCheck => parseJsonReport<{ checks: JsonCheck[] }>(run.stdout).checks.find((check) => check.id === id)!;
const probedModels = (): string[] => fake.requestsTo('/chat/completions').map(({ body }) => (body as { model: string }).model);

describe('40 fallbacks in the config', () => {
  it('cost one paid completion by default: the primary; the fallbacks are checked for free', async () => {
    const run = await audit([]);
    expect(run.stderr).toBe('');
    expect(probedModels()).toEqual([PRIMARY]);
    expect(fake.requestsTo('/models/{author}/{slug}/endpoints')).toHaveLength(40);
    expect(checkOf(run, 'fallback-reachability')).toMatchObject({ status: 'pass', findings: [] });
    expect(checkOf(run, 'fallback-reachability').message).toMatch(
      /^40 of 40 fallbacks served and routable: .*; no paid request \(--probe-fallbacks sends one per fallback\)$/,
    );
    expect(run.status).toBe(0);
  });

  it('with --probe-fallbacks, cost the default budget of 10 paid completions: the primary model first, then 9 fallbacks; the other 31 are named as not probed', async () => {
    const run = await audit(['--probe-fallbacks']);
    expect(run.stderr).toBe('');
    expect(probedModels()).toHaveLength(10);
    expect(probedModels()).toContain(PRIMARY);
    expect(
      probedModels()
        .filter((model) => model !== PRIMARY)
        .sort(),
    ).toEqual(FALLBACKS.slice(0, 9));

    const completion = checkOf(run, 'test-completion');
    expect(completion.status).toBe('pass');
    expect(completion.message).toMatch(/^openai\/gpt-4o-mini answered in \d+ ms, cost \$[\d.]+; 1 paid request \(run budget 10\)$/);

    const fallbacks = checkOf(run, 'fallback-reachability');
    expect(fallbacks.status).toBe('warn');
    expect(fallbacks.message).toMatch(
      /^1 warning; 40 of 40 fallbacks served and routable: vendor\/model-01 \(1 provider, vendor\/model-01 answered in .*; vendor\/model-10 \(1 provider\); .*; 9 paid requests \(run budget 10\)$/,
    );
    expect(fallbacks.findings).toEqual([
      { severity: 'warn', message: `31 fallbacks not probed: ${FALLBACKS.slice(9).join(', ')}; the run's paid-request budget (10) is spent; ${RAISE}` },
    ]);
    // A warning: the run still passes unless the operator asks --fail-on warn.
    expect(run.status).toBe(0);
  });

  it('--max-paid-requests 2: the primary model and one fallback', async () => {
    const run = await audit(['--probe-fallbacks', '--max-paid-requests', '2']);
    expect(probedModels().sort()).toEqual([PRIMARY, FALLBACKS[0]].sort());
    expect(checkOf(run, 'test-completion').status).toBe('pass');
    expect(checkOf(run, 'fallback-reachability').message).toMatch(/; 1 paid request \(run budget 2\)$/);
    expect(checkOf(run, 'fallback-reachability').findings).toEqual([
      { severity: 'warn', message: `39 fallbacks not probed: ${FALLBACKS.slice(1).join(', ')}; the run's paid-request budget (2) is spent; ${RAISE}` },
    ]);
  });

  it('OPENROUTER_CHECK_MAX_PAID_REQUESTS sets the budget too; the flag wins over it', async () => {
    const fromEnv = await audit(['--probe-fallbacks'], { env: { OPENROUTER_CHECK_MAX_PAID_REQUESTS: '3' } });
    expect(fromEnv.stderr).toBe('');
    expect(probedModels().sort()).toEqual([PRIMARY, FALLBACKS[0], FALLBACKS[1]].sort());
    expect(checkOf(fromEnv, 'fallback-reachability').findings[0]!.message).toContain('38 fallbacks not probed: vendor/model-03, ');

    fake.requests.length = 0;
    const both = await audit(['--probe-fallbacks', '--max-paid-requests', '1'], { env: { OPENROUTER_CHECK_MAX_PAID_REQUESTS: '25' } });
    expect(probedModels()).toEqual([PRIMARY]);
    expect(checkOf(both, 'fallback-reachability').findings).toEqual([
      { severity: 'warn', message: `40 fallbacks not probed: ${FALLBACKS.join(', ')}; the run's paid-request budget (1) is spent; ${RAISE}` },
    ]);
  });

  it('a budget of 41 probes every fallback and the primary model', async () => {
    const run = await audit(['--probe-fallbacks', '--max-paid-requests', '41']);
    expect(probedModels()).toHaveLength(41);
    expect(checkOf(run, 'fallback-reachability')).toMatchObject({ status: 'pass', findings: [] });
    expect(checkOf(run, 'fallback-reachability').message).toMatch(/^40 of 40 fallbacks served and routable: .*; 40 paid requests \(run budget 41\)$/);
  });

  it('--max-paid-requests 0 sends no completion; both checks say why, as warnings', async () => {
    const run = await audit(['--probe-fallbacks', '--max-paid-requests', '0']);
    expect(probedModels()).toEqual([]);
    expect(checkOf(run, 'test-completion')).toMatchObject({
      status: 'warn',
      message: '1 warning; 0 paid requests (run budget 0)',
      findings: [{ severity: 'warn', message: `${PRIMARY} not probed: the run's paid-request budget is 0; ${RAISE}` }],
    });
    expect(checkOf(run, 'fallback-reachability')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/^1 warning; 40 of 40 fallbacks served and routable: .*; 0 paid requests \(run budget 0\)$/),
      findings: [{ severity: 'warn', message: `40 fallbacks not probed: ${FALLBACKS.join(', ')}; the run's paid-request budget is 0; ${RAISE}` }],
    });
    expect(run.status).toBe(0);
  });

  it('--no-spend still sends no completion at all, --probe-fallbacks or not', async () => {
    const run = await audit(['--no-spend', '--probe-fallbacks']);
    expect(fake.requestsTo('/chat/completions')).toEqual([]);
    expect(checkOf(run, 'test-completion')).toMatchObject({ status: 'skip', message: 'skipped by --no-spend (it sends a billable completion)' });
    expect(checkOf(run, 'fallback-reachability')).toMatchObject({ status: 'pass', findings: [] });
  });
});

describe('retries of a paid completion', () => {
  it.each([
    { name: '429 with Retry-After: 0', fault: { kind: 'status', status: 429, retryAfter: 0 } as Fault, status: '429 Too Many Requests' },
    { name: '503', fault: { kind: 'status', status: 503 } as Fault, status: '503 Service Unavailable' },
  ])('answering $name every time: each attempt counts, and the retries stop when the budget is spent', async ({ fault, status }) => {
    fake.setScenario({ ...baseScenario, faults: { '/chat/completions': Array.from({ length: 10 }, () => fault) } });
    const run = await audit(['--max-paid-requests', '2'], { fallbacks: [], retries: 3 });
    // api.retries 3 would make 4 attempts; the budget allows 2.
    expect(probedModels()).toEqual([PRIMARY, PRIMARY]);
    const completion = checkOf(run, 'test-completion');
    expect(completion.status).toBe('error');
    expect(completion.message).toContain(`${PRIMARY}: ${status} from POST /chat/completions (2 attempts): `);
    expect(completion.message).toMatch(/\(not retried: the run's paid-request budget \(2\) is spent\)/);
    expect(run.status).toBe(1);
  });

  it('fallback retries share the budget with the primary, which keeps its own slot', async () => {
    // Every fallback answers 503: each one's retries eat the budget, but never the primary's probe.
    fake.setScenario({ ...baseScenario, completions: Object.fromEntries(FALLBACKS.map((id) => [id, { status: 503 }])) });
    const run = await audit(['--probe-fallbacks', '--max-paid-requests', '5'], { retries: 3 });
    expect(probedModels()).toHaveLength(5);
    expect(probedModels()).toContain(PRIMARY);
    expect(checkOf(run, 'test-completion').status).toBe('pass');
    const fallbacks = checkOf(run, 'fallback-reachability');
    expect(fallbacks.status).toBe('error');
    expect(fallbacks.message).toMatch(/^could not check vendor\/model-01: 503 Service Unavailable from POST \/chat\/completions/);
    expect(fallbacks.message).toMatch(/ not probed: the run's paid-request budget \(5\) is spent; 4 paid requests \(run budget 5\)$/);
  });
});

describe('a bad budget', () => {
  it('--help names the flag, its variable and its default', async () => {
    const run = await runCli(['--help']);
    // Commander wraps the description at 80 columns.
    const flat = run.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain('--max-paid-requests <n> paid completions a run may send, retries included (default: OPENROUTER_CHECK_MAX_PAID_REQUESTS, else 10)');
    expect(flat).toContain('$ openrouter-check --max-paid-requests 3 at most 3 paid completions, retries included');
  });

  it.each<{ name: string; args: string[]; env: Record<string, string>; line: string }>([
    {
      name: '--max-paid-requests abc',
      args: ['--max-paid-requests', 'abc'],
      env: {},
      line: 'error: --max-paid-requests expects a whole number of paid completions, 0 or more (got "abc")',
    },
    {
      name: '--max-paid-requests 2.5',
      args: ['--max-paid-requests', '2.5'],
      env: {},
      line: 'error: --max-paid-requests expects a whole number of paid completions, 0 or more (got "2.5")',
    },
    {
      name: 'OPENROUTER_CHECK_MAX_PAID_REQUESTS=-1',
      args: [],
      env: { OPENROUTER_CHECK_MAX_PAID_REQUESTS: '-1' },
      line: 'error: OPENROUTER_CHECK_MAX_PAID_REQUESTS expects a whole number of paid completions, 0 or more (got "-1")',
    },
  ])('$name: exit 2, one line, nothing sent', async ({ args, env, line }) => {
    const run = await audit(args, { env });
    expect(run).toEqual({ status: 2, stdout: '', stderr: `${line}\n` });
    expect(fake.requests).toEqual([]);
  });
});
