/**
 * Against the real OpenRouter API, only when a key is set (`OPENROUTER_API_KEY=… npm test`);
 * skipped otherwise. It spends nothing: --no-spend keeps the completions off.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { makeTree } from '../support/tree.js';

const liveKey = process.env.OPENROUTER_API_KEY;

describe.skipIf(!liveKey)('the real OpenRouter API', () => {
  it('accepts the key, reads its limit and finds a well-known model, without printing the key', async () => {
    const root = makeTree({ '.openrouter-check.yml': 'models:\n  primary: openai/gpt-4o-mini\n' });
    const run = await runCli([root, '--no-spend', '--only', 'auth,credit-limit,model-availability', '--format', 'json'], {
      env: { OPENROUTER_API_KEY: liveKey! },
    });
    const report = JSON.parse(run.stdout) as { checks: Array<{ id: string; status: string }> };
    expect(Object.fromEntries(report.checks.map((check) => [check.id, check.status]))).toMatchObject({
      auth: expect.stringMatching(/^(pass|warn)$/),
      'credit-limit': expect.stringMatching(/^(pass|fail)$/),
      'model-availability': 'pass',
    });
    expect(run.stdout + run.stderr).not.toContain(liveKey!);
  });
});
