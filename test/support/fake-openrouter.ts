/**
 * A fake OpenRouter API: a real `node:http` server on 127.0.0.1 (port 0) that answers like the
 * reference (openrouter-api.md §1–3) describes, driven by a scenario, with faults injected per route.
 * Every request is recorded. `close()` destroys every socket and timer, so no test can hang on it.
 *
 *   const fake = await startFakeOpenRouter({ keys: { [key]: FAKE_KEYS.limited } });
 *   fake.setScenario({ ...fake.scenario, faults: { '/models': [{ kind: 'status', status: 503 }] } });
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The routes served, relative to `/api/v1`; `/models/{author}/{slug}/endpoints` stands for every model's. */
export type FakeRoute = '/key' | '/auth/key' | '/models' | '/models/user' | '/models/{author}/{slug}/endpoints' | '/chat/completions' | '/keys' | '/credits';

/** `data` of `GET /key` as OpenRouter sends it, deprecated fields included. */
export interface FakeKeyData {
  label: string;
  limit: number | null;
  limit_remaining: number | null;
  limit_reset: string | null;
  include_byok_in_limit: boolean;
  usage: number;
  usage_daily: number;
  usage_weekly: number;
  usage_monthly: number;
  byok_usage: number;
  byok_usage_daily: number;
  byok_usage_weekly: number;
  byok_usage_monthly: number;
  is_free_tier: boolean;
  is_management_key: boolean;
  is_provisioning_key: boolean;
  creator_user_id: string | null;
  expires_at?: string | null;
  rate_limit: { requests: number; interval: string; note: string };
}

/** One `GET /keys` entry as OpenRouter sends it (reference §5.1; every field is required but `expires_at`). */
export interface FakeManagedKey {
  hash: string;
  name: string;
  label: string;
  disabled: boolean;
  limit: number | null;
  limit_remaining: number | null;
  limit_reset: string | null;
  include_byok_in_limit: boolean;
  usage: number;
  usage_daily: number;
  usage_weekly: number;
  usage_monthly: number;
  byok_usage: number;
  byok_usage_daily: number;
  byok_usage_weekly: number;
  byok_usage_monthly: number;
  created_at: string;
  updated_at: string | null;
  creator_user_id: string | null;
  workspace_id: string;
  expires_at?: string | null;
}

/** `GET /credits` → `data` (reference §5.2). */
export interface FakeCredits {
  total_credits: number;
  total_usage: number;
}

/** One `GET /models` entry as OpenRouter sends it. */
export interface FakeModel {
  id: string;
  canonical_slug: string;
  hugging_face_id: string | null;
  name: string;
  created: number;
  description: string;
  context_length: number | null;
  architecture: {
    modality: string;
    input_modalities: string[];
    output_modalities: string[];
    tokenizer: string;
    instruct_type: string | null;
  };
  pricing: { prompt: string; completion: string; [other: string]: string };
  top_provider: { context_length: number | null; max_completion_tokens: number | null; is_moderated: boolean };
  per_request_limits: { prompt_tokens: string; completion_tokens: string } | null;
  supported_parameters: string[];
  default_parameters: Record<string, number | null> | null;
  supported_voices: string[] | null;
  expiration_date: string | null;
  links: { details: string };
  /** Present for models that reason (reference 2026 §1.2). */
  reasoning?: FakeReasoning;
}

/** `reasoning` of a `/models` entry. */
export interface FakeReasoning {
  /** Highest first; null = every effort accepted. */
  supported_efforts: string[] | null;
  default_effort: string | null;
  default_enabled: boolean;
  supports_max_tokens: boolean;
  /** True: `effort: "none"` is rejected with a 400. */
  mandatory: boolean;
}

/** One `GET /models/{author}/{slug}/endpoints` entry as OpenRouter sends it (spec `PublicEndpoint`). */
export interface FakeEndpoint {
  name: string;
  model_id: string;
  model_name: string;
  provider_name: string;
  tag: string;
  quantization: string | null;
  context_length: number;
  max_completion_tokens: number | null;
  max_prompt_tokens: number | null;
  supported_parameters: string[];
  pricing: { prompt: string; completion: string; [other: string]: string };
  status: number;
  uptime_last_5m: number | null;
  uptime_last_30m: number | null;
  uptime_last_1d: number | null;
  latency_last_30m: { p50: number; p75: number; p90: number; p99: number } | null;
  throughput_last_30m: { p50: number; p75: number; p90: number; p99: number } | null;
  supports_implicit_caching: boolean;
}

/**
 * The account's data policy, as set at openrouter.ai/settings/privacy: with `denyTraining`, providers
 * that may train on prompts are not routed to, so a model only they serve leaves `/models/user` and its
 * completions answer 404 `privacy_restricted`.
 */
export interface FakeDataPolicy {
  denyTraining: boolean;
  /** `provider_name`s that may train on prompts. */
  trainingProviders: string[];
}

/** `availability.code` values of OpenRouter's model-availability errors (§3.3). */
export type AvailabilityCode =
  | 'model_not_found'
  | 'no_endpoints'
  | 'model_deprecated'
  | 'model_unavailable_upstream'
  | 'capacity_exhausted'
  | 'temporarily_unavailable'
  | 'privacy_restricted'
  | 'free_variant_ended';

