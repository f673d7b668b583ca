import type ts from 'typescript';
import { keySourceOf } from '../../inventory/key-source.js';
import type { Attribution, ClientSite, RequestSite, Resolved, SiteLocation, SiteTarget } from '../../inventory/request-site.js';
import type { ClientStyleId } from '../../inventory/client-styles.js';
import { snippetOf } from '../../workspace/snippet.js';
import type { WorkspaceFile } from '../../workspace/workspace.js';
import type { FileScope } from './file-scope.js';
import { findCompletionCallNodes } from './find-completion-calls.js';
import type { CompletionCallNode } from './find-completion-calls.js';
import { followConsts } from './follow-const.js';
import { clientOf, headerNamesOf, isTrueLiteral, isZeroLiteral, mayMentionOpenRouter, targetOfUrl } from './openrouter-usage.js';
import type { ClientConstruction, CompletionRequest, OpenRouterUsage, Target } from './openrouter-usage.js';
import { scriptKindOf } from './parse-source.js';
import { presenceOfKeys } from './resolve-object.js';
import type { KeyPresence, ScopedExpression } from './resolve-object.js';
import { partialTextOf } from './resolve-string.js';
import type { ScriptFile } from './script-analysis.js';
import { unwrapExpression } from './syntax.js';
import { positionLookup } from '../../workspace/text-position.js';
import { explainUnresolved } from './unresolved.js';
import type { Subject } from './unresolved.js';

const REFERER = 'http-referer';
/** The current title header, and the older name OpenRouter still accepts. */
const TITLES = ['x-openrouter-title', 'x-title'];
/** The option that bounds one request, by SDK: the OpenAI SDK takes `timeout`, Speakeasy's @openrouter/sdk `timeoutMs`. */
const CLIENT_TIMEOUT_KEYS: Readonly<Record<ClientConstruction['sdk'], readonly string[]>> = {
  'OpenAI SDK': ['timeout'],
  '@openrouter/sdk': ['timeoutMs', 'timeout'],
};
/** Where a request's own timeout or abort signal goes, by style. */
const CALL_TIMEOUT_KEYS: Partial<Record<ClientStyleId, readonly string[]>> = {
  fetch: ['signal'],
  axios: ['timeout', 'signal'],
  got: ['timeout', 'signal'],
  'vercel-ai-sdk': ['abortSignal', 'timeout'],
  langchain: ['timeout', 'signal'],
};
const OPENROUTER_NAME = /openrouter/i;
const OPENROUTER_AI_SDK_PROVIDER = '@openrouter/ai-sdk-provider';

/** The clients and requests of one JS/TS file in the shared script pass, as plain data for the request inventory. */
export function typeScriptRequestSites(
  script: ScriptFile,
  locateElsewhere: (path: string, offset: number) => SiteLocation | undefined,
): { requests: RequestSite[]; clients: ClientSite[] } {
  const { file, compiler, modules } = script;
  const usage = script.usage();
  const kind = scriptKindOf(file.path)!;
  const calls = findCompletionCallNodes(compiler, file.path, file.text(), kind, modules);
  if (!usage && calls.length === 0) return { requests: [], clients: [] };
  const builder = new SiteBuilder(file, usage, locateElsewhere);
  const fromUsage = new Map<ts.Node, CompletionRequest>((usage?.requests ?? []).map((request) => [request.node, request]));
  const requests: RequestSite[] = [];
  const seen = new Set<ts.Node>();
  for (const found of calls) {
    seen.add(found.call);
    requests.push(builder.fromCompletionCall(found, fromUsage.get(found.call)));
  }
  for (const request of usage?.requests ?? []) {
    if (!seen.has(request.node)) requests.push(builder.fromUsageRequest(request));
  }
  requests.sort((a, b) => a.location.line - b.location.line || a.location.column - b.location.column);
  return { requests, clients: [...builder.clients.values()] };
}

class SiteBuilder {
  readonly clients = new Map<ts.Node, ClientSite>();
  private readonly positionOf: (offset: number) => { line: number; column: number };

