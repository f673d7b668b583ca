import type ts from 'typescript';
import { spellsAnyOf } from '../../workspace/byte-scan.js';
import type { CapSpelling, RequestPayload } from './cap-outcome.js';
import type { FileScope } from './file-scope.js';
import { followConsts } from './follow-const.js';
import type { TypeScript } from './load-typescript.js';
import { presenceOfKeys } from './resolve-object.js';
import { partialTextOf } from './resolve-string.js';
import { unwrapExpression } from './syntax.js';
import type { CallLike } from './syntax.js';

/** A call recognised as a completion request: how messages name it and where its request object is. */
export interface CallMatch {
  /** As messages show it: `chat.completions.create()`, `fetch()`, `axios.post()`, `new ChatOpenAI()`. */
  callee: string;
  payload: RequestPayload;
}

/**
 * One way application code asks for a completion. Adding an SDK means adding rows to
 * COMPLETION_CALL_STYLES: a matcher, the keys that cap the output there, and how to spell the fix.
 */
export interface CompletionCallStyle extends CapSpelling {
  /** Named in findings: `OpenAI SDK`, `raw HTTP`. */
  name: string;
  /** The last name of the callee (`create` in `a.b.create(…)`, `ChatOpenAI` in `new ChatOpenAI(…)`): the walk only keeps calls with such a name. */
  calleeName: string;
  /** A file containing none of these byte strings cannot hold this style's call; it is not even parsed. */
  keywords: readonly string[];
  /** The cap to add, spelled as this style spells it. */
  fixHint: string;
  /** Recognises this style's call (or `new` expression), or returns undefined. */
  match(call: CallLike, scope: FileScope): CallMatch | undefined;
}

type Matcher = CompletionCallStyle['match'];

const CHAT_CAP_KEYS = ['max_tokens', 'max_completion_tokens'];
const RESPONSES_CAP_KEYS = ['max_output_tokens'];
/** `/chat/completions` ends in `/completions` too; both are listed for the reader. */
const CHAT_PATHS = ['/chat/completions', '/completions'];
const RESPONSES_PATHS = ['/responses'];
const CAMEL_CHAT_CAP_KEYS = ['maxTokens', 'maxCompletionTokens'];

const CHAT_HTTP_FIX = '"max_tokens": 1024 to the JSON body';
const RESPONSES_HTTP_FIX = '"max_output_tokens": 1024 to the JSON body';

/** OpenAI SDK methods that send one request, on chat completions and responses alike: `create` and the helpers that wrap it. */
const OPENAI_REQUEST_METHODS = ['create', 'parse', 'stream'];
const AI_SDK_FUNCTIONS = ['generateText', 'streamText', 'generateObject', 'streamObject'];
const LANGCHAIN_CHAT_MODELS = ['ChatOpenAI', 'ChatOpenRouter'];

/** The two endpoints a raw HTTP call can reach, each with its own cap. */
const HTTP_ENDPOINTS = [
  { paths: CHAT_PATHS, capKeys: CHAT_CAP_KEYS, fixHint: CHAT_HTTP_FIX, keyword: 'completions' },
  { paths: RESPONSES_PATHS, capKeys: RESPONSES_CAP_KEYS, fixHint: RESPONSES_HTTP_FIX, keyword: 'responses' },
];

/** Raw HTTP clients by callee name: each recognises calls to one of `paths`. */
const HTTP_CLIENTS: readonly { calleeName: string; matcher: (paths: readonly string[]) => Matcher }[] = [
  { calleeName: 'fetch', matcher: fetchCallTo },
  { calleeName: 'post', matcher: postCallTo },
  { calleeName: 'axios', matcher: axiosConfigCallTo },
  { calleeName: 'request', matcher: requestCallTo },
];

