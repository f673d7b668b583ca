import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { FIXTURES } from '../support/fixtures.js';

/**
 * Two small apps in which every client style appears capped and uncapped, with and without timeouts, fallbacks and
 * headers: each request check must report exactly the sites that lack its property, at the offending node.
 */

const REQUEST_CHECKS = ['max-tokens', 'client-resilience', 'fallback-configured', 'attribution-headers', 'client-exposure'];

interface JsonReport {
  checks: { id: string; status: string; message: string; findings: { severity: string; file: string; line: number; column: number }[] }[];
}

async function auditJson(app: string): Promise<Map<string, { status: string; message: string; at: string[] }>> {
  const run = await runCli([`${FIXTURES}${app}`, '--offline', '--only', REQUEST_CHECKS.join(','), '--format', 'json']);
  const report = JSON.parse(run.stdout) as JsonReport;
  return new Map(
    report.checks
      .filter((check) => REQUEST_CHECKS.includes(check.id))
      .map((check) => [
        check.id,
        { status: check.status, message: check.message, at: check.findings.map((f) => `${f.severity} ${f.file}:${f.line}:${f.column}`) },
      ]),
  );
}

describe('the request checks on fixtures/requests-python-app', () => {
  it('report each uncapped, unbounded, single-model or anonymous request at file:line:column', async () => {
    const checks = await auditJson('requests-python-app');
    expect(Object.fromEntries([...checks].map(([id, { status, at }]) => [id, { status, at }]))).toEqual({
      'max-tokens': {
        status: 'fail',
        // completion() in quick(), requests.post in ask(), the OpenAI SDK call in summarize(), httpx client.stream.
        at: ['error app/chains.py:16:12', 'error app/raw_http.py:13:12', 'error app/sdk_client.py:9:12', 'error app/streaming.py:14:16'],
      },
      'client-resilience': {
        status: 'warn',
        // LiteLLM and requests per call; the OpenAI() client once, where it is built (httpx bounds itself, with_options sets one).
        at: ['warn app/chains.py:16:12', 'warn app/raw_http.py:13:12', 'warn app/sdk_client.py:5:10'],
      },
      'fallback-configured': {
        status: 'warn',
        at: ['warn app/chains.py:6:8', 'warn app/chains.py:16:12', 'warn app/raw_http.py:13:12', 'warn app/sdk_client.py:9:12', 'warn app/streaming.py:14:16'],
      },
      'attribution-headers': {
        status: 'warn',
        // The httpx client sends both headers for its two requests; the OpenAI() client is reported once.
        at: ['warn app/chains.py:6:8', 'warn app/chains.py:16:12', 'warn app/raw_http.py:13:12', 'warn app/sdk_client.py:5:10'],
      },
      'client-exposure': { status: 'pass', at: [] },
    });
  });
});

describe('the text report of fixtures/requests-python-app', () => {
  it("quotes one request's code once, under its first finding, and gives every other check's finding its location", async () => {
    const run = await runCli([`${FIXTURES}requests-python-app`, '--offline', '--only', REQUEST_CHECKS.join(',')]);
    const lines = run.stdout.split('\n');
    const quoted = lines.filter((line) => line.trim() === 'return requests.post(OPENROUTER_URL, headers=headers, json=data).json()');
    expect(quoted).toHaveLength(1);
    // max-tokens, client-resilience, fallback-configured and attribution-headers each name the call.
    expect(lines.filter((line) => line.trimStart().startsWith('app/raw_http.py:13:12  '))).toHaveLength(4);
  });
});

describe('the request checks on fixtures/requests-ts-app', () => {
  it('report each uncapped, unbounded, single-model or anonymous request at file:line:column', async () => {
    const checks = await auditJson('requests-ts-app');
    expect(Object.fromEntries([...checks].map(([id, { status, at }]) => [id, { status, at }]))).toEqual({
      'max-tokens': {
        status: 'fail',
        at: ['error src/ai.ts:8:10', 'error src/ai.ts:22:21', 'error src/http.ts:6:26', 'error src/openai-client.ts:9:10'],
      },
      'client-resilience': {
        status: 'warn',
        // generateText, the LangChain model and axios.post never time out; the axios instance has axios.create({ timeout }).
        at: ['warn src/ai.ts:8:10', 'warn src/ai.ts:22:21', 'warn src/http.ts:6:26', 'warn src/openai-client.ts:3:23'],
      },
      'fallback-configured': {
        status: 'warn',
        at: ['warn src/ai.ts:8:10', 'warn src/ai.ts:22:21', 'warn src/http.ts:6:26', 'warn src/openai-client.ts:9:10'],
      },
      'attribution-headers': {
        status: 'warn',
        at: ['warn src/ai.ts:8:10', 'warn src/ai.ts:22:21', 'warn src/http.ts:6:26', 'warn src/openai-client.ts:3:23'],
      },
      'client-exposure': { status: 'pass', at: [] },
    });
  });
});

describe('a project without OpenRouter code (fixtures/no-openrouter-app)', () => {
  it('skips every request check with the reason, and the verdict says no OpenRouter usage was found', async () => {
    const checks = await auditJson('no-openrouter-app');
    expect(Object.fromEntries([...checks].map(([id, { status, message }]) => [id, `${status}: ${message}`]))).toEqual({
      'max-tokens': 'skip: no completion request found in 2 files',
      'client-resilience': 'skip: no OpenRouter request found in 2 files',
      'fallback-configured': 'skip: no OpenRouter request found in 2 files',
      'attribution-headers': 'skip: no OpenRouter request found in 2 files',
      'client-exposure': 'skip: no OpenRouter request found in 2 files',
    });
    const text = await runCli([`${FIXTURES}no-openrouter-app`, '--offline', '--only', REQUEST_CHECKS.join(',')]);
    expect(text.status).toBe(0);
    expect(text.stdout.trimEnd().split('\n').slice(-2)).toEqual([
      '○ no OpenRouter usage found in 2 files: nothing to call ready',
      '0 passed, 0 failed, 0 warned, 16 skipped',
    ]);
  });
});