  constructor(
    private readonly file: WorkspaceFile,
    private readonly usage: OpenRouterUsage | undefined,
    private readonly locateElsewhere: (path: string, offset: number) => SiteLocation | undefined,
  ) {
    this.positionOf = positionLookup(file.text());
    for (const construction of usage?.constructions ?? []) this.client(construction);
  }

  /** Where a node is, in this file or in another one an import was followed into. */
  locate(node: ts.Node, scope: FileScope): SiteLocation | undefined {
    if (scope.path !== this.file.path) return this.locateElsewhere(scope.path, node.getStart(scope.sourceFile));
    const { line, column } = this.positionOf(node.getStart(scope.sourceFile));
    return { file: this.file.path, line, column, snippet: snippetOf(this.file.lineText(line)) };
  }

  client(construction: ClientConstruction): ClientSite {
    const known = this.clients.get(construction.node);
    if (known) return known;
    const { scope, options, sdk, node } = construction;
    const presence = (keys: readonly string[]): KeyPresence => (options ? presenceOfKeys(scope, options, keys) : { kind: 'absent' });
    const retries = presence(['maxRetries']);
    const allow = presence(['dangerouslyAllowBrowser']);
    const allowed = allow.kind === 'present' ? allow.values.find((value) => isTrueLiteral(value.scope, value.expression)) : undefined;
    const isOpenAi = sdk === 'OpenAI SDK';
    const client: ClientSite = {
      location: this.locate(node, scope) ?? this.fileStart(),
      language: 'typescript',
      clientStyle: isOpenAi ? 'openai-sdk' : 'openrouter-sdk',
      constructor: isOpenAi ? 'new OpenAI()' : 'new OpenRouter()',
      target: { kind: construction.target, decidedBy: isOpenAi ? 'the baseURL option' : '@openrouter/sdk' },
      // A timeout the code cannot see (options from a parameter, a spread of unknown config) is given the benefit of the doubt.
      timeout: this.resolved(presence(CLIENT_TIMEOUT_KEYS[sdk]), 'options'),
      retriesOff:
        retries.kind === 'present' && retries.values.every((value) => isZeroLiteral(value.scope, value.expression))
          ? { kind: 'set', ...atOf(this.locate(propertyOf(scope, retries.values[0]!.expression), retries.values[0]!.scope)) }
          : { kind: 'absent' },
      attribution: isOpenAi ? this.headersUnder(scope, options, 'defaultHeaders') : this.sdkAttribution(presence),
    };
    const key = presence(['apiKey']);
    const keySource = key.kind === 'present' && key.values.length === 1 ? keySourceOfValue(key.values[0]!) : undefined;
    if (keySource !== undefined) client.keySource = keySource;
    if (allowed) {
      // The property, not the value: the finding points at `dangerouslyAllowBrowser`.
      client.browserAllowed = this.locate(propertyOf(scope, allowed.expression), allowed.scope);
    }
    this.clients.set(node, client);
    return client;
  }

  fromCompletionCall(found: CompletionCallNode, request: CompletionRequest | undefined): RequestSite {
    const { call, scope, style, match, outcome, uncappedCallers } = found;
    const styleId = styleIdOf(style.name, match.callee);
    const sdkClient = request?.client ?? this.sdkClientOf(scope, call, styleId);
    const client = sdkClient ? this.client(sdkClient) : undefined;
    const options = optionsOf(scope, call, styleId, request);
    const site: RequestSite = {
      location: this.locate(call, scope) ?? this.fileStart(),
      language: 'typescript',
      clientStyle: styleId,
      callee: match.callee,
      target: this.targetOf(scope, call, styleId, request, client, options),
      ...(client ? { client } : {}),
      outputCap: outcome.kind === 'unknown' ? { kind: 'unknown', reason: outcome.reason } : { kind: outcome.kind },
      capFix: style.fixHint,
      uncappedCallers: uncappedCallers.flatMap((caller) => {
        const location = this.locateElsewhere(caller.path, caller.start);
        return location ? [{ location, wrapper: caller.wrapper }] : [];
      }),
      timeout: this.withInstance(this.callTimeout(styleId, options), scope, call, (config) => this.callTimeout(styleId, config)),
      fallbacks: this.fallbacksOf(styleId, request, options, requestBodyOf(scope, call, styleId)),
      attribution: this.instanceAttribution(this.callAttribution(styleId, options), scope, call, styleId),
      ...(this.usage?.isClientModule ? { browser: "a 'use client' module" } : {}),
      fileNamesOpenRouter: mayMentionOpenRouter(this.file.bytes),
    };
    return site;
  }

