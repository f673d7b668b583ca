import type { Node } from 'web-tree-sitter';
import type { CodeModelId, LanguageModelIds } from '../../inventory/code-model-ids.js';
import { OPENROUTER_PREFIX, isTestPath, modelReferenceOf, nameSaysModel } from '../../inventory/model-reference.js';
import type { ModelReferenceKind } from '../../inventory/model-reference.js';
import type { Workspace } from '../../workspace/workspace.js';
import { visitPythonFiles } from './python-files.js';
import { calleeName, firstPositional, PythonModuleScope } from './python-scope.js';
import type { Scope } from './python-scope.js';
import { pinsOf } from '../../inventory/provider-pins.js';
import type { ProviderPins } from '../../inventory/provider-pins.js';

/** Keyword arguments and dict keys whose string is the model a request or a client uses, whatever their name says. */
const MODEL_KEYS = new Set(['model', 'model_name']);
/** LiteLLM and the llm CLI route by prefix: only their `openrouter/…` models go to OpenRouter. */
const PREFIX_ROUTED_CALLS = new Set(['completion', 'acompletion', 'get_model', 'get_async_model', 'LM']);
/** Names Hugging Face uses as much as LLM libraries (smolagents' `LiteLLMModel(model_id=…)`): an id counts only with the `openrouter/` prefix. */
const PREFIXED_ONLY_KEYS = new Set(['model_id']);
/** Hugging Face (and other local-model) loaders: their `org/name` ids name repositories, not OpenRouter models. */
const LOCAL_MODEL_CALLS = new Set([
  'pipeline',
  'from_pretrained',
  'SentenceTransformer',
  'CrossEncoder',
  'hf_hub_download',
  'snapshot_download',
  'InferenceClient',
  'AsyncInferenceClient',
  'load_dataset',
  'HuggingFaceEmbeddings',
  'HuggingFaceEndpoint',
  'HuggingFacePipeline',
  'HuggingFaceHub',
  'ChatHuggingFace',
  'HuggingFaceInferenceAPIEmbeddings',
  'HuggingFaceBgeEmbeddings',
  'TextEmbedding',
  'InferenceClientModel',
  'TransformersModel',
]);
const LOCAL_MODEL_MODULES = [
  'transformers',
  'sentence_transformers',
  'huggingface_hub',
  'datasets',
  'diffusers',
  'peft',
  'langchain_huggingface',
  'fastembed',
  'spacy',
  'torch',
];
/** `os.getenv("MODEL", "openai/gpt-4o")`, `os.environ.get(…)`, `config.get("model", "…")`: the default is a value the code may send. */
const LOOKUPS_WITH_DEFAULT = new Set(['getenv', 'get']);
/** pydantic's `Field("…")` / `Field(default="…")`, dataclasses' `field(default="…")`: a field's default. */
const FIELD_DEFAULT_CALLS = new Set(['Field', 'field', 'PrivateAttr']);
/** argparse and click: an option whose flag says model has a model as its default. */
const COMMAND_LINE_OPTION_CALLS = new Set(['add_argument', 'option']);
/** pydantic-settings reads each field of a `BaseSettings` class from the environment variable of the same name. */
const SETTINGS_BASES = new Set(['BaseSettings']);
/** Following values stops here: hand-written code never nests deeper. */
const MAX_DEPTH = 12;

const NEEDLES = [Buffer.from('model'), Buffer.from('MODEL'), Buffer.from('Model'), Buffer.from(OPENROUTER_PREFIX)];

/** Model ids the workspace's Python files and notebooks can send, each once per place it is written, in file then source order. */
export async function pythonModelIds(workspace: Workspace): Promise<CodeModelId[]> {
  return (await pythonModelIdsAndVariables(workspace)).ids;
}

