import type { CheckResult, CheckStatus } from '../checks/types.js';
import type { Report } from '../engine/report.js';
import { codeSpan, markdownText } from './markdown.js';
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
    for (const check of group.checks)
      lines.push(`| ${codeSpan(check.id)} | ${markdownText(group.category)} | ${STATUS_MARKS[check.status]} | ${markdownText(check.message)} |`);
  }
  const withFindings = report.checks.filter((check) => check.findings.length > 0);
  let listed = 0;
  for (const check of withFindings) {
    lines.push('', `### ${markdownText(check.id)}`, '');
    for (const finding of check.findings) {
      if (listed === MAX_LISTED_FINDINGS) break;
      const where = locationOf(finding);
      // A file name shows literally in its code span; the message is text that cannot open markup.
      lines.push(`- ${finding.severity === 'warn' ? '⚠️ ' : ''}${where ? `${codeSpan(where)} ` : ''}${markdownText(finding.message)}`);
      listed++;
    }
  }
  const total = withFindings.reduce((sum, check: CheckResult) => sum + check.findings.length, 0);
  if (total > listed) lines.push('', `… and ${total - listed} more findings: see the job log or the report files.`);
  return `${lines.join('\n')}\n`;
}
