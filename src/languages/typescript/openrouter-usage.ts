import type ts from 'typescript';
import type { WorkspaceFile } from '../../workspace/workspace.js';
import type { FileScope } from './file-scope.js';
import { spellsAnyOf } from '../../workspace/byte-scan.js';
import { followConsts } from './follow-const.js';
import type { TypeScript } from './load-typescript.js';
import type { ProjectModules } from './project-modules.js';
import { presenceOfKeys } from './resolve-object.js';
import type { ScopedExpression } from './resolve-object.js';
import { UNKNOWN_PART, partialTextOf } from './resolve-string.js';
import { literalPropertyName, unwrapExpression } from './syntax.js';
import { positionLookup } from '../../workspace/text-position.js';
import { snippetOf } from '../../workspace/snippet.js';

/** Where a client or request sends its traffic, as far as the code tells. */
export type Target = 'openrouter' | 'other' | 'unknown';

export type ClientSdk = 'OpenAI SDK' | '@openrouter/sdk';

/** `new OpenAI({…})` or `new OpenRouter({…})`. */
export interface ClientConstruction {
  node: ts.NewExpression;
  scope: FileScope;
  sdk: ClientSdk;
  /** The options object passed, or undefined when none is. */
  options: ts.Expression | undefined;
  target: Target;
}

/** A completion request: an SDK call or a raw HTTP call to a chat completions URL. */
export interface CompletionRequest {
  node: ts.CallExpression;
  style: ClientSdk | 'raw HTTP';
  /** As messages show it: `chat.completions.create()`, `fetch()`, `axios.post()`, `chat.send()`. */
  callee: string;
  /** The request body object, when the code shows which it is. */
  body: ScopedExpression | undefined;
  /** Raw HTTP only: the object holding `headers` and `signal` (fetch's init, axios' config); undefined when none is passed. */
  init: ts.Expression | undefined;
  /** SDK calls: the construction of the client the call goes through, when it can be followed. */
  client: ClientConstruction | undefined;
  target: Target;
}

/** What one file shows about how it reaches OpenRouter. Holds syntax nodes: drop it once the file is done. */
export interface OpenRouterUsage {
  scope: FileScope;
  constructions: ClientConstruction[];
  requests: CompletionRequest[];
  /** `process.env.X` / `import.meta.env.X` reads, with the variable's name. */
  envReads: { node: ts.Node; name: string }[];
  /** The file starts with the `'use client'` directive (React Server Components). */
  isClientModule: boolean;
}

const OPENROUTER_HOST = 'openrouter.ai';
/** The spellings code uses for the service; Buffer.includes is case-sensitive. */
const MENTIONS = ['openrouter', 'OPENROUTER', 'OpenRouter', 'Openrouter', 'openRouter'];
const SDK_CALL_WORDS = ['completions', 'chat.send'];
const USE_CLIENT = ["'use client'", '"use client"'];
/** Paths of the endpoints that run a completion. */
const COMPLETION_PATHS = ['/chat/completions', '/completions', '/responses'];
const OPENROUTER_SDK_MODULE = '@openrouter/sdk';
/** HTTP clients whose second argument holds options (`{ json, headers }`), not the body itself. */
const OPTIONS_FIRST_CLIENTS = new Set(['got', 'ky']);

/** False when a file cannot mention OpenRouter (and so is never parsed). */
export const mayMentionOpenRouter: (bytes: Buffer) => boolean = spellsAnyOf(MENTIONS);

/** False when a file cannot hold an SDK completion call; one through a client imported from another file need not mention OpenRouter. */
export const mayCallCompletions: (bytes: Buffer) => boolean = spellsAnyOf(SDK_CALL_WORDS);

/** False when a file cannot start with a `'use client'` directive. */
export const mayBeClientModule: (bytes: Buffer) => boolean = spellsAnyOf(USE_CLIENT);

