import type ts from 'typescript';
import type { FileScope } from './file-scope.js';
import { followConsts } from './follow-const.js';
import { presenceOfKeys } from './resolve-object.js';
import type { KeyPresence } from './resolve-object.js';
import { isNullish } from './syntax.js';
import { explainUnresolved } from './unresolved.js';
import type { Subject, Unresolved } from './unresolved.js';

/** Whether a completion request caps its output, or why the file does not tell. */
export type CapOutcome = { kind: 'capped' } | { kind: 'not-capped' } | { kind: 'unknown'; reason: string; unresolved: Unresolved };

/** Where a completion call's request object is, as its style locates it. */
export type RequestPayload =
  /** An SDK's options argument, or an HTTP client's data argument (an object, or JSON.stringify of one). */
  | {
      kind: 'object';
      expression: ts.Expression | undefined;
      subject: Subject;
      /** Keys the request may sit under instead of at the top (`{ chatRequest: {…} }`); the flat form counts too. */
      requestUnder?: readonly string[];
      /** Options applied to the same requests elsewhere (LangChain's `model.bind({…})`), with their own cap keys: a cap there counts. */
      alsoCappedBy?: { options: readonly ts.Expression[]; capKeys: readonly string[] };
    }
  /**
   * An HTTP client's options (fetch's init, got's options, an axios config): the request object sits under
   * `objectKey` (`json`, `data`), or is JSON.stringify'd into `serialisedKey` (`body`).
   */
  | { kind: 'init'; init: ts.Expression | undefined; objectKey?: string; serialisedKey?: string };

/** A key of an object, or the argument at an index of the call a value is made by. */
export type PathStep = string | { argument: number };

/** How one style spells its output cap. */
export interface CapSpelling {
  /** Top-level request keys that cap the output. */
  capKeys: readonly string[];
  /**
   * Objects nested in the request whose keys also cap it: `providerOptions.openrouter.max_tokens`, or, through
   * an argument of a call, the settings in `model: openrouter('id', { maxTokens })`.
   */
  nestedCaps?: readonly { path: readonly PathStep[]; keys: readonly string[] }[];
  /** A number the SDK reads as "no cap" (LangChain's -1). */
  unsetValue?: number;
}

const CAPPED: CapOutcome = { kind: 'capped' };
const NOT_CAPPED: CapOutcome = { kind: 'not-capped' };

/** The outcome for one call, or undefined when the call turns out to send no request body at all. */
export function capOutcomeOf(scope: FileScope, payload: RequestPayload, spelling: CapSpelling): CapOutcome | undefined {
  if (payload.kind === 'init') return initCapOutcome(scope, payload, spelling);
  const outcome = objectCapOutcome(scope, payload.expression, spelling, payload.subject, payload.requestUnder);
  if (outcome.kind === 'capped' || !payload.alsoCappedBy) return outcome;
  const { options, capKeys } = payload.alsoCappedBy;
  const boundSpelling: CapSpelling = { capKeys, unsetValue: spelling.unsetValue };
  const boundCap = options.some((bound) => objectCapOutcome(scope, bound, boundSpelling, 'options').kind === 'capped');
  return boundCap ? CAPPED : outcome;
}

/** An options argument or request body: an object, or JSON.stringify of one. */
function objectCapOutcome(
  scope: FileScope,
  expression: ts.Expression | undefined,
  spelling: CapSpelling,
  subject: Subject,
  requestUnder?: readonly string[],
): CapOutcome {
  if (!expression) return NOT_CAPPED;
  const followed = followConsts(scope, expression);
  // axios and friends also accept a body already serialised with JSON.stringify.
  const serialised = 'expression' in followed ? jsonStringifyCall(followed.scope, followed.expression) : undefined;
  if (serialised && !serialised.argument) return NOT_CAPPED;
  const requestScope = serialised && 'scope' in followed ? followed.scope : scope;
  const request = serialised?.argument ?? expression;
  if (!requestUnder) return requestCapOutcome(requestScope, request, spelling, subject);
  const wrapped = presenceOfKeys(requestScope, request, requestUnder);
  if (wrapped.kind === 'present') return worstOf(wrapped.values.map((value) => requestCapOutcome(value.scope, value.expression, spelling, subject)));
  const flat = requestCapOutcome(requestScope, request, spelling, subject);
  if (wrapped.kind === 'absent' || flat.kind === 'capped') return flat;
  return unknownOutcome(wrapped.unresolved, subject);
}

/** The request object itself: capped by a top-level key, or by a key in one of the nested objects its style reads. */
function requestCapOutcome(scope: FileScope, request: ts.Expression, spelling: CapSpelling, subject: Subject): CapOutcome {
  const outcomes = [outcomeOfPresence(presenceOfKeys(scope, request, spelling.capKeys), subject, spelling)];
  for (const { path, keys } of spelling.nestedCaps ?? []) outcomes.push(nestedCapOutcome(scope, request, path, keys, subject, spelling));
  return bestOf(outcomes);
}

