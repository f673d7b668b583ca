import { Chalk } from 'chalk';
import type { Check } from '../checks/types.js';

/** `--list-checks`: each check's id, category, default severity, kind and docs. */
export function renderCheckList(checks: readonly Check[], options: { color: boolean }): string {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const idWidth = Math.max(...checks.map((check) => check.id.length));
  const lines = checks.map((check) =>
    [
      `${paint.bold(check.id.padEnd(idWidth))}  ${check.category.padEnd(12)} ${check.defaultSeverity.padEnd(5)}  ${check.kind.padEnd(6)}  ${check.title}`,
      `${' '.repeat(idWidth + 2)}${paint.dim(check.docs)}`,
    ].join('\n'),
  );
  return `${lines.join('\n\n')}\n`;
}
