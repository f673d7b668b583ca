import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { findModelIds, mayContainModelIds, modelIdsOf } from '../../src/languages/typescript/model-ids.js';
import { codeModelIds } from '../../src/inventory/code-model-ids.js';
import { parseSourceFile } from '../../src/languages/typescript/parse-source.js';
import { positionLookup } from '../../src/workspace/text-position.js';
import { workspaceOf } from '../support/workspace.js';

/** The ids a one-file TypeScript source names, as `id@line:column`, with ` (preset)` / ` (router)` when not a catalogue model. */
function idsIn(source: string): string[] {
  const positionOf = positionLookup(source);
  return findModelIds(ts, 'src/a.ts', source, 'TS').map(({ id, kind, start }) => {
    const { line, column } = positionOf(start);
    return `${id}@${line}:${column}${kind === 'model' ? '' : ` (${kind})`}`;
  });
}

describe('model ids in code', () => {
  const cases: Array<{ name: string; source: string; expected: string[] }> = [
    {
      name: "a request's model",
      source: "client.chat.completions.create({ model: 'openai/gpt-4o-mini', max_tokens: 5 });",
      expected: ['openai/gpt-4o-mini@1:41'],
    },
    {
      name: 'the fallback chain',
      source: 'const body = { models: [\'anthropic/claude-3.5-haiku\', "google/gemini-2.0-flash-001"] };',
      expected: ['anthropic/claude-3.5-haiku@1:25', 'google/gemini-2.0-flash-001@1:55'],
    },
    {
      name: 'a variant and an alias',
      source: "x({ model: 'meta-llama/llama-3.3-70b-instruct:free' }); y({ model: '~anthropic/claude-sonnet-latest' });",
      expected: ['meta-llama/llama-3.3-70b-instruct:free@1:12', '~anthropic/claude-sonnet-latest@1:68'],
    },
    { name: 'the AI SDK provider factory', source: "generateText({ model: openrouter('openai/gpt-4o'), prompt });", expected: ['openai/gpt-4o@1:34'] },
    {
      name: 'a configured provider factory',
      source: "const m = createOpenRouter({ apiKey })('mistralai/mistral-large');",
      expected: ['mistralai/mistral-large@1:40'],
    },
    { name: 'LangChain modelName', source: "new ChatOpenAI({ modelName: 'openai/gpt-4o-mini', maxTokens: 100 });", expected: ['openai/gpt-4o-mini@1:29'] },
    {
      name: 'a const holding the id: once, where the const is',
      source: "const MODEL = 'openai/gpt-4o';\ncall({ model: MODEL });\ncall({ model: MODEL });",
      expected: ['openai/gpt-4o@1:15'],
    },
    { name: 'a template without substitutions', source: 'call({ model: `openai/o3-mini` });', expected: ['openai/o3-mini@1:15'] },
    // Lists, objects and maps.
    {
      name: 'a list of models',
      source: "export const AVAILABLE_MODELS = [\n  'openai/gpt-4o',\n  'anthropic/claude-3.5-sonnet',\n] as const;",
      expected: ['openai/gpt-4o@2:3', 'anthropic/claude-3.5-sonnet@3:3'],
    },
    {
      name: 'a map of models by tier',
      source: 'const models = { fast: \'openai/gpt-4o-mini\', smart: "anthropic/claude-3.7-sonnet" };',
      expected: ['openai/gpt-4o-mini@1:24', 'anthropic/claude-3.7-sonnet@1:53'],
    },
    {
      name: 'a member of a map used by key, the map not named as models',
      source: "const TIERS = { fast: 'openai/gpt-4o-mini', slow: 'x/y z' };\nask({ model: TIERS.fast });\nask({ model: TIERS['fast'] });",
      expected: ['openai/gpt-4o-mini@1:23'],
    },
    {
      name: 'an element of a list used by index',
      source: "const CHAIN = ['openai/gpt-4o', 'google/gemini-2.0-flash-001'];\nask({ model: CHAIN[1] });",
      expected: ['google/gemini-2.0-flash-001@1:33'],
    },
    {
      name: 'a nested map of models',
      source: "const MODEL_TIERS = { chat: { fast: 'openai/gpt-4o-mini' }, vision: ['google/gemini-2.0-flash-001'] };",
      expected: ['openai/gpt-4o-mini@1:37', 'google/gemini-2.0-flash-001@1:70'],
    },
    {
      name: 'a list spread into the fallback chain',
      source: "const BACKUP = ['mistralai/mistral-large'];\nsend({ models: [...BACKUP, 'openai/gpt-4o'] });",
      expected: ['mistralai/mistral-large@1:17', 'openai/gpt-4o@2:28'],
    },
    // Defaults of parameters and fields.
    {
      name: 'a parameter default',
      source: "export async function ask(prompt: string, model = 'openai/gpt-4o-mini') {\n  return client.chat.completions.create({ model, messages: [] });\n}",
      expected: ['openai/gpt-4o-mini@1:51'],
    },
    {
      name: 'a destructured option default',
      source: "function ask({ prompt, model = 'anthropic/claude-3.5-haiku' }: Options) {}",
      expected: ['anthropic/claude-3.5-haiku@1:32'],
    },
    {
      name: 'a destructured option renamed',
      source: "function ask({ model: chosen = 'anthropic/claude-3.5-haiku' }: Options) { send({ model: chosen }); }",
      expected: ['anthropic/claude-3.5-haiku@1:32'],
    },
    {
      name: 'a class field and a private field',
      source: "class Bot {\n  private readonly defaultModel: string = 'openai/gpt-4o';\n  #fallbackModel = 'meta-llama/llama-3.3-70b-instruct';\n}",
      expected: ['openai/gpt-4o@2:43', 'meta-llama/llama-3.3-70b-instruct@3:20'],
    },
    {
      name: "a config object's model-named property",
      source: "export const config = { defaultModel: 'openai/gpt-4o', summaryModel: 'openai/gpt-4o-mini', temperature: 0.2 };",
      expected: ['openai/gpt-4o@1:39', 'openai/gpt-4o-mini@1:70'],
    },
    {
      name: 'a zod schema default and enum',
      source: "const Settings = z.object({ model: z.enum(['openai/gpt-4o', 'openai/o3-mini']).default('openai/gpt-4o') });",
      expected: ['openai/gpt-4o@1:44', 'openai/o3-mini@1:61', 'openai/gpt-4o@1:88'],
    },
    // Environment fallbacks.
    {
      name: 'process.env.X || "…" as the model',
      source: "const MODEL = process.env.OPENROUTER_MODEL || 'openai/gpt-4o-mini';",
      expected: ['openai/gpt-4o-mini@1:47'],
    },
    {
      name: 'process.env.X ?? "…" in place',
      source: "ask({ model: process.env.CHAT_MODEL ?? 'anthropic/claude-3.5-sonnet' });",
      expected: ['anthropic/claude-3.5-sonnet@1:40'],
    },
    {
      name: 'an env fallback held by a name that says nothing',
      source: "const chosen = process.env['SUMMARY_MODEL'] || 'google/gemini-2.0-flash-001';",
      expected: ['google/gemini-2.0-flash-001@1:48'],
    },
    {
      name: 'both branches of a conditional',
      source: "const model = isPro ? 'openai/gpt-4o' : 'openai/gpt-4o-mini';",
      expected: ['openai/gpt-4o@1:23', 'openai/gpt-4o-mini@1:41'],
    },
    // Presets, routers and the LiteLLM prefix.
    {
      name: 'presets and a router',
      source: "a({ model: '@preset/support-bot' }); b({ model: 'openai/gpt-4o@preset/json-mode' }); c({ model: 'openrouter/auto' });",
      expected: ['@preset/support-bot@1:12 (preset)', 'openai/gpt-4o@preset/json-mode@1:49 (preset)', 'openrouter/auto@1:97 (router)'],
    },
    {
      name: 'a LiteLLM openrouter/ prefix is dropped',
      source: "const LITELLM_MODEL = 'openrouter/anthropic/claude-3.5-haiku';",
      expected: ['anthropic/claude-3.5-haiku@1:23'],
    },
    // Precision: what is not a model.
    {
      name: 'not a model: a path, a URL, prose, two slashes',
      source: "a({ model: './models/local' }); b({ model: 'https://x.y/z' }); c({ model: 'my model/v2' }); d({ model: 'a/b/c' });",
      expected: [],
    },
    {
      name: 'not a model: a model held in a variable or built at run time',
      source: "let m = 'openai/gpt-4o'; m = pick(); a({ model: m }); b({ model: `openai/${name}` }); c({ model: pick() });",
      expected: [],
    },
    {
      name: 'not a model: other properties and calls',
      source: "a({ provider: 'openai/gpt-4o' }); route('openai/gpt-4o'); const mime = 'text/plain'; const pair = ['a/b', 'c/d'];",
      expected: [],
    },
    {
      name: 'not a model: names that say where models live or what they are',
      source: "const MODEL_PATH = 'models/llama'; const modelDir = 'weights/x'; const MODEL_URL = 'a/b'; const modelType = 'chat/completion';",
      expected: [],
    },
    {
      name: 'not a model: a Transformers.js repository in a model-named constant',
      source:
        "import { pipeline } from '@huggingface/transformers';\nconst EMBEDDING_MODEL = 'Xenova/all-MiniLM-L6-v2';\nconst extractor = await pipeline('feature-extraction', EMBEDDING_MODEL);",
      expected: [],
    },
    {
      name: 'a list of options for a model picker',
      source: "export const MODEL_OPTIONS = [{ label: 'GPT-4o', value: 'openai/gpt-4o' }];",
      expected: ['openai/gpt-4o@1:57'],
    },
    {
      name: "not a model: another env variable's fallback, a map not used as a model",
      source: "const base = process.env.BASE_PATH || 'api/v1'; const ROUTES = { chat: 'api/chat' }; go(ROUTES.chat);",
      expected: [],
    },
  ];
  it.each(cases)('$name', ({ source, expected }) => {
    expect(idsIn(source)).toEqual(expected);
  });

  it('notes the environment variables the file reads as a model', () => {
    const source =
      "const a = process.env.CHAT_MODEL;\nconst b = process.env.OTHER ?? 'x';\nask({ model: process.env.LLM });\nconst c = process.env.DATABASE_URL;";
    const { envVariables } = modelIdsOf(ts, parseSourceFile(ts, 'src/a.ts', source, 'TS'));
    expect(envVariables.sort()).toEqual(['CHAT_MODEL', 'LLM']);
  });

  it('only files that mention a model are parsed', () => {
    expect(mayContainModelIds(Buffer.from('export const add = (a, b) => a + b;'))).toBe(false);
    expect(mayContainModelIds(Buffer.from("x({ model: 'a/b' })"))).toBe(true);
    expect(mayContainModelIds(Buffer.from("const DEFAULT_MODEL = 'a/b'"))).toBe(true);
  });

  it('a workspace: each place once, in file order, with line, column and snippet; other files skipped', async () => {
    const workspace = workspaceOf({
      'src/chat.ts':
        "import OpenAI from 'openai';\nconst MODEL = 'openai/gpt-4-turbo-preview';\nexport const ask = () => client.chat.completions.create({ model: MODEL, max_tokens: 10 });\nexport const again = () => client.chat.completions.create({ model: MODEL, max_tokens: 10 });\n",
      'src/models.md': "model: 'openai/gpt-4o'",
      'src/broken.ts': 'const = ({ model: "openai/gpt-4o" ',
    });
    expect(await codeModelIds(workspace)).toEqual([
      {
        id: 'openai/gpt-4-turbo-preview',
        kind: 'model',
        inTest: false,
        file: 'src/chat.ts',
        line: 2,
        column: 15,
        snippet: "const MODEL = 'openai/gpt-4-turbo-preview';",
      },
      { id: 'openai/gpt-4o', kind: 'model', inTest: false, file: 'src/broken.ts', line: 1, column: 19, snippet: 'const = ({ model: "openai/gpt-4o"' },
    ]);
  });

  it('marks ids in test code, in every spelling of a test path', async () => {
    const source = "export const MODEL = 'test/model';\n";
    const paths = [
      'test/chat.ts',
      'tests/chat.ts',
      'src/__tests__/chat.ts',
      'src/chat.test.ts',
      'src/chat.spec.tsx',
      'spec/chat.js',
      'src/chat.ts',
      'src/testing.ts',
      'src/contest.ts',
    ];
    const workspace = workspaceOf(Object.fromEntries(paths.map((path) => [path, source])));
    const marks = Object.fromEntries((await codeModelIds(workspace)).map(({ file, inTest }) => [file, inTest]));
    expect(marks).toEqual({
      'test/chat.ts': true,
      'tests/chat.ts': true,
      'src/__tests__/chat.ts': true,
      'src/chat.test.ts': true,
      'src/chat.spec.tsx': true,
      'spec/chat.js': true,
      'src/chat.ts': false,
      'src/testing.ts': false,
      'src/contest.ts': false,
    });
  });

  it('reads .env templates for the variables the code reads as a model, at the value', async () => {
    const workspace = workspaceOf({
      'src/config.ts':
        "export const MODEL = process.env.OPENROUTER_MODEL ?? 'openai/gpt-4o-mini';\nexport const backup = process.env.BACKUP_MODELS?.split(',');\nask({ model: process.env.LLM });\n",
      '.env.example':
        '# copy to .env\nOPENROUTER_API_KEY=\nOPENROUTER_MODEL=anthropic/claude-3.5-sonnet\nexport BACKUP_MODELS="openai/gpt-4o, google/gemini-2.0-flash-001"\nLLM=\'@preset/support-bot\' # the preset\nUNUSED_MODEL=openai/gpt-4o\nDATA_PATH=data/raw\n',
      'web/.env.sample': 'OPENROUTER_MODEL=openrouter/auto\n',
      '.env': 'OPENROUTER_MODEL=openai/o3\n',
    });
    const found = (await codeModelIds(workspace)).map(({ id, kind, file, line, column }) => `${file}:${line}:${column} ${id} ${kind}`);
    expect(found).toEqual([
      'src/config.ts:1:54 openai/gpt-4o-mini model',
      '.env.example:3:18 anthropic/claude-3.5-sonnet model',
      '.env.example:4:23 openai/gpt-4o model',
      '.env.example:4:38 google/gemini-2.0-flash-001 model',
      '.env.example:5:6 @preset/support-bot preset',
      'web/.env.sample:1:18 openrouter/auto router',
    ]);
  });
});
