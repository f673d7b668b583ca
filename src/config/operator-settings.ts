import { baseUrlProblem, normalizeBaseUrl } from './base-url.js';
import type { ApiConfig } from './config.js';
import { maskSecretsIn } from '../workspace/secrets.js';

// Operator settings decide where a secret goes, which variable is read, what code runs and how long
// or how often the tool may ask: they come from flags, the environment or an operator's --config,
// never from the audited repository's own file (which the pull request under audit may have written).

/** The environment variables an operator can set instead of the flags. */
export const OPERATOR_ENV = {
  baseUrl: 'OPENROUTER_CHECK_BASE_URL',
  keyEnv: 'OPENROUTER_CHECK_KEY_ENV',
  allowPlugins: 'OPENROUTER_CHECK_ALLOW_PLUGINS',
} as const;

/** What a repository's config may set for `api.timeout_ms` and `api.retries`; more is the operator's call. */
export const REPOSITORY_TIMEOUT_MS = { min: 1000, max: 30_000 } as const;
export const REPOSITORY_RETRIES = { min: 0, max: 3 } as const;

/** The retries an operator may allow (the client waits at most 30 s in all between them anyway). */
export const MAX_RETRIES = 10;

interface OperatorSetting {
  /** What a repository's value would do, completing "the audited repository …". */
  why: string;
  /** The flag and variable to use instead. */
  use: string;
  /** Set for budgets: only values beyond the repository's bounds are the operator's. */
  beyond?: string;
}

/** The config settings a repository's file may not make (or only within bounds), keyed by their path. */
export const OPERATOR_SETTINGS = {
  'api.base_url': {
    why: 'cannot choose where the key goes',
    use: `--base-url or ${OPERATOR_ENV.baseUrl}`,
  },
  'api.key_env': {
    why: 'cannot choose which environment variable is sent as the key',
    use: `--key-env or ${OPERATOR_ENV.keyEnv}`,
  },
  'api.timeout_ms': {
    why: `may set ${REPOSITORY_TIMEOUT_MS.min} to ${REPOSITORY_TIMEOUT_MS.max} ms`,
    use: '--timeout',
    beyond: `outside ${REPOSITORY_TIMEOUT_MS.min}..${REPOSITORY_TIMEOUT_MS.max}`,
  },
  'api.retries': {
    why: `may set ${REPOSITORY_RETRIES.min} to ${REPOSITORY_RETRIES.max} (each retry may be one more paid request)`,
    use: '--retries',
    beyond: `above ${REPOSITORY_RETRIES.max}`,
  },
} satisfies Record<string, OperatorSetting>;

export type OperatorSettingPath = keyof typeof OPERATOR_SETTINGS;

/** The refusal of an operator setting found in a repository's config, naming what to use instead. */
export function operatorSettingRefusal(path: OperatorSettingPath): string {
  const setting: OperatorSetting = OPERATOR_SETTINGS[path];
  const which = setting.beyond === undefined ? path : `${path} ${setting.beyond}`;
  return `${which} is an operator setting: the audited repository ${setting.why}; use ${setting.use} (or --config with a file outside the audited folder)`;
}

/**
 * The checks that guard the key itself. The audited repository may not turn them off or lower them: a
 * pull request could otherwise silence the very finding it adds. The operator can (`--skip`, or `--config`).
 */
export const KEY_GUARD_CHECKS: ReadonlySet<string> = new Set(['hardcoded-key', 'https-only']);

/** The refusal of a repository's file turning off or lowering a key-guard check. */
export function keyGuardRefusal(path: string, id: string, severity: string): string {
  return `${path}: ${severity} is an operator setting for ${id}: the audited repository cannot turn off or lower a check that guards the key; use --skip ${id} (or --config with a file outside the audited folder)`;
}

/** Why `name` cannot be the name of the variable holding the key, or undefined. Never echoes what looks like a key. */
export function keyEnvProblem(name: string): string | undefined {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  if (name.startsWith('sk-')) return 'must name the environment variable that holds the API key (such as OPENROUTER_API_KEY), not the key itself';
  return 'must be an environment variable name such as OPENROUTER_API_KEY';
}

