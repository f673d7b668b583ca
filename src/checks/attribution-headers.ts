import type ts from 'typescript';
import type { Check, Finding, Severity } from './types.js';
import type { WorkspaceFile } from '../workspace.js';
import type { FileScope } from '../analysis/file-scope.js';
import { headerNamesOf, locationOf, mayMentionOpenRouter } from '../analysis/openrouter-usage.js';
import { presenceOfKeys } from '../analysis/resolve-object.js';
import type { OpenRouterUsage } from '../analysis/openrouter-usage.js';
import { scanOpenRouterUsage } from '../analysis/usage-scan.js';
import { scanBytes } from '../analysis/byte-scan.js';
import type { ByteExtractor } from '../analysis/byte-scan.js';

const REFERER = 'http-referer';
/** The current title header, and the older name OpenRouter still accepts. */
const TITLES = ['x-openrouter-title', 'x-title'];
/** @openrouter/sdk reads these when its options leave them out; a workspace that spells them is taken to set them. */
const SDK_REFERER_ENV = Buffer.from('OPENROUTER_HTTP_REFERER');
const SDK_TITLE_ENV = Buffer.from('OPENROUTER_APP_TITLE');
const spellsRefererEnv: ByteExtractor<true> = (bytes) => bytes.includes(SDK_REFERER_ENV);
const spellsTitleEnv: ByteExtractor<true> = (bytes) => bytes.includes(SDK_TITLE_ENV);

/** Which attribution a client or request leaves out. */
interface Missing {
  referer: boolean;
  title: boolean;
}

const messages = {
  missing: (sender: string, missing: Missing, fix: string) =>
    `${sender} to OpenRouter sends ${missingText(missing)}, so OpenRouter cannot attribute its requests to your app; add ${fix}`,
};

function missingText({ referer, title }: Missing): string {
  if (referer && title) return 'no HTTP-Referer and no title header';
  return referer ? 'no HTTP-Referer header' : 'no title header (X-OpenRouter-Title)';
}

/** The headers to add, as an object literal's entries. */
function headerEntries({ referer, title }: Missing): string {
  const entries = [...(referer ? ["'HTTP-Referer': 'https://your.app'"] : []), ...(title ? ["'X-OpenRouter-Title': 'Your App'"] : [])];
  return `{ ${entries.join(', ')} }`;
}

function sdkOptions({ referer, title }: Missing): string {
  return [...(referer ? ["httpReferer: 'https://your.app'"] : []), ...(title ? ["appTitle: 'Your App'"] : [])].join(', ');
}

const check: Check = {
  id: 'attribution-headers',
  title: 'Requests to OpenRouter say which app sends them',
  category: 'reliability',
  kind: 'static',
  defaultSeverity: 'warn',
  docs:
    'Without an HTTP-Referer header OpenRouter creates no app page and cannot attribute usage to the app, and without a title ' +
    "(X-OpenRouter-Title, or the older X-Title) the app shows unnamed. Send both: defaultHeaders on an OpenAI client, httpReferer and " +
    'appTitle on @openrouter/sdk (or OPENROUTER_HTTP_REFERER / OPENROUTER_APP_TITLE), headers on fetch and axios requests.',
  async run(ctx) {
    // Whether any file spells the variables, from the workspace's byte scan: known before the script pass begins.
    const sdkEnv: Missing = { referer: true, title: true };
    const envKnown = Promise.all([scanBytes(ctx.workspace, spellsRefererEnv), scanBytes(ctx.workspace, spellsTitleEnv)]).then(([referer, title]) => {
      sdkEnv.referer = referer.size === 0;
      sdkEnv.title = title.size === 0;
    });
    return scanOpenRouterUsage(
      ctx,
      [mayMentionOpenRouter],
      (usage, file) => findingsInFile(usage, file, ctx.severity, sdkEnv),
      envKnown,
    );
  },
};

/**
 * OpenRouter clients and raw requests that leave out a header; `sdkEnvMissing` says which the environment of
 * @openrouter/sdk could not supply.
 */
function findingsInFile(usage: OpenRouterUsage, file: WorkspaceFile, severity: Severity, sdkEnvMissing: Missing): Finding[] {
  const { scope } = usage;
  const located: { at: number; finding: Finding }[] = [];
  const add = (node: ts.Node, message: string): void => {
    located.push({ at: node.getStart(scope.sourceFile), finding: { message, severity, ...locationOf(file, scope.sourceFile, node) } });
  };
  for (const construction of usage.constructions) {
    if (construction.target !== 'openrouter') continue;
    if (construction.sdk === 'OpenAI SDK') {
      const missing = missingIn(construction.scope, construction.options, 'defaultHeaders');
      if (missing) add(construction.node, messages.missing('new OpenAI()', missing, `defaultHeaders: ${headerEntries(missing)}`));
      continue;
    }
    const missing = missingSdkOptions(construction.scope, construction.options, sdkEnvMissing);
    if (missing) add(construction.node, messages.missing('new OpenRouter()', missing, sdkOptions(missing)));
  }
  for (const request of usage.requests) {
    if (request.style !== 'raw HTTP' || request.target !== 'openrouter') continue;
    const missing = missingIn(scope, request.init, 'headers');
    if (missing) add(request.node, messages.missing(request.callee, missing, `headers: ${headerEntries(missing)}`));
  }
  return located.sort((a, b) => a.at - b.at).map(({ finding }) => finding);
}

/** What the headers under `key` of an options object leave out; undefined when nothing is, or when the code does not show it all. */
function missingIn(scope: FileScope, options: ts.Expression | undefined, key: string): Missing | undefined {
  let names = new Set<string>();
  if (options) {
    const headers = presenceOfKeys(scope, options, [key]);
    if (headers.kind === 'unknown') return undefined;
    if (headers.kind === 'present') {
      // Headers that differ by branch (`cond ? a : b`) are more than this check follows.
      if (headers.values.length !== 1) return undefined;
      const found = headerNamesOf(headers.values[0]!.scope, headers.values[0]!.expression);
      names = found.names;
      if (!found.complete && !(names.has(REFERER) && TITLES.some((title) => names.has(title)))) return undefined;
    }
  }
  return missingOf({ referer: !names.has(REFERER), title: !TITLES.some((title) => names.has(title)) });
}

/** `httpReferer` and `appTitle` of @openrouter/sdk's options, or the environment variables it reads instead. */
function missingSdkOptions(scope: FileScope, options: ts.Expression | undefined, envMissing: Missing): Missing | undefined {
  const referer = options ? presenceOfKeys(scope, options, ['httpReferer']).kind : 'absent';
  const title = options ? presenceOfKeys(scope, options, ['appTitle']).kind : 'absent';
  if (referer === 'unknown' || title === 'unknown') return undefined;
  return missingOf({ referer: referer === 'absent' && envMissing.referer, title: title === 'absent' && envMissing.title });
}

function missingOf(missing: Missing): Missing | undefined {
  return missing.referer || missing.title ? missing : undefined;
}

export default check;
