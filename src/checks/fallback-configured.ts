import type { Check, Finding, Severity } from './types.js';
import type { WorkspaceFile } from '../workspace.js';
import { locationOf, mayCallCompletions, mayMentionOpenRouter } from '../analysis/openrouter-usage.js';
import type { CompletionRequest } from '../analysis/openrouter-usage.js';
import { presenceOfKeys } from '../analysis/resolve-object.js';
import type { KeyPresence, ScopedExpression } from '../analysis/resolve-object.js';
import type { OpenRouterUsage } from '../analysis/openrouter-usage.js';
import { scanOpenRouterUsage } from '../analysis/usage-scan.js';

/** The fallback setting, spelled as each style sends it. */
const FIX_BY_STYLE: Readonly<Record<CompletionRequest['style'], string>> = {
  'OpenAI SDK': "models: ['primary/model', 'fallback/model'] to the options (an OpenRouter extra field)",
  '@openrouter/sdk': "models: ['primary/model', 'fallback/model'] to the request",
  'raw HTTP': '"models": ["primary/model", "fallback/model"] to the JSON body',
};

const messages = {
  noFallback: ({ callee, style }: CompletionRequest) =>
    `${callee} (${style}) names no fallback models, so an outage or rate limit of its one model fails the request; add ${FIX_BY_STYLE[style]}`,
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
    // The app takes its fallbacks from the config this audit reads too: requests built from it are covered.
    if (ctx.models.fallbacks.length > 0) {
      return { findings: [], summary: `fallbacks come from the config (models.fallbacks: ${ctx.models.fallbacks.join(', ')})` };
    }
    return scanOpenRouterUsage(
      ctx,
      [mayMentionOpenRouter, mayCallCompletions],
      (usage, file) => findingsInFile(usage, file, ctx.severity),
    );
  },
};

/** Requests known to reach OpenRouter whose body is known to set neither `models` nor `provider.allow_fallbacks`. */
function findingsInFile(usage: OpenRouterUsage, file: WorkspaceFile, severity: Severity): Finding[] {
  const { sourceFile } = usage.scope;
  return usage.requests
    .filter((request) => request.target === 'openrouter' && request.body !== undefined && lacksFallbacks(request.body))
    .map((request) => ({ message: messages.noFallback(request), severity, ...locationOf(file, sourceFile, request.node) }));
}

/** Precision over recall: only a body whose keys are all known, with no `models` and no `provider` fallback setting, lacks them. */
function lacksFallbacks({ scope, expression }: ScopedExpression): boolean {
  const models = presenceOfKeys(scope, expression, ['models']);
  if (models.kind !== 'absent') return false;
  const provider = presenceOfKeys(scope, expression, ['provider']);
  if (provider.kind === 'unknown') return false;
  if (provider.kind === 'absent') return true;
  return provider.values.every((value) => isAbsent(presenceOfKeys(value.scope, value.expression, ['allow_fallbacks', 'allowFallbacks'])));
}

function isAbsent(presence: KeyPresence): boolean {
  return presence.kind === 'absent';
}

export default check;