/** An error answer. `availability` sends the availability-error shape, which has no `error.code`. */
export interface FakeErrorAnswer {
  status: number;
  /** Default: a realistic message for the status (see `DEFAULT_ERROR_MESSAGES`). */
  message?: string;
  /** Sent as the `Retry-After` header: seconds, or an HTTP date. */
  retryAfter?: number | string;
  availability?: AvailabilityCode;
  /** Sent as is (text/html) instead of the JSON error body: a proxy's error page. */
  rawBody?: string;
  /** Extra response headers, e.g. `location`. */
  headers?: Record<string, string>;
}

/** What happens to the next request on a route; each fault is used once, in order. */
export type Fault =
  | ({ kind: 'status' } & FakeErrorAnswer)
  /** Never answers. */
  | { kind: 'hang' }
  /** Answers normally after `ms`. */
  | { kind: 'slow'; ms: number }
  /** Sends 200 and headers, then one byte of body every `intervalMs` (default 1000), forever. */
  | { kind: 'trickle'; intervalMs?: number }
  /** 200 with a truncated JSON body. */
  | { kind: 'malformed-json' }
  /** 200 with valid JSON of the wrong shape for the route. */
  | { kind: 'wrong-shape' }
  /** Destroys the socket without answering. */
  | { kind: 'close-connection' }
  /** 200 and a body that never ends, sent as fast as the client reads. */
  | { kind: 'endless-body' }
  /** 200 declaring a `Content-Length` of `bytes` (default 10 GiB), then a body sent as fast as the client reads. */
  | { kind: 'huge-length'; bytes?: number }
  /** Any JSON answer, e.g. valid JSON of one particular wrong shape. */
  | { kind: 'json'; body: unknown; status?: number }
  /** Any bytes with any headers (a captive portal's HTML page, gzip-encoded garbage). */
  | { kind: 'raw'; body: string | Buffer; status?: number; headers?: Record<string, string> }
  /** The status line and headers one byte every `intervalMs` (default 200), never finished. */
  | { kind: 'trickle-headers'; intervalMs?: number }
  /** 200 and a `Content-Length`, half the body, then a TCP reset. */
  | { kind: 'reset-mid-body' };

/** How `POST /chat/completions` answers for one model. */
export type CompletionBehaviour = 'ok' | 'hang' | FakeErrorAnswer;

export interface FakeScenario {
  /** Known API keys → overrides of the default key data; any other key gets 401 "User not found.". */
  keys?: Record<string, Partial<FakeKeyData>>;
  /** The catalogue; default `DEFAULT_FAKE_MODELS`. Completions for ids not listed (nor in `completions`) get 400. */
  models?: FakeModel[];
  /** Per model id; default 'ok' for listed models. */
  completions?: Record<string, CompletionBehaviour>;
  /** Per model id, the providers serving it; default one healthy endpoint per listed model (`fakeEndpoint`). `[]`: no provider serves it. */
  endpoints?: Record<string, FakeEndpoint[]>;
  /** Completions with `max_tokens` / `max_completion_tokens` below this answer 400, as some providers do; default 16. */
  minMaxTokens?: number;
  /** The account's data policy; default: every provider allowed. */
  dataPolicy?: FakeDataPolicy;
  /** Presets by slug (`@preset/<slug>`): the model each one sends. Unknown presets answer 404. */
  presets?: Record<string, { model: string }>;
  /** `/key` answers 404, as before it existed; only `/auth/key` works. */
  legacyKeyEndpointOnly?: boolean;
  /** Per route, applied to the next requests on it, one fault each. */
  faults?: Partial<Record<FakeRoute, Fault[]>>;
  /** Every answer (faults aside) waits this long first: a far-away API. */
  latencyMs?: number;
  /**
   * Holds answers back until this many requests wait together, batch by batch: `[3, 2]` answers
   * nothing until three requests are in, answers those three, then holds the next two until both
   * are in; later requests are answered at once. Shows requests overlap without timing them: a
   * client that waits for one answer before it sends the next never fills a batch of two, and only
   * its own time limit ends the wait.
   */
  answerInBatches?: number[];
  /**
   * What `GET /keys` lists for a management key, most recent first, served 100 a page by `offset`
   * (disabled ones only with `include_disabled=true`). Default: one entry per known key of `keys`
   * that is not a management key, made by `fakeManagedKey`.
   */
  managedKeys?: FakeManagedKey[];
  /** `GET /credits` for a management key; default `DEFAULT_FAKE_CREDITS`. */
  credits?: FakeCredits;
  /**
   * What a known key that is not a management key gets on `/keys` and `/credits`. Undocumented
   * (reference "open questions"): default 401 on `/keys` (its only documented auth error) and 403 on
   * `/credits` (what third parties report).
   */
  nonManagementStatus?: 401 | 403;
}

export interface RecordedRequest {
  method: string;
  /** The full path without the query: `/api/v1/key`. */
  path: string;
  /** The route it matched, if any. */
  route?: FakeRoute;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, the raw text if not JSON, undefined if empty. */
  body: unknown;
}

