/**
 * Runs a remote check the way the runner does, against a real fake OpenRouter on a socket, and
 * turns what it returned (or threw) into what a user reads in the report: a status, the findings'
 * severity and text, the summary, the skip reason or the error message.
 *
 *   const remote = new RemoteFixture();
 *   beforeAll(() => remote.start());
 *   afterEach(() => remote.closeSessions());
 *   afterAll(() => remote.close());
 *   remote.serve({ keys: { [remote.key]: FAKE_KEYS.limited } });
 *   expect(await remote.verdictOf(check)).toEqual({ status: 'pass', findings: [], summary: '…' });
 */
import { expect } from 'vitest';
import { CheckError } from '../../../src/checks/check-error.js';
import { outcomeOf } from '../../../src/checks/outcome.js';
import type { Check, CheckContext, CheckOptionValues, Severity } from '../../../src/checks/types.js';
import type { ModelsConfig } from '../../../src/config/config.js';
import { createOpenRouterClient } from '../../../src/openrouter/client.js';
import { createRemoteSession } from '../../../src/openrouter/remote-api.js';
import type { RemoteApi, RemoteSession } from '../../../src/openrouter/remote-api.js';
import { KEY_PREFIX } from '../../../src/workspace/secrets.js';
import { startFakeOpenRouter } from '../../support/fake-openrouter.js';
import type { FakeOpenRouter, FakeRoute, FakeScenario, RecordedRequest } from '../../support/fake-openrouter.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../../support/time-limits.js';
import { contextFor, generateKey, workspaceOf } from '../../support/workspace.js';

export const KEY_ENV = 'OPENROUTER_API_KEY';
export const USER_AGENT = 'test';

/** A finding as the report shows it (remote findings have no location). */
export interface ShownFinding {
  severity: Severity;
  message: string;
}

/** What the report shows for one check; `status` follows the runner's rule (any error → fail, else any finding → warn). */
export type Verdict =
  | { status: 'pass' | 'warn' | 'fail'; findings: ShownFinding[]; summary?: string }
  | { status: 'skip'; reason: string }
  | { status: 'error'; message: string };

export interface SessionOptions {
  timeoutMs?: number;
  retries?: number;
  /** The run's paid-request budget; default the CLI's. */
  maxPaidRequests?: number;
  /** `--probe-fallbacks`; default off, as in the CLI. */
  probeFallbacks?: boolean;
}

export interface RunOptions {
  models?: Partial<ModelsConfig>;
  /** Merged over the check's defaults. */
  options?: CheckOptionValues;
  severity?: Severity;
  signal?: AbortSignal;
  /** A session to share between checks; default: a fresh one per run, so nothing is memoized across cases. */
  remote?: RemoteApi;
  session?: SessionOptions;
  /** The audited code, `{ 'src/chat.ts': source }`; default none. */
  files?: Record<string, string>;
}

export class RemoteFixture {
  /** Freshly generated for this file: never a literal in the repository. */
  readonly key = generateKey();
  /** Every message, summary, skip reason and error message any run produced, for the leak test. */
  readonly shown: string[] = [];
  #fake: FakeOpenRouter | undefined;
  #sessions: RemoteSession[] = [];

