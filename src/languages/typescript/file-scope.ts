import type ts from 'typescript';
import type { TypeScript } from './load-typescript.js';
import type { ProjectModules } from './project-modules.js';

/** What a name refers to where it is used, as far as its own file tells. */
export type Binding =
  | { kind: 'const'; name: string; initializer: ts.Expression | undefined }
  /** `defaultValue`: what an omitted argument holds, when the function never reassigns the parameter. */
  | { kind: 'parameter'; name: string; owner: ts.SignatureDeclaration; defaultValue?: ts.Expression }
  /** `imported`: the name the module exports it under (`default`, `*` for a namespace), when an ES import says so. */
  | { kind: 'import'; name: string; from: string; imported?: string }
  | { kind: 'function'; name: string }
  /** `let`, `var`, destructured, `catch` and loop variables: they may hold anything. */
  | { kind: 'variable'; name: string };

type ParameterBinding = Extract<Binding, { kind: 'parameter' }>;

/** What a caller passes for a parameter, with the file the argument is written in. */
interface PassedArgument {
  scope: FileScope;
  expression: ts.Expression;
}

/** What a module exports under one name: a binding of its own, a value (`export default …`), or another module's export. */
export type ExportEntry = { kind: 'local'; name: string } | { kind: 'value'; expression: ts.Expression } | { kind: 'from'; from: string; name: string };

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

/** Every identifier a binding name declares, destructuring included. */
function collectNames(ts: TypeScript, name: ts.BindingName, into: string[]): void {
  if (ts.isIdentifier(name)) {
    into.push(name.text);
    return;
  }
  for (const element of name.elements) if (!ts.isOmittedExpression(element)) collectNames(ts, element.name, into);
}

const NO_WRITES: ReadonlyMap<string, readonly ts.Expression[]> = new Map();

/**
 * The names one file declares, by the scope that holds them, filled by the single walk over the file
 * and then asked which declaration a name refers to, and what the file exports. It holds nodes, so it lives no longer
 * than one check's run (in ProjectModules' cache, when imports are followed).
 */
export class FileScope {
  private readonly bindingsByScope = new Map<ts.Node, Map<string, Binding>>();
  private readonly memberWrites: MemberWrite[] = [];
  private writesByBinding: Map<Binding, Map<string, ts.Expression[]>> | undefined;
  /** `let` variables and defaulted parameters, with the value they start with: const-like if never written again. */
  private readonly constCandidates = new Map<Binding, ts.Expression | undefined>();
  private readonly identifierWrites: IdentifierWrite[] = [];
  private settledCandidates: Map<Binding, Binding> | undefined;
  private readonly exportEntries = new Map<string, ExportEntry>();
  /** Arguments callers pass, by function and parameter name, while a caller's call is checked. */
  private readonly passedArguments = new Map<ts.Node, Map<string, PassedArgument>>();
  /** `export * from 'module'`: names not exported here may come from these. */
  readonly starExports: string[] = [];

  constructor(
    readonly ts: TypeScript,
    readonly sourceFile: ts.SourceFile,
    /** The project's modules, for following imports of this file into the files they name; none means this file alone. */
    readonly modules?: ProjectModules,
  ) {}

