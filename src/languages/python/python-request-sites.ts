import type { Node } from 'web-tree-sitter';
import { mayMentionOpenRouter, targetOfUrl } from '../typescript/openrouter-usage.js';
import { keySourceOf } from '../../inventory/key-source.js';
import type { Attribution, ClientSite, RequestSite, Resolved, SiteTarget } from '../../inventory/request-site.js';
import type { ClientStyleId } from '../../inventory/client-styles.js';
import { capOutcomeOf, explainUnresolved, matchPythonCalls } from './find-python-calls.js';
import type { PythonCallMatchAt } from './find-python-calls.js';
import { calleeName, PythonModuleScope } from './python-scope.js';
import type { KeyPresence, Scope } from './python-scope.js';
import type { PythonSource } from './python-source.js';

const REFERER_KEYS = ['HTTP-Referer', 'http-referer', 'Http-Referer', 'HTTP-REFERER'];
const TITLE_KEYS = ['X-OpenRouter-Title', 'x-openrouter-title', 'X-Title', 'x-title', 'X-TITLE'];
const OPENAI_CLIENTS = new Set(['OpenAI', 'AsyncOpenAI', 'AzureOpenAI', 'AsyncAzureOpenAI']);
const HTTPX_CLIENTS = new Set(['Client', 'AsyncClient']);
/** A name that holds the OpenRouter key says where the client's requests go when its base URL does not. */
const OPENROUTER_NAME = /openrouter/i;

/** The requests and the clients they go through in one parsed Python file, for the request inventory. */
export function pythonRequestSites(source: PythonSource, root: Node): { requests: RequestSite[]; clients: ClientSite[] } {
  const module = new PythonModuleScope(root);
  const builder = new SiteBuilder(module, source);
  const requests = matchPythonCalls(module).map((matched) => builder.request(matched));
  // Clients no request in this file uses (the requests may be in another module) are still the app's clients.
  for (const call of module.calls) {
    if (OPENAI_CLIENTS.has(module.libraryNameOf(call.childForFieldName('function'), module.scopeOf(call)) ?? '') && module.importedModules.has('openai')) {
      builder.clientBuiltBy(call, [], 'py-openai-sdk');
    }
  }
  return { requests, clients: [...builder.clients.values()] };
}

class SiteBuilder {
  /** Clients by the id of the call that builds them: each is one entry however many requests use it. */
  readonly clients = new Map<number, ClientSite>();

  constructor(
    private readonly module: PythonModuleScope,
    private readonly source: PythonSource,
  ) {}

  request({ call, at, scope, style, match }: PythonCallMatchAt): RequestSite {
    const { module } = this;
    const args = call.childForFieldName('arguments')!;
    const receiver = call.childForFieldName('function')?.childForFieldName('object') ?? null;
    const styleId = this.styleOf(style.name, receiver, scope);
    const client = styleId === 'py-openai-sdk' || styleId === 'py-httpx' ? this.clientOf(receiver, scope, styleId) : undefined;
    // LangChain's model is built by the call itself: its options are the client's.
    const argumentsAre = (keys: readonly string[]): KeyPresence => module.keysInArguments(args, scope, keys);
    const site: RequestSite = {
      location: this.source.locate((at ?? call).startIndex),
      language: 'python',
      clientStyle: styleId,
      callee: match.callee,
      target: this.targetOf(styleId, match, scope, client, argumentsAre),
      ...(client ? { client } : {}),
      outputCap: capOutcomeOf(module, scope, match.payload, style),
      capFix: style.fixHint,
      uncappedCallers: [],
      timeout: this.resolved(argumentsAre(styleId === 'py-langchain' ? ['timeout', 'request_timeout'] : ['timeout']), 'options', true),
      fallbacks: this.fallbacksOf(styleId, match, scope, argumentsAre),
      attribution: this.attributionOf(styleId, argumentsAre),
      fileNamesOpenRouter: mayMentionOpenRouter(this.source.file.bytes),
    };
    return site;
  }

