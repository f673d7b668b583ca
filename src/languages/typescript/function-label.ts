import type ts from 'typescript';
import type { TypeScript } from './load-typescript.js';
import { literalPropertyName } from './syntax.js';

/**
 * How a message names a function: "`callModel`", "the constructor of `Client`" or "an anonymous function".
 * Arrow functions and function expressions take the name of the variable, property or field they are assigned to.
 */
export function functionLabel(ts: TypeScript, fn: ts.SignatureDeclaration): string {
  if (ts.isConstructorDeclaration(fn)) {
    const className = fn.parent.name?.text;
    return className ? `the constructor of \`${className}\`` : 'a constructor';
  }
  const name = ownName(ts, fn) ?? assignedName(ts, fn);
  return name === undefined ? 'an anonymous function' : `\`${name}\``;
}

function ownName(ts: TypeScript, fn: ts.SignatureDeclaration): string | undefined {
  const { name } = fn;
  if (!name) return undefined;
  if (ts.isPrivateIdentifier(name)) return name.text;
  return ts.isComputedPropertyName(name) ? undefined : literalPropertyName(ts, name);
}

/** The name a function expression is stored under: `const name = …`, `{ name: … }`, `name = …` in a class, `x.name = …`. */
function assignedName(ts: TypeScript, fn: ts.SignatureDeclaration): string | undefined {
  let expression: ts.Node = fn;
  while (isTransparentWrapper(ts, expression.parent)) expression = expression.parent;
  const holder = expression.parent;
  if (!holder) return undefined;
  if ((ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder) || ts.isPropertyDeclaration(holder)) && holder.name) {
    if (ts.isIdentifier(holder.name) || ts.isPrivateIdentifier(holder.name)) return holder.name.text;
    return ts.isObjectBindingPattern(holder.name) || ts.isArrayBindingPattern(holder.name) || ts.isComputedPropertyName(holder.name)
      ? undefined
      : literalPropertyName(ts, holder.name);
  }
  if (ts.isBinaryExpression(holder) && holder.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const target = holder.left;
    if (ts.isIdentifier(target)) return target.text;
    if (ts.isPropertyAccessExpression(target)) return target.name.text;
  }
  return undefined;
}

/** Parentheses and type-only wrappers around a function do not change what it is assigned to. */
function isTransparentWrapper(ts: TypeScript, node: ts.Node | undefined): node is ts.Expression {
  return (
    node !== undefined &&
    (ts.isParenthesizedExpression(node) ||
      ts.isAsExpression(node) ||
      ts.isSatisfiesExpression(node) ||
      ts.isNonNullExpression(node) ||
      ts.isTypeAssertionExpression(node))
  );
}
