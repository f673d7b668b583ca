import { describeApiError } from '../openrouter/api-error.js';
import { formatCredits } from '../openrouter/credits.js';
import type { ProbeOptions, RemoteApi } from '../openrouter/remote-api.js';
import type { ModelEntry } from '../openrouter/responses.js';

/**
 * How a short completion (at most `PROBE_MAX_TOKENS`) to one model went:
 * - `answered`: a well-formed answer;
 * - `refused`: OpenRouter gave a definite no (out of credits, key refused, model unusable):
 *   the app would fail the same way, so the check fails;
 * - `unreachable`: nothing definite (rate limited after retries, 5xx, timeout, malformed answer):
 *   the check could not tell, so it errors;
 * - `not-probed`: not sent, the run's paid-request budget being spent: the check could not verify
 *   the model, so it warns (never a silent pass).
 */
export type ProbeVerdict =
  | { kind: 'answered'; summary: string }
  | { kind: 'refused'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'not-probed'; reason: string };

/** How the operator gets more probes, for the messages of those not sent. */
export const RAISE_PAID_REQUESTS = 'raise it with --max-paid-requests <n> or OPENROUTER_CHECK_MAX_PAID_REQUESTS';

/** `2 paid requests (run budget 10)`: what a check spent, for its summary. */
export function paidRequestsSummary(remote: RemoteApi): string {
  const { made, limit } = remote.paidRequests;
  return `${made} paid request${made === 1 ? '' : 's'} (run budget ${limit})`;
}

/** Statuses that say something definite about the key, the account or the model. */
const REFUSALS: Record<number, string> = {
  400: 'cannot be used',
  401: 'the key was refused',
  402: "out of credits: add credits at openrouter.ai/settings/credits or raise the key's limit",
  403: 'the request was refused',
  404: 'cannot be used',
};

/** Efforts from highest to lowest, as OpenRouter's unified `reasoning.effort` spells them. */
const EFFORTS = ['xhigh', 'high', 'medium', 'low', 'minimal'];

/**
 * The reasoning a probe asks for, from the model's `/models` entry: none for a model that does not
 * reason (nothing to turn off), `none` for one that may, and the lowest supported effort for one
 * whose reasoning is mandatory (it rejects `none`).
 */
export function probeReasoning(entry: ModelEntry | undefined): ProbeOptions & { mandatory?: true } {
  if (!entry) return {};
  const reasoning = entry.reasoning;
  const reasons = reasoning !== undefined || (entry.supported_parameters ?? []).includes('reasoning');
  if (!reasons) return {};
  if (!reasoning?.mandatory) return { reasoningEffort: 'none' };
  // `supported_efforts` is highest first; null means every effort is accepted.
  const supported = (reasoning.supported_efforts ?? EFFORTS).filter((effort) => effort !== 'none');
  return { reasoningEffort: supported.at(-1) ?? 'minimal', mandatory: true };
}

/** Probes `model`; `entry` (its `/models` entry, when listed) says how to ask for reasoning. */
export async function probeModel(remote: RemoteApi, model: string, signal: AbortSignal, entry?: ModelEntry): Promise<ProbeVerdict> {
  const { mandatory, ...options } = probeReasoning(entry);
  const result = await remote.probe(model, signal, options);
  if (!result.ok) {
    const { error } = result;
    if (error.kind === 'over-budget') return { kind: 'not-probed', reason: error.message };
    const refusal = error.kind === 'http' && error.status !== undefined ? REFUSALS[error.status] : undefined;
    if (refusal) return { kind: 'refused', message: `${model}: ${refusal} (${describeApiError(error)})` };
    return { kind: 'unreachable', message: `${model}: ${describeApiError(error)}` };
  }
  const completion = result.data;
  const choice = completion.choices[0];
  if (!choice) return { kind: 'unreachable', message: `${model}: malformed answer from POST /chat/completions: no choices` };
  if (choice.error || choice?.finish_reason === 'error') {
    const reason = choice.error?.message ?? 'finish_reason "error"';
    return { kind: 'refused', message: `${model}: answered 200 but the generation failed: ${reason}` };
  }
  const routed = completion.model && completion.model !== model ? `${completion.model} (for ${model})` : model;
  const cost = completion.usage?.cost;
  const costText = typeof cost === 'number' ? `, cost ${formatCredits(cost)}` : '';
  // A reasoner may spend the whole cap thinking (finish_reason "length", no text): it answered all the same.
  const reasoningText = mandatory ? ` (reasoning is mandatory: effort ${options.reasoningEffort})` : '';
  return { kind: 'answered', summary: `${routed} answered in ${result.durationMs} ms${costText}${reasoningText}` };
}
