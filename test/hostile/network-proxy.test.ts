/**
 * Behind a corporate proxy, end to end: the built CLI with HTTPS_PROXY pointing at a CONNECT proxy
 * on 127.0.0.1, which tunnels to a local TLS fake OpenRouter whose certificate is trusted through
 * NODE_EXTRA_CA_CERTS. The base URL names `api.openrouter.test`, a host only the proxy can reach,
 * so a run that passes went through the proxy. The proxy sees the CONNECT to that host and port and
 * nothing else: no Authorization header, not a byte of the key (TLS runs end to end inside the
 * tunnel). NO_PROXY and loopback hosts bypass it; a proxy that refuses is named, its credentials masked.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../support/certificate.js';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { startConnectProxy } from '../support/connect-proxy.js';
import type { ConnectProxy } from '../support/connect-proxy.js';
import { FAKE_KEYS, fakeModel, startFakeOpenRouter } from '../support/fake-openrouter.js';
import type { Fault, FakeOpenRouter, FakeScenario } from '../support/fake-openrouter.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../support/time-limits.js';
import { makeTree } from '../support/tree.js';
import { generateKey } from '../support/workspace.js';

const HOST = 'api.openrouter.test';
const REMOTE = ['auth', 'credit-limit', 'model-availability', 'test-completion', 'fallback-reachability'];
const CONFIG = `models:
  primary: openai/gpt-4o-mini
  fallbacks:
    - anthropic/claude-3.5-haiku
    - google/gemini-2.0-flash-001
api:
  retries: 1
`;
/** In the proxy's URL: sent to the proxy alone, never shown. */
const PROXY_USER = 'ci-user';
const PROXY_PASSWORD = 'proxy-pass-5c1e';
/** Every proxy variable cleared, so the environment the tests run in cannot change what they show. */
const NO_PROXY_ENV = { HTTPS_PROXY: '', https_proxy: '', HTTP_PROXY: '', http_proxy: '', NO_PROXY: '', no_proxy: '' };

const key = generateKey();
const scenario: FakeScenario = {
  keys: { [key]: FAKE_KEYS.limited },
  models: [fakeModel('openai/gpt-4o-mini'), fakeModel('anthropic/claude-3.5-haiku'), fakeModel('google/gemini-2.0-flash-001')],
};
const certificate = selfSignedCertificate(HOST, `DNS:${HOST},IP:127.0.0.1`);

interface JsonReport {
  checks: Array<{ id: string; status: string; message: string }>;
}

let server: FakeOpenRouter;
let proxy: ConnectProxy;
/** `api.openrouter.test:PORT`, the port of the TLS fake. */
let target: string;
/** `http://ci-user:…@127.0.0.1:PORT` and how the report must show it. */
let proxyWithCredentials: string;
let proxyShown: string;

beforeAll(async () => {
  if (!certificate) return;
  server = await startFakeOpenRouter(scenario, { tls: certificate });
  target = `${HOST}:${server.host.split(':').pop()}`;
  proxy = await startConnectProxy({ hosts: { [HOST]: '127.0.0.1' } });
  proxyWithCredentials = `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`;
  proxyShown = `http://***@127.0.0.1:${proxy.port}`;
});
beforeEach(() => {
  server?.setScenario(scenario);
  if (server) server.requests.length = 0;
  if (proxy) {
    proxy.tunnels.length = 0;
    proxy.plainRequests.length = 0;
    proxy.setBehaviour({ kind: 'tunnel' });
  }
});
afterAll(async () => {
  await Promise.all([server?.close(), proxy?.close()]);
});

/** `timeout`: short only where every request hangs, so that no answer races it. */
function audit(baseUrl: string, env: Record<string, string>, timeout = ANSWERED_REQUEST_TIMEOUT_MS): Promise<CliRun> {
  const app = makeTree({ '.openrouter-check.yml': CONFIG, 'src/app.ts': 'export const answer = 42;\n' });
  return runCli([app, '--only', REMOTE.join(','), '--base-url', baseUrl, '--timeout', String(timeout), '--format', 'json'], {
    env: { OPENROUTER_API_KEY: key, NODE_EXTRA_CA_CERTS: certificate!.certFile, ...NO_PROXY_ENV, ...env },
  });
}

const report = (run: CliRun): JsonReport => JSON.parse(run.stdout) as JsonReport;
const statuses = (run: CliRun): Record<string, string> =>
  Object.fromEntries(
    report(run)
      .checks.filter((check) => REMOTE.includes(check.id))
      .map((check) => [check.id, check.status]),
  );
