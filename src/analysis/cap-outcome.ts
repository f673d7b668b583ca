import type ts from 'typescript';
import type { FileScope } from './file-scope.js';
import { followConsts } from './follow-const.js';
import { presenceOfKeys } from './resolve-object.js';
import type { KeyPresence } from './resolve-object.js';
import { explainUnresolved } from './unresolved.js';
import type { Subject } from './unresolved.js';

/** Whether a completion request caps its output, or why the file does not tell. */
export type CapOutcome = { kind: 'capped' } | { kind: 'not-capped' } | { kind: 'unknown'; reason: string };

/** Where a completion call's request object is, as its style locates it. */
export type RequestPayload =
  /** An SDK's options argument, or an HTTP client's data argument (an object, or JSON.stringify of one). */
  | { kind: 'object'; expression: ts.Expression | undefined; subject: Subject }
  /** fetch's second argument, whose `body` must be JSON.stringify of the request object. */
  | { kind: 'fetch-init'; init: ts.Expression | undefined };

const CAPPED: CapOutcome = { kind: 'capped' };
const NOT_CAPPED: CapOutcome = { kind: 'not-capped' };

/** The outcome for one call, or undefined when the call turns out to send no request body at all. */
export function capOutcomeOf(scope: FileScope, payload: RequestPayload, capKeys: readonly string[]): CapOutcome | undefined {
  if (payload.kind === 'fetch-init') return fetchCapOutcome(scope, payload.init, capKeys);
  if (!payload.expression) return NOT_CAPPED;
  const followed = followConsts(scope, payload.expression);
  // axios and friends also accept a body already serialised with JSON.stringify.
  const serialised = 'expression' in followed ? jsonStringifyCall(scope, followed.expression) : undefined;
  if (serialised && !serialised.argument) return NOT_CAPPED;
  const request = serialised?.argument ?? payload.expression;
  return outcomeOfPresence(presenceOfKeys(scope, request, capKeys), payload.subject);
}

/** fetch(url, init): no `body` means no completion request; a body must be JSON.stringify(request). */
function fetchCapOutcome(scope: FileScope, init: ts.Expression | undefined, capKeys: readonly string[]): CapOutcome | undefined {
  if (!init) return undefined;
  const body = presenceOfKeys(scope, init, ['body']);
  if (body.kind === 'absent') return undefined;
  if (body.kind === 'unknown') return { kind: 'unknown', reason: explainUnresolved(body.unresolved, 'the request init') };
  return worstOf(body.values.map((value) => bodyCapOutcome(scope, value, capKeys)));
}

function bodyCapOutcome(scope: FileScope, body: ts.Expression, capKeys: readonly string[]): CapOutcome {
  const followed = followConsts(scope, body);
  if ('unresolved' in followed) return { kind: 'unknown', reason: explainUnresolved(followed.unresolved, 'the body') };
  const serialised = jsonStringifyCall(scope, followed.expression);
  if (!serialised) return { kind: 'unknown', reason: explainUnresolved({ why: 'not-json-body' }, 'the body') };
  if (!serialised.argument) return NOT_CAPPED;
  return outcomeOfPresence(presenceOfKeys(scope, serialised.argument, capKeys), 'the body');
}

/** `JSON.stringify(x)` with its argument, or undefined if the expression is no such call. */
function jsonStringifyCall(scope: FileScope, expression: ts.Expression): { argument: ts.Expression | undefined } | undefined {
  const { ts } = scope;
  if (!ts.isCallExpression(expression)) return undefined;
  const callee = expression.expression;
  const isJsonStringify =
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === 'stringify' &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'JSON';
  if (!isJsonStringify) return undefined;
  return { argument: expression.arguments[0] };
}

function outcomeOfPresence(presence: KeyPresence, subject: Subject): CapOutcome {
  if (presence.kind === 'present') return CAPPED;
  if (presence.kind === 'absent') return NOT_CAPPED;
  return { kind: 'unknown', reason: explainUnresolved(presence.unresolved, subject) };
}

/** A request that may go out uncapped is uncapped; one that may not be verified is unknown. */
function worstOf(outcomes: readonly CapOutcome[]): CapOutcome {
  return outcomes.find((outcome) => outcome.kind === 'not-capped') ?? outcomes.find((outcome) => outcome.kind === 'unknown') ?? CAPPED;
}
