import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Check, Finding } from './types.js';
import type { WorkspaceFile } from '../workspace.js';
import { mayContainCompletionCall } from '../analysis/completion-calls.js';
import { findCompletionCalls } from '../analysis/find-completion-calls.js';
import type { CompletionCallSite } from '../analysis/find-completion-calls.js';
import { loadTypeScript } from '../analysis/load-typescript.js';
import type { TypeScript } from '../analysis/load-typescript.js';
import { scriptKindOf } from '../analysis/parse-source.js';
import { positionLookup } from '../analysis/text-position.js';
import { snippetOf } from '../snippet.js';

/** Analysis is synchronous; handing the event loop back this often lets time limits and other checks run. */
const YIELD_EVERY_MS = 50;

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
    'maxOutputTokens in the Vercel AI SDK (maxTokens in v4), maxTokens on a LangChain chat model.',
  async run(ctx) {
    const files = ctx.workspace.files.filter((file) => scriptKindOf(file.path) && mayContainCompletionCall(file.bytes));
    if (files.length === 0) return [];
    const ts = await loadTypeScript();
    const located: { file: string; finding: Finding }[] = [];
    let lastYield = Date.now();
    for (const file of files) {
      ctx.signal.throwIfAborted();
      for (const finding of findingsInFile(ts, file, ctx.severity)) located.push({ file: file.path, finding });
      if (Date.now() - lastYield > YIELD_EVERY_MS) {
        await nextTurn();
        lastYield = Date.now();
      }
    }
    return located.sort(byLocation).map(({ finding }) => finding);
  },
};

/** One file's findings; a crash while analysing it becomes a warning about that file alone. */
function findingsInFile(ts: TypeScript, file: WorkspaceFile, severity: Finding['severity']): Finding[] {
  const text = file.text();
  let sites: CompletionCallSite[];
  try {
    sites = findCompletionCalls(ts, file.path, text, scriptKindOf(file.path)!);
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    return [{ message: `could not analyse ${file.path}: ${cause}`, severity: 'warn' }];
  }
  const reported = sites.filter((site) => site.outcome.kind !== 'capped');
  if (reported.length === 0) return [];
  const positionOf = positionLookup(text);
  return reported.map((site) => {
    const { line, column } = positionOf(site.start);
    return {
      message: messageFor(site),
      severity: site.outcome.kind === 'unknown' ? 'warn' : severity,
      file: file.path,
      line,
      column,
      snippet: snippetOf(file.lineText(line)),
    };
  });
}

function messageFor({ callee, style, outcome }: CompletionCallSite): string {
  if (outcome.kind === 'unknown') return `cannot verify the output cap of ${callee} (${style.name}): ${outcome.reason}`;
  return `${callee} sends no output cap (${style.name}); add ${style.fixHint}`;
}

function byLocation(a: { file: string; finding: Finding }, b: { file: string; finding: Finding }): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.finding.line ?? 0) - (b.finding.line ?? 0) || (a.finding.column ?? 0) - (b.finding.column ?? 0);
}

export default check;
