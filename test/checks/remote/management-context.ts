/**
 * Runs the management checks against the fake OpenRouter: the inference key of a RemoteFixture
 * plus a management key of its own, each with its own client, as the CLI opens them.
 *
 *   const management = new ManagementFixture(remote);
 *   management.serve({ managedKeys: [fakeManagedKey(remote.key, { created_at })] });
 *   expect(await management.verdictOf(check)).toEqual({ status: 'warn', … });
 */
import { expect } from 'vitest';
import type { Check } from '../../../src/checks/types.js';
import { createManagementClient, createOpenRouterClient } from '../../../src/openrouter/client.js';
import { createManagementSession, MANAGEMENT_KEY_ENV } from '../../../src/openrouter/management-api.js';
import { createRemoteSession } from '../../../src/openrouter/remote-api.js';
import type { RemoteSession } from '../../../src/openrouter/remote-api.js';
import { KEY_PREFIX } from '../../../src/workspace/secrets.js';
import { FAKE_KEYS } from '../../support/fake-openrouter.js';
import type { FakeKeyData, FakeScenario } from '../../support/fake-openrouter.js';
import { ANSWERED_REQUEST_TIMEOUT_MS } from '../../support/time-limits.js';
import { generateKey } from '../../support/workspace.js';
import { KEY_ENV, USER_AGENT } from './remote-context.js';
import type { RemoteFixture, RunOptions, Verdict } from './remote-context.js';

export interface ManagementSessionOptions {
  timeoutMs?: number;
  retries?: number;
  maxPages?: number;
  /** False: a session without a management key, as when OPENROUTER_MANAGEMENT_KEY is unset. */
  withManagement?: boolean;
  /** The key the management client sends; default the fixture's management key. */
  managementKey?: string;
}

export class ManagementFixture {
  /** Freshly generated, like the inference key. */
  readonly managementKey = generateKey();
  #sessions: RemoteSession[] = [];

  constructor(readonly remote: RemoteFixture) {}

  /** Known keys: the inference key (with `data`) and the management key, plus `scenario`. */
  serve(scenario: FakeScenario = {}, data: Partial<FakeKeyData> = {}): void {
    this.remote.fake.setScenario({ keys: this.keys(data), ...scenario });
  }

  /** `keys` of a scenario: the inference key with `data`, and the management key. */
  keys(data: Partial<FakeKeyData> = {}): Record<string, Partial<FakeKeyData>> {
    return { [this.remote.key]: data, [this.managementKey]: FAKE_KEYS.management };
  }

  session({
    timeoutMs = ANSWERED_REQUEST_TIMEOUT_MS,
    retries = 1,
    maxPages,
    withManagement = true,
    managementKey = this.managementKey,
  }: ManagementSessionOptions = {}): RemoteSession {
    const common = { baseUrl: this.remote.fake.baseUrl, timeoutMs, retries, userAgent: USER_AGENT, sleep: async () => {} };
    const client = createOpenRouterClient({ ...common, apiKey: this.remote.key });
    const management = withManagement
      ? createManagementSession(createManagementClient({ ...common, apiKey: managementKey }), MANAGEMENT_KEY_ENV, maxPages === undefined ? {} : { maxPages })
      : undefined;
    const session = createRemoteSession(client, KEY_ENV, management);
    this.#sessions.push(session);
    return session;
  }

  async verdictOf(check: Check, run: RunOptions & { management?: ManagementSessionOptions } = {}): Promise<Verdict> {
    const { management, ...rest } = run;
    return this.remote.verdictOf(check, { ...rest, remote: rest.remote ?? this.session(management) });
  }

  async closeSessions(): Promise<void> {
    const sessions = this.#sessions.splice(0);
    await Promise.all(sessions.map((session) => session.close()));
  }

  /** Neither key, nor the secret part of either, in anything shown so far. */
  expectKeysNeverShown(): void {
    this.remote.expectKeyNeverShown();
    const secret = this.managementKey.slice(KEY_PREFIX.length);
    expect(this.remote.shown.filter((text) => text.includes(secret))).toEqual([]);
  }
}
