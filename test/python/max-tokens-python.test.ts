import { describe, expect, it } from 'vitest';
import check from '../../src/checks/max-tokens.js';
import type { Finding, Severity } from '../../src/checks/types.js';
import { findingsOf } from '../support/workspace.js';

/** Source lines joined with `\n`, so line numbers in the tables can be read off the array. */
const lines = (...source: string[]): string => source.join('\n');

const CHAT = 'chat.completions.create()';
const uncapped = (callee: string, style = 'OpenAI SDK', fix = 'max_tokens=1024'): string => `${callee} sends no output cap (${style}); add ${fix}`;
const unverified = (callee: string, reason: string, style = 'OpenAI SDK'): string => `cannot verify the output cap of ${callee} (${style}): ${reason}`;
const HTTP_FIX = '"max_tokens": 1024 to the JSON body';

interface ExpectedFinding {
  line: number;
  column: number;
  severity: Severity;
  message: string;
}

const visible = (findings: Finding[]): ExpectedFinding[] =>
  findings.map(({ line, column, severity, message }) => ({ line: line!, column: column!, severity, message }));
const error = (line: number, column: number, message: string): ExpectedFinding => ({ line, column, severity: 'error', message });
const warn = (line: number, column: number, message: string): ExpectedFinding => ({ line, column, severity: 'warn', message });

const OPENAI = lines('from openai import OpenAI', 'client = OpenAI(base_url="https://openrouter.ai/api/v1")');