  /** A request the usage walk knows but max-tokens does not read (a fetch with no body it can see). */
  fromUsageRequest(request: CompletionRequest): RequestSite {
    const { scope } = this.usage!;
    const styleId = styleIdOf(request.style, request.callee);
    const client = request.client ? this.client(request.client) : undefined;
    const options = optionsOf(scope, request.node, styleId, request);
    return {
      location: this.locate(request.node, scope) ?? this.fileStart(),
      language: 'typescript',
      clientStyle: styleId,
      callee: request.callee,
      target: this.targetOf(scope, request.node, styleId, request, client, options),
      ...(client ? { client } : {}),
      uncappedCallers: [],
      timeout: this.withInstance(this.callTimeout(styleId, options), scope, request.node, (config) => this.callTimeout(styleId, config)),
      fallbacks: this.fallbacksOf(styleId, request, options),
      attribution: this.instanceAttribution(this.callAttribution(styleId, options), scope, request.node, styleId),
      ...(this.usage?.isClientModule ? { browser: "a 'use client' module" } : {}),
      fileNamesOpenRouter: mayMentionOpenRouter(this.file.bytes),
    };
  }

  private fileStart(): SiteLocation {
    return { file: this.file.path, line: 1, column: 1, snippet: snippetOf(this.file.lineText(1)) };
  }

  /** The OpenAI client a `responses.create` (or any SDK method) goes through: the root of its receiver chain. */
  private sdkClientOf(scope: FileScope, call: ts.CallExpression | ts.NewExpression, styleId: ClientStyleId): ClientConstruction | undefined {
    if ((styleId !== 'openai-sdk' && styleId !== 'openrouter-sdk') || !compilerOf(scope).isCallExpression(call)) return undefined;
    const ts = compilerOf(scope);
    let receiver = unwrapExpression(ts, call.expression);
    while (ts.isPropertyAccessExpression(receiver) && receiver.expression.kind !== ts.SyntaxKind.ThisKeyword)
      receiver = unwrapExpression(ts, receiver.expression);
    if (ts.isPropertyAccessExpression(receiver) || ts.isIdentifier(receiver)) return clientOf(scope, receiver);
    return undefined;
  }

  private targetOf(
    scope: FileScope,
    call: ts.CallExpression | ts.NewExpression,
    styleId: ClientStyleId,
    request: CompletionRequest | undefined,
    client: ClientSite | undefined,
    options: ScopedExpression | undefined,
  ): SiteTarget {
    const ts = compilerOf(scope);
    switch (styleId) {
      case 'openrouter-sdk':
        return client?.target ?? { kind: 'openrouter', decidedBy: '@openrouter/sdk' };
      case 'openai-sdk':
        return client?.target ?? { kind: request?.target ?? 'unknown', decidedBy: 'the client is not built where the code can follow' };
      case 'vercel-ai-sdk':
        return this.aiSdkTarget(options);
      case 'langchain': {
        if (ts.isNewExpression(call) && unwrapExpression(ts, call.expression).getText(scope.sourceFile) === 'ChatOpenRouter') {
          return { kind: 'openrouter', decidedBy: 'ChatOpenRouter' };
        }
        if (!options) return { kind: 'other', decidedBy: "LangChain's default api.openai.com" };
        const configuration = presenceOfKeys(options.scope, options.expression, ['configuration']);
        const base =
          configuration.kind === 'present' && configuration.values.length === 1
            ? presenceOfKeys(configuration.values[0]!.scope, configuration.values[0]!.expression, ['baseURL', 'basePath'])
            : configuration;
        return this.urlTarget(base, presenceOfKeys(options.scope, options.expression, ['apiKey', 'openAIApiKey']), "LangChain's default api.openai.com");
      }
      default: {
        if (request && request.target !== 'unknown') return { kind: request.target, decidedBy: "the URL's host" };
        if (!ts.isCallExpression(call) || !call.arguments[0]) return { kind: 'unknown', decidedBy: 'the URL is not known' };
        const first = call.arguments[0];
        const configUrl = ts.isObjectLiteralExpression(unwrapExpression(ts, first)) ? presenceOfKeys(scope, first, ['url']) : undefined;
        const url = configUrl?.kind === 'present' ? partialTextOf(configUrl.values[0]!.scope, configUrl.values[0]!.expression) : partialTextOf(scope, first);
        if (url.startsWith('/')) {
          // `api.post('/chat/completions')` on `axios.create({ baseURL })`: the instance holds the host.
          const base = this.instanceBaseUrl(scope, call);
          if (base) return base;
        }
        const target = targetOfUrl(url);
        return { kind: target, decidedBy: target === 'unknown' ? "the URL's host is not known" : "the URL's host" };
      }
    }
  }