export const COMPLETION_CALL_STYLES: readonly CompletionCallStyle[] = [
  ...OPENAI_REQUEST_METHODS.map(
    (method): CompletionCallStyle => ({
      name: 'OpenAI SDK',
      calleeName: method,
      keywords: ['completions'],
      capKeys: CHAT_CAP_KEYS,
      fixHint: 'max_tokens: 1024',
      match: sdkMethodCall('completions', method),
    }),
  ),
  ...OPENAI_REQUEST_METHODS.map(
    (method): CompletionCallStyle => ({
      name: 'OpenAI SDK',
      calleeName: method,
      keywords: ['responses'],
      capKeys: RESPONSES_CAP_KEYS,
      fixHint: 'max_output_tokens: 1024',
      match: sdkMethodCall('responses', method),
    }),
  ),
  {
    name: '@openrouter/sdk',
    calleeName: 'send',
    keywords: ['chat.send', 'chatRequest', 'chatGenerationParams'],
    capKeys: CAMEL_CHAT_CAP_KEYS,
    fixHint: 'maxCompletionTokens: 1024',
    match: openRouterSendCall('chat', ['chatGenerationParams', 'chatRequest']),
  },
  {
    name: '@openrouter/sdk',
    calleeName: 'chatSend',
    keywords: ['chatSend'],
    capKeys: CAMEL_CHAT_CAP_KEYS,
    fixHint: 'maxCompletionTokens: 1024',
    match: standaloneFunctionCall('chatSend', 1, ['chatGenerationParams', 'chatRequest']),
  },
  {
    name: '@openrouter/sdk',
    calleeName: 'send',
    keywords: ['responsesRequest'],
    capKeys: ['maxOutputTokens'],
    fixHint: 'maxOutputTokens: 1024',
    match: openRouterSendCall('responses', ['responsesRequest']),
  },
  ...AI_SDK_FUNCTIONS.map(
    (name): CompletionCallStyle => ({
      name: 'Vercel AI SDK',
      calleeName: name,
      keywords: [name],
      capKeys: ['maxOutputTokens', 'maxTokens'],
      nestedCaps: [
        // The OpenRouter provider spreads providerOptions.openrouter raw into the request body.
        { path: ['providerOptions', 'openrouter'], keys: CHAT_CAP_KEYS },
        // A model-level default: `model: openrouter('id', { maxTokens })` (provider 2.7+).
        { path: ['model', { argument: 1 }], keys: ['maxTokens'] },
      ],
      fixHint: 'maxOutputTokens: 1024 (maxTokens on AI SDK v4)',
      match: importedFunctionCall(name, (from) => from === 'ai'),
    }),
  ),
  ...LANGCHAIN_CHAT_MODELS.map(
    (name): CompletionCallStyle => ({
      name: 'LangChain',
      calleeName: name,
      keywords: [name],
      capKeys: CAMEL_CHAT_CAP_KEYS,
      unsetValue: -1,
      fixHint: 'maxTokens: 1024',
      match: langChainModelConstruction(name),
    }),
  ),
  ...HTTP_CLIENTS.flatMap(({ calleeName, matcher }) =>
    HTTP_ENDPOINTS.map(
      ({ paths, capKeys, fixHint, keyword }): CompletionCallStyle => ({
        name: 'raw HTTP',
        calleeName,
        // Every raw HTTP match needs a URL this file spells, so the endpoint's name is in the file.
        keywords: [keyword],
        capKeys,
        fixHint,
        match: matcher(paths),
      }),
    ),
  ),
];

/** False when a file cannot contain any recognised call: such a file is never parsed. */
export const mayContainCompletionCall: (bytes: Buffer) => boolean = spellsAnyOf(
  withoutLongerSpellings(COMPLETION_CALL_STYLES.flatMap((style) => style.keywords)),
);

/** The distinct words, less those that contain another of them (`responsesRequest` is spelled wherever `responses` is not absent). */
function withoutLongerSpellings(words: readonly string[]): string[] {
  const distinct = [...new Set(words)];
  return distinct.filter((word) => !distinct.some((other) => other !== word && word.includes(other)));
}

