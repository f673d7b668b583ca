import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { findModelIds, mayContainModelIds } from '../../src/analysis/model-ids.js';
import { codeModelIds } from '../../src/analysis/code-model-ids.js';
import { workspaceOf } from '../support/workspace.js';

/** The ids a one-file TypeScript source names, with the column of each (line 1 unless the source has more). */
function idsIn(source: string): string[] {
  return findModelIds(ts, 'src/a.ts', source, 'TS').map(({ id, start }) => `${id}@${start}`);
}

describe('model ids in code', () => {
  const cases: Array<{ name: string; source: string; expected: string[] }> = [
    { name: 'a request\'s model', source: "client.chat.completions.create({ model: 'openai/gpt-4o-mini', max_tokens: 5 });", expected: ['openai/gpt-4o-mini@40'] },
    { name: 'the fallback chain', source: "const body = { models: ['anthropic/claude-3.5-haiku', \"google/gemini-2.0-flash-001\"] };", expected: ['anthropic/claude-3.5-haiku@24', 'google/gemini-2.0-flash-001@54'] },
    { name: 'a variant and an alias', source: "x({ model: 'meta-llama/llama-3.3-70b-instruct:free' }); y({ model: '~anthropic/claude-sonnet-latest' });", expected: ['meta-llama/llama-3.3-70b-instruct:free@11', '~anthropic/claude-sonnet-latest@67'] },
    { name: 'the AI SDK provider factory', source: "generateText({ model: openrouter('openai/gpt-4o'), prompt });", expected: ['openai/gpt-4o@33'] },
    { name: 'a configured provider factory', source: "const m = createOpenRouter({ apiKey })('mistralai/mistral-large');", expected: ['mistralai/mistral-large@39'] },
    { name: 'LangChain modelName', source: "new ChatOpenAI({ modelName: 'openai/gpt-4o-mini', maxTokens: 100 });", expected: ['openai/gpt-4o-mini@28'] },
    { name: 'a const holding the id, written where the const is', source: "const MODEL = 'openai/gpt-4o';\ncall({ model: MODEL });\ncall({ model: MODEL });", expected: ['openai/gpt-4o@14', 'openai/gpt-4o@14'] },
    { name: 'a template without substitutions', source: 'call({ model: `openai/o3-mini` });', expected: ['openai/o3-mini@14'] },
    { name: 'not a model: a path, a URL, prose, two slashes', source: "a({ model: './models/local' }); b({ model: 'https://x.y/z' }); c({ model: 'my model/v2' }); d({ model: 'a/b/c' });", expected: [] },
    { name: 'not a model: a model held in a variable or built at run time', source: "let m = 'openai/gpt-4o'; m = pick(); a({ model: m }); b({ model: `openai/${name}` }); c({ model: pick() });", expected: [] },
    { name: 'not a model: other properties and calls', source: "a({ provider: 'openai/gpt-4o' }); route('openai/gpt-4o'); const models = 'openai/gpt-4o';", expected: [] },
  ];
  it.each(cases)('$name', ({ source, expected }) => {
    expect(idsIn(source)).toEqual(expected);
  });

  it('only files that mention a model are parsed', () => {
    expect(mayContainModelIds(Buffer.from('export const add = (a, b) => a + b;'))).toBe(false);
    expect(mayContainModelIds(Buffer.from("x({ model: 'a/b' })"))).toBe(true);
  });

  it('a workspace: each place once, in file order, with line, column and snippet; other files skipped', async () => {
    const workspace = workspaceOf({
      'src/chat.ts': "import OpenAI from 'openai';\nconst MODEL = 'openai/gpt-4-turbo-preview';\nexport const ask = () => client.chat.completions.create({ model: MODEL, max_tokens: 10 });\nexport const again = () => client.chat.completions.create({ model: MODEL, max_tokens: 10 });\n",
      'src/models.md': "model: 'openai/gpt-4o'",
      'src/broken.ts': 'const = ({ model: "openai/gpt-4o" ',
    });
    expect(await codeModelIds(workspace)).toEqual([
      { id: 'openai/gpt-4-turbo-preview', file: 'src/chat.ts', line: 2, column: 15, snippet: "const MODEL = 'openai/gpt-4-turbo-preview';" },
      { id: 'openai/gpt-4o', file: 'src/broken.ts', line: 1, column: 19, snippet: 'const = ({ model: "openai/gpt-4o"' },
    ]);
  });
});