  get fake(): FakeOpenRouter {
    if (!this.#fake) throw new Error('RemoteFixture.start() was not called');
    return this.#fake;
  }

  async start(): Promise<void> {
    this.#fake = await startFakeOpenRouter({ keys: { [this.key]: {} } });
  }

  async closeSessions(): Promise<void> {
    const sessions = this.#sessions.splice(0);
    await Promise.all(sessions.map((session) => session.close()));
  }

  async close(): Promise<void> {
    await this.closeSessions();
    await this.#fake?.close();
  }

  /** Serves `scenario`; without `keys`, the fixture's key is known with the default key data. */
  serve(scenario: FakeScenario = {}): void {
    this.fake.setScenario({ keys: { [this.key]: {} }, ...scenario });
  }

  /** A session of the fake as the CLI opens one, with retries that do not wait and a time limit only a hang meets. */
  session({ timeoutMs = ANSWERED_REQUEST_TIMEOUT_MS, retries = 1, maxPaidRequests, probeFallbacks }: SessionOptions = {}): RemoteSession {
    const client = createOpenRouterClient({
      baseUrl: this.fake.baseUrl,
      apiKey: this.key,
      timeoutMs,
      retries,
      userAgent: USER_AGENT,
      sleep: async () => {},
    });
    const session = createRemoteSession(client, KEY_ENV, undefined, {
      ...(maxPaidRequests === undefined ? {} : { maxPaidRequests }),
      ...(probeFallbacks === undefined ? {} : { probeFallbacks }),
    });
    this.#sessions.push(session);
    return session;
  }

  context(check: Check, run: RunOptions = {}): CheckContext {
    const base = contextFor(check, workspaceOf(run.files ?? {}));
    const overrides: Partial<CheckContext> = {
      models: { fallbacks: [], required: [], ...run.models },
      options: { ...base.options, ...run.options },
      remote: run.remote ?? this.session(run.session),
    };
    if (run.severity) overrides.severity = run.severity;
    if (run.signal) overrides.signal = run.signal;
    return { ...base, ...overrides };
  }

  /** Runs `check` and reports what the user would read. Anything thrown other than a CheckError is a bug and rethrown. */
  async verdictOf(check: Check, run: RunOptions = {}): Promise<Verdict> {
    return this.verdictOfContext(check, this.context(check, run));
  }

  async verdictOfContext(check: Check, ctx: CheckContext): Promise<Verdict> {
    let returned: Awaited<ReturnType<Check['run']>>;
    try {
      returned = await check.run(ctx);
    } catch (error) {
      if (!(error instanceof CheckError)) throw error;
      this.shown.push(error.message);
      return { status: 'error', message: error.message };
    }
    const outcome = outcomeOf(returned);
    if (outcome.skipReason !== undefined) {
      this.shown.push(outcome.skipReason);
      expect(outcome.findings).toEqual([]);
      return { status: 'skip', reason: outcome.skipReason };
    }
    const findings = outcome.findings.map(({ severity, message }) => ({ severity, message }));
    this.shown.push(...findings.map(({ message }) => message));
    // Remote findings point at no file: the location fields are absent together.
    for (const finding of outcome.findings) expect(finding.file ?? finding.line ?? finding.column ?? finding.snippet).toBeUndefined();
    const status = findings.some(({ severity }) => severity === 'error') ? 'fail' : findings.length > 0 ? 'warn' : 'pass';
    if (outcome.summary === undefined) return { status, findings };
    this.shown.push(outcome.summary);
    return { status, findings, summary: outcome.summary };
  }

  /** The requests made from now on: `const since = remote.mark(); …; since('/key')`. */
  mark(): (route?: FakeRoute) => RecordedRequest[] {
    const from = this.fake.requests.length;
    return (route) => this.fake.requests.slice(from).filter((request) => route === undefined || request.route === route);
  }

  /** Asserts that no text shown so far holds the key, or its secret part on its own. */
  expectKeyNeverShown(): void {
    const secret = this.key.slice(KEY_PREFIX.length);
    const leaks = this.shown.filter((text) => text.includes(this.key) || text.includes(secret));
    expect(leaks).toEqual([]);
  }
}

/** `YYYY-MM-DD`, `days` from today in UTC (the calendar the model-availability check counts in). */
export function utcDateIn(days: number, now = new Date()): string {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** The regex source of `openai/gpt-4o-mini answered in 12 ms, cost $0.0000018`, with any duration. */
export function answered(model: string, cost: string): string {
  return `${escapeRegExp(model)} answered in \\d+ ms, cost ${escapeRegExp(cost)}`;
}

/** `2 paid requests (run budget 10)`: a check's paid requests as its summary ends with them. */
export function paidRequests(made: number, budget = 10): string {
  return `${made} paid request${made === 1 ? '' : 's'} (run budget ${budget})`;
}

/** A whole line made of `parts` (regex sources). */
export function wholeLine(...parts: string[]): RegExp {
  return new RegExp(`^${parts.join('')}$`);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
