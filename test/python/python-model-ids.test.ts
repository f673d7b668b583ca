import { describe, expect, it } from 'vitest';
import { pythonModelIds } from '../../src/python/python-model-ids.js';
import { workspaceOf } from '../support/workspace.js';

const idsIn = async (source: string): Promise<{ id: string; line: number; column: number }[]> =>
  (await pythonModelIds(workspaceOf({ 'app.py': source }))).map(({ id, line, column }) => ({ id, line, column }));

describe('model ids in Python', () => {
  const cases: [name: string, source: string, ids: { id: string; line: number; column: number }[]][] = [
    ['model= keyword', 'client.chat.completions.create(model="openai/gpt-4o", messages=[])', [{ id: 'openai/gpt-4o', line: 1, column: 38 }]],
    ['a module constant, reported where the string is', 'MODEL = "anthropic/claude-3.5-sonnet"\nclient.chat.completions.create(model=MODEL)\nclient.responses.create(model=MODEL)', [{ id: 'anthropic/claude-3.5-sonnet', line: 1, column: 9 }]],
    ['an env lookup default', 'import os\nMODEL = os.getenv("MODEL", "openai/gpt-4o-mini")\nc.chat.completions.create(model=MODEL)', [{ id: 'openai/gpt-4o-mini', line: 2, column: 28 }]],
    ['models=[...] fallbacks in extra_body', 'c.chat.completions.create(model="a/b", extra_body={"models": ["c/d", "e/f:free"]})', [{ id: 'a/b', line: 1, column: 33 }, { id: 'c/d', line: 1, column: 63 }, { id: 'e/f:free', line: 1, column: 70 }]],
    ['a JSON body dict', 'requests.post(URL, json={"model": "mistralai/mistral-large"})', [{ id: 'mistralai/mistral-large', line: 1, column: 35 }]],
    ['LangChain model_name', 'ChatOpenAI(model_name="openai/gpt-4o")', [{ id: 'openai/gpt-4o', line: 1, column: 23 }]],
    ['LiteLLM openrouter/ prefix normalised', 'from litellm import completion\ncompletion(model="openrouter/anthropic/claude-3.5-haiku")', [{ id: 'anthropic/claude-3.5-haiku', line: 2, column: 18 }]],
    ['LiteLLM without the prefix goes elsewhere', 'from litellm import completion\ncompletion(model="anthropic/claude-3-haiku-20240307")', []],
    ['LiteLLM under another name', 'from litellm import completion as ask\nask(model="anthropic/claude-3-haiku-20240307")\nask(model="openrouter/openai/gpt-4o")', [{ id: 'openai/gpt-4o', line: 3, column: 11 }]],
    ['llm CLI get_model', 'import llm\nllm.get_model("openrouter/openai/gpt-4o")', [{ id: 'openai/gpt-4o', line: 2, column: 15 }]],
    ['DSPy LM with the prefix', 'import dspy\nlm = dspy.LM("openrouter/google/gemini-2.0-flash-001")', [{ id: 'google/gemini-2.0-flash-001', line: 2, column: 14 }]],
    ['smolagents model_id with the prefix', 'LiteLLMModel(model_id="openrouter/openai/gpt-4o")', [{ id: 'openai/gpt-4o', line: 1, column: 23 }]],
    ['model_id without it is a Hugging Face repository', 'InferenceClientModel(model_id="Qwen/Qwen2.5-Coder-32B-Instruct")', []],
    ['openrouter/auto is itself an id', 'c.chat.completions.create(model="openrouter/auto")', [{ id: 'openrouter/auto', line: 1, column: 33 }]],
    ['Hugging Face pipeline', 'from transformers import pipeline\npipeline("sentiment-analysis", model="distilbert/distilbert-base-uncased")', []],
    ['SentenceTransformer', 'from sentence_transformers import SentenceTransformer\nSentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")', []],
    ['from_pretrained', 'AutoModel.from_pretrained("meta-llama/Llama-3-8B", model="x/y")', []],
    ['HuggingFaceEmbeddings model_name', 'HuggingFaceEmbeddings(model_name="sentence-transformers/all-mpnet-base-v2")', []],
    ['not ids: no slash, a path, an f-string', 'f(model="gpt-4o")\nf(model="models/a/b")\nf(model=f"{vendor}/x")', []],
    ['a package name is no model', 'subprocess.run(["pip", "install", "openai/openai-python"])', []],
  ];
  it.each(cases)('%s', async (_name, source, expected) => {
    expect(await idsIn(source)).toEqual(expected);
  });

  it('points a notebook id at its cell', async () => {
    const notebook = JSON.stringify({ cells: [{ cell_type: 'markdown', source: ['x'] }, { cell_type: 'code', source: ['MODEL = "openai/gpt-4o"\n', 'c.chat.completions.create(model=MODEL)'] }], nbformat: 4 }, null, 1);
    const [use] = await pythonModelIds(workspaceOf({ 'nb.ipynb': notebook }));
    expect(use).toMatchObject({ id: 'openai/gpt-4o', file: 'nb.ipynb', cell: { index: 2, line: 1, column: 9 }, snippet: 'MODEL = "openai/gpt-4o"' });
  });
});
