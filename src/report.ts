import type { CheckResult } from './checks/types.js';

/** Why a file found by the walk was not audited. */
export type SkipReason = 'binary' | 'too-large' | 'unreadable' | 'symlink';

/** What the workspace scan covered, so nothing is silently lost. */
export interface WorkspaceSummary {
  filesScanned: number;
  filesSkipped: Record<SkipReason, number>;
  /** Files over the size limit or unreadable: they may hide a finding, so they are named. */
  skipped: { file: string; reason: SkipReason }[];
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