/** Where a URL's known text points: OpenRouter (openrouter.ai or a subdomain), elsewhere, or unknown (its start is not known). */
export function targetOfUrl(url: string): Target {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:@]*)/i.exec(url);
  if (!match) return 'unknown';
  const host = match[1]!.toLowerCase().replace(/\.$/, '');
  if (host.includes(UNKNOWN_PART)) return 'unknown';
  return host === OPENROUTER_HOST || host.endsWith(`.${OPENROUTER_HOST}`) ? 'openrouter' : 'other';
}

/** Whether a URL's known text (query dropped) ends at a completion endpoint. */
function isCompletionUrl(url: string): boolean {
  const path = url.split(/[?#]/, 1)[0]!.replace(/\/+$/, '');
  return COMPLETION_PATHS.some((candidate) => path.endsWith(candidate));
}

/** One walk over a file: the clients it builds, the completion requests it sends, the env variables it reads. */
export function openRouterUsageOf(ts: TypeScript, path: string, modules: ProjectModules): OpenRouterUsage | undefined {
  const scope = modules.scopeOf(path);
  if (!scope) {
    // A file that cannot be parsed is not silently clean: the scan loop reports it.
    const failure = modules.parseFailureOf(path);
    if (failure !== undefined) throw new Error(failure);
    return undefined;
  }
  const news: ts.NewExpression[] = [];
  const calls: ts.CallExpression[] = [];
  const envReads: { node: ts.Node; name: string }[] = [];
  // An explicit stack, not recursion: deeply nested code must not overflow the call stack.
  const pending: ts.Node[] = [scope.sourceFile];
  const push = (child: ts.Node): void => {
    pending.push(child);
  };
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (ts.isNewExpression(node)) news.push(node);
    else if (ts.isCallExpression(node)) calls.push(node);
    else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      const name = envVariableRead(ts, node);
      if (name !== undefined) envReads.push({ node, name });
    } else if (ts.isVariableDeclaration(node) && node.initializer && ts.isObjectBindingPattern(node.name) && isEnvObject(ts, node.initializer)) {
      // `const { VITE_OPENROUTER_KEY } = import.meta.env` reads each name it destructures.
      for (const element of node.name.elements) {
        const key = element.propertyName ?? element.name;
        const name = ts.isObjectBindingPattern(key) || ts.isArrayBindingPattern(key) ? undefined : literalPropertyName(ts, key);
        if (name !== undefined) envReads.push({ node: element, name });
      }
    }
    ts.forEachChild(node, push);
  }
  const constructions = news.flatMap((node) => {
    const construction = clientConstruction(scope, node);
    return construction ? [construction] : [];
  });
  const requests = calls.flatMap((call) => {
    const request = completionRequest(scope, call);
    return request ? [request] : [];
  });
  const byStart = (a: { node: ts.Node }, b: { node: ts.Node }): number => a.node.pos - b.node.pos;
  return {
    scope,
    constructions: constructions.sort(byStart),
    requests: requests.sort(byStart),
    envReads: envReads.sort(byStart),
    isClientModule: isClientModule(ts, scope.sourceFile),
  };
}

/** `'use client'` among the directives that open the file (its prologue), not any string statement later on. */
function isClientModule(ts: TypeScript, sourceFile: ts.SourceFile): boolean {
  for (const statement of sourceFile.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (statement.expression.text === 'use client') return true;
  }
  return false;
}

/** The name in `process.env.NAME`, `process.env['NAME']` or `import.meta.env.NAME`, or undefined. */
function envVariableRead(ts: TypeScript, access: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  const name = ts.isPropertyAccessExpression(access)
    ? ts.isIdentifier(access.name)
      ? access.name.text
      : undefined
    : ts.isStringLiteralLike(access.argumentExpression)
      ? access.argumentExpression.text
      : undefined;
  return name !== undefined && isEnvObject(ts, access.expression) ? name : undefined;
}