const messageOf = (run: CliRun, id: string): string => report(run).checks.find((check) => check.id === id)!.message;
const allStatuses = (status: string): Record<string, string> => Object.fromEntries(REMOTE.map((id) => [id, status]));

describe.skipIf(certificate === undefined)('HTTPS_PROXY', () => {
  it('carries every request through the CONNECT tunnel to the chosen host; the proxy never sees the key, and the checks pass', async () => {
    const run = await audit(`https://${target}/api/v1`, { HTTPS_PROXY: proxyWithCredentials });
    expect(run.stderr).toBe('');
    expect(statuses(run)).toEqual(allStatuses('pass'));
    expect(run.status).toBe(0);

    // /key, /models and three completions, each through a CONNECT to the base URL's host and port alone.
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels.map((tunnel) => tunnel.target))).toEqual(new Set([target]));
    expect(proxy.plainRequests).toEqual([]);
    const proxyAuthorization = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`;
    for (const { headers } of proxy.tunnels) {
      expect(headers.authorization).toBeUndefined();
      expect(headers['proxy-authorization']).toBe(proxyAuthorization);
      expect(JSON.stringify(headers)).not.toContain(key);
    }
    // Inside the tunnel only TLS records pass: not one byte of the key in the clear.
    expect(proxy.bytesFromClients().length).toBeGreaterThan(0);
    expect(proxy.bytesFromClients().includes(key)).toBe(false);
    expect(proxy.bytesFromClients().includes('Bearer')).toBe(false);

    // The host got the key, and none of the proxy's credentials.
    // One paid probe (the primary); the fallbacks are judged through the free endpoints.
    expect(server.requestsTo('/chat/completions')).toHaveLength(1);
    expect(server.requestsTo('/models/{author}/{slug}/endpoints')).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${key}`);
      expect(request.headers['proxy-authorization']).toBeUndefined();
    }
  });

  it('https_proxy, lowercase, does the same', async () => {
    const run = await audit(`https://${target}/api/v1`, { https_proxy: proxy.url });
    expect(statuses(run)).toEqual(allStatuses('pass'));
    expect(new Set(proxy.tunnels.map((tunnel) => tunnel.target))).toEqual(new Set([target]));
  });

  it('keeps the limits: a redirect is not followed, an answer past 20 MiB is refused', async () => {
    server.setScenario({
      ...scenario,
      faults: {
        '/key': [{ kind: 'status', status: 302, headers: { location: 'https://elsewhere.example/api/v1/key' } }],
        '/models': [{ kind: 'huge-length' }],
      },
    });
    const run = await audit(`https://${target}/api/v1`, { HTTPS_PROXY: proxy.url });
    expect(statuses(run)).toEqual({ ...allStatuses('error'), 'test-completion': 'pass' });
    expect(messageOf(run, 'auth')).toContain('redirected to https://elsewhere.example/api/v1/key; redirects are not followed');
    expect(messageOf(run, 'model-availability')).toContain('answer from GET /models too large: more than 20 MiB');
    // Only the fake's host was ever asked for: the redirect's target never.
    expect(new Set(proxy.tunnels.map((tunnel) => tunnel.target))).toEqual(new Set([target]));
  });

  it('keeps the time limit: a hung answer times out, naming the proxy', async () => {
    const hangs = (): Fault[] => Array.from({ length: 6 }, () => ({ kind: 'hang' }));
    server.setScenario({ ...scenario, faults: { '/key': hangs(), '/models': hangs(), '/chat/completions': hangs() } });
    const run = await audit(`https://${target}/api/v1`, { HTTPS_PROXY: proxy.url }, 1000);
    expect(statuses(run)).toEqual(allStatuses('error'));
    expect(messageOf(run, 'test-completion')).toBe(
      `openai/gpt-4o-mini: timed out after 1 s (through the HTTPS_PROXY proxy ${proxy.url}) (2 attempts) on POST /chat/completions`,
    );
    expect(new Set(proxy.tunnels.map((tunnel) => tunnel.target))).toEqual(new Set([target]));
  });
});

