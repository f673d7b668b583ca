import { expect } from 'vitest';
import type { CheckResult, Finding } from '../../../src/checks/types.js';
import type { Report } from '../../../src/engine/report.js';
import { runCli } from '../../support/cli.js';
import type { CliRun, CliRunOptions } from '../../support/cli.js';

/** A frame of a stack trace as Node prints one: what a user must never see. */
export const STACK_FRAME = /\n\s+at /;

export interface Audit {
  run: CliRun;
  report: Report;
}

/**
 * Audits `root` offline through the built CLI with a JSON report on stdout, and holds the run to what
 * every hostile case owes a user: it ends (killed as hung otherwise), exits 0 or 1, prints
 * valid JSON and no stack trace.
 */
export async function auditJson(root: string, args: readonly string[] = [], options: CliRunOptions = {}): Promise<Audit> {
  const run = await runCli([root, '--offline', '--format', 'json', ...args], options);
  expect(run.stderr).not.toMatch(STACK_FRAME);
  expect(run.status, run.stderr).toBeOneOf([0, 1]);
  return { run, report: JSON.parse(run.stdout) as Report };
}

export function checkOf(report: Report, id: string): CheckResult {
  const check = report.checks.find((candidate) => candidate.id === id);
  if (!check) throw new Error(`no check ${id} in the report`);
  return check;
}

/** Where a finding points, for exact comparisons: the check id, file, line and column. */
export interface Place {
  check: string;
  file: string | undefined;
  line: number | undefined;
  column: number | undefined;
}

/** Every finding of the given checks that points at a file, in report order. */
export function placesOf(report: Report, ids: readonly string[]): Place[] {
  return report.checks
    .filter((check) => ids.includes(check.id))
    .flatMap((check) => check.findings.filter((finding) => finding.file !== undefined).map((finding) => placeOf(check.id, finding)));
}

function placeOf(check: string, finding: Finding): Place {
  return { check, file: finding.file, line: finding.line, column: finding.column };
}

/** The messages of a check's findings that point at no file (warnings about the run itself). */
export function unplacedMessages(report: Report, id: string): string[] {
  return checkOf(report, id)
    .findings.filter((finding) => finding.file === undefined)
    .map((finding) => finding.message);
}
