import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as loadPython from '../../src/languages/python/load-python.js';
import maxTokens from '../../src/checks/max-tokens.js';
import { outcomeOf } from '../../src/checks/outcome.js';
import { pythonModelIds } from '../../src/languages/python/python-model-ids.js';
import { contextFor, workspaceOf } from '../support/workspace.js';

// Counts parses without changing them: every Python parse goes through the loaded parser's `parse`.
const parsedTexts: string[] = [];
vi.mock('../../src/languages/python/load-python.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/languages/python/load-python.js')>();
  return {
    ...original,
    loadPythonParser: vi.fn(async () => {
      const parser = await original.loadPythonParser();
      return {
        parse: (text: string) => {
          parsedTexts.push(text);
          return parser.parse(text);
        },
      };
    }),
  };
});

const APP = {
  'worker/summarize.py': [
    'from openai import OpenAI',
    'client = OpenAI(base_url="https://openrouter.ai/api/v1")',
    'def summarize(text):',
    '    return client.chat.completions.create(model="openai/gpt-4o-mini", messages=[{"role": "user", "content": text}])',
  ].join('\n'),
  'worker/config.py': 'DEFAULT = dict(model="anthropic/claude-3.5-haiku")\n',
  'worker/plain.py': 'def add(a, b):\n    return a + b\n',
};

beforeEach(() => {
  parsedTexts.length = 0;
  vi.mocked(loadPython.loadPythonParser).mockClear();
});

describe("the workspace's Python pass", () => {
  it('parses each Python file once for max-tokens and the model ids together, and gives each what it finds alone', async () => {
    const workspace = workspaceOf(APP);
    // Started in one synchronous step, as run.ts starts the checks.
    const [findings, ids] = await Promise.all([maxTokens.run(contextFor(maxTokens, workspace)), pythonModelIds(workspace)]);
    expect(parsedTexts.filter((text) => text.includes('chat.completions.create'))).toHaveLength(1);
    expect(parsedTexts.some((text) => text.includes('def add'))).toBe(false);

    expect(outcomeOf(findings).findings.map(({ file, line, column }) => ({ file, line, column }))).toEqual([
      { file: 'worker/summarize.py', line: 4, column: 12 },
    ]);
    expect(ids.map(({ id, file, line }) => ({ id, file, line }))).toEqual(
      expect.arrayContaining([{ id: 'openai/gpt-4o-mini', file: 'worker/summarize.py', line: 4 }]),
    );
  });

  it('gives a late asker a pass of its own, with the same answer', async () => {
    const workspace = workspaceOf(APP);
    const first = await pythonModelIds(workspace);
    parsedTexts.length = 0;
    const alone = outcomeOf(await maxTokens.run(contextFor(maxTokens, workspace))).findings;
    expect(alone.map(({ file, line }) => `${file}:${line}`)).toEqual(['worker/summarize.py:4']);
    expect(first.some(({ id }) => id === 'openai/gpt-4o-mini')).toBe(true);
    expect(parsedTexts.filter((text) => text.includes('chat.completions.create'))).toHaveLength(1);
  });

  it('rejects only the visitor whose run was cancelled', async () => {
    const workspace = workspaceOf(APP);
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const [cancelled, ids] = await Promise.allSettled([
      maxTokens.run(contextFor(maxTokens, workspace, { signal: controller.signal })),
      pythonModelIds(workspace),
    ]);
    expect(cancelled.status).toBe('rejected');
    expect(ids.status === 'fulfilled' && ids.value.some(({ id }) => id === 'openai/gpt-4o-mini')).toBe(true);
  });
});
