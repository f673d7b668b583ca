import type ts from 'typescript';
import type { Binding, FileScope } from './file-scope.js';
import { unresolvedName } from './follow-const.js';
import { literalTextOf } from './resolve-string.js';
import { isNullish, literalPropertyName, quotableText, unwrapExpression } from './syntax.js';
import type { Unresolved } from './unresolved.js';

/** Whether an object sends some of the keys asked about, and with which value expressions. */
export type KeyPresence =
  | { kind: 'present'; values: readonly ts.Expression[] }
  | { kind: 'absent' }
  | { kind: 'unknown'; unresolved: Unresolved };

/** One shape an object can take (each conditional doubles them): the presence of every key asked about. */
type Shape = ReadonlyMap<string, KeyPresence>;

const ABSENT: KeyPresence = { kind: 'absent' };
/** Consts lead to consts; past this depth something is circular or generated. */
const MAX_DEPTH = 24;
/** Conditionals multiply shapes; past this many the object is not worth following. */
const MAX_SHAPES = 32;

/**
 * Whether the object an expression evaluates to has any of `keys` at its top level, following the file:
 * object literals, `const` identifiers, spreads, conditionals (`c ? {…} : {…}`, both must have the key),
 * `Object.assign` and later writes such as `params.max_tokens = n`. A key holding `undefined` or `null`
 * is not sent, so it counts as absent. A key that is present wins over spreads that could not be followed.
 */
