/**
 * The one place that talks HTTP: a small client for the OpenRouter endpoints the remote checks use.
 *
 * - Every call returns an `ApiResult` value; remote failures are never thrown.
 * - Every attempt has one time limit covering connect, headers and the whole body.
 * - 429, 5xx, timeouts and connection failures are retried with backoff, honouring `Retry-After`,
 *   waiting at most `MAX_TOTAL_RETRY_WAIT_MS` in all between the attempts of one call;
 *   a host name that does not exist (ENOTFOUND) and a TLS failure (untrusted certificate, a server
 *   that does not speak TLS) are not: they will be the same a second later.
 * - Answers larger than `maxResponseBytes` are refused, and redirects are never followed (the key
 *   must not travel to a host nobody configured).
 * - The key only goes over https, or plain http to a loopback host (tests).
 * - Behind HTTPS_PROXY (NO_PROXY honoured; see proxy.ts) requests go through the proxy's CONNECT
 *   tunnel, TLS end to end: the proxy sees the host and port, never the key. The same limits hold.
 * - No message the client produces contains the key, or a proxy's credentials.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import { STATUS_CODES } from 'node:http';
import { Agent, Pool, ProxyAgent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { baseUrlProblem as urlProblem } from '../config/base-url.js';
import { maskKey, maskKeysIn } from '../workspace/secrets.js';
import { formatDuration, oneLine, readErrorBody } from './api-error.js';
import type { ApiError, ApiErrorKind, ApiResult } from './api-error.js';
import { parseJsonAnswer } from './json-answer.js';
import { maskUrlCredentials, proxyFor } from './proxy.js';
import type { ProxyRoute } from './proxy.js';
import { backoffDelayMs, isRetryableStatus, MAX_RETRY_AFTER_MS, MAX_TOTAL_RETRY_WAIT_MS, parseRetryAfter } from './retry-policy.js';
import {
  validateCompletionResponse,
  validateCreditsResponse,
  validateEndpointsResponse,
  validateKeyResponse,
  validateKeysResponse,
  validateModelsResponse,
} from './responses.js';
import type { Completion, CompletionRequest, CreditsData, KeyData, ManagedKey, ModelEndpoints, ModelEntry, Validated } from './responses.js';

export { describeApiError } from './api-error.js';
export { isLoopbackHost } from './loopback.js';
export type { ApiError, ApiErrorKind, ApiResult } from './api-error.js';
export type {
  ChatMessage,
  Completion,
  CompletionChoice,
  CompletionRequest,
  CompletionUsage,
  CreditsData,
  KeyData,
  ManagedKey,
  ModelEndpoint,
  ModelEndpoints,
  ModelEntry,
  ModelReasoning,
} from './responses.js';
export { backoffDelayMs, MAX_TOTAL_RETRY_WAIT_MS, parseRetryAfter } from './retry-policy.js';

/** Sent as `HTTP-Referer`: OpenRouter attributes the calls to this tool, not to the audited app. */
export const HTTP_REFERER = 'https://github.com/openrouter-check/openrouter-check';
/** Sent as `X-OpenRouter-Title`. */
export const APP_TITLE = 'openrouter-check';
/** `/models?output_modalities=all` is a few MB; anything past this is refused, not buffered. */
export const DEFAULT_MAX_RESPONSE_BYTES = 20 * 1024 * 1024;
/** How long an idle keep-alive connection is kept for the next call. */
const KEEP_ALIVE_TIMEOUT_MS = 4_000;
/** Connections per origin: enough for the remote checks running side by side. */
const MAX_CONNECTIONS = 8;

/** The `User-Agent` every request sends: `openrouter-check/0.1.0`. */
export function userAgentFor(version: string): string {
  return `${APP_TITLE}/${version}`;
}

