import type { CheckResult, CheckStatus } from '../checks/types.js';
import type { Report } from '../report.js';
import { printable } from './printable.js';
import { groupByCategory, locationOf } from './report-layout.js';

const STATUS_MARKS: Record<CheckStatus, string> = { pass: '✅ pass', fail: '❌ fail', warn: '⚠️ warn', skip: '⏭️ skip', error: '🛑 error' };
/** A step summary is a page, not a log: past this, findings are counted, not listed. */
const MAX_LISTED_FINDINGS = 50;

/** The Markdown GitHub shows on the run's summary page (`$GITHUB_STEP_SUMMARY`). */
export function renderStepSummary(report: Report): string {
  const { passed, failed, warned, skipped, errored } = report.summary;
  const verdict = failed + errored > 0 ? '❌ not ready' : warned > 0 ? '⚠️ ready, with warnings' : '✅ ready';
  const lines = [
    `## openrouter-check: ${verdict}`,
    '',
    `${passed} passed, ${failed} failed, ${warned} warned, ${skipped} skipped${errored ? `, ${errored} errored` : ''} · ${report.workspace.filesScanned} files scanned`,
    '',
    '| check | category | status | result |',
    '|---|---|---|---|',
  ];
  for (const group of groupByCategory(report.checks)) {
    for (const check of group.checks) lines.push(`| \`${check.id}\` | ${group.category} | ${STATUS_MARKS[check.status]} | ${cell(check.message)} |`);
  }
  const withFindings = report.checks.filter((check) => check.findings.length > 0);
  let listed = 0;
  for (const check of withFindings) {
    lines.push('', `### ${check.id}`, '');
    for (const finding of check.findings) {
      if (listed === MAX_LISTED_FINDINGS) break;
      const where = locationOf(finding);
      lines.push(`- ${finding.severity === 'warn' ? '⚠️ ' : ''}${where ? `\`${printable(where)}\` ` : ''}${printable(finding.message)}`);
      listed++;
    }
  }
  const total = withFindings.reduce((sum, check: CheckResult) => sum + check.findings.length, 0);
  if (total > listed) lines.push('', `… and ${total - listed} more findings: see the job log or the report files.`);
  return `${lines.join('\n')}\n`;
}

/** Text in a table cell: no pipes or line breaks to break the row. */
function cell(text: string): string {
  return printable(text).replace(/\|/g, '\\|');
}
