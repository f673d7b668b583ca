import type ts from 'typescript';
import type { TypeScript } from './load-typescript.js';

const MAX_QUOTED_TEXT = 40;

/** The expression under parentheses and type-only wrappers (`as`, `satisfies`, `!`, `<T>x`): none changes the value. */
export function unwrapExpression(ts: TypeScript, expression: ts.Expression): ts.Expression {
  let current = expression;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isNonNullExpression(current) ||
    ts.isTypeAssertionExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

/** `undefined`, `null` or `void …`: a value JSON and the SDKs drop, so a key holding it is not sent. */
export function isNullish(ts: TypeScript, expression: ts.Expression): boolean {
  const value = unwrapExpression(ts, expression);
  return value.kind === ts.SyntaxKind.NullKeyword || ts.isVoidExpression(value) || (ts.isIdentifier(value) && value.text === 'undefined');
}

/** A call, or a `new` expression (which is how LangChain's chat models are made). */
export type CallLike = ts.CallExpression | ts.NewExpression;

/** The name of what a call calls: `fetch` in `fetch(…)`, `create` in `a.b.create(…)`, `ChatOpenAI` in `new ChatOpenAI(…)`. */
export function calleeNameOf(ts: TypeScript, call: CallLike): string | undefined {
  const callee = unwrapExpression(ts, call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** A property name known without running code (identifier, string or number literal), or undefined. */
export function literalPropertyName(ts: TypeScript, name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) || ts.isNumericLiteral(name)) {
    return name.text;
  }
  return undefined;
}

/** Source text short enough to quote in a one-line message: whitespace collapsed, long text cut. */
export function quotableText(node: ts.Node, sourceFile: ts.SourceFile): string {
  const text = node.getText(sourceFile).replace(/\s+/g, ' ');
  return text.length > MAX_QUOTED_TEXT ? `${text.slice(0, MAX_QUOTED_TEXT - 1)}…` : text;
}