export interface OpenRouterClientOptions {
  /** `https://…`, or `http://` to localhost, 127.0.0.0/8 or [::1]. Usually `…/api/v1`. */
  baseUrl: string;
  apiKey: string;
  /** Per attempt: connect + headers + whole body. */
  timeoutMs: number;
  /** Retries after the first attempt (0 = one attempt only). */
  retries: number;
  /** Use `userAgentFor(version)`. */
  userAgent: string;
  /** Cancels every call of this client (e.g. the whole run). */
  signal?: AbortSignal;
  /** Waits between attempts; injectable so tests need not wait. Should reject or return early when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Default `DEFAULT_MAX_RESPONSE_BYTES`. */
  maxResponseBytes?: number;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY (and their lowercase forms) are read; default `process.env`. */
  proxyEnv?: Readonly<Record<string, string | undefined>>;
}

export interface CallOptions {
  /** Cancels this call (e.g. the check's own time limit). */
  signal?: AbortSignal;
  /**
   * Asked before every attempt, the first and each retry: undefined lets it be sent, a reason stops
   * the call (the run's paid-request budget is spent). Stopped before the first attempt, the call
   * ends as `over-budget`; before a retry, with the last attempt's error and why it was not retried.
   */
  beforeAttempt?: () => string | undefined;
}

export interface OpenRouterClient {
  /** `GET /key`, falling back to the legacy `GET /auth/key` when `/key` answers 404; `path` says which answered. */
  getKey(options?: CallOptions): Promise<ApiResult<KeyData>>;
  /** `GET /models?output_modalities=all`: every model, not only text-output ones. */
  listModels(options?: CallOptions): Promise<ApiResult<ModelEntry[]>>;
  /**
   * `GET /models/{author}/{slug}/endpoints`: the providers serving `modelId` (free, no billing).
   * Rejects with a TypeError (sending nothing) unless the id is `author/slug`.
   */
  listModelEndpoints(modelId: string, options?: CallOptions): Promise<ApiResult<ModelEndpoints>>;
  /** `GET /models/user`: the models this key's account may route to under its privacy and guardrail settings. */
  listUserModels(options?: CallOptions): Promise<ApiResult<ModelEntry[]>>;
  /**
   * `POST /chat/completions` with only `model`, `messages`, `max_tokens` and `reasoning`. Spends money: keep
   * `max_tokens` tiny. Rejects with a TypeError (sending nothing) unless it is a positive integer.
   * Like every call, a timed-out or dropped attempt is retried, so a completion may rarely be billed
   * twice; at a cap of a token or two that is negligible, and a check that only ever errors is worse.
   */
  createCompletion(body: CompletionRequest, options?: CallOptions): Promise<ApiResult<Completion>>;
  /** Ends all connections (in-flight calls end as `aborted`), so the process can exit. Idempotent. */
  close(): Promise<void>;
}

/**
 * The management endpoints (reference §5), called with a management key: a client of its own, so
 * the inference key and the management key never share headers.
 */
export interface ManagementClient {
  /** One page of `GET /keys?offset=N`: the account's most recent keys from the `offset`-th on, 100 a page, disabled ones left out. */
  listKeysPage(offset: number, options?: CallOptions): Promise<ApiResult<ManagedKey[]>>;
  /** `GET /credits`: credits bought and used by the whole account. */
  getCredits(options?: CallOptions): Promise<ApiResult<CreditsData>>;
  /** Ends all connections, like `OpenRouterClient.close()`. Idempotent. */
  close(): Promise<void>;
}

/**
 * A bad base URL, API key or setting handed to `createOpenRouterClient`. The only thing the client
 * throws: the configuration is checked before anything is sent, so this is a caller's or the
 * config's mistake. Config loaders can ask `baseUrlProblem()` first to report it as a value.
 * The message never contains the key.
 */
export class ClientConfigError extends Error {
  override name = 'ClientConfigError';

  /** `setting`: the environment variable at fault when it is not the key's (`HTTPS_PROXY`). */
  constructor(
    message: string,
    readonly setting?: string,
  ) {
    super(message);
  }
}

