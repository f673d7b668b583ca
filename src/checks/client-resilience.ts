import type ts from 'typescript';
import type { Check, Finding, Severity } from './types.js';
import type { WorkspaceFile } from '../workspace.js';
import { isZeroLiteral, locationOf, mayMentionOpenRouter } from '../analysis/openrouter-usage.js';
import type { ClientConstruction } from '../analysis/openrouter-usage.js';
import { presenceOfKeys } from '../analysis/resolve-object.js';
import type { OpenRouterUsage } from '../analysis/openrouter-usage.js';
import { scanOpenRouterUsage } from '../analysis/usage-scan.js';

/** The option that bounds one request, by SDK: the OpenAI SDK takes `timeout`, Speakeasy's @openrouter/sdk `timeoutMs`. */
const TIMEOUT_KEYS: Readonly<Record<ClientConstruction['sdk'], readonly string[]>> = {
  'OpenAI SDK': ['timeout'],
  '@openrouter/sdk': ['timeoutMs', 'timeout'],
};
const TIMEOUT_FIX: Readonly<Record<ClientConstruction['sdk'], string>> = {
  'OpenAI SDK': 'timeout: 60_000',
  '@openrouter/sdk': 'timeoutMs: 60_000',
};
const CONSTRUCTOR: Readonly<Record<ClientConstruction['sdk'], string>> = {
  'OpenAI SDK': 'new OpenAI()',
  '@openrouter/sdk': 'new OpenRouter()',
};

const messages = {
  noTimeout: (sdk: ClientConstruction['sdk']) =>
    `${CONSTRUCTOR[sdk]} for OpenRouter sets no timeout, so a stalled request can hang for minutes; add ${TIMEOUT_FIX[sdk]}`,
  noRetries: (sdk: ClientConstruction['sdk']) =>
    `${CONSTRUCTOR[sdk]} for OpenRouter sets maxRetries: 0, so one 429 or 5xx fails the request; keep the default retries (2) or set more`,
  noSignal: (callee: string) =>
    `${callee} to OpenRouter passes no signal, so a stalled request never times out; add signal: AbortSignal.timeout(60_000)`,
};

const check: Check = {
  id: 'client-resilience',
  title: 'OpenRouter clients time out and retry',
  category: 'reliability',
  kind: 'static',
  defaultSeverity: 'warn',
  docs:
    'The OpenAI SDK waits 10 minutes before giving up on a request, and a raw fetch never does, so one stalled provider ties up a ' +
    'request handler for minutes; with maxRetries: 0 a single 429 or 5xx becomes a user-facing error. Set an explicit timeout on ' +
    'the client (timeout in the OpenAI SDK, timeoutMs in @openrouter/sdk), keep retries on, and pass signal: AbortSignal.timeout(ms) to fetch.',
  run: (ctx) => scanOpenRouterUsage(ctx, [mayMentionOpenRouter], (usage, file) => findingsInFile(usage, file, ctx.severity)),
};

/** Clients without a timeout or with retries off, and fetch calls without a signal, in the order they appear. */
function findingsInFile(usage: OpenRouterUsage, file: WorkspaceFile, severity: Severity): Finding[] {
  const { sourceFile } = usage.scope;
  const located: { at: number; finding: Finding }[] = [];
  const add = (node: ts.Node, message: string): void => {
    located.push({ at: node.getStart(sourceFile), finding: { message, severity, ...locationOf(file, sourceFile, node) } });
  };
  for (const construction of usage.constructions) {
    if (construction.target !== 'openrouter') continue;
    const { scope, options, sdk } = construction;
    // A timeout the code cannot see (options from a parameter, a spread of unknown config) is given the benefit of the doubt.
    const timeout = options ? presenceOfKeys(scope, options, TIMEOUT_KEYS[sdk]).kind : 'absent';
    if (timeout === 'absent') add(construction.node, messages.noTimeout(sdk));
    const retries = options ? presenceOfKeys(scope, options, ['maxRetries']) : undefined;
    if (retries?.kind === 'present' && retries.values.every((value) => isZeroLiteral(value.scope, value.expression))) {
      add(construction.node, messages.noRetries(sdk));
    }
  }
  for (const request of usage.requests) {
    if (request.style !== 'raw HTTP' || request.callee !== 'fetch()' || request.target !== 'openrouter') continue;
    const signal = request.init ? presenceOfKeys(usage.scope, request.init, ['signal']).kind : 'absent';
    if (signal === 'absent') add(request.node, messages.noSignal(request.callee));
  }
  return located.sort((a, b) => a.at - b.at).map(({ finding }) => finding);
}

export default check;
