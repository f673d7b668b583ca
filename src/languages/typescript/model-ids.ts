import type ts from 'typescript';
import { spellsAnyOf } from '../../workspace/byte-scan.js';
import { FileScope } from './file-scope.js';
import type { TypeScript } from './load-typescript.js';
import { modelReferenceOf, nameSaysModel } from '../../inventory/model-reference.js';
import type { ModelReferenceKind } from '../../inventory/model-reference.js';
import { parseSourceFile } from './parse-source.js';
import type { ScriptKindName } from './parse-source.js';
import { calleeNameOf, literalPropertyName, unwrapExpression } from './syntax.js';
import { pinsOf } from '../../inventory/provider-pins.js';
import type { ProviderPins } from '../../inventory/provider-pins.js';

export { MODEL_ID } from '../../inventory/model-reference.js';

/** A model id the code can send, where its string is written. */
export interface ModelIdUse {
  id: string;
  kind: ModelReferenceKind;
  /** UTF-16 offset of the string (or of the const it comes from) in the file's text. */
  start: number;
  /** Written in a request's `models` list: part of a fallback chain. */
  inModelsList?: true;
  providerPins?: ProviderPins;
}

/** Model ids found in a file, and the environment variables it reads as a model (for `.env.example`). */
export interface FileModelIds {
  uses: ModelIdUse[];
  envVariables: string[];
}

/** Properties whose string value is the model a request or a client uses, whatever their name says (LangChain: `modelName`). */
const MODEL_PROPERTIES = new Set(['model', 'modelName', 'model_name']);
/** `openrouter('openai/gpt-4o')`, `createOpenRouter(…)('…')`: the AI SDK provider's model factory. */
const MODEL_FACTORIES = new Set(['openrouter', 'createOpenRouter']);
/** Transformers.js and alike load `org/name` repositories from Hugging Face: not OpenRouter models. */
const LOCAL_MODEL_CALLS = new Set(['pipeline', 'from_pretrained', 'HfInference', 'InferenceClient']);
/** Schema builders whose arguments are the values a model setting may take. */
const SCHEMA_VALUE_CALLS = new Set(['default', 'enum', 'literal', 'catch']);
/** Following names, members and fallbacks stops here: hand-written code never nests deeper. */
const MAX_DEPTH = 12;

/** Bytes that must occur in a file for it to name a model the ways above: most files skip the parse. */
export const mayContainModelIds: (bytes: Buffer) => boolean = spellsAnyOf(['model', 'Model', 'MODEL', 'openrouter(']);

/** Every model id the file sends, in source order. The file is parsed once and the tree dropped on return. */
export function findModelIds(ts: TypeScript, path: string, text: string, kind: ScriptKindName): ModelIdUse[] {
  return modelIdsOf(ts, parseSourceFile(ts, path, text, kind)).uses;
}

/**
 * Every model id a parsed file can send, in source order, within the file (imports are not followed: the
 * module that defines a model constant, list or map names it by its own name, and is read on its own):
 *
 * - values of `model` / `modelName` / `models` properties, and of any property, variable, class field or
 *   parameter default whose name says model (`DEFAULT_MODEL`, `fallbackModels`, `{ model = '…' }`);
 * - inside those: lists, object maps (`{ fast: '…' }`), `||` / `??` fallbacks and both branches of `?:`;
 * - names, members by key (`models.fast`, `MODELS[0]`) and parameter defaults the value is read from;
 * - the fallback of an environment read of a model variable (`process.env.CHAT_MODEL ?? '…'`);
 * - the AI SDK's `openrouter('…')`.
 */