/** The ids, and the environment variables the Python reads as a model (outside tests). */
export async function pythonModelIdsAndVariables(workspace: Workspace): Promise<LanguageModelIds> {
  const ids: CodeModelId[] = [];
  const envVariables = new Set<string>();
  await visitPythonFiles(workspace, {
    needles: NEEDLES,
    visit(source, root) {
      const inTest = isTestPath(source.file.path);
      const found = findPythonModelIds(root);
      for (const use of found.uses)
        ids.push({
          id: use.id,
          kind: use.kind,
          inTest,
          ...source.locate(use.start),
          ...(use.inModelsList ? { inModelsList: true as const } : {}),
          ...(use.providerPins ? { providerPins: use.providerPins } : {}),
        });
      if (!inTest) for (const name of found.envVariables) envVariables.add(name);
    },
    failed() {
      // A file that cannot be read names no model we could trust; max-tokens reports it.
    },
    parserUnavailable() {
      // Likewise: max-tokens says the Python files were not analysed.
    },
  });
  return { ids, envVariables };
}

export interface PythonModelIdUse {
  id: string;
  kind: ModelReferenceKind;
  /** UTF-16 offset of the string in the parsed Python. */
  start: number;
  /** Written in a request's `models` list: part of a fallback chain. */
  inModelsList?: true;
  providerPins?: ProviderPins;
}

/** A string literal a value can be, and where it is written. */
interface StringValue {
  text: string;
  start: number;
}

/**
 * Every model id one parsed module can send, in source order, each string once, and the environment variables
 * it reads as a model. Within the module only (imports are not followed: the module that defines a model
 * constant names it by its own name, and is read on its own):
 *
 * - `model=` / `model_name=` keywords and `"model"` / `"models"` keys, and any keyword, key, variable,
 *   attribute, class field or parameter default whose name says model (`DEFAULT_MODEL`, `fallback_models`);
 * - inside those: lists, tuples, dict maps, `or` fallbacks, both branches of `… if … else …`, lookups' defaults
 *   (`os.getenv("X", "…")`), pydantic `Field("…")` / `Field(default="…")`, members by key (`MODELS["fast"]`,
 *   `Models.FAST`) and names;
 * - the default of an environment read of a model variable anywhere (`os.environ.get("CHAT_MODEL", "…")`);
 * - members of a class whose name says model (`class Models(str, Enum): FAST = "…"`).
 *
 * Left out: strings that reach a Hugging Face loader or `model_id=` without the `openrouter/` prefix, and a
 * LiteLLM model without it (LiteLLM sends those to another provider).
 */
export function findPythonModelIds(root: Node): { uses: PythonModelIdUse[]; envVariables: string[] } {
  return new PythonModelIdFinder(root).find();
}

class PythonModelIdFinder {
  private readonly module: PythonModuleScope;
  private readonly uses = new Map<number, PythonModelIdUse>();
  private readonly envVariables = new Set<string>();
  /** Environment variables read for a local model or another provider (`SentenceTransformer(os.getenv("EMBED_MODEL", …))`). */
  private readonly elsewhereVariables = new Set<string>();
  /** Where an environment read met while following a value is noted. */
  private variableSink = this.envVariables;
  /** Strings that reach a local model or another provider: never OpenRouter ids, however they are named. */
  private readonly elsewhere = new Set<number>();

  constructor(private readonly root: Node) {
    this.module = new PythonModuleScope(root);
  }

