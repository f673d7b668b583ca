import type { CheckResult } from '../checks/types.js';

/** Why a listed file was not analysed by the code checks (binary, too large) or not read at all (unreadable, symlink). */
export type SkipReason = 'binary' | 'too-large' | 'unreadable' | 'symlink';

/** What the workspace scan covered, so nothing is silently lost. */
export interface WorkspaceSummary {
  /** The files the code checks analysed (the code scope). */
  filesScanned: number;
  filesSkipped: Record<SkipReason, number>;
  /** Files over the size limit or unreadable: they may hide a finding, so they are named. */
  skipped: { file: string; reason: SkipReason }[];
  /** Where the file set came from: `tracked and untracked files git does not ignore`, `walk (not a git repository)`, … */
  fileSet?: string;
  /** How many files each scope covered; absent only in reports made by hand. */
  scopes?: WorkspaceScopes;
}

export interface WorkspaceScopes {
  /** Every file of the set, searched byte by byte for keys and plain-http URLs (binaries and files of any size included). */
  secrets: {
    files: number;
    /** How many of them were searched for keys only: the repository config's scan rules leave them out of everything else. */
    keysOnly?: number;
  };
  /**
   * The files the code checks analysed; generated or vendored code (`dist/`, `build/`, `vendor/`, `*.min.js`, …)
   * is left out of it and counted, with the paths that make it so (`generatedPaths`, the first 100).
   */
  code: { files: number; generated: number; generatedPaths: string[] };
}

export interface ReportSummary {
  passed: number;
  failed: number;
  warned: number;
  skipped: number;
  errored: number;
}

/** Where the remote checks sent the API key: set only when they ran with one. */
export interface RemoteTarget {
  /** Host (and port, if not the default), such as `openrouter.ai`. */
  host: string;
  /** The base URL requests went to, without credentials. */
  baseUrl: string;
}

/** The `plugins:` entries the config listed and the run did not load (the operator did not allow plugins). */
export interface PluginsSummary {
  notLoaded: string[];
}

/** The whole result of a run: plain data, the input of every reporter. */
export interface Report {
  schemaVersion: 1;
  tool: { name: string; version: string };
  /** Absolute path of the audited root. */
  root: string;
  remote?: RemoteTarget;
  /** Set only when some `plugins:` entries were not loaded. */
  plugins?: PluginsSummary;
  durationMs: number;
  summary: ReportSummary;
  checks: CheckResult[];
  workspace: WorkspaceSummary;
}

/** Counts check results by status. */
export function summarize(checks: readonly CheckResult[]): ReportSummary {
  const summary: ReportSummary = { passed: 0, failed: 0, warned: 0, skipped: 0, errored: 0 };
  for (const check of checks) {
    if (check.status === 'pass') summary.passed++;
    else if (check.status === 'fail') summary.failed++;
    else if (check.status === 'warn') summary.warned++;
    else if (check.status === 'skip') summary.skipped++;
    else summary.errored++;
  }
  return summary;
}