export function presenceOfKeys(scope: FileScope, expression: ts.Expression, keys: readonly string[]): KeyPresence {
  return presenceOverShapes(new ObjectFollower(scope, keys).shapesOf(expression, 0), keys);
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
  /** Consts being followed right now: meeting one again means the definition refers to itself. */
  private readonly following = new Set<Binding>();

  constructor(
    private readonly scope: FileScope,
    private readonly keys: readonly string[],
  ) {}

  shapesOf(expression: ts.Expression, depth: number): Shape[] {
    const { ts } = this.scope;
    const value = unwrapExpression(ts, expression);
    if (depth > MAX_DEPTH) return [this.uniform(this.unknown({ why: 'too-complex', text: this.quote(value) }))];
    if (isNullish(ts, value)) return [this.uniform(ABSENT)];
    if (ts.isObjectLiteralExpression(value)) return this.shapesOfLiteral(value, depth);
    if (ts.isConditionalExpression(value)) {
      return this.limited([...this.shapesOf(value.whenTrue, depth + 1), ...this.shapesOf(value.whenFalse, depth + 1)], value);
    }
    if (ts.isIdentifier(value)) return this.shapesOfIdentifier(value, depth);
    if (this.isObjectAssign(value)) return this.shapesOfObjectAssign(value, depth);
    return [this.uniform(this.unknown({ why: 'not-object', text: this.quote(value) }))];
  }

  private shapesOfLiteral(literal: ts.ObjectLiteralExpression, depth: number): Shape[] {
    const { ts } = this.scope;
    let shapes: Shape[] = [this.uniform(ABSENT)];
    for (const member of literal.properties) {
      if (ts.isSpreadAssignment(member)) {
        shapes = this.spread(shapes, member.expression, depth);
        continue;
      }
      if (!ts.isPropertyAssignment(member) && !ts.isShorthandPropertyAssignment(member)) continue;
      const key = this.keyOf(member.name);
      if (typeof key !== 'string') {
        // A key we cannot name may be one we look for, unless that one is already set.
        const unknown = this.unknown(key);
        shapes = shapes.map((shape) => this.mapKeys(shape, (_, state) => (state.kind === 'present' ? state : unknown)));
        continue;
      }
      if (!this.keys.includes(key)) continue;
      const value = ts.isPropertyAssignment(member) ? member.initializer : member.name;
      const state: KeyPresence = ts.isPropertyAssignment(member) && isNullish(ts, value) ? ABSENT : { kind: 'present', values: [value] };
      shapes = shapes.map((shape) => this.mapKeys(shape, (name, current) => (name === key ? state : current)));
    }
    return shapes;
  }

  /** `{...base, …}`: what the spread sets wins; what it cannot tell matters only for keys not yet set. */
  private spread(shapes: readonly Shape[], spreadExpression: ts.Expression, depth: number): Shape[] {
    const spreadShapes = this.shapesOf(spreadExpression, depth + 1);
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
            text ??= this.quote(spreadExpression);
            return this.unknown({ why: 'spread', text, cause });
          }),
        );
      }
    }
    return this.limited(merged, spreadExpression);
  }

  private shapesOfIdentifier(identifier: ts.Identifier, depth: number): Shape[] {
    const binding = this.scope.bindingOf(identifier);
    if (!binding) return [this.uniform(this.unknown(unresolvedName(this.scope, identifier.text, binding)))];
    return this.withMemberWrites(this.shapesOfBinding(identifier.text, binding, depth), binding);
  }

  private shapesOfBinding(name: string, binding: Binding, depth: number): Shape[] {
    // A defaulted parameter holds its default, or whatever a caller passes instead.
    if (binding.kind === 'parameter' && binding.defaultValue) {
      const passed = this.uniform(this.unknown(unresolvedName(this.scope, name, binding)));
      return this.limited([...this.followed(binding, binding.defaultValue, name, depth), passed], binding.defaultValue);
    }
    if (binding.kind !== 'const' || !binding.initializer) return [this.uniform(this.unknown(unresolvedName(this.scope, name, binding)))];
    return this.followed(binding, binding.initializer, name, depth);
  }

  private followed(binding: Binding, value: ts.Expression, name: string, depth: number): Shape[] {
    if (this.following.has(binding)) return [this.uniform(this.unknown({ why: 'circular', name }))];
    this.following.add(binding);
    const shapes = this.shapesOf(value, depth + 1);
    this.following.delete(binding);
    return shapes;
  }

  /** `params.max_tokens = n` anywhere in the file sets the key, whatever `params` held and wherever the write stands. */
  private withMemberWrites(shapes: Shape[], binding: Binding): Shape[] {
    const { ts } = this.scope;
    const writes = this.scope.memberWritesOf(binding);
    if (writes.size === 0) return shapes;
    return shapes.map((shape) =>
      this.mapKeys(shape, (key, current) => {
        const values = (writes.get(key) ?? []).filter((value) => !isNullish(ts, value));
        return values.length > 0 ? { kind: 'present', values } : current;
      }),
    );
  }

  /** `Object.assign(target, a, b)` has the keys of its arguments, later ones winning, like spreads. */
  private shapesOfObjectAssign(call: ts.CallExpression, depth: number): Shape[] {
    let shapes: Shape[] = [this.uniform(ABSENT)];
    for (const argument of call.arguments) shapes = this.spread(shapes, argument, depth);
    return shapes;
  }

  private isObjectAssign(expression: ts.Expression): expression is ts.CallExpression {
    const { ts } = this.scope;
    if (!ts.isCallExpression(expression)) return false;
    const callee = unwrapExpression(ts, expression.expression);
    return (
      ts.isPropertyAccessExpression(callee) &&
      callee.name.text === 'assign' &&
      ts.isIdentifier(callee.expression) &&
      callee.expression.text === 'Object'
    );
  }

  /** The key a property name spells, or why it cannot be known. */
  private keyOf(name: ts.PropertyName): string | Unresolved {
    const { ts } = this.scope;
    if (ts.isComputedPropertyName(name)) {
      return literalTextOf(this.scope, name.expression) ?? { why: 'computed-key', text: this.quote(name.expression) };
    }
    // Private names cannot appear in object literals; treat one as a key we do not look for.
    return literalPropertyName(ts, name) ?? '';
  }

  private limited(shapes: Shape[], at: ts.Node): Shape[] {
    return shapes.length <= MAX_SHAPES ? shapes : [this.uniform(this.unknown({ why: 'too-complex', text: this.quote(at) }))];
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

  private quote(node: ts.Node): string {
    return quotableText(node, this.scope.sourceFile);
  }
}
