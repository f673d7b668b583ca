// Starts the tests' stand-in OpenRouter (test/support/fake-openrouter.ts) on its own, so anyone can try
// the remote checks without a key or a cent: it prints a base URL and a made-up key to use with
// --base-url. A dev script: it needs the dev dependencies (esbuild) and is not in the published package.
//
//   npm run fake-openrouter                       the demo catalogue on http://127.0.0.1:8787/api/v1
//   npm run fake-openrouter -- --port 0           any free port
//   npm run fake-openrouter -- --latency-ms 300   every answer 300 ms away
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const USAGE = 'usage: npm run fake-openrouter -- [--port <n>] [--host 127.0.0.1] [--latency-ms <n>]';

let flags;
try {
  flags = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      'latency-ms': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  process.stderr.write(`${error.message}\n${USAGE}\n`);
  process.exit(2);
}
if (flags.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const port = wholeNumber('--port', flags.port, 65_535);
const latencyMs = wholeNumber('--latency-ms', flags['latency-ms'], 60_000);

// The stand-in is TypeScript: bundled once into a temporary folder, imported, and the folder removed.
const folder = mkdtempSync(join(tmpdir(), 'fake-openrouter-'));
let fake;
try {
  const outfile = join(folder, 'fake-openrouter.mjs');
  await build({
    entryPoints: [new URL('../test/support/fake-openrouter.ts', import.meta.url).pathname],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
  });
  fake = await import(pathToFileURL(outfile).href);
} finally {
  rmSync(folder, { recursive: true, force: true });
}

// Made up here, never written anywhere: in the real key format, so the tool accepts it.
const key = `sk-or-v1-${randomBytes(32).toString('hex')}`;
let server;
try {
  server = await fake.startFakeOpenRouter(demoScenario(fake, key, latencyMs), { host: flags.host, port });
} catch (error) {
  // EADDRINUSE and alike: one line, not a stack trace.
  process.stderr.write(
    `error: cannot listen on ${flags.host}:${port}: ${error.code ?? error.message}${error.code === 'EADDRINUSE' ? ' (try --port 0)' : ''}\n`,
  );
  process.exit(2);
}

process.stdout.write(`fake OpenRouter listening: ${server.baseUrl}

Try the remote checks against it (nothing is billed; the key is made up):

  export OPENROUTER_API_KEY=${key}
  npx openrouter-check --base-url ${server.baseUrl}

What it serves:
  openai/gpt-4o-mini                      healthy; the primary to try first
  deepseek/deepseek-r1                    reasoning is mandatory: "effort: none" is refused
  anthropic/claude-3.5-haiku              healthy
  google/gemini-2.0-flash-001             no provider serves it (empty /endpoints)
  mistralai/mistral-small                 only a provider that trains on prompts: blocked by the data policy
  openrouter/auto                         a router
  @preset/support-bot                     a preset sending openai/gpt-4o-mini
Every completion must ask for 16 tokens or more (400 below), like some providers.
The key has a $10 monthly limit with $7.50 left. Ctrl-C stops the server.
`);

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/** The demo: one model of each kind the remote checks tell apart. */
function demoScenario({ fakeModel, fakeEndpoint, FAKE_KEYS, MANDATORY_REASONING }, apiKey, latency) {
  const reasoner = ['max_tokens', 'reasoning', 'include_reasoning'];
  return {
    keys: { [apiKey]: FAKE_KEYS.limited },
    models: [
      fakeModel('openai/gpt-4o-mini'),
      fakeModel('deepseek/deepseek-r1', {
        reasoning: MANDATORY_REASONING,
        supported_parameters: reasoner,
        pricing: { prompt: '0.0000005', completion: '0.000002' },
      }),
      fakeModel('anthropic/claude-3.5-haiku', { pricing: { prompt: '0.0000008', completion: '0.000004' } }),
      fakeModel('google/gemini-2.0-flash-001', { pricing: { prompt: '0.0000001', completion: '0.0000004' } }),
      fakeModel('mistralai/mistral-small'),
      fakeModel('openrouter/auto', { pricing: { prompt: '-1', completion: '-1' } }),
    ],
    endpoints: {
      'google/gemini-2.0-flash-001': [],
      'mistralai/mistral-small': [fakeEndpoint('mistralai/mistral-small', { provider_name: 'TrainCo' })],
    },
    dataPolicy: { denyTraining: true, trainingProviders: ['TrainCo'] },
    presets: { 'support-bot': { model: 'openai/gpt-4o-mini' } },
    ...(latency > 0 ? { latencyMs: latency } : {}),
  };
}

function wholeNumber(flag, value, max) {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > max) {
    process.stderr.write(`error: ${flag} expects a whole number from 0 to ${max} (got ${JSON.stringify(value)})\n${USAGE}\n`);
    process.exit(2);
  }
  return number;
}
