import type ts from 'typescript';
import type { TypeScript } from './load-typescript.js';

/** What a name refers to where it is used, as far as its own file tells. */
export type Binding =
  | { kind: 'const'; name: string; initializer: ts.Expression | undefined }
  /** `defaultValue`: what an omitted argument holds, when the function never reassigns the parameter. */
  | { kind: 'parameter'; name: string; owner: ts.SignatureDeclaration; defaultValue?: ts.Expression }
  | { kind: 'import'; name: string; from: string }
  | { kind: 'function'; name: string }
  /** `let`, `var`, destructured, `catch` and loop variables: they may hold anything. */
  | { kind: 'variable'; name: string };

/** `params.max_tokens = n` after `const params = {…}`: the object gains a key its literal does not show. */
interface MemberWrite {
  target: ts.Identifier;
  key: string;
  value: ts.Expression;
}

/** `x = value` (simple: `value` is what x then holds, and the write always runs) or any other write (`x += 1`, `[x] = pair`, `x++`). */
interface IdentifierWrite {
  target: ts.Identifier;
  value: ts.Expression | undefined;
}

/** The module of `require('module')`, or undefined for any other expression. */
function requiredModule(ts: TypeScript, expression: ts.Expression): string | undefined {
  if (!ts.isCallExpression(expression) || !ts.isIdentifier(expression.expression) || expression.expression.text !== 'require') return undefined;
  const [specifier] = expression.arguments;
  return specifier && ts.isStringLiteralLike(specifier) ? specifier.text : undefined;
}

const NO_WRITES: ReadonlyMap<string, readonly ts.Expression[]> = new Map();

/**
 * The names one file declares, by the scope that holds them, filled by the single walk over the file
 * and then asked which declaration a name refers to. It holds nodes, so it lives no longer than the file's analysis.
 */
export class FileScope {
  private readonly bindingsByScope = new Map<ts.Node, Map<string, Binding>>();
  private readonly memberWrites: MemberWrite[] = [];
  private writesByBinding: Map<Binding, Map<string, ts.Expression[]>> | undefined;
  /** `let` variables and defaulted parameters, with the value they start with: const-like if never written again. */
  private readonly constCandidates = new Map<Binding, ts.Expression | undefined>();
  private readonly identifierWrites: IdentifierWrite[] = [];
  private settledCandidates: Map<Binding, Binding> | undefined;

  constructor(
    readonly ts: TypeScript,
    readonly sourceFile: ts.SourceFile,
  ) {}

  /** Notes what a node declares or writes; the walk calls this for every node of the file. */
  record(node: ts.Node): void {
    const { ts } = this;
    switch (node.kind) {
      case ts.SyntaxKind.VariableDeclaration:
        this.recordVariable(node as ts.VariableDeclaration);
        break;
      case ts.SyntaxKind.Parameter:
        this.recordParameter(node as ts.ParameterDeclaration);
        break;
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.ClassDeclaration: {
        const { name } = node as ts.FunctionDeclaration | ts.ClassDeclaration;
        if (name) this.bind(this.blockScopeOf(node.parent), { kind: 'function', name: name.text });
        break;
      }
      case ts.SyntaxKind.ImportDeclaration:
        this.recordImport(node as ts.ImportDeclaration);
        break;
      case ts.SyntaxKind.ImportEqualsDeclaration:
        this.recordImportEquals(node as ts.ImportEqualsDeclaration);
        break;
      case ts.SyntaxKind.BinaryExpression:
        this.recordMemberWrite(node as ts.BinaryExpression);
        this.recordIdentifierWrite(node as ts.BinaryExpression);
        break;
      case ts.SyntaxKind.PrefixUnaryExpression:
      case ts.SyntaxKind.PostfixUnaryExpression: {
        const { operand, operator } = node as ts.PrefixUnaryExpression | ts.PostfixUnaryExpression;
        if (operator === ts.SyntaxKind.PlusPlusToken || operator === ts.SyntaxKind.MinusMinusToken) this.recordOtherWrites(operand);
        break;
      }
      case ts.SyntaxKind.ForInStatement:
      case ts.SyntaxKind.ForOfStatement: {
        const { initializer } = node as ts.ForInStatement | ts.ForOfStatement;
        if (!ts.isVariableDeclarationList(initializer)) this.recordOtherWrites(initializer);
        break;
      }
    }
  }

  /** The declaration a name refers to at the place it is used, or undefined for globals and typos. */
  bindingOf(identifier: ts.Identifier): Binding | undefined {
    const binding = this.declaredBindingOf(identifier);
    return binding && this.constCandidates.has(binding) ? this.settle(binding) : binding;
  }

