/**
 * TLS gone wrong, end to end: an https server with a certificate nobody trusts (what an
 * intercepting proxy looks like) and a plain-http server behind an https URL. The remote checks
 * error at once with the cause — not retried, it would fail the same — and no HTTP request, so
 * no key, ever reaches the server. Trusting the certificate (NODE_EXTRA_CA_CERTS, as the message
 * says) makes the same run pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { FAKE_KEYS, fakeModel, startFakeOpenRouter } from '../support/fake-openrouter.js';
import type { FakeOpenRouter, FakeScenario } from '../support/fake-openrouter.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../support/time-limits.js';
import { makeTree } from '../support/tree.js';
import { generateKey } from '../support/workspace.js';
import { selfSignedCertificate } from '../support/certificate.js';

const REMOTE = ['auth', 'credit-limit', 'model-availability', 'test-completion', 'fallback-reachability'];
const CONFIG = `models:
  primary: openai/gpt-4o-mini
  fallbacks:
    - anthropic/claude-3.5-haiku
    - google/gemini-2.0-flash-001
`;
const key = generateKey();
const scenario: FakeScenario = {
  keys: { [key]: FAKE_KEYS.limited },
  models: [fakeModel('openai/gpt-4o-mini'), fakeModel('anthropic/claude-3.5-haiku'), fakeModel('google/gemini-2.0-flash-001')],
};

interface JsonReport {
  checks: Array<{ id: string; status: string; message: string }>;
}

function audit(baseUrl: string, env: Record<string, string> = {}): Promise<CliRun> {
  const app = makeTree({ '.openrouter-check.yml': CONFIG, 'src/app.ts': 'export const answer = 42;\n' });
  return runCli([app, '--only', REMOTE.join(','), '--base-url', baseUrl, '--timeout', String(ANSWERED_REQUEST_TIMEOUT_MS), '--format', 'json'], {
    env: { OPENROUTER_API_KEY: key, ...env },
  });
}

const remoteStatuses = (run: CliRun): Record<string, string> =>
  Object.fromEntries((JSON.parse(run.stdout) as JsonReport).checks.filter((check) => REMOTE.includes(check.id)).map((check) => [check.id, check.status]));
const messageOf = (run: CliRun, id: string): string => (JSON.parse(run.stdout) as JsonReport).checks.find((check) => check.id === id)!.message;

describe('an https server whose certificate is not trusted', () => {
  const certificate = selfSignedCertificate();
  let server: FakeOpenRouter;
  beforeAll(async () => {
    if (certificate) server = await startFakeOpenRouter(scenario, { tls: certificate });
  });
  afterAll(() => server?.close());

  it.skipIf(certificate === undefined)(
    'every remote check errors at once, naming the certificate problem and the fix; no request reaches the server',
    async () => {
      const run = await audit(server.baseUrl);
      expect(run.status).toBe(1);
      expect(remoteStatuses(run)).toEqual(Object.fromEntries(REMOTE.map((id) => [id, 'error'])));
      const origin = new URL(server.baseUrl).origin;
      for (const id of REMOTE) {
        // One attempt: no "(2 attempts)" between the cause and the request.
        expect(messageOf(run, id)).toContain(
          `the TLS certificate of ${origin} is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT); behind an intercepting proxy, set NODE_EXTRA_CA_CERTS to its CA certificate on `,
        );
      }
      expect(server.connections).toBeGreaterThan(0);
      expect(server.requests).toEqual([]);
      expect(run.stdout + run.stderr).not.toContain(key);
    },
  );

  it.skipIf(certificate === undefined)('trusted through NODE_EXTRA_CA_CERTS, as the message says, the same run passes', async () => {
    const run = await audit(server.baseUrl, { NODE_EXTRA_CA_CERTS: certificate!.certFile });
    expect(run.stderr).toBe('');
    expect(remoteStatuses(run)).toEqual(Object.fromEntries(REMOTE.map((id) => [id, 'pass'])));
    expect(run.status).toBe(0);
  });
});

describe('a plain-http server behind an https URL', () => {
  it('every remote check errors at once: the server does not speak TLS; no request is understood', async () => {
    const plain = await startFakeOpenRouter(scenario);
    try {
      const origin = `https://${plain.host}`;
      const run = await audit(`${origin}/api/v1`);
      expect(run.status).toBe(1);
      expect(remoteStatuses(run)).toEqual(Object.fromEntries(REMOTE.map((id) => [id, 'error'])));
      for (const id of REMOTE)
        expect(messageOf(run, id)).toMatch(
          new RegExp(`${origin.replace(/[.[\]]/g, '\\$&')} does not speak TLS \\(a plain-http server on an https URL\\?\\) on (GET|POST) /`),
        );
      // The TLS hello is not HTTP: the server never sees a request, let alone the key.
      expect(plain.requests).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
