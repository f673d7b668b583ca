import type { Node } from 'web-tree-sitter';
import { calleeName, firstPositional, positionalArguments } from './python-scope.js';
import type { PythonModuleScope, Scope } from './python-scope.js';

/** Where a recognised call's request is: its keyword arguments, or an HTTP body. */
export type PythonPayload =
  /** An SDK call's or a model constructor's keyword arguments (and `**splats`); `bound`: argument lists of `.bind(…)` on the model. */
  | { kind: 'arguments'; arguments: Node; bound?: readonly Node[] }
  /** A raw HTTP body: a dict (`json=`), or `json.dumps(dict)` (`data=`, `content=`). */
  | { kind: 'body'; body: Node; serialised: boolean };

export interface PythonCallMatch {
  /** As messages show it: `chat.completions.create()`, `requests.post()`, `ChatOpenAI()`. */
  callee: string;
  payload: PythonPayload;
  /** Raw HTTP: the URL argument (a path, when the client holds the base URL). */
  url?: Node;
}

/** One way Python code asks for a completion: how to recognise the call, the keys that cap it, and the fix. */
export interface PythonCallStyle {
  /** Named in findings: `OpenAI SDK`, `raw HTTP`, `LangChain`, `LiteLLM`, `openrouter SDK`. */
  name: string;
  capKeys: readonly string[];
  /** Dicts among the keyword arguments whose keys also cap the request (`extra_body={"max_tokens": …}`). */
  nestedIn?: readonly string[];
  fixHint: string;
  match(call: Node, module: PythonModuleScope, scope: Scope): PythonCallMatch | undefined;
}

const CHAT_CAP_KEYS = ['max_tokens', 'max_completion_tokens'];
const RESPONSES_CAP_KEYS = ['max_output_tokens'];
/** The OpenAI SDK passes these straight into the JSON body. */
const EXTRA_BODY = ['extra_body'];
const OPENAI_REQUEST_METHODS = new Set(['create', 'parse', 'stream']);
/** `client.chat.completions.with_raw_response.create(…)` sends the same request. */
const RESPONSE_WRAPPERS = new Set(['with_raw_response', 'with_streaming_response']);
const LANGCHAIN_MODELS = new Set(['ChatOpenAI', 'ChatOpenRouter', 'init_chat_model']);
const LITELLM_FUNCTIONS = new Set(['completion', 'acompletion']);
/** `/chat/completions` ends in `/completions` too. */
const CHAT_PATHS = ['/completions'];
const RESPONSES_PATHS = ['/responses'];
const HTTP_BODY_KEYWORDS = ['data', 'content', 'body'];

export const PYTHON_CALL_STYLES: readonly PythonCallStyle[] = [
  {
    name: 'OpenAI SDK',
    capKeys: CHAT_CAP_KEYS,
    nestedIn: EXTRA_BODY,
    fixHint: 'max_tokens=1024',
    match: openAiMethodCall(['completions', 'ChatCompletion', 'Completion']),
  },
  {
    name: 'OpenAI SDK',
    capKeys: RESPONSES_CAP_KEYS,
    nestedIn: EXTRA_BODY,
    fixHint: 'max_output_tokens=1024',
    match: openAiMethodCall(['responses']),
  },
  {
    name: 'openrouter SDK',
    capKeys: CHAT_CAP_KEYS,
    fixHint: 'max_tokens=1024',
    match: openRouterSendCall,
  },
  {
    name: 'LangChain',
    capKeys: CHAT_CAP_KEYS,
    nestedIn: ['model_kwargs', 'extra_body'],
    fixHint: 'max_tokens=1024',
    match: langChainModel,
  },
  {
    name: 'LiteLLM',
    capKeys: CHAT_CAP_KEYS,
    fixHint: 'max_tokens=1024',
    match: liteLlmCompletion,
  },
  {
    name: 'LiteLLM',
    capKeys: CHAT_CAP_KEYS,
    fixHint: 'max_tokens=1024',
    match: crewAiLlm,
  },
  {
    name: 'raw HTTP',
    capKeys: CHAT_CAP_KEYS,
    fixHint: '"max_tokens": 1024 to the JSON body',
    match: httpCallTo(CHAT_PATHS),
  },
  {
    name: 'raw HTTP',
    capKeys: RESPONSES_CAP_KEYS,
    fixHint: '"max_output_tokens": 1024 to the JSON body',
    match: httpCallTo(RESPONSES_PATHS),
  },
];

