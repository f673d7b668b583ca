import { ModelCatalogue } from '../openrouter/model-catalogue.js';
import { remoteOf } from '../openrouter/remote-api.js';
import { apiFailure, CheckError } from './check-error.js';
import { paidRequestsSummary, probeModel, RAISE_PAID_REQUESTS } from './completion-probe.js';
import type { ProbeVerdict } from './completion-probe.js';
import type { Check, Finding } from './types.js';

/** Probes in flight at once: fast for a usual chain of 2–4, gentle on rate limits for a long one. */
const PROBE_CONCURRENCY = 4;
/** The production checklist asks for at least this many fallbacks. */
const RECOMMENDED_FALLBACKS = 2;

const check: Check = {
  id: 'fallback-reachability',
  title: 'Every fallback model answers',
  category: 'availability',
  kind: 'remote',
  defaultSeverity: 'error',
  spendsCredits: true,
  docs:
    'Fallbacks (the request\'s models array) only help if each one exists and answers with this key. ' +
    'Each gets one 1-token completion; keep at least two fallbacks from different providers.',
  async run(ctx) {
    const fallbacks = [...new Set(ctx.models.fallbacks)];
    if (fallbacks.length === 0) return { findings: [], skipReason: 'no fallbacks configured (models.fallbacks)' };
    const remote = remoteOf(ctx);
    const listed = await remote.models();
    if (!listed.ok) throw apiFailure('cannot list the models', listed.error);
    const catalogue = new ModelCatalogue(listed.data);

    const verdicts = await mapConcurrently(fallbacks, PROBE_CONCURRENCY, (model): Promise<ProbeVerdict> =>
      catalogue.find(model)
        ? probeModel(remote, model, ctx.signal)
        : Promise.resolve({ kind: 'refused', message: `${model}: does not exist on OpenRouter` }),
    );
    // Past the run's paid-request budget: named, never dropped, as the check could not verify them.
    const notProbed = fallbacks.filter((_, index) => verdicts[index]!.kind === 'not-probed');
    const budgetSpent = verdicts.find((verdict) => verdict.kind === 'not-probed')?.reason;
    const notProbedSummary = budgetSpent === undefined ? undefined : `${notProbed.length} not probed: ${budgetSpent}`;
    const problems = verdicts.flatMap((verdict) => (verdict.kind === 'refused' || verdict.kind === 'unreachable' ? [verdict] : []));
    // Nothing definite went wrong, but some could not be tried: the check cannot tell.
    if (problems.length > 0 && problems.every((verdict) => verdict.kind === 'unreachable')) {
      const parts = [`could not reach ${problems.map((verdict) => verdict.message).join('; ')}`, notProbedSummary, paidRequestsSummary(remote)];
      throw new CheckError(parts.filter(Boolean).join('; '));
    }
    // In the config's order, like the fallback chain itself.
    const findings: Finding[] = problems.map((verdict) => ({ message: verdict.message, severity: ctx.severity }));
    if (budgetSpent !== undefined) {
      findings.push({
        message: `${notProbed.length} fallback${notProbed.length === 1 ? '' : 's'} not probed: ${notProbed.join(', ')}; ${budgetSpent}; ${RAISE_PAID_REQUESTS}`,
        severity: 'warn',
      });
    }
    if (fallbacks.length < RECOMMENDED_FALLBACKS) {
      findings.push({
        message: `only ${fallbacks.length} fallback configured: keep at least ${RECOMMENDED_FALLBACKS}, from different providers, so one outage cannot stop the app`,
        severity: 'warn',
      });
    }
    const answered = verdicts.flatMap((verdict) => (verdict.kind === 'answered' ? [verdict.summary] : []));
    const probed = fallbacks.filter((model, index) => catalogue.find(model) && verdicts[index]!.kind !== 'not-probed').length;
    const head =
      notProbedSummary === undefined
        ? `${answered.length} of ${fallbacks.length} fallbacks answered`
        : `${probed} of ${fallbacks.length} fallbacks probed, ${answered.length} answered`;
    const summary = [`${head}${answered.length ? `: ${answered.join('; ')}` : ''}`, notProbedSummary, paidRequestsSummary(remote)];
    return { findings, summary: summary.filter(Boolean).join('; ') };
  },
};

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