describe('max-tokens on Python', () => {
  const capped: [name: string, code: string][] = [
    ['chat keyword', `client.chat.completions.create(model="openai/gpt-4o", messages=[], max_tokens=256)`],
    ['max_completion_tokens', `client.chat.completions.create(model=m, messages=[], max_completion_tokens=64)`],
    ['async with await', `async def f():\n    return await client.chat.completions.create(model=m, messages=[], max_tokens=5)`],
    ['beta parse', `client.beta.chat.completions.parse(model=m, messages=[], response_format=Out, max_tokens=5)`],
    ['stream helper', `with client.chat.completions.stream(model=m, messages=[], max_tokens=5) as s: pass`],
    ['raw response wrapper', `client.chat.completions.with_raw_response.create(model=m, messages=[], max_tokens=5)`],
    ['legacy completions', `client.completions.create(model=m, prompt="hi", max_tokens=16)`],
    ['openai v0', `import openai\nopenai.ChatCompletion.create(model=m, messages=[], max_tokens=16)`],
    ['responses', `client.responses.create(model=m, input="hi", max_output_tokens=400)`],
    ['cap from a parameter value', `def ask(m, limit):\n    return client.chat.completions.create(model=m, messages=[], max_tokens=limit)`],
    ['extra_body', `client.chat.completions.create(model=m, messages=[], extra_body={"max_tokens": 5})`],
    ['module dict **kwargs', lines('PARAMS = {"model": "a/b", "max_tokens": 5}', 'client.chat.completions.create(messages=[], **PARAMS)')],
    ['local dict **kwargs', lines('def f():', '    kw = dict(model="a/b", max_tokens=5)', '    client.chat.completions.create(messages=[], **kw)')],
    ['dict merged with |', lines('BASE = {"max_tokens": 5}', 'def f(m):', '    return client.chat.completions.create(**(BASE | {"model": m}), messages=[])')],
    ['nested dict splat', lines('CAPS = {"max_tokens": 5}', 'OPTS = {**CAPS, "model": "a/b"}', 'client.chat.completions.create(messages=[], **OPTS)')],
    ['key set after the dict', lines('def f():', '    kw = {"model": "a/b"}', '    kw["max_tokens"] = 9', '    client.chat.completions.create(**kw)')],
    [
      'key set in a branch that also holds the call',
      lines('def f(short):', '    kw = {"model": "a/b"}', '    if short:', '        kw["max_tokens"] = 9', '        client.chat.completions.create(**kw)'),
    ],
    [
      'options kept on self',
      lines('class Bot:', '    defaults = {"max_tokens": 5}', '    def ask(self):', '        return client.chat.completions.create(model=m, **self.defaults)'),
    ],
    [
      'a parameter rebuilt with a cap',
      lines(
        'def send(payload):',
        '    payload = {**payload, "max_tokens": 100}',
        '    return requests.post("https://openrouter.ai/api/v1/chat/completions", json=payload)',
      ),
    ],
    [
      'a default cap on **kwargs',
      lines(
        'def chat(messages, **kwargs):',
        '    kwargs.setdefault("max_tokens", 512)',
        '    return client.chat.completions.create(messages=messages, **kwargs)',
      ),
    ],
    [
      'a module dict capped below the function that reads it',
      lines('DEFAULTS = {"model": "a/b"}', 'def f():', '    return client.chat.completions.create(**DEFAULTS)', 'DEFAULTS["max_tokens"] = 9'),
    ],
    ['update()', lines('def f():', '    kw = {"model": "a/b"}', '    kw.update(max_tokens=9)', '    client.chat.completions.create(**kw)')],
    ['key from a constant', lines('CAP = "max_tokens"', 'client.chat.completions.create(model=m, **{CAP: 5})')],
    ['requests json', `import requests\nrequests.post("https://openrouter.ai/api/v1/chat/completions", json={"model": m, "max_tokens": 5})`],
    ['httpx data=json.dumps', `import httpx, json\nhttpx.post(URL + "/chat/completions", data=json.dumps({"model": m, "max_tokens": 5}))`],
    [
      'urllib Request',
      `import urllib.request, json\nreq = urllib.request.Request("https://openrouter.ai/api/v1/chat/completions", data=json.dumps({"max_tokens": 5}).encode(), method="POST")`,
    ],
    ['raw responses', `requests.post("https://openrouter.ai/api/v1/responses", json={"model": m, "max_output_tokens": 5})`],
    [
      'a FastAPI TestClient posting to the app itself',
      `from fastapi.testclient import TestClient\ntc = TestClient(app)\ntc.post("/v1/chat/completions", json={"model": "a/b"})`,
    ],
    [
      'an httpx client over the ASGI app',
      `async def t():\n    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as ac:\n        await ac.post("/v1/chat/completions", json={})`,
    ],
    ['a route declaration sends nothing', `@app.post("/v1/chat/completions")\nasync def proxy(q): ...`],
    ['LangChain model', `from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="openai/gpt-4o", max_tokens=300)\nllm.invoke("hi")`],
    ['LangChain bind', `from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="openai/gpt-4o")\nshort = llm.bind(max_tokens=50)`],
    ['LangChain model_kwargs', `from langchain_openai import ChatOpenAI\nChatOpenAI(model="a/b", model_kwargs={"max_tokens": 50})`],
    ['LangChain init_chat_model', `from langchain.chat_models import init_chat_model\ninit_chat_model("openai:gpt-4o", max_tokens=50)`],
    ['a ChatOpenAI of the project that is not LangChain', `class ChatOpenAI:\n    pass\nChatOpenAI(model="a/b")`],
    ['LiteLLM openrouter', `import litellm\nlitellm.completion(model="openrouter/openai/gpt-4o", messages=[], max_tokens=5)`],
    ['LiteLLM other provider is not OpenRouter', `from litellm import completion\ncompletion(model="anthropic/claude-3-haiku", messages=[])`],
    ['a local function named completion', `def completion(**kw): ...\ncompletion(model="openrouter/a/b")`],
    ['openrouter SDK', `from openrouter import OpenRouter\nwith OpenRouter() as c:\n    c.chat.send(model="a/b", messages=[], max_tokens=5)`],
    ['chat.send without the openrouter SDK', `bot.chat.send("hello")`],
  ];

  it.each(capped)('%s: no finding', async (_name, code) => {
    expect(visible(await findingsOf(check, { 'app.py': `${OPENAI}\n${code}` }))).toEqual([]);
  });

  const reported: [name: string, code: string, findings: ExpectedFinding[]][] = [
    ['chat without a cap', `client.chat.completions.create(model=m, messages=[])`, [error(3, 1, uncapped(CHAT))]],
    ['await, indented', `async def f():\n    r = await client.chat.completions.create(model=m, messages=[])`, [error(4, 15, uncapped(CHAT))]],
    ['max_tokens=None sends null', `client.chat.completions.create(model=m, messages=[], max_tokens=None)`, [error(3, 1, uncapped(CHAT))]],
    [
      'max_tokens=None through a module constant',
      lines('NO_CAP = None', 'client.chat.completions.create(model=m, messages=[], max_tokens=NO_CAP)'),
      [error(4, 1, uncapped(CHAT))],
    ],
    [
      '"max_tokens": None in a JSON body',
      `requests.post("https://openrouter.ai/api/v1/chat/completions", json={"model": m, "max_tokens": None})`,
      [error(3, 1, uncapped('requests.post()', 'raw HTTP', HTTP_FIX))],
    ],
    [
      '"max_tokens": None in extra_body',
      `client.chat.completions.create(model=m, messages=[], extra_body={"max_tokens": None})`,
      [error(3, 1, uncapped(CHAT))],
    ],
    ['NOT_GIVEN', `from openai import NOT_GIVEN\nclient.chat.completions.create(model=m, max_tokens=NOT_GIVEN)`, [error(4, 1, uncapped(CHAT))]],
    [
      'responses with the chat key',
      `client.responses.create(model=m, input="hi", max_tokens=5)`,
      [error(3, 1, uncapped('responses.create()', 'OpenAI SDK', 'max_output_tokens=1024'))],
    ],
    ['legacy completions', `client.completions.create(model=m, prompt="hi")`, [error(3, 1, uncapped('completions.create()'))]],
    ['dict without a cap', lines('PARAMS = {"model": "a/b"}', 'client.chat.completions.create(**PARAMS)'), [error(4, 1, uncapped(CHAT))]],
    [
      '**kwargs parameter',
      lines('def ask(**kw):', '    return client.chat.completions.create(model=m, **kw)'),
      [warn(4, 12, unverified(CHAT, '`**kw` could not be resolved (parameter `kw` of `ask`)'))],
    ],
    [
      'typed **kwargs parameter',
      lines('def ask(prompt: str, *args: Any, **kw: Any) -> str:', '    return client.chat.completions.create(model=m, **kw)'),
      [warn(4, 12, unverified(CHAT, '`**kw` could not be resolved (parameter `kw` of `ask`)'))],
    ],
    [
      'imported dict',
      lines('from .config import OPTS', 'client.chat.completions.create(**OPTS)'),
      [warn(4, 1, unverified(CHAT, "`**OPTS` could not be resolved (`OPTS` is imported from '.config')"))],
    ],
    [
      'a dict of an imported module',
      lines('from app import settings', 'client.chat.completions.create(**settings.LLM_OPTIONS)'),
      [warn(4, 1, unverified(CHAT, "`**settings.LLM_OPTIONS` could not be resolved (`settings.LLM_OPTIONS` is imported from 'app')"))],
    ],
    [
      'a dict from a call',
      lines('client.chat.completions.create(**build())'),
      [warn(3, 1, unverified(CHAT, "`**build()` could not be resolved (`build()` is a call's result, not a dict this file defines)"))],
    ],
    [
      'a dict from an attribute',
      lines('class Bot:', '    def ask(self):', '        return client.chat.completions.create(**self.overrides)'),
      [
        warn(
          5,
          16,
          unverified(CHAT, '`**self.overrides` could not be resolved (`self.overrides` is an attribute set at run time, not a dict this file defines)'),
        ),
      ],
    ],
    [
      'a URL and a body kept on self',
      lines(
        'API_URL = "https://openrouter.ai/api/v1/chat/completions"',
        'class Client:',
        '    def __init__(self, model):',
        '        self.url = API_URL',
        '        self.body = {"model": model}',
        '    def ask(self):',
        '        return requests.post(self.url, json=self.body)',
      ),
      [error(9, 16, uncapped('requests.post()', 'raw HTTP', HTTP_FIX))],
    ],
    [
      'options kept on self from a parameter',
      lines(
        'class Bot:',
        '    def __init__(self, **overrides):',
        '        self.overrides = overrides',
        '    def ask(self):',
        '        return client.chat.completions.create(**self.overrides)',
      ),
      [warn(7, 16, unverified(CHAT, '`**self.overrides` could not be resolved (parameter `overrides` of the constructor of `Bot`)'))],
    ],
    [
      'a cap set only in one branch',
      lines(
        'def f(detailed):',
        '    params = {"model": m}',
        '    if not detailed:',
        '        params["max_tokens"] = 120',
        '    return client.chat.completions.create(**params)',
      ),
      [error(7, 12, uncapped(CHAT))],
    ],
    [
      'a cap set after the call',
      lines('def f():', '    kw = {"model": "a/b"}', '    client.chat.completions.create(**kw)', '    kw["max_tokens"] = 9'),
      [error(5, 5, uncapped(CHAT))],
    ],
    [
      'LiteLLM model read through **payload',
      lines(
        'from litellm import completion',
        'def f():',
        '    payload = {"model": "openrouter/meta-llama/llama-3.1-8b-instruct", "messages": []}',
        '    return completion(**payload)',
      ),
      [error(6, 12, uncapped('completion()', 'LiteLLM'))],
    ],
    [
      'computed key',
      lines('def f(k):', '    client.chat.completions.create(model=m, **{k: 5})'),
      [warn(4, 5, unverified(CHAT, '`**{k: 5}` could not be resolved (computed key `k` could not be resolved)'))],
    ],
    [
      'requests to an f-string URL',
      lines('BASE = "https://openrouter.ai/api/v1"', 'requests.post(f"{BASE}/chat/completions", json={"model": m})'),
      [error(4, 1, uncapped('requests.post()', 'raw HTTP', HTTP_FIX))],
    ],
    [
      'httpx client with a URL constant',
      lines('URL = BASE + "/chat/completions/"', 'async def f(http):', '    await http.post(URL, content=json.dumps({"model": m}))'),
      [error(5, 11, uncapped('http.post()', 'raw HTTP', HTTP_FIX))],
    ],
    [
      'aiohttp session',
      lines('async def f(session):', '    async with session.post(ENDPOINT + "/chat/completions", json=payload) as r: ...', 'payload = {"model": "a/b"}'),
      [error(4, 16, uncapped('session.post()', 'raw HTTP', HTTP_FIX))],
    ],
    [
      'requests.request with POST',
      lines('requests.request("POST", "https://openrouter.ai/api/v1/chat/completions", json={"model": m})'),
      [error(3, 1, uncapped('requests.request()', 'raw HTTP', HTTP_FIX))],
    ],
    [
      'urllib Request',
      lines('req = urllib.request.Request("https://openrouter.ai/api/v1/chat/completions", data=json.dumps({"model": m}).encode())'),
      [error(3, 7, uncapped('Request()', 'raw HTTP', HTTP_FIX))],
    ],
    [
      'a body that is not json.dumps',
      lines('requests.post("https://openrouter.ai/api/v1/chat/completions", data=open("body.json").read())'),
      [warn(3, 1, unverified('requests.post()', 'the body is not json.dumps(...) of a dict', 'raw HTTP'))],
    ],
    [
      'a body from a parameter',
      lines('def send(body):', '    return requests.post("https://openrouter.ai/api/v1/chat/completions", json=body)'),
      [warn(4, 12, unverified('requests.post()', 'the body comes from parameter `body` of `send`', 'raw HTTP'))],
    ],
    [
      'raw responses',
      lines('requests.post("https://openrouter.ai/api/v1/responses", json={"model": m})'),
      [error(3, 1, uncapped('requests.post()', 'raw HTTP', '"max_output_tokens": 1024 to the JSON body'))],
    ],
    [
      'LangChain model without a cap, invoked',
      lines('from langchain_openai import ChatOpenAI', 'llm = ChatOpenAI(model="openai/gpt-4o")', 'llm.invoke("hi")'),
      [error(4, 7, uncapped('ChatOpenAI()', 'LangChain'))],
    ],
    [
      'ChatOpenRouter',
      lines('from langchain_openrouter import ChatOpenRouter', 'ChatOpenRouter(model="a/b")'),
      [error(4, 1, uncapped('ChatOpenRouter()', 'LangChain'))],
    ],
    [
      'a ChatOpenRouter subclass of ChatOpenAI defined in the project',
      lines('from langchain_openai import ChatOpenAI', 'class ChatOpenRouter(ChatOpenAI):', '    pass', 'llm = ChatOpenRouter(model="a/b")'),
      [error(6, 7, uncapped('ChatOpenRouter()', 'LangChain'))],
    ],
    [
      'init_chat_model',
      lines('from langchain.chat_models import init_chat_model', 'm = init_chat_model("openai:gpt-4o")'),
      [error(4, 5, uncapped('init_chat_model()', 'LangChain'))],
    ],
    [
      'LiteLLM to OpenRouter',
      lines('from litellm import acompletion', 'async def f():', '    await acompletion(model="openrouter/openai/gpt-4o", messages=[])'),
      [error(5, 11, uncapped('acompletion()', 'LiteLLM'))],
    ],
    [
      'imported under another name',
      lines(
        'from litellm import completion as llm_call',
        'from langchain_openai import ChatOpenAI as Chat',
        'llm_call(model="openrouter/a/b")',
        'Chat(model="a/b")',
      ),
      [error(5, 1, uncapped('completion()', 'LiteLLM')), error(6, 1, uncapped('ChatOpenAI()', 'LangChain'))],
    ],
    [
      'LiteLLM with an OpenRouter api_base',
      lines('import litellm', 'litellm.completion(model="openai/gpt-4o", api_base="https://openrouter.ai/api/v1", messages=[])'),
      [error(4, 1, uncapped('completion()', 'LiteLLM'))],
    ],
    [
      'openrouter SDK',
      lines('from openrouter import OpenRouter', 'c = OpenRouter()', 'c.chat.send(model="a/b", messages=[])'),
      [error(5, 1, uncapped('chat.send()', 'openrouter SDK'))],
    ],
    [
      'suppression for another check does not apply',
      lines('# openrouter-check-ignore-next-line https-only -- not this one', 'client.chat.completions.create(model=m)'),
      [error(4, 1, uncapped(CHAT))],
    ],
    ['non-ASCII before the call', `résumé = "👋"; r = client.chat.completions.create(model=m)`, [error(3, 20, uncapped(CHAT))]],
    ['a syntax error elsewhere', lines('def broken(:', '    pass', 'client.chat.completions.create(model=m)'), [error(5, 1, uncapped(CHAT))]],
  ];

  it.each(reported)('%s', async (_name, code, expected) => {
    expect(visible(await findingsOf(check, { 'app.py': `${OPENAI}\n${code}` }))).toEqual(expected);
  });

  it('reports at the same line and column in a CRLF file, with the snippet', async () => {
    const code = `${OPENAI}\r\nif True:\r\n    client.chat.completions.create(model=m)\r\n`.replace(/(?<!\r)\n/g, '\r\n');
    const [finding] = await findingsOf(check, { 'app.py': code });
    expect(finding).toMatchObject({ file: 'app.py', line: 4, column: 5, snippet: 'client.chat.completions.create(model=m)' });
  });

  it("leaves out installed packages and Jupyter's checkpoint copies", async () => {
    const call = 'client.chat.completions.create(model=m)';
    const findings = await findingsOf(check, {
      '.venv/lib/python3.12/site-packages/openai/resources/chat.py': call,
      'notebooks/.ipynb_checkpoints/a-checkpoint.ipynb': JSON.stringify({ cells: [{ cell_type: 'code', source: [call] }] }),
      'app/main.py': call,
    });
    expect(findings.map((finding) => finding.file)).toEqual(['app/main.py']);
  });

  it('reports a notebook it cannot read as a warning about that file', async () => {
    const findings = await findingsOf(check, { 'broken.ipynb': '{"cells": [{"cell_type": "code", "source": ["client.chat.completions.create(' });
    expect(findings).toEqual([{ message: expect.stringMatching(/^could not analyse broken\.ipynb: not valid JSON at line 1/), severity: 'warn' }]);
  });

  it('reads a %%time cell as Python, and drops a %%bash one', async () => {
    const cells = [
      { cell_type: 'code', source: ['%%bash\n', 'client.chat.completions.create(model=m)\n'] },
      { cell_type: 'code', source: ['%%time\n', 'client.chat.completions.create(model=m)\n'] },
    ];
    const findings = await findingsOf(check, { 'nb.ipynb': JSON.stringify({ cells, nbformat: 4 }, null, 1) });
    expect(findings.map(({ cell }) => cell)).toEqual([{ index: 2, line: 2, column: 1 }]);
  });

  it('points into a notebook: the JSON line and column, and the cell (counting every cell) with its line', async () => {
    const notebook = JSON.stringify(
      {
        cells: [
          { cell_type: 'markdown', metadata: {}, source: ['# Notes\n'] },
          { cell_type: 'code', metadata: {}, outputs: [], source: ['!pip install openai\n', 'from openai import OpenAI\n', 'client = OpenAI()'] },
          { cell_type: 'code', metadata: {}, outputs: [], source: ['%%bash\n', 'echo chat.completions.create\n'] },
          { cell_type: 'code', metadata: {}, outputs: [], source: ['%%time\n', 'client.chat.completions.create(model="a/b", max_tokens=5)\n'] },
          { cell_type: 'code', metadata: {}, outputs: [], source: ['x = "é\\"";  y = client.chat.completions.create(model="a/b")\n'] },
        ],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      },
      null,
      1,
    );
    const findings = await findingsOf(check, { 'nb/analysis.ipynb': notebook });
    const jsonLine = notebook.split('\n').findIndex((text) => text.includes('y = client')) + 1;
    const jsonColumn = notebook.split('\n')[jsonLine - 1]!.indexOf('client') + 1;
    expect(findings).toEqual([
      {
        message: uncapped(CHAT),
        severity: 'error',
        file: 'nb/analysis.ipynb',
        line: jsonLine,
        column: jsonColumn,
        cell: { index: 5, line: 1, column: 17 },
        snippet: 'x = "é\\"";  y = client.chat.completions.create(model="a/b")',
      },
    ]);
  });
});