/** The last name of every callee some style recognises: any other call is passed over without asking each style. */
export const PYTHON_CALLEE_NAMES = new Set([
  ...OPENAI_REQUEST_METHODS,
  'acreate',
  'send',
  'send_async',
  ...LANGCHAIN_MODELS,
  ...LITELLM_FUNCTIONS,
  'LLM',
  'post',
  'request',
  'Request',
  'urlopen',
]);

/** Bytes one of the styles needs in a file: a file without any is never parsed. */
export const PYTHON_CALL_KEYWORDS = ['completion', 'Completion', 'responses', 'ChatOpen', 'init_chat_model', 'openrouter'].map((keyword) =>
  Buffer.from(keyword),
);

/** `<anything>.completions.create(…)` (also `.parse`, `.stream`), `openai.ChatCompletion.create(…)` of SDK v0. */
function openAiMethodCall(resources: readonly string[]): PythonCallStyle['match'] {
  return (call) => {
    const callee = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (callee?.type !== 'attribute' || args?.type !== 'argument_list') return undefined;
    const method = callee.childForFieldName('attribute')?.text ?? '';
    let receiver = callee.childForFieldName('object');
    while (receiver?.type === 'attribute' && RESPONSE_WRAPPERS.has(receiver.childForFieldName('attribute')?.text ?? ''))
      receiver = receiver.childForFieldName('object');
    const resource = calleeName(receiver);
    if (resource === undefined || !resources.includes(resource)) return undefined;
    const legacy = resource === 'ChatCompletion' || resource === 'Completion';
    if (!(OPENAI_REQUEST_METHODS.has(method) || (legacy && method === 'acreate'))) return undefined;
    const onChat = resource === 'completions' && receiver?.type === 'attribute' && calleeName(receiver.childForFieldName('object')) === 'chat';
    return { callee: `${onChat ? 'chat.' : ''}${resource}.${method}()`, payload: { kind: 'arguments', arguments: args } };
  };
}

/** `client.chat.send(…)` / `send_async(…)` of the `openrouter` Python SDK, in a file that imports it. */
function openRouterSendCall(call: Node, module: PythonModuleScope): PythonCallMatch | undefined {
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (callee?.type !== 'attribute' || args?.type !== 'argument_list') return undefined;
  const method = callee.childForFieldName('attribute')?.text ?? '';
  if (method !== 'send' && method !== 'send_async') return undefined;
  if (calleeName(callee.childForFieldName('object')) !== 'chat') return undefined;
  if (![...module.importedModules].some((name) => name === 'openrouter' || name.startsWith('openrouter.'))) return undefined;
  return { callee: `chat.${method}()`, payload: { kind: 'arguments', arguments: args } };
}

/**
 * `ChatOpenAI(…)`, `ChatOpenRouter(…)`, `init_chat_model(…)`: the cap set on the model covers every call
 * through it, so the construction is what is reported; `.bind(max_tokens=…)` on it counts too.
 */
function langChainModel(call: Node, module: PythonModuleScope, scope: Scope): PythonCallMatch | undefined {
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  const name = module.libraryNameOf(callee, scope);
  if (name === undefined || !LANGCHAIN_MODELS.has(name) || args?.type !== 'argument_list') return undefined;
  if (callee?.type === 'identifier') {
    const binding = module.bindingOf(callee.text, scope, call.startIndex)?.binding;
    // Imported from LangChain, not declared in the file at all (a snippet), or a subclass of LangChain's ChatOpenAI
    // defined here (the usual `class ChatOpenRouter(ChatOpenAI)`); any other definition of the name is someone else's.
    const fromLangChain = binding?.kind === 'import' && binding.from.includes('langchain');
    const subclass = binding?.kind === 'definition' && /\bChatOpenAI\b/.test(binding.node.childForFieldName('superclasses')?.text ?? '');
    if (binding && !fromLangChain && !subclass) return undefined;
  }
  return { callee: `${name}()`, payload: { kind: 'arguments', arguments: args, bound: boundOptionsOf(call, module) } };
}