/** Why a base URL must not be used, or undefined if it is fine (the one rule: src/config/base-url.ts). The URL in the message is masked. */
export function baseUrlProblem(baseUrl: string): string | undefined {
  const problem = urlProblem(baseUrl);
  return problem === undefined ? undefined : `base URL ${maskKeysIn(baseUrl)} ${problem}`;
}

/** Checks the options (throwing `ClientConfigError`) and makes a client with its own keep-alive agent. */
export function createOpenRouterClient(options: OpenRouterClientOptions): OpenRouterClient {
  const problem = configProblem(options);
  if (problem) throw new ClientConfigError(maskKeysIn(problem));
  return new Client(options, proxyRouteOf(options));
}

/** Like `createOpenRouterClient`, with `apiKey` a management key; the same checks, limits and retries. */
export function createManagementClient(options: OpenRouterClientOptions): ManagementClient {
  const problem = configProblem(options);
  if (problem) throw new ClientConfigError(maskKeysIn(problem));
  return new Client(options, proxyRouteOf(options));
}

/** The proxy the base URL is reached through, if any; a proxy variable that cannot be used throws `ClientConfigError`. */
function proxyRouteOf({ baseUrl, proxyEnv = process.env }: OpenRouterClientOptions): ProxyRoute | undefined {
  const choice = proxyFor(new URL(baseUrl), proxyEnv);
  if (!choice.ok) throw new ClientConfigError(maskKeysIn(choice.problem), choice.variable);
  return choice.proxy;
}

function configProblem({ baseUrl, apiKey, userAgent, timeoutMs, retries, maxResponseBytes }: OpenRouterClientOptions): string | undefined {
  const urlProblem = baseUrlProblem(baseUrl);
  if (urlProblem) return urlProblem;
  if (!userAgent || /[\x00-\x1f\x7f]/.test(userAgent)) return 'the user agent must be a non-empty header value';
  if (!apiKey) return 'the API key is empty';
  // A stray newline from `$(cat key.txt)` would otherwise make undici throw with the header in the message.
  if (/[\s\x00-\x1f\x7f]/.test(apiKey)) return 'the API key contains whitespace or control characters';
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) return `timeoutMs must be a positive number, not ${timeoutMs}`;
  if (!(Number.isInteger(retries) && retries >= 0)) return `retries must be a whole number ≥ 0, not ${retries}`;
  if (maxResponseBytes !== undefined && !(Number.isInteger(maxResponseBytes) && maxResponseBytes > 0)) {
    return `maxResponseBytes must be a positive whole number, not ${maxResponseBytes}`;
  }
  return undefined;
}

type Method = 'GET' | 'POST';

/** One attempt's outcome before retry decisions: an answer (any status), or no answer. */
type Attempt =
  | { answered: true; status: number; headers: Dispatcher.ResponseData['headers']; text: string }
  | { answered: false; kind: Exclude<ApiErrorKind, 'http' | 'malformed'>; message: string; status?: number; final?: true };

/** Marks the per-attempt timer's abort, to tell it from the caller's. */
const ATTEMPT_TIMED_OUT = Symbol('attempt timed out');

class Client implements OpenRouterClient, ManagementClient {
  readonly #agent: Agent | ProxyAgent;
  readonly #proxy: ProxyRoute | undefined;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #headers: Record<string, string>;
  readonly #options: OpenRouterClientOptions;
  readonly #maxResponseBytes: number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborted by `close()`: ends sleeps and in-flight attempts. */
  readonly #closing = new AbortController();
  /** The agent's teardown, started by the first `close()`. */
  #destroyed: Promise<void> | undefined;