  /** Root-relative path of the file, as the workspace names it. */
  get path(): string {
    return this.sourceFile.fileName;
  }

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
        if (name) this.recordExportModifier(node, [name.text]);
        break;
      }
      case ts.SyntaxKind.VariableStatement: {
        const names: string[] = [];
        for (const declaration of (node as ts.VariableStatement).declarationList.declarations) collectNames(ts, declaration.name, names);
        this.recordExportModifier(node, names);
        break;
      }
      case ts.SyntaxKind.ExportDeclaration:
        this.recordExportDeclaration(node as ts.ExportDeclaration);
        break;
      case ts.SyntaxKind.ExportAssignment: {
        const assignment = node as ts.ExportAssignment;
        if (!assignment.isExportEquals && ts.isSourceFile(node.parent)) {
          this.exportEntries.set('default', { kind: 'value', expression: assignment.expression });
        }
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

  /**
   * Runs `check` as if the parameter held `argument` (written in `argumentScope`): how a caller's call is checked.
   * A parameter the function writes to holds something else by the time it is used, so none is substituted then.
   */
  withArgument<T>(parameter: ParameterBinding, argument: PassedArgument, check: () => T): T {
    const key = parameter.owner;
    const previous = this.passedArguments.get(key);
    this.passedArguments.set(key, new Map([...(previous ?? []), [parameter.name, argument]]));
    try {
      return check();
    } finally {
      if (previous) this.passedArguments.set(key, previous);
      else this.passedArguments.delete(key);
    }
  }

  /** The argument a caller passes for a parameter, while that caller's call is checked. */
  argumentFor(parameter: ParameterBinding): PassedArgument | undefined {
    return this.passedArguments.get(parameter.owner)?.get(parameter.name);
  }

  /** Whether the function assigns to the parameter anywhere (`opts = …`, `opts++`, `[opts] = …`). */
  isWritten(parameter: Binding): boolean {
    return this.identifierWrites.some((write) => {
      const target = this.declaredBindingOf(write.target);
      // A defaulted parameter is settled into a copy of its binding: the same parameter either way.
      const sameParameter = target?.kind === 'parameter' && parameter.kind === 'parameter' && target.owner === parameter.owner;
      return target === parameter || (sameParameter && target.name === parameter.name);
    });
  }

  /** The names the file exports a top-level declaration under. */
  exportNamesOf(local: string): string[] {
    return [...this.exportEntries].filter(([, entry]) => entry.kind === 'local' && entry.name === local).map(([name]) => name);
  }

  /** What the file exports under a name (not counting `export *`), or undefined. */
  exportOf(name: string): ExportEntry | undefined {
    return this.exportEntries.get(name);
  }

  /** The declaration a name has at the top level of the file, as a use there would see it. */
  topLevelBinding(name: string): Binding | undefined {
    const binding = this.bindingsByScope.get(this.sourceFile)?.get(name);
    return binding && this.constCandidates.has(binding) ? this.settle(binding) : binding;
  }

  /** `export const a = …`, `export function f`, `export default function f`: top-level declarations only. */
  private recordExportModifier(node: ts.Node, names: readonly string[]): void {
    const { ts } = this;
    if (!ts.isSourceFile(node.parent) || !ts.canHaveModifiers(node)) return;
    const modifiers = ts.getModifiers(node) ?? [];
    if (!modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) return;
    if (modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.DeclareKeyword)) return;
    const isDefault = modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword);
    for (const name of names) this.exportEntries.set(isDefault ? 'default' : name, { kind: 'local', name });
  }

  /** `export { a, b as c }`, `export { a } from './m'`, `export * from './m'`, `export * as ns from './m'`. */
  private recordExportDeclaration(declaration: ts.ExportDeclaration): void {
    const { ts } = this;
    if (declaration.isTypeOnly || !ts.isSourceFile(declaration.parent)) return;
    const specifier = declaration.moduleSpecifier;
    const from = specifier && ts.isStringLiteral(specifier) ? specifier.text : undefined;
    if (specifier && from === undefined) return;
    const clause = declaration.exportClause;
    if (!clause) {
      if (from !== undefined) this.starExports.push(from);
      return;
    }
    if (ts.isNamespaceExport(clause)) {
      if (from !== undefined) this.exportEntries.set(clause.name.text, { kind: 'from', from, name: '*' });
      return;
    }
    for (const element of clause.elements) {
      if (element.isTypeOnly) continue;
      const local = (element.propertyName ?? element.name).text;
      const entry: ExportEntry = from === undefined ? { kind: 'local', name: local } : { kind: 'from', from, name: local };
      this.exportEntries.set(element.name.text, entry);
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
    if (clause.name) this.bind(scope, { kind: 'import', name: clause.name.text, from, imported: 'default' });
    const bindings = clause.namedBindings;
    if (!bindings) return;
    if (ts.isNamespaceImport(bindings)) this.bind(scope, { kind: 'import', name: bindings.name.text, from, imported: '*' });
    else {
      for (const specifier of bindings.elements) {
        const imported = (specifier.propertyName ?? specifier.name).text;
        this.bind(scope, { kind: 'import', name: specifier.name.text, from, imported });
      }
    }
  }

  private recordImportEquals(declaration: ts.ImportEqualsDeclaration): void {
    const { ts } = this;
    const reference = declaration.moduleReference;
    const from =
      ts.isExternalModuleReference(reference) && ts.isStringLiteral(reference.expression) ? reference.expression.text : reference.getText(this.sourceFile);
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
    } else if (ts.isElementAccessExpression(target) && ts.isIdentifier(target.expression) && ts.isStringLiteralLike(target.argumentExpression)) {
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