  /** `axios.create({ baseURL })` behind a receiver: where the instance sends its requests. */
  private instanceBaseUrl(scope: FileScope, call: ts.CallExpression): SiteTarget | undefined {
    const config = instanceConfigOf(scope, call);
    if (!config) return undefined;
    return this.urlTarget(presenceOfKeys(config.scope, config.expression, ['baseURL']), { kind: 'absent' }, undefined);
  }

  /** A request's own setting, or else the one of the instance it is sent through (`axios.create({ timeout })`). */
  private withInstance(
    own: Resolved,
    scope: FileScope,
    call: ts.CallExpression | ts.NewExpression,
    fromConfig: (config: ScopedExpression) => Resolved,
  ): Resolved {
    if (own.kind === 'set' || !scope.ts.isCallExpression(call)) return own;
    const config = instanceConfigOf(scope, call);
    if (!config) return own;
    const inherited = fromConfig(config);
    return inherited.kind === 'absent' ? own : inherited;
  }

  /** `generateText({ model: openrouter('id') })`: the provider the model comes from. */
  private aiSdkTarget(options: ScopedExpression | undefined): SiteTarget {
    if (!options) return { kind: 'unknown', decidedBy: 'the options are not known' };
    const model = presenceOfKeys(options.scope, options.expression, ['model']);
    if (model.kind !== 'present' || model.values.length !== 1) return { kind: 'unknown', decidedBy: 'the model is not known' };
    const made = followConsts(model.values[0]!.scope, model.values[0]!.expression);
    if (!('expression' in made)) return { kind: 'unknown', decidedBy: explainUnresolved(made.unresolved, 'options') };
    const ts = compilerOf(made.scope);
    if (ts.isStringLiteralLike(made.expression)) {
      // A plain id goes through the AI Gateway unless the string names OpenRouter.
      return { kind: 'other', decidedBy: 'a model id string (the AI Gateway)' };
    }
    if (!ts.isCallExpression(made.expression)) return { kind: 'unknown', decidedBy: 'the model is not a provider call' };
    let provider: ts.Expression = unwrapExpression(ts, made.expression.expression);
    // `openrouter.chat('id')`: the provider is the object.
    if (ts.isPropertyAccessExpression(provider)) provider = unwrapExpression(ts, provider.expression);
    if (!ts.isIdentifier(provider)) return { kind: 'unknown', decidedBy: 'the model provider is not known' };
    const binding = made.scope.bindingOf(provider);
    if (binding?.kind === 'import') {
      if (binding.from === OPENROUTER_AI_SDK_PROVIDER) return { kind: 'openrouter', decidedBy: OPENROUTER_AI_SDK_PROVIDER };
      if (binding.from.startsWith('@ai-sdk/')) return { kind: 'other', decidedBy: binding.from };
    }
    const factory = followConsts(made.scope, provider);
    if (!('expression' in factory) || !ts.isCallExpression(factory.expression)) return { kind: 'unknown', decidedBy: 'the model provider is not known' };
    const factoryName = unwrapExpression(ts, factory.expression.expression).getText(factory.scope.sourceFile);
    if (factoryName === 'createOpenRouter') return { kind: 'openrouter', decidedBy: 'createOpenRouter' };
    if (factoryName === 'createOpenAI' || factoryName === 'createOpenAICompatible') {
      const settings = factory.expression.arguments[0];
      const base = settings ? presenceOfKeys(factory.scope, settings, ['baseURL']) : { kind: 'absent' as const };
      return this.urlTarget(
        base,
        settings ? presenceOfKeys(factory.scope, settings, ['apiKey']) : { kind: 'absent' },
        `${factoryName}'s default api.openai.com`,
      );
    }
    return { kind: 'unknown', decidedBy: `the provider ${factoryName}() is not one the analysis knows` };
  }

