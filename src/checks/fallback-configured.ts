import type { Check, Finding } from './types.js';
import { clientStyle } from '../inventory/client-styles.js';
import { findingAt, openRouterSites, requestCheckOutcome, unresolvedTarget } from '../inventory/questions.js';
import { requestInventory } from '../inventory/request-inventory.js';
import type { RequestSite } from '../inventory/request-site.js';

const messages = {
  noFallback: ({ callee, clientStyle: style }: RequestSite) =>
    `${callee} (${clientStyle(style).name}) names no fallback models, so an outage or rate limit of its one model fails the request; add ${clientStyle(style).fallbackFix}`,
  unknown: ({ callee, clientStyle: style }: RequestSite, reason: string) =>
    `cannot verify the fallback models of ${callee} (${clientStyle(style).name}): ${reason}`,
};

const check: Check = {
  id: 'fallback-configured',
  title: 'Completion requests name fallback models',
  category: 'reliability',
  kind: 'static',
  defaultSeverity: 'warn',
  docs:
    'A request for a single model fails whenever that model is down, rate-limited or rejects the prompt; with a `models` list ' +
    'OpenRouter tries the next model instead. Send `models: [primary, fallback…]` in the request body (or set `provider.allow_fallbacks` ' +
    'deliberately), or list the fallbacks under `models.fallbacks` in .openrouter-check.yml when the app reads them from its config.',
  async run(ctx) {
    // Asked before any await, even when the config answers: the inventory joins the workspace's shared passes now or never.
    const built = requestInventory(ctx.workspace);
    // The app takes its fallbacks from the config this audit reads too: requests built from it are covered.
    if (ctx.models.fallbacks.length > 0) {
      return { findings: [], summary: `fallbacks come from the config (models.fallbacks: ${ctx.models.fallbacks.join(', ')})` };
    }
    const inventory = await built;
    ctx.signal.throwIfAborted();
    const { requests } = openRouterSites(inventory);
    const findings: Finding[] = [];
    for (const { site, reach } of requests) {
      if (site.fallbacks.kind === 'set') continue;
      if (site.fallbacks.kind === 'unknown') {
        findings.push(findingAt(site.location, messages.unknown(site, site.fallbacks.reason), 'warn'));
        continue;
      }
      const unresolved = reach === 'unresolved' ? `; ${unresolvedTarget(site.target)}` : '';
      findings.push(findingAt(site.location, messages.noFallback(site) + unresolved, reach === 'unresolved' ? 'warn' : ctx.severity));
    }
    return requestCheckOutcome(inventory, findings, requests.length > 0);
  },
};

export default check;
