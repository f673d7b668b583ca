import type { Node } from 'web-tree-sitter';

/**
 * What a name is bound to in one scope of a Python module. `at`: where the binding takes effect (an assignment's
 * end, so `d = {**d}` reads the `d` before it); a use sees the last binding before it.
 */
export type PythonBinding = { at: number } & (
  | { kind: 'value'; value: Node }
  | { kind: 'parameter'; owner: string }
  | { kind: 'import'; from: string; imported?: string }
  /** `def name` or `class name`: `node` is the definition. */
  | { kind: 'definition'; node: Node }
  /** A for target, a tuple unpacking, `x += …`, `with … as x`: nothing this analysis follows. */
  | { kind: 'other' }
);

/** Why a value could not be followed to what it holds, kept as data until a message is written. */
export type PythonUnresolved =
  | { why: 'parameter'; name: string; owner: string }
  | { why: 'import'; name: string; from: string }
  | { why: 'undefined'; name: string }
  | { why: 'rebound'; name: string }
  /** `made`: what the value is instead, when that says why it cannot be followed (an attribute, a call's result). */
  | { why: 'not-dict'; text: string; made?: 'attribute' | 'call' }
  | { why: 'splat'; text: string; cause: PythonUnresolved }
  | { why: 'computed-key'; text: string }
  | { why: 'not-json-body'; text: string }
  | { why: 'too-deep'; text: string };

/** A value followed through the assignments of its module; `scope` is where it was found. */
export type Followed = { node: Node; scope: Scope } | { unresolved: PythonUnresolved };

/** Whether a dict (or a call's keyword arguments) holds one of some keys, and the values it may hold for them. */
export type KeyPresence = { kind: 'present'; values: { node: Node; scope: Scope }[] } | { kind: 'absent' } | { kind: 'unknown'; unresolved: PythonUnresolved };

/** A function's (or the module's, or a class body's) names. */
export interface Scope {
  node: Node;
  /** "`ask`", "the constructor of `Bot`", or "the module". */
  label: string;
  parent?: Scope;
  bindings: Map<string, PythonBinding[]>;
  /** `name["key"] = value`, `name.update(…)`, `name.setdefault(…)` on a dict held by a name of this scope. */
  mutations: Map<string, Node[]>;
  /** The node's span, kept as numbers: asking WASM for them on each lookup is what costs. */
  start: number;
  end: number;
  /** The scope written around this one (a method's class, unlike `parent`); undefined for the module. */
  enclosing?: Scope;
}

const SCOPE_TYPES = new Set(['module', 'function_definition', 'lambda', 'class_definition']);
/** The node types the walk records (bindings, calls, dict entries); every other node is only passed through. */
const RECORDED_TYPES = new Set([
  'call',
  'assignment',
  'named_expression',
  'augmented_assignment',
  'for_statement',
  'for_in_clause',
  'as_pattern',
  'import_statement',
  'import_from_statement',
  'pair',
  'keyword_argument',
]);
/** Following values stops here: deeper chains are too rare to be worth the risk of a runaway walk. */
const MAX_FOLLOW_DEPTH = 24;
const MUTATING_METHODS = new Set(['update', 'setdefault']);
/** Calls that return a copy of the dict they are given. */
const COPY_FUNCTIONS = new Set(['copy', 'deepcopy', 'dict']);

/**
 * The names of one parsed Python module, by scope: module constants, function locals, parameters and
 * imports, so a request's `**kwargs`, body or URL can be followed to the dict or string that built it.
 */
export class PythonModuleScope {
  readonly module: Scope;
  /** Every scope but the module's, in source order (the order the tree query returns them). */
  readonly #scopes: Scope[] = [];
  /** Every call in the module, in source order. */
  readonly calls: Node[] = [];
  /** Every `key: value` of a dict literal, and every `name=value` argument, in source order. */
  readonly pairs: Node[] = [];
  readonly keywordArguments: Node[] = [];
  /** Modules this file imports anything from (`openai`, `litellm`, `urllib.request`). */
  readonly importedModules = new Set<string>();
  /** Argument lists of `name.bind(…)` calls by the receiver's name (LangChain's bound call options). */
  readonly bindCalls = new Map<string, Node[]>();
  /** Answers already worked out: a dict splatted twice into another, level after level, must not cost 2^depth. */
  readonly #keysMemo = new Map<string, KeyPresence>();
  readonly #textMemo = new Map<number, string>();
  /** `self.name = value` assignments, by the class they are made in (its node id), then by name. */
  readonly #selfAttributes = new Map<number, Map<string, PythonBinding[]>>();

