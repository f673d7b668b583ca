/**
 * A base URL whose host does not resolve, end to end: every remote check is `error` with
 * "cannot resolve", at once. NXDOMAIN is not retried (the name will not exist a second later).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { makeTree } from '../support/tree.js';
import { generateKey } from '../support/workspace.js';

const REMOTE = ['auth', 'credit-limit', 'model-availability', 'test-completion', 'fallback-reachability'];
const CHECKS = ['hardcoded-key', ...REMOTE];
const TIMEOUT_MS = 1000;
const CONFIG = `models:
  primary: openai/gpt-4o-mini
  fallbacks:
    - anthropic/claude-3.5-haiku
    - google/gemini-2.0-flash-001
api:
  retries: 2
`;

interface JsonReport {
  durationMs: number;
  checks: Array<{ id: string; status: string; message: string }>;
}

describe('a host that does not resolve', () => {
  it('errors every remote check with "cannot resolve", at once, without retrying', async () => {
    const key = generateKey();
    const app = makeTree({ '.openrouter-check.yml': CONFIG, 'src/app.ts': 'export const answer = 42;\n' });
    const started = performance.now();
    const run = await runCli(
      [app, '--only', CHECKS.join(','), '--timeout', String(TIMEOUT_MS), '--base-url', 'https://nonexistent.invalid/api/v1', '--format', 'json'],
      { env: { OPENROUTER_API_KEY: key }, timeoutMs: 20_000 },
    );
    const wallMs = performance.now() - started;
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    const statuses = Object.fromEntries(report.checks.filter((check) => CHECKS.includes(check.id)).map((check) => [check.id, check.status]));
    expect(statuses).toEqual({ 'hardcoded-key': 'pass', ...Object.fromEntries(REMOTE.map((id) => [id, 'error'])) });
    for (const id of REMOTE) {
      // A name that does not exist will not exist a second later: one attempt, no "(2 attempts)".
      expect(report.checks.find((check) => check.id === id)!.message).toMatch(/cannot resolve the host of https:\/\/nonexistent\.invalid on (GET|POST) \//);
    }
    expect(run.stdout + run.stderr).not.toContain(key);
    // No retry storm: with api.retries 2, retrying would add at least 750 ms of backoff per call.
    expect(report.durationMs).toBeLessThan(700);
    expect(wallMs).toBeLessThan(8000);
  });
});