function nestedCapOutcome(
  scope: FileScope,
  object: ts.Expression,
  path: readonly PathStep[],
  keys: readonly string[],
  subject: Subject,
  spelling: CapSpelling,
): CapOutcome {
  const [next, ...rest] = path;
  if (next === undefined) return outcomeOfPresence(presenceOfKeys(scope, object, keys), subject, spelling);
  if (typeof next !== 'string') {
    // A value made elsewhere (an import, a parameter) is most often no capped model: it adds no cap here.
    const followed = followConsts(scope, object);
    if (!('expression' in followed) || !scope.ts.isCallExpression(followed.expression)) return NOT_CAPPED;
    const argument = followed.expression.arguments[next.argument];
    return argument ? nestedCapOutcome(followed.scope, argument, rest, keys, subject, spelling) : NOT_CAPPED;
  }
  const inner = presenceOfKeys(scope, object, [next]);
  if (inner.kind === 'absent') return NOT_CAPPED;
  if (inner.kind === 'unknown') return unknownOutcome(inner.unresolved, subject);
  return worstOf(inner.values.map((value) => nestedCapOutcome(value.scope, value.expression, rest, keys, subject, spelling)));
}

/** fetch(url, init) and alike: no body means no completion request. */
function initCapOutcome(
  scope: FileScope,
  { init, objectKey, serialisedKey }: Extract<RequestPayload, { kind: 'init' }>,
  spelling: CapSpelling,
): CapOutcome | undefined {
  if (!init) return undefined;
  for (const key of [objectKey, serialisedKey]) {
    if (key === undefined) continue;
    const body = presenceOfKeys(scope, init, [key]);
    if (body.kind === 'absent') continue;
    if (body.kind === 'unknown') return unknownOutcome(body.unresolved, 'the request init');
    return worstOf(
      body.values.map((value) =>
        key === objectKey ? objectCapOutcome(value.scope, value.expression, spelling, 'the body') : bodyCapOutcome(value.scope, value.expression, spelling),
      ),
    );
  }
  return undefined;
}

/** A body that must be JSON.stringify(request). */
function bodyCapOutcome(scope: FileScope, body: ts.Expression, spelling: CapSpelling): CapOutcome {
  const followed = followConsts(scope, body);
  if ('unresolved' in followed) return unknownOutcome(followed.unresolved, 'the body');
  const serialised = jsonStringifyCall(followed.scope, followed.expression);
  if (!serialised) return unknownOutcome({ why: 'not-json-body' }, 'the body');
  if (!serialised.argument) return NOT_CAPPED;
  return requestCapOutcome(followed.scope, serialised.argument, spelling, 'the body');
}

/** `JSON.stringify(x)` with its argument, or undefined if the expression is no such call. */
function jsonStringifyCall(scope: FileScope, expression: ts.Expression): { argument: ts.Expression | undefined } | undefined {
  const { ts } = scope;
  if (!ts.isCallExpression(expression)) return undefined;
  const callee = expression.expression;
  const isJsonStringify =
    ts.isPropertyAccessExpression(callee) && callee.name.text === 'stringify' && ts.isIdentifier(callee.expression) && callee.expression.text === 'JSON';
  if (!isJsonStringify) return undefined;
  return { argument: expression.arguments[0] };
}

function outcomeOfPresence(presence: KeyPresence, subject: Subject, spelling: CapSpelling): CapOutcome {
  if (presence.kind === 'absent') return NOT_CAPPED;
  if (presence.kind === 'unknown') return unknownOutcome(presence.unresolved, subject);
  // `max_tokens: NO_CAP` with `const NO_CAP = null`: JSON sends null, which caps nothing (in place, the key counts as absent already).
  if (presence.values.some((value) => isNullishConst(value.scope, value.expression))) return NOT_CAPPED;
  const { unsetValue } = spelling;
  if (unsetValue !== undefined && presence.values.some((value) => isNumber(value.scope, value.expression, unsetValue))) return NOT_CAPPED;
  return CAPPED;
}

/** A const (of this file or followed across modules) holding `null` or `undefined`. */
function isNullishConst(scope: FileScope, expression: ts.Expression): boolean {
  const followed = followConsts(scope, expression);
  return 'expression' in followed && isNullish(scope.ts, followed.expression);
}

/** The expression is the number `n`, written as a literal or a const holding one. */
function isNumber(scope: FileScope, expression: ts.Expression, n: number): boolean {
  const { ts } = scope;
  const followed = followConsts(scope, expression);
  if (!('expression' in followed)) return false;
  const value = followed.expression;
  if (ts.isNumericLiteral(value)) return Number(value.text) === n;
  if (ts.isPrefixUnaryExpression(value) && value.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(value.operand)) {
    return -Number(value.operand.text) === n;
  }
  return false;
}

function unknownOutcome(unresolved: Unresolved, subject: Subject): CapOutcome {
  return { kind: 'unknown', reason: explainUnresolved(unresolved, subject), unresolved };
}

/** A request that may go out uncapped is uncapped; one that may not be verified is unknown. */
function worstOf(outcomes: readonly CapOutcome[]): CapOutcome {
  return outcomes.find((outcome) => outcome.kind === 'not-capped') ?? outcomes.find((outcome) => outcome.kind === 'unknown') ?? CAPPED;
}

/** Any of several places capping is enough; one that cannot be verified leaves the request unverified. */
function bestOf(outcomes: readonly CapOutcome[]): CapOutcome {
  return outcomes.find((outcome) => outcome.kind === 'capped') ?? outcomes.find((outcome) => outcome.kind === 'unknown') ?? NOT_CAPPED;
}
