import type ts from 'typescript';
import type { Binding, FileScope } from './file-scope.js';
import { unresolvedName } from './follow-const.js';
import { isRelativeSpecifier } from './project-modules.js';
import { literalTextOf } from './resolve-string.js';
import { isNullish, literalPropertyName, quotableText, unwrapExpression } from './syntax.js';
import type { Unresolved } from './unresolved.js';

/** An expression with the file it is written in: following imports leads into other files. */
export interface ScopedExpression {
  scope: FileScope;
  expression: ts.Expression;
}

/** Whether an object sends some of the keys asked about, and with which value expressions. */
export type KeyPresence = { kind: 'present'; values: readonly ScopedExpression[] } | { kind: 'absent' } | { kind: 'unknown'; unresolved: Unresolved };

/** One shape an object can take (each conditional doubles them): the presence of every key asked about. */
type Shape = ReadonlyMap<string, KeyPresence>;

const ABSENT: KeyPresence = { kind: 'absent' };
/** Consts lead to consts; past this depth something is circular or generated. */
const MAX_DEPTH = 24;
/** Conditionals multiply shapes; past this many the object is not worth following. */
const MAX_SHAPES = 32;

/**
 * Whether the object an expression evaluates to has any of `keys` at its top level, following the file and
 * the project's own modules it imports: object literals, `const` identifiers, imported consts, spreads,
 * property reads (`config.digest`), conditionals (`c ? {…} : {…}`, both must have the key), `Object.assign`
 * and later writes such as `params.max_tokens = n`. A key holding `undefined` or `null` is not sent, so it
 * counts as absent. A key that is present wins over spreads that could not be followed.
 */
export function presenceOfKeys(scope: FileScope, expression: ts.Expression, keys: readonly string[]): KeyPresence {
  return new ObjectFollower(keys, new Set()).presenceIn(scope, expression, 0);
}

/** Present only if present in every shape; absent if absent in any; otherwise unknown. */
function presenceOverShapes(shapes: readonly Shape[], keys: readonly string[]): KeyPresence {
  const verdicts = shapes.map((shape) => presenceInShape(shape, keys));
  const absent = verdicts.find((verdict) => verdict.kind === 'absent');
  if (absent) return absent;
  const unknown = verdicts.find((verdict) => verdict.kind === 'unknown');
  if (unknown) return unknown;
  return { kind: 'present', values: verdicts.flatMap((verdict) => (verdict.kind === 'present' ? verdict.values : [])) };
}

/** One shape has the keys if any of them is present; it is unknown if none is but one could be. */
function presenceInShape(shape: Shape, keys: readonly string[]): KeyPresence {
  const states = keys.map((key) => shape.get(key) ?? ABSENT);
  const present = states.filter((state) => state.kind === 'present');
  if (present.length > 0) return { kind: 'present', values: present.flatMap((state) => state.values) };
  return states.find((state) => state.kind === 'unknown') ?? ABSENT;
}

class ObjectFollower {
  constructor(
    private readonly keys: readonly string[],
    /** Consts and imports being followed right now: meeting one again means the definition refers to itself. */
    private readonly following: Set<Binding>,
  ) {}

  presenceIn(scope: FileScope, expression: ts.Expression, depth: number): KeyPresence {
    return presenceOverShapes(this.shapesOf(scope, expression, depth), this.keys);
  }

  shapesOf(scope: FileScope, expression: ts.Expression, depth: number): Shape[] {
    const { ts } = scope;
    const value = unwrapExpression(ts, expression);
    if (depth > MAX_DEPTH) return [this.uniform(this.unknown({ why: 'too-complex', text: quote(scope, value) }))];
    if (isNullish(ts, value)) return [this.uniform(ABSENT)];
    if (ts.isObjectLiteralExpression(value)) return this.shapesOfLiteral(scope, value, depth);
    if (ts.isConditionalExpression(value)) {
      return this.limited(scope, [...this.shapesOf(scope, value.whenTrue, depth + 1), ...this.shapesOf(scope, value.whenFalse, depth + 1)], value);
    }
    if (ts.isIdentifier(value)) return this.shapesOfIdentifier(scope, value, depth);
    if (this.isObjectAssign(scope, value)) return this.shapesOfObjectAssign(scope, value, depth);
    const property = this.shapesOfProperty(scope, value, depth);
    if (property) return property;
    return [this.uniform(this.unknown({ why: 'not-object', text: quote(scope, value) }))];
  }

