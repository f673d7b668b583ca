import { codeModelIds } from '../inventory/code-model-ids.js';
import { describeApiError } from '../openrouter/api-error.js';
import type { ApiResult } from '../openrouter/api-error.js';
import { ModelCatalogue, retirementOf } from '../openrouter/model-catalogue.js';
import { remoteOf } from '../openrouter/remote-api.js';
import type { RemoteApi } from '../openrouter/remote-api.js';
import type { ModelEndpoints, ModelEntry } from '../openrouter/responses.js';
import { apiFailure, CheckError } from './check-error.js';
import { paidRequestsSummary, probeModel, RAISE_PAID_REQUESTS } from './completion-probe.js';
import type { Check, Finding, Severity } from './types.js';
import { describePins, pinsAllow } from '../inventory/provider-pins.js';
import type { ProviderPins } from '../inventory/provider-pins.js';

/** Requests in flight at once: fast for a usual chain of 2–4, gentle on rate limits for a long one. */
const CONCURRENCY = 4;
/** The production checklist asks for at least this many fallbacks. */
const RECOMMENDED_FALLBACKS = 2;
/** `author/slug`, each part a plain path segment. */
const AUTHOR_SLUG = /^(?!\.\.?\/)[^/\s]+\/(?!\.\.?$)[^/\s]+$/;
/** Where an account's data policy is changed. */
const PRIVACY_SETTINGS = 'openrouter.ai/settings/privacy';

/** A fallback the app depends on, and where it is named. */
interface Fallback {
  id: string;
  /** `models.fallbacks`, or `in code at src/chat.ts:12:18`. */
  source: string;
  /** The providers the request that names it lets OpenRouter use (its `provider` options), when it pins any. */
  providerPins?: ProviderPins;
}

/** What the free checks (and the paid probe, when asked for) found about one fallback. */
interface Verdict {
  /** Definite problems: the fallback would fail in production. */
  problems: string[];
  /** Worth knowing, not failing: low uptime, a retirement date ahead. */
  warnings: string[];
  /** Could not tell (an answer that failed or made no sense): the check errors if nothing definite is found. */
  unknown: string[];
  /** `2 providers`, `answered in 310 ms, cost $0.0000018`, for the summary. */
  notes: string[];
  /** Not probed, the paid-request budget being spent. */
  notProbed?: string;
}