  constructor(options: OpenRouterClientOptions, proxy: ProxyRoute | undefined) {
    const url = new URL(options.baseUrl);
    this.#options = options;
    this.#proxy = proxy;
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    this.#headers = {
      authorization: `Bearer ${options.apiKey}`,
      'user-agent': options.userAgent,
      'http-referer': HTTP_REFERER,
      'x-openrouter-title': APP_TITLE,
      accept: 'application/json',
    };
    const limits = { keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, connections: MAX_CONNECTIONS, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs };
    const connect = { timeout: options.timeoutMs };
    // Through a proxy the same limits hold: connecting to it, its answer to the CONNECT (undici's default
    // waits 300 s), and the TLS handshake with the host inside the tunnel.
    this.#agent = proxy
      ? new ProxyAgent({
          ...limits,
          uri: proxy.url.href,
          proxyTls: connect,
          requestTls: connect,
          clientFactory: (proxyOrigin, proxyOptions) => new Pool(proxyOrigin, { ...proxyOptions, headersTimeout: options.timeoutMs }),
        })
      : new Agent({ ...limits, connect });
  }

  async getKey(options: CallOptions = {}): Promise<ApiResult<KeyData>> {
    const started = performance.now();
    const current = await this.#call('GET', '/key', undefined, options, validateKeyResponse);
    if (current.ok || current.error.kind !== 'http' || current.error.status !== 404) return current;
    const legacy = await this.#call('GET', '/auth/key', undefined, options, validateKeyResponse);
    const attempts = current.error.attempts + (legacy.ok ? legacy.attempts : legacy.error.attempts);
    if (!legacy.ok) return { ok: false, error: { ...legacy.error, attempts } };
    return { ...legacy, attempts, durationMs: Math.round(performance.now() - started) };
  }

  listModels(options: CallOptions = {}): Promise<ApiResult<ModelEntry[]>> {
    return this.#call('GET', '/models?output_modalities=all', undefined, options, validateModelsResponse);
  }

  async createCompletion(body: CompletionRequest, options: CallOptions = {}): Promise<ApiResult<Completion>> {
    // A caller's bug, not a remote failure: rejected rather than returned, and nothing is sent.
    if (!(Number.isInteger(body.max_tokens) && body.max_tokens > 0)) {
      throw new TypeError(`createCompletion needs max_tokens as a positive integer, not ${String(body.max_tokens)}`);
    }
    const { model, messages, max_tokens, reasoning } = body;
    const sent = reasoning === undefined ? { model, messages, max_tokens } : { model, messages, max_tokens, reasoning: { effort: reasoning.effort } };
    return this.#call('POST', '/chat/completions', sent, options, validateCompletionResponse);
  }

  listModelEndpoints(modelId: string, options: CallOptions = {}): Promise<ApiResult<ModelEndpoints>> {
    const parts = modelId.split('/');
    // A caller's bug, not a remote failure: an id from an audited repository never picks another path.
    if (parts.length !== 2 || parts.some((part) => !part || part === '.' || part === '..')) {
      return Promise.reject(new TypeError(`listModelEndpoints needs an author/slug model id, not ${JSON.stringify(modelId)}`));
    }
    const path = parts.map((part) => encodeURIComponent(part).replace(/%3A/gi, ':')).join('/');
    return this.#call('GET', `/models/${path}/endpoints`, undefined, options, validateEndpointsResponse);
  }

  listUserModels(options: CallOptions = {}): Promise<ApiResult<ModelEntry[]>> {
    return this.#call('GET', '/models/user', undefined, options, validateModelsResponse);
  }

  async listKeysPage(offset: number, options: CallOptions = {}): Promise<ApiResult<ManagedKey[]>> {
    // A caller's bug, not a remote failure: rejected, and nothing is sent.
    if (!(Number.isInteger(offset) && offset >= 0)) throw new TypeError(`listKeysPage needs offset as a whole number ≥ 0, not ${String(offset)}`);
    return this.#call('GET', offset === 0 ? '/keys' : `/keys?offset=${offset}`, undefined, options, validateKeysResponse);
  }

  getCredits(options: CallOptions = {}): Promise<ApiResult<CreditsData>> {
    return this.#call('GET', '/credits', undefined, options, validateCreditsResponse);
  }

  close(): Promise<void> {
    this.#closing.abort();
    return (this.#destroyed ??= this.#agent.destroy());
  }

  /** Sends with retries, then validates a 2xx answer's JSON into `T`. */
  async #call<T>(method: Method, pathAndQuery: string, body: unknown, options: CallOptions, validate: (json: unknown) => Validated<T>): Promise<ApiResult<T>> {
    const started = performance.now();
    const path = pathAndQuery.split('?', 1)[0]!;
    const signals = [this.#closing.signal, this.#options.signal, options.signal].filter((signal) => signal !== undefined);
    const fail = (error: Omit<ApiError, 'method' | 'path'>): ApiResult<T> => {
      const redacted: ApiError = { ...error, method, path, message: this.#redact(error.message) };
      if (typeof redacted.code === 'string') redacted.code = this.#redact(redacted.code);
      if (redacted.errorType !== undefined) redacted.errorType = this.#redact(redacted.errorType);
      return { ok: false, error: redacted };
    };

    // A call cancelled before it starts sends nothing: it is not asked for a slot.
    const notSent = abortMessage(signals, this.#closing.signal) ? undefined : options.beforeAttempt?.();
    if (notSent !== undefined) return fail({ kind: 'over-budget', message: notSent, attempts: 0 });
    let waitedMs = 0;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(method, pathAndQuery, body, signals);
      let error: Omit<ApiError, 'method' | 'path'>;
      let waitMs: number | undefined;

      if (outcome.answered && outcome.status >= 200 && outcome.status < 300) {
        const parsed = parseJsonAnswer(outcome.text);
        if (!parsed.ok) {
          const type = outcome.headers['content-type'];
          return fail({
            kind: 'malformed',
            status: outcome.status,
            message: `${parsed.problem}${type ? ` (content-type ${String(type)})` : ''}`,
            attempts: attempt,
          });
        }
        const validated = validate(parsed.json);
        if (!validated.ok) return fail({ kind: 'malformed', status: outcome.status, message: validated.problem, attempts: attempt });
        return { ok: true, status: outcome.status, data: validated.value, path, attempts: attempt, durationMs: Math.round(performance.now() - started) };
      }

      if (outcome.answered) {
        const said = readErrorBody(outcome.status, outcome.text);
        const location = outcome.headers.location;
        // Following a redirect could carry the key to a host nobody configured.
        if (outcome.status >= 300 && outcome.status < 400 && location) said.message = `redirected to ${String(location)}; redirects are not followed`;
        const headerWaitMs = parseRetryAfter(outcome.headers['retry-after']);
        const retryAfterMs = headerWaitMs ?? (said.retryAfterSeconds === undefined ? undefined : said.retryAfterSeconds * 1000);
        error = { kind: 'http', status: outcome.status, message: said.message, attempts: attempt };
        if (said.code !== undefined) error.code = said.code;
        if (said.errorType !== undefined) error.errorType = said.errorType;
        if (retryAfterMs !== undefined) error.retryAfterSeconds = Math.round(retryAfterMs / 100) / 10;
        if (!isRetryableStatus(outcome.status) || said.notRetryable) return fail(error);
        // A server asking for a longer pause than we are willing to wait gets its error reported now.
        if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) return fail(error);
        waitMs = retryAfterMs;
      } else {
        error = { kind: outcome.kind, message: outcome.message, attempts: attempt };
        if (outcome.status !== undefined) error.status = outcome.status;
        if ((outcome.kind !== 'timeout' && outcome.kind !== 'connection') || outcome.final) return fail(error);
      }

      if (attempt > this.#options.retries) return fail(error);
      const pauseMs = waitMs ?? backoffDelayMs(attempt);
      // A server that keeps asking for long pauses would otherwise hold the run for retries × 30 s.
      if (waitedMs + pauseMs > MAX_TOTAL_RETRY_WAIT_MS) return fail(error);
      // Asked before the pause: no point waiting for a retry that will not be sent.
      const notRetried = options.beforeAttempt?.();
      if (notRetried !== undefined) return fail({ ...error, message: `${error.message} (not retried: ${notRetried})` });
      waitedMs += pauseMs;
      const cancelled = await this.#pause(pauseMs, signals);
      if (cancelled) return fail({ kind: 'aborted', message: cancelled, attempts: attempt });
    }
  }

  /** Waits before the next attempt; returns why it was cut short, if it was. */
  async #pause(ms: number, signals: AbortSignal[]): Promise<string | undefined> {
    const controller = linkedController(signals);
    try {
      await this.#sleep(ms, controller.signal);
    } catch {
      // An aborted sleep rejects; the reason is read below.
    } finally {
      controller.unlink();
    }
    return abortMessage(signals, this.#closing.signal);
  }

  /** One request with its own time limit, the body read up to the size cap. */
  async #attempt(method: Method, pathAndQuery: string, body: unknown, signals: AbortSignal[]): Promise<Attempt> {
    const alreadyAborted = abortMessage(signals, this.#closing.signal);
    if (alreadyAborted) return { answered: false, kind: 'aborted', message: alreadyAborted };
    const controller = linkedController(signals);
    const timer = setTimeout(() => controller.abort(ATTEMPT_TIMED_OUT), this.#options.timeoutMs);
    const through = this.#proxy ? ` (through ${proxyName(this.#proxy)})` : '';
    const timedOut = (): Attempt => ({ answered: false, kind: 'timeout', message: `timed out after ${formatDuration(this.#options.timeoutMs)}${through}` });
    try {
      const sent = request(`${this.#origin}${this.#basePath}${pathAndQuery}`, {
        method,
        dispatcher: this.#agent,
        signal: controller.signal,
        headers: body === undefined ? this.#headers : { ...this.#headers, 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
      const response = await untilAborted(sent, controller.signal);
      const text = await readCapped(response, this.#maxResponseBytes);
      if (text === undefined) {
        return { answered: false, kind: 'too-large', status: response.statusCode, message: `more than ${formatBytes(this.#maxResponseBytes)}` };
      }
      return { answered: true, status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      if (controller.signal.reason === ATTEMPT_TIMED_OUT) return timedOut();
      const aborted = abortMessage(signals, this.#closing.signal);
      if (aborted) return { answered: false, kind: 'aborted', message: aborted };
      if (isUndiciTimeout(error)) return timedOut();
      const message = this.#proxy ? proxiedConnectionMessage(error, this.#origin, this.#proxy) : connectionMessage(error, this.#origin);
      const failure: Attempt = { answered: false, kind: 'connection', message };
      return isPermanentFailure(error) ? { ...failure, final: true } : failure;
    } finally {
      clearTimeout(timer);
      controller.unlink();
    }
  }

  /** Masks the key in any text that may have echoed it, whatever its format, and the credentials of any URL. */
  #redact(text: string): string {
    const { apiKey } = this.#options;
    const literal = apiKey.length >= 8 ? text.split(apiKey).join(maskKey(apiKey)) : text;
    return maskUrlCredentials(maskKeysIn(literal));
  }
}

/** The body as text, or undefined (and the connection dropped) once it passes `maxBytes`. */
async function readCapped(response: Dispatcher.ResponseData, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(response.body);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const bytes = chunk as Buffer;
    size += bytes.length;
    if (size > maxBytes) {
      discard(response.body);
      return undefined;
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `sent`, or a rejection with the abort's reason as soon as `signal` fires: undici acts on an abort
 * only once the request has a connection, and a proxy that never answers the CONNECT would hold the
 * attempt past its time limit. An answer that comes after that is dropped.
 */
function untilAborted(sent: Promise<Dispatcher.ResponseData>, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason);
      sent.then(
        (late) => discard(late.body),
        () => undefined,
      );
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    sent.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Drops the rest of a body and its connection; the abort error undici then emits is expected, not a crash. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

/** An AbortController that follows every given signal until `unlink()`. */
function linkedController(signals: AbortSignal[]): AbortController & { unlink(): void } {
  const controller = new AbortController();
  const follow = (): void => controller.abort();
  for (const signal of signals) {
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', follow, { once: true });
  }
  return Object.assign(controller, {
    unlink: () => {
      for (const signal of signals) signal.removeEventListener('abort', follow);
    },
  });
}

/** Why the call was cancelled, if one of its signals fired. */
function abortMessage(signals: AbortSignal[], closing: AbortSignal): string | undefined {
  if (closing.aborted) return 'cancelled: the client was closed';
  return signals.some((signal) => signal.aborted) ? 'cancelled' : undefined;
}

/** Certificate problems Node reports by these codes (OpenSSL's verify errors and Node's own host check). */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Failures that trying again cannot fix, so they are reported at once: DNS says the name does not
 * exist (NXDOMAIN; a resolver that could not answer, EAI_AGAIN, is retried), the certificate is not
 * trusted, the server does not speak TLS.
 */
function isPermanentFailure(error: unknown): boolean {
  const code = causeCode(error);
  // A proxy that refuses the tunnel (403 by policy, 407 without credentials) will refuse it again; a 5xx may pass.
  const tunnel = tunnelStatus(error);
  if (tunnel !== undefined) return tunnel < 500;
  return code === 'ENOTFOUND' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || (code !== undefined && CERTIFICATE_ERRORS.has(code));
}

/** The status a proxy answered a CONNECT with, when that is why the request failed (undici says it only in words). */
function tunnelStatus(error: unknown): number | undefined {
  const match = error instanceof Error ? /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/.exec(error.message) : null;
  return match ? Number(match[1]) : undefined;
}

/** `the HTTPS_PROXY proxy http://***@proxy.corp:3128`: which proxy, and where it was set. */
function proxyName(proxy: ProxyRoute): string {
  return `the ${proxy.variable} proxy ${proxy.shown}`;
}

/**
 * What broke behind a proxy: with a proxy, every connection is made to the proxy, so a refused or
 * unresolvable connection is the proxy's; what happens inside the tunnel is the host's, through it.
 */
function proxiedConnectionMessage(error: unknown, origin: string, proxy: ProxyRoute): string {
  const named = proxyName(proxy);
  const tunnel = tunnelStatus(error);
  if (tunnel !== undefined) {
    const { host, protocol } = new URL(origin);
    const target = /:\d+$/.test(host) ? host : `${host}:${protocol === 'https:' ? 443 : 80}`;
    // Written without a scheme: any URL's user and password are masked on the way out.
    const advice = tunnel === 407 ? `; put its user and password in ${proxy.variable}, as user:password@ before the host` : '';
    return `${named} refused the tunnel to ${target}: ${tunnel} ${STATUS_CODES[tunnel] ?? 'HTTP error'}${advice}`;
  }
  switch (causeCode(error)) {
    case 'ECONNREFUSED':
      return `connection refused by ${named}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host of ${named}`;
    default:
      return `${connectionMessage(error, origin)} (through ${named})`;
  }
}

/** The code of the first underlying error (undici wraps connection failures), else of the error itself. */
function causeCode(error: unknown): string | undefined {
  const cause = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  return errorCode(cause) ?? errorCode(error);
}

function isUndiciTimeout(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

/** What broke, for a person: `connection refused by http://127.0.0.1:9`. */
function connectionMessage(error: unknown, origin: string): string {
  const cause = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  const code = causeCode(error);
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${origin}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the host of ${origin}`;
    case 'ECONNRESET':
      return `connection reset by ${origin}`;
    case 'UND_ERR_SOCKET':
      return `connection closed by ${origin} before the answer was complete`;
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `${origin} does not speak TLS (a plain-http server on an https URL?)`;
    default: {
      if (code !== undefined && CERTIFICATE_ERRORS.has(code)) {
        // Usually a proxy that intercepts https: Node trusts its CA once NODE_EXTRA_CA_CERTS names it.
        return `the TLS certificate of ${origin} is not trusted (${code}); behind an intercepting proxy, set NODE_EXTRA_CA_CERTS to its CA certificate`;
      }
      const message = cause instanceof Error ? cause.message : String(cause);
      return oneLine(`connection to ${origin} failed: ${code ? `${code} ` : ''}${message}`);
    }
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