  constructor(root: Node) {
    this.module = this.#scopeFor(root, undefined, undefined);
    // Two queries into the tree instead of a walk: every node crossing from WASM costs, so only those recorded do.
    for (const node of root.descendantsOfType([...SCOPE_TYPES].filter((type) => type !== 'module'))) {
      if (!node) continue;
      const outer = this.scopeOf(node);
      this.#recordDefinition(node, outer);
      // Functions do not see a class body's names: their parent is the scope around the class.
      const parent = outer.node.type === 'class_definition' && node.type !== 'class_definition' ? outer.parent : outer;
      this.#recordParameters(node, this.#scopeFor(node, parent, outer));
    }
    for (const node of root.descendantsOfType([...RECORDED_TYPES])) {
      if (node) this.#record(node, this.scopeOf(node));
    }
  }

  /** The scope a node is in: its innermost enclosing function, lambda, class body, or the module. */
  scopeOf(node: Node): Scope {
    return this.#scopeAt(node.startIndex);
  }

  /** The last scope opened before the offset, or the nearest one around that which still holds it. */
  #scopeAt(offset: number): Scope {
    let low = 0;
    let high = this.#scopes.length - 1;
    let candidate: Scope | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.#scopes[middle]!.start < offset) {
        candidate = this.#scopes[middle];
        low = middle + 1;
      } else high = middle - 1;
    }
    while (candidate && offset >= candidate.end) candidate = candidate.enclosing;
    return candidate ?? this.module;
  }

  /** What `name` is bound to where `use` is, looking outwards. */
  bindingOf(name: string, scope: Scope, use: number): { binding: PythonBinding; scope: Scope } | undefined {
    for (let at: Scope | undefined = scope; at; at = at.parent) {
      const bindings = at.bindings.get(name);
      if (!bindings) continue;
      const decisive = lastBefore(bindings, use);
      return decisive && { binding: decisive, scope: at };
    }
    return undefined;
  }

  /** A callee's last name, as its library spells it: `completion` for `llm_call` after `from litellm import completion as llm_call`. */
  libraryNameOf(callee: Node | null | undefined, scope: Scope): string | undefined {
    const name = calleeName(callee);
    if (callee?.type !== 'identifier' || name === undefined) return name;
    const binding = this.bindingOf(name, scope, callee.startIndex)?.binding;
    return binding?.kind === 'import' && binding.imported !== undefined ? binding.imported : name;
  }

  /** Unwraps parentheses and `await`; follows names through their assignments, and `self.x` to what its class assigns. */
  follow(node: Node, scope: Scope, depth = 0): Followed {
    if (depth > MAX_FOLLOW_DEPTH) return { unresolved: { why: 'too-deep', text: node.text } };
    if (node.type === 'parenthesized_expression' || node.type === 'await') {
      const inner = node.namedChildren[0];
      return inner ? this.follow(inner, scope, depth + 1) : { node, scope };
    }
    if (node.type === 'attribute') return this.#followSelfAttribute(node, scope, depth);
    if (node.type !== 'identifier') return { node, scope };
    const name = node.text;
    const found = this.bindingOf(name, this.scopeOf(node), node.startIndex);
    if (!found) return { unresolved: { why: 'undefined', name } };
    const { binding } = found;
    switch (binding.kind) {
      case 'value':
        return this.follow(binding.value, found.scope, depth + 1);
      case 'parameter':
        return { unresolved: { why: 'parameter', name, owner: binding.owner } };
      case 'import':
        return { unresolved: { why: 'import', name, from: binding.from } };
      default:
        return { unresolved: { why: 'rebound', name } };
    }
  }

  /**
   * `self.url` inside a class: the value the class assigns to it (`self.url = …` in one of its methods, once) or
   * a class attribute of that name; `module.NAME` of an imported module is an import. Any other attribute is left
   * as it is: a value set at run time.
   */
  #followSelfAttribute(node: Node, scope: Scope, depth: number): Followed {
    const object = node.childForFieldName('object');
    const name = node.childForFieldName('attribute')?.text;
    if (object?.type !== 'identifier' || name === undefined) return { node, scope };
    if (object.text !== 'self') {
      // `settings.DEFAULTS` on an imported module: it lives in that module, which is not followed.
      const binding = this.bindingOf(object.text, this.scopeOf(object), object.startIndex)?.binding;
      return binding?.kind === 'import' ? { unresolved: { why: 'import', name: node.text, from: binding.from } } : { node, scope };
    }
    const owner = this.#classAround(node.startIndex);
    if (!owner) return { node, scope };
    const assigned = this.#selfAttributes.get(owner.node.id)?.get(name) ?? owner.bindings.get(name) ?? [];
    if (assigned.length === 0) return { node, scope };
    const [only] = assigned;
    if (assigned.length > 1 || only?.kind !== 'value') return { unresolved: { why: 'rebound', name: node.text } };
    return this.follow(only.value, this.scopeOf(only.value), depth + 1);
  }

  /** The innermost class whose body holds the offset. */
  #classAround(offset: number): Scope | undefined {
    for (let scope: Scope | undefined = this.#scopeAt(offset); scope; scope = scope.enclosing) {
      if (scope.node.type === 'class_definition') return scope;
    }
    return undefined;
  }

  /** Whether the dict `node` evaluates to holds one of `keys`. */
  keysIn(node: Node, scope: Scope, keys: readonly string[], depth = 0): KeyPresence {
    const memoKey = `${node.id}\u0000${keys.join(',')}`;
    const known = this.#keysMemo.get(memoKey);
    if (known) return known;
    // Until it is known, a value that reaches itself again is one too deep to follow.
    this.#keysMemo.set(memoKey, { kind: 'unknown', unresolved: { why: 'too-deep', text: node.text } });
    const presence = this.#keysInUncached(node, scope, keys, depth);
    this.#keysMemo.set(memoKey, presence);
    return presence;
  }

  #keysInUncached(node: Node, scope: Scope, keys: readonly string[], depth: number): KeyPresence {
    if (depth > MAX_FOLLOW_DEPTH) return { kind: 'unknown', unresolved: { why: 'too-deep', text: node.text } };
    const followed = this.follow(node, scope, depth);
    const held: KeyPresence =
      'unresolved' in followed ? { kind: 'unknown', unresolved: followed.unresolved } : this.#keysInValue(followed.node, followed.scope, keys, depth);
    // Keys set on the name afterwards count even when what it held is unknown: `kwargs.setdefault("max_tokens", 512)`.
    const mutated = node.type === 'identifier' ? this.#mutationsOf(node) : [];
    return unionOf([held, ...mutated.map((mutation) => this.#keysInMutation(mutation, this.scopeOf(mutation), keys, depth))]);
  }

  /** A call's keyword arguments (and `**splats`) as one dict. */
  keysInArguments(argumentList: Node, scope: Scope, keys: readonly string[], depth = 0): KeyPresence {
    const presences: KeyPresence[] = [];
    for (const argument of argumentList.namedChildren) {
      if (!argument) continue;
      if (argument.type === 'keyword_argument') {
        const name = argument.childForFieldName('name')?.text;
        const value = argument.childForFieldName('value');
        if (name !== undefined && value && keys.includes(name)) presences.push({ kind: 'present', values: [{ node: value, scope }] });
      } else if (argument.type === 'dictionary_splat') {
        const splatted = argument.namedChildren[0];
        if (splatted) presences.push(splatPresence(splatted, this.keysIn(splatted, scope, keys, depth + 1)));
      }
    }
    return unionOf(presences);
  }

  /** The keyword argument `name` of a call, or undefined. */
  keywordArgument(argumentList: Node | null, name: string): Node | undefined {
    for (const argument of argumentList?.namedChildren ?? []) {
      if (argument?.type === 'keyword_argument' && argument.childForFieldName('name')?.text === name) return argument.childForFieldName('value') ?? undefined;
    }
    return undefined;
  }

  /** The string a value is known to be, exactly (literal, constant, concatenation of those), or undefined. */
  stringOf(node: Node, scope: Scope, depth = 0): string | undefined {
    const text = this.partialTextOf(node, scope, depth);
    return text.includes(UNKNOWN_TEXT) ? undefined : text;
  }

  /** A string's text with each part that cannot be known (a parameter in an f-string) as UNKNOWN_TEXT. */
  partialTextOf(node: Node, scope: Scope, depth = 0): string {
    const known = this.#textMemo.get(node.id);
    if (known !== undefined) return known;
    this.#textMemo.set(node.id, UNKNOWN_TEXT);
    const text = this.#partialTextUncached(node, scope, depth);
    this.#textMemo.set(node.id, text);
    return text;
  }

  #partialTextUncached(node: Node, scope: Scope, depth: number): string {
    if (depth > MAX_FOLLOW_DEPTH) return UNKNOWN_TEXT;
    const followed = this.follow(node, scope, depth);
    if ('unresolved' in followed) return UNKNOWN_TEXT;
    const value = followed.node;
    const at = followed.scope;
    switch (value.type) {
      case 'string': {
        let text = '';
        for (const part of value.namedChildren) {
          if (!part) continue;
          if (part.type === 'string_content' || part.type === 'escape_sequence') text += part.text;
          else if (part.type === 'interpolation') {
            const expression = part.childForFieldName('expression') ?? part.namedChildren[0];
            text += expression ? this.partialTextOf(expression, at, depth + 1) : UNKNOWN_TEXT;
          }
        }
        return text;
      }
      case 'concatenated_string':
        return value.namedChildren.map((part) => (part ? this.partialTextOf(part, at, depth + 1) : '')).join('');
      case 'binary_operator': {
        const operator = value.childForFieldName('operator')?.text;
        const left = value.childForFieldName('left');
        const right = value.childForFieldName('right');
        if (operator === '+' && left && right) return this.partialTextOf(left, at, depth + 1) + this.partialTextOf(right, at, depth + 1);
        // `"%s/chat/completions" % base`: the template's own text, its fields unknown.
        if (operator === '%' && left) return this.partialTextOf(left, at, depth + 1).replace(/%[sdr]/g, UNKNOWN_TEXT);
        return UNKNOWN_TEXT;
      }
      case 'call': {
        const callee = value.childForFieldName('function');
        const args = value.childForFieldName('arguments');
        // `"{}/chat/completions".format(base)`
        if (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'format') {
          const template = callee.childForFieldName('object');
          return template ? this.partialTextOf(template, at, depth + 1).replace(/\{[^}]*\}/g, UNKNOWN_TEXT) : UNKNOWN_TEXT;
        }
        // `urljoin(base, "chat/completions")`: the URL ends as its last part does.
        if (calleeName(callee) === 'urljoin' && args) {
          const last = args.namedChildren.at(-1);
          return last ? `${UNKNOWN_TEXT}/${this.partialTextOf(last, at, depth + 1).replace(/^\/+/, '')}` : UNKNOWN_TEXT;
        }
        return UNKNOWN_TEXT;
      }
      default:
        return UNKNOWN_TEXT;
    }
  }

  #keysInValue(value: Node, scope: Scope, keys: readonly string[], depth: number): KeyPresence {
    switch (value.type) {
      case 'dictionary': {
        const presences: KeyPresence[] = [];
        for (const entry of value.namedChildren) {
          if (!entry) continue;
          if (entry.type === 'pair') {
            const keyNode = entry.childForFieldName('key');
            const valueNode = entry.childForFieldName('value');
            if (!keyNode || !valueNode) continue;
            const key = this.stringOf(keyNode, scope, depth + 1);
            if (key === undefined) presences.push({ kind: 'unknown', unresolved: { why: 'computed-key', text: keyNode.text } });
            else if (keys.includes(key)) presences.push({ kind: 'present', values: [{ node: valueNode, scope }] });
          } else if (entry.type === 'dictionary_splat') {
            const splatted = entry.namedChildren[0];
            if (splatted) presences.push(splatPresence(splatted, this.keysIn(splatted, scope, keys, depth + 1)));
          }
        }
        return unionOf(presences);
      }
      case 'call': {
        const callee = value.childForFieldName('function');
        const args = value.childForFieldName('arguments');
        const name = calleeName(callee);
        if (!args || args.type !== 'argument_list') break;
        if (name !== undefined && COPY_FUNCTIONS.has(name)) {
          // dict(base, key=…), copy.deepcopy(base), base.copy()
          const copied =
            callee?.type === 'attribute' && name === 'copy' && args.namedChildren.length === 0 ? callee.childForFieldName('object') : firstPositional(args);
          const presences = [this.keysInArguments(args, scope, keys, depth + 1)];
          if (copied) presences.push(this.keysIn(copied, scope, keys, depth + 1));
          return unionOf(presences);
        }
        break;
      }
      case 'binary_operator': {
        // `base | {"max_tokens": 5}`
        const left = value.childForFieldName('left');
        const right = value.childForFieldName('right');
        if (value.childForFieldName('operator')?.text === '|' && left && right) {
          return unionOf([this.keysIn(left, scope, keys, depth + 1), this.keysIn(right, scope, keys, depth + 1)]);
        }
        break;
      }
      case 'conditional_expression': {
        // `a if cond else b`: each branch may be what is sent.
        const branches = value.namedChildren.filter((child, index): child is Node => child !== null && index !== 1);
        return worstPresenceOf(branches.map((branch) => this.keysIn(branch, scope, keys, depth + 1)));
      }
    }
    const made = value.type === 'attribute' ? 'attribute' : value.type === 'call' ? 'call' : undefined;
    return { kind: 'unknown', unresolved: { why: 'not-dict', text: value.text, ...(made ? { made } : {}) } };
  }

  #keysInMutation(mutation: Node, scope: Scope, keys: readonly string[], depth: number): KeyPresence {
    if (mutation.type === 'assignment') {
      const target = mutation.childForFieldName('left');
      const key = target?.childForFieldName('subscript');
      const value = mutation.childForFieldName('right');
      if (!key || !value) return { kind: 'absent' };
      const name = this.stringOf(key, scope, depth + 1);
      if (name === undefined) return { kind: 'unknown', unresolved: { why: 'computed-key', text: key.text } };
      return keys.includes(name) ? { kind: 'present', values: [{ node: value, scope }] } : { kind: 'absent' };
    }
    const method = mutation.childForFieldName('function')?.childForFieldName('attribute')?.text;
    const args = mutation.childForFieldName('arguments');
    if (!args) return { kind: 'absent' };
    if (method === 'setdefault') {
      const [key, value] = args.namedChildren;
      const name = key ? this.stringOf(key, scope, depth + 1) : undefined;
      return name !== undefined && keys.includes(name) && value ? { kind: 'present', values: [{ node: value, scope }] } : { kind: 'absent' };
    }
    const updated = firstPositional(args);
    const presences = [this.keysInArguments(args, scope, keys, depth + 1)];
    if (updated) presences.push(this.keysIn(updated, scope, keys, depth + 1));
    return unionOf(presences);
  }

  /**
   * Mutations of the dict a name (a variable or a `**kwargs` parameter) holds, made in the scope that binds it, that always run:
   * a key set inside an `if` (or a loop, an `except`) that does not also hold the use may not be set.
   */
  #mutationsOf(use: Node): Node[] {
    const found = this.bindingOf(use.text, this.scopeOf(use), use.startIndex);
    if (found?.binding.kind !== 'value' && found?.binding.kind !== 'parameter') return [];
    // In the use's own scope a key set after the call comes too late; a function defined there runs later, after it.
    const sameScope = this.scopeOf(use) === found.scope;
    return (found.scope.mutations.get(use.text) ?? []).filter(
      (mutation) => runsWhenever(mutation, use, found.scope.node) && (!sameScope || mutation.startIndex < use.startIndex),
    );
  }

  /** As the TypeScript analysis names functions: "`ask`", "the constructor of `Bot`", "an anonymous function". */
  #functionLabel(node: Node, name: string | undefined): string {
    if (node.type === 'lambda' || name === undefined) return 'an anonymous function';
    const owner = name === '__init__' ? this.#classAround(node.startIndex)?.node.childForFieldName('name')?.text : undefined;
    return owner === undefined ? `\`${name}\`` : `the constructor of \`${owner}\``;
  }

  #scopeFor(node: Node, parent: Scope | undefined, enclosing: Scope | undefined): Scope {
    const name = node.childForFieldName('name')?.text;
    const label = node.type === 'module' ? 'the module' : this.#functionLabel(node, name);
    const scope: Scope = { node, label, parent, enclosing, bindings: new Map(), mutations: new Map(), start: node.startIndex, end: node.endIndex };
    if (enclosing) this.#scopes.push(scope);
    return scope;
  }

  #recordDefinition(node: Node, scope: Scope): void {
    const name = node.childForFieldName('name');
    if (name && node.type !== 'lambda') bind(scope, name.text, { kind: 'definition', node, at: name.endIndex });
  }

  #recordParameters(node: Node, scope: Scope): void {
    const parameters = node.childForFieldName('parameters');
    for (const parameter of parameters?.namedChildren ?? []) {
      const name = parameterName(parameter);
      if (name) bind(scope, name.text, { kind: 'parameter', owner: scope.label, at: name.endIndex });
    }
  }

  #record(node: Node, scope: Scope): void {
    switch (node.type) {
      case 'pair':
        this.pairs.push(node);
        return;
      case 'keyword_argument':
        this.keywordArguments.push(node);
        return;
      case 'call': {
        this.calls.push(node);
        const callee = node.childForFieldName('function');
        const receiver = callee?.type === 'attribute' ? callee.childForFieldName('object') : undefined;
        const method = callee?.childForFieldName('attribute')?.text;
        if (receiver?.type === 'identifier' && method !== undefined) {
          if (MUTATING_METHODS.has(method)) pushTo(scope.mutations, receiver.text, node);
          if (method === 'bind') {
            const args = node.childForFieldName('arguments');
            if (args) pushTo(this.bindCalls, receiver.text, args);
          }
        }
        return;
      }
      case 'assignment':
        this.#recordAssignment(node, scope);
        return;
      case 'named_expression': {
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        if (name && value) bind(scope, name.text, { kind: 'value', value, at: node.endIndex });
        return;
      }
      case 'augmented_assignment':
      case 'for_statement':
      case 'for_in_clause': {
        for (const name of identifiersIn(node.childForFieldName('left'))) bind(scope, name, { kind: 'other', at: node.startIndex });
        return;
      }
      case 'as_pattern': {
        const alias = node.childForFieldName('alias');
        const target = alias?.namedChildren[0] ?? alias;
        const value = node.namedChildren[0];
        // `with httpx.Client() as http:` — clients' __enter__ returns the client itself.
        if (node.parent?.type === 'with_item' && target?.type === 'identifier' && value) {
          bind(scope, target.text, { kind: 'value', value, at: node.endIndex });
          return;
        }
        for (const name of identifiersIn(alias)) bind(scope, name, { kind: 'other', at: node.endIndex });
        return;
      }
      case 'import_statement':
        for (const imported of node.namedChildren) {
          if (!imported) continue;
          const module = imported.type === 'aliased_import' ? imported.childForFieldName('name')?.text : imported.text;
          if (module === undefined) continue;
          this.importedModules.add(module);
          const local = imported.type === 'aliased_import' ? imported.childForFieldName('alias')?.text : module.split('.')[0];
          if (local) bind(scope, local, { kind: 'import', from: module, at: node.endIndex });
        }
        return;
      case 'import_from_statement': {
        const module = node.childForFieldName('module_name')?.text ?? '';
        this.importedModules.add(module);
        for (const imported of node.childrenForFieldName('name')) {
          if (!imported) continue;
          const name = imported.type === 'aliased_import' ? imported.childForFieldName('name')?.text : imported.text;
          const local = imported.type === 'aliased_import' ? imported.childForFieldName('alias')?.text : imported.text;
          if (name !== undefined && local !== undefined) bind(scope, local, { kind: 'import', from: module, imported: name, at: node.endIndex });
        }
        return;
      }
    }
  }

  #recordAssignment(node: Node, scope: Scope): void {
    const target = node.childForFieldName('left');
    let value = node.childForFieldName('right');
    // `a = b = {…}`: the innermost right-hand side is every target's value.
    while (value?.type === 'assignment') value = value.childForFieldName('right');
    if (!target) return;
    if (target.type === 'identifier') {
      bind(scope, target.text, value ? { kind: 'value', value, at: node.endIndex } : { kind: 'other', at: node.endIndex });
    } else if (target.type === 'subscript') {
      const holder = target.childForFieldName('value');
      if (holder?.type === 'identifier') pushTo(scope.mutations, holder.text, node);
    } else if (target.type === 'attribute') {
      const object = target.childForFieldName('object');
      const name = target.childForFieldName('attribute')?.text;
      const owner = object?.type === 'identifier' && object.text === 'self' ? this.#classAround(node.startIndex) : undefined;
      if (owner && name !== undefined) {
        let attributes = this.#selfAttributes.get(owner.node.id);
        if (!attributes) this.#selfAttributes.set(owner.node.id, (attributes = new Map()));
        pushTo(attributes, name, value ? { kind: 'value', value, at: node.endIndex } : { kind: 'other', at: node.endIndex });
      }
    } else {
      for (const name of identifiersIn(target)) bind(scope, name, { kind: 'other', at: node.endIndex });
    }
    const inner = node.childForFieldName('right');
    if (inner?.type === 'assignment') this.#recordAssignment(inner, scope);
  }
}