export function modelIdsOf(ts: TypeScript, sourceFile: ts.SourceFile): FileModelIds {
  const scope = new FileScope(ts, sourceFile);
  const candidates: ts.Node[] = [];
  // An explicit stack: deeply nested code must not overflow the call stack.
  const pending: ts.Node[] = [sourceFile];
  for (let node = pending.pop(); node; node = pending.pop()) {
    scope.record(node);
    if (isCandidate(ts, node)) candidates.push(node);
    ts.forEachChild(node, (child) => {
      pending.push(child);
    });
  }
  const finder = new ModelIdFinder(scope);
  for (const node of candidates) finder.visit(node);
  // A string reached from several places (a constant and each use of it) is one place to fix.
  const byStart = new Map<number, ModelIdUse>();
  for (const use of finder.uses) {
    if (finder.sentElsewhere.has(use.start)) continue;
    const known = byStart.get(use.start);
    // Reached from a models list anywhere, it is part of a fallback chain.
    byStart.set(use.start, {
      ...use,
      ...(known?.inModelsList ? { inModelsList: true as const } : {}),
      ...(known?.providerPins && !use.providerPins ? { providerPins: known.providerPins } : {}),
    });
  }
  return { uses: [...byStart.values()].sort((a, b) => a.start - b.start), envVariables: [...finder.envVariables] };
}

function isCandidate(ts: TypeScript, node: ts.Node): boolean {
  return (
    ts.isPropertyAssignment(node) ||
    ts.isShorthandPropertyAssignment(node) ||
    ts.isVariableDeclaration(node) ||
    ts.isPropertyDeclaration(node) ||
    ts.isParameter(node) ||
    ts.isBindingElement(node) ||
    ts.isCallExpression(node) ||
    ts.isBinaryExpression(node) ||
    ts.isPropertyAccessExpression(node) ||
    ts.isElementAccessExpression(node)
  );
}

class ModelIdFinder {
  readonly uses: ModelIdUse[] = [];
  readonly envVariables = new Set<string>();
  /** Strings that reach a local-model loader: never OpenRouter ids, however they are named. */
  readonly sentElsewhere = new Set<number>();
  private readonly ts: TypeScript;

  constructor(private readonly scope: FileScope) {
    this.ts = scope.ts;
  }

  /** The `provider` options written beside a `models` list, in the same object literal. */
  private pinsBeside(models: ts.PropertyAssignment): ProviderPins | undefined {
    const { ts } = this;
    const owner = models.parent;
    if (!ts.isObjectLiteralExpression(owner)) return undefined;
    const provider = owner.properties.find((property) => ts.isPropertyAssignment(property) && literalPropertyName(ts, property.name) === 'provider');
    const options = provider && ts.isPropertyAssignment(provider) ? unwrapExpression(ts, provider.initializer) : undefined;
    if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
    const lists: { only?: string[]; order?: string[]; ignore?: string[] } = {};
    let allowFallbacks: boolean | undefined;
    for (const property of options.properties) {
      if (!ts.isPropertyAssignment(property)) continue;
      const name = literalPropertyName(ts, property.name);
      const value = unwrapExpression(ts, property.initializer);
      if (name === 'allow_fallbacks')
        allowFallbacks = value.kind === ts.SyntaxKind.TrueKeyword ? true : value.kind === ts.SyntaxKind.FalseKeyword ? false : undefined;
      if ((name === 'only' || name === 'order' || name === 'ignore') && ts.isArrayLiteralExpression(value)) {
        lists[name] = value.elements.filter((item) => ts.isStringLiteralLike(item)).map((item) => (item as ts.StringLiteralLike).text);
      }
    }
    return pinsOf(lists, allowFallbacks);
  }

