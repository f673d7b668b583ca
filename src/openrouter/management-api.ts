/**
 * What remote checks see of the management API (reference §5): the account's keys and its credit
 * balance, read with a management key from `OPENROUTER_MANAGEMENT_KEY`. Like `key()` and `models()`,
 * each is asked once per run and the answer shared between checks.
 */
import { describeApiError } from './api-error.js';
import type { ApiError, ApiResult } from './api-error.js';
import type { ManagementClient } from './client.js';
import type { CreditsData, KeyData, ManagedKey } from './responses.js';

/** Where the CLI reads the management key from. Never a flag, like the API key. */
export const MANAGEMENT_KEY_ENV = 'OPENROUTER_MANAGEMENT_KEY';
/** `GET /keys` answers "the most recent 100 API keys" a page (reference §5.1). */
export const KEYS_PAGE_SIZE = 100;
/** Pages followed at most: 2,000 keys is far more than an app's account holds; past it the list is reported incomplete. */
export const DEFAULT_MAX_KEY_PAGES = 20;
/** Where management keys are made, for messages. */
export const MANAGEMENT_KEYS_URL = 'openrouter.ai/settings/management-keys';

/** The account's keys as `GET /keys` lists them (enabled ones), and whether the page cap cut the list short. */
export interface KeyInventory {
  keys: ManagedKey[];
  /** False when `maxPages` full pages came back and more may follow. */
  complete: boolean;
}

export interface ManagementApi {
  /** The environment variable the management key came from, for messages: `OPENROUTER_MANAGEMENT_KEY`. */
  keyEnv: string;
  /** Every page of `GET /keys`, once per run. */
  keys(): Promise<ApiResult<KeyInventory>>;
  /** `GET /credits`, once per run. */
  credits(): Promise<ApiResult<CreditsData>>;
}

/** A ManagementApi that owns its client. */
export interface ManagementSession extends ManagementApi {
  close(): Promise<void>;
}

export interface ManagementSessionOptions {
  /** Default `DEFAULT_MAX_KEY_PAGES`. */
  maxPages?: number;
}

export function createManagementSession(
  client: ManagementClient,
  keyEnv: string = MANAGEMENT_KEY_ENV,
  { maxPages = DEFAULT_MAX_KEY_PAGES }: ManagementSessionOptions = {},
): ManagementSession {
  let keys: Promise<ApiResult<KeyInventory>> | undefined;
  let credits: Promise<ApiResult<CreditsData>> | undefined;
  return {
    keyEnv,
    keys: () => (keys ??= listAllKeys(client, maxPages)),
    credits: () => (credits ??= client.getCredits()),
    close: () => client.close(),
  };
}

/** Follows `GET /keys?offset=` page by page until a short page, or `maxPages`; the first failure is the answer. */
export async function listAllKeys(client: ManagementClient, maxPages: number = DEFAULT_MAX_KEY_PAGES): Promise<ApiResult<KeyInventory>> {
  const started = performance.now();
  const byHash = new Map<string, ManagedKey>();
  let attempts = 0;
  let offset = 0;
  for (let page = 1; ; page++) {
    const answer = await client.listKeysPage(offset);
    if (!answer.ok) return { ok: false, error: { ...answer.error, attempts: attempts + answer.error.attempts } };
    attempts += answer.attempts;
    // A server that ignored `offset` would send the same page again: the hash keeps each key once.
    for (const key of answer.data) if (!byHash.has(key.hash)) byHash.set(key.hash, key);
    const last = answer.data.length < KEYS_PAGE_SIZE;
    if (last || page >= maxPages) {
      const data: KeyInventory = { keys: [...byHash.values()], complete: last };
      return { ok: true, status: answer.status, data, path: answer.path, attempts, durationMs: Math.round(performance.now() - started) };
    }
    offset += answer.data.length;
  }
}

/** 401 or 403: the key in `OPENROUTER_MANAGEMENT_KEY` is unknown, or an inference key (the reference reports 403 on /credits, 401 or 403 on /keys). */
export function isRefusedManagementKey(error: ApiError): boolean {
  return error.kind === 'http' && (error.status === 401 || error.status === 403);
}

/**
 * `cannot list the account's keys: the key in OPENROUTER_MANAGEMENT_KEY was refused (403 Forbidden from GET /keys: …);
 * it must be a management key, from openrouter.ai/settings/management-keys`, or the plain API error.
 */
export function describeManagementFailure(what: string, error: ApiError, keyEnv: string): string {
  if (isRefusedManagementKey(error)) {
    return `${what}: the key in ${keyEnv} was refused (${describeApiError(error)}); it must be a management key, from ${MANAGEMENT_KEYS_URL}`;
  }
  return `${what}: ${describeApiError(error)}`;
}

/** The audited key among the account's: one entry, none, or several that cannot be told apart. */
export type AuditedKeyMatch = { kind: 'found'; key: ManagedKey } | { kind: 'not-found' } | { kind: 'ambiguous'; count: number };

/**
 * Finds the key `/key` describes among `/keys`. `/key` has no hash, so the masked `label` (e.g.
 * `sk-or-v1-0e6...1c96`, the same on both endpoints) is the link; when labels collide, the fields both
 * answers carry and that do not change with use (limit, reset, expiry, creator) narrow it down.
 */
export function findAuditedKey(audited: KeyData, keys: readonly ManagedKey[]): AuditedKeyMatch {
  let candidates = keys.filter((key) => key.label === audited.label);
  if (candidates.length > 1) candidates = narrowed(candidates, (key) => key.disabled !== true);
  const comparable = [
    (key: ManagedKey) => key.limit === undefined || key.limit === audited.limit,
    (key: ManagedKey) => key.limit_reset === undefined || audited.limit_reset === undefined || key.limit_reset === audited.limit_reset,
    (key: ManagedKey) => key.expires_at === undefined || audited.expires_at === undefined || key.expires_at === audited.expires_at,
    (key: ManagedKey) => key.creator_user_id === undefined || audited.creator_user_id === undefined || key.creator_user_id === audited.creator_user_id,
  ];
  for (const same of comparable) if (candidates.length > 1) candidates = narrowed(candidates, same);
  if (candidates.length === 1) return { kind: 'found', key: candidates[0]! };
  return candidates.length === 0 ? { kind: 'not-found' } : { kind: 'ambiguous', count: candidates.length };
}

/** The candidates that pass `test`, unless none does (then the test says nothing). */
function narrowed(candidates: ManagedKey[], test: (key: ManagedKey) => boolean): ManagedKey[] {
  const passing = candidates.filter(test);
  return passing.length > 0 ? passing : candidates;
}
