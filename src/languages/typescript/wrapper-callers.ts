import type ts from 'typescript';
import type { CapOutcome } from './cap-outcome.js';
import type { TypeScript } from './load-typescript.js';
import type { FileScope } from './file-scope.js';
import { isRelativeSpecifier } from './project-modules.js';
import { unwrapExpression } from './syntax.js';
import type { Unresolved } from './unresolved.js';

/** A call of a wrapper function whose argument reaches a completion request without an output cap. */
export interface UncappedCaller {
  /** Root-relative path of the caller's file. */
  path: string;
  /** UTF-16 offset of the caller's call in that file's text. */
  start: number;
  /** The wrapper as the caller names it: `callModel`. */
  wrapper: string;
}

/** The parameter an unverifiable request depends on (directly, or through spreads), if that is why it is unknown. */
export function parameterCause(unresolved: Unresolved): { declaration: ts.SignatureDeclaration; name: string } | undefined {
  for (let cause: Unresolved | undefined = unresolved; cause; cause = cause.why === 'spread' ? cause.cause : undefined) {
    if (cause.why === 'parameter' && cause.declaration) return { declaration: cause.declaration, name: cause.name };
  }
  return undefined;
}

/**
 * Calls of a top-level function, in its own file and in the project's files that import it by a relative path, whose
 * argument for `parameterName` makes `outcome` (the request's check, rerun with that argument) come out uncapped.
 * Files are taken from the project's cache; only those spelling the function's exported name are parsed.
 */
export function uncappedCallersOf(
  scope: FileScope,
  fn: ts.SignatureDeclaration,
  parameterName: string,
  outcome: () => CapOutcome | undefined,
): UncappedCaller[] {
  const { ts } = scope;
  const localName = topLevelNameOf(ts, fn);
  const index = fn.parameters.findIndex((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === parameterName);
  const declared = fn.parameters[index];
  if (localName === undefined || !declared || declared.dotDotDotToken || !ts.isIdentifier(declared.name)) return [];
  const parameter = scope.bindingOf(declared.name);
  if (parameter?.kind !== 'parameter' || scope.isWritten(parameter)) return [];
  const wrapperBinding = scope.topLevelBinding(localName);
  const callers: { scope: FileScope; call: ts.CallExpression; callee: ts.Identifier }[] = [];
  for (const { call, callee } of identifierCalls(scope)) {
    if (callee.text === localName && scope.bindingOf(callee) === wrapperBinding) callers.push({ scope, call, callee });
  }
  const exportedAs = scope.exportNamesOf(localName);
  const modules = scope.modules;
  if (modules && exportedAs.length > 0) {
    for (const path of modules.scriptPathsImporting(scope.path, exportedAs)) {
      const callerScope = modules.scopeOf(path);
      if (!callerScope) continue;
      for (const { call, callee } of identifierCalls(callerScope)) {
        const binding = callerScope.bindingOf(callee);
        if (
          binding?.kind === 'import' &&
          binding.imported !== undefined &&
          exportedAs.includes(binding.imported) &&
          isRelativeSpecifier(binding.from) &&
          modules.resolvePath(path, binding.from) === scope.path
        ) {
          callers.push({ scope: callerScope, call, callee });
        }
      }
    }
  }
  const uncapped: UncappedCaller[] = [];
  for (const caller of callers) {
    const argument = caller.call.arguments[index];
    // No argument: the default (or nothing) is used, which the request's own finding already covers.
    if (!argument || caller.call.arguments.slice(0, index + 1).some((passed) => ts.isSpreadElement(passed))) continue;
    const result = scope.withArgument(parameter, { scope: caller.scope, expression: argument }, outcome);
    if (result?.kind === 'not-capped') {
      uncapped.push({ path: caller.scope.path, start: caller.call.getStart(caller.scope.sourceFile), wrapper: caller.callee.text });
    }
  }
  return uncapped;
}

/** The name of a function declared at the top level of its file: `function f` or `const f = (…) => …`. */
function topLevelNameOf(ts: TypeScript, fn: ts.SignatureDeclaration): string | undefined {
  if (ts.isFunctionDeclaration(fn)) return fn.name && ts.isSourceFile(fn.parent) ? fn.name.text : undefined;
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  let node: ts.Node = fn;
  while (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isSatisfiesExpression(node.parent)) node = node.parent;
  const declaration = node.parent;
  if (!ts.isVariableDeclaration(declaration) || declaration.initializer !== node || !ts.isIdentifier(declaration.name)) return undefined;
  const list = declaration.parent;
  const isTopLevelConst =
    ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0 && ts.isVariableStatement(list.parent) && ts.isSourceFile(list.parent.parent);
  return isTopLevelConst ? declaration.name.text : undefined;
}

/** Every `name(…)` call in a file. */
function identifierCalls(scope: FileScope): { call: ts.CallExpression; callee: ts.Identifier }[] {
  const { ts } = scope;
  const calls: { call: ts.CallExpression; callee: ts.Identifier }[] = [];
  const pending: ts.Node[] = [scope.sourceFile];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (ts.isCallExpression(node)) {
      const callee = unwrapExpression(ts, node.expression);
      if (ts.isIdentifier(callee)) calls.push({ call: node, callee });
    }
    ts.forEachChild(node, (child) => {
      pending.push(child);
    });
  }
  return calls;
}