  /** The style's table entry: an HTTP call's library is told by its receiver or, failing that, the file's imports. */
  private styleOf(name: string, receiver: Node | null, scope: Scope): ClientStyleId {
    switch (name) {
      case 'OpenAI SDK':
        return 'py-openai-sdk';
      case 'openrouter SDK':
        return 'py-openrouter-sdk';
      case 'LangChain':
        return 'py-langchain';
      case 'LiteLLM':
        return 'py-litellm';
    }
    if (!receiver) return 'py-urllib';
    const root = receiver.type === 'identifier' ? receiver.text : undefined;
    if (root === 'requests') return 'py-requests';
    if (root === 'httpx') return 'py-httpx';
    const made = this.madeBy(receiver, scope);
    const maker = made ? (made.childForFieldName('function')?.text ?? '') : '';
    if (/\bhttpx\b|^(Async)?Client$/.test(maker)) return 'py-httpx';
    if (/Session$/.test(maker)) return maker.includes('aiohttp') || maker === 'ClientSession' ? 'py-aiohttp' : 'py-requests';
    const imported = this.module.importedModules;
    if (imported.has('aiohttp') && !imported.has('requests') && !imported.has('httpx')) return 'py-aiohttp';
    if (imported.has('httpx') && !imported.has('requests')) return 'py-httpx';
    return 'py-requests';
  }

  /** The call a receiver was made by (`OpenAI(…)`, `httpx.Client(…)`), through names, `self.` fields and `.with_options(…)`. */
  private madeBy(receiver: Node | null, scope: Scope): Node | undefined {
    let node = receiver;
    // `client.chat.completions`: the client is the root of the attribute chain (`self.client` is one name).
    while (node?.type === 'attribute') {
      const object = node.childForFieldName('object');
      if (object?.type === 'identifier' && object.text === 'self') break;
      node = object;
    }
    if (!node) return undefined;
    if (node.type === 'call') return node;
    const followed = this.module.follow(node, scope);
    return 'node' in followed && followed.node.type === 'call' ? followed.node : undefined;
  }

  /** The client a request goes through, when the code shows its construction. */
  private clientOf(receiver: Node | null, scope: Scope, styleId: ClientStyleId): ClientSite | undefined {
    let made = this.madeBy(receiver, scope);
    const viaOptions: Node[] = [];
    // `client.with_options(timeout=…)` is the client with some options changed.
    while (made && calleeName(made.childForFieldName('function')) === 'with_options') {
      viaOptions.push(made);
      const owner = made.childForFieldName('function')?.childForFieldName('object');
      made = owner ? (this.madeBy(owner, this.module.scopeOf(owner)) ?? (owner.type === 'call' ? owner : undefined)) : undefined;
    }
    return made ? this.clientBuiltBy(made, viaOptions, styleId) : undefined;
  }

  /** The client a call builds (`OpenAI(…)`, `httpx.Client(…)`), as changed by `viaOptions`; undefined for any other call. */
  clientBuiltBy(made: Node, viaOptions: readonly Node[], styleId: ClientStyleId): ClientSite | undefined {
    const name = this.module.libraryNameOf(made.childForFieldName('function'), this.module.scopeOf(made)) ?? '';
    const isOpenAi = styleId === 'py-openai-sdk' && OPENAI_CLIENTS.has(name);
    const isHttpx = styleId === 'py-httpx' && HTTPX_CLIENTS.has(name);
    if (!isOpenAi && !isHttpx) return undefined;
    const key = viaOptions[0]?.id ?? made.id;
    const known = this.clients.get(key);
    if (known) return known;
    const at = this.module.scopeOf(made);
    const args = made.childForFieldName('arguments')!;
    const presence = (keys: readonly string[]): KeyPresence => {
      const own = this.module.keysInArguments(args, at, keys);
      const changed = viaOptions.map((options) => this.module.keysInArguments(options.childForFieldName('arguments')!, this.module.scopeOf(options), keys));
      return changed.find((one) => one.kind === 'present') ?? own;
    };
    const client: ClientSite = {
      // A client changed by `.with_options(…)` is a client of its own, there.
      location: this.source.locate((viaOptions[0] ?? made).startIndex),
      language: 'python',
      clientStyle: styleId,
      constructor: viaOptions.length > 0 ? `${name}().with_options()` : `${name}()`,
      target: this.urlTarget(
        presence(['base_url']),
        isOpenAi ? presence(['api_key']) : { kind: 'absent' },
        isOpenAi ? "the OpenAI SDK's default api.openai.com" : undefined,
      ),
      timeout: this.resolved(presence(['timeout']), 'options', true),
      retriesOff: this.zero(presence(['max_retries'])),
      attribution: isOpenAi ? this.headerNames(presence(['default_headers'])) : this.headerNames(presence(['headers'])),
    };
    const apiKey = presence(['api_key']);
    if (apiKey.kind === 'present' && apiKey.values.length === 1) {
      const { node, scope } = apiKey.values[0]!;
      const followed = this.module.follow(node, scope);
      const keySource = keySourceOf('node' in followed ? followed.node.text : node.text);
      if (keySource !== undefined) client.keySource = keySource;
    }
    this.clients.set(key, client);
    return client;
  }

