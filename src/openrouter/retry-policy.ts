/** When a failed attempt is tried again, and how long to wait first. Pure functions, no I/O. */

/** The first backoff step; each retry doubles it. */
export const RETRY_BASE_DELAY_MS = 250;
/** No backoff step grows beyond this. */
export const RETRY_MAX_DELAY_MS = 8_000;
/** A `Retry-After` longer than this is not waited for: the attempt's error is returned instead. */
export const MAX_RETRY_AFTER_MS = 30_000;
/** All the waits between one call's attempts together: past this, the last error is returned instead. */
export const MAX_TOTAL_RETRY_WAIT_MS = 30_000;

/** 429 (rate limited) and every 5xx are worth another try; other statuses will answer the same again. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/**
 * The wait before retry number `retry` (1 for the first retry): exponential with "equal jitter",
 * i.e. between half and all of `min(cap, base × 2^(retry-1))`, so concurrent clients spread out
 * but every wait still grows.
 */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * A `Retry-After` header value in milliseconds: delay-seconds (`"2"`) or an HTTP date, which counts
 * from `now`. Undefined when absent or unreadable; a date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  // Date.parse accepts bare numbers and other odd forms; an HTTP date always names a weekday or month.
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, date - now);
}