  /** Where a base URL points; absent means `fallback` (the library's default host); the key's variable name may tell. */
  private urlTarget(base: KeyPresence, key: KeyPresence, fallback: string | undefined): SiteTarget {
    if (base.kind === 'present') {
      const targets: Target[] = base.values.map((value) => targetOfUrl(partialTextOf(value.scope, value.expression)));
      if (targets.every((target) => target === 'openrouter')) return { kind: 'openrouter', decidedBy: 'the base URL' };
      if (targets.includes('other')) return { kind: 'other', decidedBy: 'the base URL' };
    } else if (base.kind === 'absent' && fallback !== undefined) {
      return { kind: 'other', decidedBy: fallback };
    }
    if (key.kind === 'present' && key.values.some((value) => OPENROUTER_NAME.test(value.expression.getText(value.scope.sourceFile)))) {
      return { kind: 'openrouter', decidedBy: 'the key variable name' };
    }
    return { kind: 'unknown', decidedBy: base.kind === 'unknown' ? explainUnresolved(base.unresolved, 'options') : 'the base URL is not known' };
  }

  private callTimeout(styleId: ClientStyleId, options: ScopedExpression | undefined): Resolved {
    const keys = CALL_TIMEOUT_KEYS[styleId];
    if (!keys && styleId !== 'openai-sdk' && styleId !== 'openrouter-sdk') return { kind: 'absent' };
    if (!options) return { kind: 'absent' };
    return this.resolved(presenceOfKeys(options.scope, options.expression, keys ?? ['timeout', 'signal', 'timeoutMs']), 'options');
  }

  private fallbacksOf(
    styleId: ClientStyleId,
    request: CompletionRequest | undefined,
    options: ScopedExpression | undefined,
    sdkBody?: ScopedExpression,
  ): Resolved {
    const body = request?.body ?? sdkBody;
    if (styleId === 'vercel-ai-sdk' && options) {
      const inProvider = presenceOfKeys(options.scope, options.expression, ['providerOptions']);
      if (inProvider.kind !== 'present') return this.resolved(inProvider, 'options');
      return anyOf(
        inProvider.values.map((value) => {
          const openrouter = presenceOfKeys(value.scope, value.expression, ['openrouter']);
          if (openrouter.kind !== 'present') return this.resolved(openrouter, 'options');
          return anyOf(openrouter.values.map((inner) => this.resolved(presenceOfKeys(inner.scope, inner.expression, ['models']), 'options')));
        }),
      );
    }
    if (styleId === 'langchain' && options) {
      const kwargs = presenceOfKeys(options.scope, options.expression, ['modelKwargs']);
      if (kwargs.kind !== 'present') return this.resolved(kwargs, 'options');
      return anyOf(kwargs.values.map((value) => this.resolved(presenceOfKeys(value.scope, value.expression, ['models']), 'options')));
    }
    if (!body) return { kind: 'unknown', reason: 'the body is not JSON.stringify(...) of an object the code shows' };
    const models = presenceOfKeys(body.scope, body.expression, ['models']);
    if (models.kind !== 'absent') return this.resolved(models, 'the body');
    const provider = presenceOfKeys(body.scope, body.expression, ['provider']);
    if (provider.kind !== 'present') return this.resolved(provider, 'the body');
    return anyOf(
      provider.values.map((value) => this.resolved(presenceOfKeys(value.scope, value.expression, ['allow_fallbacks', 'allowFallbacks']), 'the body')),
    );
  }

