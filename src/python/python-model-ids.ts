import type { Node } from 'web-tree-sitter';
import type { CodeModelId } from '../analysis/code-model-ids.js';
import { MODEL_ID } from '../analysis/model-ids.js';
import type { Workspace } from '../workspace.js';
import { visitPythonFiles } from './python-files.js';
import { calleeName, firstPositional, PythonModuleScope } from './python-scope.js';
import type { Scope } from './python-scope.js';

/** Keyword arguments and dict keys whose string is the model a request or a client uses. */
const MODEL_KEYS = new Set(['model', 'model_name']);
/** Holding the fallback chain. */
const MODEL_LIST_KEYS = new Set(['models']);
/** LiteLLM and the llm CLI route by prefix: only their `openrouter/…` models go to OpenRouter. */
const PREFIX_ROUTED_CALLS = new Set(['completion', 'acompletion', 'get_model', 'get_async_model', 'LM']);
/** Names Hugging Face uses as much as LLM libraries (smolagents' `LiteLLMModel(model_id=…)`): an id counts only with the `openrouter/` prefix. */
const PREFIXED_ONLY_KEYS = new Set(['model_id']);
const OPENROUTER_PREFIX = 'openrouter/';
/** Hugging Face (and other local-model) loaders: their `org/name` ids name repositories, not OpenRouter models. */
const LOCAL_MODEL_CALLS = new Set([
  'pipeline', 'from_pretrained', 'SentenceTransformer', 'CrossEncoder', 'hf_hub_download', 'snapshot_download', 'InferenceClient',
  'AsyncInferenceClient', 'load_dataset', 'HuggingFaceEmbeddings', 'HuggingFaceEndpoint', 'HuggingFacePipeline', 'HuggingFaceHub',
  'ChatHuggingFace', 'HuggingFaceInferenceAPIEmbeddings', 'HuggingFaceBgeEmbeddings', 'TextEmbedding',
]);
const LOCAL_MODEL_MODULES = ['transformers', 'sentence_transformers', 'huggingface_hub', 'datasets', 'diffusers', 'peft', 'langchain_huggingface', 'fastembed', 'spacy', 'torch'];
/** `os.getenv("MODEL", "openai/gpt-4o")`: the default is a model the code sends. */
const ENV_LOOKUPS = new Set(['getenv', 'get']);

const NEEDLES = [Buffer.from('model'), Buffer.from(OPENROUTER_PREFIX)];

/** Model ids the workspace's Python files and notebooks send, each once per place it is written, in file then source order. */
export async function pythonModelIds(workspace: Workspace): Promise<CodeModelId[]> {
  const ids: CodeModelId[] = [];
  await visitPythonFiles(workspace, {
    needles: NEEDLES,
    visit(source, root) {
      const seen = new Set<number>();
      for (const use of findPythonModelIds(root)) {
        if (seen.has(use.start)) continue; // One constant used twice is one place to fix.
        seen.add(use.start);
        ids.push({ id: use.id, ...source.locate(use.start), ...(use.inModelsList ? { inModelsList: true as const } : {}) });
      }
    },
    failed() {
      // A file that cannot be read names no model we could trust; max-tokens reports it.
    },
    parserUnavailable() {
      // Likewise: max-tokens says the Python files were not analysed.
    },
  });
  return ids;
}

interface PythonModelIdUse {
  id: string;
  /** UTF-16 offset of the string in the parsed Python. */
  start: number;
  /** Written in a `models` list: a fallback chain. */
  inModelsList?: true;
}

/** Every model id one parsed module sends, in source order. */
export function findPythonModelIds(root: Node): PythonModelIdUse[] {
  const module = new PythonModuleScope(root);
  const uses: PythonModelIdUse[] = [];
  for (const argument of module.keywordArguments) {
    const key = argument.childForFieldName('name')?.text ?? '';
    const value = argument.childForFieldName('value');
    if (!value || (!MODEL_KEYS.has(key) && !MODEL_LIST_KEYS.has(key) && !PREFIXED_ONLY_KEYS.has(key))) continue;
    const call = argument.parent?.parent;
    if (call?.type !== 'call' || isLocalModelCall(module, call, module.scopeOf(call))) continue;
    uses.push(...idsAt(module, key, value, PREFIX_ROUTED_CALLS.has(module.libraryNameOf(call.childForFieldName('function'), module.scopeOf(call)) ?? '')));
  }
  // `get_model("openrouter/…")`, `completion("openrouter/…", …)`: the model as the first argument.
  for (const call of module.calls) {
    if (!PREFIX_ROUTED_CALLS.has(module.libraryNameOf(call.childForFieldName('function'), module.scopeOf(call)) ?? '')) continue;
    const args = call.childForFieldName('arguments');
    const first = args?.type === 'argument_list' ? firstPositional(args) : undefined;
    if (first) uses.push(...idsIn(module, [first], true));
  }
  // Request bodies and option dicts: `{"model": "openai/gpt-4o", "models": [...]}`.
  for (const pair of module.pairs) {
    const key = pair.childForFieldName('key');
    const value = pair.childForFieldName('value');
    const name = key?.type === 'string' ? module.stringOf(key, module.scopeOf(key)) : undefined;
    if (name !== undefined && value && (MODEL_KEYS.has(name) || MODEL_LIST_KEYS.has(name)) && !insideLocalModelCall(module, pair)) {
      uses.push(...idsAt(module, name, value, false));
    }
  }
  return uses.sort((a, b) => a.start - b.start);
}