/** `process.env` or `import.meta.env`. */
function isEnvObject(ts: TypeScript, expression: ts.Expression): boolean {
  const owner = unwrapExpression(ts, expression);
  if (!ts.isPropertyAccessExpression(owner) || owner.name.text !== 'env') return false;
  const root = unwrapExpression(ts, owner.expression);
  if (ts.isIdentifier(root) && root.text === 'process') return true;
  return ts.isMetaProperty(root) && root.keywordToken === ts.SyntaxKind.ImportKeyword && root.name.text === 'meta';
}

/** A name of a library's class: undeclared and spelled so, or imported from one of `modules` (default or by that name). */
function isLibraryClass(scope: FileScope, callee: ts.Expression, name: string, modules: readonly string[]): boolean {
  const { ts } = scope;
  if (!ts.isIdentifier(callee)) return false;
  const binding = scope.bindingOf(callee);
  if (binding === undefined) return callee.text === name;
  if (binding.kind !== 'import' || !modules.includes(binding.from)) return false;
  return binding.imported === undefined || binding.imported === 'default' || binding.imported === name;
}

/** `new OpenAI({…})` (from 'openai') or `new OpenRouter({…})` (from '@openrouter/sdk'), with where it sends requests. */
export function clientConstruction(scope: FileScope, node: ts.NewExpression): ClientConstruction | undefined {
  const { ts } = scope;
  const callee = unwrapExpression(ts, node.expression);
  const options = node.arguments?.[0];
  if (isLibraryClass(scope, callee, 'OpenAI', ['openai'])) {
    return { node, scope, sdk: 'OpenAI SDK', options, target: urlOptionTarget(scope, options, 'baseURL', 'other') };
  }
  if (isLibraryClass(scope, callee, 'OpenRouter', [OPENROUTER_SDK_MODULE])) {
    return { node, scope, sdk: '@openrouter/sdk', options, target: urlOptionTarget(scope, options, 'serverURL', 'openrouter') };
  }
  return undefined;
}

/** Where a client's URL option points; `whenAbsent` is the SDK's own default. */
export function urlOptionTarget(scope: FileScope, options: ts.Expression | undefined, key: string, whenAbsent: Target): Target {
  if (!options) return whenAbsent;
  const presence = presenceOfKeys(scope, options, [key]);
  if (presence.kind === 'absent') return whenAbsent;
  if (presence.kind === 'unknown') return 'unknown';
  const targets = presence.values.map((value) => targetOfUrl(partialTextOf(value.scope, value.expression)));
  if (targets.every((target) => target === 'openrouter')) return 'openrouter';
  return targets.includes('other') ? 'other' : 'unknown';
}

