import type { CheckResult, Finding } from '../checks/types.js';
import { checkErrorFingerprint, fingerprintsIn } from '../engine/fingerprint.js';
import type { Report } from '../engine/report.js';
import { anchorFileOf, placeOf } from './finding-place.js';
import { printable } from './printable.js';
import type { RenderOptions } from './render-options.js';

/** GitLab's severities, mildest first; the merge-request widget sorts and marks entries by them. */
type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

/** One entry as GitLab's "custom tool" format documents it; GitLab ignores any other Code Climate field. */
interface CodeQualityEntry {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number } };
}

/**
 * GitLab Code Quality (`artifacts:reports:codequality`): a JSON array with one entry per finding,
 * which the merge-request widget compares with the target branch's on every tier. GitLab shows an
 * entry only with a path and a line, and stops reading the file at the first entry it rejects, so a
 * finding without a file is anchored to the config file, line 1. A check that could not run is an
 * entry too, so the widget does not look clean when a check crashed. The fingerprints are the
 * baseline's and the SARIF report's; GitLab shows entries with the same fingerprint as one.
 */
export function renderGitlab(report: Report, options: RenderOptions): string {
  const entries = report.checks.flatMap((check) =>
    check.status === 'error' ? [checkErrorEntry(check, options.configFile)] : findingEntries(check, options.configFile),
  );
  return `${JSON.stringify(entries, null, 2)}\n`;
}

function findingEntries(check: CheckResult, configFile: string | undefined): CodeQualityEntry[] {
  const fingerprints = fingerprintsIn(check);
  return check.findings.map((finding, index) => {
    const place = placeOf(finding, configFile);
    return {
      description: printable(descriptionOf(finding)),
      check_name: check.id,
      fingerprint: fingerprints[index]!,
      severity: severityOf(check, finding),
      // No column: GitLab shows and links only the line (`positions` could carry one, to no effect).
      location: { path: place.file, lines: { begin: place.line } },
    };
  });
}

/** An error in a security check (a leaked key, plain http) is `critical`; any other error `major`; a warning `minor`. */
function severityOf(check: CheckResult, finding: Finding): CodeQualitySeverity {
  if (finding.severity === 'warn') return 'minor';
  return check.category === 'security' ? 'critical' : 'major';
}

/** A notebook finding's line is in the `.ipynb` JSON; the cell is where a person finds the code. */
function descriptionOf(finding: Finding): string {
  if (finding.cell === undefined) return finding.message;
  return `${finding.message} (notebook cell ${finding.cell.index}, line ${finding.cell.line})`;
}

/** `major`: the run fails, as for an error finding, though nothing is known to be wrong in the code. */
function checkErrorEntry(check: CheckResult, configFile: string | undefined): CodeQualityEntry {
  return {
    description: printable(`${check.id} could not run: ${check.message}`),
    check_name: check.id,
    fingerprint: checkErrorFingerprint(check.id),
    severity: 'major',
    location: { path: anchorFileOf(configFile), lines: { begin: 1 } },
  };
}
