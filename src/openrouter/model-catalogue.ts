import { closestMatches } from '../engine/suggest.js';
import type { ModelEntry } from './responses.js';

/**
 * Suffixes that pick a routing strategy rather than a model (`openai/gpt-4o:nitro`): `/models`
 * does not list them, so the model behind them is looked up. `:free`, `:thinking` and `:extended`
 * are listed as models of their own and need no stripping.
 */
const ROUTING_SUFFIXES = [':nitro', ':floor', ':online', ':exacto'];

const DAY_MS = 24 * 60 * 60 * 1000;

/** The models OpenRouter lists, indexed by id. */
export class ModelCatalogue {
  readonly #byId: Map<string, ModelEntry>;

  constructor(entries: readonly ModelEntry[]) {
    this.#byId = new Map(entries.map((entry) => [entry.id, entry]));
  }

  /** The entry for `id`, or for the model behind a routing suffix; undefined when OpenRouter has no such model. */
  find(id: string): ModelEntry | undefined {
    const exact = this.#byId.get(id);
    if (exact) return exact;
    const suffix = ROUTING_SUFFIXES.find((candidate) => id.endsWith(candidate));
    return suffix ? this.#byId.get(id.slice(0, -suffix.length)) : undefined;
  }

  /** Up to three existing ids close to a missing one: `anthropic/claude-3-5-sonnet` → `anthropic/claude-3.5-sonnet`. */
  suggestionsFor(id: string): string[] {
    return closestMatches(id, this.#byId.keys(), 3);
  }
}

/** A model's retirement as the check reports it. */
export type Retirement =
  | { state: 'none' }
  | { state: 'past'; date: string }
  | { state: 'soon'; date: string; days: number }
  | { state: 'later'; date: string; days: number };

/** Where `expiration_date` (YYYY-MM-DD, "the date after which the model may be removed") stands against `now`. */
export function retirementOf(model: ModelEntry, warnDays: number, now: Date): Retirement {
  const date = model.expiration_date?.slice(0, 10);
  if (!date) return { state: 'none' };
  const day = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(day)) return { state: 'none' };
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  // Calendar days, in UTC: the model still works on its expiration date, not after it.
  const days = Math.round((day - today) / DAY_MS);
  if (days < 0) return { state: 'past', date };
  return days <= warnDays ? { state: 'soon', date, days } : { state: 'later', date, days };
}