/** Argument lists of `.bind(…)` chained on the model, or called on the name it is assigned to. */
function boundOptionsOf(call: Node, module: PythonModuleScope): Node[] {
  let model: Node = call;
  while (model.parent?.type === 'parenthesized_expression') model = model.parent;
  const holder = model.parent;
  if (holder?.type === 'attribute' && holder.childForFieldName('attribute')?.text === 'bind') {
    const args = holder.parent?.type === 'call' ? holder.parent.childForFieldName('arguments') : null;
    return args ? [args] : [];
  }
  if (holder?.type === 'assignment' && holder.childForFieldName('left')?.type === 'identifier') {
    return module.bindCalls.get(holder.childForFieldName('left')!.text) ?? [];
  }
  return [];
}

/**
 * LiteLLM's `completion(…)` / `acompletion(…)`, only when it goes to OpenRouter: an `openrouter/` model
 * or an OpenRouter `api_base`. A call to another provider through LiteLLM is not this audit's business.
 */
function liteLlmCompletion(call: Node, module: PythonModuleScope, scope: Scope): PythonCallMatch | undefined {
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  const name = module.libraryNameOf(callee, scope);
  if (name === undefined || !LITELLM_FUNCTIONS.has(name) || args?.type !== 'argument_list') return undefined;
  if (callee?.type === 'identifier') {
    const binding = module.bindingOf(callee.text, scope, call.startIndex)?.binding;
    if (binding?.kind !== 'import' || !binding.from.startsWith('litellm')) return undefined;
  } else if (calleeName(callee?.childForFieldName('object')) !== 'litellm') {
    return undefined;
  }
  if (!reachesOpenRouterThroughLiteLlm(module, scope, args)) return undefined;
  return { callee: `${name}()`, payload: { kind: 'arguments', arguments: args } };
}

/** An `openrouter/` model (also as the default of an environment read) or an OpenRouter `api_base`/`base_url`. */
function reachesOpenRouterThroughLiteLlm(module: PythonModuleScope, scope: Scope, args: Node): boolean {
  // The model may come in a `**payload` dict, read the way its cap is.
  const valuesOf = (key: string): { node: Node; scope: Scope }[] => {
    const presence = module.keysInArguments(args, scope, [key]);
    return presence.kind === 'present' ? presence.values : [];
  };
  const first = firstPositional(args);
  const models = [...valuesOf('model'), ...(first ? [{ node: first, scope }] : [])];
  const bases = [...valuesOf('api_base'), ...valuesOf('base_url')];
  return (
    models.some(({ node, scope: at }) => textOrEnvDefault(module, node, at).startsWith('openrouter/')) ||
    bases.some(({ node, scope: at }) => textOrEnvDefault(module, node, at).includes('openrouter.ai'))
  );
}

/** A value's known text, or for `os.getenv("X", "default")` / `os.environ.get("X", "default")` the default's. */
function textOrEnvDefault(module: PythonModuleScope, node: Node, scope: Scope): string {
  const followed = module.follow(node, scope);
  const value = 'node' in followed ? followed.node : node;
  const at = 'node' in followed ? followed.scope : scope;
  if (
    value.type === 'call' &&
    ['getenv', 'get'].includes(calleeName(value.childForFieldName('function')) ?? '') &&
    /\b(os\.)?(getenv|environ\.get)$/.test(value.childForFieldName('function')?.text ?? '')
  ) {
    const valueArgs = value.childForFieldName('arguments');
    const fallback = (valueArgs ? positionalArguments(valueArgs)[1] : undefined) ?? module.keywordArgument(valueArgs, 'default');
    return fallback ? module.partialTextOf(fallback, at) : '';
  }
  return module.partialTextOf(node, scope);
}

