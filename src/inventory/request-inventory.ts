import { scanBytes } from '../workspace/byte-scan.js';
import { mayContainCompletionCall } from '../languages/typescript/completion-calls.js';
import { mayBeClientModule, mayCallCompletions, mayMentionOpenRouter } from '../languages/typescript/openrouter-usage.js';
import { scriptKindOf } from '../languages/typescript/parse-source.js';
import { analyseScripts } from '../languages/typescript/script-analysis.js';
import { positionLookup } from '../workspace/text-position.js';
import { typeScriptRequestSites } from '../languages/typescript/typescript-request-sites.js';
import type { Finding } from '../checks/types.js';
import { PYTHON_CALL_KEYWORDS } from '../languages/python/python-calls.js';
import { visitPythonFiles } from '../languages/python/python-files.js';
import { pythonRequestSites } from '../languages/python/python-request-sites.js';
import { isPythonPath } from '../languages/python/python-source.js';
import { snippetOf } from '../workspace/snippet.js';
import type { Workspace, WorkspaceFile } from '../workspace/workspace.js';
import { scriptsLoadedByHtml } from './html-scripts.js';
import type { ClientSite, RequestInventory, RequestSite, SiteLocation } from './request-site.js';

const inventories = new WeakMap<Workspace, Promise<RequestInventory>>();

/**
 * The workspace's request inventory, built once per run whoever asks first. Ask synchronously at the start of a
 * check's `run()`: the inventory joins the workspace's shared passes (byte scan, script pass, Python pass) then,
 * so every check of the run gets the same sites from one parse of each file.
 */
export function requestInventory(workspace: Workspace): Promise<RequestInventory> {
  let inventory = inventories.get(workspace);
  if (!inventory) {
    inventory = buildInventory(workspace);
    inventories.set(workspace, inventory);
  }
  return inventory;
}

function buildInventory(workspace: Workspace): Promise<RequestInventory> {
  const failures: RequestInventory['failures'] = [];
  let filesByPath: ReadonlyMap<string, WorkspaceFile> | undefined;
  const locateElsewhere = (path: string, offset: number): SiteLocation | undefined => {
    filesByPath ??= new Map(workspace.files.map((known) => [known.path, known]));
    const file = filesByPath.get(path);
    if (!file) return undefined;
    const { line, column } = positionLookup(file.text())(offset);
    return { file: path, line, column, snippet: snippetOf(file.lineText(line)) };
  };
  // Both joined in this turn, before any await: the shared passes start on the next one.
  const scripts = analyseScripts(workspace, {
    prefilters: [mayContainCompletionCall, mayMentionOpenRouter, mayCallCompletions, mayBeClientModule],
    extract: (script) => {
      try {
        return typeScriptRequestSites(script, locateElsewhere);
      } catch (error) {
        failures.push({ path: script.file.path, finding: couldNotAnalyse(script.file.path, error) });
        return { requests: [], clients: [] };
      }
    },
  });
  const python: { requests: RequestSite[]; clients: ClientSite[] } = { requests: [], clients: [] };
  const pythonDone = visitPythonFiles(workspace, {
    needles: PYTHON_CALL_KEYWORDS,
    visit(source, root) {
      const found = pythonRequestSites(source, root);
      python.requests.push(...found.requests);
      python.clients.push(...found.clients);
    },
    failed(file, cause) {
      failures.push({ path: file.path, finding: { message: `could not analyse ${file.path}: ${cause}`, severity: 'warn' } });
    },
    parserUnavailable(files, cause) {
      const what = files.length === 1 ? files[0]!.path : `${files.length} Python files`;
      // Said once, after the findings of the files that were analysed.
      failures.push({ path: '\uffff', finding: { message: `could not analyse ${what}: the Python parser could not be loaded (${cause})`, severity: 'warn' } });
    },
  });
  const loadedByHtml = scanBytes(workspace, scriptsLoadedByHtml);
  return Promise.all([scripts, pythonDone, loadedByHtml]).then(([perFile, , pages]) => {
    const requests = [...perFile.flatMap(({ value }) => value.requests), ...python.requests];
    // A script an HTML page loads runs in the browser.
    const pageOf = new Map<string, string>();
    for (const [page, paths] of pages) for (const path of paths) if (!pageOf.has(path)) pageOf.set(path, page.path);
    for (const request of requests) {
      const page = pageOf.get(request.location.file);
      if (page !== undefined && request.browser === undefined) request.browser = `a script ${page} loads`;
    }
    const clients = oneEntryPerClient([...perFile.flatMap(({ value }) => value.clients), ...python.clients], requests);
    const codeFiles = workspace.files.filter((file) => scriptKindOf(file.path) !== undefined || isPythonPath(file.path)).length;
    return { requests, clients, codeFiles, failures };
  });
}

/**
 * A client built in one file and used in others is seen from each (imports are followed): one entry per place it
 * is built, which every request through it points at, so it is reported once.
 */
function oneEntryPerClient(clients: readonly ClientSite[], requests: RequestSite[]): ClientSite[] {
  const byPlace = new Map<string, ClientSite>();
  const placeOf = ({ location }: ClientSite): string => `${location.file}:${location.line}:${location.column}`;
  for (const client of clients) if (!byPlace.has(placeOf(client))) byPlace.set(placeOf(client), client);
  for (const request of requests) if (request.client) request.client = byPlace.get(placeOf(request.client)) ?? request.client;
  for (const request of requests) if (request.client && !byPlace.has(placeOf(request.client))) byPlace.set(placeOf(request.client), request.client);
  return [...byPlace.values()].sort((a, b) => byLocationOf(a.location, b.location));
}

function byLocationOf(a: SiteLocation, b: SiteLocation): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

function couldNotAnalyse(path: string, error: unknown): Finding {
  const cause = error instanceof Error ? error.message : String(error);
  return { message: `could not analyse ${path}: ${cause}`, severity: 'warn' };
}
