import type ts from 'typescript';
import type { RequestPayload } from './cap-outcome.js';
import type { FileScope } from './file-scope.js';
import type { TypeScript } from './load-typescript.js';
import { partialTextOf } from './resolve-string.js';
import { unwrapExpression } from './syntax.js';

/** A call recognised as a completion request: how messages name it and where its request object is. */
export interface CallMatch {
  /** As messages show it: `chat.completions.create()`, `fetch()`, `axios.post()`. */
  callee: string;
  payload: RequestPayload;
}

/**
 * One way application code asks for a completion. Adding an SDK means adding rows to
 * COMPLETION_CALL_STYLES: a matcher, the keys that cap the output there, and how to spell the fix.
 */
export interface CompletionCallStyle {
  /** Named in findings: `OpenAI SDK`, `raw HTTP`. */
  name: string;
  /** The last name of the callee (`create` in `a.b.create(…)`): the walk only keeps calls with such a name. */
  calleeName: string;
  /** A file containing none of these byte strings cannot hold this style's call; it is not even parsed. */
  keywords: readonly string[];
  /** Top-level request keys that cap the output. */
  capKeys: readonly string[];
  /** The cap to add, spelled as this style spells it. */
  fixHint: string;
  /** Recognises this style's call, or returns undefined. */
  match(call: ts.CallExpression, scope: FileScope): CallMatch | undefined;
}

type Matcher = CompletionCallStyle['match'];

const CHAT_CAP_KEYS = ['max_tokens', 'max_completion_tokens'];
const RESPONSES_CAP_KEYS = ['max_output_tokens'];
/** `/chat/completions` ends in `/completions` too; both are listed for the reader. */
const CHAT_PATHS = ['/chat/completions', '/completions'];
const RESPONSES_PATHS = ['/responses'];

export const COMPLETION_CALL_STYLES: readonly CompletionCallStyle[] = [
  {
    name: 'OpenAI SDK',
    calleeName: 'create',
    keywords: ['completions'],
    capKeys: CHAT_CAP_KEYS,
    fixHint: 'max_tokens: 1024',
    match: sdkCreateCall('completions'),
  },
  {
    name: 'OpenAI SDK',
    calleeName: 'create',
    keywords: ['responses'],
    capKeys: RESPONSES_CAP_KEYS,
    fixHint: 'max_output_tokens: 1024',
    match: sdkCreateCall('responses'),
  },
  {
    name: 'raw HTTP',
    calleeName: 'fetch',
    keywords: ['fetch'],
    capKeys: CHAT_CAP_KEYS,
    fixHint: '"max_tokens": 1024 to the JSON body',
    match: fetchCallTo(CHAT_PATHS),
  },
  {
    name: 'raw HTTP',
    calleeName: 'fetch',
    keywords: ['fetch'],
    capKeys: RESPONSES_CAP_KEYS,
    fixHint: '"max_output_tokens": 1024 to the JSON body',
    match: fetchCallTo(RESPONSES_PATHS),
  },
  {
    name: 'raw HTTP',
    calleeName: 'post',
    keywords: ['post'],
    capKeys: CHAT_CAP_KEYS,
    fixHint: '"max_tokens": 1024 to the JSON body',
    match: postCallTo(CHAT_PATHS),
  },
  {
    name: 'raw HTTP',
    calleeName: 'post',
    keywords: ['post'],
    capKeys: RESPONSES_CAP_KEYS,
    fixHint: '"max_output_tokens": 1024 to the JSON body',
    match: postCallTo(RESPONSES_PATHS),
  },
];

const KEYWORD_BYTES = [...new Set(COMPLETION_CALL_STYLES.flatMap((style) => style.keywords))].map((keyword) => Buffer.from(keyword));

/** False when a file cannot contain any recognised call: such a file is never parsed. */
export function mayContainCompletionCall(bytes: Buffer): boolean {
  return KEYWORD_BYTES.some((keyword) => bytes.includes(keyword));
}

/** `<anything>.completions.create(options)` or `<anything>.responses.create(options)`. */
function sdkCreateCall(resource: 'completions' | 'responses'): Matcher {
  return (call, { ts }) => {
    const callee = unwrapExpression(ts, call.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'create') return undefined;
    const receiver = unwrapExpression(ts, callee.expression);
    const receiverName = ts.isPropertyAccessExpression(receiver) ? receiver.name.text : ts.isIdentifier(receiver) ? receiver.text : undefined;
    if (receiverName !== resource) return undefined;
    const onChat = ts.isPropertyAccessExpression(receiver) && lastName(ts, unwrapExpression(ts, receiver.expression)) === 'chat';
    return {
      callee: `${onChat ? 'chat.' : ''}${resource}.create()`,
      payload: { kind: 'object', expression: call.arguments[0], subject: 'options' },
    };
  };
}

/** `fetch(url, init)` with the URL ending in one of `paths`; its request is JSON.stringify'd into `init.body`. */
function fetchCallTo(paths: readonly string[]): Matcher {
  return (call, scope) => {
    const [url, init] = call.arguments;
    if (!url || !urlEndsWithOneOf(partialTextOf(scope, url), paths)) return undefined;
    return { callee: 'fetch()', payload: { kind: 'fetch-init', init } };
  };
}

/** `<client>.post(url, data, config?)` (axios and alike) with the URL ending in one of `paths`. */
function postCallTo(paths: readonly string[]): Matcher {
  return (call, scope) => {
    const { ts } = scope;
    const callee = unwrapExpression(ts, call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const [url, data, ...rest] = call.arguments;
    if (!url || !urlEndsWithOneOf(partialTextOf(scope, url), paths)) return undefined;
    // `app.post('/chat/completions', handler)` declares a server route: it sends nothing.
    if ([data, ...rest].some((argument) => argument !== undefined && isFunction(scope, argument))) return undefined;
    const receiver = lastName(ts, unwrapExpression(ts, callee.expression));
    return {
      callee: receiver ? `${receiver}.post()` : 'post()',
      payload: { kind: 'object', expression: data, subject: 'the body' },
    };
  };
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
