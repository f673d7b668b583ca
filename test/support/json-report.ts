import { expect } from 'vitest';

/**
 * A JSON report as the CLI printed it, with each finding's `fingerprint` checked (present, a 32-digit hex
 * hash) and then taken out, so a test can compare findings by what a person reads. The fingerprints'
 * values are tested where they are made (test/reporters/json.test.ts, test/baseline.test.ts).
 */
export function parseJsonReport<T>(stdout: string): T {
  const report = JSON.parse(stdout) as { checks?: { findings?: Record<string, unknown>[] }[] };
  for (const check of report.checks ?? []) {
    for (const finding of check.findings ?? []) {
      expect(finding.fingerprint, JSON.stringify(finding)).toMatch(/^[0-9a-f]{32}$/);
      delete finding.fingerprint;
    }
  }
  return report as T;
}
