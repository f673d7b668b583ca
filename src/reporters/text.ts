import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckResult, CheckStatus, Finding } from '../checks/types.js';
import type { Report, ReportSummary, SkipReason, WorkspaceSummary } from '../report.js';
import type { RenderOptions } from './render-options.js';
import { printable } from './printable.js';
import { groupByCategory, isMarkedWarning, locationOf } from './report-layout.js';

/** Files named under the audit line before the rest are counted. */
const MAX_NAMED_SKIPPED_FILES = 10;

/** A message that only counts the findings listed below it says nothing new. */
const COUNT_ONLY = /^(?:no findings|\d+ errors?(?:, \d+ warnings?)?|\d+ warnings?)$/;

const STATUS_ICONS: Record<CheckStatus, string> = { pass: '✔', fail: '✖', warn: '⚠', skip: '○', error: '!' };

const SKIP_REASON_WORDS: Record<SkipReason, (count: number) => string> = {
  binary: (count) => `${count} binary`,
  'too-large': (count) => `${count} over the size limit`,
  unreadable: (count) => `${count} unreadable`,
  symlink: (count) => `${count} ${count === 1 ? 'symlink' : 'symlinks'}`,
};

/** The report for people: what was audited, each check by category, its findings and fix, a summary. */
export function renderText(report: Report, options: RenderOptions): string {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [];

  if (options.quiet) {
    const failing = groupByCategory(report.checks).flatMap((group) => group.checks.filter((check) => failsRun(check, options)));
    const idWidth = widestId(failing);
    for (const check of failing) lines.push(...checkBlock(check, { indent: '', idWidth, paint, options }));
    if (lines.length > 0) lines.push('');
    lines.push(summaryLine(report.summary, paint));
    return `${lines.join('\n')}\n`;
  }

  lines.push(`${paint.bold(printable(report.tool.name))} ${printable(report.tool.version)} · ${printable(report.root)}`);
  lines.push(...auditLines(report.workspace, paint));
  const idWidth = widestId(report.checks);
  for (const group of groupByCategory(report.checks)) {
    lines.push('', paint.bold(capitalize(printable(group.category))));
    for (const check of group.checks) lines.push(...checkBlock(check, { indent: '  ', idWidth, paint, options }));
  }
  lines.push('', summaryLine(report.summary, paint));
  return `${lines.join('\n')}\n`;
}

/** Ids are padded to the widest shown so titles line up in a column. */
function widestId(checks: readonly CheckResult[]): number {
  return Math.max(0, ...checks.map((check) => check.id.length));
}

/** Whether this check's status makes the run exit 1 (what `--quiet` keeps). */
function failsRun(check: CheckResult, options: RenderOptions): boolean {
  return check.status === 'fail' || check.status === 'error' || (check.status === 'warn' && options.failOn === 'warn');
}

/** `N files scanned, M skipped (…)`, then the skipped files that may hide a finding. */
function auditLines(workspace: WorkspaceSummary, paint: ChalkInstance): string[] {
  const reasons = (Object.keys(SKIP_REASON_WORDS) as SkipReason[]).filter((reason) => workspace.filesSkipped[reason] > 0);
  const skippedCount = reasons.reduce((total, reason) => total + workspace.filesSkipped[reason], 0);
  const scanned = `${workspace.filesScanned} ${workspace.filesScanned === 1 ? 'file' : 'files'} scanned`;
  const breakdown = reasons.map((reason) => SKIP_REASON_WORDS[reason](workspace.filesSkipped[reason])).join(', ');
  const lines = [skippedCount === 0 ? `${scanned}, 0 skipped` : `${scanned}, ${skippedCount} skipped (${breakdown})`];

  const named = workspace.skipped.filter((entry) => entry.reason === 'too-large' || entry.reason === 'unreadable');
  for (const entry of named.slice(0, MAX_NAMED_SKIPPED_FILES)) {
    const why = entry.reason === 'too-large' ? 'over the size limit' : 'unreadable';
    lines.push(paint.dim(`  skipped: ${printable(entry.file)} (${why})`));
  }
  if (named.length > MAX_NAMED_SKIPPED_FILES) lines.push(paint.dim(`  … and ${named.length - MAX_NAMED_SKIPPED_FILES} more`));
  return lines;
}

interface BlockStyle {
  indent: string;
  idWidth: number;
  paint: ChalkInstance;
  options: RenderOptions;
}

/** One check: its status line, its findings (clickable locations), and the fix hint once. */
function checkBlock(check: CheckResult, { indent, idWidth, paint, options }: BlockStyle): string[] {
  const icon = statusIcon(check.status, paint);
  let heading = `${indent}${icon} ${paint.bold(check.id.padEnd(idWidth))}  ${printable(check.title)}`;
  if (check.status === 'skip') heading += paint.dim(` — skipped: ${printable(check.message)}`);
  else if (check.status === 'error') heading += ` — ${paint.red(`error: ${printable(check.message)}`)}`;
  // Beyond a count, a message says what the check learnt (a key's limit, a latency, suppressions).
  else if (!COUNT_ONLY.test(check.message)) heading += paint.dim(` — ${printable(check.message)}`);
  const lines = [heading];

  const findingIndent = `${indent}  `;
  for (const finding of check.findings) lines.push(`${findingIndent}${findingLine(check, finding, paint)}`);
  const hint = options.hints[check.id];
  if (check.findings.length > 0 && hint !== undefined) lines.push(`${findingIndent}${paint.dim(`fix: ${printable(hint)}`)}`);
  return lines;
}

function findingLine(check: CheckResult, finding: Finding, paint: ChalkInstance): string {
  const marker = isMarkedWarning(check, finding) ? paint.yellow('warn: ') : '';
  const message = `${marker}${printable(finding.message)}`;
  const location = locationOf(finding);
  return location === undefined ? message : `${paint.cyan(printable(location))}  ${message}`;
}

function statusIcon(status: CheckStatus, paint: ChalkInstance): string {
  const icon = STATUS_ICONS[status];
  if (status === 'pass') return paint.green(icon);
  if (status === 'warn') return paint.yellow(icon);
  if (status === 'skip') return paint.dim(icon);
  return paint.red(icon);
}

/** Exactly `N passed, N failed, N warned, N skipped`, plus `, N errored` only when some errored. */
function summaryLine(summary: ReportSummary, paint: ChalkInstance): string {
  const parts = [
    tint(`${summary.passed} passed`, summary.passed, paint.green),
    tint(`${summary.failed} failed`, summary.failed, paint.red),
    tint(`${summary.warned} warned`, summary.warned, paint.yellow),
    tint(`${summary.skipped} skipped`, summary.skipped, paint.dim),
  ];
  if (summary.errored > 0) parts.push(paint.red(`${summary.errored} errored`));
  return parts.join(', ');
}

function tint(text: string, count: number, colour: (text: string) => string): string {
  return count > 0 ? colour(text) : text;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
