import { describeApiError } from '../openrouter/api-error.js';
import type { ApiError } from '../openrouter/api-error.js';

/**
 * Thrown by a check that could not reach a verdict (the network is down, an answer is
 * malformed): its status becomes `error` with this message, shown as is.
 */
export class CheckError extends Error {
  override name = 'CheckError';
}

/** `cannot read the key: 503 Service Unavailable from GET /key (3 attempts): …` */
export function apiFailure(what: string, error: ApiError): CheckError {
  return new CheckError(`${what}: ${describeApiError(error)}`);
}
