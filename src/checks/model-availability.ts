import { codeModelIds } from '../inventory/code-model-ids.js';
import type { CodeModelId } from '../inventory/code-model-ids.js';
import { modelOfPreset, modelReferenceOf } from '../inventory/model-reference.js';
import type { ModelReferenceKind } from '../inventory/model-reference.js';
import { ModelCatalogue, retirementOf } from '../openrouter/model-catalogue.js';
import { remoteOf } from '../openrouter/remote-api.js';
import { apiFailure } from './check-error.js';
import type { ModelsConfig } from '../config/config.js';
import type { Check, Finding, NotebookCell, Severity } from './types.js';

/** How many ids the summary names before it just counts. */
const NAMED_IN_SUMMARY = 6;

/** A model id the app depends on, and where: a config key, or a place in the code. */
interface ModelUse {
  id: string;
  kind: ModelReferenceKind;
  /** `models.primary`, or `used in code`. */
  source: string;
  location?: { file: string; line: number; column: number; snippet: string; cell?: NotebookCell };
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
    include_tests: { type: 'boolean', description: 'also check the model ids written in test code (test folders, test and spec files)', default: false },
  },
  async run(ctx) {
    const remote = remoteOf(ctx);
    const configured = modelsInConfig(ctx.models);
    // With models configured, the catalogue's round trip overlaps with parsing the code.
    const earlyListing = configured.length > 0 ? remote.models() : undefined;
    const allInCode = await codeModelIds(ctx.workspace);
    const includeTests = ctx.options.include_tests === true;
    const inCode = includeTests ? allInCode : allInCode.filter(({ inTest }) => !inTest);
    const leftOut = allInCode.length - inCode.length;
    const uses: ModelUse[] = [...configured, ...inCode.map(useInCode)];
    const testNote = leftOut > 0 ? `${leftOut} id${leftOut === 1 ? '' : 's'} in test code left out (include_tests: true checks them)` : '';
    if (uses.length === 0) {
      const reason = 'no models configured (models.primary, models.fallbacks, models.required) or found in the code';
      return { findings: [], skipReason: testNote ? `${reason}; ${testNote}` : reason };
    }
    const lookedUp = uses.filter(({ kind, id }) => kind === 'model' || (kind === 'preset' && modelOfPreset(id) !== undefined));
    const notLookedUp = uses.filter((use) => !lookedUp.includes(use));
    const notLookedUpText = notLookedUpOf(notLookedUp);
    const notes = [notLookedUpText ? `not looked up: ${notLookedUpText}` : '', testNote].filter((note) => note !== '');
    if (lookedUp.length === 0) {
      return { findings: [], skipReason: [`no catalogue model to look up, only ${notLookedUpText}`, testNote].filter((note) => note !== '').join('; ') };
    }
    const answer = await (earlyListing ?? remote.models());
    if (!answer.ok) throw apiFailure('cannot list the models', answer.error);
    const catalogue = new ModelCatalogue(answer.data);
    const now = new Date();
    const findings = lookedUp.flatMap((use) => problemsOf(use, catalogue, Number(ctx.options.warn_days), now, ctx.severity));
    const ids = [...new Set(lookedUp.map(({ id }) => id))];
    const named = ids.length > NAMED_IN_SUMMARY ? `${ids.slice(0, NAMED_IN_SUMMARY).join(', ')}, …` : ids.join(', ');
    const checked = `${ids.length} model${ids.length === 1 ? '' : 's'} checked against ${answer.data.length} listed: ${named}`;
    return { findings, summary: [checked, ...notes].join('; ') };
  },
};

/**
 * Presets (`@preset/…`) are settings kept on OpenRouter and routers (`openrouter/auto`) pick a model per
 * request: neither is a catalogue entry, so neither is looked up (a `model@preset/…` has its model looked up).
 */
function notLookedUpOf(uses: readonly ModelUse[]): string {
  const presets = [...new Set(uses.filter(({ kind }) => kind === 'preset').map(({ id }) => id))];
  const routers = [...new Set(uses.filter(({ kind }) => kind === 'router').map(({ id }) => id))];
  return [
    presets.length > 0 ? `${presets.length === 1 ? 'preset' : 'presets'} ${presets.join(', ')} (set up on OpenRouter)` : '',
    routers.length > 0 ? `${routers.length === 1 ? 'router' : 'routers'} ${routers.join(', ')} (OpenRouter picks the model)` : '',
  ]
    .filter((part) => part !== '')
    .join(', ');
}

function problemsOf(use: ModelUse, catalogue: ModelCatalogue, warnDays: number, now: Date, severity: Severity): Finding[] {
  const { id, source, location } = use;
  const at = (message: string, level: Severity): Finding => ({ message, severity: level, ...location });
  // `openai/gpt-4o@preset/x`: the preset is OpenRouter's, the model before it must exist.
  const model = catalogue.find(modelOfPreset(id) ?? id);
  if (!model) {
    const suggestions = catalogue.suggestionsFor(modelOfPreset(id) ?? id);
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

function useInCode({ id, kind, file, line, column, snippet, cell }: CodeModelId): ModelUse {
  return { id, kind, source: 'used in code', location: { file, line, column, snippet, ...(cell && { cell }) } };
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
  return [...sources].map(([id, source]) => ({ id, source, kind: modelReferenceOf(id)?.kind ?? 'model' }));
}

export default check;
