/**
 * `npm run fake-openrouter`: the stand-in started on its own prints a base URL and a made-up key that
 * the built CLI accepts, and the demo catalogue shows each remote outcome without spending anything.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { makeTree } from './support/tree.js';

const SCRIPT = fileURLToPath(new URL('../scripts/fake-openrouter.mjs', import.meta.url));

let child: ChildProcess;
let baseUrl: string;
let key: string;

beforeAll(async () => {
  child = spawn(process.execPath, [SCRIPT, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      if (printed.includes('Ctrl-C stops the server.')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the script exited with ${code} before listening`)));
  });
  baseUrl = /^fake OpenRouter listening: (http:\/\/127\.0\.0\.1:\d+\/api\/v1)$/m.exec(printed)![1]!;
  key = /^ {2}export OPENROUTER_API_KEY=(sk-or-v1-[0-9a-f]{64})$/m.exec(printed)![1]!;
  expect(printed).toContain(`npx openrouter-check --base-url ${baseUrl}`);
}, 60_000);

afterAll(() => {
  child.kill('SIGTERM');
});

describe('npm run fake-openrouter', () => {
  it('serves the demo: a reasoning-mandatory primary passes, a fallback no provider serves and one the data policy blocks fail', async () => {
    const config = [
      'models:',
      '  primary: deepseek/deepseek-r1',
      '  fallbacks:',
      '    - anthropic/claude-3.5-haiku',
      '    - google/gemini-2.0-flash-001',
      '    - mistralai/mistral-small',
      '',
    ].join('\n');
    const root = makeTree({ '.openrouter-check.yml': config });
    const run = await runCli([root, '--base-url', baseUrl, '--only', 'test-completion,fallback-reachability', '--format', 'json'], {
      env: { OPENROUTER_API_KEY: key },
    });
    expect(run.status).toBe(1);
    const checks = (JSON.parse(run.stdout) as { checks: Array<{ id: string; status: string; message: string; findings: Array<{ message: string }> }> }).checks;
    const byId = Object.fromEntries(checks.map((check) => [check.id, check]));
    expect(byId['test-completion']!.status).toBe('pass');
    expect(byId['test-completion']!.message).toMatch(
      /^deepseek\/deepseek-r1 answered in \d+ ms, cost \$[\d.]+ \(reasoning is mandatory: effort low\); 1 paid request/,
    );
    expect(byId['fallback-reachability']!.findings.map(({ message }) => message.split(' (')[0])).toEqual([
      'google/gemini-2.0-flash-001',
      'mistralai/mistral-small',
    ]);
  });
});
