import type ts from 'typescript';
import { capOutcomeOf } from './cap-outcome.js';
import type { CapOutcome } from './cap-outcome.js';
import { COMPLETION_CALL_STYLES } from './completion-calls.js';
import type { CompletionCallStyle } from './completion-calls.js';
import { FileScope } from './file-scope.js';
import type { TypeScript } from './load-typescript.js';
import { parseSourceFile } from './parse-source.js';
import type { ScriptKindName } from './parse-source.js';
import { calleeNameOf } from './syntax.js';
import type { CallLike } from './syntax.js';

/** A completion request found in a file, with no reference into the syntax tree it came from. */
export interface CompletionCallSite {
  /** UTF-16 offset of the call's first character in the file's text. */
  start: number;
  /** As messages show it: `chat.completions.create()`. */
  callee: string;
  style: CompletionCallStyle;
  outcome: CapOutcome;
}

const STYLES_BY_CALLEE_NAME = new Map<string, CompletionCallStyle[]>();
for (const style of COMPLETION_CALL_STYLES) {
  STYLES_BY_CALLEE_NAME.set(style.calleeName, [...(STYLES_BY_CALLEE_NAME.get(style.calleeName) ?? []), style]);
}

/**
 * Every completion request in one file and whether it caps its output. The file is parsed once and
 * walked once (collecting declarations and candidate calls together); the tree is dropped on return.
 */
export function findCompletionCalls(ts: TypeScript, path: string, text: string, kind: ScriptKindName): CompletionCallSite[] {
  const sourceFile = parseSourceFile(ts, path, text, kind);
  const scope = new FileScope(ts, sourceFile);
  const candidates = collectCandidates(scope);
  const sites: CompletionCallSite[] = [];
  for (const { call, styles } of candidates) {
    for (const style of styles) {
      const match = style.match(call, scope);
      if (!match) continue;
      const outcome = capOutcomeOf(scope, match.payload, style);
      if (outcome) sites.push({ start: call.getStart(sourceFile), callee: match.callee, style, outcome });
      break;
    }
  }
  return sites;
}

/** The one walk: every node is recorded in the scope, and calls with a known callee name are kept. */
function collectCandidates(scope: FileScope): { call: CallLike; styles: CompletionCallStyle[] }[] {
  const { ts } = scope;
  const candidates: { call: CallLike; styles: CompletionCallStyle[] }[] = [];
  // An explicit stack, not recursion: deeply nested code must not overflow the call stack.
  const pending: ts.Node[] = [scope.sourceFile];
  const push = (child: ts.Node): void => {
    pending.push(child);
  };
  for (let node = pending.pop(); node; node = pending.pop()) {
    scope.record(node);
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const name = calleeNameOf(ts, node);
      const styles = name === undefined ? undefined : STYLES_BY_CALLEE_NAME.get(name);
      if (styles) candidates.push({ call: node, styles });
    }
    ts.forEachChild(node, push);
  }
  return candidates;
}