/** The completion request a call sends, or undefined if it is not one this analysis knows. */
function completionRequest(scope: FileScope, call: ts.CallExpression): CompletionRequest | undefined {
  const { ts } = scope;
  const callee = unwrapExpression(ts, call.expression);
  const [first, second, third] = call.arguments;
  if (ts.isIdentifier(callee) && callee.text === 'fetch' && first) {
    const url = partialTextOf(scope, first);
    if (!isCompletionUrl(url)) return undefined;
    const body = fetchBody(scope, second);
    return { node: call, style: 'raw HTTP', callee: 'fetch()', body, init: second, client: undefined, target: targetOfUrl(url) };
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = unwrapExpression(ts, callee.expression);
  if (method === 'post' && first) {
    const url = partialTextOf(scope, first);
    if (!isCompletionUrl(url)) return undefined;
    const owner = ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : undefined;
    const label = owner ? `${owner}.post()` : 'post()';
    const json = second ? presenceOfKeys(scope, second, ['json']) : undefined;
    if ((owner !== undefined && OPTIONS_FIRST_CLIENTS.has(owner)) || json?.kind === 'present') {
      // got and ky: `post(url, { json, headers, timeout })`, the body under `json`.
      const body = json?.kind === 'present' && json.values.length === 1 ? json.values[0] : undefined;
      return { node: call, style: 'raw HTTP', callee: label, body, init: second, client: undefined, target: targetOfUrl(url) };
    }
    const body = second ? { scope, expression: second } : undefined;
    return { node: call, style: 'raw HTTP', callee: label, body, init: third, client: undefined, target: targetOfUrl(url) };
  }
  if (method === 'create' && ts.isPropertyAccessExpression(receiver) && receiver.name.text === 'completions') {
    const chat = unwrapExpression(ts, receiver.expression);
    if (!ts.isPropertyAccessExpression(chat) || chat.name.text !== 'chat') return undefined;
    let root = unwrapExpression(ts, chat.expression);
    if (ts.isPropertyAccessExpression(root) && root.name.text === 'beta') root = unwrapExpression(ts, root.expression);
    const client = clientOf(scope, root);
    const body = first ? { scope, expression: first } : undefined;
    // A client whose construction cannot be followed may be anyone's: only the file's own imports can say.
    const target = client ? client.target : 'unknown';
    return { node: call, style: 'OpenAI SDK', callee: 'chat.completions.create()', body, init: undefined, client, target };
  }
  if (method === 'send' && ts.isPropertyAccessExpression(receiver) && receiver.name.text === 'chat' && first) {
    if (ts.isStringLiteralLike(unwrapExpression(ts, first))) return undefined;
    const client = clientOf(scope, unwrapExpression(ts, receiver.expression));
    const fromSdk = client?.sdk === '@openrouter/sdk' || (client === undefined && importsModule(scope, OPENROUTER_SDK_MODULE));
    if (!fromSdk) return undefined;
    return {
      node: call,
      style: '@openrouter/sdk',
      callee: 'chat.send()',
      body: openRouterSendBody(scope, first),
      init: undefined,
      client,
      target: client ? client.target : 'openrouter',
    };
  }
  return undefined;
}

/** Whether the file imports anything from a module. */
function importsModule(scope: FileScope, module: string): boolean {
  const { ts } = scope;
  return scope.sourceFile.statements.some(
    (statement) => ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === module,
  );
}

/** The client an SDK call goes through: a construction inline, in a const (also imported), or in a field of the class. */
export function clientOf(scope: FileScope, expression: ts.Expression): ClientConstruction | undefined {
  const { ts } = scope;
  if (ts.isPropertyAccessExpression(expression) && expression.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const value = classFieldValue(scope, expression);
    return value ? clientOf(scope, value) : undefined;
  }
  const followed = followConsts(scope, expression);
  if (!('scope' in followed)) return undefined;
  return followed.scope.ts.isNewExpression(followed.expression) ? clientConstruction(followed.scope, followed.expression) : undefined;
}

/** What `this.name` holds in its class: the field's initializer, or the one value assigned to it, if exactly one. */
function classFieldValue(scope: FileScope, access: ts.PropertyAccessExpression): ts.Expression | undefined {
  const { ts } = scope;
  let owner: ts.Node | undefined = access.parent;
  while (owner && !ts.isClassLike(owner)) owner = owner.parent;
  if (!owner) return undefined;
  const name = access.name.text;
  const values: ts.Expression[] = [];
  const pending: ts.Node[] = [owner];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (ts.isPropertyDeclaration(node) && node.parent === owner && literalPropertyName(ts, node.name) === name && node.initializer) {
      values.push(node.initializer);
    } else if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      node.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
      node.left.name.text === name
    ) {
      values.push(node.right);
    }
    ts.forEachChild(node, (child) => {
      pending.push(child);
    });
  }
  return values.length === 1 ? values[0] : undefined;
}