  private targetOf(
    styleId: ClientStyleId,
    match: PythonCallMatchAt['match'],
    scope: Scope,
    client: ClientSite | undefined,
    argumentsAre: (keys: readonly string[]) => KeyPresence,
  ): SiteTarget {
    switch (styleId) {
      case 'py-openrouter-sdk':
        return { kind: 'openrouter', decidedBy: 'the openrouter package' };
      case 'py-litellm':
        return { kind: 'openrouter', decidedBy: 'an openrouter/ model or an OpenRouter api_base' };
      case 'py-openai-sdk':
        return client?.target ?? { kind: 'unknown', decidedBy: 'the client is not built in this file' };
      case 'py-langchain': {
        if (match.callee === 'ChatOpenRouter()') return { kind: 'openrouter', decidedBy: 'ChatOpenRouter' };
        const provider = argumentsAre(['model_provider']);
        if (provider.kind === 'present' && provider.values.some(({ node, scope: at }) => this.module.stringOf(node, at) === 'openrouter')) {
          return { kind: 'openrouter', decidedBy: 'model_provider="openrouter"' };
        }
        return this.urlTarget(argumentsAre(['base_url', 'openai_api_base']), argumentsAre(['api_key', 'openai_api_key']), "LangChain's default api.openai.com");
      }
      default: {
        if (!match.url) return { kind: 'unknown', decidedBy: 'the URL is not known' };
        const text = this.module.partialTextOf(match.url, scope);
        if (text.startsWith('/') && client) return client.target;
        const target = targetOfUrl(text);
        return { kind: target, decidedBy: target === 'unknown' ? "the URL's host is not known" : "the URL's host" };
      }
    }
  }

  /** Where a base URL option points; absent means `fallback` (the library's default host); a key variable may tell. */
  private urlTarget(base: KeyPresence, key: KeyPresence, fallback: string | undefined): SiteTarget {
    if (base.kind === 'present') {
      const targets = base.values.map(({ node, scope }) => targetOfUrl(this.module.partialTextOf(node, scope)));
      if (targets.every((target) => target === 'openrouter')) return { kind: 'openrouter', decidedBy: 'the base URL' };
      if (targets.includes('other')) return { kind: 'other', decidedBy: 'the base URL' };
    } else if (base.kind === 'absent' && fallback !== undefined) {
      return { kind: 'other', decidedBy: fallback };
    }
    if (key.kind === 'present' && key.values.some(({ node }) => OPENROUTER_NAME.test(node.text))) {
      return { kind: 'openrouter', decidedBy: 'the key variable name' };
    }
    return { kind: 'unknown', decidedBy: base.kind === 'unknown' ? explainUnresolved(base.unresolved, 'options') : 'the base URL is not known' };
  }

  private fallbacksOf(
    styleId: ClientStyleId,
    match: PythonCallMatchAt['match'],
    scope: Scope,
    argumentsAre: (keys: readonly string[]) => KeyPresence,
  ): Resolved {
    const inDict = (presence: KeyPresence): Resolved => {
      if (presence.kind !== 'present') return this.resolved(presence, 'options');
      return anyOf(presence.values.map(({ node, scope: at }) => this.resolved(this.module.keysIn(node, at, ['models']), 'options')));
    };
    if (match.payload.kind === 'body') {
      const body = match.payload.serialised ? this.dumped(match.payload.body, scope) : { node: match.payload.body, scope };
      if (!body) return { kind: 'unknown', reason: 'the body is not json.dumps(...) of a dict' };
      return this.resolved(this.module.keysIn(body.node, body.scope, ['models', 'provider']), 'the body');
    }
    if (styleId === 'py-litellm') return this.resolved(argumentsAre(['fallbacks', 'models']), 'options');
    if (styleId === 'py-openrouter-sdk') return this.resolved(argumentsAre(['models', 'provider']), 'options');
    return anyOf([inDict(argumentsAre(['extra_body'])), ...(styleId === 'py-langchain' ? [inDict(argumentsAre(['model_kwargs']))] : [])]);
  }

