/**
 * A hostile network, end to end: the built CLI against the fake OpenRouter (real sockets) answering
 * slowly, endlessly, in the wrong shape, with redirects, resets and captive-portal pages; a base URL
 * that is not https; a host that does not resolve. Each time the affected checks are `error` with
 * the cause, nothing passes wrongly, the rest of the run goes on, the run ends (a hung run is killed
 * and fails), the fake server sees no more attempts than the message names, and the key is never printed.
 */
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { FAKE_KEYS, fakeKeyData, fakeModel, startFakeOpenRouter } from '../support/fake-openrouter.js';
import type { Fault, FakeOpenRouter, FakeRoute, FakeScenario } from '../support/fake-openrouter.js';
import { PLAIN } from '../support/plain-http.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../support/time-limits.js';
import { makeTree } from '../support/tree.js';
import { generateKey } from '../support/workspace.js';

const REMOTE = ['auth', 'credit-limit', 'model-availability', 'test-completion', 'fallback-reachability'];
/** A static check runs alongside, to show a network fault stays the remote checks' business. */
const CHECKS = ['hardcoded-key', ...REMOTE];
/** Which checks each endpoint's answer decides. */
const CHECKS_OF: Record<'/key' | '/models' | '/models/user' | '/models/{author}/{slug}/endpoints' | '/chat/completions', string[]> = {
  '/key': ['auth', 'credit-limit'],
  '/models': ['model-availability', 'fallback-reachability'],
  '/models/user': ['fallback-reachability'],
  '/models/{author}/{slug}/endpoints': ['fallback-reachability'],
  // The fallbacks are judged for free: only the primary's probe is paid for.
  '/chat/completions': ['test-completion'],
};
/** The per-attempt time limit where only it can end a fault; then every route meets the fault, so no answer races it. */
const CUT_OFF_MS = 1000;
/** api.retries in the audited app's config: two attempts per call. */
const RETRIES = 1;
/** Every attempt of every call on a route meets the fault: primary + 2 fallbacks, 2 attempts each. */
const FAULTS_PER_ROUTE = 6;
/**
 * The calls a run makes on each route, each of up to `RETRIES + 1` attempts: one shared /key, /models and
 * /models/user, the endpoints of each of the two fallbacks, and the primary's one completion.
 */
const CALLS_ON: Record<keyof typeof CHECKS_OF, number> = {
  '/key': 1,
  '/models': 1,
  '/models/user': 1,
  '/models/{author}/{slug}/endpoints': 2,
  '/chat/completions': 1,
};

const CONFIG = `models:
  primary: openai/gpt-4o-mini
  fallbacks:
    - anthropic/claude-3.5-haiku
    - google/gemini-2.0-flash-001
api:
  retries: ${RETRIES}
`;
const CATALOGUE = [fakeModel('openai/gpt-4o-mini'), fakeModel('anthropic/claude-3.5-haiku'), fakeModel('google/gemini-2.0-flash-001')];

interface JsonCheck {
  id: string;
  status: string;
  message: string;
}
interface JsonReport {
  checks: JsonCheck[];
}

let fake: FakeOpenRouter;
const key = generateKey();
let app: string;

const scenario = (extra: FakeScenario = {}): FakeScenario => ({ keys: { [key]: FAKE_KEYS.limited }, models: CATALOGUE, ...extra });

beforeAll(async () => {
  fake = await startFakeOpenRouter(scenario());
});
afterAll(() => fake.close());
beforeEach(() => {
  app = makeTree({ '.openrouter-check.yml': CONFIG, 'src/app.ts': 'export const answer = 42;\n' });
  fake.setScenario(scenario());
  fake.requests.length = 0;
});

function audit(args: string[], env: Record<string, string> = { OPENROUTER_API_KEY: key }, timeoutMs = ANSWERED_REQUEST_TIMEOUT_MS): Promise<CliRun> {
  return runCli([app, '--only', CHECKS.join(','), '--timeout', String(timeoutMs), ...args], { env });
}

async function auditJson(timeoutMs?: number): Promise<{ run: CliRun; report: JsonReport }> {
  const run = await audit(['--base-url', fake.baseUrl, '--format', 'json'], undefined, timeoutMs);
  expect(run.stderr).toBe('');
  return { run, report: JSON.parse(run.stdout) as JsonReport };
}