  /**
   * `config.digest` (or `config['digest']`) where `config` is an object the project defines: the value of that key.
   * Undefined when the object cannot be followed, so the read is reported as a whole, as before.
   */
  private shapesOfProperty(scope: FileScope, access: ts.Expression, depth: number): Shape[] | undefined {
    const { ts } = scope;
    let key: string | undefined;
    if (ts.isPropertyAccessExpression(access) && ts.isIdentifier(access.name)) key = access.name.text;
    else if (ts.isElementAccessExpression(access) && ts.isStringLiteralLike(access.argumentExpression)) key = access.argumentExpression.text;
    if (key === undefined) return undefined;
    const owner = unwrapExpression(ts, (access as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression);
    const namespace = ts.isIdentifier(owner) ? scope.bindingOf(owner) : undefined;
    if (namespace?.kind === 'import' && namespace.imported === '*' && isRelativeSpecifier(namespace.from) && scope.modules) {
      // `import * as config from './config.js'`: `config.DEFAULTS` is that module's export.
      return this.shapesOfImport(scope, { ...namespace, name: `${namespace.name}.${key}`, imported: key }, depth);
    }
    const presence = new ObjectFollower([key], this.following).presenceIn(scope, owner, depth + 1);
    if (presence.kind === 'unknown') {
      // An import of the project's own module that could not be followed says why; anything else reads as before.
      const cause = presence.unresolved;
      return cause.why === 'import' && cause.detail ? [this.uniform(this.unknown(cause))] : undefined;
    }
    // A key the object does not have reads as undefined, which spreads to nothing.
    if (presence.kind === 'absent') return [this.uniform(ABSENT)];
    return this.limited(
      scope,
      presence.values.flatMap((value) => this.shapesOf(value.scope, value.expression, depth + 1)),
      access,
    );
  }

  private shapesOfLiteral(scope: FileScope, literal: ts.ObjectLiteralExpression, depth: number): Shape[] {
    const { ts } = scope;
    let shapes: Shape[] = [this.uniform(ABSENT)];
    for (const member of literal.properties) {
      if (ts.isSpreadAssignment(member)) {
        shapes = this.spread(scope, shapes, member.expression, depth);
        continue;
      }
      if (ts.isGetAccessorDeclaration(member)) {
        // A getter sends whatever it returns: the key may be there, with a value no expression shows.
        const name = literalPropertyName(ts, member.name);
        if (name !== undefined && this.keys.includes(name)) {
          const state = this.unknown({ why: 'not-object', text: quote(scope, member) });
          shapes = shapes.map((shape) => this.mapKeys(shape, (key, current) => (key === name ? state : current)));
        }
        continue;
      }
      if (!ts.isPropertyAssignment(member) && !ts.isShorthandPropertyAssignment(member)) continue;
      const key = this.keyOf(scope, member.name);
      if (typeof key !== 'string') {
        // A key we cannot name may be one we look for, unless that one is already set.
        const unknown = this.unknown(key);
        shapes = shapes.map((shape) => this.mapKeys(shape, (_, state) => (state.kind === 'present' ? state : unknown)));
        continue;
      }
      if (!this.keys.includes(key)) continue;
      const value = ts.isPropertyAssignment(member) ? member.initializer : member.name;
      const state: KeyPresence = ts.isPropertyAssignment(member) && isNullish(ts, value) ? ABSENT : { kind: 'present', values: [{ scope, expression: value }] };
      shapes = shapes.map((shape) => this.mapKeys(shape, (name, current) => (name === key ? state : current)));
    }
    return shapes;
  }

  /** `{...base, …}`: what the spread sets wins; what it cannot tell matters only for keys not yet set. */
  private spread(scope: FileScope, shapes: readonly Shape[], spreadExpression: ts.Expression, depth: number): Shape[] {
    const spreadShapes = this.shapesOf(scope, spreadExpression, depth + 1);
    let text: string | undefined;
    const merged: Shape[] = [];
    for (const base of shapes) {
      for (const spread of spreadShapes) {
        merged.push(
          this.mapKeys(base, (key, current) => {
            const incoming = spread.get(key) ?? ABSENT;
            if (incoming.kind === 'present') return incoming;
            if (incoming.kind === 'absent' || current.kind === 'present') return current;
            // The innermost spread names the culprit best: `...a` where `a = {...opts}` blames `opts`.
            const cause = incoming.unresolved;
            if (cause.why === 'spread') return incoming;
            text ??= quote(scope, spreadExpression);
            return this.unknown({ why: 'spread', text, cause });
          }),
        );
      }
    }
    return this.limited(scope, merged, spreadExpression);
  }

  private shapesOfIdentifier(scope: FileScope, identifier: ts.Identifier, depth: number): Shape[] {
    const binding = scope.bindingOf(identifier);
    if (!binding) return [this.uniform(this.unknown(unresolvedName(scope, identifier.text, binding)))];
    return this.withMemberWrites(scope, this.shapesOfBinding(scope, identifier.text, binding, depth), binding);
  }

  private shapesOfBinding(scope: FileScope, name: string, binding: Binding, depth: number): Shape[] {
    // While a caller's call is checked, its argument is what the parameter holds.
    const passed = binding.kind === 'parameter' ? scope.argumentFor(binding) : undefined;
    if (passed) return this.followed(passed.scope, binding, passed.expression, name, depth);
    // A defaulted parameter holds its default, or whatever a caller passes instead.
    if (binding.kind === 'parameter' && binding.defaultValue) {
      const passed = this.uniform(this.unknown(unresolvedName(scope, name, binding)));
      return this.limited(scope, [...this.followed(scope, binding, binding.defaultValue, name, depth), passed], binding.defaultValue);
    }
    if (binding.kind === 'import' && scope.modules) return this.shapesOfImport(scope, binding, depth);
    if (binding.kind !== 'const' || !binding.initializer) return [this.uniform(this.unknown(unresolvedName(scope, name, binding)))];
    return this.followed(scope, binding, binding.initializer, name, depth);
  }

  /** An import of the project's own module: what the module exports, followed in that module's file. */
  private shapesOfImport(scope: FileScope, binding: Extract<Binding, { kind: 'import' }>, depth: number): Shape[] {
    if (this.following.has(binding)) return [this.uniform(this.unknown({ why: 'circular', name: binding.name }))];
    const imported = scope.modules!.valueOfImport(scope, binding);
    if ('unresolved' in imported) return [this.uniform(this.unknown(imported.unresolved))];
    this.following.add(binding);
    const target = imported.binding;
    const shapes = target
      ? this.withMemberWrites(imported.scope, this.followed(imported.scope, target, imported.expression, binding.name, depth), target)
      : this.shapesOf(imported.scope, imported.expression, depth + 1);
    this.following.delete(binding);
    return shapes;
  }

  private followed(scope: FileScope, binding: Binding, value: ts.Expression, name: string, depth: number): Shape[] {
    if (this.following.has(binding)) return [this.uniform(this.unknown({ why: 'circular', name }))];
    this.following.add(binding);
    const shapes = this.shapesOf(scope, value, depth + 1);
    this.following.delete(binding);
    return shapes;
  }

  /** `params.max_tokens = n` anywhere in the file sets the key, whatever `params` held and wherever the write stands. */
  private withMemberWrites(scope: FileScope, shapes: Shape[], binding: Binding): Shape[] {
    const { ts } = scope;
    const writes = scope.memberWritesOf(binding);
    if (writes.size === 0) return shapes;
    return shapes.map((shape) =>
      this.mapKeys(shape, (key, current) => {
        const values = (writes.get(key) ?? []).filter((value) => !isNullish(ts, value));
        return values.length > 0 ? { kind: 'present', values: values.map((expression) => ({ scope, expression })) } : current;
      }),
    );
  }

  /** `Object.assign(target, a, b)` has the keys of its arguments, later ones winning, like spreads. */
  private shapesOfObjectAssign(scope: FileScope, call: ts.CallExpression, depth: number): Shape[] {
    let shapes: Shape[] = [this.uniform(ABSENT)];
    for (const argument of call.arguments) shapes = this.spread(scope, shapes, argument, depth);
    return shapes;
  }

  private isObjectAssign(scope: FileScope, expression: ts.Expression): expression is ts.CallExpression {
    const { ts } = scope;
    if (!ts.isCallExpression(expression)) return false;
    const callee = unwrapExpression(ts, expression.expression);
    return ts.isPropertyAccessExpression(callee) && callee.name.text === 'assign' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Object';
  }

  /** The key a property name spells, or why it cannot be known. */
  private keyOf(scope: FileScope, name: ts.PropertyName): string | Unresolved {
    const { ts } = scope;
    if (ts.isComputedPropertyName(name)) {
      return literalTextOf(scope, name.expression) ?? { why: 'computed-key', text: quote(scope, name.expression) };
    }
    // Private names cannot appear in object literals; treat one as a key we do not look for.
    return literalPropertyName(ts, name) ?? '';
  }

  private limited(scope: FileScope, shapes: Shape[], at: ts.Node): Shape[] {
    return shapes.length <= MAX_SHAPES ? shapes : [this.uniform(this.unknown({ why: 'too-complex', text: quote(scope, at) }))];
  }

  private uniform(state: KeyPresence): Shape {
    return new Map(this.keys.map((key) => [key, state]));
  }

  private mapKeys(shape: Shape, next: (key: string, current: KeyPresence) => KeyPresence): Shape {
    return new Map(this.keys.map((key) => [key, next(key, shape.get(key) ?? ABSENT)]));
  }

  private unknown(unresolved: Unresolved): KeyPresence {
    return { kind: 'unknown', unresolved };
  }
}

function quote(scope: FileScope, node: ts.Node): string {
  return quotableText(node, scope.sourceFile);
}
