import { describe, expect, it } from 'vitest';
import { fingerprintsIn } from '../../src/engine/fingerprint.js';
import type { Report } from '../../src/engine/report.js';
import { render } from '../../src/reporters/index.js';
import { renderJson } from '../../src/reporters/json.js';
import { expectGolden } from '../support/golden.js';
import { failingReport, passingReport, sampleOptions, warningReport } from '../support/sample-reports.js';

const SAMPLES: [string, Report][] = [
  ['failing', failingReport],
  ['passing', passingReport],
  ['warning', warningReport],
];

/** The same data with every object's keys in reverse order, and a stray runtime field. */
function scrambled<T>(value: T): T {
  if (Array.isArray(value)) return value.map(scrambled) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value)
    .reverse()
    .map(([key, inner]) => [key, scrambled(inner)]);
  return Object.fromEntries([['internalNote', 'not part of the schema'], ...entries]) as T;
}

/** The report as the run makes it: every finding carries its fingerprint. */
function fingerprinted(report: Report): Report {
  return {
    ...report,
    checks: report.checks.map((check) => ({
      ...check,
      findings: check.findings.map((finding, index) => ({ ...finding, fingerprint: fingerprintsIn(check)[index]! })),
    })),
  };
}

describe('renderJson', () => {
  it.each(SAMPLES)('%s matches its golden file', (name, report) => {
    expectGolden(`${name}.json`, renderJson(report));
  });

  it.each(SAMPLES)('%s round-trips through JSON.parse', (_name, report) => {
    expect(JSON.parse(renderJson(report))).toEqual(fingerprinted(report));
  });

  it('writes the schema key order whatever order the input was built in', () => {
    const parsed = JSON.parse(renderJson(scrambled(failingReport))) as Record<string, unknown> & {
      tool: object;
      summary: object;
      checks: { findings: object[] }[];
      workspace: { filesSkipped: object; skipped: object[] };
    };
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'tool', 'root', 'remote', 'durationMs', 'summary', 'checks', 'workspace']);
    expect(Object.keys(parsed.remote as object)).toEqual(['host', 'baseUrl']);
    expect(Object.keys(parsed.tool)).toEqual(['name', 'version']);
    expect(Object.keys(parsed.summary)).toEqual(['passed', 'failed', 'warned', 'skipped', 'errored']);
    for (const check of parsed.checks) {
      expect(Object.keys(check)).toEqual(['id', 'title', 'category', 'kind', 'status', 'severity', 'durationMs', 'message', 'findings']);
    }
    const findings = parsed.checks.flatMap((check) => check.findings);
    expect(Object.keys(findings[0] ?? {})).toEqual(['message', 'severity', 'file', 'line', 'column', 'snippet', 'fingerprint']);
    expect(Object.keys(parsed.workspace)).toEqual(['filesScanned', 'filesSkipped', 'skipped']);
    expect(Object.keys(parsed.workspace.filesSkipped)).toEqual(['binary', 'too-large', 'unreadable', 'symlink']);
    expect(Object.keys(parsed.workspace.skipped[0] ?? {})).toEqual(['file', 'reason']);
    expect(renderJson(scrambled(failingReport))).toBe(renderJson(failingReport));
  });

  it('names the host the key went to, and the plugins not loaded, only when there are', () => {
    expect(JSON.parse(renderJson(passingReport))).toMatchObject({ remote: { host: 'openrouter.ai', baseUrl: 'https://openrouter.ai/api/v1' } });
    expect(JSON.parse(renderJson(passingReport))).not.toHaveProperty('plugins');
    const warning = JSON.parse(renderJson(warningReport)) as Record<string, unknown>;
    expect(Object.keys(warning).slice(0, 5)).toEqual(['schemaVersion', 'tool', 'root', 'plugins', 'durationMs']);
    expect(warning.plugins).toEqual({ notLoaded: ['./checks/no-legacy-models.mjs'] });
    expect(warning).not.toHaveProperty('remote');
  });

  it('omits absent finding fields instead of writing null', () => {
    const parsed = JSON.parse(renderJson(failingReport)) as { checks: { id: string; findings: object[] }[] };
    const creditLimit = parsed.checks.find((check) => check.id === 'credit-limit');
    expect(Object.keys(creditLimit?.findings[0] ?? {})).toEqual(['message', 'severity', 'fingerprint']);
  });

  it('gives each finding the fingerprint the baseline, SARIF and GitLab reports use, and keeps one the run set', () => {
    const parsed = JSON.parse(renderJson(failingReport)) as { checks: { findings: { fingerprint: string }[] }[] };
    expect(parsed.checks.map((check) => check.findings.map((finding) => finding.fingerprint))).toEqual(
      failingReport.checks.map((check) => fingerprintsIn(check)),
    );
    for (const fingerprint of parsed.checks.flatMap((check) => check.findings.map((finding) => finding.fingerprint)))
      expect(fingerprint).toMatch(/^[0-9a-f]{16,64}$/);
    const [first] = failingReport.checks.filter((check) => check.findings.length > 0);
    const set = { ...failingReport, checks: [{ ...first!, findings: first!.findings.map((finding) => ({ ...finding, fingerprint: 'set-by-the-run' })) }] };
    expect(
      (JSON.parse(renderJson(set)) as { checks: { findings: { fingerprint: string }[] }[] }).checks[0]!.findings.map((finding) => finding.fingerprint),
    ).toEqual(first!.findings.map(() => 'set-by-the-run'));
  });

  it('indents by two spaces and ends with a newline', () => {
    const output = renderJson(passingReport);
    expect(output.startsWith('{\n  "schemaVersion": 1,\n')).toBe(true);
    expect(output.endsWith('}\n')).toBe(true);
  });

  it('is what render("json") returns, whatever the options', () => {
    expect(render('json', failingReport, sampleOptions({ color: true, quiet: true, failOn: 'warn' }))).toBe(renderJson(failingReport));
  });
});