export interface FakeOpenRouter {
  /** `http://127.0.0.1:PORT/api/v1` (or the host `startFakeOpenRouter` was given). */
  baseUrl: string;
  /** `127.0.0.1:PORT` (`[::1]:PORT` for IPv6). */
  host: string;
  requests: RecordedRequest[];
  /** TCP connections accepted so far, requests or not (a TLS handshake never becomes a request). */
  readonly connections: number;
  /** The requests that matched one route. */
  requestsTo(route: FakeRoute): RecordedRequest[];
  /** The most requests received and not yet answered at one time since the scenario was last set. */
  readonly peakInFlight: number;
  /** The current scenario; its fault queues and batches shrink as they are used. */
  readonly scenario: FakeScenario;
  /** Replaces the scenario (fault queues and batches are copied); answers still held are let go. */
  setScenario(scenario: FakeScenario): void;
  close(): Promise<void>;
}

const API_PREFIX = '/api/v1';
const ROUTES: Record<FakeRoute, 'GET' | 'POST'> = {
  '/key': 'GET',
  '/auth/key': 'GET',
  '/models': 'GET',
  '/models/user': 'GET',
  '/models/{author}/{slug}/endpoints': 'GET',
  '/chat/completions': 'POST',
  '/keys': 'GET',
  '/credits': 'GET',
};
/** `GET /keys` pages (reference §5.1: "the most recent 100 API keys"). */
export const FAKE_KEYS_PAGE_SIZE = 100;
/** A guess: OpenRouter's wording for an inference key on a management route is not documented. */
export const NOT_A_MANAGEMENT_KEY_MESSAGE = 'Only management keys can perform this operation';
export const DEFAULT_FAKE_CREDITS: FakeCredits = { total_credits: 50, total_usage: 12.34 };
/** The `created_at` of the DOCS example (management-api-keys.mdx). */
export const FAKE_CREATED_AT = '2025-02-19T20:52:27.363244+00:00';

/** Messages OpenRouter really sends (openrouter-api.md §1.3, §3.3), or close to them. */
export const DEFAULT_ERROR_MESSAGES: Record<number, string> = {
  400: 'Invalid request: messages is required',
  401: 'User not found.',
  402:
    'This request requires more credits, or fewer max_tokens. You requested up to 16 tokens, but can only afford 0. ' +
    'To increase, visit https://openrouter.ai/settings/credits and add more credits',
  403: 'Your request was flagged by the moderation of the selected provider',
  404: 'Not Found',
  408: 'Request timed out. Please try again later.',
  429: 'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day',
  500: 'Internal Server Error',
  502: 'Provider returned error',
  503: 'No available model provider meets your routing requirements',
};

const ERROR_TYPES: Record<number, string> = {
  400: 'bad_request',
  401: 'authentication',
  402: 'payment_required',
  403: 'permission_denied',
  408: 'timeout',
  429: 'rate_limit_exceeded',
  500: 'server',
  502: 'provider_unavailable',
  503: 'provider_unavailable',
};

/** Ready-made key data overrides for the cases the remote checks care about. */
export const FAKE_KEYS = {
  unlimited: { limit: null, limit_remaining: null, limit_reset: null },
  limited: { limit: 10, limit_remaining: 7.5, limit_reset: 'monthly', usage: 2.5, usage_monthly: 2.5 },
  /** A cap that never resets, nearly spent. */
  nearlySpent: { limit: 5, limit_remaining: 0.02, limit_reset: null, usage: 4.98 },
  exhausted: { limit: 5, limit_remaining: 0, limit_reset: null, usage: 5 },
  freeTier: { is_free_tier: true, usage: 0, usage_daily: 0, usage_weekly: 0, usage_monthly: 0 },
  management: { is_management_key: true, is_provisioning_key: true },
  /** Expires three days after this module was loaded. */
  expiring: { expires_at: new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString() },
  expired: { expires_at: '2025-01-01T00:00:00.000Z' },
  /** Answers from before `expires_at`, `limit_reset` and `is_management_key` existed (only the deprecated flag). */
  beforeNewerFields: { expires_at: undefined, limit_reset: undefined, is_management_key: undefined },
} as const satisfies Record<string, Partial<FakeKeyData>>;

/** The full key data OpenRouter returns for `apiKey`, with `overrides` applied (an `undefined` override removes the field). */
export function fakeKeyData(apiKey: string, overrides: Partial<FakeKeyData> = {}): FakeKeyData {
  const management = overrides.is_management_key ?? overrides.is_provisioning_key ?? false;
  return {
    label: `${apiKey.slice(0, 12)}...${apiKey.slice(-4)}`,
    limit: null,
    limit_remaining: null,
    limit_reset: null,
    include_byok_in_limit: false,
    usage: 0.0123,
    usage_daily: 0.0011,
    usage_weekly: 0.0042,
    usage_monthly: 0.0123,
    byok_usage: 0,
    byok_usage_daily: 0,
    byok_usage_weekly: 0,
    byok_usage_monthly: 0,
    is_free_tier: false,
    is_management_key: management,
    is_provisioning_key: management,
    creator_user_id: 'user_2yQz8bN4kLmP0aRt',
    expires_at: null,
    rate_limit: { requests: -1, interval: '10s', note: 'This field is deprecated and safe to ignore.' },
    ...overrides,
  };
}

