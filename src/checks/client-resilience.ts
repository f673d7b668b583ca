import type { Check, Finding } from './types.js';
import { clientStyle } from '../inventory/client-styles.js';
import { findingAt, openRouterSites, requestCheckOutcome, unresolvedTarget } from '../inventory/questions.js';
import { requestInventory } from '../inventory/request-inventory.js';
import type { ClientSite, RequestSite } from '../inventory/request-site.js';

const messages = {
  clientNoTimeout: ({ constructor, clientStyle: style }: ClientSite) =>
    `${constructor} for OpenRouter sets no timeout, so a stalled request can hang for minutes; add ${clientStyle(style).timeoutFix}`,
  clientTimeoutUnknown: ({ constructor }: ClientSite, reason: string) => `cannot verify the timeout of ${constructor} for OpenRouter: ${reason}`,
  noRetries: ({ constructor }: ClientSite) =>
    `${constructor} for OpenRouter sets maxRetries: 0, so one 429 or 5xx fails the request; keep the default retries (2) or set more`,
  noSignal: (callee: string) => `${callee} to OpenRouter passes no signal, so a stalled request never times out; add signal: AbortSignal.timeout(60_000)`,
  requestNoTimeout: ({ callee, clientStyle: style }: RequestSite) => {
    const { library, withoutTimeout, timeoutFix } = clientStyle(style);
    return `${callee} to OpenRouter sets no timeout, and ${library} ${withoutTimeout ?? 'sets none'} on its own, so a stalled request ties up its caller; add ${timeoutFix}`;
  },
  requestTimeoutUnknown: ({ callee, clientStyle: style }: RequestSite, reason: string) =>
    `cannot verify the timeout of ${callee} (${clientStyle(style).name}) to OpenRouter: ${reason}`,
};

const check: Check = {
  id: 'client-resilience',
  title: 'OpenRouter clients time out and retry',
  category: 'reliability',
  kind: 'static',
  defaultSeverity: 'warn',
  docs:
    'The OpenAI SDK waits 10 minutes before giving up on a request, and fetch, axios and Python requests never do, so one stalled provider ties up a ' +
    'request handler for minutes; with maxRetries: 0 a single 429 or 5xx becomes a user-facing error. Set an explicit timeout on ' +
    'the client (timeout in the OpenAI SDK, timeoutMs in @openrouter/sdk), keep retries on, and pass signal: AbortSignal.timeout(ms) to fetch ' +
    '(timeout= to requests.post).',
  async run(ctx) {
    // Asked before any await: the inventory joins the workspace's shared passes.
    const inventory = await requestInventory(ctx.workspace);
    ctx.signal.throwIfAborted();
    const { requests, clients } = openRouterSites(inventory);
    const findings: Finding[] = [];
    const unresolved = (reach: 'openrouter' | 'unresolved', target: ClientSite['target']): string =>
      reach === 'unresolved' ? `; ${unresolvedTarget(target)}` : '';
    for (const { site: client, reach } of clients) {
      const through = inventory.requests.filter((request) => request.client === client);
      // Every request through the client bounding itself is as good as a client-wide timeout.
      const bounded = through.length > 0 && through.every((request) => request.timeout.kind === 'set');
      if (!bounded && client.timeout.kind === 'absent' && clientStyle(client.clientStyle).withoutTimeout) {
        findings.push(
          findingAt(client.location, messages.clientNoTimeout(client) + unresolved(reach, client.target), reach === 'unresolved' ? 'warn' : ctx.severity),
        );
      } else if (!bounded && client.timeout.kind === 'unknown') {
        findings.push(findingAt(client.location, messages.clientTimeoutUnknown(client, client.timeout.reason), 'warn'));
      }
      if (client.retriesOff.kind === 'set') findings.push(findingAt(client.retriesOff.at ?? client.location, messages.noRetries(client), ctx.severity));
    }
    for (const { site, reach } of requests) {
      // A request through a known client is judged at the client (above), unless it bounds itself.
      if (site.client || site.timeout.kind === 'set') continue;
      const style = clientStyle(site.clientStyle);
      if (site.timeout.kind === 'unknown' || style.throughClient) {
        const reason = site.timeout.kind === 'unknown' ? site.timeout.reason : 'its client is not built where the analysis can follow it';
        findings.push(findingAt(site.location, messages.requestTimeoutUnknown(site, reason), 'warn'));
        continue;
      }
      if (!style.withoutTimeout) continue;
      const severity = reach === 'unresolved' ? 'warn' : ctx.severity;
      const message = site.callee === 'fetch()' ? messages.noSignal(site.callee) : messages.requestNoTimeout(site);
      findings.push(findingAt(site.location, message + unresolved(reach, site.target), severity));
    }
    return requestCheckOutcome(inventory, findings, requests.length + clients.length > 0);
  },
};

export default check;