const check: Check = {
  id: 'fallback-reachability',
  title: 'Every fallback model is served and routable',
  category: 'availability',
  kind: 'remote',
  defaultSeverity: 'error',
  readsWorkspace: true,
  docs:
    "Fallbacks (the request's models array) only help if each one exists, is served by a provider and may be routed to under the " +
    "account's privacy settings. Checked for free through /models, /models/{id}/endpoints and /models/user; --probe-fallbacks also sends one paid completion per fallback.",
  options: {
    min_uptime: {
      type: 'number',
      description: 'warn when no provider of a fallback had this uptime (percent) over the last 30 minutes',
      default: 90,
      minimum: 0,
    },
    warn_days: { type: 'integer', description: 'warn when a fallback is retired within this many days', default: 30, minimum: 0 },
  },
  async run(ctx) {
    const remote = remoteOf(ctx);
    // With fallbacks configured, the two listings' round trip overlaps with parsing the code.
    const early = ctx.models.fallbacks.length > 0 ? Promise.all([remote.models(), remote.userModels()]) : undefined;
    const fallbacks = await fallbacksOf(ctx.models.fallbacks, ctx.workspace);
    if (fallbacks.length === 0) return { findings: [], skipReason: 'no fallbacks configured (models.fallbacks) or found in a models list in the code' };
    const [listed, routable] = await (early ?? Promise.all([remote.models(), remote.userModels()]));
    if (!listed.ok) throw apiFailure('cannot list the models', listed.error);
    if (!routable.ok) throw apiFailure('cannot list the models this account may route to', routable.error);
    const catalogue = new ModelCatalogue(listed.data);
    const accountCatalogue = new ModelCatalogue(routable.data);
    const judge = {
      remote,
      catalogue,
      accountCatalogue,
      minUptime: Number(ctx.options.min_uptime),
      warnDays: Number(ctx.options.warn_days),
      now: new Date(),
      signal: ctx.signal,
    };
    const judged = await mapConcurrently(fallbacks, CONCURRENCY, (fallback) => judgeFallback(fallback, judge));
    // Probes after every free check, in the config's order: the budget's slots go to the first fallbacks.
    const verdicts = await mapConcurrently(judged, CONCURRENCY, ({ verdict, probe }) => (probe ? withProbe(probe, verdict, judge) : Promise.resolve(verdict)));

    const problems = verdicts.flatMap((verdict) => verdict.problems);
    const unknown = verdicts.flatMap((verdict) => verdict.unknown);
    const paid = remote.probeFallbacks ? paidRequestsSummary(remote) : 'no paid request (--probe-fallbacks sends one per fallback)';
    // Past the run's paid-request budget: named, never dropped, as the check could not verify them.
    const notProbed = fallbacks.filter((_, index) => verdicts[index]!.notProbed !== undefined).map(({ id }) => id);
    const budgetSpent = verdicts.find((verdict) => verdict.notProbed !== undefined)?.notProbed;
    // Nothing definite went wrong, but some could not be told: the check cannot say they are fine.
    if (problems.length === 0 && unknown.length > 0) {
      const notProbedText = budgetSpent === undefined ? undefined : `${notProbed.length} not probed: ${budgetSpent}`;
      throw new CheckError([`could not check ${unknown.join('; ')}`, notProbedText, paid].filter(Boolean).join('; '));
    }
    const findings: Finding[] = [
      ...problems.map((message) => finding(message, ctx.severity)),
      ...unknown.map((message) => finding(`could not check ${message}`, 'warn')),
      ...verdicts.flatMap((verdict) => verdict.warnings).map((message) => finding(message, 'warn')),
    ];
    if (budgetSpent !== undefined) {
      findings.push(
        finding(
          `${notProbed.length} fallback${notProbed.length === 1 ? '' : 's'} not probed: ${notProbed.join(', ')}; ${budgetSpent}; ${RAISE_PAID_REQUESTS}`,
          'warn',
        ),
      );
    }
    const configured = new Set(ctx.models.fallbacks).size;
    if (configured > 0 && configured < RECOMMENDED_FALLBACKS) {
      findings.push(
        finding(
          `only ${configured} fallback configured: keep at least ${RECOMMENDED_FALLBACKS}, from different providers, so one outage cannot stop the app`,
          'warn',
        ),
      );
    }
    const healthy = fallbacks.flatMap((fallback, index) => {
      const verdict = verdicts[index]!;
      return verdict.problems.length === 0 && verdict.unknown.length === 0 ? [`${fallback.id} (${verdict.notes.join(', ')})`] : [];
    });
    const head = `${healthy.length} of ${fallbacks.length} fallback${fallbacks.length === 1 ? '' : 's'} served and routable`;
    return { findings, summary: [`${head}${healthy.length ? `: ${healthy.join('; ')}` : ''}`, paid].join('; ') };
  },
};

/** What judging a fallback needs, shared by all of them. */
interface Judge {
  remote: RemoteApi;
  catalogue: ModelCatalogue;
  accountCatalogue: ModelCatalogue;
  minUptime: number;
  warnDays: number;
  now: Date;
  signal: AbortSignal;
}

/** A fallback the free checks found nothing against, to probe when the operator asked for it. */
interface ProbeCandidate {
  id: string;
  /** Its `/models` entry, which says how to ask for reasoning. */
  model?: ModelEntry;
}

/** The free checks, in the order a request meets them; what passed them is a candidate for the paid probe. */
async function judgeFallback({ id, source, providerPins }: Fallback, judge: Judge): Promise<{ verdict: Verdict; probe?: ProbeCandidate }> {
  const verdict: Verdict = { problems: [], warnings: [], unknown: [], notes: [] };
  const named = `${id} (${source})`;
  // A preset or a router picks its models on OpenRouter's side: nothing here to look up for free.
  if (isPreset(id) || isRouter(id)) {
    verdict.notes.push(isPreset(id) ? 'a preset: its models are not looked up' : 'a router: OpenRouter picks the model');
    return { verdict, probe: { id } };
  }
  const model = judge.catalogue.find(id);
  if (!model) {
    const suggestions = judge.catalogue.suggestionsFor(id);
    verdict.problems.push(`${named} does not exist on OpenRouter${suggestions.length ? `; did you mean ${suggestions.join(' or ')}?` : ''}`);
    return { verdict };
  }
  const retirement = retirementOf(model, judge.warnDays, judge.now);
  if (retirement.state === 'past') verdict.problems.push(`${named} is deprecated: its expiration date ${retirement.date} has passed`);
  if (retirement.state === 'soon') verdict.warnings.push(`${named} is deprecated: OpenRouter may remove it after ${retirement.date}`);

  // The id comes from OpenRouter's answer: one that is no author/slug pair cannot name an endpoints page.
  if (!AUTHOR_SLUG.test(model.id)) {
    verdict.unknown.push(`${named}: GET /models lists it as ${JSON.stringify(model.id)}, which is no author/slug id`);
    return { verdict };
  }
  const endpoints = await judge.remote.modelEndpoints(model.id);
  const served = servedBy(named, endpoints, judge.minUptime, verdict, providerPins);
  if (!served) return { verdict };
  if (!judge.accountCatalogue.find(id)) {
    verdict.problems.push(
      `${named} is not routable for this account: GET /models/user leaves it out, so the account's privacy or guardrail settings block every provider serving it (${PRIVACY_SETTINGS})`,
    );
    return { verdict };
  }
  return verdict.problems.length > 0 ? { verdict } : { verdict, probe: { id, model } };
}