  find(): { uses: PythonModelIdUse[]; envVariables: string[] } {
    const { module } = this;
    this.markSentElsewhere();
    for (const argument of module.keywordArguments) {
      const key = argument.childForFieldName('name')?.text ?? '';
      const value = argument.childForFieldName('value');
      const call = argument.parent?.parent;
      if (!value || call?.type !== 'call' || PREFIXED_ONLY_KEYS.has(key)) continue;
      if (!MODEL_KEYS.has(key) && !nameSaysModel(key)) continue;
      if (this.isLocalModelCall(call)) continue;
      this.add(value, this.isPrefixRouted(call), key === 'models', key === 'models' ? this.pinsBeside(argument) : undefined);
    }
    for (const argument of module.keywordArguments) {
      const key = argument.childForFieldName('name')?.text ?? '';
      const value = argument.childForFieldName('value');
      if (value && PREFIXED_ONLY_KEYS.has(key)) this.add(value, true);
    }
    for (const call of module.calls) {
      // `get_model("openrouter/…")`, `completion("openrouter/…", …)`: the model as the first argument.
      if (this.isPrefixRouted(call)) {
        const args = call.childForFieldName('arguments');
        const first = args?.type === 'argument_list' ? firstPositional(args) : undefined;
        if (first) this.add(first, true);
      }
      // `parser.add_argument("--model", default="…")`, `@click.option("--summary-model", default="…")`.
      const option = this.commandLineOptionOf(call);
      if (option && nameSaysModel(option.name) && option.fallback) this.add(option.fallback, false);
      const lookup = this.envLookupOf(call);
      if (lookup && nameSaysModel(lookup.variable)) {
        if (lookup.kind === 'env') this.envVariables.add(lookup.variable);
        if (lookup.fallback) this.add(lookup.fallback, false);
      }
    }
    // Request bodies, option dicts and maps: `{"model": "openai/gpt-4o", "models": [...]}`, `{"default_model": …}`.
    for (const pair of module.pairs) {
      const key = pair.childForFieldName('key');
      const value = pair.childForFieldName('value');
      const name = key?.type === 'string' ? module.stringOf(key, module.scopeOf(key)) : undefined;
      if (name !== undefined && value && (MODEL_KEYS.has(name) || nameSaysModel(name)) && !this.insideLocalModelCall(pair))
        this.add(value, false, name === 'models', name === 'models' ? this.pinsBeside(pair) : undefined);
    }
    for (const node of this.root.descendantsOfType(['assignment', 'default_parameter', 'typed_default_parameter', 'subscript'])) {
      if (node) this.visitDeclaration(node);
    }
    const envVariables = [...this.envVariables].filter((name) => !this.elsewhereVariables.has(name));
    return { uses: [...this.uses.values()].sort((a, b) => a.start - b.start), envVariables };
  }

  /** A variable, attribute, class field or parameter default named as a model; `os.environ["CHAT_MODEL"]`. */
  private visitDeclaration(node: Node): void {
    if (node.type === 'subscript') {
      const variable = this.environSubscriptOf(node);
      if (variable !== undefined && nameSaysModel(variable)) this.envVariables.add(variable);
      return;
    }
    const target = node.type === 'assignment' ? node.childForFieldName('left') : node.childForFieldName('name');
    const value = node.type === 'assignment' ? node.childForFieldName('right') : node.childForFieldName('value');
    if (!target) return;
    const name = target.type === 'identifier' ? target.text : target.type === 'attribute' ? target.childForFieldName('attribute')?.text : undefined;
    if (name === undefined) return;
    const owner = node.type === 'assignment' ? this.classOfField(node) : undefined;
    // `default_model: str` in a BaseSettings class is read from DEFAULT_MODEL, with or without a default.
    if (owner && nameSaysModel(name) && this.isSettingsClass(owner)) this.envVariables.add(name.toUpperCase());
    const ownerName = owner?.childForFieldName('name')?.text ?? '';
    if (value && (nameSaysModel(name) || MODEL_KEYS.has(name) || (owner && nameSaysModel(ownerName)))) this.add(value, false);
  }

  /** Records the model ids a value can be. */
  private add(value: Node, prefixRouted: boolean, inModelsList = false, providerPins?: ProviderPins): void {
    for (const { text, start } of this.stringsIn(value, 0)) {
      if (this.elsewhere.has(start)) continue;
      if (prefixRouted && !text.startsWith(OPENROUTER_PREFIX)) continue; // LiteLLM sends it to another provider.
      const reference = modelReferenceOf(text);
      if (!reference) continue;
      const known = this.uses.get(start);
      if (!known)
        this.uses.set(start, { ...reference, start, ...(inModelsList ? { inModelsList: true as const } : {}), ...(providerPins ? { providerPins } : {}) });
      else {
        if (inModelsList) known.inModelsList = true;
        if (providerPins) known.providerPins ??= providerPins;
      }
    }
  }