describe.skipIf(certificate === undefined)('around the proxy', () => {
  it.each<{ name: string; env: Record<string, string> }>([
    { name: 'NO_PROXY naming the host', env: { NO_PROXY: HOST } },
    { name: 'no_proxy naming its domain', env: { no_proxy: `localhost, .openrouter.test` } },
    { name: 'NO_PROXY=*', env: { NO_PROXY: '*' } },
  ])('$name: the client goes direct (and cannot resolve the name the proxy knew); the proxy sees nothing', async ({ env }) => {
    const run = await audit(`https://${target}/api/v1`, { HTTPS_PROXY: proxy.url, ...env });
    expect(statuses(run)).toEqual(allStatuses('error'));
    expect(messageOf(run, 'auth')).toBe(`cannot verify the key: cannot resolve the host of https://${target} on GET /key`);
    expect(proxy.tunnels).toEqual([]);
  });

  it('a loopback base URL never goes through the proxy, https or plain http', async () => {
    const https = await audit(server.baseUrl, { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
    expect(statuses(https)).toEqual(allStatuses('pass'));
    const plain = await startFakeOpenRouter(scenario);
    try {
      const run = await audit(plain.baseUrl, { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, http_proxy: proxy.url });
      expect(statuses(run)).toEqual(allStatuses('pass'));
      expect(plain.requestsTo('/chat/completions')).toHaveLength(1);
      expect(plain.requestsTo('/models/user')).toHaveLength(1);
    } finally {
      await plain.close();
    }
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.plainRequests).toEqual([]);
  });
});

describe.skipIf(certificate === undefined)('a proxy that does not help', () => {
  it('refusing the CONNECT (403): every remote check errors at once, naming the proxy without its credentials', async () => {
    proxy.setBehaviour({ kind: 'refuse', status: 403 });
    const run = await audit(`https://${target}/api/v1`, { HTTPS_PROXY: proxyWithCredentials });
    expect(run.status).toBe(1);
    expect(statuses(run)).toEqual(allStatuses('error'));
    const refused = `the HTTPS_PROXY proxy ${proxyShown} refused the tunnel to ${target}: 403 Forbidden`;
    expect(messageOf(run, 'auth')).toBe(`cannot verify the key: ${refused} on GET /key`);
    expect(messageOf(run, 'model-availability')).toBe(`cannot list the models: ${refused} on GET /models`);
    // Not retried (api.retries is 1): the proxy would refuse again.
    expect(messageOf(run, 'test-completion')).toBe(`openai/gpt-4o-mini: ${refused} on POST /chat/completions`);
    expect(server.requests).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain(PROXY_PASSWORD);
    expect(run.stdout + run.stderr).not.toContain(PROXY_USER);
  });

  it('asking for credentials (407): says where they go', async () => {
    proxy.setBehaviour({ kind: 'refuse', status: 407 });
    const run = await audit(`https://${target}/api/v1`, { HTTPS_PROXY: proxy.url });
    expect(messageOf(run, 'auth')).toBe(
      `cannot verify the key: the HTTPS_PROXY proxy ${proxy.url} refused the tunnel to ${target}: 407 Proxy Authentication Required; put its user and password in HTTPS_PROXY, as user:password@ before the host on GET /key`,
    );
  });

  it('not listening: connection refused by the proxy, not by OpenRouter', async () => {
    const closed = await unusedPort();
    const run = await audit(`https://${target}/api/v1`, { HTTPS_PROXY: `http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${closed}` });
    expect(statuses(run)).toEqual(allStatuses('error'));
    expect(messageOf(run, 'auth')).toBe(
      `cannot verify the key: connection refused by the HTTPS_PROXY proxy http://***@127.0.0.1:${closed} (2 attempts) on GET /key`,
    );
    expect(run.stdout + run.stderr).not.toContain(PROXY_PASSWORD);
  });

  it('never answering the CONNECT: the request still times out, naming the proxy', async () => {
    proxy.setBehaviour({ kind: 'hang' });
    const run = await audit(`https://${target}/api/v1`, { HTTPS_PROXY: proxy.url }, 1000);
    expect(statuses(run)).toEqual(allStatuses('error'));
    expect(messageOf(run, 'auth')).toBe(`cannot verify the key: timed out after 1 s (through the HTTPS_PROXY proxy ${proxy.url}) (2 attempts) on GET /key`);
  });

  it.each([
    {
      value: `socks5://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:1080`,
      line: 'error: HTTPS_PROXY: "socks5://***@127.0.0.1:1080": a socks5 proxy is not supported, only http:// and https:// ones',
    },
    { value: `http://${PROXY_USER}:${PROXY_PASSWORD}@[bad`, line: 'error: HTTPS_PROXY: "http://***@[bad" is not a proxy URL: expected http://host:port' },
  ])('HTTPS_PROXY=$value: exit 2 with one line, credentials masked, nothing sent', async ({ value, line }) => {
    const run = await audit(`https://${target}/api/v1`, { HTTPS_PROXY: value });
    expect(run).toEqual({ status: 2, stdout: '', stderr: `${line}\n` });
    expect(server.requests).toEqual([]);
  });
});

/** A port nothing listens on: bound, then released. */
async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