  private attributionOf(styleId: ClientStyleId, argumentsAre: (keys: readonly string[]) => KeyPresence): Attribution {
    switch (styleId) {
      case 'py-openai-sdk':
        return this.headerNames(argumentsAre(['extra_headers']));
      case 'py-langchain':
        return this.headerNames(argumentsAre(['default_headers']));
      case 'py-litellm':
        return this.headerNames(argumentsAre(['extra_headers', 'headers']));
      case 'py-openrouter-sdk':
        return {
          referer: { kind: 'unknown', reason: 'the openrouter SDK sets its own' },
          title: { kind: 'unknown', reason: 'the openrouter SDK sets its own' },
        };
      default:
        return this.headerNames(argumentsAre(['headers']));
    }
  }

  /** Which attribution headers a headers dict (the values of `presence`) sets. */
  private headerNames(presence: KeyPresence): Attribution {
    if (presence.kind !== 'present') {
      const none = this.resolved(presence, 'options');
      return { referer: none, title: none };
    }
    const of = (keys: readonly string[]): Resolved =>
      anyOf(presence.values.map(({ node, scope }) => this.resolved(this.module.keysIn(node, scope, keys), 'options')));
    return { referer: of(REFERER_KEYS), title: of(TITLE_KEYS) };
  }

  /** `json.dumps(d)` (or `d` itself when it is a dict): the dict. */
  private dumped(body: Node, scope: Scope): { node: Node; scope: Scope } | undefined {
    const followed = this.module.follow(body, scope);
    if (!('node' in followed)) return undefined;
    let call = followed.node;
    if (call.type === 'dictionary') return followed;
    const callee = call.childForFieldName('function');
    if (call.type === 'call' && callee?.type === 'attribute' && calleeName(callee) === 'encode') call = callee.childForFieldName('object') ?? call;
    if (call.type !== 'call' || calleeName(call.childForFieldName('function')) !== 'dumps') return undefined;
    const first = call.childForFieldName('arguments')?.namedChildren.find((child) => child?.type !== 'keyword_argument');
    return first ? { node: first, scope: followed.scope } : undefined;
  }

  /** A key's presence as a property: `None` as a value leaves it unset when `noneIsUnset`. */
  private resolved(presence: KeyPresence, subject: 'options' | 'the body', noneIsUnset = false): Resolved {
    if (presence.kind === 'absent') return { kind: 'absent' };
    if (presence.kind === 'unknown') return { kind: 'unknown', reason: explainUnresolved(presence.unresolved, subject) };
    if (noneIsUnset && presence.values.every(({ node, scope }) => this.isNone(node, scope))) return { kind: 'absent' };
    const [first] = presence.values;
    return first ? { kind: 'set', at: this.source.locate(first.node.startIndex) } : { kind: 'set' };
  }

  /** `set` when every value given is the number 0. */
  private zero(presence: KeyPresence): Resolved {
    if (presence.kind !== 'present') return { kind: 'absent' };
    const zero = presence.values.every(({ node, scope }) => {
      const followed = this.module.follow(node, scope);
      return 'node' in followed && followed.node.type === 'integer' && Number(followed.node.text) === 0;
    });
    // At the keyword argument (`max_retries=0`), not its value.
    const value = presence.values[0]!.node;
    const at = value.parent?.type === 'keyword_argument' || value.parent?.type === 'pair' ? value.parent : value;
    return zero ? { kind: 'set', at: this.source.locate(at.startIndex) } : { kind: 'absent' };
  }

  private isNone(node: Node, scope: Scope): boolean {
    const followed = this.module.follow(node, scope);
    return 'node' in followed && followed.node.type === 'none';
  }
}

/** Any one place setting it is enough; one that cannot be read leaves it unknown. */
function anyOf(resolved: readonly Resolved[]): Resolved {
  return resolved.find((one) => one.kind === 'set') ?? resolved.find((one) => one.kind === 'unknown') ?? { kind: 'absent' };
}