  private callAttribution(styleId: ClientStyleId, options: ScopedExpression | undefined): Attribution {
    if (styleId === 'langchain' && options) {
      const configuration = presenceOfKeys(options.scope, options.expression, ['configuration']);
      if (configuration.kind === 'present' && configuration.values.length === 1) {
        return this.headersUnder(configuration.values[0]!.scope, configuration.values[0]!.expression, 'defaultHeaders');
      }
      return this.headerAbsence(configuration);
    }
    if (styleId === 'openrouter-sdk') return { referer: { kind: 'absent' }, title: { kind: 'absent' } };
    return options ? this.headersUnder(options.scope, options.expression, 'headers') : { referer: { kind: 'absent' }, title: { kind: 'absent' } };
  }

  /** The call's attribution headers, each completed by the instance's `headers` when the call leaves it out. */
  private instanceAttribution(own: Attribution, scope: FileScope, call: ts.CallExpression | ts.NewExpression, styleId: ClientStyleId): Attribution {
    if (styleId !== 'axios' && styleId !== 'got' && styleId !== 'ky') return own;
    const headers = (config: ScopedExpression): Attribution => this.headersUnder(config.scope, config.expression, 'headers');
    return {
      referer: this.withInstance(own.referer, scope, call, (config) => headers(config).referer),
      title: this.withInstance(own.title, scope, call, (config) => headers(config).title),
    };
  }

  /** What the headers under `key` of an options object set; unknown when the code does not show them all. */
  private headersUnder(scope: FileScope, options: ts.Expression | undefined, key: string): Attribution {
    if (!options) return { referer: { kind: 'absent' }, title: { kind: 'absent' } };
    const headers = presenceOfKeys(scope, options, [key]);
    if (headers.kind !== 'present') return this.headerAbsence(headers);
    // Headers that differ by branch (`cond ? a : b`) are more than this analysis follows.
    if (headers.values.length !== 1) return unknownAttribution('the headers differ by branch');
    const found = headerNamesOf(headers.values[0]!.scope, headers.values[0]!.expression);
    const has = (names: readonly string[]): Resolved =>
      names.some((name) => found.names.has(name))
        ? { kind: 'set' }
        : found.complete
          ? { kind: 'absent' }
          : { kind: 'unknown', reason: 'the headers are not all known' };
    return { referer: has([REFERER]), title: has(TITLES) };
  }

  private headerAbsence(presence: KeyPresence): Attribution {
    const resolved = this.resolved(presence, 'options');
    return { referer: resolved, title: resolved };
  }

  /** `httpReferer` and `appTitle` of @openrouter/sdk's options (the environment variables it reads are the check's). */
  private sdkAttribution(presence: (keys: readonly string[]) => KeyPresence): Attribution {
    return { referer: this.resolved(presence(['httpReferer']), 'options'), title: this.resolved(presence(['appTitle']), 'options') };
  }

  private resolved(presence: KeyPresence, subject: Subject): Resolved {
    if (presence.kind === 'absent') return { kind: 'absent' };
    if (presence.kind === 'unknown') return { kind: 'unknown', reason: explainUnresolved(presence.unresolved, subject) };
    const [first] = presence.values;
    return { kind: 'set', ...atOf(first ? this.locate(first.expression, first.scope) : undefined) };
  }
}

/** The key's source, through consts: the environment variable it is read from, or a string written in the code. */
function keySourceOfValue(value: ScopedExpression): string | undefined {
  const followed = followConsts(value.scope, value.expression);
  const expression = 'expression' in followed ? followed : value;
  return keySourceOf(expression.expression.getText(expression.scope.sourceFile));
}

function atOf(location: SiteLocation | undefined): { at?: SiteLocation } {
  return location ? { at: location } : {};
}

