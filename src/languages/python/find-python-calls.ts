import type { Node } from 'web-tree-sitter';
import { forwardedHttpCalls } from './forwarding-helpers.js';
import { PYTHON_CALL_STYLES, PYTHON_CALLEE_NAMES } from './python-calls.js';
import type { PythonCallMatch, PythonCallStyle, PythonPayload } from './python-calls.js';
import { calleeName, firstPositional, PythonModuleScope } from './python-scope.js';
import type { KeyPresence, PythonUnresolved, Scope } from './python-scope.js';

/** Whether a Python completion request caps its output, or why the file does not tell. */
export type PythonCapOutcome = { kind: 'capped' } | { kind: 'not-capped' } | { kind: 'unknown'; reason: string };

export interface PythonCallSite {
  /** UTF-16 offset of the call expression's first character in the parsed Python. */
  start: number;
  callee: string;
  style: PythonCallStyle;
  outcome: PythonCapOutcome;
}

const CAPPED: PythonCapOutcome = { kind: 'capped' };
const NOT_CAPPED: PythonCapOutcome = { kind: 'not-capped' };
/** Values the SDKs read as "no cap": `None` is sent as null, `NOT_GIVEN` / `omit` leave the key out. */
const NO_CAP_NAMES = new Set(['NOT_GIVEN', 'NotGiven', 'omit', 'Omit']);

/** A recognised call, with the nodes it was recognised by: valid only while its tree lives. */
export interface PythonCallMatchAt {
  call: Node;
  /** Where the request is reported, when not at `call`: the caller of a helper that forwards its arguments to it. */
  at?: Node;
  scope: Scope;
  style: PythonCallStyle;
  match: PythonCallMatch;
}

/** Every completion call of a module's scope some style recognises, in source order. */
export function matchPythonCalls(module: PythonModuleScope): PythonCallMatchAt[] {
  const matches: PythonCallMatchAt[] = [];
  for (const call of module.calls) {
    const scope = module.scopeOf(call);
    if (!PYTHON_CALLEE_NAMES.has(module.libraryNameOf(call.childForFieldName('function'), scope) ?? '')) continue;
    for (const style of PYTHON_CALL_STYLES) {
      const match = style.match(call, module, scope);
      if (!match) continue;
      matches.push({ call, scope, style, match });
      break;
    }
  }
  const forwarded = forwardedHttpCalls(module, new Set(matches.map(({ call }) => call.id)));
  return [...matches, ...forwarded].sort((a, b) => (a.at ?? a.call).startIndex - (b.at ?? b.call).startIndex);
}

/** Every completion call in a parsed module, in source order, each with its cap outcome. */
export function findPythonCalls(root: Node): PythonCallSite[] {
  const module = new PythonModuleScope(root);
  return matchPythonCalls(module).map(({ call, at, scope, style, match }) => ({
    start: (at ?? call).startIndex,
    callee: match.callee,
    style,
    outcome: capOutcomeOf(module, scope, match.payload, style),
  }));
}

export function capOutcomeOf(module: PythonModuleScope, scope: Scope, payload: PythonPayload, style: PythonCallStyle): PythonCapOutcome {
  if (payload.kind === 'body') return bodyOutcome(module, scope, payload.body, payload.serialised, style);
  const outcomes = [argumentsOutcome(module, scope, payload.arguments, style)];
  for (const bound of payload.bound ?? []) outcomes.push(argumentsOutcome(module, module.scopeOf(bound), bound, style));
  return bestOf(outcomes);
}

/** Keyword arguments: a cap key among them, or inside one of the style's nested dicts (`extra_body`). */
function argumentsOutcome(module: PythonModuleScope, scope: Scope, args: Node, style: PythonCallStyle): PythonCapOutcome {
  const outcomes = [outcomeOfPresence(module, module.keysInArguments(args, scope, style.capKeys), 'options')];
  if (style.nestedIn) {
    const nested = module.keysInArguments(args, scope, style.nestedIn);
    if (nested.kind === 'unknown') outcomes.push(unknown(nested.unresolved, 'options'));
    if (nested.kind === 'present') {
      outcomes.push(worstOf(nested.values.map(({ node, scope: at }) => outcomeOfPresence(module, module.keysIn(node, at, style.capKeys), 'options'))));
    }
  }
  return bestOf(outcomes);
}

/** `json=body`, or `data=json.dumps(body)` (also `.encode()`d): the body dict must hold a cap key. */
function bodyOutcome(module: PythonModuleScope, scope: Scope, body: Node, serialised: boolean, style: PythonCallStyle): PythonCapOutcome {
  if (!serialised) return outcomeOfPresence(module, module.keysIn(body, scope, style.capKeys), 'the body');
  const followed = module.follow(body, scope);
  if ('unresolved' in followed) return unknown(followed.unresolved, 'the body');
  const dumped = jsonDumpsArgument(followed.node);
  if (dumped) return outcomeOfPresence(module, module.keysIn(dumped, followed.scope, style.capKeys), 'the body');
  // A dict given as `data=` is sent form-encoded by requests, JSON by some clients: read it as the body either way.
  if (followed.node.type === 'dictionary') return outcomeOfPresence(module, module.keysIn(body, scope, style.capKeys), 'the body');
  return unknown({ why: 'not-json-body', text: followed.node.text }, 'the body');
}

