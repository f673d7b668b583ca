import { describe, expect, it } from 'vitest';
import { codeModelIds } from '../../src/inventory/code-model-ids.js';
import { pythonModelIds } from '../../src/languages/python/python-model-ids.js';
import { workspaceOf } from '../support/workspace.js';

const idsIn = async (source: string): Promise<{ id: string; line: number; column: number }[]> =>
  (await pythonModelIds(workspaceOf({ 'app.py': source }))).map(({ id, line, column }) => ({ id, line, column }));

describe('model ids in Python', () => {
  const cases: [name: string, source: string, ids: { id: string; line: number; column: number }[]][] = [
    ['model= keyword', 'client.chat.completions.create(model="openai/gpt-4o", messages=[])', [{ id: 'openai/gpt-4o', line: 1, column: 38 }]],
    [
      'a module constant, reported where the string is',
      'MODEL = "anthropic/claude-3.5-sonnet"\nclient.chat.completions.create(model=MODEL)\nclient.responses.create(model=MODEL)',
      [{ id: 'anthropic/claude-3.5-sonnet', line: 1, column: 9 }],
    ],
    [
      'an env lookup default',
      'import os\nMODEL = os.getenv("MODEL", "openai/gpt-4o-mini")\nc.chat.completions.create(model=MODEL)',
      [{ id: 'openai/gpt-4o-mini', line: 2, column: 28 }],
    ],
    [
      'models=[...] fallbacks in extra_body',
      'c.chat.completions.create(model="a/b", extra_body={"models": ["c/d", "e/f:free"]})',
      [
        { id: 'a/b', line: 1, column: 33 },
        { id: 'c/d', line: 1, column: 63 },
        { id: 'e/f:free', line: 1, column: 70 },
      ],
    ],
    ['a JSON body dict', 'requests.post(URL, json={"model": "mistralai/mistral-large"})', [{ id: 'mistralai/mistral-large', line: 1, column: 35 }]],
    ['LangChain model_name', 'ChatOpenAI(model_name="openai/gpt-4o")', [{ id: 'openai/gpt-4o', line: 1, column: 23 }]],
    [
      'LiteLLM openrouter/ prefix normalised',
      'from litellm import completion\ncompletion(model="openrouter/anthropic/claude-3.5-haiku")',
      [{ id: 'anthropic/claude-3.5-haiku', line: 2, column: 18 }],
    ],
    ['LiteLLM without the prefix goes elsewhere', 'from litellm import completion\ncompletion(model="anthropic/claude-3-haiku-20240307")', []],
    [
      'LiteLLM under another name',
      'from litellm import completion as ask\nask(model="anthropic/claude-3-haiku-20240307")\nask(model="openrouter/openai/gpt-4o")',
      [{ id: 'openai/gpt-4o', line: 3, column: 11 }],
    ],
    ['llm CLI get_model', 'import llm\nllm.get_model("openrouter/openai/gpt-4o")', [{ id: 'openai/gpt-4o', line: 2, column: 15 }]],
    [
      'DSPy LM with the prefix',
      'import dspy\nlm = dspy.LM("openrouter/google/gemini-2.0-flash-001")',
      [{ id: 'google/gemini-2.0-flash-001', line: 2, column: 14 }],
    ],
    ['smolagents model_id with the prefix', 'LiteLLMModel(model_id="openrouter/openai/gpt-4o")', [{ id: 'openai/gpt-4o', line: 1, column: 23 }]],
    ['model_id without it is a Hugging Face repository', 'InferenceClientModel(model_id="Qwen/Qwen2.5-Coder-32B-Instruct")', []],
    ['openrouter/auto is itself an id', 'c.chat.completions.create(model="openrouter/auto")', [{ id: 'openrouter/auto', line: 1, column: 33 }]],
    ['Hugging Face pipeline', 'from transformers import pipeline\npipeline("sentiment-analysis", model="distilbert/distilbert-base-uncased")', []],
    ['SentenceTransformer', 'from sentence_transformers import SentenceTransformer\nSentenceTransformer("sentence-transformers/all-MiniLM-L6-v2")', []],
    ['from_pretrained', 'AutoModel.from_pretrained("meta-llama/Llama-3-8B", model="x/y")', []],
    ['HuggingFaceEmbeddings model_name', 'HuggingFaceEmbeddings(model_name="sentence-transformers/all-mpnet-base-v2")', []],
    ['not ids: no slash, a path, an f-string', 'f(model="gpt-4o")\nf(model="models/a/b")\nf(model=f"{vendor}/x")', []],
    ['a package name is no model', 'subprocess.run(["pip", "install", "openai/openai-python"])', []],
    // Lists, dicts and maps, and their members used by key.
    [
      'a list of models',
      'AVAILABLE_MODELS = [\n    "openai/gpt-4o",\n    "anthropic/claude-3.5-sonnet",\n]',
      [
        { id: 'openai/gpt-4o', line: 2, column: 5 },
        { id: 'anthropic/claude-3.5-sonnet', line: 3, column: 5 },
      ],
    ],
    [
      'a tuple of fallbacks',
      'FALLBACK_MODELS = ("mistralai/mistral-large", "google/gemini-2.0-flash-001")',
      [
        { id: 'mistralai/mistral-large', line: 1, column: 20 },
        { id: 'google/gemini-2.0-flash-001', line: 1, column: 47 },
      ],
    ],
    [
      'a dict of models by tier',
      'models = {"fast": "openai/gpt-4o-mini", "smart": "anthropic/claude-3.7-sonnet"}',
      [
        { id: 'openai/gpt-4o-mini', line: 1, column: 19 },
        { id: 'anthropic/claude-3.7-sonnet', line: 1, column: 50 },
      ],
    ],
    [
      'a member used by key, the dict not named as models',
      'TIERS = {"fast": "openai/gpt-4o-mini", "note": "a/b c"}\nclient.chat.completions.create(model=TIERS["fast"])',
      [{ id: 'openai/gpt-4o-mini', line: 1, column: 18 }],
    ],
    [
      'an element used by index',
      'CHAIN = ["openai/gpt-4o", "google/gemini-2.0-flash-001"]\nclient.chat.completions.create(model=CHAIN[1])',
      [{ id: 'google/gemini-2.0-flash-001', line: 1, column: 27 }],
    ],
    [
      'an Enum of models, and a member used by name',
      'class Models(str, Enum):\n    FAST = "openai/gpt-4o-mini"\n    SMART = "openai/gpt-4o"\nclass Tier:\n    CHEAP = "meta-llama/llama-3.3-70b-instruct"\nask(model=Tier.CHEAP)',
      [
        { id: 'openai/gpt-4o-mini', line: 2, column: 12 },
        { id: 'openai/gpt-4o', line: 3, column: 13 },
        { id: 'meta-llama/llama-3.3-70b-instruct', line: 5, column: 13 },
      ],
    ],
    ["a config dict's model-named key", 'CONFIG = {"default_model": "openai/gpt-4o", "temperature": 0.2}', [{ id: 'openai/gpt-4o', line: 1, column: 28 }]],
    // Defaults of parameters and fields.
    [
      'a parameter default',
      'def ask(prompt, model="openai/gpt-4o-mini"):\n    return client.chat.completions.create(model=model, messages=[])',
      [{ id: 'openai/gpt-4o-mini', line: 1, column: 23 }],
    ],
    [
      'a typed parameter default',
      'async def ask(prompt: str, default_model: str = "anthropic/claude-3.5-haiku") -> str: ...',
      [{ id: 'anthropic/claude-3.5-haiku', line: 1, column: 49 }],
    ],
    [
      'a class field with a type',
      'class Settings(BaseSettings):\n    default_model: str = "openai/gpt-4o"\n    api_base: str = "https://openrouter.ai/api/v1"',
      [{ id: 'openai/gpt-4o', line: 2, column: 26 }],
    ],
    [
      'pydantic Field("…") and Field(default="…")',
      'class Request(BaseModel):\n    model: str = Field("openai/gpt-4o", description="the model")\n    fallback_models: list[str] = Field(default=["openai/gpt-4o-mini"])',
      [
        { id: 'openai/gpt-4o', line: 2, column: 24 },
        { id: 'openai/gpt-4o-mini', line: 3, column: 49 },
      ],
    ],
    [
      'a dataclass field(default=…)',
      '@dataclass\nclass Job:\n    model: str = field(default="google/gemini-2.0-flash-001")',
      [{ id: 'google/gemini-2.0-flash-001', line: 3, column: 32 }],
    ],
    [
      'self.model assigned in a constructor',
      'class Bot:\n    def __init__(self):\n        self.model = "openai/gpt-4o"',
      [{ id: 'openai/gpt-4o', line: 3, column: 22 }],
    ],
    [
      "a command-line option's default",
      'parser.add_argument("--model", default="openai/gpt-4o-mini")\n@click.option("--summary-model", default="anthropic/claude-3.5-haiku")\nparser.add_argument("--input", default="data/in")',
      [
        { id: 'openai/gpt-4o-mini', line: 1, column: 40 },
        { id: 'anthropic/claude-3.5-haiku', line: 2, column: 42 },
      ],
    ],
    // Environment fallbacks.
    [
      'os.environ.get default',
      'import os\nCHAT_MODEL = os.environ.get("CHAT_MODEL", "anthropic/claude-3.5-sonnet")',
      [{ id: 'anthropic/claude-3.5-sonnet', line: 2, column: 43 }],
    ],
    [
      'a getenv default held by a name that says nothing',
      'import os\nchosen = os.getenv("SUMMARY_MODEL", "google/gemini-2.0-flash-001")',
      [{ id: 'google/gemini-2.0-flash-001', line: 2, column: 37 }],
    ],
    [
      'an `or` fallback',
      'import os\nMODEL = os.environ["LLM"] if False else (os.getenv("X") or "openai/gpt-4o")',
      [{ id: 'openai/gpt-4o', line: 2, column: 60 }],
    ],
    [
      'LiteLLM through a module constant with an env default',
      'import os\nfrom litellm import completion\nMODEL_NAME = os.getenv("MODEL_NAME", "openrouter/anthropic/claude-3.5-haiku")\ncompletion(model=MODEL_NAME, messages=[])',
      [{ id: 'anthropic/claude-3.5-haiku', line: 3, column: 38 }],
    ],
    // Presets and routers.
    [
      'presets and a router',
      'a(model="@preset/support-bot")\nb(model="openai/gpt-4o@preset/json-mode")\nc(models=["openrouter/auto"])',
      [
        { id: '@preset/support-bot', line: 1, column: 9 },
        { id: 'openai/gpt-4o@preset/json-mode', line: 2, column: 9 },
        { id: 'openrouter/auto', line: 3, column: 11 },
      ],
    ],
    // Precision.
    [
      'not models: a LiteLLM constant without the prefix',
      'from litellm import completion\nMODEL = "anthropic/claude-3-haiku-20240307"\ncompletion(model=MODEL)',
      [],
    ],
    [
      'not models: a Hugging Face repository in a model-named constant',
      'from sentence_transformers import SentenceTransformer\nEMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"\nencoder = SentenceTransformer(EMBEDDING_MODEL)',
      [],
    ],
    [
      'not models: names that say where models live, other lookups',
      'MODEL_PATH = "models/llama"\nmodel_dir = "weights/x"\nMIME = "text/plain"\nbase = os.getenv("BASE_PATH", "api/v1")\nr = requests.get("https://x.y/models", params)',
      [],
    ],
  ];
  it.each(cases)('%s', async (_name, source, expected) => {
    expect(await idsIn(source)).toEqual(expected);
  });

  it('points a notebook id at its cell', async () => {
    const notebook = JSON.stringify(
      {
        cells: [
          { cell_type: 'markdown', source: ['x'] },
          { cell_type: 'code', source: ['MODEL = "openai/gpt-4o"\n', 'c.chat.completions.create(model=MODEL)'] },
        ],
        nbformat: 4,
      },
      null,
      1,
    );
    const [use] = await pythonModelIds(workspaceOf({ 'nb.ipynb': notebook }));
    expect(use).toMatchObject({ id: 'openai/gpt-4o', file: 'nb.ipynb', cell: { index: 2, line: 1, column: 9 }, snippet: 'MODEL = "openai/gpt-4o"' });
  });

  it('marks ids in test code: tests/, test_*.py, *_test.py, conftest.py', async () => {
    const source = 'MODEL = "test/model"\n';
    const paths = ['tests/fixtures.py', 'app/test_chat.py', 'app/chat_test.py', 'conftest.py', 'app/chat.py', 'app/testing.py'];
    const ids = await pythonModelIds(workspaceOf(Object.fromEntries(paths.map((path) => [path, source]))));
    expect(Object.fromEntries(ids.map(({ file, inTest }) => [file, inTest]))).toEqual({
      'tests/fixtures.py': true,
      'app/test_chat.py': true,
      'app/chat_test.py': true,
      'conftest.py': true,
      'app/chat.py': false,
      'app/testing.py': false,
    });
  });

  it('reads .env templates for the variables the Python reads as a model, pydantic-settings fields included', async () => {
    const workspace = workspaceOf({
      'app/config.py':
        'import os\nfrom pydantic_settings import BaseSettings\nCHAT_MODEL = os.environ["CHAT_MODEL"]\nclass Settings(BaseSettings):\n    default_model: str\n    summary_model: str = "openai/gpt-4o-mini"\n',
      'app/embed.py': 'import os\nfrom sentence_transformers import SentenceTransformer\nencoder = SentenceTransformer(os.getenv("EMBED_MODEL", "x/y"))\n',
      'tests/test_chat.py': 'import os\nMODEL = os.getenv("TEST_MODEL")\n',
      '.env.template':
        'CHAT_MODEL=openrouter/anthropic/claude-3.5-haiku\nDEFAULT_MODEL=openai/gpt-4o\nSUMMARY_MODEL=openai/gpt-4o-mini\nEMBED_MODEL=sentence-transformers/all-MiniLM-L6-v2\nTEST_MODEL=test/model\n',
    });
    expect((await codeModelIds(workspace)).map(({ id, file, line, column }) => `${file}:${line}:${column} ${id}`)).toEqual([
      'app/config.py:6:26 openai/gpt-4o-mini',
      '.env.template:1:12 anthropic/claude-3.5-haiku',
      '.env.template:2:15 openai/gpt-4o',
      '.env.template:3:15 openai/gpt-4o-mini',
    ]);
  });
});
