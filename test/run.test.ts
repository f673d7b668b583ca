import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../src/checks/types.js';
import { defaultConfig } from '../src/config/config.js';
import { createOpenRouterClient } from '../src/openrouter/client.js';
import { createRemoteSession } from '../src/openrouter/remote-api.js';
import { runChecks } from '../src/engine/run.js';
import { fakeModel, startFakeOpenRouter } from './support/fake-openrouter.js';
import type { FakeOpenRouter } from './support/fake-openrouter.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from './support/time-limits.js';
import { generateKey, workspaceOf } from './support/workspace.js';

/** A static check that records when its run() starts and when it resumes after one await. */
function recordingCheck(id: string, log: string[]): Check {
  return {
    id,
    title: id,
    category: 'reliability',
    kind: 'static',
    defaultSeverity: 'warn',
    docs: 'test',
    async run() {
      log.push(`start ${id}`);
      await Promise.resolve();
      log.push(`resume ${id}`);
      return [];
    },
  };
}

describe('runChecks', () => {
  // The workspace's shared passes (src/workspace/byte-scan.ts, src/languages/typescript/script-analysis.ts) rely on this: each check asks
  // for what it needs at the start of run(), and one pass serves every check that asked before it began.
  it("calls every check's run() in one synchronous loop, before any of them resumes", async () => {
    const log: string[] = [];
    const checks = ['first', 'second', 'third'].map((id) => recordingCheck(id, log));
    const { report } = await runChecks({
      root: '/project',
      toolVersion: '0.0.0',
      config: defaultConfig(checks),
      plan: checks.map((check) => ({ check, severity: check.defaultSeverity })),
      loadWorkspace: () => workspaceOf({ 'src/a.ts': 'export {};' }),
    });
    expect(report.checks.map((check) => check.status)).toEqual(['pass', 'pass', 'pass']);
    expect(log.slice(0, 3)).toEqual(['start first', 'start second', 'start third']);
    expect(log.slice(3).sort()).toEqual(['resume first', 'resume second', 'resume third']);
  });
});

describe('runChecks: the paid-request budget', () => {
  const key = generateKey();
  const MODEL = 'openai/gpt-4o-mini';
  let fake: FakeOpenRouter;
  beforeAll(async () => {
    fake = await startFakeOpenRouter({ keys: { [key]: {} }, models: [fakeModel(MODEL)] });
  });
  afterAll(() => fake.close());

  /** A check that spends credits: `probes` completions side by side, after asking `/models` first when `late`. */
  function payingCheck(id: string, { probes, late = false }: { probes: number; late?: boolean }): Check {
    return {
      id,
      title: id,
      category: 'availability',
      kind: 'remote',
      defaultSeverity: 'error',
      docs: 'test',
      spendsCredits: true,
      async run(ctx) {
        const remote = ctx.remote!;
        if (late) await remote.models();
        const results = await Promise.all(Array.from({ length: probes }, () => remote.probe(MODEL, ctx.signal)));
        const sent = results.filter((result) => result.ok).length;
        return { findings: [], summary: `${sent} answered, ${remote.paidRequests.made} made` };
      },
    };
  }

  async function run(checks: Check[], maxPaidRequests: number): Promise<string[]> {
    fake.requests.length = 0;
    const { report } = await runChecks({
      root: '/project',
      toolVersion: '0.0.0',
      config: defaultConfig(checks),
      plan: checks.map((check) => ({ check, severity: check.defaultSeverity })),
      loadWorkspace: () => workspaceOf({}),
      openRemote: async () =>
        createRemoteSession(
          createOpenRouterClient({ baseUrl: fake.baseUrl, apiKey: key, timeoutMs: ANSWERED_REQUEST_TIMEOUT_MS, retries: 0, userAgent: 'test' }),
          'OPENROUTER_API_KEY',
          undefined,
          {
            maxPaidRequests,
          },
        ),
    });
    return report.checks.map((check) => `${check.id}: ${check.message}`);
  }

  it('sets aside each paying check its first request before any starts: a greedy check cannot starve a later one', async () => {
    // Budget 3: one slot set aside for each check, one left to share; the greedy check asks for ten at once.
    const messages = await run([payingCheck('greedy', { probes: 10 }), payingCheck('late', { probes: 1, late: true })], 3);
    expect(messages).toEqual(['greedy: 2 answered, 2 made', 'late: 1 answered, 1 made']);
    expect(fake.requestsTo('/chat/completions')).toHaveLength(3);
  });

  it('gives a set-aside slot back when its check ends without using it', async () => {
    const messages = await run([payingCheck('idle', { probes: 0 }), payingCheck('late', { probes: 3, late: true })], 3);
    expect(messages).toEqual(['idle: 0 answered, 0 made', 'late: 3 answered, 3 made']);
    expect(fake.requestsTo('/chat/completions')).toHaveLength(3);
  });
});
