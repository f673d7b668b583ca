import type { Finding } from '../checks/types.js';

/** Where a finding points: a file position with its source line (and, in a notebook, the cell). */
export type SiteLocation = Required<Pick<Finding, 'file' | 'line' | 'column' | 'snippet'>> & Pick<Finding, 'cell'>;

export type SiteLanguage = 'typescript' | 'python';

/** Where a request goes, and what in the code said so (`base URL https://openrouter.ai/api/v1`, `openrouter/ model prefix`). */
export interface SiteTarget {
  kind: 'openrouter' | 'other' | 'unknown';
  decidedBy: string;
}

/**
 * A property of a request (its timeout, its fallbacks), as far as the code shows it: set (at `at`, when the code
 * says where), known to be left out, or unknown with the reason (`options come from parameter opts of send()`).
 */
export type Resolved = { kind: 'set'; at?: SiteLocation } | { kind: 'absent' } | { kind: 'unknown'; reason: string };

/** Whether the output is capped, as max-tokens reports it. */
export type CapOutcome = { kind: 'capped' } | { kind: 'not-capped' } | { kind: 'unknown'; reason: string };

/** The attribution headers a client or request sends: each set, absent, or hidden from the analysis. */
export interface Attribution {
  referer: Resolved;
  title: Resolved;
}

/** A client object built once and used by requests (`new OpenAI({…})`, `httpx.Client(…)`, `axios.create({…})`). */
export interface ClientSite {
  /** Where it is built: a missing timeout or header is reported here, once for every request through it. */
  location: SiteLocation;
  language: SiteLanguage;
  /** The entry of the client-style table (src/inventory/client-styles.ts). */
  clientStyle: string;
  /** As messages show it: `new OpenAI()`, `OpenAI()`, `httpx.Client()`. */
  constructor: string;
  target: SiteTarget;
  timeout: Resolved;
  /** `set` when retries are known to be turned off (`maxRetries: 0`). */
  retriesOff: Resolved;
  attribution: Attribution;
  /** Where the client's key comes from: `environment variable OPENROUTER_API_KEY`, `a string in the code`; undefined when not shown. */
  keySource?: string;
  /** The browser option (`dangerouslyAllowBrowser: true`), at the property that sets it. */
  browserAllowed?: SiteLocation;
}

/** One request the app sends: a call that runs a completion (or builds a model that does, as LangChain's do). */
export interface RequestSite {
  location: SiteLocation;
  language: SiteLanguage;
  clientStyle: string;
  /** As messages show it: `chat.completions.create()`, `requests.post()`, `generateText()`. */
  callee: string;
  target: SiteTarget;
  /** The client the request goes through, when the code shows it: its timeout and headers count for the request. */
  client?: ClientSite;
  /** Undefined for a call whose request body max-tokens does not read (a fetch whose body it cannot see). */
  outputCap?: CapOutcome;
  /** The cap to add, spelled as the call's style spells it. */
  capFix?: string;
  /** The wrapper calls (in other files too) whose options reach this request without a cap. */
  uncappedCallers: { location: SiteLocation; wrapper: string }[];
  /** The call's own timeout or abort signal (the client's is on `client`). */
  timeout: Resolved;
  /** A `models` list or a deliberate `provider.allow_fallbacks`. */
  fallbacks: Resolved;
  /** Headers set on the call itself (those of the client are on `client`). */
  attribution: Attribution;
  /** Why the request runs in a browser (`a 'use client' module`, `a script index.html loads`), when it does. */
  browser?: string;
  /** The file spells OpenRouter: a request whose target is unknown there most likely goes to it. */
  fileNamesOpenRouter: boolean;
}

/** Every OpenRouter-relevant client and request of one run, both languages, in file then source order. */
export interface RequestInventory {
  requests: RequestSite[];
  clients: ClientSite[];
  /** JavaScript, TypeScript and Python files the inventory was built from (the number a skip reason names). */
  codeFiles: number;
  /** Files that could not be analysed: a warning each, reported by every request check in the order of `path`. */
  failures: { path: string; finding: Finding }[];
}