/** The masked key as `/key` and `/keys` show it: `sk-or-v1-abc...wxyz`. */
export function fakeLabel(apiKey: string): string {
  return `${apiKey.slice(0, 12)}...${apiKey.slice(-4)}`;
}

/** A `GET /keys` entry for `apiKey` with every field OpenRouter sends; `overrides` replace fields (an `undefined` one removes it). */
export function fakeManagedKey(apiKey: string, overrides: Partial<FakeManagedKey> = {}): FakeManagedKey {
  return {
    hash: createHash('sha256').update(apiKey).digest('hex'),
    name: 'Production',
    label: fakeLabel(apiKey),
    disabled: false,
    limit: null,
    limit_remaining: null,
    limit_reset: null,
    include_byok_in_limit: false,
    usage: 0.0123,
    usage_daily: 0.0011,
    usage_weekly: 0.0042,
    usage_monthly: 0.0123,
    byok_usage: 0,
    byok_usage_daily: 0,
    byok_usage_weekly: 0,
    byok_usage_monthly: 0,
    created_at: FAKE_CREATED_AT,
    updated_at: null,
    creator_user_id: 'user_2yQz8bN4kLmP0aRt',
    workspace_id: 'ws_default',
    expires_at: null,
    ...overrides,
  };
}

/** A catalogue entry with every field OpenRouter sends; `overrides` replace top-level fields. */
export function fakeModel(id: string, overrides: Partial<FakeModel> = {}): FakeModel {
  const [author = 'unknown', slug = id] = id.split('/');
  return {
    id,
    canonical_slug: id.replace(/:.*$/, ''),
    hugging_face_id: null,
    name: `${author[0]!.toUpperCase()}${author.slice(1)}: ${slug}`,
    created: 1_735_689_600,
    description: `A fake model for tests: ${id}.`,
    context_length: 128_000,
    architecture: {
      modality: 'text->text',
      input_modalities: ['text'],
      output_modalities: ['text'],
      tokenizer: 'Other',
      instruct_type: null,
    },
    pricing: { prompt: '0.00000015', completion: '0.0000006', request: '0', image: '0', web_search: '0', internal_reasoning: '0' },
    top_provider: { context_length: 128_000, max_completion_tokens: 16_384, is_moderated: false },
    per_request_limits: null,
    supported_parameters: ['max_tokens', 'temperature', 'top_p', 'stop', 'seed', 'response_format', 'tools', 'tool_choice'],
    default_parameters: { temperature: null, top_p: null, frequency_penalty: null },
    supported_voices: null,
    expiration_date: null,
    links: { details: `/api/v1/models/${id.replace(/:.*$/, '')}/endpoints` },
    ...overrides,
  };
}

/** The 400 a provider with a minimum output cap answers (reference 2026 §1.6). */
export const BELOW_MINIMUM_MESSAGE = (minimum: number): string => `Provider returned error: max_tokens: Expected a value >= ${minimum}`;
/** What a reasoning-mandatory model answers to `reasoning.effort: "none"`. */
export const REASONING_MANDATORY_MESSAGE = 'Reasoning is mandatory for this endpoint and cannot be disabled.';
/** OpenRouter's wording for a model no allowed provider serves under the account's data policy. */
export const DATA_POLICY_MESSAGE = 'No endpoints found matching your data policy (Paid model training). Configure: https://openrouter.ai/settings/privacy';
/** Routers: OpenRouter picks the model, so they answer with one of the catalogue's. */
export const FAKE_ROUTERS = ['openrouter/auto'];

/** `reasoning` of a model that always reasons, at `low` effort at least. */
export const MANDATORY_REASONING: FakeReasoning = {
  supported_efforts: ['high', 'medium', 'low'],
  default_effort: 'medium',
  default_enabled: true,
  supports_max_tokens: false,
  mandatory: true,
};

/** `reasoning` of a model that may reason, and may be told not to. */
export const OPTIONAL_REASONING: FakeReasoning = {
  supported_efforts: null,
  default_effort: 'medium',
  default_enabled: true,
  supports_max_tokens: true,
  mandatory: false,
};

/** The one provider serving `model` by default, healthy; `overrides` replace fields. */
export function fakeEndpoint(model: FakeModel | string, overrides: Partial<FakeEndpoint> = {}): FakeEndpoint {
  const entry = typeof model === 'string' ? fakeModel(model) : model;
  const author = entry.id.split('/')[0] ?? 'unknown';
  const provider = `${author[0]!.toUpperCase()}${author.slice(1)}`;
  return {
    name: `${provider} | ${entry.canonical_slug}`,
    model_id: entry.canonical_slug,
    model_name: entry.name,
    provider_name: provider,
    tag: author,
    quantization: null,
    context_length: entry.context_length ?? 8192,
    max_completion_tokens: entry.top_provider.max_completion_tokens,
    max_prompt_tokens: null,
    supported_parameters: entry.supported_parameters,
    pricing: { prompt: entry.pricing.prompt, completion: entry.pricing.completion },
    status: 0,
    uptime_last_5m: 100,
    uptime_last_30m: 99.8,
    uptime_last_1d: 99.6,
    latency_last_30m: { p50: 420, p75: 610, p90: 900, p99: 1800 },
    throughput_last_30m: { p50: 80, p75: 95, p90: 110, p99: 140 },
    supports_implicit_caching: false,
    ...overrides,
  };
}

