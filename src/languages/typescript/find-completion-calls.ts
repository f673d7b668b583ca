import type ts from 'typescript';
import { capOutcomeOf } from './cap-outcome.js';
import type { CapOutcome } from './cap-outcome.js';
import { COMPLETION_CALL_STYLES } from './completion-calls.js';
import type { CallMatch, CompletionCallStyle } from './completion-calls.js';
import { FileScope } from './file-scope.js';
import type { TypeScript } from './load-typescript.js';
import { parseSourceFile } from './parse-source.js';
import type { ProjectModules } from './project-modules.js';
import { parameterCause, uncappedCallersOf } from './wrapper-callers.js';
import type { UncappedCaller } from './wrapper-callers.js';
import type { ScriptKindName } from './parse-source.js';
import { calleeNameOf, unwrapExpression } from './syntax.js';
import type { CallLike } from './syntax.js';

/** A completion request found in a file, with no reference into the syntax tree it came from. */
export interface CompletionCallSite {
  /** UTF-16 offset of the call's first character in the file's text. */
  start: number;
  /** As messages show it: `chat.completions.create()`. */
  callee: string;
  style: CompletionCallStyle;
  outcome: CapOutcome;
  /** When the options come from a parameter of a top-level function: the calls of it that pass no cap. */
  uncappedCallers: UncappedCaller[];
}

const STYLES_BY_CALLEE_NAME = new Map<string, CompletionCallStyle[]>();
for (const style of COMPLETION_CALL_STYLES) {
  STYLES_BY_CALLEE_NAME.set(style.calleeName, [...(STYLES_BY_CALLEE_NAME.get(style.calleeName) ?? []), style]);
}

/**
 * Every completion request in one file and whether it caps its output, with the callers that pass no cap when the
 * options come from a wrapper's parameter. The file is parsed once; with `modules`, the tree stays in that cache
 * (other files may import this one) until the check's run ends, and without it the tree is dropped on return.
 */
export function findCompletionCalls(ts: TypeScript, path: string, text: string, kind: ScriptKindName, modules?: ProjectModules): CompletionCallSite[] {
  return findCompletionCallNodes(ts, path, text, kind, modules).map(({ start, callee, style, outcome, uncappedCallers }) => ({
    start,
    callee,
    style,
    outcome,
    uncappedCallers,
  }));
}

/** A completion call with the nodes it was found by: valid only while its file's tree is held. */
export interface CompletionCallNode extends CompletionCallSite {
  call: CallLike;
  match: CallMatch;
  scope: FileScope;
}

/** As findCompletionCalls, keeping each call's node and match for an analysis that reads more of it (the request inventory). */
export function findCompletionCallNodes(ts: TypeScript, path: string, text: string, kind: ScriptKindName, modules?: ProjectModules): CompletionCallNode[] {
  // Through the project's cache, so a file that other files import is parsed once; its declarations are then recorded already.
  const known = modules?.scopeOf(path);
  // Parsing again would fail again (a stack overflow is slow to reach): say why at once.
  const failure = known ? undefined : modules?.parseFailureOf(path);
  if (failure !== undefined) throw new Error(failure);
  const scope = known ?? new FileScope(ts, parseSourceFile(ts, path, text, kind), modules);
  const { sourceFile } = scope;
  const candidates = collectCandidates(scope, !known);
  const sites: CompletionCallNode[] = [];
  for (const { call, styles } of candidates) {
    for (const style of styles) {
      const match = style.match(call, scope);
      if (!match) continue;
      const outcome = capOutcomeOf(scope, match.payload, style);
      if (!outcome) break;
      const cause = outcome.kind === 'unknown' ? parameterCause(outcome.unresolved) : undefined;
      const uncappedCallers = cause ? uncappedCallersOf(scope, cause.declaration, cause.name, () => capOutcomeOf(scope, match.payload, style)) : [];
      sites.push({ start: call.getStart(sourceFile), callee: match.callee, style, outcome, uncappedCallers, call, match, scope });
      break;
    }
  }
  return sites;
}

/**
 * The one walk: every node is recorded in the scope, and calls with a known callee name are kept. A call of a
 * plain name no style knows may be an import under another name (`import { generateText as gen }`): once the
 * walk has recorded the imports, such a call is kept with the styles of the name it was imported as.
 */
function collectCandidates(scope: FileScope, record: boolean): { call: CallLike; styles: CompletionCallStyle[] }[] {
  const { ts } = scope;
  const candidates: { call: CallLike; styles: CompletionCallStyle[] }[] = [];
  const maybeAliased: { call: CallLike; callee: ts.Identifier }[] = [];
  // An explicit stack, not recursion: deeply nested code must not overflow the call stack.
  const pending: ts.Node[] = [scope.sourceFile];
  const push = (child: ts.Node): void => {
    pending.push(child);
  };
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (record) scope.record(node);
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const name = calleeNameOf(ts, node);
      const styles = name === undefined ? undefined : STYLES_BY_CALLEE_NAME.get(name);
      if (styles) candidates.push({ call: node, styles });
      else {
        const callee = unwrapExpression(ts, node.expression);
        if (ts.isIdentifier(callee)) maybeAliased.push({ call: node, callee });
      }
    }
    ts.forEachChild(node, push);
  }
  for (const { call, callee } of maybeAliased) {
    const binding = scope.bindingOf(callee);
    const named = binding?.kind === 'import' && binding.imported !== 'default' && binding.imported !== '*' ? binding.imported : undefined;
    const styles = named === undefined ? undefined : STYLES_BY_CALLEE_NAME.get(named);
    if (styles) candidates.push({ call, styles });
  }
  return candidates;
}
