/**
 * A base URL whose host does not resolve, end to end: every remote check is `error` with
 * "cannot resolve". NXDOMAIN is not retried (the name will not exist a second later).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { makeTree } from '../support/tree.js';
import { generateKey } from '../support/workspace.js';

const REMOTE = ['auth', 'credit-limit', 'model-availability', 'test-completion', 'fallback-reachability'];
const CHECKS = ['hardcoded-key', ...REMOTE];
const CONFIG = `models:
  primary: openai/gpt-4o-mini
  fallbacks:
    - anthropic/claude-3.5-haiku
    - google/gemini-2.0-flash-001
api:
  retries: 2
`;

interface JsonReport {
  checks: Array<{ id: string; status: string; message: string }>;
}

describe('a host that does not resolve', () => {
  it('errors every remote check with "cannot resolve", without retrying', async () => {
    const key = generateKey();
    const app = makeTree({ '.openrouter-check.yml': CONFIG, 'src/app.ts': 'export const answer = 42;\n' });
    const run = await runCli([app, '--only', CHECKS.join(','), '--base-url', 'https://nonexistent.invalid/api/v1', '--format', 'json'], {
      env: { OPENROUTER_API_KEY: key },
    });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    const statuses = Object.fromEntries(report.checks.filter((check) => CHECKS.includes(check.id)).map((check) => [check.id, check.status]));
    expect(statuses).toEqual({ 'hardcoded-key': 'pass', ...Object.fromEntries(REMOTE.map((id) => [id, 'error'])) });
    for (const id of REMOTE) {
      // A name that does not exist will not exist a second later: one attempt (api.retries is 2), no "(3 attempts)".
      const message = report.checks.find((check) => check.id === id)!.message;
      expect(message).toMatch(/cannot resolve the host of https:\/\/nonexistent\.invalid on (GET|POST) \//);
      expect(message).not.toMatch(/attempts/);
    }
    expect(run.stdout + run.stderr).not.toContain(key);
  });
});