  /**
   * A `let` assigned once (at its declaration, or by one later `x = value`) holds that value as a const does;
   * a parameter never reassigned keeps its default value. Settled after the walk, when every write is known.
   */
  private settle(candidate: Binding): Binding {
    if (!this.settledCandidates) {
      const writes = new Map<Binding, IdentifierWrite[]>();
      for (const write of this.identifierWrites) {
        const target = this.declaredBindingOf(write.target);
        if (target && this.constCandidates.has(target)) writes.set(target, [...(writes.get(target) ?? []), write]);
      }
      this.settledCandidates = new Map();
      for (const [binding, initializer] of this.constCandidates) {
        const later = writes.get(binding) ?? [];
        const value = initializer ? (later.length === 0 ? initializer : undefined) : later.length === 1 ? later[0]!.value : undefined;
        let settled = binding;
        if (value && binding.kind === 'parameter') settled = { ...binding, defaultValue: value };
        else if (value) settled = { kind: 'const', name: binding.name, initializer: value };
        this.settledCandidates.set(binding, settled);
      }
    }
    return this.settledCandidates.get(candidate) ?? candidate;
  }

  private declaredBindingOf(identifier: ts.Identifier): Binding | undefined {
    const name = identifier.text;
    for (let node: ts.Node | undefined = identifier.parent; node; node = node.parent) {
      const binding = this.bindingsByScope.get(node)?.get(name);
      if (binding) return binding;
    }
    return undefined;
  }

  /** Values assigned to keys of a binding's object anywhere in the file (`params.max_tokens = n`), by key. */
  memberWritesOf(binding: Binding): ReadonlyMap<string, readonly ts.Expression[]> {
    if (!this.writesByBinding) {
      this.writesByBinding = new Map();
      for (const write of this.memberWrites) {
        const target = this.bindingOf(write.target);
        if (!target) continue;
        let writes = this.writesByBinding.get(target);
        if (!writes) this.writesByBinding.set(target, (writes = new Map()));
        writes.set(write.key, [...(writes.get(write.key) ?? []), write.value]);
      }
    }
    return this.writesByBinding.get(binding) ?? NO_WRITES;
  }

  private recordVariable(declaration: ts.VariableDeclaration): void {
    const { ts } = this;
    const list = declaration.parent;
    if (ts.isCatchClause(list)) {
      this.bindNames(declaration.name, list, (name) => ({ kind: 'variable', name }));
      return;
    }
    if (!ts.isVariableDeclarationList(list)) return;
    const blockScoped = list.flags & ts.NodeFlags.BlockScoped;
    const scope = blockScoped ? this.blockScopeOf(list) : this.functionScopeOf(list);
    const required = declaration.initializer && requiredModule(ts, declaration.initializer);
    if (required !== undefined) {
      // `const { generateText } = require('ai')` imports as `import { generateText } from 'ai'` does.
      this.bindNames(declaration.name, scope, (name) => ({ kind: 'import', name, from: required }));
      return;
    }
    // A loop-head `const` takes a new value on every iteration: its initializer is not what it holds.
    const isLoopHead = ts.isForInStatement(list.parent) || ts.isForOfStatement(list.parent);
    if (blockScoped === ts.NodeFlags.Const && !isLoopHead && ts.isIdentifier(declaration.name)) {
      this.bind(scope, { kind: 'const', name: declaration.name.text, initializer: declaration.initializer });
    } else if (blockScoped === ts.NodeFlags.Let && !isLoopHead && !ts.isForStatement(list.parent) && ts.isIdentifier(declaration.name)) {
      const binding: Binding = { kind: 'variable', name: declaration.name.text };
      if (this.bind(scope, binding)) this.constCandidates.set(binding, declaration.initializer);
    } else {
      this.bindNames(declaration.name, scope, (name) => ({ kind: 'variable', name }));
    }
  }

  private recordParameter(parameter: ts.ParameterDeclaration): void {
    const { ts } = this;
    const owner = parameter.parent;
    if (ts.isIdentifier(parameter.name) && parameter.initializer) {
      const binding: Binding = { kind: 'parameter', name: parameter.name.text, owner };
      if (this.bind(owner, binding)) this.constCandidates.set(binding, parameter.initializer);
      return;
    }
    this.bindNames(parameter.name, owner, (name) => ({ kind: 'parameter', name, owner }));
  }

  private recordImport(declaration: ts.ImportDeclaration): void {
    const { ts } = this;
    const clause = declaration.importClause;
    if (!clause || !ts.isStringLiteral(declaration.moduleSpecifier)) return;
    const from = declaration.moduleSpecifier.text;
    const scope = declaration.parent;
    if (clause.name) this.bind(scope, { kind: 'import', name: clause.name.text, from });
    const bindings = clause.namedBindings;
    if (!bindings) return;
    if (ts.isNamespaceImport(bindings)) this.bind(scope, { kind: 'import', name: bindings.name.text, from });
    else for (const specifier of bindings.elements) this.bind(scope, { kind: 'import', name: specifier.name.text, from });
  }

  private recordImportEquals(declaration: ts.ImportEqualsDeclaration): void {
    const { ts } = this;
    const reference = declaration.moduleReference;
    const from =
      ts.isExternalModuleReference(reference) && ts.isStringLiteral(reference.expression)
        ? reference.expression.text
        : reference.getText(this.sourceFile);
    this.bind(declaration.parent, { kind: 'import', name: declaration.name.text, from });
  }

