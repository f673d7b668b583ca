import type { CheckContext } from '../checks/types.js';
import type { OpenRouterClient } from './client.js';
import type { ApiResult } from './api-error.js';
import type { ManagementApi, ManagementSession } from './management-api.js';
import { DEFAULT_MAX_PAID_REQUESTS, PaidRequestBudget } from './paid-requests.js';
import type { PaidRequestReservation } from './paid-requests.js';
import type { Completion, KeyData, ModelEndpoints, ModelEntry } from './responses.js';

/** The prompt of every probe completion: short, and answerable in one token. */
export const PROBE_PROMPT = 'Reply with OK.';
/**
 * Probes spend at most this many output tokens: some providers refuse a `max_tokens` below 16 with a
 * 400 ("Expected a value >= 16"), which a healthy key must not fail on (reference 2026 §1.6).
 * `max_tokens` rather than `max_completion_tokens`: it is the one every provider honours, and which of
 * the two wins when both are sent is undocumented.
 */
export const PROBE_MAX_TOKENS = 16;

/** How a probe asks for reasoning: `none` turns it off; a model whose reasoning is mandatory gets its lowest effort. */
export interface ProbeOptions {
  reasoningEffort?: string;
}

/** How many paid requests a RemoteApi may make and has made. */
export interface PaidRequests {
  /** The run's budget: at most this many paid requests, every attempt counted, retries included. */
  readonly limit: number;
  /** Paid requests sent through this RemoteApi so far (a check's own, in a check's view), retries included. */
  readonly made: number;
}

/**
 * What remote checks see of OpenRouter. `key()` and `models()` are asked once per run and the
 * answer is shared, so five checks cost one `/key` and one `/models` request, not five of each.
 */
export interface RemoteApi {
  /** The environment variable the key came from, for messages: `OPENROUTER_API_KEY`. */
  keyEnv: string;
  /** `GET /key` (legacy `/auth/key` on 404), once per run. */
  key(): Promise<ApiResult<KeyData>>;
  /** `GET /models?output_modalities=all`, once per run. */
  models(): Promise<ApiResult<ModelEntry[]>>;
  /** `GET /models/{author}/{slug}/endpoints`, once per model id per run: free. */
  modelEndpoints(modelId: string): Promise<ApiResult<ModelEndpoints>>;
  /** `GET /models/user`, once per run: the models this account may route to. Free. */
  userModels(): Promise<ApiResult<ModelEntry[]>>;
  /**
   * A completion capped at `PROBE_MAX_TOKENS` to `model`: billable, so only checks marked
   * `spendsCredits` (or the fallbacks under `--probe-fallbacks`) call it. Each attempt takes a slot of
   * the run's paid-request budget; with none left it is not sent (`over-budget`), and a retry that
   * finds none left is not made.
   */
  probe(model: string, signal: AbortSignal, options?: ProbeOptions): Promise<ApiResult<Completion>>;
  paidRequests: PaidRequests;
  /** The operator asked for one paid probe per fallback (`--probe-fallbacks`); off by default, and under `--no-spend`. */
  probeFallbacks: boolean;
  /** The management API, when a management key was given (`OPENROUTER_MANAGEMENT_KEY`); its answers are shared too. */
  management?: ManagementApi;
}

/** A RemoteApi for one check that spends credits, with its first paid request set aside. */
export interface ReservedRemote {
  remote: RemoteApi;
  /** Gives the set-aside slot back if the check did not use it; call when the check ends. */
  release(): void;
}

/** A RemoteApi that owns its client: `close()` ends its connections so the process can exit. */
export interface RemoteSession extends RemoteApi {
  /**
   * A view for one check that spends credits whose first paid request is set aside now, before the
   * checks start, so checks probing alongside cannot spend it. Its `paidRequests.made` counts that
   * check's requests alone. Without a slot left, the view simply has none set aside.
   */
  reservePaidRequest(): ReservedRemote;
  close(): Promise<void>;
}

export interface RemoteSessionOptions {
  /** The run's paid-request budget; default `DEFAULT_MAX_PAID_REQUESTS`. */
  maxPaidRequests?: number;
  /** `--probe-fallbacks`: default false. */
  probeFallbacks?: boolean;
}

/** `management`, when given, is closed with the session. */
export function createRemoteSession(
  client: OpenRouterClient,
  keyEnv: string,
  management?: ManagementSession,
  { maxPaidRequests = DEFAULT_MAX_PAID_REQUESTS, probeFallbacks = false }: RemoteSessionOptions = {},
): RemoteSession {
  const budget = new PaidRequestBudget(maxPaidRequests);
  let key: Promise<ApiResult<KeyData>> | undefined;
  let models: Promise<ApiResult<ModelEntry[]>> | undefined;
  let userModels: Promise<ApiResult<ModelEntry[]>> | undefined;
  const endpoints = new Map<string, Promise<ApiResult<ModelEndpoints>>>();
  const shared: Omit<RemoteApi, 'probe' | 'paidRequests'> = {
    keyEnv,
    key: () => (key ??= client.getKey()),
    models: () => (models ??= client.listModels()),
    userModels: () => (userModels ??= client.listUserModels()),
    modelEndpoints: (modelId) => {
      let answer = endpoints.get(modelId);
      if (!answer) endpoints.set(modelId, (answer = client.listModelEndpoints(modelId)));
      return answer;
    },
    probeFallbacks,
  };
  if (management) shared.management = { keyEnv: management.keyEnv, keys: () => management.keys(), credits: () => management.credits() };

  /** The shared answers, with probes that take their slots from the budget (the first from `reservation`, when given) and count them. */
  const counting = (reservation?: PaidRequestReservation): RemoteApi => {
    let made = 0;
    let setAside = reservation;
    const beforeAttempt = (): string | undefined => {
      if (setAside) {
        setAside.take();
        setAside = undefined;
      } else if (!budget.take()) {
        return budget.spentReason;
      }
      made += 1;
      return undefined;
    };
    return {
      ...shared,
      probe: (model, signal, { reasoningEffort } = {}) =>
        client.createCompletion(
          {
            model,
            messages: [{ role: 'user', content: PROBE_PROMPT }],
            max_tokens: PROBE_MAX_TOKENS,
            ...(reasoningEffort === undefined ? {} : { reasoning: { effort: reasoningEffort } }),
          },
          { signal, beforeAttempt },
        ),
      paidRequests: {
        limit: budget.limit,
        get made() {
          return made;
        },
      },
    };
  };

  return {
    ...counting(),
    reservePaidRequest: () => {
      const reservation = budget.reserve();
      return { remote: counting(reservation), release: () => reservation?.release() };
    },
    close: async () => {
      await Promise.all([client.close(), management?.close()]);
    },
  };
}

/** The remote API of a remote check's context; its absence is a bug in the runner, not the user's. */
export function remoteOf(ctx: CheckContext): RemoteApi {
  if (!ctx.remote) throw new Error('a remote check ran without an API key');
  return ctx.remote;
}