/** Stands for a part of a string the analysis cannot know. */
export const UNKNOWN_TEXT = '\u0000';

/** The last name in `a.b.c` or the name `c`; undefined for anything else. */
export function calleeName(callee: Node | null | undefined): string | undefined {
  if (!callee) return undefined;
  if (callee.type === 'identifier') return callee.text;
  if (callee.type === 'attribute') return callee.childForFieldName('attribute')?.text;
  return undefined;
}

/** A call's first positional argument (keywords, `*args`, `**kwargs` and comments are not). */
export function firstPositional(argumentList: Node): Node | undefined {
  return argumentList.namedChildren.find(isPositional);
}

/** A call's positional arguments, in order. */
export function positionalArguments(argumentList: Node): Node[] {
  return argumentList.namedChildren.filter(isPositional);
}

function isPositional(argument: Node | null): argument is Node {
  return (
    argument !== null &&
    argument.type !== 'keyword_argument' &&
    argument.type !== 'dictionary_splat' &&
    argument.type !== 'list_splat' &&
    argument.type !== 'comment'
  );
}

/** Statements that run their body only sometimes. */
const CONDITIONAL_TYPES = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'for_statement',
  'while_statement',
  'case_clause',
  'except_clause',
  'conditional_expression',
  'boolean_operator',
]);

