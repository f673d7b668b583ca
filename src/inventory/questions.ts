import type { CheckOutcome, Finding, Severity } from '../checks/types.js';
import type { ClientSite, RequestInventory, RequestSite, SiteLocation, SiteTarget } from './request-site.js';

/** The start of the skip reason of every request check on a project that sends nothing to OpenRouter. */
export const NO_OPENROUTER_REQUEST = 'no OpenRouter request found';

/** Whether any request or client of the project is known to reach OpenRouter. */
export function usesOpenRouter(inventory: RequestInventory): boolean {
  return [...inventory.requests, ...inventory.clients].some((site) => site.target.kind === 'openrouter');
}

/**
 * How a check treats a site: `openrouter` when it is known to go there; `unresolved` when the code does not show
 * where it goes in a project that uses OpenRouter (its findings are warnings saying so); otherwise not at all.
 */
export function reach(inventory: RequestInventory, target: SiteTarget): 'openrouter' | 'unresolved' | undefined {
  if (target.kind === 'openrouter') return 'openrouter';
  return target.kind === 'unknown' && usesOpenRouter(inventory) ? 'unresolved' : undefined;
}

/** The requests and clients a request check asks about, each with how sure it is that they reach OpenRouter. */
export function openRouterSites(inventory: RequestInventory): {
  requests: { site: RequestSite; reach: 'openrouter' | 'unresolved' }[];
  clients: { site: ClientSite; reach: 'openrouter' | 'unresolved' }[];
} {
  const pick = <T extends { target: SiteTarget }>(sites: readonly T[]): { site: T; reach: 'openrouter' | 'unresolved' }[] =>
    sites.flatMap((site) => {
      const how = reach(inventory, site.target);
      return how ? [{ site, reach: how }] : [];
    });
  return { requests: pick(inventory.requests), clients: pick(inventory.clients) };
}

/** The reason a request check skips: nothing it could ask about in the code it searched. */
export function noRequestReason(inventory: RequestInventory, what = 'OpenRouter request'): string {
  const files = inventory.codeFiles === 1 ? '1 file' : `${inventory.codeFiles} files`;
  return `no ${what} found in ${files}`;
}

/** A finding at a site's location. */
export function findingAt(location: SiteLocation, message: string, severity: Severity): Finding {
  return { message, severity, ...location };
}

/** Appended to a warning about a site whose target the code does not show. */
export function unresolvedTarget(target: SiteTarget): string {
  return `it may not reach OpenRouter (${target.decidedBy})`;
}

/**
 * A request check's outcome: its findings and the inventory's analysis failures in file and source order,
 * or a skip with the reason when the check had nothing to ask about.
 */
export function requestCheckOutcome(inventory: RequestInventory, findings: readonly Finding[], looked: boolean, skipReason?: string): CheckOutcome {
  const located = [...findings.map((finding) => ({ path: finding.file ?? '', finding })), ...inventory.failures];
  const all = located.sort((a, b) => (a.path === b.path ? byLocation(a.finding, b.finding) : a.path < b.path ? -1 : 1)).map(({ finding }) => finding);
  if (!looked && all.length === 0) return { findings: [], skipReason: skipReason ?? noRequestReason(inventory) };
  return { findings: all };
}

export function byLocation(a: Finding, b: Finding): number {
  const [fileA, fileB] = [a.file ?? '', b.file ?? ''];
  if (fileA !== fileB) return fileA < fileB ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}
