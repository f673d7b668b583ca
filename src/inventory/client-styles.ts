import type { SiteLanguage } from './request-site.js';

/**
 * What the request checks need to know about one way of calling OpenRouter: how findings name it, what it does
 * when the code sets no timeout, and how to spell each fix. How a call of the style is recognised lives in the
 * language's matcher table (src/languages/typescript/completion-calls.ts, src/languages/python/python-calls.ts), keyed by this id.
 */
export interface ClientStyle {
  language: SiteLanguage;
  /** As findings name it: `OpenAI SDK`, `raw HTTP`. */
  name: string;
  /** The library as a sentence names it: `the OpenAI SDK`, `requests`. */
  library: string;
  /** What the library does with no timeout set (`never times out`); undefined when it bounds requests itself. */
  withoutTimeout?: string;
  timeoutFix: string;
  fallbackFix: string;
  /** Where attribution headers go, as a fix spells it: `headers`, `defaultHeaders`, `default_headers=`. */
  headersAt: string;
  /** Requests go through a client object that holds the timeout: one the analysis cannot follow leaves it unknown. */
  throughClient?: boolean;
  /** The style's requests always reach OpenRouter (its own SDKs), whatever else the code shows. */
  alwaysOpenRouter?: boolean;
}

const JSON_MODELS = '"models": ["primary/model", "fallback/model"] to the JSON body';
const PY_MODELS_EXTRA_BODY = 'extra_body={"models": ["primary/model", "fallback/model"]}';

export const CLIENT_STYLES = {
  // JavaScript and TypeScript
  'openai-sdk': {
    throughClient: true,
    language: 'typescript',
    library: 'the OpenAI SDK',
    name: 'OpenAI SDK',
    withoutTimeout: 'waits 10 minutes',
    timeoutFix: 'timeout: 60_000',
    fallbackFix: "models: ['primary/model', 'fallback/model'] to the options (an OpenRouter extra field)",
    headersAt: 'defaultHeaders',
  },
  'openrouter-sdk': {
    throughClient: true,
    language: 'typescript',
    library: '@openrouter/sdk',
    name: '@openrouter/sdk',
    withoutTimeout: 'sets no timeout',
    timeoutFix: 'timeoutMs: 60_000',
    fallbackFix: "models: ['primary/model', 'fallback/model'] to the request",
    headersAt: 'httpReferer and appTitle',
    alwaysOpenRouter: true,
  },
  'vercel-ai-sdk': {
    language: 'typescript',
    library: 'the Vercel AI SDK',
    name: 'Vercel AI SDK',
    withoutTimeout: 'never times out',
    timeoutFix: 'abortSignal: AbortSignal.timeout(60_000)',
    fallbackFix: "providerOptions: { openrouter: { models: ['primary/model', 'fallback/model'] } }",
    headersAt: 'headers',
  },
  langchain: {
    language: 'typescript',
    library: 'LangChain',
    name: 'LangChain',
    withoutTimeout: 'waits 10 minutes',
    timeoutFix: 'timeout: 60_000',
    fallbackFix: "modelKwargs: { models: ['primary/model', 'fallback/model'] }",
    headersAt: 'configuration.defaultHeaders',
  },
  fetch: {
    language: 'typescript',
    library: 'fetch',
    name: 'raw HTTP',
    withoutTimeout: 'never times out',
    timeoutFix: 'signal: AbortSignal.timeout(60_000)',
    fallbackFix: JSON_MODELS,
    headersAt: 'headers',
  },
  axios: {
    language: 'typescript',
    library: 'axios',
    name: 'raw HTTP',
    withoutTimeout: 'never times out',
    timeoutFix: 'timeout: 60_000 to the request config (or axios.create)',
    fallbackFix: JSON_MODELS,
    headersAt: 'headers',
  },
  got: {
    language: 'typescript',
    library: 'got',
    name: 'raw HTTP',
    withoutTimeout: 'never times out',
    timeoutFix: 'timeout: { request: 60_000 }',
    fallbackFix: JSON_MODELS,
    headersAt: 'headers',
  },
  // ky gives up after 10 seconds and undici after 5 minutes without data on their own.
  ky: { language: 'typescript', library: 'ky', name: 'raw HTTP', timeoutFix: 'timeout: 60_000', fallbackFix: JSON_MODELS, headersAt: 'headers' },
  undici: {
    language: 'typescript',
    library: 'undici',
    name: 'raw HTTP',
    timeoutFix: 'signal: AbortSignal.timeout(60_000)',
    fallbackFix: JSON_MODELS,
    headersAt: 'headers',
  },

  // Python
  'py-openai-sdk': {
    throughClient: true,
    language: 'python',
    library: 'the OpenAI SDK',
    name: 'OpenAI SDK',
    withoutTimeout: 'waits 10 minutes',
    timeoutFix: 'timeout=60',
    fallbackFix: PY_MODELS_EXTRA_BODY,
    headersAt: 'default_headers=',
  },
  'py-openrouter-sdk': {
    language: 'python',
    library: 'the openrouter SDK',
    name: 'openrouter SDK',
    timeoutFix: 'timeout_ms=60000',
    fallbackFix: 'models=["primary/model", "fallback/model"]',
    headersAt: 'http_referer= and x_title=',
    alwaysOpenRouter: true,
  },
  'py-langchain': {
    language: 'python',
    library: 'LangChain',
    name: 'LangChain',
    withoutTimeout: 'waits 10 minutes',
    timeoutFix: 'timeout=60',
    fallbackFix: PY_MODELS_EXTRA_BODY,
    headersAt: 'default_headers=',
  },
  'py-litellm': {
    language: 'python',
    library: 'LiteLLM',
    name: 'LiteLLM',
    withoutTimeout: 'waits 10 minutes',
    timeoutFix: 'timeout=60',
    fallbackFix: 'fallbacks=["openrouter/fallback/model"]',
    headersAt: 'extra_headers=',
  },
  'py-requests': {
    language: 'python',
    library: 'requests',
    name: 'raw HTTP',
    withoutTimeout: 'never times out',
    timeoutFix: 'timeout=60',
    fallbackFix: JSON_MODELS,
    headersAt: 'headers=',
  },
  // httpx gives up after 5 seconds, aiohttp after 5 minutes, unless told otherwise.
  'py-httpx': { language: 'python', library: 'httpx', name: 'raw HTTP', timeoutFix: 'timeout=60', fallbackFix: JSON_MODELS, headersAt: 'headers=' },
  'py-aiohttp': {
    language: 'python',
    library: 'aiohttp',
    name: 'raw HTTP',
    timeoutFix: 'timeout=aiohttp.ClientTimeout(total=60)',
    fallbackFix: JSON_MODELS,
    headersAt: 'headers=',
  },
  'py-urllib': {
    language: 'python',
    library: 'urllib',
    name: 'raw HTTP',
    withoutTimeout: 'never times out',
    timeoutFix: 'timeout=60 to urlopen',
    fallbackFix: JSON_MODELS,
    headersAt: 'headers=',
  },
} as const satisfies Record<string, ClientStyle>;

export type ClientStyleId = keyof typeof CLIENT_STYLES;

export function clientStyle(id: string): ClientStyle {
  return (
    (CLIENT_STYLES as Record<string, ClientStyle>)[id] ?? {
      language: 'typescript',
      name: id,
      library: id,
      timeoutFix: 'a timeout',
      fallbackFix: JSON_MODELS,
      headersAt: 'headers',
    }
  );
}