  /**
   * The `provider` options written beside a `models` list: the sibling `provider=` keyword of a call, or
   * the `"provider"` key of the same dict (`extra_body={"models": […], "provider": {"only": […]}}`).
   */
  private pinsBeside(models: Node): ProviderPins | undefined {
    const { module } = this;
    const siblings = models.parent?.namedChildren.filter((sibling): sibling is Node => sibling !== null) ?? [];
    let options: Node | undefined;
    for (const sibling of siblings) {
      if (sibling.type === 'keyword_argument' && sibling.childForFieldName('name')?.text === 'provider')
        options = sibling.childForFieldName('value') ?? undefined;
      if (sibling.type === 'pair') {
        const key = sibling.childForFieldName('key');
        if (key?.type === 'string' && module.stringOf(key, module.scopeOf(key)) === 'provider') options = sibling.childForFieldName('value') ?? undefined;
      }
    }
    if (options?.type !== 'dictionary') return undefined;
    const lists: { only?: string[]; order?: string[]; ignore?: string[] } = {};
    let allowFallbacks: boolean | undefined;
    for (const pair of options.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const key = pair.childForFieldName('key');
      const value = pair.childForFieldName('value');
      const name = key?.type === 'string' ? module.stringOf(key, module.scopeOf(key)) : undefined;
      if (!value || name === undefined) continue;
      if (name === 'allow_fallbacks') allowFallbacks = value.type === 'true' ? true : value.type === 'false' ? false : undefined;
      if ((name === 'only' || name === 'order' || name === 'ignore') && (value.type === 'list' || value.type === 'tuple')) {
        lists[name] = value.namedChildren.flatMap((item) =>
          item?.type === 'string' ? [module.stringOf(item, module.scopeOf(item))].filter((text): text is string => text !== undefined) : [],
        );
      }
    }
    return pinsOf(lists, allowFallbacks);
  }

  /** The string literals a value can be: followed through names, collections, fallbacks, lookups' defaults and members. */
  private stringsIn(node: Node, depth: number): StringValue[] {
    if (depth > MAX_DEPTH) return [];
    const { module } = this;
    const followed = module.follow(node, module.scopeOf(node));
    if (!('node' in followed)) return [];
    const value = followed.node;
    const deeper = (child: Node | null | undefined): StringValue[] => (child ? this.stringsIn(child, depth + 1) : []);
    switch (value.type) {
      case 'string': {
        if (value.namedChildren.some((part) => part?.type === 'interpolation')) return [];
        const text = module.stringOf(value, followed.scope);
        return text === undefined ? [] : [{ text, start: value.startIndex }];
      }
      case 'list':
      case 'tuple':
      case 'set':
      case 'expression_list':
        return value.namedChildren.flatMap((item) => (item?.type === 'list_splat' ? deeper(item.namedChildren[0]) : deeper(item)));
      case 'dictionary':
        return value.namedChildren.flatMap((entry) => (entry?.type === 'pair' ? deeper(entry.childForFieldName('value')) : []));
      case 'boolean_operator':
        return [...deeper(value.childForFieldName('left')), ...deeper(value.childForFieldName('right'))];
      case 'conditional_expression':
        return value.namedChildren.flatMap((branch, index) => (index === 1 ? [] : deeper(branch)));
      case 'call': {
        const lookup = this.envLookupOf(value);
        if (lookup) {
          if (lookup.kind === 'env') this.variableSink.add(lookup.variable);
          return deeper(lookup.fallback);
        }
        const args = value.childForFieldName('arguments');
        if (FIELD_DEFAULT_CALLS.has(calleeName(value.childForFieldName('function')) ?? '') && args?.type === 'argument_list') {
          return deeper(module.keywordArgument(args, 'default') ?? firstPositional(args));
        }
        return [];
      }
      case 'subscript': {
        const variable = this.environSubscriptOf(value);
        if (variable !== undefined) {
          this.variableSink.add(variable);
          return [];
        }
        return deeper(this.memberOf(value.childForFieldName('value'), value.childForFieldName('subscript'), depth));
      }
      case 'attribute':
        return deeper(this.classMemberOf(value));
      default:
        return [];
    }
  }

