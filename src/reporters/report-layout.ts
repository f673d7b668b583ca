import { CATEGORIES } from '../checks/types.js';
import type { CheckResult, Finding } from '../checks/types.js';

export interface CategoryGroup {
  category: string;
  checks: CheckResult[];
}

/**
 * Groups checks by category in the order of CATEGORIES, keeping the report's order inside each group.
 * A category outside the list (a plugin's typo) gets its own group at the end: never dropped.
 */
export function groupByCategory(checks: readonly CheckResult[]): CategoryGroup[] {
  const groups = new Map<string, CheckResult[]>(CATEGORIES.map((category) => [category, []]));
  for (const check of checks) {
    const group = groups.get(check.category);
    if (group) group.push(check);
    else groups.set(check.category, [check]);
  }
  return [...groups].filter(([, members]) => members.length > 0).map(([category, members]) => ({ category, checks: members }));
}

/**
 * `path:line:col` (or as much of it as the finding has), the form editors and CI parsers link; in a notebook
 * `notebook.ipynb:cell 3:line 2:5`, the cell and the line in it as the notebook's editor shows them.
 */
export function locationOf(finding: Finding): string | undefined {
  if (finding.file === undefined) return undefined;
  if (finding.cell !== undefined) return `${finding.file}:cell ${finding.cell.index}:line ${finding.cell.line}:${finding.cell.column}`;
  if (finding.line === undefined) return finding.file;
  if (finding.column === undefined) return `${finding.file}:${finding.line}`;
  return `${finding.file}:${finding.line}:${finding.column}`;
}

/** A warn finding inside a failing check is marked, or it would read as one of the errors. */
export function isMarkedWarning(check: CheckResult, finding: Finding): boolean {
  return check.status === 'fail' && finding.severity === 'warn';
}
