import { Chalk } from 'chalk';
import { CATEGORIES, CHECK_KINDS } from '../checks/types.js';
import type { Check } from '../checks/types.js';
import { defuseLogCommands } from './log-commands.js';
import { printable } from './printable.js';

/** Docs are wrapped to this many columns, so a list read in an 80-column terminal does not fold mid-word. */
export const DOCS_WIDTH = 76;

/** The columns between the id and the title, each padded to its heading or widest value. */
const CATEGORY_WIDTH = Math.max(...CATEGORIES.map((category) => category.length));
const SEVERITY_WIDTH = 'severity'.length;
const KIND_WIDTH = Math.max(...CHECK_KINDS.map((kind) => kind.length));

/**
 * `--list-checks`: a heading row, then per check its id, category, default severity, kind and title,
 * with its docs wrapped beneath and the options it takes; `--explain <id>` says more about one.
 */
export function renderCheckList(checks: readonly Check[], options: { color: boolean }): string {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const idWidth = Math.max('check'.length, ...checks.map((check) => printable(check.id).length));
  const indent = ' '.repeat(idWidth + 2);
  const row = (id: string, category: string, severity: string, kind: string, title: string): string =>
    `${id.padEnd(idWidth)}  ${category.padEnd(CATEGORY_WIDTH)}  ${severity.padEnd(SEVERITY_WIDTH)}  ${kind.padEnd(KIND_WIDTH)}  ${title}`;

  const blocks = checks.map((check) => {
    const credits = check.spendsCredits ? paint.yellow(' (spends credits)') : '';
    const lines = [
      row(
        paint.bold(printable(check.id).padEnd(idWidth)),
        printable(check.category),
        printable(check.defaultSeverity),
        printable(check.kind),
        `${printable(check.title)}${credits}`,
      ),
      ...wrapWords(printable(check.docs), DOCS_WIDTH).map((line) => `${indent}${paint.dim(line)}`),
    ];
    const optionNames = Object.keys(check.options ?? {}).map(printable);
    if (optionNames.length > 0) lines.push(`${indent}${paint.dim(`options: ${optionNames.join(', ')}`)}`);
    return lines.join('\n');
  });
  const heading = paint.dim(row('check', 'category', 'severity', 'kind', 'title'));
  const footer = paint.dim('One check in full, with its options: openrouter-check --explain <id>');
  return defuseLogCommands(`${[heading, ...blocks].join('\n\n')}\n\n${footer}\n`);
}

/** Splits text into lines of at most `width` columns at spaces; a longer word gets a line of its own. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current === '') current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}
