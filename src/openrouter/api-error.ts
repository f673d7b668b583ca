import { STATUS_CODES } from 'node:http';
import { maskKeysIn } from '../workspace/secrets.js';
import { parseJsonAnswer } from './json-answer.js';

/**
 * Why a call to the OpenRouter API failed.
 * - `http`: OpenRouter (or something in front of it) answered with a non-2xx status.
 * - `timeout`: an attempt did not complete (connect, headers and whole body) within the time limit.
 * - `connection`: the connection could not be made or broke before the answer was complete.
 * - `malformed`: a 2xx answer that is not JSON, or not the shape the endpoint documents.
 * - `too-large`: the answer was bigger than the client accepts.
 * - `aborted`: the caller's signal fired or the client was closed; nothing went wrong remotely.
 * - `over-budget`: never sent: the run's budget of paid requests was spent (`attempts` is 0).
 */
export type ApiErrorKind = 'http' | 'timeout' | 'connection' | 'malformed' | 'too-large' | 'aborted' | 'over-budget';

export interface ApiError {
  kind: ApiErrorKind;
  /** The request, as messages show it: `GET`, `/models` (relative to the base URL, no query). */
  method: string;
  path: string;
  /** The HTTP status of the last answer, for `http` (and `malformed`, `too-large`). */
  status?: number;
  /** OpenRouter's `error.code` when the body had one (usually the status again). */
  code?: number | string;
  /**
   * For `http`: OpenRouter's `error.message`, else the start of the body, else the status text.
   * Otherwise a description of what went wrong. Never contains the API key.
   */
  message: string;
  /** OpenRouter's machine-readable reason when it gave one: `error.availability.code` or `error.metadata.error_type`. */
  errorType?: string;
  /** Requests made, retries included; 0 when none was (`over-budget`). */
  attempts: number;
  /** The last answer's `Retry-After` (or `error.availability.retry_after`), in seconds. */
  retryAfterSeconds?: number;
}

/** What every client call returns: the validated data, or why there is none. Never thrown. */
export type ApiResult<T> =
  | {
      ok: true;
      status: number;
      data: T;
      /** The endpoint that answered, relative to the base URL: `/key`, or `/auth/key` after the legacy fallback. */
      path: string;
      attempts: number;
      durationMs: number;
    }
  | { ok: false; error: ApiError };

const MAX_MESSAGE_LENGTH = 500;
const MAX_BODY_EXCERPT_LENGTH = 200;
/** How much of a non-JSON error page is read for its excerpt: the visible text starts early. */
const MAX_PAGE_SCANNED = 64 * 1024;

/**
 * One line for people:
 * `401 Unauthorized from GET /key: User not found.`,
 * `timed out after 10 s (3 attempts) on GET /models`,
 * `malformed answer from GET /key: not JSON`,
 * `POST /chat/completions not sent: the run's paid-request budget (10) is spent`.
 */
export function describeApiError(error: ApiError): string {
  const request = `${error.method} ${error.path}`;
  const tries = error.attempts > 1 ? ` (${error.attempts} attempts)` : '';
  let line: string;
  switch (error.kind) {
    case 'http': {
      const status = error.status === undefined ? 'error' : `${error.status} ${STATUS_CODES[error.status] ?? 'HTTP error'}`;
      const retryAfter = error.retryAfterSeconds === undefined ? '' : ` (retry after ${formatSeconds(error.retryAfterSeconds)})`;
      line = `${status} from ${request}${tries}: ${error.message}${retryAfter}`;
      break;
    }
    case 'malformed':
      line = `malformed answer from ${request}: ${error.message}`;
      break;
    case 'too-large':
      line = `answer from ${request} too large: ${error.message}`;
      break;
    case 'over-budget':
      line = `${request} not sent: ${error.message}`;
      break;
    default:
      line = `${error.message}${tries} on ${request}`;
  }
  return maskKeysIn(line);
}

/** `1500` → `1.5 s`, `300` → `300 ms`, `10000` → `10 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return formatSeconds(ms / 1000);
}

function formatSeconds(seconds: number): string {
  return `${Number(seconds.toFixed(1))} s`;
}

/** What OpenRouter said in a non-2xx answer, read defensively from whatever body came back. */
export interface ErrorBody {
  message: string;
  code?: number | string;
  errorType?: string;
  /** `error.availability.retry_after`, seconds. */
  retryAfterSeconds?: number;
  /** `error.availability.retryable === false`: OpenRouter says trying again will not help. */
  notRetryable?: boolean;
}

/**
 * Reads `{"error":{"code","message","metadata":{"error_type"}}}`, the availability variant
 * `{"error":{"message","error_type","http_status","availability":{code,retryable,retry_after}}}`
 * (which may lack `error.code`), a bare `{"message"}`, or a non-JSON body (an HTML page from a proxy).
 */
export function readErrorBody(status: number, text: string): ErrorBody {
  const statusText = STATUS_CODES[status] ?? 'HTTP error';
  const parsed = parseJsonAnswer(text);
  if (!parsed.ok) {
    // Tags out, in linear time: `<[^>]*>` is quadratic on a page of `<<<<…` (100 KB took 11 s).
    const excerpt = oneLine(text.slice(0, MAX_PAGE_SCANNED).replace(/<[^<>]*>/g, ' '), MAX_BODY_EXCERPT_LENGTH);
    return { message: excerpt || statusText };
  }
  const { json } = parsed;
  if (isRecord(json) && typeof json.error === 'string' && json.error.trim()) return { message: oneLine(json.error, MAX_MESSAGE_LENGTH) };
  const error = isRecord(json) && isRecord(json.error) ? json.error : isRecord(json) ? json : {};
  const availability = isRecord(error.availability) ? error.availability : {};
  const metadata = isRecord(error.metadata) ? error.metadata : {};
  const body: ErrorBody = {
    message: typeof error.message === 'string' && error.message.trim() ? oneLine(error.message, MAX_MESSAGE_LENGTH) : statusText,
  };
  if (typeof error.code === 'number' || typeof error.code === 'string') body.code = error.code;
  const errorType = [availability.code, metadata.error_type, error.error_type].find((value) => typeof value === 'string');
  if (typeof errorType === 'string') body.errorType = errorType;
  if (typeof availability.retry_after === 'number' && availability.retry_after >= 0) body.retryAfterSeconds = availability.retry_after;
  if (availability.retryable === false) body.notRetryable = true;
  return body;
}

/** Collapses whitespace (messages are one line) and cuts to `max` characters. */
export function oneLine(text: string, max: number = MAX_MESSAGE_LENGTH): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