  private recordMemberWrite(expression: ts.BinaryExpression): void {
    const { ts } = this;
    const operator = expression.operatorToken.kind;
    if (operator < ts.SyntaxKind.FirstAssignment || operator > ts.SyntaxKind.LastAssignment) return;
    const target = expression.left;
    // `if (short) params.max_tokens = 100` leaves the other path uncapped: only writes that always run count.
    if (!this.alwaysRuns(expression)) return;
    if (ts.isPropertyAccessExpression(target) && ts.isIdentifier(target.expression)) {
      this.memberWrites.push({ target: target.expression, key: target.name.text, value: expression.right });
    } else if (
      ts.isElementAccessExpression(target) &&
      ts.isIdentifier(target.expression) &&
      ts.isStringLiteralLike(target.argumentExpression)
    ) {
      this.memberWrites.push({ target: target.expression, key: target.argumentExpression.text, value: expression.right });
    }
  }

  /** An expression statement directly in a function body or the file (through plain blocks): it runs whenever its function does. */
  private alwaysRuns(expression: ts.Expression): boolean {
    const { ts } = this;
    const statement = expression.parent;
    if (!statement || !ts.isExpressionStatement(statement)) return false;
    for (let node: ts.Node = statement.parent; ; node = node.parent) {
      if (ts.isSourceFile(node) || ts.isModuleBlock(node)) return true;
      if (!ts.isBlock(node)) return false;
      if (ts.isFunctionLike(node.parent) || ts.isClassStaticBlockDeclaration(node.parent)) return true;
    }
  }

  /** `x = value` records what x then holds; `x += …` and destructuring assignments only that x changes. */
  private recordIdentifierWrite(expression: ts.BinaryExpression): void {
    const { ts } = this;
    const operator = expression.operatorToken.kind;
    if (operator < ts.SyntaxKind.FirstAssignment || operator > ts.SyntaxKind.LastAssignment) return;
    const target = expression.left;
    if (ts.isIdentifier(target)) {
      const simple = operator === ts.SyntaxKind.EqualsToken && this.alwaysRuns(expression);
      this.identifierWrites.push({ target, value: simple ? expression.right : undefined });
    } else if (ts.isObjectLiteralExpression(target) || ts.isArrayLiteralExpression(target)) {
      this.recordOtherWrites(target);
    }
  }

  /** Every identifier in a write target may change; property names caught too only make the analysis more careful. */
  private recordOtherWrites(target: ts.Node): void {
    const { ts } = this;
    const pending: ts.Node[] = [target];
    for (let node = pending.pop(); node; node = pending.pop()) {
      if (ts.isIdentifier(node)) this.identifierWrites.push({ target: node, value: undefined });
      ts.forEachChild(node, (child) => {
        pending.push(child);
      });
    }
  }

  /** Binds every identifier in a name, which may be a destructuring pattern. */
  private bindNames(name: ts.BindingName, scope: ts.Node, bindingFor: (name: string) => Binding): void {
    const { ts } = this;
    if (ts.isIdentifier(name)) {
      this.bind(scope, bindingFor(name.text));
      return;
    }
    for (const element of name.elements) {
      if (!ts.isOmittedExpression(element)) this.bindNames(element.name, scope, bindingFor);
    }
  }

  /** Returns whether the binding was added. */
  private bind(scope: ts.Node, binding: Binding): boolean {
    let names = this.bindingsByScope.get(scope);
    if (!names) this.bindingsByScope.set(scope, (names = new Map()));
    // A second declaration of the same name in one scope (`var` twice, overloads) adds nothing to follow.
    if (names.has(binding.name)) return false;
    names.set(binding.name, binding);
    return true;
  }

  /** The nearest node that holds `let`, `const`, class and function declarations made under `node`. */
  private blockScopeOf(node: ts.Node): ts.Node {
    const { ts } = this;
    for (let current: ts.Node | undefined = node; current; current = current.parent) {
      switch (current.kind) {
        case ts.SyntaxKind.Block:
        case ts.SyntaxKind.CaseBlock:
        case ts.SyntaxKind.ForStatement:
        case ts.SyntaxKind.ForInStatement:
        case ts.SyntaxKind.ForOfStatement:
        case ts.SyntaxKind.CatchClause:
          return current;
      }
      if (this.isFunctionScope(current)) return current;
    }
    return this.sourceFile;
  }

  /** The nearest node that holds `var` declarations made under `node`. */
  private functionScopeOf(node: ts.Node): ts.Node {
    for (let current: ts.Node | undefined = node; current; current = current.parent) {
      if (this.isFunctionScope(current)) return current;
    }
    return this.sourceFile;
  }

  private isFunctionScope(node: ts.Node): boolean {
    const { ts } = this;
    return ts.isSourceFile(node) || ts.isModuleBlock(node) || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
  }
}
