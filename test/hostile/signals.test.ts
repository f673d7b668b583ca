/**
 * Ctrl-C and `kill` mid-run, end to end: the built CLI, spawned, stuck on a fake OpenRouter that
 * does not answer, gets SIGINT or SIGTERM once a request has reached the server. It must exit
 * 130 / 143, say "interrupted" in one line, print no report, and leave no report file nor temporary
 * file behind. Its time limits are ten minutes and the test kills it as hung after two: only the
 * signal can have ended it. (How soon after the signal it exits, at most the grace period, is
 * shown with fake timers in signals-handler.test.ts.)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { FAKE_KEYS, fakeModel, startFakeOpenRouter } from '../support/fake-openrouter.js';
import type { FakeOpenRouter, FakeScenario } from '../support/fake-openrouter.js';
import { PLAIN } from '../support/plain-http.js';
import { CLI_HANG_LIMIT_MS } from '../support/time-limits.js';
import { makeTree } from '../support/tree.js';
import { generateKey } from '../support/workspace.js';

const REMOTE = ['auth', 'credit-limit', 'model-availability', 'test-completion', 'fallback-reachability'];
const CONFIG = `models:
  primary: openai/gpt-4o-mini
  fallbacks:
    - anthropic/claude-3.5-haiku
`;
/** Far longer than the hang limit: only the signal can end the run before the CLI is killed. */
const API_TIMEOUT_MS = 10 * 60_000;

let fake: FakeOpenRouter;
const key = generateKey();

/** Every endpoint hangs: the run waits on the network until something stops it. */
const hanging = (): FakeScenario => {
  const hang = { kind: 'hang' } as const;
  const hangs = Array.from({ length: 10 }, () => hang);
  return {
    keys: { [key]: FAKE_KEYS.limited },
    models: [fakeModel('openai/gpt-4o-mini'), fakeModel('anthropic/claude-3.5-haiku')],
    faults: { '/key': [...hangs], '/models': [...hangs], '/chat/completions': [...hangs] },
  };
};