  /** `MODELS["fast"]`, `MODELS[0]`: the entry of a dict or list the module writes. */
  private memberOf(container: Node | null, key: Node | null, depth: number): Node | undefined {
    if (!container || !key) return undefined;
    const { module } = this;
    const followed = module.follow(container, module.scopeOf(container), depth);
    if (!('node' in followed)) return undefined;
    const holder = followed.node;
    if (holder.type === 'dictionary') {
      const wanted = module.stringOf(key, module.scopeOf(key));
      if (wanted === undefined) return undefined;
      for (const entry of holder.namedChildren) {
        const entryKey = entry?.type === 'pair' ? entry.childForFieldName('key') : undefined;
        if (entryKey && module.stringOf(entryKey, followed.scope) === wanted) return entry!.childForFieldName('value') ?? undefined;
      }
      return undefined;
    }
    if ((holder.type === 'list' || holder.type === 'tuple') && key.type === 'integer') {
      return holder.namedChildren.filter((item): item is Node => item !== null)[Number(key.text)];
    }
    return undefined;
  }

  /** `Models.FAST`: the value class `Models` gives `FAST` in its body. */
  private classMemberOf(attribute: Node): Node | undefined {
    const object = attribute.childForFieldName('object');
    const name = attribute.childForFieldName('attribute')?.text;
    if (object?.type !== 'identifier' || name === undefined) return undefined;
    const binding = this.module.bindingOf(object.text, this.module.scopeOf(object), object.startIndex)?.binding;
    if (binding?.kind !== 'definition' || binding.node.type !== 'class_definition') return undefined;
    for (const statement of binding.node.childForFieldName('body')?.namedChildren ?? []) {
      const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
      if (assignment?.type === 'assignment' && assignment.childForFieldName('left')?.text === name) return assignment.childForFieldName('right') ?? undefined;
    }
    return undefined;
  }

  /**
   * `os.getenv("X", d)` / `os.environ.get("X", d)` (kind env) or `something.get("x", d)` (kind lookup):
   * the key, and the default when one is given.
   */
  private envLookupOf(call: Node): { kind: 'env' | 'lookup'; variable: string; fallback?: Node } | undefined {
    const callee = call.childForFieldName('function');
    const name = calleeName(callee);
    if (!LOOKUPS_WITH_DEFAULT.has(name ?? '')) return undefined;
    const args = call.childForFieldName('arguments');
    if (args?.type !== 'argument_list') return undefined;
    const [key, fallback] = args.namedChildren.filter((argument): argument is Node => argument !== null && argument.type !== 'keyword_argument');
    const variable = key ? this.module.stringOf(key, this.module.scopeOf(key)) : undefined;
    // A key, not a URL or a sentence: `requests.get(url, params)` is no lookup.
    if (variable === undefined || !/^[A-Za-z_][\w.-]*$/.test(variable)) return undefined;
    const receiver = callee?.type === 'attribute' ? callee.childForFieldName('object')?.text : undefined;
    const isEnv = name === 'getenv' || receiver === 'os.environ' || receiver === 'environ';
    return { kind: isEnv ? 'env' : 'lookup', variable, ...(fallback ? { fallback } : {}) };
  }

  /** The option's name (dashes dropped) and its default, for argparse's `add_argument` and click's `option`. */
  private commandLineOptionOf(call: Node): { name: string; fallback?: Node } | undefined {
    if (!COMMAND_LINE_OPTION_CALLS.has(calleeName(call.childForFieldName('function')) ?? '')) return undefined;
    const args = call.childForFieldName('arguments');
    if (args?.type !== 'argument_list') return undefined;
    const flag = firstPositional(args);
    const name = flag ? this.module.stringOf(flag, this.module.scopeOf(flag)) : undefined;
    if (name === undefined || !name.startsWith('-')) return undefined;
    const fallback = this.module.keywordArgument(args, 'default');
    return { name: name.replace(/^-+/, ''), ...(fallback ? { fallback } : {}) };
  }

