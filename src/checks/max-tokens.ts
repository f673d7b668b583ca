import type { Check, Finding } from './types.js';
import { clientStyle } from '../inventory/client-styles.js';
import { findingAt, noRequestReason, requestCheckOutcome } from '../inventory/questions.js';
import { requestInventory } from '../inventory/request-inventory.js';
import type { RequestSite } from '../inventory/request-site.js';

const check: Check = {
  id: 'max-tokens',
  title: 'Every completion request caps its output',
  category: 'cost',
  kind: 'static',
  defaultSeverity: 'error',
  docs:
    "A completion request without an output cap lets one call spend the model's whole default output, and OpenRouter " +
    'reserves credits for that maximum before it answers. Set max_tokens (or max_completion_tokens; max_output_tokens ' +
    'for the Responses API) on every request, spelled as the SDK spells it: maxCompletionTokens in @openrouter/sdk, ' +
    'maxOutputTokens in the Vercel AI SDK (maxTokens in v4), maxTokens on a LangChain chat model; in Python, max_tokens= ' +
    '(max_output_tokens= for responses.create) as a keyword, in **kwargs or extra_body, "max_tokens" in a requests/httpx JSON body, ' +
    'max_tokens= on ChatOpenAI or a LiteLLM completion.',
  async run(ctx) {
    // Asked before any await: the inventory joins the workspace's shared passes.
    const inventory = await requestInventory(ctx.workspace);
    ctx.signal.throwIfAborted();
    const findings: Finding[] = [];
    let looked = false;
    for (const site of inventory.requests) {
      if (!site.outputCap) continue;
      looked = true;
      if (site.outputCap.kind === 'capped') continue;
      const severity = site.outputCap.kind === 'unknown' ? 'warn' : ctx.severity;
      findings.push(findingAt(site.location, messageFor(site), severity));
      const requestAt = `${site.location.file}:${site.location.line}`;
      for (const caller of site.uncappedCallers) {
        findings.push(findingAt(caller.location, callerMessageFor(caller.wrapper, site, requestAt), ctx.severity));
      }
    }
    return requestCheckOutcome(inventory, findings, looked, noRequestReason(inventory, 'completion request'));
  },
};

/** At a wrapper's caller: which request the caller's uncapped options reach, and where. */
function callerMessageFor(wrapper: string, { callee, clientStyle: style }: RequestSite, requestAt: string): string {
  return `${wrapper}() is called without an output cap; its options reach ${callee} (${clientStyle(style).name}) in ${requestAt}`;
}

function messageFor({ callee, clientStyle: style, outputCap, capFix }: RequestSite): string {
  const name = clientStyle(style).name;
  if (outputCap?.kind === 'unknown') return `cannot verify the output cap of ${callee} (${name}): ${outputCap.reason}`;
  return `${callee} sends no output cap (${name}); add ${capFix ?? 'max_tokens'}`;
}

export default check;