function idsAt(module: PythonModuleScope, key: string, value: Node, prefixRouted: boolean): PythonModelIdUse[] {
  if (MODEL_KEYS.has(key)) return idsIn(module, [value], prefixRouted);
  if (PREFIXED_ONLY_KEYS.has(key)) return idsIn(module, [value], true);
  if (MODEL_LIST_KEYS.has(key)) {
    const followed = module.follow(value, module.scopeOf(value));
    if (!('node' in followed) || (followed.node.type !== 'list' && followed.node.type !== 'tuple')) return [];
    const items = followed.node.namedChildren.filter((item): item is Node => item !== null);
    return idsIn(module, items, prefixRouted).map((use) => ({ ...use, inModelsList: true as const }));
  }
  return [];
}

/** Strings that are model ids, written in place or held by a name of the module; `openrouter/` prefixes dropped. */
function idsIn(module: PythonModuleScope, values: readonly Node[], prefixRouted: boolean): PythonModelIdUse[] {
  const uses: PythonModelIdUse[] = [];
  for (const value of values) {
    const literal = stringLiteralOf(module, value);
    if (!literal) continue;
    const text = literal.text;
    const routed = text.startsWith(OPENROUTER_PREFIX) && MODEL_ID.test(text.slice(OPENROUTER_PREFIX.length));
    if (prefixRouted && !text.startsWith(OPENROUTER_PREFIX)) continue; // LiteLLM sends it to another provider.
    const id = routed ? text.slice(OPENROUTER_PREFIX.length) : text;
    if (MODEL_ID.test(id)) uses.push({ id, start: literal.start });
  }
  return uses;
}

/** A plain string literal (or a name holding one, or an env lookup's default): its text and where it is written. */
function stringLiteralOf(module: PythonModuleScope, value: Node): { text: string; start: number } | undefined {
  const followed = module.follow(value, module.scopeOf(value));
  if (!('node' in followed)) return undefined;
  let node = followed.node;
  if (node.type === 'call' && ENV_LOOKUPS.has(calleeName(node.childForFieldName('function')) ?? '')) {
    const fallback = node.childForFieldName('arguments')?.namedChildren[1];
    if (!fallback) return undefined;
    const inner = module.follow(fallback, module.scopeOf(fallback));
    if (!('node' in inner)) return undefined;
    node = inner.node;
  }
  if (node.type !== 'string' || node.namedChildren.some((part) => part?.type === 'interpolation')) return undefined;
  const text = module.stringOf(node, module.scopeOf(node));
  return text === undefined ? undefined : { text, start: node.startIndex };
}

/** `pipeline(model="distilbert/…")`, `AutoModel.from_pretrained(…)`, anything from transformers and alike. */
function isLocalModelCall(module: PythonModuleScope, call: Node, scope: Scope): boolean {
  const callee = call.childForFieldName('function');
  if (LOCAL_MODEL_CALLS.has(calleeName(callee) ?? '')) return true;
  let root = callee;
  while (root?.type === 'attribute') root = root.childForFieldName('object');
  if (root?.type !== 'identifier') return false;
  const binding = module.bindingOf(root.text, scope, call.startIndex)?.binding;
  return binding?.kind === 'import' && LOCAL_MODEL_MODULES.some((name) => binding.from === name || binding.from.startsWith(`${name}.`));
}

function insideLocalModelCall(module: PythonModuleScope, node: Node): boolean {
  for (let at = node.parent; at; at = at.parent) {
    if (at.type === 'call' && isLocalModelCall(module, at, module.scopeOf(at))) return true;
    if (at.type === 'function_definition' || at.type === 'module') return false;
  }
  return false;
}
