import { ModelCatalogue, retirementOf } from '../openrouter/model-catalogue.js';
import { remoteOf } from '../openrouter/remote-api.js';
import { apiFailure } from './check-error.js';
import type { ModelsConfig } from '../config.js';
import type { Check, Finding } from './types.js';

const check: Check = {
  id: 'model-availability',
  title: 'The models the app uses exist',
  category: 'availability',
  kind: 'remote',
  defaultSeverity: 'error',
  docs:
    'A model id OpenRouter does not know fails every request with 400, and a deprecated one stops working on its expiration date. ' +
    'Fix the id (ids are case-sensitive, e.g. anthropic/claude-3.5-sonnet) or move to a current model before the date.',
  options: {
    warn_days: { type: 'integer', description: 'warn when a model is retired within this many days', default: 30, minimum: 0 },
  },
  async run(ctx) {
    const wanted = modelsInConfig(ctx.models);
    if (wanted.length === 0) {
      return { findings: [], skipReason: 'no models configured (models.primary, models.fallbacks, models.required)' };
    }
    const answer = await remoteOf(ctx).models();
    if (!answer.ok) throw apiFailure('cannot list the models', answer.error);
    const catalogue = new ModelCatalogue(answer.data);
    const now = new Date();
    const findings: Finding[] = [];
    for (const { id, source } of wanted) {
      const model = catalogue.find(id);
      if (!model) {
        const suggestions = catalogue.suggestionsFor(id);
        const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(' or ')}?` : '';
        findings.push({ message: `${id} (${source}) does not exist on OpenRouter${hint}`, severity: ctx.severity });
        continue;
      }
      const retirement = retirementOf(model, Number(ctx.options.warn_days), now);
      if (retirement.state === 'past') {
        findings.push({ message: `${id} (${source}) is deprecated: its expiration date ${retirement.date} has passed`, severity: ctx.severity });
      } else if (retirement.state === 'soon') {
        const when = retirement.days === 0 ? 'today' : `in ${retirement.days} day${retirement.days === 1 ? '' : 's'}`;
        findings.push({ message: `${id} (${source}) is deprecated: OpenRouter may remove it after ${retirement.date}, ${when}`, severity: 'warn' });
      }
    }
    const ids = wanted.map(({ id }) => id);
    return { findings, summary: `${ids.length} model${ids.length === 1 ? '' : 's'} checked against ${answer.data.length} listed: ${ids.join(', ')}` };
  },
};

/** Each configured model id once, with where it is configured. */
function modelsInConfig(models: ModelsConfig): Array<{ id: string; source: string }> {
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
