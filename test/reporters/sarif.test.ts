import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report.js';
import { renderSarif } from '../../src/reporters/sarif.js';
import { expectGolden } from '../support/golden.js';
import { validateSarif } from '../support/sarif.js';
import { failingReport, passingReport, sampleOptions, warningReport } from '../support/sample-reports.js';

const SAMPLES: [string, Report][] = [
  ['failing', failingReport],
  ['passing', passingReport],
  ['warning', warningReport],
];


interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations?: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, unknown> } }>;
  partialFingerprints: Record<string, string>;
}
interface SarifLog {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; defaultConfiguration: { level: string } }> } };
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ message: { text: string } }> }>;
    results: SarifResult[];
  }>;
}

const parse = (report: Report, configFile?: string): SarifLog =>
  JSON.parse(renderSarif(report, sampleOptions(configFile === undefined ? {} : { configFile }))) as SarifLog;

describe('renderSarif', () => {
  it.each(SAMPLES)('%s matches its golden file', (name, report) => {
    expectGolden(`${name}.sarif`, renderSarif(report, sampleOptions({ configFile: '.openrouter-check.yml' })));
  });

  it.each(SAMPLES)('%s validates against the SARIF 2.1.0 schema', (_name, report) => {
    const valid = validateSarif(JSON.parse(renderSarif(report, sampleOptions({ configFile: '.openrouter-check.yml' }))));
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('lists every check as a rule, and each finding as a result pointing at its rule', () => {
    const [run] = parse(failingReport).runs;
    expect(run!.tool.driver.rules.map((rule) => rule.id)).toEqual(failingReport.checks.map((check) => check.id));
    const findings = failingReport.checks.flatMap((check) => check.findings.map((finding) => ({ id: check.id, finding })));
    expect(run!.results).toHaveLength(findings.length);
    for (const [index, result] of run!.results.entries()) {
      expect(run!.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
      expect(result.ruleId).toBe(findings[index]!.id);
      expect(result.level).toBe(findings[index]!.finding.severity === 'error' ? 'error' : 'warning');
    }
  });

  it('points a located finding at its file, line and column, relative to %SRCROOT%', () => {
    const result = parse(failingReport).runs[0]!.results.find((candidate) => candidate.locations?.[0]?.physicalLocation.region.startColumn !== undefined)!;
    const check = failingReport.checks.find((candidate) => candidate.id === result.ruleId)!;
    const finding = check.findings.find((candidate) => candidate.message === result.message.text)!;
    expect(result.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: encodeURI(finding.file!), uriBaseId: '%SRCROOT%' },
      region: { startLine: finding.line, startColumn: finding.column, ...(finding.snippet ? { snippet: { text: finding.snippet } } : {}) },
    });
  });

  it('points a finding with no file at the config file, or nowhere without one', () => {
    const remote = (log: SarifLog): SarifResult | undefined =>
      log.runs[0]!.results.find((result) => {
        const check = failingReport.checks.find((candidate) => candidate.id === result.ruleId)!;
        return check.findings.some((finding) => finding.message === result.message.text && finding.file === undefined);
      });
    expect(remote(parse(failingReport, '.openrouter-check.yml'))!.locations).toEqual([
      { physicalLocation: { artifactLocation: { uri: '.openrouter-check.yml', uriBaseId: '%SRCROOT%' }, region: { startLine: 1 } } },
    ]);
    expect(remote(parse(failingReport))!.locations).toBeUndefined();
  });

  it('keeps a finding\'s fingerprint when only its line moves, and tells different findings apart', () => {
    const fingerprintsOf = (report: Report): string[] => parse(report).runs[0]!.results.map((result) => result.partialFingerprints['openrouterCheck/v1']!);
    const moved: Report = {
      ...failingReport,
      checks: failingReport.checks.map((check) => ({
        ...check,
        findings: check.findings.map((finding) => (finding.line === undefined ? finding : { ...finding, line: finding.line + 10 })),
      })),
    };
    const before = fingerprintsOf(failingReport);
    expect(fingerprintsOf(moved)).toEqual(before);
    expect(new Set(before).size).toBe(before.length);
    for (const fingerprint of before) expect(fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reports checks that could not run as tool execution notifications', () => {
    const [run] = parse(failingReport).runs;
    const errored = failingReport.checks.filter((check) => check.status === 'error');
    expect(errored.length).toBeGreaterThan(0);
    expect(run!.invocations[0]!.executionSuccessful).toBe(false);
    expect(run!.invocations[0]!.toolExecutionNotifications.map((notification) => notification.message.text)).toEqual(
      errored.map((check) => `${check.id} could not run: ${check.message}`),
    );
    expect(parse(passingReport).runs[0]!.invocations[0]!.executionSuccessful).toBe(true);
  });
});
