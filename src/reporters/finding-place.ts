import type { Finding } from '../checks/types.js';

/**
 * Where findings without a file of their own (remote checks, checks that could not run) are shown
 * when no config file was read from the audited folder: the path the config would have, so the
 * place stays the same from run to run whether or not the file exists yet.
 */
export const DEFAULT_ANCHOR_FILE = '.openrouter-check.yml';

/** Where a finding is shown by a CI viewer that needs a file and a line for every entry (GitLab, GitHub code scanning). */
export interface FindingPlace {
  /** Relative to the audited root, `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based; only on a finding that has its own line. */
  column?: number;
  /** False when the finding has no file and is anchored to the config file (line 1). */
  ownFile: boolean;
}

/** The file a finding without one is anchored to: the config file read from the audited folder, else DEFAULT_ANCHOR_FILE. */
export function anchorFileOf(configFile: string | undefined): string {
  return configFile ?? DEFAULT_ANCHOR_FILE;
}

/** A finding's file, line and column; a finding with no file at line 1 of the anchor file; a file with no line at its line 1. */
export function placeOf(finding: Finding, configFile: string | undefined): FindingPlace {
  if (finding.file === undefined) return { file: anchorFileOf(configFile), line: 1, ownFile: false };
  if (finding.line === undefined) return { file: finding.file, line: 1, ownFile: true };
  return { file: finding.file, line: finding.line, ...(finding.column !== undefined ? { column: finding.column } : {}), ownFile: true };
}
