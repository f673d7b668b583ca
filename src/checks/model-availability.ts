import { codeModelIds } from '../analysis/code-model-ids.js';
import { ModelCatalogue, retirementOf } from '../openrouter/model-catalogue.js';
import { remoteOf } from '../openrouter/remote-api.js';
import { apiFailure } from './check-error.js';
import type { ModelsConfig } from '../config.js';
import type { Check, Finding, Severity } from './types.js';

/** How many ids the summary names before it just counts. */
const NAMED_IN_SUMMARY = 6;

/** A model id the app depends on, and where: a config key, or a place in the code. */
interface ModelUse {
  id: string;
  /** `models.primary`, or `used in code`. */
  source: string;
  location?: { file: string; line: number; column: number; snippet: string };
}

const check: Check = {
  id: 'model-availability',
  title: 'The models the app uses exist',
  category: 'availability',
  kind: 'remote',
  defaultSeverity: 'error',
  readsWorkspace: true,
  docs:
    'A model id OpenRouter does not know fails every request with 400, and a deprecated one stops working on its expiration date. ' +
    'Fix the id (ids are case-sensitive, e.g. anthropic/claude-3.5-sonnet) or move to a current model before the date.',
  options: {
    warn_days: { type: 'integer', description: 'warn when a model is retired within this many days', default: 30, minimum: 0 },
  },
  async run(ctx) {
    const remote = remoteOf(ctx);
    const configured = modelsInConfig(ctx.models);
    // With models configured, the catalogue's round trip overlaps with parsing the code.
    const earlyListing = configured.length > 0 ? remote.models() : undefined;
    const inCode = await codeModelIds(ctx.workspace);
    // Whether the id sat in a models list is fallback-reachability's concern, not a finding's field.
    const uses: ModelUse[] = [...configured, ...inCode.map(({ id, inModelsList: _inList, ...location }) => ({ id, source: 'used in code', location }))];
    if (uses.length === 0) {
      return { findings: [], skipReason: 'no models configured (models.primary, models.fallbacks, models.required) or found in the code' };
    }
    const answer = await (earlyListing ?? remote.models());
    if (!answer.ok) throw apiFailure('cannot list the models', answer.error);
    const catalogue = new ModelCatalogue(answer.data);
    const now = new Date();
    const findings = uses.flatMap((use) => problemsOf(use, catalogue, Number(ctx.options.warn_days), now, ctx.severity));
    const ids = [...new Set(uses.map(({ id }) => id))];
    const named = ids.length > NAMED_IN_SUMMARY ? `${ids.slice(0, NAMED_IN_SUMMARY).join(', ')}, …` : ids.join(', ');
    return { findings, summary: `${ids.length} model${ids.length === 1 ? '' : 's'} checked against ${answer.data.length} listed: ${named}` };
  },
};

function problemsOf(use: ModelUse, catalogue: ModelCatalogue, warnDays: number, now: Date, severity: Severity): Finding[] {
  const { id, source, location } = use;
  const at = (message: string, level: Severity): Finding => ({ message, severity: level, ...location });
  const model = catalogue.find(id);
  if (!model) {
    const suggestions = catalogue.suggestionsFor(id);
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(' or ')}?` : '';
    return [at(`${id} (${source}) does not exist on OpenRouter${hint}`, severity)];
  }
  const retirement = retirementOf(model, warnDays, now);
  if (retirement.state === 'past') return [at(`${id} (${source}) is deprecated: its expiration date ${retirement.date} has passed`, severity)];
  if (retirement.state === 'soon') {
    const when = retirement.days === 0 ? 'today' : `in ${retirement.days} day${retirement.days === 1 ? '' : 's'}`;
    return [at(`${id} (${source}) is deprecated: OpenRouter may remove it after ${retirement.date}, ${when}`, 'warn')];
  }
  return [];
}

/** Each configured model id once, with where it is configured. */
function modelsInConfig(models: ModelsConfig): ModelUse[] {
  const sources = new Map<string, string>();
  const add = (id: string, source: string): void => {
    if (!sources.has(id)) sources.set(id, source);
  };
  if (models.primary) add(models.primary, 'models.primary');
  for (const id of models.fallbacks) add(id, 'models.fallbacks');
  for (const id of models.required) add(id, 'models.required');
  return [...sources].map(([id, source]) => ({ id, source }));
}

export default check;
