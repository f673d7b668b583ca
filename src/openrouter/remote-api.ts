import type { CheckContext } from '../checks/types.js';
import type { OpenRouterClient } from './client.js';
import type { ApiResult } from './api-error.js';
import type { ManagementApi, ManagementSession } from './management-api.js';
import type { Completion, KeyData, ModelEntry } from './responses.js';

/** The prompt of every probe completion: short, and answerable in one token. */
export const PROBE_PROMPT = 'Reply with OK.';
/** Probes spend at most this many output tokens (DESIGN.md: checks that spend money cap output at 1 token). */
export const PROBE_MAX_TOKENS = 1;

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
  /** A 1-token completion to `model`: billable, so only checks marked `spendsCredits` call it. */
  probe(model: string, signal: AbortSignal): Promise<ApiResult<Completion>>;
  /** The management API, when a management key was given (`OPENROUTER_MANAGEMENT_KEY`); its answers are shared too. */
  management?: ManagementApi;
}

/** A RemoteApi that owns its client: `close()` ends its connections so the process can exit. */
export interface RemoteSession extends RemoteApi {
  close(): Promise<void>;
}

/** `management`, when given, is closed with the session. */
export function createRemoteSession(client: OpenRouterClient, keyEnv: string, management?: ManagementSession): RemoteSession {
  let key: Promise<ApiResult<KeyData>> | undefined;
  let models: Promise<ApiResult<ModelEntry[]>> | undefined;
  const session: RemoteSession = {
    keyEnv,
    key: () => (key ??= client.getKey()),
    models: () => (models ??= client.listModels()),
    probe: (model, signal) =>
      client.createCompletion({ model, messages: [{ role: 'user', content: PROBE_PROMPT }], max_tokens: PROBE_MAX_TOKENS }, { signal }),
    close: async () => {
      await Promise.all([client.close(), management?.close()]);
    },
  };
  if (management) session.management = { keyEnv: management.keyEnv, keys: () => management.keys(), credits: () => management.credits() };
  return session;
}

/** The remote API of a remote check's context; its absence is a bug in the runner, not the user's. */
export function remoteOf(ctx: CheckContext): RemoteApi {
  if (!ctx.remote) throw new Error('a remote check ran without an API key');
  return ctx.remote;
}