/** Default catalogue: a paid model, a deprecated one (with `expiration_date`), a `:free` one and an embedding model. */
export const DEFAULT_FAKE_MODELS: readonly FakeModel[] = [
  fakeModel('openai/gpt-4o-mini', {
    canonical_slug: 'openai/gpt-4o-mini-2024-07-18',
    name: 'OpenAI: GPT-4o-mini',
    top_provider: { context_length: 128_000, max_completion_tokens: 16_384, is_moderated: true },
  }),
  fakeModel('anthropic/claude-3.7-sonnet', {
    canonical_slug: 'anthropic/claude-3-7-sonnet-20250219',
    name: 'Anthropic: Claude 3.7 Sonnet',
    context_length: 200_000,
    pricing: { prompt: '0.000003', completion: '0.000015' },
    top_provider: { context_length: 200_000, max_completion_tokens: 64_000, is_moderated: true },
    expiration_date: '2026-10-31',
  }),
  fakeModel('meta-llama/llama-3.3-70b-instruct:free', {
    name: 'Meta: Llama 3.3 70B Instruct (free)',
    context_length: 65_536,
    pricing: { prompt: '0', completion: '0' },
    top_provider: { context_length: 65_536, max_completion_tokens: null, is_moderated: false },
    per_request_limits: { prompt_tokens: '65536', completion_tokens: '4096' },
  }),
  fakeModel('openai/text-embedding-3-small', {
    name: 'OpenAI: Text Embedding 3 Small',
    context_length: 8192,
    architecture: { modality: 'text->embeddings', input_modalities: ['text'], output_modalities: ['embeddings'], tokenizer: 'GPT', instruct_type: null },
    pricing: { prompt: '0.00000002', completion: '0' },
    top_provider: { context_length: 8192, max_completion_tokens: null, is_moderated: false },
    supported_parameters: [],
  }),
];

export interface FakeServerOptions {
  /** The address to listen on; default `127.0.0.1`. */
  host?: string;
  /** The port; default 0, any free one. */
  port?: number;
  /** Serve https with this certificate (PEM) instead of plain http. */
  tls?: { key: string; cert: string };
}

