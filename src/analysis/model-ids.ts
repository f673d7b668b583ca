import type ts from 'typescript';
import { spellsAnyOf } from './byte-scan.js';
import { FileScope } from './file-scope.js';
import type { TypeScript } from './load-typescript.js';
import { parseSourceFile } from './parse-source.js';
import type { ScriptKindName } from './parse-source.js';
import { calleeNameOf, literalPropertyName, unwrapExpression } from './syntax.js';

/** A model id the code sends, where its string is written. */
export interface ModelIdUse {
  id: string;
  /** UTF-16 offset of the string (or of the const it comes from) in the file's text. */
  start: number;
  /** Written in a `models` list: a fallback chain. */
  inModelsList?: true;
}

/**
 * `provider/model`, optionally `:variant`, optionally a `~` alias prefix: what OpenRouter routes on.
 * One slash exactly, no spaces, no scheme: paths, URLs and prose do not match.
 */
export const MODEL_ID = /^~?[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*(?::[a-z0-9._-]+)?$/i;

/** Properties whose string value is the model a request or a client uses (LangChain: `modelName`). */
const MODEL_PROPERTIES = new Set(['model', 'modelName', 'model_name']);
/** Properties holding the fallback chain. */
const MODEL_LIST_PROPERTIES = new Set(['models']);
/** `openrouter('openai/gpt-4o')`, `createOpenRouter(…)('…')`: the AI SDK provider's model factory. */
const MODEL_FACTORIES = new Set(['openrouter', 'createOpenRouter']);

/** Bytes that must occur in a file for it to name a model the ways above: most files skip the parse. */
export const mayContainModelIds: (bytes: Buffer) => boolean = spellsAnyOf(['model', 'openrouter(']);

/** Every model id the file sends, in source order. The file is parsed once and the tree dropped on return. */
export function findModelIds(ts: TypeScript, path: string, text: string, kind: ScriptKindName): ModelIdUse[] {
  return modelIdsOf(ts, parseSourceFile(ts, path, text, kind));
}

/** Every model id a parsed file sends, in source order; within the file only (imports are not followed). */
export function modelIdsOf(ts: TypeScript, sourceFile: ts.SourceFile): ModelIdUse[] {
  const scope = new FileScope(ts, sourceFile);
  const candidates: ts.Node[] = [];
  // An explicit stack: deeply nested code must not overflow the call stack.
  const pending: ts.Node[] = [sourceFile];
  for (let node = pending.pop(); node; node = pending.pop()) {
    scope.record(node);
    if (ts.isPropertyAssignment(node) || ts.isCallExpression(node)) candidates.push(node);
    ts.forEachChild(node, (child) => {
      pending.push(child);
    });
  }
  const uses = candidates.flatMap((node) => modelIdsAt(scope, node));
  return uses.sort((a, b) => a.start - b.start);
}

/** The model ids one property assignment or call names. */
function modelIdsAt(scope: FileScope, node: ts.Node): ModelIdUse[] {
  const { ts } = scope;
  if (ts.isPropertyAssignment(node)) {
    const name = literalPropertyName(ts, node.name);
    if (name === undefined) return [];
    if (MODEL_PROPERTIES.has(name)) return idsIn(scope, [node.initializer]);
    if (MODEL_LIST_PROPERTIES.has(name)) {
      const list = unwrapExpression(ts, node.initializer);
      return ts.isArrayLiteralExpression(list) ? idsIn(scope, list.elements).map((use) => ({ ...use, inModelsList: true as const })) : [];
    }
    return [];
  }
  if (ts.isCallExpression(node)) {
    const callee = unwrapExpression(ts, node.expression);
    const isFactory =
      (ts.isIdentifier(callee) && MODEL_FACTORIES.has(callee.text)) ||
      // createOpenRouter({…})('openai/gpt-4o')
      (ts.isCallExpression(callee) && calleeNameOf(ts, callee) === 'createOpenRouter');
    return isFactory && node.arguments[0] ? idsIn(scope, [node.arguments[0]]) : [];
  }
  return [];
}

/** Strings that look like model ids, written in place or held by a `const` of the same file. */
function idsIn(scope: FileScope, expressions: readonly ts.Expression[]): ModelIdUse[] {
  const { ts } = scope;
  const uses: ModelIdUse[] = [];
  for (const expression of expressions) {
    let value = unwrapExpression(ts, expression);
    if (ts.isIdentifier(value)) {
      const binding = scope.bindingOf(value);
      if (binding?.kind !== 'const' || !binding.initializer) continue;
      value = unwrapExpression(ts, binding.initializer);
    }
    if ((ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) && MODEL_ID.test(value.text)) {
      uses.push({ id: value.text, start: value.getStart(scope.sourceFile) });
    }
  }
  return uses;
}
