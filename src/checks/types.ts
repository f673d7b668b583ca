import type { Workspace } from '../workspace/workspace.js';
import type { ModelsConfig } from '../config/config.js';
import type { RemoteApi } from '../openrouter/remote-api.js';

/** How bad a finding is. `error` fails the run; `warn` fails it only under `--fail-on warn`. */
export const SEVERITIES = ['error', 'warn'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What `checks.<id>:` may set in the config: a severity, or `off`. */
export const SEVERITY_SETTINGS = ['off', ...SEVERITIES] as const;
export type SeveritySetting = (typeof SEVERITY_SETTINGS)[number];

/** Every category, in the order reports group them: what leaks first, what merely degrades last. */
export const CATEGORIES = ['security', 'cost', 'reliability', 'availability'] as const;
export type Category = (typeof CATEGORIES)[number];

/** `static` reads the Workspace; `remote` asks the OpenRouter API and needs a key. */
export const CHECK_KINDS = ['static', 'remote'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** A check's outcome. `skip` and `error` carry a message saying why. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'error';

/** One thing a check found. Location fields are present together or not at all. */
export interface Finding {
  message: string;
  severity: Severity;
  /** Relative to the audited root, `/` separators. */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based, in UTF-16 code units like editors count them. */
  column?: number;
  /** The source line, trimmed and with any secret masked. */
  snippet?: string;
  /**
   * In a Jupyter notebook, the code cell the finding is in (`line`/`column` above are in the `.ipynb` file's
   * JSON text): `index` is 1-based counting every cell, markdown included; `line` and `column` are 1-based in the cell.
   */
  cell?: NotebookCell;
  /**
   * The finding's identity across runs (src/engine/fingerprint.ts), set by the run before a baseline leaves
   * any finding out, so every report and the baseline agree; a value a check sets is replaced.
   */
  fingerprint?: string;
}

/** A position inside a notebook's cell, as the notebook's editor shows it. */
export interface NotebookCell {
  index: number;
  line: number;
  column: number;
}

/** The schema of one option a check accepts under `checks.<id>` in the config. */
export type CheckOptionSchema =
  | { type: 'integer'; description: string; default: number; minimum?: number }
  | { type: 'number'; description: string; default: number; minimum?: number }
  | { type: 'string'; description: string; default?: string }
  | { type: 'boolean'; description: string; default: boolean };

/** Option values after validation and defaults. */
export type CheckOptionValues = Readonly<Record<string, number | string | boolean | undefined>>;

export interface CheckContext {
  /** Absolute path of the audited root. */
  root: string;
  /** The files to audit, read once and shared by every static check. */
  workspace: Workspace;
  /** The severity this check runs at (its default, or the config's override). */
  severity: Severity;
  /** This check's options, validated, with defaults filled. */
  options: CheckOptionValues;
  /** Model ids from the config. */
  models: ModelsConfig;
  /** Aborted when the check's time limit passes or the run is cancelled. */
  signal: AbortSignal;
  /** The OpenRouter API with the audited key; set whenever a `remote` check runs. */
  remote?: RemoteApi;
  /**
   * Whether a root-relative path is within the scan's include/exclude rules; for checks that learn
   * of files from elsewhere (git). Absent means every path is.
   */
  inScope?: (path: string) => boolean;
}

/**
 * What a check's `run` may return besides a bare `Finding[]`: a one-line summary for the report
 * (the key's usage against its limit, a completion's latency), or a reason it did not apply.
 */
export interface CheckOutcome {
  findings: Finding[];
  /** Shown as the check's message instead of the count of findings. */
  summary?: string;
  /** The check found nothing to do (no fallbacks configured): reported as `skip` with this reason. */
  skipReason?: string;
}

/** The contract every check, built-in or plugin, fulfils (see DESIGN.md). */
export interface Check {
  /** kebab-case and stable: used in config, suppressions and every report. */
  id: string;
  /** One line, for people. */
  title: string;
  category: Category;
  kind: CheckKind;
  defaultSeverity: Severity;
  /** Why it matters and how to fix it, 1-3 sentences. */
  docs: string;
  /** Options accepted under `checks.<id>` besides `severity`. */
  options?: Readonly<Record<string, CheckOptionSchema>>;
  /** Sends billable requests (completions); `--no-spend` skips it. */
  spendsCredits?: boolean;
  /** A remote check that also reads the code (model ids): the workspace is loaded for it. */
  readsWorkspace?: boolean;
  /**
   * A static check about the project as a whole (its CI configuration), meaningless on a subset of
   * its files: skipped by `--staged` and `--changed-since`.
   */
  wholeProject?: boolean;
  /** `[]` means pass. A thrown error becomes this check's `error` status. */
  run(ctx: CheckContext): Promise<Finding[] | CheckOutcome>;
}

/** What one check's run produced, as the report shows it. */
export interface CheckResult {
  id: string;
  title: string;
  category: Category;
  kind: CheckKind;
  status: CheckStatus;
  severity: Severity;
  durationMs: number;
  /** One line: a summary for pass/fail/warn, the reason for skip, the cause for error. */
  message: string;
  findings: Finding[];
}
