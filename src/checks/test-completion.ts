import { codeModelIds } from '../inventory/code-model-ids.js';
import type { CodeModelId } from '../inventory/code-model-ids.js';
import { ModelCatalogue } from '../openrouter/model-catalogue.js';
import { remoteOf } from '../openrouter/remote-api.js';
import type { RemoteApi } from '../openrouter/remote-api.js';
import type { ModelEntry } from '../openrouter/responses.js';
import { CheckError } from './check-error.js';
import { paidRequestsSummary, probeModel, RAISE_PAID_REQUESTS } from './completion-probe.js';
import type { Check } from './types.js';

/** The model to probe, and where it came from when it was not configured. */
interface ProbeTarget {
  model: string;
  /** `the most used of the 2 models the code sends (3 places, first src/chat.ts:12:18)`, for a model taken from the code. */
  from?: string;
}

const check: Check = {
  id: 'test-completion',
  title: 'A test completion succeeds',
  category: 'availability',
  kind: 'remote',
  defaultSeverity: 'error',
  spendsCredits: true,
  readsWorkspace: true,
  docs:
    'One real request proves the key, the credits and the model work together end to end. ' +
    'It sends one short message capped at 16 tokens with reasoning off (a fraction of a cent); a 402 means the account or the key is out of credits.',
  options: {
    model: { type: 'string', description: 'the model to test (default: models.primary, else the model the code sends most)' },
  },
  async run(ctx) {
    const configured = typeof ctx.options.model === 'string' && ctx.options.model ? ctx.options.model : ctx.models.primary;
    const remote = remoteOf(ctx);
    const target: ProbeTarget | undefined = configured ? { model: configured } : mostUsed(await codeModelIds(ctx.workspace));
    if (!target) {
      return { findings: [], skipReason: 'no model to test: set models.primary or checks.test-completion.model (none was found in the code either)' };
    }
    const { model, from } = target;
    // Not asked in a cancelled run: the probe then ends as cancelled without a request.
    const listing = ctx.signal.aborted ? undefined : remote.models();
    const verdict = await probeModel(remote, model, ctx.signal, await catalogueEntry(listing, model));
    const paid = paidRequestsSummary(remote);
    const probed = from === undefined ? '' : `probed ${model}, ${from}; `;
    switch (verdict.kind) {
      case 'answered':
        return { findings: [], summary: `${probed}${verdict.summary}; ${paid}` };
      case 'refused':
        return { findings: [{ message: `${probed}${verdict.message}`, severity: ctx.severity }], summary: paid };
      case 'not-probed':
        return { findings: [{ message: `${model} not probed: ${verdict.reason}; ${RAISE_PAID_REQUESTS}`, severity: 'warn' }], summary: paid };
      case 'unreachable':
        throw new CheckError(`${probed}${verdict.message}`);
    }
  },
};

/**
 * The model's `/models` entry, which says whether its reasoning can be turned off. The listing is
 * shared with model-availability; when it fails, that check reports it and the probe goes without.
 */
async function catalogueEntry(listing: ReturnType<RemoteApi['models']> | undefined, model: string): Promise<ModelEntry | undefined> {
  const listed = await listing;
  return listed?.ok ? new ModelCatalogue(listed.data).find(model) : undefined;
}

/** The id the code writes in the most places (the first written on a tie), with where, for the message. */
function mostUsed(ids: readonly CodeModelId[]): ProbeTarget | undefined {
  const places = new Map<string, CodeModelId[]>();
  // Ids in test code are fixtures, not what production sends.
  for (const use of ids) if (!use.inTest) places.set(use.id, [...(places.get(use.id) ?? []), use]);
  let best: CodeModelId[] | undefined;
  for (const uses of places.values()) if (!best || uses.length > best.length) best = uses;
  if (!best) return undefined;
  const first = best[0]!;
  const where = `${first.file}:${first.line}:${first.column}`;
  const at = best.length === 1 ? where : `${best.length} places, first ${where}`;
  const which = places.size === 1 ? 'the model the code sends' : `the most used of the ${places.size} models the code sends`;
  return { model: first.id, from: `${which} (${at})` };
}

export default check;