/** `json.dumps(x)` or `json.dumps(x).encode(…)`: `x`. */
function jsonDumpsArgument(node: Node): Node | undefined {
  let call = node;
  const callee = call.childForFieldName('function');
  if (call.type === 'call' && callee?.type === 'attribute' && calleeName(callee) === 'encode') {
    const encoded = callee.childForFieldName('object');
    if (encoded) call = encoded;
  }
  if (call.type !== 'call' || calleeName(call.childForFieldName('function')) !== 'dumps') return undefined;
  const args = call.childForFieldName('arguments');
  return args ? firstPositional(args) : undefined;
}

export function outcomeOfPresence(module: PythonModuleScope, presence: KeyPresence, subject: Subject): PythonCapOutcome {
  if (presence.kind === 'absent') return NOT_CAPPED;
  if (presence.kind === 'unknown') return unknown(presence.unresolved, subject);
  return presence.values.every(({ node, scope }) => isNoCap(module, node, scope)) ? NOT_CAPPED : CAPPED;
}

/** `None`, `NOT_GIVEN`, `openai.NOT_GIVEN`, `omit`, or a name holding one of them. */
function isNoCap(module: PythonModuleScope, node: Node, scope: Scope): boolean {
  const followed = module.follow(node, scope);
  const value = 'node' in followed ? followed.node : node;
  if (value.type === 'none') return true;
  const name = calleeName(value);
  return (value.type === 'identifier' || value.type === 'attribute') && name !== undefined && NO_CAP_NAMES.has(name);
}

export type Subject = 'options' | 'the body';

function unknown(unresolved: PythonUnresolved, subject: Subject): PythonCapOutcome {
  return { kind: 'unknown', reason: explainUnresolved(unresolved, subject) };
}

/** A clause for a finding, worded as the TypeScript analysis words it: "the body comes from parameter `payload` of send()". */
export function explainUnresolved(unresolved: PythonUnresolved, subject: Subject): string {
  const comeFrom = subject === 'options' ? 'options come from' : `${subject} comes from`;
  switch (unresolved.why) {
    case 'parameter':
      return `${comeFrom} parameter \`${unresolved.name}\` of ${unresolved.owner}`;
    case 'import':
      return `${comeFrom} \`${unresolved.name}\`, imported from '${unresolved.from}'`;
    case 'not-dict':
      return `${comeFrom} \`${shorten(unresolved.text)}\`, ${madeClause(unresolved.made)}`;
    default:
      return describe(unresolved);
  }
}

function describe(unresolved: PythonUnresolved): string {
  switch (unresolved.why) {
    case 'parameter':
      return `parameter \`${unresolved.name}\` of ${unresolved.owner}`;
    case 'import':
      return `\`${unresolved.name}\` is imported from '${unresolved.from}'`;
    case 'undefined':
      return `\`${unresolved.name}\` is not defined in this file`;
    case 'rebound':
      return `\`${unresolved.name}\` is not a value this file assigns once`;
    case 'not-dict':
      return `\`${shorten(unresolved.text)}\` is ${unresolved.made === undefined ? 'not a dict this file defines' : madeClause(unresolved.made).replace(/^which is /, '')}`;
    case 'splat': {
      const { cause: why } = unresolved;
      const cause = why.why === 'not-dict' && why.text === unresolved.text && why.made === undefined ? '' : ` (${describe(why)})`;
      return `\`**${shorten(unresolved.text)}\` could not be resolved${cause}`;
    }
    case 'computed-key':
      return `computed key \`${shorten(unresolved.text)}\` could not be resolved`;
    case 'not-json-body':
      return `the body is not json.dumps(...) of a dict`;
    case 'too-deep':
      return `\`${shorten(unresolved.text)}\` has too many levels to follow`;
  }
}

/** Why a value that is no dict literal cannot be read here. */
function madeClause(made: 'attribute' | 'call' | undefined): string {
  if (made === 'attribute') return 'which is an attribute set at run time, not a dict this file defines';
  if (made === 'call') return "which is a call's result, not a dict this file defines";
  return 'which is not a dict this file defines';
}

/** Source quoted in a message stays on one short line. */
function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

function worstOf(outcomes: readonly PythonCapOutcome[]): PythonCapOutcome {
  return outcomes.find((outcome) => outcome.kind === 'not-capped') ?? outcomes.find((outcome) => outcome.kind === 'unknown') ?? CAPPED;
}

function bestOf(outcomes: readonly PythonCapOutcome[]): PythonCapOutcome {
  return outcomes.find((outcome) => outcome.kind === 'capped') ?? outcomes.find((outcome) => outcome.kind === 'unknown') ?? NOT_CAPPED;
}