/** The statuses of the checks `--only` chose (the others are listed as skipped). */
const statuses = (report: JsonReport): Record<string, string> =>
  Object.fromEntries(report.checks.filter((check) => CHECKS.includes(check.id)).map((check) => [check.id, check.status]));
const byId = (report: JsonReport, id: string): JsonCheck => report.checks.find((check) => check.id === id)!;
const faultsOn = (route: FakeRoute, fault: Fault): FakeScenario => scenario({ faults: { [route]: Array.from({ length: FAULTS_PER_ROUTE }, () => fault) } });

/** The attempts each call made, as the message names them: "(2 attempts)", else one. */
const attemptsNamedIn = (message: string): number => Number(/\((\d+) attempts\)/.exec(message)?.[1] ?? 1);

/**
 * What every faulty run must show: the affected checks errored with the cause, every other check
 * passed, and the server saw each call's attempts, as many as the message names (the run ended, or
 * the CLI would have been killed as hung and the status would not be 1).
 */
async function expectFaultContained(route: keyof typeof CHECKS_OF, cause: RegExp): Promise<JsonReport> {
  const { run, report } = await auditJson();
  expect(run.status).toBe(1);
  const affected = CHECKS_OF[route];
  const expected = Object.fromEntries(CHECKS.map((id) => [id, affected.includes(id) ? 'error' : 'pass']));
  expect(statuses(report)).toEqual(expected);
  for (const id of affected) expect(byId(report, id).message).toMatch(cause);
  const attempts = attemptsNamedIn(byId(report, affected[0]!).message);
  expect(attempts).toBeLessThanOrEqual(RETRIES + 1);
  // Every attempt was answered (with the fault), so every one reached the server: exactly.
  expect(fake.requestsTo(route)).toHaveLength(CALLS_ON[route] * attempts);
  expect(run.stdout).not.toContain(key);
  return report;
}

/**
 * A fault only the per-attempt time limit ends, on every route so that no answer races the short
 * limit: every remote check errors with a timeout, the static check still passes, and no call makes
 * more than its attempts (the server may miss one cut off before it left the process).
 */
async function expectEveryCallTimedOut(fault: Fault): Promise<void> {
  const faults = (): Fault[] => Array.from({ length: FAULTS_PER_ROUTE }, () => fault);
  fake.setScenario(scenario({ faults: { '/key': faults(), '/models': faults(), '/chat/completions': faults() } }));
  const { run, report } = await auditJson(CUT_OFF_MS);
  expect(run.status).toBe(1);
  expect(statuses(report)).toEqual(Object.fromEntries(CHECKS.map((id) => [id, id === 'hardcoded-key' ? 'pass' : 'error'])));
  expect(byId(report, 'auth').message).toBe('cannot verify the key: timed out after 1 s (2 attempts) on GET /key');
  expect(byId(report, 'model-availability').message).toBe('cannot list the models: timed out after 1 s (2 attempts) on GET /models');
  expect(byId(report, 'test-completion').message).toBe('openai/gpt-4o-mini: timed out after 1 s (2 attempts) on POST /chat/completions');
  expect(byId(report, 'fallback-reachability').message).toBe('cannot list the models: timed out after 1 s (2 attempts) on GET /models');
  // The fallbacks are probed only once the catalogue is listed: never, here.
  for (const route of ['/key', '/models', '/chat/completions'] as const) expect(fake.requestsTo(route).length, route).toBeLessThanOrEqual(RETRIES + 1);
  expect(run.stdout).not.toContain(key);
}

describe('answers that never end are cut off by the per-attempt time limit', () => {
  it.each<{ name: string; fault: Fault }>([
    { name: 'slowloris body: headers at once, then one byte every 200 ms forever', fault: { kind: 'trickle', intervalMs: 200 } },
    { name: 'slowloris headers: the status line and headers one byte every 100 ms', fault: { kind: 'trickle-headers', intervalMs: 100 } },
  ])('$name', async ({ fault }) => {
    await expectEveryCallTimedOut(fault);
  });
});

describe('endless answers are cut off by the size cap, however long the reading takes', () => {
  const cases: Array<{ name: string; route: keyof typeof CHECKS_OF; fault: Fault; cause: RegExp }> = [
    {
      name: 'an endless chunked body',
      route: '/models',
      fault: { kind: 'endless-body' },
      cause: /answer from GET \/models too large: more than 20 MiB/,
    },
    {
      name: 'a declared Content-Length of 10 GiB',
      route: '/key',
      fault: { kind: 'huge-length' },
      cause: /answer from GET \/key too large: more than 20 MiB/,
    },
  ];
  it.each(cases)('$name', async ({ route, fault, cause }) => {
    fake.setScenario(faultsOn(route, fault));
    await expectFaultContained(route, cause);
  });
});

