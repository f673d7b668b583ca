import { createHash } from 'node:crypto';
import type { CheckResult, Finding } from '../checks/types.js';

/**
 * A finding's identity across runs: the check, the file and what the line says (its snippet,
 * whitespace-collapsed; the message when there is no snippet) — never the line number, so an
 * edit elsewhere in the file does not change it. Secrets are in snippets only masked, and the
 * result is a hash, so a fingerprint never carries a key.
 */
export function fingerprintsOf(checkId: string, findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const content = (finding.snippet ?? finding.message).replace(/\s+/g, ' ').trim();
    const identity = `${checkId}\u0000${finding.file ?? ''}\u0000${content}`;
    // The same line written twice in one file: the second is its own finding.
    const occurrence = seen.get(identity) ?? 0;
    seen.set(identity, occurrence + 1);
    return hash(`${identity}\u0000${occurrence}`);
  });
}

/**
 * The fingerprints of a check's findings as the reports show them: the ones the run set (before a
 * baseline left any out), else computed here, for a report built by hand.
 */
export function fingerprintsIn(check: Pick<CheckResult, 'id' | 'findings'>): string[] {
  if (check.findings.every((finding) => finding.fingerprint !== undefined)) return check.findings.map((finding) => finding.fingerprint!);
  const computed = fingerprintsOf(check.id, check.findings);
  return check.findings.map((finding, index) => finding.fingerprint ?? computed[index]!);
}

/**
 * The identity of "this check could not run", for reports that list it among the findings: the
 * check alone, not the cause, so a check that keeps failing stays one entry from run to run.
 */
export function checkErrorFingerprint(checkId: string): string {
  // One NUL where a finding's identity has three: the two never hash the same text.
  return hash(`${checkId}\u0000could not run`);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
