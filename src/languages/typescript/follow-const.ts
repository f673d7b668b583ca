import type ts from 'typescript';
import type { Binding, FileScope } from './file-scope.js';
import { functionLabel } from './function-label.js';
import { unwrapExpression } from './syntax.js';
import type { Unresolved } from './unresolved.js';

/** Chains of `const a = b` longer than this are not written by hand. */
const MAX_CONST_HOPS = 16;

/** The expression a value stands for, through `const` names and imports, with the file it is written in; or why the project cannot tell. */
export type Followed = { scope: FileScope; expression: ts.Expression } | { unresolved: Unresolved };

/** Follows `const` identifiers and the project's own imports (and drops type-only wrappers) until something else is reached. */
export function followConsts(scope: FileScope, expression: ts.Expression): Followed {
  const { ts } = scope;
  let current = scope;
  let value = unwrapExpression(ts, expression);
  for (let hop = 0; ts.isIdentifier(value) && !isUndefinedName(value); hop++) {
    if (hop === MAX_CONST_HOPS) return { unresolved: { why: 'circular', name: value.text } };
    const binding = current.bindingOf(value);
    const passed = binding?.kind === 'parameter' ? current.argumentFor(binding) : undefined;
    if (passed) {
      current = passed.scope;
      value = unwrapExpression(ts, passed.expression);
      continue;
    }
    if (binding?.kind === 'import' && current.modules) {
      const imported = current.modules.valueOfImport(current, binding);
      if ('unresolved' in imported) return imported;
      current = imported.scope;
      value = unwrapExpression(ts, imported.expression);
      continue;
    }
    if (binding?.kind !== 'const' || !binding.initializer) return { unresolved: unresolvedName(current, value.text, binding) };
    value = unwrapExpression(ts, binding.initializer);
  }
  return { scope: current, expression: value };
}

/** Why a name that is not a `const` with an initializer cannot be followed. */
export function unresolvedName(scope: FileScope, name: string, binding: Binding | undefined): Unresolved {
  switch (binding?.kind) {
    case 'parameter':
      return { why: 'parameter', name, owner: functionLabel(scope.ts, binding.owner), declaration: binding.owner };
    case 'import':
      return { why: 'import', name, from: binding.from };
    default:
      return { why: 'not-const', name };
  }
}

function isUndefinedName(identifier: ts.Identifier): boolean {
  return identifier.text === 'undefined';
}