  /** The ids one candidate node names. */
  visit(node: ts.Node): void {
    const { ts } = this;
    if (ts.isPropertyAssignment(node)) {
      const name = literalPropertyName(ts, node.name);
      if (name !== undefined && saysModel(name)) {
        const before = this.uses.length;
        this.idsIn(node.initializer, 0);
        if (name === 'models' && ts.isArrayLiteralExpression(unwrapExpression(ts, node.initializer))) {
          const providerPins = this.pinsBeside(node);
          for (let index = before; index < this.uses.length; index++) {
            this.uses[index] = { ...this.uses[index]!, inModelsList: true, ...(providerPins ? { providerPins } : {}) };
          }
        }
      }
    } else if (ts.isShorthandPropertyAssignment(node)) {
      // `{ model }`: the name's value is what the property sends.
      if (saysModel(node.name.text)) this.idsIn(node.name, 0);
    } else if (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node)) {
      const name = ts.isBindingElement(node) && node.propertyName ? literalPropertyName(ts, node.propertyName) : declaredName(ts, node.name);
      if (node.initializer && name !== undefined && saysModel(name)) this.idsIn(node.initializer, 0);
    } else if (ts.isCallExpression(node)) {
      const callee = unwrapExpression(ts, node.expression);
      const isFactory =
        (ts.isIdentifier(callee) && MODEL_FACTORIES.has(callee.text)) ||
        // createOpenRouter({…})('openai/gpt-4o')
        (ts.isCallExpression(callee) && calleeNameOf(ts, callee) === 'createOpenRouter');
      if (isFactory && node.arguments[0]) this.idsIn(node.arguments[0], 0);
      if (LOCAL_MODEL_CALLS.has(calleeNameOf(ts, node) ?? '')) this.markSentElsewhere(node.arguments);
    } else if (ts.isBinaryExpression(node) && isFallbackOperator(ts, node.operatorToken.kind)) {
      // `process.env.SUMMARY_MODEL || '…'` wherever it is written: the variable's name says what the fallback is.
      const variable = envVariableOf(ts, unwrapExpression(ts, node.left));
      if (variable !== undefined && nameSaysModel(variable)) {
        this.envVariables.add(variable);
        this.idsIn(node.right, 0);
      }
    } else if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) {
      // `process.env.CHAT_MODEL` read anywhere: the `.env.example` value of that variable is a model the app sends.
      const variable = envVariableOf(ts, node);
      if (variable !== undefined && nameSaysModel(variable)) this.envVariables.add(variable);
    }
  }

  /** The ids a value sent as a model (or a list or map of models) can be. */
  private idsIn(expression: ts.Expression, depth: number): void {
    const { ts } = this;
    if (depth > MAX_DEPTH) return;
    const value = unwrapExpression(ts, expression);
    if (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) {
      const reference = modelReferenceOf(value.text);
      if (reference) this.uses.push({ ...reference, start: value.getStart(this.scope.sourceFile) });
    } else if (ts.isArrayLiteralExpression(value)) {
      for (const element of value.elements) this.idsIn(ts.isSpreadElement(element) ? element.expression : element, depth + 1);
    } else if (ts.isObjectLiteralExpression(value)) {
      for (const property of value.properties) {
        if (ts.isPropertyAssignment(property)) this.idsIn(property.initializer, depth + 1);
        else if (ts.isSpreadAssignment(property)) this.idsIn(property.expression, depth + 1);
      }
    } else if (ts.isBinaryExpression(value) && isFallbackOperator(ts, value.operatorToken.kind)) {
      this.idsIn(value.left, depth + 1);
      this.idsIn(value.right, depth + 1);
    } else if (ts.isConditionalExpression(value)) {
      this.idsIn(value.whenTrue, depth + 1);
      this.idsIn(value.whenFalse, depth + 1);
    } else if (ts.isIdentifier(value)) {
      const initial = this.initialValueOf(value);
      if (initial) this.idsIn(initial, depth + 1);
    } else if (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value)) {
      const variable = envVariableOf(ts, value);
      if (variable !== undefined) {
        this.envVariables.add(variable);
        return;
      }
      const member = this.memberOf(value, depth);
      if (member) this.idsIn(member, depth + 1);
    } else if (ts.isNewExpression(value) && LOCAL_MODEL_CALLS.has(calleeNameOf(ts, value) ?? '')) {
      // `new HfInference(…)` as a value: nothing OpenRouter receives.
    } else if (ts.isCallExpression(value) && SCHEMA_VALUE_CALLS.has(calleeNameOf(ts, value) ?? '')) {
      // zod and alike: `model: z.string().default('…')`, `z.enum(['…', '…']).default('…')`.
      for (const argument of value.arguments) this.idsIn(argument, depth + 1);
      const callee = unwrapExpression(ts, value.expression);
      if (ts.isPropertyAccessExpression(callee)) this.idsIn(callee.expression, depth + 1);
    }
  }

  /** The strings a local-model loader's arguments can be, set apart so no name-based rule reports them. */
  private markSentElsewhere(args: readonly ts.Expression[]): void {
    const before = this.uses.length;
    for (const argument of args) this.idsIn(argument, 0);
    for (const use of this.uses.splice(before)) this.sentElsewhere.add(use.start);
  }

  /** What a name holds where it is read: a `const`'s initializer, or a parameter's default; nothing for anything reassigned. */
  private initialValueOf(identifier: ts.Identifier): ts.Expression | undefined {
    const binding = this.scope.bindingOf(identifier);
    if (binding?.kind === 'const') return binding.initializer;
    if (binding?.kind === 'parameter') return binding.defaultValue;
    return undefined;
  }

  /** `models.fast`, `MODELS['fast']`, `MODELS[0]` of a map or list held by a `const` of the file. */
  private memberOf(access: ts.PropertyAccessExpression | ts.ElementAccessExpression, depth: number): ts.Expression | undefined {
    const { ts } = this;
    let key: string | undefined;
    if (ts.isPropertyAccessExpression(access)) key = access.name.text;
    else {
      const argument = unwrapExpression(ts, access.argumentExpression);
      if (ts.isStringLiteralLike(argument) || ts.isNumericLiteral(argument)) key = argument.text;
    }
    if (key === undefined) return undefined;
    let container = unwrapExpression(ts, access.expression);
    for (let hop = depth; ts.isIdentifier(container) && hop <= MAX_DEPTH; hop++) {
      const initial = this.initialValueOf(container);
      if (!initial) return undefined;
      container = unwrapExpression(ts, initial);
    }
    if (ts.isObjectLiteralExpression(container)) {
      for (const property of container.properties) {
        if (ts.isPropertyAssignment(property) && literalPropertyName(ts, property.name) === key) return property.initializer;
      }
      return undefined;
    }
    if (ts.isArrayLiteralExpression(container) && /^\d+$/.test(key)) {
      const element = container.elements[Number(key)];
      return element && !ts.isSpreadElement(element) ? element : undefined;
    }
    return undefined;
  }
}