/** The operator's flags that override the config's `api` settings. */
export interface OperatorFlags {
  baseUrl?: string;
  keyEnv?: string;
  timeout?: number;
  retries?: number;
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; error: string };

/** A flag, else its variable when set and not empty; with the name messages give it. */
function flagOrEnv(flag: string | undefined, flagName: string, env: NodeJS.ProcessEnv, variable: string): { value: string; from: string } | undefined {
  if (flag !== undefined) return { value: flag, from: flagName };
  const fromEnv = env[variable];
  return fromEnv === undefined || fromEnv.trim() === '' ? undefined : { value: fromEnv, from: variable };
}

/** The config's `api` settings with the operator's flags and environment over them: flag, then variable, then file. */
export function withOperatorSettings(api: ApiConfig, flags: OperatorFlags, env: NodeJS.ProcessEnv): Resolved<ApiConfig> {
  const resolved = { ...api };
  const baseUrl = flagOrEnv(flags.baseUrl, '--base-url', env, OPERATOR_ENV.baseUrl);
  if (baseUrl) {
    const problem = baseUrlProblem(baseUrl.value);
    if (problem) return { ok: false, error: `error: ${baseUrl.from}: base URL ${quoteValue(baseUrl.value)} ${problem}` };
    resolved.baseUrl = normalizeBaseUrl(baseUrl.value);
  }
  const keyEnv = flagOrEnv(flags.keyEnv, '--key-env', env, OPERATOR_ENV.keyEnv);
  if (keyEnv) {
    const name = keyEnv.value.trim();
    const problem = keyEnvProblem(name);
    if (problem) return { ok: false, error: `error: ${keyEnv.from} ${problem}` };
    resolved.keyEnv = name;
  }
  if (flags.timeout !== undefined) resolved.timeoutMs = flags.timeout;
  if (flags.retries !== undefined) resolved.retries = flags.retries;
  return { ok: true, value: resolved };
}

/** `--allow-plugins`, or `OPENROUTER_CHECK_ALLOW_PLUGINS=1` (or `true`; `0`, `false` or empty say no). */
export function pluginsAllowed(flag: boolean | undefined, env: NodeJS.ProcessEnv): Resolved<boolean> {
  if (flag === true) return { ok: true, value: true };
  const raw = env[OPERATOR_ENV.allowPlugins]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return { ok: true, value: false };
  if (raw === '1' || raw === 'true') return { ok: true, value: true };
  return { ok: false, error: `error: ${OPERATOR_ENV.allowPlugins} must be 1 (allow plugins) or 0 (got ${quoteValue(env[OPERATOR_ENV.allowPlugins]!)})` };
}

/** The one stderr line saying which `plugins:` entries did not load, why, and how to allow them. */
export function pluginsNotLoadedWarning(plugins: readonly string[], ignoredCheckIds: readonly string[]): string {
  const ignored =
    ignoredCheckIds.length === 0
      ? ''
      : `; settings for ${ignoredCheckIds.map((id) => `checks.${shownName(id)}`).join(', ')} ignored (no known check has that id)`;
  return (
    `warning: plugins not loaded: ${plugins.map(shownName).join(', ')} ` +
    `(a plugin is code from the config; allow it with --allow-plugins or ${OPERATOR_ENV.allowPlugins}=1)${ignored}`
  );
}

/** A name bare when it is a plain path or id, else quoted. */
function shownName(name: string): string {
  return /^[\w./@-]{1,60}$/.test(name) && maskSecretsIn(name) === name ? name : quoteValue(name);
}

/** A value as a message quotes it: JSON-quoted (so nothing starts a new line), credentials masked, at most 60 characters. */
function quoteValue(value: string): string {
  const masked = maskSecretsIn(value);
  return JSON.stringify(masked.length > 60 ? `${masked.slice(0, 59)}…` : masked);
}
