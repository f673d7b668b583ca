import type { Check, CheckContext, Finding } from './types.js';
import type { WorkspaceFile } from '../workspace.js';
import { mayContainCompletionCall } from '../analysis/completion-calls.js';
import { findCompletionCalls } from '../analysis/find-completion-calls.js';
import type { CompletionCallSite } from '../analysis/find-completion-calls.js';
import type { TypeScript } from '../analysis/load-typescript.js';
import { scriptKindOf } from '../analysis/parse-source.js';
import type { ProjectModules } from '../analysis/project-modules.js';
import { analyseScripts } from '../analysis/script-analysis.js';
import { positionLookup } from '../analysis/text-position.js';
import { pythonMaxTokensFindings } from '../python/python-findings.js';
import { snippetOf } from '../snippet.js';

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
    // Both ask the workspace's shared scans synchronously, before either awaits: one read and one pass serve them.
    const [typeScript, python] = await Promise.all([typeScriptFindings(ctx), pythonMaxTokensFindings(ctx)]);
    return [...typeScript, ...python];
  },
};

/** The findings in JavaScript and TypeScript files, in file then source order. */
async function typeScriptFindings(ctx: CheckContext): Promise<Finding[]> {
  let filesByPath: ReadonlyMap<string, WorkspaceFile> | undefined;
  // Asked synchronously: the workspace's one script pass parses each file once for every check that needs it.
  const perFile = await analyseScripts(ctx.workspace, {
    prefilters: [mayContainCompletionCall],
    extract: ({ file, compiler, modules }) => {
      // Thrown out of the shared pass, this fails this check's share of it alone.
      ctx.signal.throwIfAborted();
      filesByPath ??= new Map(ctx.workspace.files.map((known) => [known.path, known]));
      return findingsInFile(compiler, file, ctx.severity, modules, filesByPath);
    },
  });
  return perFile
    .flatMap(({ value }) => value)
    .sort(byLocation)
    .map(({ finding }) => finding);
}

interface Located {
  file: string;
  finding: Finding;
}

/**
 * One file's findings, and those at the callers of its wrapper functions (which may be in other files);
 * a crash while analysing it becomes a warning about that file alone.
 */
function findingsInFile(
  ts: TypeScript,
  file: WorkspaceFile,
  severity: Finding['severity'],
  modules: ProjectModules,
  filesByPath: ReadonlyMap<string, WorkspaceFile>,
): Located[] {
  const text = file.text();
  let sites: CompletionCallSite[];
  try {
    sites = findCompletionCalls(ts, file.path, text, scriptKindOf(file.path)!, modules);
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    return [{ file: file.path, finding: { message: `could not analyse ${file.path}: ${cause}`, severity: 'warn' } }];
  }
  const reported = sites.filter((site) => site.outcome.kind !== 'capped');
  if (reported.length === 0) return [];
  const positionOf = positionLookup(text);
  const located: Located[] = [];
  for (const site of reported) {
    const { line, column } = positionOf(site.start);
    located.push({
      file: file.path,
      finding: {
        message: messageFor(site),
        severity: site.outcome.kind === 'unknown' ? 'warn' : severity,
        file: file.path,
        line,
        column,
        snippet: snippetOf(file.lineText(line)),
      },
    });
    for (const caller of site.uncappedCallers) {
      const callerFile = filesByPath.get(caller.path);
      if (!callerFile) continue;
      const at = positionLookup(callerFile.text())(caller.start);
      located.push({
        file: caller.path,
        finding: {
          message: callerMessageFor(caller.wrapper, site, `${file.path}:${line}`),
          severity,
          file: caller.path,
          line: at.line,
          column: at.column,
          snippet: snippetOf(callerFile.lineText(at.line)),
        },
      });
    }
  }
  return located;
}

/** At a wrapper's caller: which request the caller's uncapped options reach, and where. */
function callerMessageFor(wrapper: string, { callee, style }: CompletionCallSite, requestAt: string): string {
  return `${wrapper}() is called without an output cap; its options reach ${callee} (${style.name}) in ${requestAt}`;
}

function messageFor({ callee, style, outcome }: CompletionCallSite): string {
  if (outcome.kind === 'unknown') return `cannot verify the output cap of ${callee} (${style.name}): ${outcome.reason}`;
  return `${callee} sends no output cap (${style.name}); add ${style.fixHint}`;
}

function byLocation(a: Located, b: Located): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (a.finding.line ?? 0) - (b.finding.line ?? 0) || (a.finding.column ?? 0) - (b.finding.column ?? 0);
}

export default check;