/** The `key: value` a value is written in, or the value itself when it stands alone. */
function propertyOf(scope: FileScope, value: ts.Expression): ts.Node {
  const { parent } = value;
  return parent && (scope.ts.isPropertyAssignment(parent) || scope.ts.isShorthandPropertyAssignment(parent)) ? parent : value;
}

function compilerOf(scope: FileScope): FileScope['ts'] {
  return scope.ts;
}

function unknownAttribution(reason: string): Attribution {
  return { referer: { kind: 'unknown', reason }, title: { kind: 'unknown', reason } };
}

function anyOf(resolved: readonly Resolved[]): Resolved {
  return resolved.find((one) => one.kind === 'set') ?? resolved.find((one) => one.kind === 'unknown') ?? { kind: 'absent' };
}

/** The table entry of a recognised call. */
function styleIdOf(styleName: string, callee: string): ClientStyleId {
  switch (styleName) {
    case 'OpenAI SDK':
      return 'openai-sdk';
    case '@openrouter/sdk':
      return 'openrouter-sdk';
    case 'Vercel AI SDK':
      return 'vercel-ai-sdk';
    case 'LangChain':
      return 'langchain';
  }
  if (callee === 'fetch()') return 'fetch';
  if (callee.startsWith('got.')) return 'got';
  if (callee.startsWith('ky.')) return 'ky';
  if (callee === 'request()') return 'undici';
  return 'axios';
}

/** `api.post(…)` on `const api = axios.create(config)` (or `got.extend`, `ky.create`): the instance's config. */
function instanceConfigOf(scope: FileScope, call: ts.CallExpression): ScopedExpression | undefined {
  const { ts } = scope;
  const callee = unwrapExpression(ts, call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const made = followConsts(scope, callee.expression);
  if (!('expression' in made) || !ts.isCallExpression(made.expression)) return undefined;
  const maker = unwrapExpression(ts, made.expression.expression);
  const config = made.expression.arguments[0];
  if (!ts.isPropertyAccessExpression(maker) || !['create', 'extend'].includes(maker.name.text) || !config) return undefined;
  return { scope: made.scope, expression: config };
}

/** An SDK call's request body: the first argument of the OpenAI SDK's methods, @openrouter/sdk's request (flat or wrapped). */
function requestBodyOf(scope: FileScope, call: ts.CallExpression | ts.NewExpression, styleId: ClientStyleId): ScopedExpression | undefined {
  const [first] = call.arguments ?? [];
  if (!first || (styleId !== 'openai-sdk' && styleId !== 'openrouter-sdk')) return undefined;
  if (styleId === 'openrouter-sdk') {
    const wrapped = presenceOfKeys(scope, first, ['chatRequest', 'chatGenerationParams', 'responsesRequest']);
    if (wrapped.kind === 'present' && wrapped.values.length === 1) return wrapped.values[0];
    if (wrapped.kind !== 'absent') return undefined;
  }
  return { scope, expression: first };
}

/**
 * The object holding a call's options (timeout, headers, signal): an SDK's request options (the second argument
 * of the OpenAI SDK's methods), an AI SDK or LangChain call's one options object, fetch's init, axios' config.
 */
function optionsOf(
  scope: FileScope,
  call: ts.CallExpression | ts.NewExpression,
  styleId: ClientStyleId,
  request: CompletionRequest | undefined,
): ScopedExpression | undefined {
  const args = call.arguments ?? [];
  const at = (index: number): ScopedExpression | undefined => (args[index] ? { scope, expression: args[index] } : undefined);
  switch (styleId) {
    case 'openai-sdk':
    case 'openrouter-sdk':
      return at(1);
    case 'vercel-ai-sdk':
    case 'langchain':
      return at(0);
    default:
      if (request) return request.init ? { scope, expression: request.init } : undefined;
      // `axios.post(url, data, config)`; `got.post(url, options)`, `axios(config)`, `request(url, init)`.
      if (styleId === 'axios' && args.length >= 2 && !scope.ts.isObjectLiteralExpression(unwrapExpression(scope.ts, args[0]!))) return at(2);
      return at(args.length >= 2 ? 1 : 0);
  }
}
