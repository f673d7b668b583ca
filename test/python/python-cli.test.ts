/**
 * Python and notebooks end to end: the built CLI over the python-app and notebook-app fixtures, max-tokens
 * without a key, model-availability against a fake OpenRouter (a real HTTP server on 127.0.0.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fakeModel, FAKE_KEYS, startFakeOpenRouter } from '../support/fake-openrouter.js';
import type { FakeOpenRouter } from '../support/fake-openrouter.js';
import { materializeFixture } from '../support/fixtures.js';
import { parseJsonReport } from '../support/json-report.js';

interface JsonFinding {
  message: string;
  severity: string;
  file?: string;
  line?: number;
  column?: number;
  cell?: { index: number; line: number; column: number };
  snippet?: string;
}
interface JsonReport {
  checks: { id: string; status: string; message: string; findings: JsonFinding[] }[];
}

const pythonApp = materializeFixture('python-app');
const notebookFixture = materializeFixture('notebook-app');
const notebookApp = notebookFixture.root;

async function auditJson(
  root: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; check: (id: string) => JsonReport['checks'][number] }> {
  const run = await runCli([root, '--format', 'json', ...args], { env });
  const report = parseJsonReport<JsonReport>(run.stdout);
  return { status: run.status, check: (id) => report.checks.find((check) => check.id === id)! };
}

const where = ({ file, line, column, cell, severity, message }: JsonFinding): JsonFinding => ({
  file,
  line,
  column,
  ...(cell ? { cell } : {}),
  severity,
  message,
});

describe('max-tokens over a Python project', () => {
  it('reports each uncapped or unverifiable call at the first character of the call, and exits 1', async () => {
    const { status, check } = await auditJson(pythonApp.root, ['--only', 'max-tokens']);
    expect(status).toBe(1);
    expect(check('max-tokens').message).toBe('3 errors, 2 warnings; 1 suppressed inline');
    expect(check('max-tokens').findings.map(where)).toEqual([
      {
        file: 'app/main.py',
        line: 27,
        column: 20,
        severity: 'error',
        message: 'chat.completions.create() sends no output cap (OpenAI SDK); add max_tokens=1024',
      },
      {
        file: 'app/main.py',
        line: 34,
        column: 18,
        severity: 'warn',
        message:
          "cannot verify the output cap of chat.completions.create() (OpenAI SDK): `**params` could not be resolved (`**DEFAULTS` could not be resolved (`DEFAULTS` is imported from '.llm'))",
      },
      {
        file: 'app/main.py',
        line: 43,
        column: 18,
        severity: 'warn',
        message: 'cannot verify the output cap of chat.completions.create() (OpenAI SDK): `**options` could not be resolved (parameter `options` of `ask`)',
      },
      {
        file: 'worker/tasks.py',
        line: 15,
        column: 16,
        severity: 'error',
        message: 'requests.post() sends no output cap (raw HTTP); add "max_tokens": 1024 to the JSON body',
      },
      { file: 'worker/tasks.py', line: 28, column: 13, severity: 'error', message: 'completion() sends no output cap (LiteLLM); add max_tokens=1024' },
    ]);
  });
});

describe('max-tokens over a notebook', () => {
  const UNCAPPED = 'chat.completions.create() sends no output cap (OpenAI SDK); add max_tokens=1024';

  it('points JSON at the .ipynb line and column and names the cell; the suppressed cell stays silent', async () => {
    const { status, check } = await auditJson(notebookApp, ['--only', 'max-tokens']);
    expect(status).toBe(1);
    expect(check('max-tokens').message).toBe('1 error; 1 suppressed inline');
    expect(check('max-tokens').findings).toEqual([
      {
        file: 'analysis.ipynb',
        line: 54,
        column: 16,
        cell: { index: 5, line: 2, column: 11 },
        severity: 'error',
        message: UNCAPPED,
        snippet: 'réponse = client.chat.completions.create(**params)',
      },
    ]);
  });

  it('the text report shows notebook.ipynb:cell N:line M:column', async () => {
    const run = await runCli([notebookApp, '--only', 'max-tokens']);
    expect(run.stdout).toContain(`    analysis.ipynb:cell 5:line 2:11  ${UNCAPPED}\n      réponse = client.chat.completions.create(**params)\n`);
  });

  it('SARIF puts the region in the .ipynb text and the cell in the result properties', async () => {
    const run = await runCli([notebookApp, '--only', 'max-tokens', '--format', 'sarif']);
    const [result] = (JSON.parse(run.stdout) as { runs: { results: Record<string, unknown>[] }[] }).runs[0]!.results;
    expect(result).toMatchObject({
      ruleId: 'max-tokens',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'analysis.ipynb' }, region: { startLine: 54, startColumn: 16 } } }],
      properties: { notebookCell: { index: 5, line: 2, column: 11 } },
    });
  });
});

describe('model ids in Python reach model-availability', () => {
  let fake: FakeOpenRouter;
  beforeAll(async () => {
    fake = await startFakeOpenRouter({
      keys: { [pythonApp.key]: FAKE_KEYS.limited, [notebookFixture.key]: FAKE_KEYS.limited },
      models: [fakeModel('openai/gpt-4o-mini'), fakeModel('anthropic/claude-3.5-haiku'), fakeModel('openai/gpt-5')],
    });
  });
  afterAll(() => fake.close());

  it('an unknown id fails at its place in the .py file; openrouter/ ids are normalised; Hugging Face ids are not models', async () => {
    const { status, check } = await auditJson(pythonApp.root, ['--only', 'model-availability', '--base-url', fake.baseUrl], {
      OPENROUTER_API_KEY: pythonApp.key,
    });
    expect(status).toBe(1);
    const availability = check('model-availability');
    expect(availability.status).toBe('fail');
    // worker/tasks.py names openrouter/anthropic/claude-3.5-haiku through LiteLLM: checked as anthropic/claude-3.5-haiku.
    expect(availability.message).toBe('1 error; 3 models checked against 3 listed: openai/gpt-4o-mini, anthropic/claude-3.5-haiku, openai/gpt-5-ultra-preview');
    expect(availability.findings.map(where)).toEqual([
      {
        file: 'app/main.py',
        line: 19,
        column: 62,
        severity: 'error',
        message: expect.stringMatching(/^openai\/gpt-5-ultra-preview \(used in code\) does not exist on OpenRouter/),
      },
    ]);
    expect(JSON.stringify(availability)).not.toMatch(/distilbert|sentence-transformers|claude-3-haiku-20240307/);
  });

  it('an id in a notebook cell is reported at that cell', async () => {
    fake.setScenario({ keys: { [notebookFixture.key]: FAKE_KEYS.limited }, models: [fakeModel('openai/gpt-4o')] });
    const { check } = await auditJson(notebookApp, ['--only', 'model-availability', '--base-url', fake.baseUrl], { OPENROUTER_API_KEY: notebookFixture.key });
    expect(check('model-availability').findings.map(where)).toEqual([
      {
        file: 'analysis.ipynb',
        line: 22,
        column: 14,
        cell: { index: 2, line: 6, column: 9 },
        severity: 'error',
        message: expect.stringMatching(/^openai\/gpt-4o-mini \(used in code\) does not exist on OpenRouter/),
      },
    ]);
  });
});