/** CrewAI's `LLM(model="openrouter/…")`: a LiteLLM model object, capped where it is built, like a LangChain model. */
function crewAiLlm(call: Node, module: PythonModuleScope, scope: Scope): PythonCallMatch | undefined {
  const callee = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (module.libraryNameOf(callee, scope) !== 'LLM' || args?.type !== 'argument_list') return undefined;
  const binding = callee?.type === 'identifier' ? module.bindingOf(callee.text, scope, call.startIndex)?.binding : undefined;
  const fromCrewAi = binding?.kind === 'import' && binding.from.startsWith('crewai');
  const onCrewAi = callee?.type === 'attribute' && calleeName(callee.childForFieldName('object')) === 'crewai';
  if (!fromCrewAi && !onCrewAi) return undefined;
  if (!reachesOpenRouterThroughLiteLlm(module, scope, args)) return undefined;
  return { callee: 'LLM()', payload: { kind: 'arguments', arguments: args } };
}

/**
 * A raw HTTP request to a URL ending in one of `paths`, with a body: `requests.post`, `httpx.post`, a client's or
 * aiohttp session's `.post`, `requests.request("POST", …)`, `urllib.request.Request(url, data=…)` and `urlopen(url, data)`.
 */
function httpCallTo(paths: readonly string[]): PythonCallStyle['match'] {
  return (call, module, scope) => {
    const callee = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    const name = calleeName(callee);
    if (name === undefined || args?.type !== 'argument_list') return undefined;
    const positional = positionalArguments(args);
    let url: Node | undefined;
    let positionalBody: Node | undefined;
    if (name === 'post' && callee?.type === 'attribute') [url, positionalBody] = positional;
    else if ((name === 'request' || name === 'stream') && callee?.type === 'attribute') {
      // `client.request("POST", url, …)`, and httpx's `client.stream("POST", url, …)`.
      const method = positional[0] ?? module.keywordArgument(args, 'method');
      if (method === undefined || module.stringOf(method, scope)?.toUpperCase() !== 'POST') return undefined;
      [, url, positionalBody] = positional;
    } else if (name === 'Request' || name === 'urlopen') [url, positionalBody] = positional;
    else return undefined;
    url ??= module.keywordArgument(args, 'url');
    if (!url || !urlEndsWithOneOf(module.partialTextOf(url, scope), paths)) return undefined;
    if (callee?.type === 'attribute' && isInProcessTestClient(callee.childForFieldName('object'), module, scope)) return undefined;
    const receiver = callee?.type === 'attribute' ? calleeName(callee.childForFieldName('object')) : undefined;
    const label = receiver !== undefined && name !== 'Request' && name !== 'urlopen' ? `${receiver}.${name}()` : `${name}()`;
    const json = module.keywordArgument(args, 'json');
    if (json) return { callee: label, payload: { kind: 'body', body: json, serialised: false }, url };
    const body = HTTP_BODY_KEYWORDS.map((keyword) => module.keywordArgument(args, keyword)).find((value) => value !== undefined) ?? positionalBody;
    // No body: no completion request (a route declaration, a GET).
    return body ? { callee: label, payload: { kind: 'body', body, serialised: true }, url } : undefined;
  };
}

/**
 * `TestClient(app)` (Starlette, FastAPI) or `httpx.AsyncClient(app=…)` / `transport=ASGITransport(…)`: a test posting
 * to the app's own `/v1/chat/completions` route, in process. It sends nothing to OpenRouter.
 */
function isInProcessTestClient(receiver: Node | null, module: PythonModuleScope, scope: Scope): boolean {
  if (!receiver) return false;
  const followed = module.follow(receiver, scope);
  if (!('node' in followed) || followed.node.type !== 'call') return false;
  const maker = followed.node;
  if (calleeName(maker.childForFieldName('function')) === 'TestClient') return true;
  const args = maker.childForFieldName('arguments');
  const transport = module.keywordArgument(args, 'transport');
  return module.keywordArgument(args, 'app') !== undefined || (transport !== undefined && /ASGITransport|WSGITransport/.test(transport.text));
}

/** A URL's known text, with its query and trailing slashes dropped, ends in one of the paths. */
function urlEndsWithOneOf(url: string, paths: readonly string[]): boolean {
  const path = url.split(/[?#]/, 1)[0]!.replace(/\/+$/, '');
  return paths.some((candidate) => path.endsWith(candidate));
}
