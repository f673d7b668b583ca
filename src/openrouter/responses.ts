/**
 * The shapes of the answers the client hands on (reference: openrouter-api.md §1.2, §2.1, §3.2),
 * and validators that build them from parsed JSON. A validator returns the typed value, or the
 * first thing that was wrong, named by its path: `data.limit is missing`.
 * Fields the checks rely on are required; fields OpenRouter added later are optional (an older
 * or legacy endpoint may lack them). A field that is present with the wrong type is always a problem.
 */
import { isRecord } from './api-error.js';

/** `GET /key` (`/auth/key`) → `data`. Amounts are USD (1 credit = 1 USD). */
export interface KeyData {
  /** The masked key, e.g. `sk-or-v1-0e6...1c96`; treat as opaque. */
  label: string;
  /** Spending cap on this key; null = unlimited. */
  limit: number | null;
  /** Left under the cap; null = unlimited. */
  limit_remaining: number | null;
  /** `daily` | `weekly` | `monthly` | null (never resets). Absent when the endpoint predates it. */
  limit_reset?: string | null;
  include_byok_in_limit?: boolean;
  /** All time. */
  usage: number;
  usage_daily?: number;
  usage_weekly?: number;
  usage_monthly?: number;
  byok_usage?: number;
  byok_usage_daily?: number;
  byok_usage_weekly?: number;
  byok_usage_monthly?: number;
  /** Whether the account has never paid for credits (free-model daily cap 50 instead of 1000). */
  is_free_tier: boolean;
  /** `is_management_key`, else the deprecated `is_provisioning_key`, else false (older answers have neither). */
  is_management_key: boolean;
  creator_user_id?: string | null;
  /** ISO-8601 UTC; null = no expiry; absent when the endpoint predates it. */
  expires_at?: string | null;
}

/** One entry of `GET /models` → `data`. Only `id` is required; prices are USD per token, as strings. */
export interface ModelEntry {
  id: string;
  canonical_slug?: string;
  name?: string;
  context_length?: number | null;
  pricing?: { prompt: string; completion: string };
  top_provider?: { context_length?: number | null; max_completion_tokens?: number | null };
  supported_parameters?: string[];
  /** `YYYY-MM-DD` after which the model may be removed; null = not deprecated. */
  expiration_date?: string | null;
  /** How the model reasons (reference 2026 §1.2); absent for models that do not. */
  reasoning?: ModelReasoning;
}

/** `reasoning` of a `/models` entry. */
export interface ModelReasoning {
  /** True: reasoning cannot be turned off, and `effort: "none"` is rejected. */
  mandatory?: boolean;
  /** Highest effort first; null = every effort is accepted. */
  supported_efforts?: string[] | null;
  default_effort?: string | null;
}

/** One provider serving a model: an entry of `GET /models/{author}/{slug}/endpoints` → `data.endpoints`. */
export interface ModelEndpoint {
  provider_name: string;
  name?: string;
  tag?: string;
  /** Undocumented enum: 0 normal, negative degraded or disabled (reference 2026 §1.3). */
  status?: number | string | null;
  /** Percent of successful requests over the last 30 minutes; null = not enough data. */
  uptime_last_30m?: number | null;
  supported_parameters?: string[];
}