/** The object fetch sends: `init.body` when it is `JSON.stringify(object)`. */
function fetchBody(scope: FileScope, init: ts.Expression | undefined): ScopedExpression | undefined {
  if (!init) return undefined;
  const body = presenceOfKeys(scope, init, ['body']);
  if (body.kind !== 'present' || body.values.length !== 1) return undefined;
  const followed = followConsts(body.values[0]!.scope, body.values[0]!.expression);
  if (!('scope' in followed)) return undefined;
  const { ts } = followed.scope;
  const value = followed.expression;
  if (!ts.isCallExpression(value) || !value.arguments[0]) return undefined;
  const callee = unwrapExpression(ts, value.expression);
  const isStringify =
    ts.isPropertyAccessExpression(callee) && callee.name.text === 'stringify' && ts.isIdentifier(callee.expression) && callee.expression.text === 'JSON';
  return isStringify ? { scope: followed.scope, expression: value.arguments[0] } : undefined;
}

/** @openrouter/sdk's request: under `chatRequest` (v0.11+) or `chatGenerationParams` (v0.8), or the argument itself (older, flat). */
function openRouterSendBody(scope: FileScope, argument: ts.Expression): ScopedExpression | undefined {
  const wrapped = presenceOfKeys(scope, argument, ['chatRequest', 'chatGenerationParams']);
  if (wrapped.kind === 'absent') return { scope, expression: argument };
  if (wrapped.kind === 'present' && wrapped.values.length === 1) return wrapped.values[0];
  return undefined;
}

/** The header names an object sets, lower-cased, and whether that is all of them (no spread or key the code hides). */
export function headerNamesOf(scope: FileScope, expression: ts.Expression, depth = 0): { names: Set<string>; complete: boolean } {
  const names = new Set<string>();
  if (depth > 8) return { names, complete: false };
  const followed = followConsts(scope, expression);
  if (!('scope' in followed)) return { names, complete: false };
  const { ts } = followed.scope;
  const value = followed.expression;
  // `new Headers({…})` holds the names of its init.
  if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'Headers') {
    if (!value.arguments?.[0]) return { names, complete: true };
    return headerNamesOf(followed.scope, value.arguments[0], depth + 1);
  }
  if (!ts.isObjectLiteralExpression(value)) return { names, complete: false };
  let complete = true;
  for (const member of value.properties) {
    if (ts.isSpreadAssignment(member)) {
      const spread = headerNamesOf(followed.scope, member.expression, depth + 1);
      for (const name of spread.names) names.add(name);
      complete &&= spread.complete;
      continue;
    }
    if (!member.name) continue;
    const name = ts.isComputedPropertyName(member.name) ? computedName(followed.scope, member.name) : literalPropertyName(ts, member.name);
    if (name === undefined) complete = false;
    else names.add(name.toLowerCase());
  }
  return { names, complete };
}

function computedName(scope: FileScope, name: ts.ComputedPropertyName): string | undefined {
  const text = partialTextOf(scope, name.expression);
  return text.includes(UNKNOWN_PART) ? undefined : text;
}

/** A value known to be `true`, through consts. */
export function isTrueLiteral(scope: FileScope, expression: ts.Expression): boolean {
  const followed = followConsts(scope, expression);
  return 'scope' in followed && followed.expression.kind === followed.scope.ts.SyntaxKind.TrueKeyword;
}

/** A value known to be the number 0, through consts. */
export function isZeroLiteral(scope: FileScope, expression: ts.Expression): boolean {
  const followed = followConsts(scope, expression);
  return 'scope' in followed && followed.scope.ts.isNumericLiteral(followed.expression) && Number(followed.expression.text) === 0;
}

/** A finding's location for a node of a parsed file: 1-based line and column, and the trimmed, masked line. */
export function locationOf(file: WorkspaceFile, sourceFile: ts.SourceFile, node: ts.Node): { file: string; line: number; column: number; snippet: string } {
  const { line, column } = positionLookup(sourceFile.text)(node.getStart(sourceFile));
  return { file: file.path, line, column, snippet: snippetOf(file.lineText(line)) };
}
