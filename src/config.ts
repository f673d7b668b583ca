import type { Check, CheckOptionValues, Severity } from './checks/types.js';

/** Model ids the app depends on. */
export interface ModelsConfig {
  primary?: string;
  fallbacks: string[];
  required: string[];
}

export interface ScanConfig {
  /** gitignore-style patterns; when non-empty, only matching files are audited. */
  include: string[];
  /** gitignore-style patterns added to the default excludes. */
  exclude: string[];
  /** Bytes; larger files are skipped and named in the report. */
  maxFileSize: number;
}

export interface ApiConfig {
  baseUrl: string;
  /** Name of the environment variable holding the API key. */
  keyEnv: string;
  timeoutMs: number;
  retries: number;
}

export interface CheckSetting {
  severity: Severity | 'off';
  options: CheckOptionValues;
}

export interface Config {
  /** Absolute path of the config file that was read, if any. */
  configFile?: string;
  /** One entry per known check, defaults filled. */
  checks: Record<string, CheckSetting>;
  scan: ScanConfig;
  models: ModelsConfig;
  api: ApiConfig;
  /** Module specifiers of third-party checks. */
  plugins: string[];
}

export interface LoadConfigInput {
  /** Absolute path of the audited root; `.openrouter-check.yml` is looked up there. */
  root: string;
  /** `--config`: a path relative to the working directory. */
  configPath?: string;
  /** The known checks, to validate ids and options. */
  checks: readonly Check[];
}

export type ConfigOutcome = { ok: true; config: Config } | { ok: false; error: string };

export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;