describe('valid JSON of the wrong shape is a malformed answer, never a crash and never a pass', () => {
  const cases: Array<{ name: string; route: keyof typeof CHECKS_OF; body: unknown; cause: RegExp }> = [
    { name: '/key answers []', route: '/key', body: [], cause: /malformed answer from GET \/key: the answer is not an object/ },
    { name: '/key answers {"data": null}', route: '/key', body: { data: null }, cause: /malformed answer from GET \/key: data is not an object/ },
    {
      name: '/key answers a limit of "lots"',
      route: '/key',
      body: { data: { ...fakeKeyData(key, FAKE_KEYS.limited), limit: 'lots' } },
      cause: /malformed answer from GET \/key: data\.limit is not a number or null/,
    },
    { name: '/models answers {"data": {}}', route: '/models', body: { data: {} }, cause: /malformed answer from GET \/models: data is not an array/ },
    {
      name: '/models/user answers {"data": {}}',
      route: '/models/user',
      body: { data: {} },
      cause: /^cannot list the models this account may route to: malformed answer from GET \/models\/user: data is not an array \(got an object\)$/,
    },
    {
      name: 'an endpoints page answers {"data": {"endpoints": "none"}}',
      route: '/models/{author}/{slug}/endpoints',
      body: { data: { id: 'x/y', endpoints: 'none' } },
      cause:
        /^could not check [a-z0-9./-]+ \(models\.fallbacks\): malformed answer from GET \/models\/[a-z0-9./-]+\/endpoints: data\.endpoints is not an array \(got "none"\); /,
    },
    {
      name: '/chat/completions answers {"choices": "x"}',
      route: '/chat/completions',
      body: { choices: 'x' },
      cause: /malformed answer from POST \/chat\/completions: /,
    },
  ];
  it.each(cases)('$name', async ({ route, body, cause }) => {
    fake.setScenario(faultsOn(route, { kind: 'json', body }));
    await expectFaultContained(route, cause);
  });
});

describe('broken connections and answers that are not the API', () => {
  const cases: Array<{ name: string; route: keyof typeof CHECKS_OF; fault: Fault; cause: RegExp }> = [
    {
      name: 'a connection reset halfway through the body',
      route: '/key',
      fault: { kind: 'reset-mid-body' },
      cause: /connection (reset by|closed by) http:\/\/127\.0\.0\.1:\d+.* \(2 attempts\) on GET \/key/,
    },
    {
      name: 'the server closing the connection at once',
      route: '/models',
      fault: { kind: 'close-connection' },
      cause: /connection (reset by|closed by) http:\/\/127\.0\.0\.1:\d+.* \(2 attempts\) on GET \/models/,
    },
    {
      name: 'a 200 captive-portal page in text/html',
      route: '/key',
      fault: { kind: 'raw', body: '<html><body>Please log in to the hotel Wi-Fi</body></html>', headers: { 'content-type': 'text/html' } },
      cause: /malformed answer from GET \/key: not JSON \(content-type text\/html\)/,
    },
    {
      name: 'JSON nested a million levels deep (JSON.parse alone would block for seconds)',
      route: '/models',
      fault: { kind: 'raw', body: `{"data":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`, headers: { 'content-type': 'application/json' } },
      cause: /malformed answer from GET \/models: JSON nested more than 64 levels deep/,
    },
    {
      name: "a 500 page of a million '<' (a quadratic tag-stripping regex would hang)",
      route: '/key',
      fault: { kind: 'status', status: 500, rawBody: '<'.repeat(1_000_000) },
      cause: /500 Internal Server Error from GET \/key \(2 attempts\): <{10}/,
    },
    {
      name: 'gzip-encoded garbage',
      route: '/models',
      fault: { kind: 'raw', body: gzipSync(randomBytes(4096)), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } },
      cause: /malformed answer from GET \/models: not JSON/,
    },
  ];
  it.each(cases)('$name', async ({ route, fault, cause }) => {
    fake.setScenario(faultsOn(route, fault));
    await expectFaultContained(route, cause);
  });
});

