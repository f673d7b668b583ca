import type ts from 'typescript';
import type { FileScope } from './file-scope.js';
import { unwrapExpression } from './syntax.js';

/** Stands for a part of a string whose value the file does not tell (`${process.env.BASE}`). */
export const UNKNOWN_PART = '\u0000';

/** Deeper than any URL is built by hand; also what stops a cycle of consts. */
const MAX_DEPTH = 16;

/**
 * The text a string expression evaluates to, as far as the project tells: literals, template literals,
 * `+` concatenation, `const` identifiers (also imported from the project's own modules) and `new URL(path, base)`
 * are followed; every other part becomes UNKNOWN_PART.
 */
export function partialTextOf(scope: FileScope, expression: ts.Expression, depth = 0): string {
  const { ts } = scope;
  if (depth > MAX_DEPTH) return UNKNOWN_PART;
  const value = unwrapExpression(ts, expression);
  if (ts.isStringLiteralLike(value)) return value.text;
  if (ts.isTemplateExpression(value)) {
    let text = value.head.text;
    for (const span of value.templateSpans) text += partialTextOf(scope, span.expression, depth + 1) + span.literal.text;
    return text;
  }
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return partialTextOf(scope, value.left, depth + 1) + partialTextOf(scope, value.right, depth + 1);
  }
  if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'URL' && value.arguments?.[0]) {
    return urlText(partialTextOf(scope, value.arguments[0], depth + 1));
  }
  if (ts.isIdentifier(value)) {
    const binding = scope.bindingOf(value);
    if (binding?.kind === 'const' && binding.initializer) return partialTextOf(scope, binding.initializer, depth + 1);
    // A string the project's own module exports (`export const BASE_URL = '…'`) reads as it does there.
    if (binding?.kind === 'import' && scope.modules) {
      const imported = scope.modules.valueOfImport(scope, binding);
      if ('scope' in imported) return partialTextOf(imported.scope, imported.expression, depth + 1);
    }
  }
  return UNKNOWN_PART;
}

/**
 * `new URL(path, base)` as far as its path tells: an absolute URL is itself; any other path replaces the end of the base's,
 * so what it ends in is known even when the base is not.
 */
function urlText(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path;
  return `${UNKNOWN_PART}${path.startsWith('/') ? '' : '/'}${path}`;
}

/** A string that is fully known, or undefined. */
export function literalTextOf(scope: FileScope, expression: ts.Expression): string | undefined {
  const text = partialTextOf(scope, expression);
  return text.includes(UNKNOWN_PART) ? undefined : text;
}
