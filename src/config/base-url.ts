import { isLoopbackHost } from '../openrouter/loopback.js';
import type { RemoteTarget } from '../engine/report.js';
import { maskSecretsIn } from '../workspace/secrets.js';

/** Where the key goes unless the operator names another base URL. */
export const DEFAULT_BASE_URL = 'https://openrouter.ai/api/v1';

/**
 * Why the API key must not be sent to `raw`, as a phrase that follows the URL's name ("must use
 * https"), or undefined when it may: https, or plain http only to a loopback address, where the key
 * never leaves the machine. The one check of a base URL, whether it comes from a flag, the
 * environment, a config file or a caller of the client.
 */
export function baseUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `is not a valid URL (such as ${DEFAULT_BASE_URL})`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return undefined;
    return 'uses plain http; the API key is only sent over https (or http to localhost, 127.0.0.0/8, [::1])';
  }
  return 'must use https';
}

/** A valid base URL as requests use it: no surrounding spaces, no trailing slash. */
export function normalizeBaseUrl(raw: string): string {
  return raw.trim().replace(/\/+$/, '');
}

/** Where a valid base URL sends the key, as reports name it: its host, and the URL without any credentials in it. */
export function remoteTargetOf(baseUrl: string): RemoteTarget {
  const url = new URL(baseUrl);
  url.username = '';
  url.password = '';
  return { host: url.host, baseUrl: maskSecretsIn(normalizeBaseUrl(url.href)) };
}