/** A property, variable or parameter name under which a model (or a list or map of models) is kept. */
function saysModel(name: string): boolean {
  return MODEL_PROPERTIES.has(name) || nameSaysModel(name);
}

function declaredName(ts: TypeScript, name: ts.BindingName | ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text.replace(/^#/, '');
  if (ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

function isFallbackOperator(ts: TypeScript, kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.BarBarToken || kind === ts.SyntaxKind.QuestionQuestionToken;
}

/** `X` of `process.env.X`, `process.env['X']`, `import.meta.env.X` (Vite), `Bun.env.X`; undefined for anything else. */
function envVariableOf(ts: TypeScript, expression: ts.Expression): string | undefined {
  let name: string | undefined;
  let holder: ts.Expression;
  if (ts.isPropertyAccessExpression(expression)) {
    name = expression.name.text;
    holder = expression.expression;
  } else if (ts.isElementAccessExpression(expression)) {
    const argument = unwrapExpression(ts, expression.argumentExpression);
    name = ts.isStringLiteralLike(argument) ? argument.text : undefined;
    holder = expression.expression;
  } else return undefined;
  holder = unwrapExpression(ts, holder);
  if (name === undefined || !ts.isPropertyAccessExpression(holder) || holder.name.text !== 'env') return undefined;
  const owner = unwrapExpression(ts, holder.expression);
  const ownerText = ts.isIdentifier(owner) ? owner.text : ts.isMetaProperty(owner) ? 'import.meta' : undefined;
  return ownerText === 'process' || ownerText === 'import.meta' || ownerText === 'Bun' ? name : undefined;
}