/** `<anything>.completions.<method>(options)` or `<anything>.responses.<method>(options)`. */
function sdkMethodCall(resource: 'completions' | 'responses', method: string): Matcher {
  return (call, { ts }) => {
    if (!ts.isCallExpression(call)) return undefined;
    const callee = unwrapExpression(ts, call.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== method) return undefined;
    const receiver = unwrapExpression(ts, callee.expression);
    const receiverName = ts.isPropertyAccessExpression(receiver) ? receiver.name.text : ts.isIdentifier(receiver) ? receiver.text : undefined;
    if (receiverName !== resource) return undefined;
    const onChat = ts.isPropertyAccessExpression(receiver) && lastName(ts, unwrapExpression(ts, receiver.expression)) === 'chat';
    return {
      callee: `${onChat ? 'chat.' : ''}${resource}.${method}()`,
      payload: { kind: 'object', expression: call.arguments[0], subject: 'options' },
    };
  };
}

/** `<anything>.chat.send(request)` of @openrouter/sdk: flat, or wrapped under one of `requestUnder`. */
function openRouterSendCall(resource: 'chat' | 'responses', requestUnder: readonly string[]): Matcher {
  return (call, { ts }) => {
    if (!ts.isCallExpression(call)) return undefined;
    const callee = unwrapExpression(ts, call.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'send') return undefined;
    if (lastName(ts, unwrapExpression(ts, callee.expression)) !== resource) return undefined;
    const [request] = call.arguments;
    // Chat libraries also have `chat.send('text')`: a string sent is a message, not a completion request.
    if (request && ts.isStringLiteralLike(unwrapExpression(ts, request))) return undefined;
    return {
      callee: `${resource}.send()`,
      payload: { kind: 'object', expression: request, subject: 'options', requestUnder },
    };
  };
}

/** `chatSend(core, request)`: a plain function call whose request is the argument at `index`. */
function standaloneFunctionCall(name: string, index: number, requestUnder: readonly string[]): Matcher {
  return (call, { ts }) => {
    if (!ts.isCallExpression(call) || !ts.isIdentifier(unwrapExpression(ts, call.expression))) return undefined;
    return { callee: `${name}()`, payload: { kind: 'object', expression: call.arguments[index], subject: 'options', requestUnder } };
  };
}

/**
 * `name(options)` called as a plain identifier that is either not declared in the file (a snippet, a global)
 * or imported from a module `fromLibrary` accepts, also under another name (`import { name as alias }`),
 * or `lib.name(options)` on a namespace import of such a module (`import * as ai from 'ai'`).
 * A function of the same name defined here is someone else's.
 */
function importedFunctionCall(name: string, fromLibrary: (from: string) => boolean): Matcher {
  return (call, scope) => {
    const { ts } = scope;
    if (!ts.isCallExpression(call)) return undefined;
    const callee = unwrapExpression(ts, call.expression);
    const isLibraryFunction = ts.isIdentifier(callee)
      ? isLibraryName(scope, callee, fromLibrary, name)
      : ts.isPropertyAccessExpression(callee) && callee.name.text === name && isLibraryNamespace(scope, callee.expression, fromLibrary);
    if (!isLibraryFunction) return undefined;
    return { callee: `${name}()`, payload: { kind: 'object', expression: call.arguments[0], subject: 'options' } };
  };
}

/** `ai` in `ai.generateText(…)`: a whole module imported (`import * as ai`, `const ai = require('ai')`) from a library. */
function isLibraryNamespace(scope: FileScope, expression: ts.Expression, fromLibrary: (from: string) => boolean): boolean {
  const { ts } = scope;
  const receiver = unwrapExpression(ts, expression);
  if (!ts.isIdentifier(receiver)) return false;
  const binding = scope.bindingOf(receiver);
  return binding?.kind === 'import' && (binding.imported === '*' || binding.imported === undefined) && fromLibrary(binding.from);
}

/**
 * `new ChatOpenAI(fields)`: the cap set on the model covers every call through it, so the construction is
 * what is reported. `.bind({…})` or `.withConfig({…})` on the model (chained, or on the const holding it) counts.
 */
function langChainModelConstruction(name: string): Matcher {
  return (construction, scope) => {
    const { ts } = scope;
    if (!ts.isNewExpression(construction)) return undefined;
    const callee = unwrapExpression(ts, construction.expression);
    if (!ts.isIdentifier(callee) || !isLibraryName(scope, callee, (from) => from.includes('langchain'), name)) return undefined;
    return {
      callee: `new ${name}()`,
      payload: {
        kind: 'object',
        expression: construction.arguments?.[0],
        subject: 'options',
        alsoCappedBy: { options: boundOptionsOf(scope, construction), capKeys: BOUND_CAP_KEYS },
      },
    };
  };
}

