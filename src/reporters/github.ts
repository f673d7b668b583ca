import type { CheckResult, Finding } from '../checks/types.js';
import type { Report } from '../engine/report.js';
import { printable } from './printable.js';
import type { RenderOptions } from './render-options.js';

/**
 * GitHub Actions workflow commands: one `::error` or `::warning` line per finding, which GitHub
 * shows as an annotation on the file and line (in the pull request diff too), plus one per check
 * that could not run. Findings without a file (remote checks) are annotations on the run.
 */
export function renderGithub(report: Report, options: RenderOptions): string {
  const lines: string[] = [];
  for (const check of report.checks) {
    if (check.status === 'error') lines.push(command('error', { title: `openrouter-check ${check.id}` }, `${check.id} could not run: ${check.message}`));
    for (const finding of check.findings) lines.push(annotationOf(check, finding, options));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function annotationOf(check: CheckResult, finding: Finding, options: RenderOptions): string {
  // Under --fail-on warn a warning fails the run: it is an error annotation, as the exit code says.
  const level = finding.severity === 'error' || options.failOn === 'warn' ? 'error' : 'warning';
  const properties: Record<string, string | number | undefined> = {
    file: finding.file,
    line: finding.line,
    col: finding.column,
    // The line is in the notebook's JSON text: the title says which cell and line a person looks at.
    title: `openrouter-check ${check.id}${finding.cell ? ` (cell ${finding.cell.index}, line ${finding.cell.line})` : ''}`,
  };
  return command(level, properties, finding.message);
}

/**
 * One workflow command. Untrusted text (file names, messages) is escaped as actions/toolkit does, so
 * the runner reads it back as it was and nothing in it can end the command or start another line.
 */
function command(level: 'error' | 'warning', properties: Record<string, string | number | undefined>, message: string): string {
  const written = Object.entries(properties)
    .filter(([, value]) => value !== undefined)
    // The file keeps its line breaks (escaped, the runner turns them back) so the annotation lands on the real file.
    .map(([name, value]) => `${name}=${escapeProperty(name === 'file' ? withoutControls(String(value)) : printable(String(value)))}`)
    .join(',');
  return `::${level} ${written}::${escapeData(printable(message))}`;
}

/** A file name without the characters that could recolour or reorder the log; CR and LF stay, to be escaped. */
function withoutControls(text: string): string {
  return text
    .split(/(\r|\n)/)
    .map((part) => (part === '\r' || part === '\n' ? part : printable(part)))
    .join('');
}

/** The escaping GitHub's runner expects (actions/toolkit `command.ts`): `%` first, then CR and LF. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Properties also escape their separators: `:` ends the properties, `,` separates them. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