beforeAll(async () => {
  fake = await startFakeOpenRouter(hanging());
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.setScenario(hanging());
  fake.requests.length = 0;
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts an audit of a small app writing JSON and JUnit reports into `reports`, waits until a
 * request reaches the fake server (the run is mid-way), then sends `signals`, `gapMs` apart.
 */
async function interruptMidRun(signals: NodeJS.Signals[], reports: string, gapMs = 0): Promise<Exit> {
  const app = makeTree({ '.openrouter-check.yml': CONFIG, 'src/app.ts': 'export const answer = 42;\n' });
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !['GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'FORCE_COLOR'].includes(name)) env[name] = value;
  }
  const args = [
    CLI,
    app,
    '--only',
    ['hardcoded-key', ...REMOTE].join(','),
    '--base-url',
    fake.baseUrl,
    '--timeout',
    String(API_TIMEOUT_MS),
    '--format',
    'sarif',
    '--report',
    `json=${join(reports, 'r.json')}`,
    '--report',
    `junit=${join(reports, 'r.xml')}`,
  ];
  const child = spawn(process.execPath, args, { env: { ...env, OPENROUTER_API_KEY: key, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), CLI_HANG_LIMIT_MS);
  try {
    // Mid-run, not mid-start-up: the remote checks have sent their requests and wait for answers.
    while (fake.requests.length < 2) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the run ended before a request reached the fake server; stderr: ${stderr}`);
      await sleep(20);
    }
    for (const [index, signal] of signals.entries()) {
      if (index > 0) await sleep(gapMs);
      child.kill(signal);
    }
    const { code, signal } = await exited;
    return { code, signal, stdout, stderr };
  } finally {
    clearTimeout(killer);
    child.kill('SIGKILL');
  }
}

describe('a signal mid-run', () => {
  it.each([
    { name: 'Ctrl-C (SIGINT)', signals: ['SIGINT'] as NodeJS.Signals[], exitCode: 130 },
    { name: 'SIGTERM', signals: ['SIGTERM'] as NodeJS.Signals[], exitCode: 143 },
    { name: 'a second Ctrl-C right after the first', signals: ['SIGINT', 'SIGINT'] as NodeJS.Signals[], exitCode: 130 },
  ])('$name: exits $exitCode, says so in one line, leaves no report and no temporary file', async ({ signals, exitCode }) => {
    const reports = makeTree({});
    mkdirSync(join(reports, 'out'));
    const exit = await interruptMidRun(signals, join(reports, 'out'), 50);
    // Not killed as hung (signal SIGKILL): the signal ended the run.
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: exitCode, signal: null });
    expect(exit.stderr).toBe('openrouter-check: interrupted\n');
    expect(exit.stdout).toBe('');
    expect(readdirSync(join(reports, 'out'))).toEqual([]);
    expect(readdirSync(reports)).toEqual(['out']);
  });
});

describe('a check that misbehaves when aborted', () => {
  it.each([
    { name: 'ignores its abort signal', onAbort: '' },
    {
      name: 'leaves a rejected promise behind when aborted',
      onAbort: "ctx.signal.addEventListener('abort', () => { Promise.reject(new Error('stray after abort')); });",
    },
    {
      name: 'throws from a timer when aborted',
      onAbort: "ctx.signal.addEventListener('abort', () => setTimeout(() => { throw new Error('stray after abort'); }, 1));",
    },
  ])('$name: Ctrl-C still exits 130, with only the "interrupted" line and no report', async ({ onAbort }) => {
    // A plugin check that says when it started, then works for ten minutes whatever its signal says.
    const plugin = `import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
export default {
  id: 'slow-check', title: 'Takes ten minutes', category: 'reliability', kind: 'static', defaultSeverity: 'error', docs: 'A test plugin.',
  async run(ctx) {
    ${onAbort}
    writeFileSync(join(ctx.root, 'started'), '');
    await new Promise((resolve) => setTimeout(resolve, 10 * 60_000));
    return [];
  },
};
`;
    const app = makeTree({ '.openrouter-check.yml': 'plugins: [./slow-check.mjs]\n', 'slow-check.mjs': plugin, 'src/app.ts': 'export const answer = 42;\n' });
    const reports = makeTree({});
    const child = spawn(
      process.execPath,
      [CLI, app, '--offline', '--allow-plugins', '--only', 'slow-check,hardcoded-key', '--report', `json=${join(reports, 'r.json')}`],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), CLI_HANG_LIMIT_MS);
    try {
      while (!existsSync(join(app, 'started'))) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the run ended before the plugin check started; stderr: ${stderr}`);
        await sleep(20);
      }
      child.kill('SIGINT');
      // The check would hold the run for ten minutes, past the hang limit: the signal ended it.
      expect(await exited).toBe(130);
      expect(stderr).toBe('openrouter-check: interrupted\n');
      expect(stdout).toBe('');
      expect(readdirSync(reports)).toEqual([]);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });
});

describe('a reader that goes away (`openrouter-check | head`)', () => {
  it('ends with the verdict, quietly: no EPIPE crash, no stack trace', async () => {
    // Enough findings that the JSON report is far bigger than a pipe's buffer.
    const line = (index: number): string => `export const url${index} = '${PLAIN}openrouter.ai/api/v1';\n`;
    const source = Array.from({ length: 300 }, (_, index) => line(index)).join('');
    const app = makeTree(Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`src/m${index}.ts`, source])));
    const child = spawn(process.execPath, [CLI, app, '--offline', '--only', 'https-only', '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // Like `head -c`: read the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const killer = setTimeout(() => child.kill('SIGKILL'), CLI_HANG_LIMIT_MS);
    const code = await new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    clearTimeout(killer);
    expect(stderr).toBe('');
    // https-only found plain-http URLs: the verdict is 1, pipe or no pipe.
    expect(code).toBe(1);
  });
});