/** `statement` is not inside a branch or loop of `scopeNode` that leaves `use` out. */
function runsWhenever(statement: Node, use: Node, scopeNode: Node): boolean {
  for (let at = statement.parent; at && at.id !== scopeNode.id; at = at.parent) {
    if (CONDITIONAL_TYPES.has(at.type) && !(at.startIndex <= use.startIndex && use.endIndex <= at.endIndex)) return false;
  }
  return true;
}

function lastBefore(bindings: readonly PythonBinding[], use: number): PythonBinding | undefined {
  // A name used before any binding of its scope (a module constant read in a function defined above it) sees the last one.
  // Bindings are recorded in two passes (definitions and parameters first), so the latest is found by position.
  const latest = (candidates: readonly PythonBinding[]): PythonBinding | undefined =>
    candidates.reduce<PythonBinding | undefined>((best, binding) => (best === undefined || binding.at >= best.at ? binding : best), undefined);
  return latest(bindings.filter((binding) => binding.at < use)) ?? latest(bindings);
}

function splatPresence(splatted: Node, presence: KeyPresence): KeyPresence {
  return presence.kind === 'unknown' ? { kind: 'unknown', unresolved: { why: 'splat', text: splatted.text, cause: presence.unresolved } } : presence;
}

/** Several sources of keys merged into one dict: a key found anywhere is present. */
function unionOf(presences: readonly KeyPresence[]): KeyPresence {
  const present = presences.filter((presence): presence is Extract<KeyPresence, { kind: 'present' }> => presence.kind === 'present');
  if (present.length > 0) return { kind: 'present', values: present.flatMap((presence) => presence.values) };
  return presences.find((presence) => presence.kind === 'unknown') ?? { kind: 'absent' };
}

/** Alternatives (branches): a key missing from one of them may be missing. */
function worstPresenceOf(presences: readonly KeyPresence[]): KeyPresence {
  return presences.find((presence) => presence.kind === 'absent') ?? presences.find((presence) => presence.kind === 'unknown') ?? unionOf(presences);
}

function bind(scope: Scope, name: string, binding: PythonBinding): void {
  pushTo(scope.bindings, name, binding);
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The name a parameter binds: `x`, `x=1`, `x: int = 1`, `*args`, `**kwargs: Any` (not the `Any`). */
export function parameterName(parameter: Node | null): Node | undefined {
  if (!parameter) return undefined;
  switch (parameter.type) {
    case 'identifier':
      return parameter;
    case 'default_parameter':
    case 'typed_default_parameter':
      return parameter.childForFieldName('name') ?? undefined;
    case 'typed_parameter':
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern':
      return parameterName(parameter.namedChildren[0] ?? null);
    default:
      return undefined;
  }
}

function identifiersIn(node: Node | null): string[] {
  if (!node) return [];
  if (node.type === 'identifier') return [node.text];
  if (node.type === 'attribute' || node.type === 'subscript') return [];
  return node.namedChildren.flatMap((child) => identifiersIn(child));
}