/** `GET /models/{author}/{slug}/endpoints` → `data`. */
export interface ModelEndpoints {
  id: string;
  endpoints: ModelEndpoint[];
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompletionRequest {
  model: string;
  messages: ChatMessage[];
  /** Required: this client never sends an uncapped request. */
  max_tokens: number;
  /** OpenRouter's unified reasoning setting: `none` turns it off; a mandatory reasoner gets its lowest effort. */
  reasoning?: { effort: string };
}

export interface CompletionChoice {
  index?: number;
  /** `stop`, `length`, `tool_calls`, `content_filter`, `error`; null if not given. */
  finish_reason: string | null;
  native_finish_reason?: string | null;
  message?: { role: string; content: string | null };
  /** Present when the model failed after OpenRouter had already answered 200. */
  error?: { code?: number | string; message: string };
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** USD (credits) charged. */
  cost?: number | null;
}

/** `POST /chat/completions` → the whole body. `model` is the model that actually answered. */
export interface Completion {
  id: string;
  model: string;
  choices: CompletionChoice[];
  usage?: CompletionUsage;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problem: string };

/** `{ data: KeyData }`. */
export function validateKeyResponse(json: unknown): Validated<KeyData> {
  return validate(() => {
    const data = required(asRecord(json, 'the answer'), 'data', 'the answer', object, 'data');
    const where = 'data';
    const managementFlag = optional(data, 'is_management_key', where, boolean) ?? optional(data, 'is_provisioning_key', where, boolean);
    const key: KeyData = {
      label: required(data, 'label', where, string),
      limit: required(data, 'limit', where, nullable(number)),
      limit_remaining: required(data, 'limit_remaining', where, nullable(number)),
      usage: required(data, 'usage', where, number),
      is_free_tier: required(data, 'is_free_tier', where, boolean),
      is_management_key: managementFlag ?? false,
    };
    assignDefined(key, {
      limit_reset: optional(data, 'limit_reset', where, nullable(string)),
      include_byok_in_limit: optional(data, 'include_byok_in_limit', where, boolean),
      usage_daily: optional(data, 'usage_daily', where, number),
      usage_weekly: optional(data, 'usage_weekly', where, number),
      usage_monthly: optional(data, 'usage_monthly', where, number),
      byok_usage: optional(data, 'byok_usage', where, number),
      byok_usage_daily: optional(data, 'byok_usage_daily', where, number),
      byok_usage_weekly: optional(data, 'byok_usage_weekly', where, number),
      byok_usage_monthly: optional(data, 'byok_usage_monthly', where, number),
      creator_user_id: optional(data, 'creator_user_id', where, nullable(string)),
      expires_at: optional(data, 'expires_at', where, nullable(string)),
    });
    return key;
  });
}

/** `{ data: ModelEntry[] }` (`total_count` and `links` are ignored). */
export function validateModelsResponse(json: unknown): Validated<ModelEntry[]> {
  return validate(() => {
    const data = required(asRecord(json, 'the answer'), 'data', 'the answer', array, 'data');
    return data.map((item, index) => {
      const where = `data[${index}]`;
      const entry = asRecord(item, where);
      const model: ModelEntry = { id: required(entry, 'id', where, string) };
      const named = `${where} (${model.id})`;
      const pricing = optional(entry, 'pricing', named, object);
      const topProvider = optional(entry, 'top_provider', named, object);
      assignDefined(model, {
        canonical_slug: optional(entry, 'canonical_slug', named, string),
        name: optional(entry, 'name', named, string),
        context_length: optional(entry, 'context_length', named, nullable(number)),
        pricing: pricing && {
          prompt: required(pricing, 'prompt', `${named}.pricing`, string),
          completion: required(pricing, 'completion', `${named}.pricing`, string),
        },
        top_provider:
          topProvider &&
          withoutUndefined({
            context_length: optional(topProvider, 'context_length', `${named}.top_provider`, nullable(number)),
            max_completion_tokens: optional(topProvider, 'max_completion_tokens', `${named}.top_provider`, nullable(number)),
          }),
        supported_parameters: optional(entry, 'supported_parameters', named, arrayOf(string)),
        expiration_date: optional(entry, 'expiration_date', named, nullable(string)),
        reasoning: reasoningOf(entry, named),
      });
      return model;
    });
  });
}

/** `reasoning` of a model entry; null (as some entries send) is the same as absent. */
function reasoningOf(entry: Record<string, unknown>, named: string): ModelReasoning | undefined {
  const reasoning = optional(entry, 'reasoning', named, nullable(object));
  if (!reasoning) return undefined;
  const where = `${named}.reasoning`;
  return withoutUndefined({
    mandatory: optional(reasoning, 'mandatory', where, nullable(boolean)) ?? undefined,
    supported_efforts: optional(reasoning, 'supported_efforts', where, nullable(arrayOf(string))),
    default_effort: optional(reasoning, 'default_effort', where, nullable(string)),
  });
}

/** `{ data: { id, endpoints: [...] } }`; only `provider_name` is required of an endpoint. */
export function validateEndpointsResponse(json: unknown): Validated<ModelEndpoints> {
  return validate(() => {
    const data = required(asRecord(json, 'the answer'), 'data', 'the answer', object, 'data');
    const endpoints = required(data, 'endpoints', 'data', array);
    return {
      id: required(data, 'id', 'data', string),
      endpoints: endpoints.map((item, index) => {
        const where = `data.endpoints[${index}]`;
        const entry = asRecord(item, where);
        const endpoint: ModelEndpoint = { provider_name: required(entry, 'provider_name', where, string) };
        assignDefined(endpoint, {
          name: optional(entry, 'name', where, string),
          tag: optional(entry, 'tag', where, string),
          status: optional(entry, 'status', where, nullable(numberOrString)),
          uptime_last_30m: optional(entry, 'uptime_last_30m', where, nullable(number)),
          supported_parameters: optional(entry, 'supported_parameters', where, arrayOf(string)),
        });
        return endpoint;
      }),
    };
  });
}

/** A chat completion: `model` a string and `choices` an array are what the checks rely on. */
export function validateCompletionResponse(json: unknown): Validated<Completion> {
  return validate(() => {
    const body = asRecord(json, 'the answer');
    const where = 'the answer';
    const completion: Completion = {
      id: required(body, 'id', where, string, 'id'),
      model: required(body, 'model', where, string, 'model'),
      choices: required(body, 'choices', where, array, 'choices').map((item, index) => choiceFrom(item, `choices[${index}]`)),
    };
    const usage = optional(body, 'usage', where, object, 'usage');
    if (usage) {
      completion.usage = {
        prompt_tokens: required(usage, 'prompt_tokens', 'usage', number),
        completion_tokens: required(usage, 'completion_tokens', 'usage', number),
        total_tokens: required(usage, 'total_tokens', 'usage', number),
      };
      assignDefined(completion.usage, { cost: optional(usage, 'cost', 'usage', nullable(number)) });
    }
    return completion;
  });
}

function choiceFrom(item: unknown, where: string): CompletionChoice {
  const entry = asRecord(item, where);
  const choice: CompletionChoice = { finish_reason: optional(entry, 'finish_reason', where, nullable(string)) ?? null };
  const message = optional(entry, 'message', where, object);
  const error = optional(entry, 'error', where, object);
  assignDefined(choice, {
    index: optional(entry, 'index', where, number),
    native_finish_reason: optional(entry, 'native_finish_reason', where, nullable(string)),
    message: message && {
      role: optional(message, 'role', `${where}.message`, string) ?? 'assistant',
      content: optional(message, 'content', `${where}.message`, nullable(string)) ?? null,
    },
    error: error && {
      ...withoutUndefined({ code: optional(error, 'code', `${where}.error`, numberOrString) }),
      message: optional(error, 'message', `${where}.error`, string) ?? 'no message',
    },
  });
  return choice;
}

/**
 * One entry of `GET /keys` → `data` (management key; reference §5.1). `hash` identifies the key,
 * `label` is the masked key as `/key` shows it, `name` is what its owner called it.
 * What the checks rely on (hash, label, created_at) is required; the rest is optional.
 */
export interface ManagedKey {
  hash: string;
  label: string;
  /** ISO-8601. */
  created_at: string;
  name?: string;
  disabled?: boolean;
  limit?: number | null;
  limit_remaining?: number | null;
  limit_reset?: string | null;
  include_byok_in_limit?: boolean;
  usage?: number;
  updated_at?: string | null;
  creator_user_id?: string | null;
  workspace_id?: string;
  expires_at?: string | null;
}

/** `GET /credits` → `data` (management key; reference §5.2). USD; the balance is `total_credits - total_usage`. */
export interface CreditsData {
  total_credits: number;
  total_usage: number;
}

/** `{ data: ManagedKey[] }`: one page of `GET /keys`. */
export function validateKeysResponse(json: unknown): Validated<ManagedKey[]> {
  return validate(() => {
    const data = required(asRecord(json, 'the answer'), 'data', 'the answer', array, 'data');
    return data.map((item, index) => {
      const where = `data[${index}]`;
      const entry = asRecord(item, where);
      const key: ManagedKey = {
        hash: required(entry, 'hash', where, string),
        label: required(entry, 'label', where, string),
        created_at: required(entry, 'created_at', where, string),
      };
      assignDefined(key, {
        name: optional(entry, 'name', where, string),
        disabled: optional(entry, 'disabled', where, boolean),
        limit: optional(entry, 'limit', where, nullable(number)),
        limit_remaining: optional(entry, 'limit_remaining', where, nullable(number)),
        limit_reset: optional(entry, 'limit_reset', where, nullable(string)),
        include_byok_in_limit: optional(entry, 'include_byok_in_limit', where, boolean),
        usage: optional(entry, 'usage', where, number),
        updated_at: optional(entry, 'updated_at', where, nullable(string)),
        creator_user_id: optional(entry, 'creator_user_id', where, nullable(string)),
        workspace_id: optional(entry, 'workspace_id', where, string),
        expires_at: optional(entry, 'expires_at', where, nullable(string)),
      });
      return key;
    });
  });
}

/** `{ data: { total_credits, total_usage } }`. */
export function validateCreditsResponse(json: unknown): Validated<CreditsData> {
  return validate(() => {
    const data = required(asRecord(json, 'the answer'), 'data', 'the answer', object, 'data');
    return {
      total_credits: required(data, 'total_credits', 'data', number),
      total_usage: required(data, 'total_usage', 'data', number),
    };
  });
}

// --- a small reader vocabulary ---------------------------------------------------------------

/** Thrown inside `validate` only, never out of this module. */
class ShapeProblem extends Error {}

interface Reader<T> {
  /** As messages say it: `a number`. */
  expected: string;
  accepts(value: unknown): value is T;
}

const string: Reader<string> = { expected: 'a string', accepts: (value): value is string => typeof value === 'string' };
const number: Reader<number> = {
  expected: 'a number',
  accepts: (value): value is number => typeof value === 'number' && Number.isFinite(value),
};
const boolean: Reader<boolean> = { expected: 'a boolean', accepts: (value): value is boolean => typeof value === 'boolean' };
const numberOrString: Reader<number | string> = {
  expected: 'a number or a string',
  accepts: (value): value is number | string => number.accepts(value) || string.accepts(value),
};
const object: Reader<Record<string, unknown>> = { expected: 'an object', accepts: isRecord };
const array: Reader<unknown[]> = { expected: 'an array', accepts: (value): value is unknown[] => Array.isArray(value) };

function nullable<T>(reader: Reader<T>): Reader<T | null> {
  return { expected: `${reader.expected} or null`, accepts: (value): value is T | null => value === null || reader.accepts(value) };
}

function arrayOf<T>(reader: Reader<T>): Reader<T[]> {
  return {
    expected: `an array of ${reader.expected.replace(/^an? /, '')}s`,
    accepts: (value): value is T[] => Array.isArray(value) && value.every((item) => reader.accepts(item)),
  };
}

function validate<T>(build: () => T): Validated<T> {
  try {
    return { ok: true, value: build() };
  } catch (error) {
    if (error instanceof ShapeProblem) return { ok: false, problem: error.message };
    throw error;
  }
}

/** `record[key]`, which must be present; `name` overrides the `where.key` path in messages. */
function required<T>(record: Record<string, unknown>, key: string, where: string, reader: Reader<T>, name = `${where}.${key}`): T {
  const value = record[key];
  if (value === undefined) throw new ShapeProblem(`${name} is missing`);
  return checked(value, reader, name);
}

/** `record[key]`, or undefined when absent (JSON has no undefined: absent and missing are the same). */
function optional<T>(record: Record<string, unknown>, key: string, where: string, reader: Reader<T>, name = `${where}.${key}`): T | undefined {
  const value = record[key];
  return value === undefined ? undefined : checked(value, reader, name);
}

function checked<T>(value: unknown, reader: Reader<T>, name: string): T {
  if (!reader.accepts(value)) throw new ShapeProblem(`${name} is not ${reader.expected} (got ${typeOf(value)})`);
  return value;
}

function asRecord(value: unknown, name: string): Record<string, unknown> {
  return checked(value, object, name);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' && value.length <= 40 ? JSON.stringify(value) : typeof value === 'string' ? 'a string' : String(value);
}

/** Copies the defined properties of `extra` onto `target`: optional fields stay absent, not `undefined`. */
function assignDefined<T extends object>(target: T, extra: Partial<T>): void {
  Object.assign(target, withoutUndefined(extra));
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