const BINDING_METHODS = new Set(['bind', 'withConfig']);
/** Bound call options reach the request as LangChain's own fields or as raw body keys. */
const BOUND_CAP_KEYS = [...CAMEL_CHAT_CAP_KEYS, ...CHAT_CAP_KEYS];

/** The options of every `.bind(…)` / `.withConfig(…)` applied to the model a construction makes. */
function boundOptionsOf(scope: FileScope, construction: ts.NewExpression): ts.Expression[] {
  const { ts } = scope;
  let model: ts.Node = construction;
  while (model.parent && ts.isParenthesizedExpression(model.parent)) model = model.parent;
  const holder = model.parent;
  const options: ts.Expression[] = [];
  if (holder && ts.isPropertyAccessExpression(holder) && holder.expression === model) options.push(...boundOptionsAt(ts, holder));
  if (holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) {
    const binding = scope.bindingOf(holder.name);
    if (binding?.kind !== 'const') return options;
    for (const use of identifierUses(ts, scope.sourceFile, holder.name.text)) {
      const access = use.parent;
      if (ts.isPropertyAccessExpression(access) && access.expression === use && scope.bindingOf(use) === binding) {
        options.push(...boundOptionsAt(ts, access));
      }
    }
  }
  return options;
}

/** `model.bind(options)`: the options, when `access` is the callee of such a call. */
function boundOptionsAt(ts: TypeScript, access: ts.PropertyAccessExpression): ts.Expression[] {
  const call = access.parent;
  if (!BINDING_METHODS.has(access.name.text) || !ts.isCallExpression(call) || call.expression !== access) return [];
  return call.arguments[0] ? [call.arguments[0]] : [];
}

/** Identifiers spelling `name` anywhere in the file (rare enough for a second walk: only for LangChain models). */
function identifierUses(ts: TypeScript, sourceFile: ts.SourceFile, name: string): ts.Identifier[] {
  const uses: ts.Identifier[] = [];
  const pending: ts.Node[] = [sourceFile];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (ts.isIdentifier(node) && node.text === name) uses.push(node);
    ts.forEachChild(node, (child) => {
      pending.push(child);
    });
  }
  return uses;
}

/**
 * The identifier is a library's `name`: undeclared in the file and spelled so, or imported from a module the test
 * accepts under that name (`import { name }`, `import { name as alias }`, `const { name } = require(…)`).
 */
function isLibraryName(scope: FileScope, identifier: ts.Identifier, fromLibrary: (from: string) => boolean, name = identifier.text): boolean {
  const binding = scope.bindingOf(identifier);
  if (binding === undefined) return identifier.text === name;
  if (binding.kind !== 'import' || !fromLibrary(binding.from)) return false;
  // A default or namespace import takes whatever name the file gives it, as it always has.
  const named = binding.imported === undefined || binding.imported === 'default' || binding.imported === '*' ? identifier.text : binding.imported;
  return named === name;
}

/** `fetch(url, init)` with the URL ending in one of `paths`; its request is JSON.stringify'd into `init.body`. */
function fetchCallTo(paths: readonly string[]): Matcher {
  return (call, scope) => {
    if (!scope.ts.isCallExpression(call)) return undefined;
    const [url, init] = call.arguments;
    if (!url || !urlEndsWithOneOf(partialTextOf(scope, url), paths)) return undefined;
    return { callee: 'fetch()', payload: { kind: 'init', init, serialisedKey: 'body' } };
  };
}

/** HTTP clients whose second argument holds options (`{ json }`), not the body itself. */
const OPTIONS_FIRST_CLIENTS = new Set(['got', 'ky']);

/**
 * `<client>.post(url, data, config?)` (axios and alike) with the URL ending in one of `paths`;
 * for got and ky (or any options with a `json` key) the request is `options.json`.
 */
