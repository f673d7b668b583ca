import type { Severity } from '../checks/types.js';

/** How a report is rendered; the CLI builds this from its flags and the check registry. */
export interface RenderOptions {
  /** ANSI colours in the text report; machine formats ignore it. */
  color: boolean;
  /** Text report: only what fails the run, and the summary line. */
  quiet: boolean;
  /** The lowest severity that fails the run: the JUnit report must agree with the exit code. */
  failOn: Severity;
  /** Check id → how to fix it (the check's docs), shown under a check with findings. */
  hints: Readonly<Record<string, string>>;
  /** Check id → its documentation page: built-in checks only (a plugin's check has none). */
  docsUrls?: Readonly<Record<string, string>>;
  /** The config file relative to the audited root, if one was read: where SARIF and GitLab anchor findings that have no file. */
  configFile?: string;
  /** Text report: each check's duration, and the run's. */
  verbose?: boolean;
  /**
   * Text report: the audited text of a 1-based line of a root-relative file, or undefined when
   * that file was not audited. With it, findings show their real line with a caret under the
   * column; without it, only the trimmed snippet.
   */
  lineOf?: (file: string, line: number) => string | undefined;
}