/** Starts the server; resolves once it listens. */
export async function startFakeOpenRouter(initial: FakeScenario = {}, options: FakeServerOptions = {}): Promise<FakeOpenRouter> {
  const listenHost = options.host ?? '127.0.0.1';
  let scenario = copyScenario(initial);
  let connections = 0;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let peakInFlight = 0;
  /** Requests held until their batch of `scenario.answerInBatches` is full. */
  const held: Array<() => void> = [];
  const releaseHeld = (): void => {
    for (const release of held.splice(0)) release();
  };

  /** Resolves once the request's batch is full: at once past the last batch. */
  const batchFull = (): Promise<void> => {
    const size = scenario.answerInBatches?.[0];
    if (size === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      held.push(resolve);
      if (held.length < size) return;
      scenario.answerInBatches!.shift();
      releaseHeld();
    });
  };

  /** A timer that `close()` clears, and that stops by itself if the response's socket goes away. */
  const every = (ms: number, res: ServerResponse, tick: () => void, repeat: boolean): void => {
    const timer = (repeat ? setInterval : setTimeout)(() => {
      if (res.destroyed || res.socket?.destroyed) return stop();
      if (!repeat) timers.delete(timer);
      tick();
    }, ms);
    const stop = (): void => {
      clearTimeout(timer);
      timers.delete(timer);
    };
    timers.add(timer);
    res.on('close', stop);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: 500, message: `fake server bug: ${String(error)}` } });
      else res.destroy();
    });
  };
  const server = options.tls ? createTlsServer(options.tls, onRequest) : createServer(onRequest);
  // A client that refuses the certificate hangs up mid-handshake: expected, not a crash.
  server.on('tlsClientError', () => undefined);
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const route = routeOf(url.pathname);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    };
    if (route) recorded.route = route;
    requests.push(recorded);
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    let answered = false;
    const settle = (): void => {
      if (!answered) inFlight -= 1;
      answered = true;
    };
    res.once('finish', settle).once('close', settle);

    if (!route) return sendError(res, { status: 404, message: `Not Found: ${req.method} ${url.pathname}` });
    if (req.method !== ROUTES[route]) return sendError(res, { status: 405, message: `Method Not Allowed: ${req.method} ${url.pathname}` });
    await batchFull();
    if (res.destroyed) return;
    const fault = scenario.faults?.[route]?.shift();
    if (fault) return applyFault(fault, route, recorded, res);
    if (scenario.latencyMs) return every(scenario.latencyMs, res, () => answer(route, recorded, res), false);
    answer(route, recorded, res);
  }

  function applyFault(fault: Fault, route: FakeRoute, request: RecordedRequest, res: ServerResponse): void {
    switch (fault.kind) {
      case 'status':
        return sendError(res, fault);
      case 'hang':
        return; // The socket stays open until the client gives up or close() destroys it.
      case 'slow':
        return every(fault.ms, res, () => answer(route, request, res), false);
      case 'trickle':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"data":');
        return every(fault.intervalMs ?? 1000, res, () => res.write(' '), true);
      case 'malformed-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data":[{"id":"openai/gpt-4o-mini","name":"OpenAI: GPT-4o-m');
        return;
      case 'wrong-shape':
        return sendJson(res, 200, WRONG_SHAPES[route]);
      case 'close-connection':
        res.socket?.destroy();
        return;
      case 'endless-body':
        return sendEndlessBody(res);
      case 'huge-length':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(fault.bytes ?? 10 * 1024 ** 3) });
        return pumpForever(res);
      case 'json':
        return sendJson(res, fault.status ?? 200, fault.body);
      case 'raw': {
        res.writeHead(fault.status ?? 200, { 'content-length': String(Buffer.byteLength(fault.body)), ...fault.headers });
        res.end(fault.body);
        return;
      }
      case 'trickle-headers': {
        // Below node:http, on the socket itself: ServerResponse cannot send half a header.
        const head = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-padding: ' + 'x'.repeat(10_000));
        let sent = 0;
        return every(fault.intervalMs ?? 200, res, () => res.socket?.write(head.subarray(sent, ++sent)), true);
      }
      case 'reset-mid-body': {
        const body = JSON.stringify({ data: fakeKeyData('sk-or-v1-unknown') });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
        res.write(body.slice(0, body.length >> 1), () => res.socket?.resetAndDestroy());
        return;
      }
    }
  }

  function answer(route: FakeRoute, request: RecordedRequest, res: ServerResponse): void {
    if (route === '/models') return sendModels(request, res);
    if (route === '/models/{author}/{slug}/endpoints') return sendEndpoints(request, res);
    const apiKey = bearerOf(request.headers);
    if (apiKey === undefined) return sendError(res, { status: 401, message: 'No auth credentials found' });
    const overrides = scenario.keys?.[apiKey];
    if (overrides === undefined) return sendError(res, { status: 401 });
    if (route === '/models/user') return sendJson(res, 200, { data: catalogue().filter((model) => routable(model.id)) });
    if (route === '/keys' || route === '/credits') return sendManagement(route, request, overrides, res);
    if (route === '/key' && scenario.legacyKeyEndpointOnly) return sendError(res, { status: 404, message: `Not Found: GET ${request.path}` });
    if (route === '/key' || route === '/auth/key') return sendJson(res, 200, { data: fakeKeyData(apiKey, overrides) });
    return sendCompletion(request, fakeKeyData(apiKey, overrides), res);
  }

  /** `/keys` and `/credits`: only for a management key. */
  function sendManagement(route: '/keys' | '/credits', request: RecordedRequest, key: Partial<FakeKeyData>, res: ServerResponse): void {
    if (!(key.is_management_key ?? key.is_provisioning_key ?? false)) {
      const status = scenario.nonManagementStatus ?? (route === '/keys' ? 401 : 403);
      return sendError(res, { status, message: NOT_A_MANAGEMENT_KEY_MESSAGE });
    }
    if (route === '/credits') return sendJson(res, 200, { data: scenario.credits ?? DEFAULT_FAKE_CREDITS });
    const all = scenario.managedKeys ?? defaultManagedKeys(scenario.keys ?? {});
    const listed = request.query.include_disabled === 'true' ? all : all.filter((entry) => !entry.disabled);
    const offset = Number(request.query.offset ?? 0);
    if (!(Number.isInteger(offset) && offset >= 0)) return sendError(res, { status: 400, message: 'Invalid offset' });
    sendJson(res, 200, { data: listed.slice(offset, offset + FAKE_KEYS_PAGE_SIZE) });
  }

  function catalogue(): readonly FakeModel[] {
    return scenario.models ?? DEFAULT_FAKE_MODELS;
  }

  /** The providers serving a listed model, or undefined when the model is not listed. */
  function endpointsOf(id: string): FakeEndpoint[] | undefined {
    const model = catalogue().find((entry) => entry.id === id);
    if (!model) return undefined;
    return scenario.endpoints?.[id] ?? (FAKE_ROUTERS.includes(id) ? [] : [fakeEndpoint(model)]);
  }

  /** Whether the account's data policy leaves a provider serving `id` (routers route to whatever is allowed). */
  function routable(id: string): boolean {
    if (FAKE_ROUTERS.includes(id)) return true;
    const allowed = (endpointsOf(id) ?? []).filter((endpoint) => !blockedByPolicy(endpoint));
    return allowed.length > 0;
  }

  function blockedByPolicy(endpoint: FakeEndpoint): boolean {
    const policy = scenario.dataPolicy;
    return policy !== undefined && policy.denyTraining && policy.trainingProviders.includes(endpoint.provider_name);
  }

  /** `GET /models/{author}/{slug}/endpoints`: public; 404 for a model not listed. */
  function sendEndpoints(request: RecordedRequest, res: ServerResponse): void {
    const match = ENDPOINTS_PATH.exec(request.path.slice(API_PREFIX.length))!;
    const id = `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`;
    const model = catalogue().find((entry) => entry.id === id);
    const endpoints = endpointsOf(id);
    if (!model || !endpoints) return sendError(res, { status: 404, message: 'Model not found' });
    const { created, description, architecture, name } = model;
    sendJson(res, 200, { data: { id, name, created, description, architecture, endpoints } });
  }

  function sendModels(request: RecordedRequest, res: ServerResponse): void {
    const models = scenario.models ?? DEFAULT_FAKE_MODELS;
    // Like OpenRouter: only text-output models unless asked for all (§2.1).
    const wanted = request.query.output_modalities ?? 'text';
    const listed = wanted === 'all' ? models : models.filter((model) => model.architecture.output_modalities.some((m) => wanted.split(',').includes(m)));
    sendJson(res, 200, { data: listed, total_count: listed.length, links: { next: null } });
  }

  function sendCompletion(request: RecordedRequest, key: FakeKeyData, res: ServerResponse): void {
    const body = isObject(request.body) ? request.body : {};
    const requested = typeof body.model === 'string' ? body.model : undefined;
    if (!Array.isArray(body.messages)) return sendError(res, { status: 400 });
    if (requested === undefined) return sendError(res, { status: 400, message: 'Invalid request: model is required' });
    const scripted = scenario.completions?.[requested];
    if (scripted === 'hang') return;
    if (scripted !== undefined && scripted !== 'ok') return sendError(res, scripted);
    const served = servedModel(requested);
    if ('error' in served) return sendError(res, served.error);
    const { model } = served;
    const known = catalogue().find((entry) => entry.id === model);
    if (!known && scripted !== 'ok') return sendError(res, { status: 400, message: `${model} is not a valid model ID` });
    if (known && !FAKE_ROUTERS.includes(model)) {
      const endpoints = endpointsOf(model) ?? [];
      if (endpoints.length === 0) return sendError(res, { status: 404, availability: 'no_endpoints', message: `No endpoints found for ${model}.` });
      if (!routable(model)) return sendError(res, { status: 404, availability: 'privacy_restricted', message: DATA_POLICY_MESSAGE });
    }
    const cap = [body.max_completion_tokens, body.max_tokens].find((value): value is number => typeof value === 'number');
    const minimum = scenario.minMaxTokens ?? 16;
    if (cap !== undefined && cap < minimum) return sendError(res, { status: 400, message: BELOW_MINIMUM_MESSAGE(minimum) });
    const effort = isObject(body.reasoning) && typeof body.reasoning.effort === 'string' ? body.reasoning.effort : undefined;
    const reasoning = known?.reasoning;
    if (reasoning?.mandatory && (effort === 'none' || (isObject(body.reasoning) && body.reasoning.enabled === false))) {
      return sendError(res, { status: 400, message: REASONING_MANDATORY_MESSAGE });
    }
    if (key.limit_remaining !== null && key.limit_remaining <= 0) return sendError(res, { status: 402 });

    const maxTokens = cap ?? 4096;
    // A reasoner not told to stop thinking spends the whole cap on reasoning: no text, finish_reason "length".
    const thinks = reasoning !== undefined && effort !== 'none';
    const promptTokens = 8;
    const reasoningTokens = thinks ? maxTokens : 0;
    const completionTokens = thinks ? maxTokens : Math.min(1, maxTokens);
    const price = (value: string | undefined): number => Number(value ?? 0);
    const cost = promptTokens * price(known?.pricing.prompt) + completionTokens * price(known?.pricing.completion);
    const finish = thinks || maxTokens <= 1 ? 'length' : 'stop';
    sendJson(res, 200, {
      id: `gen-${Math.floor(Date.now() / 1000)}-${randomBytes(10).toString('base64url')}`,
      provider: 'OpenAI',
      model,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          logprobs: null,
          finish_reason: finish,
          native_finish_reason: finish === 'length' ? 'max_tokens' : 'stop',
          message: { role: 'assistant', content: thinks ? null : 'OK', refusal: null, reasoning: thinks ? 'The user wants me to reply with' : null },
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        cost,
        is_byok: false,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        cost_details: { upstream_inference_cost: null, upstream_inference_prompt_cost: cost, upstream_inference_completions_cost: 0 },
        completion_tokens_details: { reasoning_tokens: reasoningTokens, image_tokens: 0 },
      },
    });
  }

  /** The model that answers `requested`: a preset's model, a router's pick, or the model itself. */
  function servedModel(requested: string): { model: string } | { error: FakeErrorAnswer } {
    const preset = /^(?:(.+)@)?@?preset\/(.+)$/.exec(requested);
    if (preset) {
      const found = scenario.presets?.[preset[2]!];
      if (!found) return { error: { status: 404, message: `Preset not found: ${preset[2]}` } };
      return { model: preset[1] ?? found.model };
    }
    if (FAKE_ROUTERS.includes(requested)) {
      const pick = catalogue().find((entry) => !FAKE_ROUTERS.includes(entry.id) && entry.architecture.output_modalities.includes('text') && routable(entry.id));
      return pick ? { model: pick.id } : { error: { status: 503 } };
    }
    return { model: requested };
  }

  function sendEndlessBody(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data":[');
    pumpForever(res);
  }

  /** Writes model entries as fast as the client reads, until the connection goes. */
  function pumpForever(res: ServerResponse): void {
    const chunk = Buffer.from('{"id":"openai/gpt-4o-mini"},'.repeat(2048));
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, listenHost, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake OpenRouter: no TCP address');
  const host = `${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${address.port}`;

  return {
    baseUrl: `${options.tls ? 'https' : 'http'}://${host}${API_PREFIX}`,
    host,
    requests,
    get connections() {
      return connections;
    },
    requestsTo: (route) => requests.filter((request) => request.route === route),
    get peakInFlight() {
      return peakInFlight;
    },
    get scenario() {
      return scenario;
    },
    setScenario(next) {
      scenario = copyScenario(next);
      peakInFlight = inFlight;
      releaseHeld();
    },
    async close() {
      releaseHeld();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Valid JSON that is not what the route documents. */
const WRONG_SHAPES: Record<FakeRoute, unknown> = {
  '/key': { data: { label: 'sk-or-v1-abc...123', usage: 0, is_free_tier: false } },
  '/auth/key': { data: { label: 'sk-or-v1-abc...123', usage: 0, is_free_tier: false } },
  '/models': { data: { models: [] } },
  '/models/user': { data: { models: [] } },
  '/models/{author}/{slug}/endpoints': { data: { id: 'openai/gpt-4o-mini', endpoints: [{ name: 'OpenAI', uptime_last_30m: '99' }] } },
  '/chat/completions': { id: 'gen-1', object: 'chat.completion', choices: [] },
  '/keys': { data: [{ hash: 'f01d5260', name: 'Production', disabled: false }] },
  '/credits': { data: { total_credits: '50', total_usage: 12.34 } },
};

/** The keys a management key lists when the scenario names none: every known inference key, with its limits. */
function defaultManagedKeys(keys: Record<string, Partial<FakeKeyData>>): FakeManagedKey[] {
  return Object.entries(keys)
    .filter(([, data]) => !(data.is_management_key ?? data.is_provisioning_key ?? false))
    .map(([apiKey, data]) => {
      const shared = fakeKeyData(apiKey, data);
      return fakeManagedKey(apiKey, {
        limit: shared.limit,
        limit_remaining: shared.limit_remaining,
        limit_reset: shared.limit_reset,
        usage: shared.usage,
        expires_at: shared.expires_at,
      });
    });
}

function sendError(res: ServerResponse, answer: FakeErrorAnswer): void {
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
  if (answer.rawBody !== undefined) {
    res.writeHead(answer.status, { ...headers, 'content-type': 'text/html' });
    res.end(answer.rawBody);
    return;
  }
  const message = answer.message ?? DEFAULT_ERROR_MESSAGES[answer.status] ?? `HTTP ${answer.status}`;
  if (answer.status === 429)
    Object.assign(headers, { 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Date.now() + 3_600_000) });
  if (answer.availability !== undefined) {
    // The availability shape from the errors page: error_type and http_status, no error.code.
    const retryAfter = typeof answer.retryAfter === 'number' ? answer.retryAfter : null;
    sendJson(
      res,
      answer.status,
      {
        error: {
          message,
          error_type: 'model_availability',
          http_status: answer.status,
          availability: {
            code: answer.availability,
            retryable: ['capacity_exhausted', 'temporarily_unavailable', 'model_unavailable_upstream'].includes(answer.availability),
            retry_after: retryAfter,
            requested_models: [],
            affected_providers: [],
            excluded_by: null,
            fallback_models: [],
            constraint: null,
            docs_url: 'https://openrouter.ai/docs/api-reference/errors-and-debugging',
          },
        },
      },
      headers,
    );
    return;
  }
  const metadata: Record<string, unknown> = { error_type: ERROR_TYPES[answer.status] ?? 'unmapped' };
  if (answer.status === 429) metadata.headers = { 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0' };
  sendJson(res, answer.status, { error: { code: answer.status, message, metadata }, user_id: 'user_2yQz8bN4kLmP0aRt' }, headers);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** `/models/{author}/{slug}/endpoints`, each part one path segment. */
const ENDPOINTS_PATH = /^\/models\/([^/]+)\/([^/]+)\/endpoints$/;

function routeOf(pathname: string): FakeRoute | undefined {
  if (!pathname.startsWith(`${API_PREFIX}/`)) return undefined;
  const rest = pathname.slice(API_PREFIX.length);
  if (ENDPOINTS_PATH.test(rest)) return '/models/{author}/{slug}/endpoints';
  return rest in ROUTES && !rest.includes('{') ? (rest as FakeRoute) : undefined;
}

function bearerOf(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer (.+)$/.exec(headers.authorization ?? '');
  return match?.[1];
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copyScenario(scenario: FakeScenario): FakeScenario {
  const faults: Partial<Record<FakeRoute, Fault[]>> = {};
  for (const [route, queue] of Object.entries(scenario.faults ?? {})) faults[route as FakeRoute] = [...(queue ?? [])];
  const copy: FakeScenario = { ...scenario, faults };
  if (scenario.answerInBatches) copy.answerInBatches = [...scenario.answerInBatches];
  return copy;
}