describe('redirects are refused, and the key never reaches their target', () => {
  let target: FakeOpenRouter;
  beforeAll(async () => {
    target = await startFakeOpenRouter();
  });
  afterAll(() => target.close());

  const statusesToTry = [301, 302, 307, 308];
  const targets = [
    { name: 'plain http', location: () => `${PLAIN}${target.host}/api/v1/key` },
    { name: 'another https host', location: () => `https://${target.host}/api/v1/key` },
  ];
  it.each(statusesToTry.flatMap((status) => targets.map((to) => ({ status, ...to }))))('$status to $name', async ({ status, location }) => {
    const before = target.connections;
    fake.setScenario(faultsOn('/key', { kind: 'status', status, headers: { location: location() } }));
    const report = await expectFaultContained(
      '/key',
      new RegExp(`${status} [A-Za-z ]+ from GET /key: redirected to ${escape(location())}; redirects are not followed`),
    );
    // A redirect is not retried: one attempt.
    expect(byId(report, 'auth').message).not.toMatch(/attempts/);
    expect(target.connections).toBe(before);
    expect(target.requests).toEqual([]);
  });
});

describe('a base URL without TLS', () => {
  it.each([
    { name: 'example.com', url: () => `${PLAIN}example.com/api/v1` },
    { name: 'a loopback look-alike, 127.0.0.1.evil.example', url: () => `${PLAIN}127.0.0.1.evil.example/api/v1` },
    { name: 'a public address', url: () => `${PLAIN}93.184.215.14/api/v1` },
    { name: 'localhost as a subdomain, localhost.evil.example', url: () => `${PLAIN}localhost.evil.example:8080/api/v1` },
  ])('to $name is refused before any request: exit 2, one line', async ({ url }) => {
    const run = await audit(['--base-url', url()]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^error: --base-url: base URL \S+ uses plain http; the API key is only sent over https/)]);
    expect(run.stderr).not.toContain(key);
  });

  // An address of this machine that is not loopback: a server really listens there, and must see nothing.
  const localAddress = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;
  it.skipIf(localAddress === undefined)('to a listening server on a non-loopback address of this machine: exit 2, and not even a connection', async () => {
    const listening = await startFakeOpenRouter(scenario(), { host: '0.0.0.0' });
    try {
      const port = listening.host.slice(listening.host.lastIndexOf(':') + 1);
      const run = await audit(['--base-url', `${PLAIN}${localAddress}:${port}/api/v1`]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^error: --base-url: base URL \S+ uses plain http/);
      expect(listening.connections).toBe(0);
    } finally {
      await listening.close();
    }
  });

  it("set in an operator's --config file instead is refused the same way, naming the file", async () => {
    const operator = makeTree({ 'operator.yml': `${CONFIG}  base_url: ${PLAIN}example.com/api/v1\n` });
    const run = await audit(['--config', join(operator, 'operator.yml')]);
    expect(run.status).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/operator\.yml:8: api\.base_url uses plain http; the API key is only sent over https/),
    ]);
  });

  it("set in the audited repository's config, it is refused whatever it is: the repository cannot choose where the key goes", async () => {
    app = makeTree({ '.openrouter-check.yml': `${CONFIG}  base_url: ${PLAIN}example.com/api/v1\n` });
    const run = await audit([]);
    expect(run.status).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/\.openrouter-check\.yml:8: api\.base_url is an operator setting: /)]);
  });

  it.each([
    { name: '127.0.0.1', host: '127.0.0.1', urlHost: (port: number) => `127.0.0.1:${port}` },
    { name: 'localhost', host: '127.0.0.1', urlHost: (port: number) => `localhost:${port}` },
    { name: '[::1]', host: '::1', urlHost: (port: number) => `[::1]:${port}` },
  ])('to loopback $name is allowed: the run talks to it', async ({ host, urlHost }) => {
    const loopback = await startFakeOpenRouter(scenario(), { host });
    try {
      const port = Number(loopback.host.slice(loopback.host.lastIndexOf(':') + 1));
      const run = await audit(['--base-url', `${PLAIN}${urlHost(port)}/api/v1`, '--format', 'json']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(statuses(JSON.parse(run.stdout) as JsonReport)).toEqual(Object.fromEntries(CHECKS.map((id) => [id, 'pass'])));
      expect(loopback.requestsTo('/key').length).toBeGreaterThan(0);
    } finally {
      await loopback.close();
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
