/**
 * Which proxy, if any, the client's requests go through, decided once per client from the
 * environment the way undici's EnvHttpProxyAgent and curl read it:
 *
 * - an https base URL uses `https_proxy`/`HTTPS_PROXY`, else `http_proxy`/`HTTP_PROXY`; an http one
 *   `http_proxy`/`HTTP_PROXY`. Lowercase wins over uppercase; an empty value counts as unset.
 * - `no_proxy`/`NO_PROXY` lists hosts reached directly: comma- or space-separated, a leading `.` or
 *   `*.` matches the domain and its subdomains (so does a bare name), `host:port` only that port,
 *   `*` every host. No CIDR ranges.
 * - A loopback base URL (localhost, 127.0.0.0/8, [::1]) never goes through a proxy, whatever the
 *   variables say: it is on this machine, and plain http (allowed only to loopback) would hand the
 *   key to the proxy in the clear.
 *
 * The choice is made here rather than by EnvHttpProxyAgent so messages can name the proxy in use.
 */
import { isLoopbackHost } from './loopback.js';

/** The proxy a client's requests go through. */
export interface ProxyRoute {
  /** As undici takes it, credentials included: never shown. */
  url: URL;
  /** Where it came from, for messages: `HTTPS_PROXY`. */
  variable: string;
  /** The URL with any user and password masked: `http://***@proxy.corp:3128`. */
  shown: string;
}

export type ProxyChoice = { ok: true; proxy?: ProxyRoute } | { ok: false; variable: string; problem: string };

/** The environment variables read, lowercase first, for each protocol of the base URL. */
const PROXY_VARIABLES: Record<string, readonly string[]> = {
  'https:': ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'],
  'http:': ['http_proxy', 'HTTP_PROXY'],
};
const DEFAULT_PORTS: Record<string, number> = { 'https:': 443, 'http:': 80 };
/** How much of a bad proxy value a message quotes. */
const MAX_SHOWN_LENGTH = 80;

/** The proxy for requests to `target` (a base URL), or why the variable naming it cannot be used. */
export function proxyFor(target: URL, env: Readonly<Record<string, string | undefined>>): ProxyChoice {
  if (isLoopbackHost(target.hostname)) return { ok: true };
  const variable = (PROXY_VARIABLES[target.protocol] ?? []).find((name) => env[name]?.trim());
  if (variable === undefined) return { ok: true };
  const noProxy = [env.no_proxy, env.NO_PROXY].find((value) => value?.trim()) ?? '';
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
  if (bypasses(noProxy, target.hostname, port)) return { ok: true };

  const raw = env[variable]!.trim();
  // `proxy.corp:3128` without a scheme means http, as curl and Go read it.
  const withScheme = /^[a-z][a-z\d+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  const shownRaw = maskUrlCredentials(withScheme.length > MAX_SHOWN_LENGTH ? `${withScheme.slice(0, MAX_SHOWN_LENGTH)}…` : withScheme);
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, variable, problem: `${JSON.stringify(shownRaw)} is not a proxy URL: expected http://host:port` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      variable,
      problem: `${JSON.stringify(shownRaw)}: a ${url.protocol.slice(0, -1)} proxy is not supported, only http:// and https:// ones`,
    };
  }
  if (!url.hostname) return { ok: false, variable, problem: `${JSON.stringify(shownRaw)} names no proxy host: expected http://host:port` };
  const shown = `${url.protocol}//${url.username || url.password ? '***@' : ''}${url.host}`;
  return { ok: true, proxy: { url, variable, shown } };
}

/** Whether a `NO_PROXY` value sends requests to `hostname:port` directly. */
export function bypasses(noProxy: string, hostname: string, port: number): boolean {
  const host = unbracket(hostname.toLowerCase());
  for (const entry of noProxy.split(/[,\s]+/).filter(Boolean)) {
    if (entry === '*') return true;
    const { name, port: entryPort } = parseEntry(entry.toLowerCase());
    if (entryPort !== undefined && entryPort !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** `user:pass@` in any URL of `text` shown as `***@`, so no message carries a proxy's credentials. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z\d+.-]*:\/\/)[^\s/?#@]*@/gi, '$1***@');
}

/** `.example.com`, `*.example.com:8443`, `[::1]:443`, `::1` → the host (no brackets, no leading dot) and the port. */
function parseEntry(entry: string): { name: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, ...(bracketed[2] ? { port: Number(bracketed[2]) } : {}) };
  // A bare IPv6 address has colons of its own and no port.
  const withPort = entry.split(':').length === 2 ? /^(.+):(\d+)$/.exec(entry) : null;
  const name = (withPort ? withPort[1]! : entry).replace(/^\*?\./, '');
  return { name, ...(withPort ? { port: Number(withPort[2]) } : {}) };
}

function unbracket(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}