/** Reads the endpoints answer into `verdict`; true when at least one provider serves the model. */
function servedBy(named: string, answer: ApiResult<ModelEndpoints>, minUptime: number, verdict: Verdict, pins?: ProviderPins): boolean {
  if (!answer.ok) {
    if (answer.error.kind === 'http' && answer.error.status === 404)
      verdict.problems.push(`${named}: OpenRouter has no endpoints page for it (${describeApiError(answer.error)})`);
    else verdict.unknown.push(`${named}: ${describeApiError(answer.error)}`);
    return false;
  }
  const listed = answer.data.endpoints;
  if (listed.length === 0) {
    verdict.problems.push(`${named} is served by no provider: GET /models/{author}/{slug}/endpoints lists none, so every request to it fails`);
    return false;
  }
  // The request pins its providers: only those count.
  const endpoints = pins ? listed.filter((endpoint) => pinsAllow(pins, endpoint.provider_name, endpoint.tag)) : listed;
  if (endpoints.length === 0) {
    const servedBy = [...new Set(listed.map((endpoint) => endpoint.provider_name))].join(', ');
    verdict.problems.push(
      `${named} is served by no provider its request allows (${describePins(pins!)}): GET /models/{author}/{slug}/endpoints lists ${servedBy}, so every request to it fails`,
    );
    return false;
  }
  verdict.notes.push(`${endpoints.length} provider${endpoints.length === 1 ? '' : 's'}`);
  // Uptime is null with too little data to tell: only measured uptimes can warn.
  const uptimes = endpoints.flatMap((endpoint) => (typeof endpoint.uptime_last_30m === 'number' ? [endpoint.uptime_last_30m] : []));
  const best = uptimes.length > 0 ? Math.max(...uptimes) : undefined;
  if (best !== undefined && best < minUptime) {
    verdict.warnings.push(
      `${named} has low uptime: its best provider succeeded on ${formatPercent(best)} of requests over the last 30 minutes (below ${formatPercent(minUptime)})`,
    );
  }
  return true;
}

/** The paid probe, only under `--probe-fallbacks`. */
async function withProbe({ id, model }: ProbeCandidate, verdict: Verdict, judge: Judge): Promise<Verdict> {
  if (!judge.remote.probeFallbacks) return verdict;
  const probe = await probeModel(judge.remote, id, judge.signal, model);
  switch (probe.kind) {
    case 'answered':
      verdict.notes.push(probe.summary);
      break;
    case 'refused':
      verdict.problems.push(probe.message);
      break;
    case 'unreachable':
      verdict.unknown.push(probe.message);
      break;
    case 'not-probed':
      verdict.notProbed = probe.reason;
      break;
  }
  return verdict;
}

/** Configured fallbacks first, in the config's order, then those of the code's `models` lists, each once. */
async function fallbacksOf(configured: readonly string[], workspace: Parameters<typeof codeModelIds>[0]): Promise<Fallback[]> {
  const fallbacks = new Map<string, Fallback>();
  for (const id of configured) if (!fallbacks.has(id)) fallbacks.set(id, { id, source: 'models.fallbacks' });
  for (const use of await codeModelIds(workspace)) {
    if (use.inModelsList && !use.inTest && !fallbacks.has(use.id)) {
      const pinned = use.providerPins ? { providerPins: use.providerPins } : {};
      fallbacks.set(use.id, { id: use.id, source: `in code at ${use.file}:${use.line}:${use.column}`, ...pinned });
    }
  }
  return [...fallbacks.values()];
}

function isPreset(id: string): boolean {
  return id.startsWith('@preset/') || id.includes('@preset/');
}

function isRouter(id: string): boolean {
  return id.startsWith('openrouter/');
}

function finding(message: string, severity: Severity): Finding {
  return { message, severity };
}

function formatPercent(value: number): string {
  return `${Math.round(value * 10) / 10}%`;
}

/** `items.map(work)` with at most `limit` in flight, results in input order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export default check;
