import type { Check, Finding } from './types.js';
import { clientStyle } from '../inventory/client-styles.js';
import { findingAt, openRouterSites, requestCheckOutcome, unresolvedTarget } from '../inventory/questions.js';
import { requestInventory } from '../inventory/request-inventory.js';
import type { Attribution, ClientSite, RequestSite } from '../inventory/request-site.js';
import { scanBytes } from '../workspace/byte-scan.js';
import type { ByteExtractor } from '../workspace/byte-scan.js';

/** @openrouter/sdk reads these when its options leave them out; a workspace that spells them is taken to set them. */
const SDK_REFERER_ENV = Buffer.from('OPENROUTER_HTTP_REFERER');
const SDK_TITLE_ENV = Buffer.from('OPENROUTER_APP_TITLE');
/** LiteLLM sends these variables as OpenRouter's attribution headers. */
const LITELLM_REFERER_ENV = Buffer.from('OR_SITE_URL');
const LITELLM_TITLE_ENV = Buffer.from('OR_APP_NAME');
const spellsRefererEnv: ByteExtractor<true> = (bytes) => bytes.includes(SDK_REFERER_ENV);
const spellsTitleEnv: ByteExtractor<true> = (bytes) => bytes.includes(SDK_TITLE_ENV);
const spellsLiteLlmRefererEnv: ByteExtractor<true> = (bytes) => bytes.includes(LITELLM_REFERER_ENV);
const spellsLiteLlmTitleEnv: ByteExtractor<true> = (bytes) => bytes.includes(LITELLM_TITLE_ENV);
/** Styles whose attribution this check does not judge: the Python openrouter SDK's own options are not read. */
const NOT_JUDGED = new Set(['py-openrouter-sdk']);

/** Which attribution a client or request leaves out. */
interface Missing {
  referer: boolean;
  title: boolean;
}

const messages = {
  unknown: (sender: string, reason: string) => `cannot verify the attribution headers ${sender} sends to OpenRouter: ${reason}`,
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

/** The fix, spelled where the style takes its headers. */
function fixFor(style: string, missing: Missing): string {
  if (style === 'openrouter-sdk') return sdkOptions(missing);
  const { language, headersAt } = clientStyle(style);
  if (language === 'python') {
    const entries = [...(missing.referer ? ['"HTTP-Referer": "https://your.app"'] : []), ...(missing.title ? ['"X-OpenRouter-Title": "Your App"'] : [])];
    return `${headersAt}{${entries.join(', ')}}`;
  }
  if (headersAt === 'configuration.defaultHeaders') return `configuration: { defaultHeaders: ${headerEntries(missing)} }`;
  return `${headersAt}: ${headerEntries(missing)}`;
}

const check: Check = {
  id: 'attribution-headers',
  title: 'Requests to OpenRouter say which app sends them',
  category: 'reliability',
  kind: 'static',
  defaultSeverity: 'warn',
  docs:
    'Without an HTTP-Referer header OpenRouter creates no app page and cannot attribute usage to the app, and without a title ' +
    '(X-OpenRouter-Title, or the older X-Title) the app shows unnamed. Send both: defaultHeaders on an OpenAI client, httpReferer and ' +
    'appTitle on @openrouter/sdk (or OPENROUTER_HTTP_REFERER / OPENROUTER_APP_TITLE), headers on fetch and axios requests.',
  async run(ctx) {
    // Asked before any await: the inventory and the variable scans join the workspace's shared passes.
    const built = requestInventory(ctx.workspace);
    const spelled = Promise.all(
      [spellsRefererEnv, spellsTitleEnv, spellsLiteLlmRefererEnv, spellsLiteLlmTitleEnv].map((extractor) => scanBytes(ctx.workspace, extractor)),
    );
    const [inventory, [sdkReferer, sdkTitle, liteReferer, liteTitle]] = await Promise.all([built, spelled]);
    ctx.signal.throwIfAborted();
    // What the environment supplies by style, when the code leaves a header out.
    const fromEnv: Record<string, Missing> = {
      'openrouter-sdk': { referer: sdkReferer!.size > 0, title: sdkTitle!.size > 0 },
      'py-litellm': { referer: liteReferer!.size > 0, title: liteTitle!.size > 0 },
    };
    const { requests, clients } = openRouterSites(inventory);
    const findings: Finding[] = [];
    const judge = (site: ClientSite | RequestSite, sender: string, attribution: Attribution, reach: 'openrouter' | 'unresolved'): void => {
      const env = fromEnv[site.clientStyle] ?? { referer: false, title: false };
      const missing = { referer: attribution.referer.kind === 'absent' && !env.referer, title: attribution.title.kind === 'absent' && !env.title };
      if (!missing.referer && !missing.title) {
        const unknown = [attribution.referer, attribution.title].find((one) => one.kind === 'unknown');
        if (unknown?.kind === 'unknown') findings.push(findingAt(site.location, messages.unknown(sender, unknown.reason), 'warn'));
        return;
      }
      const unresolved = reach === 'unresolved' ? `; ${unresolvedTarget(site.target)}` : '';
      findings.push(
        findingAt(
          site.location,
          messages.missing(sender, missing, fixFor(site.clientStyle, missing)) + unresolved,
          reach === 'unresolved' ? 'warn' : ctx.severity,
        ),
      );
    };
    for (const { site, reach } of clients) {
      const through = inventory.requests.filter((request) => request.client === site);
      // Headers every request through the client sets itself do the client's work.
      const covered = through.length > 0 && through.every(({ attribution }) => attribution.referer.kind === 'set' && attribution.title.kind === 'set');
      if (!covered) judge(site, site.constructor, site.attribution, reach);
    }
    for (const { site, reach } of requests) {
      if (site.client || NOT_JUDGED.has(site.clientStyle)) continue;
      if (clientStyle(site.clientStyle).throughClient) {
        findings.push(findingAt(site.location, messages.unknown(site.callee, 'its client is not built where the analysis can follow it'), 'warn'));
        continue;
      }
      judge(site, site.callee, site.attribution, reach);
    }
    return requestCheckOutcome(inventory, findings, requests.length + clients.length > 0);
  },
};

export default check;