function postCallTo(paths: readonly string[]): Matcher {
  return (call, scope) => {
    const { ts } = scope;
    if (!ts.isCallExpression(call)) return undefined;
    const callee = unwrapExpression(ts, call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const [url, data, ...rest] = call.arguments;
    if (!url || !urlEndsWithOneOf(partialTextOf(scope, url), paths)) return undefined;
    // `app.post('/chat/completions', handler)` declares a server route: it sends nothing.
    if ([data, ...rest].some((argument) => argument !== undefined && isFunction(scope, argument))) return undefined;
    const receiver = lastName(ts, unwrapExpression(ts, callee.expression));
    const label = receiver ? `${receiver}.post()` : 'post()';
    const withOptions = (receiver !== undefined && OPTIONS_FIRST_CLIENTS.has(receiver)) || (data !== undefined && hasKey(scope, data, 'json'));
    if (withOptions) return { callee: label, payload: { kind: 'init', init: data, objectKey: 'json', serialisedKey: 'body' } };
    return { callee: label, payload: { kind: 'object', expression: data, subject: 'the body' } };
  };
}

/** `axios({ url, method: 'post', data })`: the config names the URL and holds the request under `data`. */
function axiosConfigCallTo(paths: readonly string[]): Matcher {
  return (call, scope) => {
    const { ts } = scope;
    if (!ts.isCallExpression(call) || !ts.isIdentifier(unwrapExpression(ts, call.expression))) return undefined;
    const [config] = call.arguments;
    if (!config || !configUrlEndsWithOneOf(scope, config, paths)) return undefined;
    return { callee: 'axios()', payload: { kind: 'init', init: config, objectKey: 'data' } };
  };
}

/**
 * `request(…)`: undici's `request(url, { method, body })` (the body JSON.stringify'd, as with fetch), or
 * a config object with `url` and `data` as `axios.request({…})` takes.
 */
function requestCallTo(paths: readonly string[]): Matcher {
  return (call, scope) => {
    const { ts } = scope;
    if (!ts.isCallExpression(call)) return undefined;
    const callee = unwrapExpression(ts, call.expression);
    const receiver = ts.isPropertyAccessExpression(callee) ? lastName(ts, unwrapExpression(ts, callee.expression)) : undefined;
    const label = receiver ? `${receiver}.request()` : 'request()';
    const [first, init] = call.arguments;
    // `https.request(url, onResponse)` writes its body elsewhere: nothing here to check.
    if (!first || (init !== undefined && isFunction(scope, init))) return undefined;
    if (urlEndsWithOneOf(partialTextOf(scope, first), paths)) {
      return { callee: label, payload: { kind: 'init', init, serialisedKey: 'body' } };
    }
    if (!configUrlEndsWithOneOf(scope, first, paths)) return undefined;
    return { callee: label, payload: { kind: 'init', init: first, objectKey: 'data' } };
  };
}

/** A config object whose `url` is known to end in one of the paths (every value it may hold does). */
function configUrlEndsWithOneOf(scope: FileScope, config: ts.Expression, paths: readonly string[]): boolean {
  const followed = followConsts(scope, config);
  if (!('expression' in followed) || !followed.scope.ts.isObjectLiteralExpression(followed.expression)) return false;
  const url = presenceOfKeys(followed.scope, followed.expression, ['url']);
  return url.kind === 'present' && url.values.every((value) => urlEndsWithOneOf(partialTextOf(value.scope, value.expression), paths));
}

function hasKey(scope: FileScope, object: ts.Expression, key: string): boolean {
  return presenceOfKeys(scope, object, [key]).kind === 'present';
}

/** A URL's known text, with its query and trailing slashes dropped, ends in one of the paths. */
function urlEndsWithOneOf(url: string, paths: readonly string[]): boolean {
  const path = url.split(/[?#]/, 1)[0]!.replace(/\/+$/, '');
  return paths.some((candidate) => path.endsWith(candidate));
}

/** The last name in `a.b.c`, `this` for `this`, or undefined for anything else. */
function lastName(ts: TypeScript, expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  if (expression.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  return undefined;
}

function isFunction(scope: FileScope, argument: ts.Expression): boolean {
  const { ts } = scope;
  const value = unwrapExpression(ts, argument);
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return true;
  return ts.isIdentifier(value) && scope.bindingOf(value)?.kind === 'function';
}
