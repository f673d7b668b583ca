/**
 * What a string the code sends as a model is to OpenRouter: a model id, a preset, or a router. Shared by the
 * JavaScript/TypeScript and Python extractions and by the `.env.example` reading, so all three agree.
 */

/** `model`: an entry of the catalogue; `preset`: settings kept on OpenRouter; `router`: OpenRouter picks the model. */
export type ModelReferenceKind = 'model' | 'preset' | 'router';

export interface ModelReference {
  /** The text as OpenRouter receives it (a LiteLLM `openrouter/` prefix dropped). */
  id: string;
  kind: ModelReferenceKind;
}

/**
 * `provider/model`, optionally `:variant`, optionally a `~` alias prefix: what OpenRouter routes on.
 * One slash exactly, no spaces, no scheme: paths, URLs and prose do not match.
 */
export const MODEL_ID = /^~?[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*(?::[a-z0-9._-]+)?$/i;
/** `@preset/slug`, or `provider/model@preset/slug` (the model with the preset's settings). */
const PRESET = /^(?:~?[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*(?::[a-z0-9._-]+)?)?@preset\/[a-z0-9][a-z0-9._-]*$/i;
/** LiteLLM, DSPy, CrewAI and smolagents send `openrouter/<id>` to OpenRouter as `<id>`. */
export const OPENROUTER_PREFIX = 'openrouter/';
/** Ids under the `openrouter/` provider name OpenRouter's routers (`openrouter/auto`), not one model. */
const ROUTER_PROVIDER = 'openrouter';

/** What `text` refers to when the code sends it as a model; undefined when it is not shaped like one. */
export function modelReferenceOf(text: string): ModelReference | undefined {
  const unprefixed = text.startsWith(OPENROUTER_PREFIX) && !MODEL_ID.test(text) ? text.slice(OPENROUTER_PREFIX.length) : text;
  if (PRESET.test(unprefixed)) return { id: unprefixed, kind: 'preset' };
  if (!MODEL_ID.test(unprefixed)) return undefined;
  const provider = unprefixed.replace(/^~/, '').split('/')[0]!.toLowerCase();
  return { id: unprefixed, kind: provider === ROUTER_PROVIDER ? 'router' : 'model' };
}

/** The model a preset reference names before `@preset/`, if any: `openai/gpt-4o@preset/x` → `openai/gpt-4o`. */
export function modelOfPreset(id: string): string | undefined {
  const at = id.indexOf('@preset/');
  return at > 0 ? id.slice(0, at) : undefined;
}

/** Words that say a name holds a model: `model`, `DEFAULT_MODEL`, `fallbackModels`, `llm_model_name`. */
const MODEL_WORDS = new Set(['model', 'models']);
/**
 * Words that say a model-ish name holds something else: where model files live (`MODEL_PATH`, `model_dir`), a
 * Hugging Face repository or a local model (`hf_model`, `model_repo`, `OLLAMA_MODEL`), a type (`model_type`).
 */
const NOT_A_MODEL_WORDS = new Set([
  'path',
  'paths',
  'dir',
  'dirs',
  'directory',
  'folder',
  'file',
  'files',
  'filename',
  'url',
  'urls',
  'uri',
  'endpoint',
  'repo',
  'repository',
  'hub',
  'hf',
  'huggingface',
  'local',
  'ollama',
  'cache',
  'dataset',
  'revision',
  'tokenizer',
  'weights',
  'checkpoint',
  'type',
  'types',
  'kind',
  'class',
  'version',
]);

/** The lower-case words of an identifier: camelCase, snake_case, SCREAMING_CASE and kebab-case alike. */
export function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

/** Whether a variable, field, parameter, key or environment variable of this name holds a model id (or a list or map of them). */
export function nameSaysModel(name: string): boolean {
  const words = wordsOf(name);
  return words.some((word) => MODEL_WORDS.has(word)) && !words.some((word) => NOT_A_MODEL_WORDS.has(word));
}

/**
 * Test code, whose ids are fixtures rather than what production sends: `test/`, `tests/`, `__tests__/`, `spec/`
 * folders, `*.test.*` / `*.spec.*` files, pytest's `test_*.py`, `*_test.py` and `conftest.py`.
 */
const TEST_PATH = /(?:^|\/)(?:tests?|__tests__|specs?|e2e)\/|\.(?:test|spec)\.[cm]?[jt]sx?$|(?:^|\/)(?:test_[^/]*|[^/]*_test|conftest)\.py$/;

export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}