  /** `X` of `os.environ["X"]`. */
  private environSubscriptOf(subscript: Node): string | undefined {
    const holder = subscript.childForFieldName('value')?.text;
    const key = subscript.childForFieldName('subscript');
    if ((holder !== 'os.environ' && holder !== 'environ') || key?.type !== 'string') return undefined;
    return this.module.stringOf(key, this.module.scopeOf(key));
  }

  /** The class whose body holds this assignment directly (a field), or undefined. */
  private classOfField(assignment: Node): Node | undefined {
    const statement = assignment.parent;
    const block = statement?.type === 'expression_statement' ? statement.parent : undefined;
    const owner = block?.type === 'block' ? block.parent : undefined;
    return owner?.type === 'class_definition' ? owner : undefined;
  }

  private isSettingsClass(owner: Node): boolean {
    const bases = owner.childForFieldName('superclasses')?.namedChildren ?? [];
    return bases.some((base) => base !== null && SETTINGS_BASES.has(calleeName(base) ?? base.text));
  }

  private isPrefixRouted(call: Node): boolean {
    return PREFIX_ROUTED_CALLS.has(this.module.libraryNameOf(call.childForFieldName('function'), this.module.scopeOf(call)) ?? '');
  }

  /** Strings passed to a Hugging Face loader, to `model_id=` or a LiteLLM call without the `openrouter/` prefix. */
  private markSentElsewhere(): void {
    const { module } = this;
    this.variableSink = this.elsewhereVariables;
    const mark = (value: Node | null | undefined, unlessPrefixed: boolean): void => {
      if (!value) return;
      for (const { text, start } of this.stringsIn(value, 0)) if (!unlessPrefixed || !text.startsWith(OPENROUTER_PREFIX)) this.elsewhere.add(start);
    };
    for (const call of module.calls) {
      const args = call.childForFieldName('arguments');
      if (args?.type !== 'argument_list') continue;
      if (this.isLocalModelCall(call)) {
        for (const argument of args.namedChildren) mark(argument?.type === 'keyword_argument' ? argument.childForFieldName('value') : argument, false);
      } else if (this.isPrefixRouted(call)) {
        mark(module.keywordArgument(args, 'model') ?? firstPositional(args), true);
      }
      for (const key of PREFIXED_ONLY_KEYS) mark(module.keywordArgument(args, key), true);
    }
    this.variableSink = this.envVariables;
  }

  /** `pipeline(model="distilbert/…")`, `AutoModel.from_pretrained(…)`, anything from transformers and alike. */
  private isLocalModelCall(call: Node): boolean {
    const { module } = this;
    const scope: Scope = module.scopeOf(call);
    const callee = call.childForFieldName('function');
    if (LOCAL_MODEL_CALLS.has(calleeName(callee) ?? '')) return true;
    let root = callee;
    while (root?.type === 'attribute') root = root.childForFieldName('object');
    if (root?.type !== 'identifier') return false;
    const binding = module.bindingOf(root.text, scope, call.startIndex)?.binding;
    if (binding?.kind === 'import') return LOCAL_MODEL_MODULES.some((name) => binding.from === name || binding.from.startsWith(`${name}.`));
    // `from transformers import AutoModel` … `AutoModel.from_pretrained(…)` is caught by name above; a local alias of a loader is not followed.
    return false;
  }

  private insideLocalModelCall(node: Node): boolean {
    for (let at = node.parent; at; at = at.parent) {
      if (at.type === 'call' && this.isLocalModelCall(at)) return true;
      if (at.type === 'function_definition' || at.type === 'module') return false;
    }
    return false;
  }
}
